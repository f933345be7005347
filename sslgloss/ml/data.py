"""Token streams and batches: lines packed end to end with [SEP] between them, cut at random offsets.

Packing wastes no compute on padding, and every window the models see is full;
the [SEP] before a line is also what the inference code puts in front of a
prompt, so "start of a text" looks the same in training and in the demos.
"""

from __future__ import annotations

import torch
from tokenizers import Tokenizer

from sslgloss.ml.tokenizer import SEP


def encode_lines(tokenizer: Tokenizer, lines: list[str]) -> list[list[int]]:
    return [enc.ids for enc in tokenizer.encode_batch(lines, add_special_tokens=False)]


def pack(tokenizer: Tokenizer, lines: list[str]) -> torch.Tensor:
    """One long int64 stream: [SEP] line [SEP] line ... [SEP]."""
    sep = tokenizer.token_to_id(SEP)
    out: list[int] = [sep]
    for ids in encode_lines(tokenizer, lines):
        out.extend(ids)
        out.append(sep)
    return torch.tensor(out, dtype=torch.long)


def get_batch(stream: torch.Tensor, batch_size: int, block_size: int, generator: torch.Generator) -> torch.Tensor:
    """(B, block_size + 1) windows from random offsets (the +1 lets the causal model shift by one)."""
    if len(stream) <= block_size + 1:  # tiny corpora: repeat the stream until a window fits
        reps = (block_size + 2) // max(len(stream), 1) + 1
        stream = stream.repeat(reps)
    ix = torch.randint(len(stream) - block_size - 1, (batch_size,), generator=generator)
    return torch.stack([stream[i : i + block_size + 1] for i in ix.tolist()])
