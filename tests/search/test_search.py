"""Search over the real glossary with the real model: what a learner sees in the results."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from sslgloss.search import MODES, project_2d

CLEAR_QUERIES = [
    ("hide some words in a sentence and predict them from the rest", "masked-language-modeling"),
    ("measure how alike two vectors are by the angle between them", "cosine-similarity"),
    ("group songs by style from the audio alone with no genre labels", "audio-representation-learning"),
    ("a database of facts stored as subject predicate object triples", {"knowledge-graph", "rdf"}),
    ("drawing boxes around every pedestrian in a street photo", "object-detection"),
]


@pytest.mark.parametrize("mode", ["semantic", "hybrid"])
@pytest.mark.parametrize("query, expected", CLEAR_QUERIES)
def test_clear_queries_put_the_right_term_first(engine, query, expected, mode):
    right = expected if isinstance(expected, set) else {expected}  # a set: either term answers it
    assert engine.search(query, k=3, mode=mode)[0].term_id in right


def test_a_paraphrase_is_found_by_meaning_but_not_by_keywords(engine):
    # no word of the question is in the term's name, and its words are common ones
    query = "telling whether someone sounds angry, sad or happy from what they wrote"
    assert engine.search(query, k=1, mode="semantic")[0].term_id == "emotion-recognition"
    assert "emotion-recognition" not in [r.term_id for r in engine.search(query, k=3, mode="keyword")]


@pytest.mark.parametrize("mode", MODES)
def test_text_with_lone_surrogates_is_searched(engine, mode):
    assert engine.search("caf\udce9 latte \ud800 predict the next word", k=2, mode=mode)


def test_keyword_search_finds_exact_rare_words(engine):
    assert engine.search("Okapi BM25 saturation", k=1, mode="keyword")[0].term_id == "bm25"


@pytest.mark.parametrize("mode", MODES)
def test_results_are_well_formed(engine, glossary, mode):
    results = engine.search("learning without labels", k=7, mode=mode)
    assert len(results) == 7
    ids = [r.term_id for r in results]
    assert len(set(ids)) == len(ids)
    scores = [r.score for r in results]
    assert scores == sorted(scores, reverse=True)
    for r in results:
        term = glossary.terms[r.term_id]
        assert r.title == term.title
        assert r.section == "Summary" or r.section in term.sections
        assert r.passage and "```" not in r.passage and "[[" not in r.passage
        assert set(r.as_dict()) == {"term_id", "title", "passage", "section", "score"}
    if mode == "semantic":
        assert all(-1.0 <= s <= 1.0 for s in scores)


def test_search_is_deterministic_and_safe_from_many_threads(engine):
    queries = ["how do models learn without labels", "predict the next word", "vector similarity", "fine-tune BERT"] * 2
    expected = [engine.search(q, k=5, mode="hybrid") for q in queries]
    with ThreadPoolExecutor(max_workers=4) as pool:
        got = list(pool.map(lambda q: engine.search(q, k=5, mode="hybrid"), queries))
    assert got == expected


def test_query_and_term_embeddings_make_a_map(engine, glossary):
    query = engine.embed_query("hide words and guess them")
    assert query.shape == (384,) and np.isclose(np.linalg.norm(query), 1, atol=1e-4)
    terms = engine.term_embeddings()
    assert terms.shape == (len(glossary.terms), 384) and engine.term_ids == list(glossary.terms)
    assert np.allclose(np.linalg.norm(terms, axis=1), 1, atol=1e-4)
    # the query's nearest term in the full space is a masking term
    assert engine.term_ids[int(np.argmax(terms @ query))] in {"masked-language-modeling", "bert", "masked-image-modeling",
                                                                 "whole-word-masking"}
    projection = project_2d(terms)
    assert projection.coords.shape == (len(glossary.terms), 2)
    assert projection.transform(query).shape == (2,)


def test_the_model_never_reaches_for_the_hub(engine):
    engine.embed_query("anything")  # the encoder is loaded by now
    import huggingface_hub.constants

    assert os.environ["HF_HUB_OFFLINE"] == "1" and os.environ["TRANSFORMERS_OFFLINE"] == "1"
    assert huggingface_hub.constants.HF_HUB_OFFLINE


def test_a_single_query_is_encoded_exactly_as_sentence_transformers_does(engine):
    """One query takes the traced fast path; its vector must be the library's own, for any input."""
    encoder = engine.encoder
    queries = ["how can a model learn from data without anyone labelling it", "x", "émoji 🙂 مرحبا بالعالم",
               "word " * 600]  # the last one is cut at the model's 256 tokens either way
    for query in queries:
        fast = encoder.encode([query])
        reference = encoder._model.encode([query], normalize_embeddings=True, convert_to_numpy=True)
        assert fast.shape == (1, 384) and fast.dtype == np.float32
        assert np.allclose(fast, reference, atol=1e-5), query[:40]
    assert encoder._traced not in (None, False), "the fast path was not taken"


def test_the_flagship_question_finds_self_supervised_learning(engine):
    # the question a newcomer types first; it must not be buried under "labelling" terms
    query = "how can a model learn from data without anyone labelling it"
    for mode in ("semantic", "hybrid"):
        assert "self-supervised-learning" in [r.term_id for r in engine.search(query, k=3, mode=mode)], mode
