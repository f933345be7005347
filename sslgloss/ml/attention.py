"""Attention maps: every layer's and head's attention weights for a text, to show where a model looks."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from sslgloss.errors import InputError
from sslgloss.ml import registry
from sslgloss.ml.checks import MAX_INPUT_CHARS, check_text, cut_long, normalize_masks, unknown_notice


@dataclass
class AttentionMaps:
    tokens: list[str]
    weights: np.ndarray  # (layers, heads, T, T): row = the token attending, column = attended to
    model: str
    notices: list[str] = field(default_factory=list)


def attention(text: str, model: str = "masked", max_tokens: int = 64) -> AttentionMaps:
    """Every layer's and head's attention weights for ``text`` (masked model by default)."""
    if model not in ("masked", "next-word"):
        raise InputError(f"model must be 'masked' or 'next-word', not {model!r}")
    lm = registry.get_model(model)
    notices: list[str] = []
    text = check_text(text)
    text = normalize_masks(text)
    text = cut_long(text, 0, notices) if len(text) > MAX_INPUT_CHARS else text
    if not text.strip():
        raise InputError('the text is empty; type a sentence, e.g. "The cat sat on the mat."')
    ids = lm.encode(text)
    if len(ids) > max_tokens - 2:
        notices.append(f"the text is {len(ids)} tokens long; showing the first {max_tokens - 2}")
        ids = ids[: max_tokens - 2]
    ids = [lm.sep_id, *ids] + ([lm.sep_id] if model == "masked" else [])
    maps = lm.model.attention_maps(torch.tensor([ids]))
    weights = torch.stack([m[0] for m in maps]).numpy()  # (layers, heads, T, T)
    tokens = [lm.id_to_token[i] for i in ids]
    unknown_notice(tokens, notices)
    return AttentionMaps(tokens, weights, model, notices)
