"""Generation: continue a prompt token by token with the next-word model (KV cache) or the n-gram baseline.

Both draw every token with :mod:`sslgloss.ml.sampling` (temperature, top-k,
top-p) from a seeded generator, so the same settings and seed give the same
text. Too many tokens or a temperature <= 0 are used after a change, listed in
the result's ``notices``.

>>> generate("A dog is", tokens=12, seed=1).text.startswith("A dog is")  # doctest: +SKIP
True
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch

from sslgloss.ml import registry
from sslgloss.ml.checks import check_count, prompt_ids
from sslgloss.ml.next_word import append_word
from sslgloss.ml.sampling import check_sampling, sample_from_logits, sample_token
from sslgloss.ml.tokenizer import is_continuation, join_tokens

MAX_GENERATE_TOKENS = 200


@dataclass
class Generation:
    prompt: str
    continuation: str
    tokens: list[str]  # the generated WordPiece tokens
    notices: list[str] = field(default_factory=list)
    stopped: str = "length"  # "length" or "end of text"

    @property
    def text(self) -> str:
        if not self.continuation:
            return self.prompt
        if self.tokens and is_continuation(self.tokens[0]):  # the model finished the prompt's last word
            return self.prompt.rstrip() + self.continuation
        return append_word(self.prompt, self.continuation)


def _check_sampling(tokens, temperature, top_k, top_p, notices: list[str]) -> tuple[int, float, int | None, float | None]:
    """The token count (1 to MAX_GENERATE_TOKENS, more is clamped) and the sampling settings, checked."""
    tokens = check_count(tokens, "tokens", MAX_GENERATE_TOKENS, notices,
                         over=f"{MAX_GENERATE_TOKENS}; generating {MAX_GENERATE_TOKENS}")
    temperature, top_k, top_p = check_sampling(temperature, top_k, top_p, notices)
    return tokens, temperature, top_k, top_p


def generate(prompt: str, tokens: int = 30, temperature: float = 1.0, top_k: int | None = 40,
             top_p: float | None = None, seed: int | None = None, stop_at_end: bool = True) -> Generation:
    """Continue ``prompt`` with the next-word model, one token at a time with a KV cache.

    Stops early at the end-of-text token unless ``stop_at_end`` is False (then that token is never drawn).
    """
    lm = registry.get_model("next-word")
    notices: list[str] = []
    tokens, temperature, top_k, top_p = _check_sampling(tokens, temperature, top_k, top_p, notices)
    block = lm.model.config.block_size
    ids, prompt = prompt_ids(lm, prompt, notices, block)
    gen = torch.Generator().manual_seed(seed if seed is not None else 0)
    model = lm.model
    context = list(ids)
    cache = model.new_cache()
    out: list[int] = []
    stopped = "length"
    with torch.inference_mode():
        logits = model(torch.tensor([context]), kv_cache=cache, last_only=True)[0][0, -1]
        for _ in range(tokens):
            logits[lm.mask_id] = float("-inf")  # never used in training as a next token; keep it out of text
            if not stop_at_end:
                logits[lm.sep_id] = float("-inf")
            tok = sample_from_logits(logits, temperature, top_k, top_p, gen)
            if tok == lm.sep_id:
                stopped = "end of text"
                break
            out.append(tok)
            context.append(tok)
            if len(out) == tokens:  # done: the model need not read the last token
                break
            if len(context) >= block:  # slide: rebuild the cache from the last half block
                context = [lm.sep_id] + context[-(block // 2) :]
                cache = model.new_cache()
                logits = model(torch.tensor([context]), kv_cache=cache, last_only=True)[0][0, -1]
            else:
                logits = model.decode_step(tok, cache)
    pieces = [lm.id_to_token[i] for i in out]
    return Generation(prompt, _continuation(pieces), pieces, notices, stopped)


def ngram_generate(prompt: str, tokens: int = 30, temperature: float = 1.0, top_k: int | None = 40,
                   top_p: float | None = None, seed: int | None = None) -> Generation:
    """Continue ``prompt`` with the Kneser-Ney trigram baseline (for side-by-side display)."""
    lm = registry.get_model("next-word")
    kn = registry.get_ngram()
    notices: list[str] = []
    tokens, temperature, top_k, top_p = _check_sampling(tokens, temperature, top_k, top_p, notices)
    ids, prompt = prompt_ids(lm, prompt, notices, lm.model.config.block_size)
    gen = torch.Generator().manual_seed(seed if seed is not None else 0)
    out: list[int] = []
    stopped = "length"
    context = list(ids)
    for _ in range(tokens):
        probs = torch.from_numpy(kn.distribution(context[-2:])).float()
        probs[lm.mask_id] = 0
        tok = sample_token(probs, temperature, top_k, top_p, gen)
        if tok == lm.sep_id:
            stopped = "end of text"
            break
        out.append(tok)
        context.append(tok)
    pieces = [lm.id_to_token[i] for i in out]
    return Generation(prompt, _continuation(pieces), pieces, notices, stopped)


def _continuation(pieces: list[str]) -> str:
    if pieces and is_continuation(pieces[0]):  # join_tokens would keep a leading ## marker's text apart
        return pieces[0][2:] + (join_tokens(["x", *pieces[1:]])[1:] if len(pieces) > 1 else "")
    return join_tokens(pieces)
