"""Sampling: THE one temperature / top-k / top-p (nucleus) implementation, for generation, the CLI and the pages.

Works on one vector over the candidates (the whole vocabulary for
generation, a page's shortlist of words for the next-word demo):

* :func:`sampling_distribution` — the probabilities a draw uses once the
  settings are applied (what a page shows as "chance of being drawn");
* :func:`sample_from_logits` / :func:`sample_token` — one draw, from logits
  (-inf = impossible) or from probabilities (0 = impossible);
* :func:`check_sampling` — the settings as a learner may type them, checked
  (InputError) or adjusted with a notice (temperature <= 0 means greedy).

>>> [round(p, 3) for p in sampling_distribution([0.5, 0.3, 0.2], 1.0, top_k=2, top_p=None, probs=True).tolist()]
[0.625, 0.375, 0.0]
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from sslgloss.errors import InputError


def check_sampling(temperature, top_k, top_p, notices: list[str]) -> tuple[float, int | None, float | None]:
    """``(temperature, top_k, top_p)`` checked: temperature <= 0 becomes 0 (greedy, with a notice), top-k 0 None."""
    try:
        temperature = float(temperature)
    except (TypeError, ValueError):
        raise InputError(f"temperature must be a number, not {temperature!r}") from None
    if not np.isfinite(temperature):
        raise InputError("temperature must be a finite number (1.0 samples from the model as it is)")
    if temperature <= 0:
        notices.append(f"temperature {temperature:g} <= 0: choosing the most likely token each time (greedy)")
        temperature = 0.0
    if top_k is not None:
        if isinstance(top_k, bool) or not isinstance(top_k, (int, np.integer)) or top_k < 0:
            raise InputError(f"top-k must be a whole number >= 0 (0 means no limit), not {top_k!r}")
        top_k = int(top_k) or None
    if top_p is not None:
        try:
            top_p = float(top_p)
        except (TypeError, ValueError):
            raise InputError(f"top-p must be a number in (0, 1], not {top_p!r}") from None
        if not 0 < top_p <= 1:
            raise InputError(f"top-p must be in (0, 1] (1 keeps every token), not {top_p:g}")
    return temperature, top_k, top_p


def sampling_distribution(scores, temperature: float, top_k: int | None, top_p: float | None,
                          probs: bool = False) -> torch.Tensor:
    """The distribution a token is drawn from: ``scores`` after temperature, top-k, then top-p.

    ``scores`` are logits (-inf = impossible), or probabilities when ``probs`` is true (0 = impossible;
    they need not sum to 1). Temperature 0 puts all the mass on the most likely entry. Top-k of
    None or 0 and top-p of None or 1 keep everything; top-p always keeps the most likely entry.
    """
    scores = torch.as_tensor(scores)
    if not scores.is_floating_point():
        scores = scores.float()
    logits = scores.log() if probs else scores  # log(0) = -inf stays impossible
    if temperature == 0:
        p = torch.zeros_like(logits)
        p[logits.argmax()] = 1.0
        return p
    logits = logits / temperature
    if top_k and top_k < logits.numel():
        kth = logits.topk(top_k).values[-1]
        logits = logits.masked_fill(logits < kth, float("-inf"))
    p = F.softmax(logits, dim=-1)
    if top_p is not None and top_p < 1:
        sorted_p, order = p.sort(descending=True)
        keep = sorted_p.cumsum(0) - sorted_p < top_p  # always keeps the most likely token
        p = torch.zeros_like(p).scatter(0, order[keep], sorted_p[keep])
        p = p / p.sum()
    return p


def sample_token(probs: torch.Tensor, temperature: float, top_k: int | None, top_p: float | None,
                 generator: torch.Generator) -> int:
    """One token from a probability vector, with temperature, top-k and nucleus (top-p) filtering.

    A token of probability 0 is never drawn, at any temperature.
    """
    if temperature == 0:
        return int(probs.argmax())
    return sample_from_logits(probs.log(), temperature, top_k, top_p, generator)  # log(0) = -inf stays impossible


def sample_from_logits(logits: torch.Tensor, temperature: float, top_k: int | None, top_p: float | None,
                       generator: torch.Generator) -> int:
    """:func:`sample_token` for logits (-inf = impossible), one softmax fewer: what generation uses."""
    if temperature == 0:
        return int(logits.argmax())
    p = sampling_distribution(logits, temperature, top_k, top_p)
    # inverse-CDF draw: one uniform number against the running sum (torch.multinomial draws one
    # exponential per vocabulary entry, ~10x slower for a single sample)
    cdf = p.cumsum(0)
    u = torch.rand(1, generator=generator, dtype=cdf.dtype) * cdf[-1]
    tok = int(torch.searchsorted(cdf, u, right=True).clamp_max(p.numel() - 1))
    while tok > 0 and p[tok] == 0:  # u fell on a boundary ending in zero-probability entries: take the last live one before
        tok -= 1
    return tok
