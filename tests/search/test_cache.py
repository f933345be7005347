"""The embedding cache: encoded once, reused, updated when the glossary changes, rebuilt when corrupt."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from sslgloss.search import SearchEngine
from sslgloss.search.cache import KEEP_GLOSSARIES

from .conftest import FakeEncoder, TinyGlossary, make_term


@pytest.fixture
def cache(tmp_path, monkeypatch):
    directory = tmp_path / "cache"
    monkeypatch.setenv("SSLGLOSS_CACHE", str(directory))
    return directory / "search"


def build(terms, fingerprint, encoder):
    engine = SearchEngine.from_glossary(TinyGlossary(terms, fingerprint), encoder_factory=lambda: encoder)
    return engine, engine.passage_embeddings()


def test_embeddings_are_computed_once_then_read_from_disk(cache, tiny_terms):
    first = FakeEncoder()
    engine, embeddings = build(tiny_terms, "fp1", first)
    assert len(first.encoded) == len(engine.passages) and engine.encoded_on_load == len(engine.passages)
    assert len(list(cache.glob("*.npz"))) == 1

    second = FakeEncoder()
    engine2, again = build(tiny_terms, "fp1", second)
    assert second.encoded == [] and engine2.encoded_on_load == 0
    np.testing.assert_array_equal(embeddings, again)


def test_a_changed_glossary_gets_a_new_file_and_only_changed_passages_are_encoded(cache, tiny_terms):
    build(tiny_terms, "fp1", FakeEncoder())
    changed = tiny_terms[:2] + [make_term("ships", "Ships", "Boats that sail the oceans with goods on board.")]
    encoder = FakeEncoder()
    engine, embeddings = build(changed, "fp2", encoder)
    assert encoder.encoded == ["Boats that sail the oceans with goods on board."]
    assert len(list(cache.glob("*.npz"))) == 2
    # the new vectors are those of the new text, not a stale row
    row = next(i for i, p in enumerate(engine.passages) if p.text.startswith("Boats"))
    np.testing.assert_allclose(embeddings[row], FakeEncoder().encode([engine.passages[row].encoded])[0])


def test_the_same_fingerprint_with_different_passages_is_not_trusted(cache, tiny_terms):
    build(tiny_terms, "fp1", FakeEncoder())
    renamed = [make_term("cats", "Cats", "Felines.")] + tiny_terms[1:]
    encoder = FakeEncoder()
    build(renamed, "fp1", encoder)
    assert encoder.encoded == ["Felines."]


def test_only_the_most_recent_glossaries_are_kept(cache, tiny_terms):
    for n in range(KEEP_GLOSSARIES + 2):
        build(tiny_terms, f"fp{n}", FakeEncoder())
    assert len(list(cache.glob("*.npz"))) == KEEP_GLOSSARIES


@pytest.mark.parametrize("damage", ["garbage", "truncated", "nan", "wrong-shape", "empty"])
def test_a_corrupt_cache_file_is_rebuilt_with_a_warning(cache, tiny_terms, caplog, damage):
    engine, good = build(tiny_terms, "fp1", FakeEncoder())
    (path,) = cache.glob("*.npz")
    if damage == "garbage":
        path.write_bytes(b"this is not a numpy file")
    elif damage == "truncated":
        path.write_bytes(path.read_bytes()[:200])
    elif damage == "empty":
        path.write_bytes(b"")
    else:
        with np.load(path) as data:
            emb, keys = data["embeddings"].copy(), data["keys"]
        emb = np.full_like(emb, np.nan) if damage == "nan" else emb[:, :3]
        np.savez(path, embeddings=emb, keys=keys)
    encoder = FakeEncoder()
    with caplog.at_level(logging.WARNING, logger="sslgloss.search"):
        _, rebuilt = build(tiny_terms, "fp1", encoder)
    assert any("corrupt" in r.getMessage() and str(path) in r.getMessage() for r in caplog.records)
    assert len(encoder.encoded) == len(engine.passages)
    np.testing.assert_allclose(rebuilt, good)
    # and the file on disk is healthy again
    encoder = FakeEncoder()
    build(tiny_terms, "fp1", encoder)
    assert encoder.encoded == []


def test_search_still_works_when_the_cache_cannot_be_written(tmp_path, monkeypatch, tiny_terms, caplog):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("SSLGLOSS_CACHE", str(blocker))
    encoder = FakeEncoder()
    engine = SearchEngine.from_glossary(TinyGlossary(tiny_terms, "fp"), encoder_factory=lambda: encoder)
    with caplog.at_level(logging.WARNING, logger="sslgloss.search"):
        results = engine.search("anything", k=3)
    assert len(results) == 3
    assert any("could not write the search cache" in r.getMessage() for r in caplog.records)


def test_the_engine_loads_embeddings_once_under_concurrent_callers(cache, tiny_terms):
    from concurrent.futures import ThreadPoolExecutor

    encoder = FakeEncoder()
    engine = SearchEngine.from_glossary(TinyGlossary(tiny_terms, "fp"), encoder_factory=lambda: encoder)
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda _: engine.search("animals", k=2), range(16)))
    passages = [p.encoded for p in engine.passages]
    assert [t for t in encoder.encoded if t != "animals"] == passages  # the passages were encoded once
    assert 1 <= encoder.encoded.count("animals") <= 16


def test_a_repeated_query_is_encoded_once(cache, tiny_terms):
    encoder = FakeEncoder()
    engine = SearchEngine.from_glossary(TinyGlossary(tiny_terms, "fp"), encoder_factory=lambda: encoder)
    first = engine.search("furry  animals", k=3)
    assert engine.search("furry animals", k=3, mode="hybrid") and engine.search("furry animals", k=2) == first[:2]
    assert encoder.encoded.count("furry animals") == 1
    engine.embed_query("furry animals")[:] = 0.0  # a caller changing its copy changes nothing remembered
    assert engine.search("furry animals", k=3) == first
