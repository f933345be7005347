"""Fixtures for search tests: the real engine over the real glossary (once per session), and tiny fakes."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from sslgloss.schema import Term
from sslgloss.search import get_engine


@pytest.fixture(scope="package", autouse=True)
def search_cache(request, tmp_path_factory):
    """Search tests never write into ~/.cache: their cache (the passage embeddings) lives in pytest's
    own folder (.pytest_cache/d/sslgloss-search), so the glossary is encoded once per checkout, not at
    every run; a fresh temporary folder if pytest's cache is switched off (-p no:cacheprovider)."""
    cache = getattr(request.config, "cache", None)
    root = cache.mkdir("sslgloss-search") if cache is not None else tmp_path_factory.mktemp("sslgloss-search")
    patch = pytest.MonkeyPatch()
    patch.setenv("SSLGLOSS_CACHE", str(root))
    yield root
    patch.undo()


@pytest.fixture(scope="package")
def glossary():
    from sslgloss import load_glossary

    return load_glossary()


@pytest.fixture(scope="package")
def engine(glossary, search_cache):
    """The real engine with the encoder search ships with (adapted to the glossary), shared with the CLI
    commands run in-process."""
    eng = get_engine(glossary)
    eng.passage_embeddings()  # now, before any test points SSLGLOSS_CACHE elsewhere
    return eng


@pytest.fixture(scope="package")
def eval_report(engine):
    """`evaluate()` over the question set, computed once (encoding ~150 questions)."""
    from sslgloss.search import evaluate

    return evaluate(engine=engine)


class FakeEncoder:
    """Deterministic 8-d 'embeddings' from a hash of the text; counts what it was asked to encode."""

    dim = 8

    def __init__(self):
        self.encoded: list[str] = []

    def encode(self, texts, batch_size=32, progress=False):
        self.encoded.extend(texts)
        rows = []
        for text in texts:
            seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
            v = np.random.default_rng(seed).normal(size=self.dim)
            rows.append(v / np.linalg.norm(v))
        return np.array(rows, dtype=np.float32).reshape(len(texts), self.dim)


def make_term(term_id: str, title: str, summary: str, definition: str = "", **sections: str) -> Term:
    body = {"Definition": definition or f"{title} is a thing that exists for testing search over a tiny glossary."}
    body.update({k.replace("_", " ").capitalize(): v for k, v in sections.items()})
    return Term(id=term_id, title=title, summary=summary, sections=body)


class TinyGlossary:
    """Just what SearchEngine.from_glossary reads: ``terms`` and ``fingerprint``."""

    def __init__(self, terms: list[Term], fingerprint: str):
        self.terms = {t.id: t for t in terms}
        self.fingerprint = fingerprint


@pytest.fixture
def tiny_terms() -> list[Term]:
    return [
        make_term("cats", "Cats", "Small furry animals that purr and chase mice."),
        make_term("dogs", "Dogs", "Loyal animals that bark and fetch sticks."),
        make_term("ships", "Ships", "Large vessels that carry cargo across the sea."),
    ]
