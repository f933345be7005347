"""The source article's three scenarios, each a small self-supervised model trained by our own code.

| demo id               | module                 | what the learner sees                                      |
|-----------------------|------------------------|------------------------------------------------------------|
| `masked-image`        | `masked_image`         | a masked autoencoder fills in hidden patches of a digit    |
| `song-styles`         | `song_styles`          | a contrastive encoder groups synthetic songs by style      |
| `few-label-sentiment` | `few_label_sentiment`  | sentence embeddings need far fewer labels than bag-of-words |

Every module trains on data that ships with a dependency or that our code
generates (nothing is downloaded), caches what it trained under the cache
dir (``SSLGLOSS_CACHE``), and exposes ``static_summary()``: a dict with a
``headline`` sentence, ``figures`` (scalars, and lists of flat dicts for
tables) and, for images, ``png`` (name -> PNG bytes), computed by the same
model as the live demo. ``sslgloss/demos/static.py`` turns it into the HTML the
site shows when the demo server is down.
"""

from __future__ import annotations

import importlib
from typing import Any

#: demo id -> module (inside this package) that implements it
SCENARIOS = {
    "masked-image": "masked_image",
    "song-styles": "song_styles",
    "few-label-sentiment": "few_label_sentiment",
}


def scenario(demo_id: str) -> Any:
    """The module implementing ``demo_id`` (imported on first use: torch is slow to import)."""
    from ..errors import InputError

    if demo_id not in SCENARIOS:
        raise InputError(f"unknown scenario `{demo_id}`; valid: {', '.join(sorted(SCENARIOS))}")
    return importlib.import_module(f"{__name__}.{SCENARIOS[demo_id]}")


def static_summary(demo_id: str) -> dict:
    """Key figures of one scenario, computed by the same model the live demo uses."""
    return scenario(demo_id).static_summary()
