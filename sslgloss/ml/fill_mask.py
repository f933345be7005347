"""Fill in the blank: the masked model's whole-word guesses for each [MASK], and the unigram baseline.

Answers are whole words: the model predicts WordPiece tokens, so ``##piece``
continuations are never offered (a single [MASK] is one token). Punctuation is
offered only when asked for. Probabilities are the model's own, over its whole
vocabulary, so they need not add up to 1 over the words shown.

>>> fill_mask("The cat sat on the [MASK].", k=3)[0][0].word  # doctest: +SKIP
'floor'
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from sslgloss.errors import InputError
from sslgloss.ml import registry
from sslgloss.ml.checks import MASK_EXAMPLE, Prediction, check_k, check_text, cut_long, normalize_masks, unknown_notice
from sslgloss.ml.tokenizer import MASK

MAX_MASKS = 16
MASKED_WINDOW = 128  # tokens the masked model reads around each [MASK]


class MaskPredictions(list):
    """One list of :class:`Prediction` per [MASK], in text order; ``notices`` and the ``tokens`` read."""

    def __init__(self, items=(), notices: list[str] | None = None, tokens: list[str] | None = None):
        super().__init__(items)
        self.notices = list(notices or [])
        self.tokens = list(tokens or [])


def fill_mask(text: str, k: int = 5, punctuation: bool = False) -> MaskPredictions:
    """The ``k`` most likely whole words for each [MASK] in ``text`` (several masks are fine).

    Probabilities are the model's own, over its whole vocabulary (so they need not add up to 1
    over the words shown).
    """
    lm = registry.get_model("masked")
    notices: list[str] = []
    k = check_k(k, notices)
    ids, positions, tokens = _masked_input(lm, text, notices)
    probs = _masked_probs(lm, ids, positions, notices)  # (M, V)
    allowed = lm.allowed(punctuation)
    out = [_top_words(lm, p, allowed, k) for p in probs]
    return MaskPredictions(out, notices, tokens)


def unigram_fill_mask(text: str, k: int = 5, punctuation: bool = False) -> MaskPredictions:
    """The baseline: the most frequent words of the training text, whatever the context."""
    lm = registry.get_model("masked")
    notices: list[str] = []
    k = check_k(k, notices)
    ids, positions, tokens = _masked_input(lm, text, notices)
    p = lm.unigram / lm.unigram.sum()
    row = _top_words(lm, p.float(), lm.allowed(punctuation), k)
    return MaskPredictions([list(row) for _ in positions], notices, tokens)


def masked_text(text, notices: list[str]) -> str:
    """``text`` checked, every spelling of [MASK] made ``[MASK]``, and cut around the first one if too
    long (with a notice); InputError if it holds no [MASK]. Every masked model reads its input this way."""
    text = normalize_masks(check_text(text))
    first = text.find(MASK)
    if first < 0:
        raise InputError(f"no [MASK] in the text; {MASK_EXAMPLE}")
    return cut_long(text, first, notices)


def first_masks(positions: list, notices: list[str]) -> list:
    """The first MAX_MASKS of the [MASK] ``positions``, with a notice when there were more."""
    if len(positions) > MAX_MASKS:
        notices.append(f"the text has {len(positions)} [MASK]s; predicting the first {MAX_MASKS}")
    return positions[:MAX_MASKS]


def _masked_input(lm: registry.LoadedModel, text, notices: list[str]) -> tuple[list[int], list[int], list[str]]:
    enc = lm.tokenizer.encode(masked_text(text, notices), add_special_tokens=False)
    ids = [lm.sep_id, *enc.ids, lm.sep_id]
    positions = [i for i, t in enumerate(ids) if t == lm.mask_id]
    if not positions:  # the cut removed every mask (cannot happen: the cut centres on the first one)
        raise InputError(f"no [MASK] in the text; {MASK_EXAMPLE}")
    positions = first_masks(positions, notices)
    tokens = [lm.id_to_token[i] for i in ids]
    unknown_notice(tokens, notices)
    return ids, positions, tokens


@torch.inference_mode()
def _masked_probs(lm: registry.LoadedModel, ids: list[int], positions: list[int], notices: list[str]) -> torch.Tensor:
    L = MASKED_WINDOW
    if len(ids) <= L:
        h = lm.model.hidden(torch.tensor([ids]))  # (1, T, C)
        return F.softmax(lm.model.predict(h[0, positions]), dim=-1)  # vocabulary logits at the masks only
    notices.append(
        f"the text is {len(ids)} tokens long and the model reads at most {L}; "
        f"each [MASK] was predicted from the {L} tokens around it"
    )
    windows, where = [], []
    for p in positions:
        start = max(0, min(p - L // 2, len(ids) - L))
        windows.append(ids[start : start + L])
        where.append(p - start)
    h = lm.model.hidden(torch.tensor(windows))  # (M, L, C)
    return F.softmax(lm.model.predict(h[torch.arange(len(positions)), where]), dim=-1)


def _top_words(lm: registry.LoadedModel, probs: torch.Tensor, allowed: torch.Tensor, k: int) -> list[Prediction]:
    masked = torch.where(allowed, probs, torch.zeros_like(probs))
    values, idx = masked.topk(min(k, int(allowed.sum())))
    return [Prediction(lm.id_to_token[i], float(v)) for v, i in zip(values.tolist(), idx.tolist()) if v > 0]
