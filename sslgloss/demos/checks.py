"""What a demo accepts: the checks every text box shares, and URL-value parsers.

Streamlit-free, so the CLI, the static results and the tests use the same
checks as the pages. Every failure is an :class:`~sslgloss.errors.InputError`
whose message names the box and says what to do instead.

>>> check_typed_text("The cat sat.", what="text", empty="Type something.")
'The cat sat.'
>>> parse_int(1, 10)("12")
Traceback (most recent call last):
...
sslgloss.errors.InputError: 12 is out of range; use 1 to 10
"""

from __future__ import annotations

import re
from typing import Any, Callable

from ..errors import InputError

MAX_TEXT_CHARS = 2_000  # a demo input is a sentence or a paragraph; more is a paste gone wrong
# C0/C1 control characters (tab and newlines are fine) and the bidi overrides that can make text read
# differently from what the model sees; zero-width joiners stay allowed (emoji sequences use them).
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
OTHER_SCRIPTS = ("The model learned from English text only: words in other scripts (Hebrew, Arabic, Chinese…) "
                 "are unknown to it. Try an English sentence.")


def check_typed_text(text: Any, *, what: str, empty: str, max_chars: int = MAX_TEXT_CHARS,
                     instead: str = "Paste a sentence or a paragraph instead.", reads: str = "this demo reads") -> str:
    """Not empty, not too long, no invisible control characters; ``empty`` is the advice for an empty box."""
    if not isinstance(text, str) or not text.strip():
        raise InputError(f"The {what} is empty. {empty}")
    if len(text) > max_chars:
        raise InputError(f"The {what} has {len(text):,} characters; {reads} at most {max_chars:,}. {instead}")
    bad = CONTROL_CHARS.search(text)
    if bad:
        retype = "query" if what == "query" else "text"
        raise InputError(f"The {what} contains an invisible control character (U+{ord(bad.group()):04X}) at "
                         f"position {bad.start() + 1}; delete it, or retype the {retype} instead of pasting it.")
    return text


def check_has_english_words(text: str, *, what: str, no_words: str, not_english: str = OTHER_SCRIPTS) -> None:
    """InputError if ``text`` has no letters or digits at all, or none in English (ASCII) script."""
    if not any(ch.isalnum() for ch in text):
        raise InputError(f"The {what} has no words, only symbols or emoji, so {no_words}")
    if not any(ch.isascii() and ch.isalnum() for ch in text):
        raise InputError(f"The {what} has no English words. {not_english}")


def parse_int(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise InputError(f"`{text}` is not a whole number; use {low} to {high}") from None
        if not low <= value <= high:
            raise InputError(f"{value} is out of range; use {low} to {high}")
        return value

    return parse


def parse_float(low: float, high: float, step: float = 0.05) -> Callable[[str], float]:
    """A number in [low, high], rounded to ``step`` (the slider's step)."""
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise InputError(f"`{text}` is not a number; use {low:g} to {high:g}") from None
        if not low <= value <= high:
            raise InputError(f"{value:g} is out of range; use {low:g} to {high:g}")
        return round(round(value / step) * step, 10)

    return parse


def parse_choice(choices: list[str] | tuple[str, ...]) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if text not in choices:
            raise InputError(f"`{text}` is not one of {', '.join(f'`{c}`' for c in choices)}")
        return text

    return parse

