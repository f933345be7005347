"""The core glossary's demos, and which demo pages the Streamlit app shows.

A demo is a :class:`sslgloss.DemoPage` (``sslgloss/hookspecs.py``) that a
term plugin registers through the ``register_demos`` hook; the core
glossary's six are listed here in :data:`CORE_DEMOS` with the input each
shows when a term names none. Their page files are the Streamlit app in the
repository's top-level ``demos/`` folder, which the package installs as
``sslgloss.demos.streamlit_app`` (``pyproject.toml`` maps the folder), so a
pip-installed sslgloss can serve them as well as a checkout.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..hookspecs import DemoPage, hookimpl


def app_dir() -> Path:
    """The folder of the Streamlit app: ``app.py``, ``views/<demo id>.py`` and ``.streamlit/config.toml``."""
    from . import streamlit_app

    return Path(streamlit_app.__file__).resolve().parent


@dataclass(frozen=True)
class CoreDemo:
    id: str
    title: str
    terms: tuple[str, ...]
    icon: str
    default_input: str | None = None
    reads_glossary: bool = False
    params: tuple[str, ...] = ()  # the URL parameters its page reads besides `input` (demos/views/<id>.py)

    @property
    def fallback(self) -> str:
        """The static result's function in :mod:`sslgloss.demos.static`, as "module:function"."""
        return f"sslgloss.demos.static:{self.id.replace('-', '_')}"


CORE_DEMOS = (
    CoreDemo("masking", "Masking: fill in the blank", ("masked-language-modeling", "bert"),
             ":material/text_fields:", "Self-supervised learning needs no [MASK] data.",
             params=("k", "tab", "sentence", "rate", "seed", "layer", "head")),
    CoreDemo("next-word", "Next-word prediction", ("next-word-prediction", "gpt"),
             ":material/keyboard_double_arrow_right:", "Self-supervised learning is a way to",
             params=("temperature", "top_k", "top_p", "seed", "k")),
    CoreDemo("semantic-search", "Semantic search", ("semantic-search",), ":material/search:",
             "how can a model learn from data nobody labelled", reads_glossary=True, params=("mode", "k")),
    CoreDemo("masked-image", "The missing part of an image", ("masked-image-modeling", "mae"), ":material/image:",
             params=("mask", "image")),
    CoreDemo("song-styles", "Songs grouped by style",
             ("audio-representation-learning", "contrastive-learning", "self-supervised-learning"),
             ":material/music_note:", params=("clip", "colour")),
    CoreDemo("few-label-sentiment", "Sentiment with few labels", ("sentiment-analysis", "transfer-learning",
                                                                  "fine-tuning"),
             ":material/sentiment_satisfied:", "The demo was clear and the model surprisingly good.",
             params=("labels",)),
)

#: what each demo shows when a term names no input (the pages and the static results use the same)
DEFAULT_INPUTS = {demo.id: demo.default_input for demo in CORE_DEMOS if demo.default_input is not None}


def default_input(demo_id: str, spec: Any = None) -> str:
    """``spec.input`` if the term set one, else the demo's default input."""
    given = getattr(spec, "input", None)
    return given if given is not None else DEFAULT_INPUTS.get(demo_id, "")


def core_demo_pages() -> list[DemoPage]:
    views = app_dir() / "views"
    return [DemoPage(id=d.id, title=d.title, script=views / f"{d.id}.py", terms=list(d.terms), icon=d.icon,
                     fallback=d.fallback, reads_glossary=d.reads_glossary, params=d.params) for d in CORE_DEMOS]


@hookimpl
def register_demos(register):
    for page in core_demo_pages():
        register(page)


def available_demos() -> tuple[list[DemoPage], list[DemoPage]]:
    """(demos whose page script exists, demos registered without one), plugin order, core first.

    A registered page whose script does not exist yet is listed apart, so the app
    works while a plugin's demo is still being written. Duplicate ids: the first wins.
    """
    from ..plugins import iter_demos

    seen: set[str] = set()
    ready, missing = [], []
    for demo in iter_demos():
        if demo.id in seen:
            continue
        seen.add(demo.id)
        (ready if Path(demo.script).is_file() else missing).append(demo)
    return ready, missing


def description(demo: DemoPage) -> str:
    """The first line of the page script's docstring: one sentence saying what the demo shows."""
    try:
        doc = ast.get_docstring(ast.parse(Path(demo.script).read_text(encoding="utf-8"))) or ""
    except (OSError, SyntaxError, UnicodeDecodeError):
        return ""
    return doc.strip().splitlines()[0] if doc.strip() else ""
