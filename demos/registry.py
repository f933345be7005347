"""Which demo pages the app shows: every ``DemoPage`` the installed term plugins register.

The pages come from ``sslgloss.plugins.iter_demos()`` (each plugin's
``register_demos`` hook; the core glossary declares its own in
``sslgloss/terms/__init__.py``). ``FALLBACK_DEMOS`` is used only when that
cannot be imported, e.g. in a checkout whose core is older than the app.
A registered page whose script file does not exist is left out (and listed
on the home page), so the app works while a demo is still being written.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PAGES_DIR = Path(__file__).resolve().parent / "views"


@dataclass
class LocalDemoPage:
    """The same fields as ``sslgloss.DemoPage``, for when the core cannot be imported."""

    id: str
    title: str
    script: Path
    terms: list[str] = field(default_factory=list)
    icon: str | None = None
    fallback: str | None = None
    plugin: str = "core"


FALLBACK_DEMOS = [
    LocalDemoPage("masked-image", "The missing part of an image", PAGES_DIR / "masked-image.py",
                  ["masked-image-modeling", "mae"], ":material/image:", "sslgloss.fallbacks:masked_image"),
    LocalDemoPage("song-styles", "Songs grouped by style", PAGES_DIR / "song-styles.py",
                  ["audio-representation-learning", "contrastive-learning", "self-supervised-learning"],
                  ":material/music_note:", "sslgloss.fallbacks:song_styles"),
    LocalDemoPage("few-label-sentiment", "Sentiment with few labels", PAGES_DIR / "few-label-sentiment.py",
                  ["sentiment-analysis", "transfer-learning", "fine-tuning"], ":material/sentiment_satisfied:",
                  "sslgloss.fallbacks:few_label_sentiment"),
]


def registered_demos() -> list[Any]:
    """Every registered demo page (plugin order, core first), or the fallback list."""
    try:
        from sslgloss.plugins import iter_demos
    except ImportError:
        return list(FALLBACK_DEMOS)
    return list(iter_demos())


def available_demos() -> tuple[list[Any], list[Any]]:
    """(demos whose page script exists, demos registered without one). Duplicate ids: first wins."""
    seen: set[str] = set()
    ready, missing = [], []
    for demo in registered_demos():
        if demo.id in seen:
            continue
        seen.add(demo.id)
        (ready if Path(demo.script).is_file() else missing).append(demo)
    return ready, missing


def description(demo: Any) -> str:
    """The first line of the page script's docstring: one sentence saying what the demo shows."""
    try:
        doc = ast.get_docstring(ast.parse(Path(demo.script).read_text(encoding="utf-8"))) or ""
    except (OSError, SyntaxError, UnicodeDecodeError):
        return ""
    return doc.strip().splitlines()[0] if doc.strip() else ""
