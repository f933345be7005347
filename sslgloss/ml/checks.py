"""Input checks shared by fill-mask, next-word, generation and attention, and the answer types they return.

Bad input never raises anything but :class:`sslgloss.errors.InputError` (a
ValueError) with a message that says what would work; where the input can be
used after a change (too long, k too large), the change is appended to the
caller's ``notices`` list.

``[MASK]`` may be typed as ``[MASK]``, ``[mask]``, ``[ mask ]`` or ``<mask>``:
:func:`normalize_masks` turns every spelling into the tokenizer's ``[MASK]``,
and every caller (the models, the CLI, the demo page) uses it.

>>> normalize_masks("The <mask> sat on the [mask].")
'The  [MASK]  sat on the  [MASK] .'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from sslgloss.errors import InputError
from sslgloss.ml.tokenizer import MASK, UNK
from sslgloss.text import replace_lone_surrogates

MAX_INPUT_CHARS = 20_000  # longer text is cut before tokenizing, so a 1 MB paste costs milliseconds
MAX_K = 50
MASK_EXAMPLE = 'put [MASK] where a word is missing, e.g. "The cat sat on the [MASK]."'

MASK_SPELLINGS = re.compile(r"\[\s*mask\s*\]|<mask>", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Prediction:
    word: str
    prob: float


class Predictions(list):
    """A list of :class:`Prediction` (most likely first) that also carries ``notices``."""

    def __init__(self, items=(), notices: list[str] | None = None):
        super().__init__(items)
        self.notices = list(notices or [])


def normalize_masks(text: str) -> str:
    """``text`` with every accepted spelling of [MASK] replaced by `` [MASK] `` (spaces keep it a token of its own)."""
    return MASK_SPELLINGS.sub(f" {MASK} ", text)


def check_text(text, what: str = "text") -> str:
    """``text`` as a clean string (lone surrogates and control characters replaced), or InputError."""
    if text is None:
        raise InputError(f"no {what} given")
    if not isinstance(text, str):
        raise InputError(f"the {what} must be a string, not {type(text).__name__}")
    text = replace_lone_surrogates(text)
    return _CONTROL.sub(" ", text)


def check_count(value, name: str, maximum: int, notices: list[str], *, over: str, low_hint: str = "") -> int:
    """A whole number from 1 to ``maximum``; more is clamped to ``maximum`` with the notice "``name``=value is more than ``over``"."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise InputError(f"{name} must be a whole number between 1 and {maximum}, not {value!r}")
    if value < 1:
        raise InputError(f"{name} must be at least 1 (got {value}){low_hint}")
    if value > maximum:
        notices.append(f"{name}={value} is more than {over}")
        return maximum
    return int(value)


def check_k(k, notices: list[str]) -> int:
    """How many predictions to show: 1 to MAX_K (more is clamped with a notice)."""
    return check_count(k, "k", MAX_K, notices, over=f"the {MAX_K} predictions shown at most; showing {MAX_K}",
                       low_hint="; it is how many predictions to show")


def unknown_notice(tokens: list[str], notices: list[str]) -> None:
    """Say so when some of the text read as [UNK]."""
    n = tokens.count(UNK)
    if n:
        notices.append(
            f"{n} piece(s) of the text are unknown to the model (it learned from English text: emoji and other "
            "scripts read as [UNK])"
        )


def cut_long(text: str, centre: int, notices: list[str]) -> str:
    """At most MAX_INPUT_CHARS characters of ``text`` around the character ``centre``."""
    if len(text) <= MAX_INPUT_CHARS:
        return text
    start = max(0, min(centre - MAX_INPUT_CHARS // 2, len(text) - MAX_INPUT_CHARS))
    notices.append(f"the text has {len(text):,} characters; only the {MAX_INPUT_CHARS:,} around the first [MASK] were read")
    return text[start : start + MAX_INPUT_CHARS]


def prompt_ids(lm, prompt, notices: list[str], max_tokens: int) -> tuple[list[int], str]:
    """The token ids a next-word model reads for ``prompt`` ([SEP] first, at most ``max_tokens``), and the prompt read.

    ``lm`` is a :class:`sslgloss.ml.registry.LoadedModel`.
    """
    prompt = check_text(prompt, "prompt")
    if len(prompt) > MAX_INPUT_CHARS:
        notices.append(f"the prompt has {len(prompt):,} characters; only the last {MAX_INPUT_CHARS:,} were read")
        prompt = prompt[-MAX_INPUT_CHARS:]
    if not prompt.strip():
        notices.append("the prompt is empty: these are the words a text most often starts with")
    ids = lm.encode(prompt)
    unknown_notice([lm.id_to_token[i] for i in ids], notices)
    if len(ids) > max_tokens - 1:
        notices.append(f"the prompt is {len(ids)} tokens long; the model reads the last {max_tokens - 1}")
        ids = ids[-(max_tokens - 1) :]
    return [lm.sep_id, *ids], prompt
