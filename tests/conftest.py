"""Shared fixtures: paths of the fixture folders and a helper to write term files."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# Tests never write into the developer's ~/.cache/sslgloss: every cache (models, search embeddings,
# static demo results) goes to one folder for the whole run, set before any test module reads it.
# `make test` points SSLGLOSS_TEST_CACHE at .venv/test-cache so a second run reuses what the first
# computed (the caches are keyed by content, so a change of code or data computes afresh).
os.environ["SSLGLOSS_CACHE"] = os.environ.get("SSLGLOSS_TEST_CACHE") or tempfile.mkdtemp(prefix="sslgloss-tests-")


def _installed_plugins_other_than_core() -> list[str]:
    from importlib.metadata import entry_points

    return sorted({ep.name for ep in entry_points(group="sslgloss")} - {"core"})


# The tests describe the core glossary: term plugins a developer installed into this environment (the example
# under examples/, their own) stay out of them, in this process and in the commands the tests start.
# Tests that add `core` to the list extend this value; plugins the tests install themselves have other names.
os.environ["SSLGLOSS_DISABLE_PLUGINS"] = ",".join(
    filter(None, [os.environ.get("SSLGLOSS_DISABLE_PLUGINS", ""), *_installed_plugins_other_than_core()]))
ONLY_CORE = os.environ["SSLGLOSS_DISABLE_PLUGINS"]
NO_PLUGINS = ",".join(filter(None, [ONLY_CORE, "core"]))

TESTS = Path(__file__).parent
FIXTURES = TESTS / "fixtures"
REPO = TESTS.parent
SECTIONS = ("Definition", "Example", "Origins", "Context and usage", "Why it matters", "In practice")


def term_text(term_id: str, title: str | None = None, relations: str = "{}", aliases: str = "[]",
              extra: str = "", references: bool = True, body: str | None = None) -> str:
    """A valid term file (unless the arguments make it invalid)."""
    title = title or term_id.replace("-", " ").title()
    refs = ('references:\n  - {title: "A book", authors: "A. Author", year: 2020, url: "https://example.org/b"}\n'
            if references else "references: []\n")
    if body is None:
        body = "".join(f"## {s}\n\nSome words about {title} for {s.lower()}.\n\n" for s in SECTIONS)
    return (f"---\nid: {term_id}\ntitle: {title}\naliases: {aliases}\nsummary: About {title}.\ntags: [test]\n"
            f"relations: {relations}\n{extra}{refs}---\n{body}")


@pytest.fixture
def write_terms(tmp_path):
    """write_terms({"a": text, ...}, folder="x") -> folder path."""

    def write(files: dict[str, str | bytes], folder: str = "terms") -> Path:
        d = tmp_path / folder
        d.mkdir(parents=True, exist_ok=True)
        for name, content in files.items():
            path = d / (name if name.endswith(".md") else f"{name}.md")
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        return d

    return write


@pytest.fixture(scope="module")
def text_models():
    """The text models the demos use: the real checkpoints if present, else tiny ones trained here; and a
    Kneser-Ney trigram of the glossary text as the n-gram baseline (seconds, instead of the corpus-wide one).
    Module-scoped, so the n-gram stand-in never reaches tests of the real one."""
    import torch

    from sslgloss.errors import CheckpointError
    from sslgloss.ml import registry
    from sslgloss.ml.checkpoint import Checkpoint
    from sslgloss.ml.corpus import glossary_lines
    from sslgloss.ml.data import encode_lines, pack
    from sslgloss.ml.ngram import KneserNeyTrigram
    from sslgloss.ml.tokenizer import SEP, train_tokenizer
    from sslgloss.ml.train import preset, train, with_overrides

    lines = glossary_lines()
    trained_here = False
    try:
        registry.get_model("masked")
        registry.get_model("next-word")
    except CheckpointError:  # a checkout without weights: tiny models, enough to drive the pages
        trained_here = True
        tokenizer = train_tokenizer(lines, vocab_size=2000, min_frequency=1)
        stream = pack(tokenizer, lines)
        counts = torch.bincount(stream, minlength=tokenizer.get_vocab_size())
        for kind in ("masked", "next-word"):
            chosen = preset("tiny", kind, tokenizer.get_vocab_size())
            result = train(kind, stream, tokenizer, chosen.model, with_overrides(chosen.train, steps=40),
                           progress=False)
            registry.use_checkpoint(kind, Checkpoint(kind, result.model, tokenizer, extra={"unigram_counts": counts}))
    tokenizer = registry.get_model("next-word").tokenizer
    ngram = KneserNeyTrigram.fit(encode_lines(tokenizer, lines), tokenizer.get_vocab_size(), tokenizer.token_to_id(SEP))
    patch = pytest.MonkeyPatch()
    patch.setattr(registry, "get_ngram", lambda: ngram)
    yield registry
    patch.undo()
    if trained_here:
        registry.reset()
