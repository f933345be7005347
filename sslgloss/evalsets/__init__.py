"""Held-out, learner-style evaluation sets, each split into a ``dev`` and a ``test`` part.

``fill-mask.yaml``, ``next-word.yaml``, ``sentiment.yaml`` and ``search.yaml``
hold inputs as a newcomer types them (everyday sentences, idioms, plain
reviews, questions without the term's own words), written by someone who
did not see the models' answers. The ``test`` part was written first and is
not looked at while tuning: it gives the figures the docs quote. The ``dev``
part is the one to look at while tuning.

>>> sorted(NAMES)
['fill-mask', 'next-word', 'search', 'sentiment']
>>> len(load("fill-mask", "test")) > 0
True
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml

from ..errors import InputError

NAMES = ("fill-mask", "next-word", "sentiment", "search")
PARTS = ("dev", "test")


@cache
def _read(name: str) -> dict:
    text = resources.files(__name__).joinpath(f"{name}.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def load(name: str, part: str = "test") -> list[dict]:
    """The items of one part of one set (a new list; the items are plain dicts)."""
    if name not in NAMES:
        raise InputError(f"unknown evaluation set `{name}`; valid: {', '.join(NAMES)}")
    if part not in PARTS:
        raise InputError(f"unknown part `{part}` of evaluation set `{name}`; valid: {', '.join(PARTS)}")
    return [dict(item) for item in _read(name)[part]]
