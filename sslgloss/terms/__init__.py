"""The core glossary, shipped as a term plugin like any other.

Its term files are the ``*.md`` files beside this module; its demos are the
pages of the Streamlit app in the repository's ``demos/views/`` folder.
"""

from __future__ import annotations

from pathlib import Path

from ..hookspecs import hookimpl
from ..plugins import DemoPage

TERMS_DIR = Path(__file__).parent
DEMO_PAGES = Path(__file__).resolve().parents[2] / "demos" / "views"

CORE_DEMOS = (
    ("masking", "Masking: fill in the blank", ["masked-language-modeling", "bert"], ":material/text_fields:",
     "sslgloss.fallbacks:masking"),
    ("next-word", "Next-word prediction", ["next-word-prediction", "gpt"], ":material/keyboard_double_arrow_right:",
     "sslgloss.fallbacks:next_word"),
    ("semantic-search", "Semantic search", ["semantic-search"], ":material/search:",
     "sslgloss.fallbacks:semantic_search"),
    ("masked-image", "The missing part of an image", ["masked-image-modeling", "mae"], ":material/image:",
     "sslgloss.fallbacks:masked_image"),
    ("song-styles", "Songs grouped by style", ["audio-representation-learning", "contrastive-learning",
                                               "self-supervised-learning"], ":material/music_note:",
     "sslgloss.fallbacks:song_styles"),
    ("few-label-sentiment", "Sentiment with few labels", ["sentiment-analysis", "transfer-learning", "fine-tuning"],
     ":material/sentiment_satisfied:", "sslgloss.fallbacks:few_label_sentiment"),
)


@hookimpl
def register_terms(register):
    register(TERMS_DIR)


@hookimpl
def register_demos(register):
    for demo_id, title, terms, icon, fallback in CORE_DEMOS:
        register(DemoPage(id=demo_id, title=title, script=DEMO_PAGES / f"{demo_id}.py",
                          terms=list(terms), icon=icon, fallback=fallback))
