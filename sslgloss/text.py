"""Small text helpers shared by the places where a user's text enters the library."""

from __future__ import annotations

import functools
import re

_SURROGATE = re.compile("[\ud800-\udfff]")


def replace_lone_surrogates(text: str) -> str:
    """Lone surrogates (argv bytes that were not UTF-8, decoded with surrogateescape) as U+FFFD.

    The tokenizers raise on them; the replacement character shows the user where the bad bytes were.

    >>> replace_lone_surrogates("caf\\udce9")
    'caf\\ufffd'
    """
    return _SURROGATE.sub("\ufffd", text)


@functools.cache
def stop_words() -> frozenset[str]:
    """Common English words (the ``stop-words`` package's list), casefolded: never a name, never a blank."""
    from stop_words import get_stop_words

    return frozenset(w.casefold() for w in get_stop_words("en"))
