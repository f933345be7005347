"""BERT's masking recipe: choose 15% of positions; of those 80% become [MASK], 10% a random token, 10% stay.

The same number of positions is masked in every row of every batch (rounded
from the rate), which keeps each training step the same size: with a count
that varied per row, steps were slower and memory grew over a run.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass
class MaskingConfig:
    rate: float = 0.15  # share of positions the model must predict
    mask_prob: float = 0.8  # ... of which replaced by [MASK]
    random_prob: float = 0.1  # ... replaced by a random token (the rest keep the original token)

    def __post_init__(self):
        if not 0 < self.rate <= 1:
            raise ValueError(f"masking rate must be in (0, 1], got {self.rate}")
        if self.mask_prob < 0 or self.random_prob < 0 or self.mask_prob + self.random_prob > 1:
            raise ValueError("mask_prob and random_prob must be >= 0 and add up to at most 1")


def mask_tokens(
    ids: torch.Tensor,  # (B, T)
    config: MaskingConfig,
    mask_id: int,
    vocab_size: int,
    special_ids: list[int],
    generator: torch.Generator | None = None,
    first_random_id: int = 0,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Return (inputs, targets): targets hold the original id at chosen positions and -100 elsewhere."""
    B, T = ids.shape
    n = max(1, round(config.rate * T))
    scores = torch.rand(B, T, generator=generator)
    special = torch.isin(ids, torch.tensor(special_ids, dtype=ids.dtype))
    scores = scores.masked_fill(special, -1.0)  # never chosen unless a row has too few real tokens
    pos = scores.topk(n, dim=1).indices  # (B, n)
    chosen_ok = scores.gather(1, pos) >= 0  # (B, n)
    original = ids.gather(1, pos)  # (B, n)
    targets = torch.full_like(ids, -100)
    targets.scatter_(1, pos, torch.where(chosen_ok, original, torch.full_like(original, -100)))
    r = torch.rand(B, n, generator=generator)
    replacement = original.clone()
    replacement[r < config.mask_prob] = mask_id
    use_random = (r >= config.mask_prob) & (r < config.mask_prob + config.random_prob)
    random_ids = torch.randint(first_random_id, vocab_size, (B, n), generator=generator, dtype=ids.dtype)
    replacement = torch.where(use_random, random_ids, replacement)
    replacement = torch.where(chosen_ok, replacement, original)
    inputs = ids.clone()
    inputs.scatter_(1, pos, replacement)
    return inputs, targets
