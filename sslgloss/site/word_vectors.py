"""Teach the site's static word vectors to read like the search encoder (``sslgloss site word-vectors``).

Needs the demos extra (torch, the sentence encoder); the site build only reads the result
(:mod:`.meaning`). Two steps, about four minutes on two cores:

1. **Start**: every word of the vocabulary read alone by the glossary's search encoder.
2. **Learn from the encoder** (distillation, self-supervised: no label anywhere): for ~43,000
   texts — the glossary's passages, its sentences with the term's names blanked (the search
   adapter's pairs, :func:`sslgloss.search.pairs.training_pairs`) and 30,000 WordNet sentences
   of everyday English — the weighted sum of a text's word vectors is pulled towards the
   encoder's vector of the whole text. Word vectors and one weight per word are learned.

On the dev questions (`sslgloss site search-eval --part dev`) this lifted hybrid recall@1 from
0.40 (words read alone, weighted by rarity) to 0.51; more epochs or a smaller learning rate
gave the same. The vectors are then cut to their ``DIMS`` main directions (128 ranked as well
as all 384 on dev) and stored as 8-bit integers.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from typing import Any, Callable

import numpy as np

from .meaning import DIMS, WordVectors, find_row, quantize, vocabulary, words

EPOCHS = 4
LEARNING_RATE = 0.002
BATCH = 256
EVERYDAY_LINES = 30_000  # WordNet sentences of 3-30 words, a fixed random sample
STOP_WORD_START = 0.1  # starting weight of a stop word (others start at their rarity among passages)


def training_texts(glossary: Any, seed: int = 0, everyday_lines: int = EVERYDAY_LINES) -> tuple[list[str], list[str]]:
    """(passages, other texts): what the word vectors learn to read as the encoder does."""
    from ..ml.corpus import wordnet_sentence_lines
    from ..search.pairs import ALL_KINDS, Recipe, training_pairs
    from ..search.passages import glossary_passages

    rng = random.Random(seed)
    passages = [p.encoded for p in glossary_passages(glossary.terms.values())]
    anchors = [p.anchor for p in training_pairs(glossary.terms.values(), Recipe(kinds=ALL_KINDS, pairs_per_term=0), rng)]
    everyday = [line for line in wordnet_sentence_lines() if 3 <= len(line.split()) <= 30]
    rng.shuffle(everyday)
    return passages, list(dict.fromkeys(anchors + everyday[:everyday_lines]))


def train(glossary: Any, encode: Callable[[list[str]], np.ndarray], base_vocab: Any, *, epochs: int = EPOCHS,
          dims: int = DIMS, seed: int = 0, everyday_lines: int = EVERYDAY_LINES,
          echo: Callable[[str], None] = print) -> WordVectors:
    """Word vectors for site search, distilled from ``encode`` (texts -> unit vectors); see the module docstring."""
    import torch
    from stop_words import get_stop_words

    torch.manual_seed(seed)
    passages, others = training_texts(glossary, seed, everyday_lines)
    vocab = vocabulary(passages, base_vocab)
    echo(f"reading {len(vocab):,} words alone and {len(passages) + len(others):,} texts whole with the encoder")
    start = np.asarray(encode(vocab), dtype=np.float32)
    texts = passages + others
    targets = torch.tensor(np.asarray(encode(texts), dtype=np.float32))
    index = {w: i for i, w in enumerate(vocab)}
    tokens = [[i for i in (find_row(index, w) for w in words(t)) if i is not None] for t in texts]
    stop = frozenset(get_stop_words("en"))
    df = Counter(i for ids in tokens[:len(passages)] for i in set(ids))
    n = len(passages)
    first = [STOP_WORD_START if w in stop else math.log((n + 1) / (df[i] + 1)) + 1 for i, w in enumerate(vocab)]
    table = torch.nn.Parameter(torch.tensor(start))
    log_weight = torch.nn.Parameter(torch.log(torch.tensor(first, dtype=torch.float32)))
    optimiser = torch.optim.Adam([table, log_weight], lr=LEARNING_RATE)
    usable = np.array([i for i, ids in enumerate(tokens) if ids])
    order_rng = np.random.default_rng(seed)
    for epoch in range(epochs):
        total, steps = 0.0, 0
        shuffled = order_rng.permutation(usable)
        for at in range(0, len(shuffled), BATCH):
            batch = shuffled[at:at + BATCH]
            flat = torch.tensor([i for b in batch for i in tokens[b]], dtype=torch.long)
            offsets = torch.tensor(np.cumsum([0] + [len(tokens[b]) for b in batch[:-1]]), dtype=torch.long)
            summed = torch.nn.functional.embedding_bag(flat, table, offsets, mode="sum",
                                                       per_sample_weights=torch.exp(log_weight[flat]))
            cosine = (torch.nn.functional.normalize(summed, dim=1) * targets[batch]).sum(dim=1)
            loss = (1 - cosine).mean()
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            total, steps = total + loss.item(), steps + 1
        echo(f"epoch {epoch + 1}/{epochs}: mean 1 - cosine to the encoder {total / max(steps, 1):.4f}")
    learned = table.detach().numpy().astype(np.float64)
    _, _, directions = np.linalg.svd(learned - learned.mean(axis=0), full_matrices=False)
    codes, scales = quantize(learned @ directions[:dims].T)
    return WordVectors(vocab, codes, scales, torch.exp(log_weight).detach().numpy().astype(np.float32))
