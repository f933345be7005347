"""The pure parts of search: cosine scores, per-term aggregation, BM25, rank fusion, the 2-D map, passages."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sslgloss.errors import InputError
from sslgloss.search import project_2d, reciprocal_rank_fusion, semantic_scores
from sslgloss.search.bm25 import BM25Index, tokenize
from sslgloss.search.engine import prepare_query
from sslgloss.search.passages import chunk_section, markdown_to_text
from sslgloss.search.semantic import best_per_term, normalize

from .conftest import FakeEncoder, TinyGlossary, make_term


def test_semantic_scores_are_cosines_of_unit_vectors():
    passages = normalize(np.array([[1.0, 0, 0], [1, 1, 0], [0, 0, 1], [-1, 0, 0]]))
    query = np.array([1.0, 0, 0], dtype=np.float32)
    np.testing.assert_allclose(semantic_scores(query, passages), [1, np.sqrt(0.5), 0, -1], atol=1e-6)


def test_semantic_scores_reject_mismatched_dimensions():
    with pytest.raises(InputError, match="needs a"):
        semantic_scores(np.ones(3), np.ones((2, 4)))


def test_each_term_is_represented_by_its_best_passage():
    scores = np.array([0.1, 0.7, 0.3, 0.9, 0.2, 0.9, 0.9])
    # terms own passages [0, 2), [2, 4), [4, 5), nothing, [5, 7)
    best, index = best_per_term(scores, np.array([0, 2, 4, 5, 5]))
    assert best.tolist() == [0.7, 0.9, 0.2, -np.inf, 0.9]
    assert index.tolist() == [1, 3, 4, -1, 5]  # a term without passages never wins; ties: the first passage
    with pytest.raises(InputError):
        best_per_term(scores, np.array([3, 1]))


def test_rrf_on_a_handmade_case():
    # semantic: a, b, c ; keyword: c, a (b has no keyword match). k = 60.
    fused = dict(reciprocal_rank_fusion([["a", "b", "c"], ["c", "a"]], k=60))
    assert fused["a"] == pytest.approx(1 / 61 + 1 / 62)
    assert fused["c"] == pytest.approx(1 / 63 + 1 / 61)
    assert fused["b"] == pytest.approx(1 / 62)
    assert [item for item, _ in reciprocal_rank_fusion([["a", "b", "c"], ["c", "a"]])] == ["a", "c", "b"]


def test_rrf_rewards_agreement_over_a_single_first_place():
    fused = reciprocal_rank_fusion([["x", "y"], ["z", "y"]], k=1)
    assert fused[0][0] == "y"  # 1/3 + 1/3 beats 1/2


def test_rrf_ties_keep_first_seen_order_and_bad_k_is_refused():
    assert [i for i, _ in reciprocal_rank_fusion([["p", "q"], ["q", "p"]])] == ["p", "q"]
    with pytest.raises(ValueError):
        reciprocal_rank_fusion([["a"]], k=-1)


def test_bm25_prefers_rare_words_and_short_documents():
    docs = ["the cat sat on the mat", "a cat and a dog", "a dog barked at the mailman all day long in the rain"]
    index = BM25Index.build(docs)
    assert np.argmax(index.scores("mat")) == 0
    assert index.idf("mat") > index.idf("cat")
    dog = index.scores("dog")
    assert dog[1] > dog[2] > 0 and dog[0] == 0  # same count, the shorter document wins
    assert index.scores("the of and").tolist() == [0, 0, 0]  # stop words match nothing
    assert BM25Index.build([]).scores("cat").shape == (0,)


def test_tokenize_folds_plurals_and_drops_stop_words():
    assert tokenize("What are the Labels of these queries?") == ["label", "query"]


def test_project_2d_is_deterministic_and_places_new_points():
    rng = np.random.default_rng(0)
    vectors = normalize(rng.normal(size=(30, 16)))
    a, b = project_2d(vectors), project_2d(vectors.copy())
    np.testing.assert_array_equal(a.coords, b.coords)
    assert a.coords.shape == (30, 2)
    np.testing.assert_allclose(a.transform(vectors[3]), a.coords[3], atol=1e-9)
    assert a.transform(vectors[:5]).shape == (5, 2)
    assert a.explained_variance_ratio[0] >= a.explained_variance_ratio[1] > 0
    with pytest.raises(InputError):
        project_2d(vectors[:1])


def test_markdown_becomes_readable_text_without_code():
    md = "See **[[bert]]** and [[gpt|GPT models]]:\n\n```python\nimport torch\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |"
    text = markdown_to_text(md, {"bert": "BERT"})
    assert "import torch" not in text and "**" not in text and "[[" not in text
    assert "See BERT and GPT models" in text and "1, 2." in text


def test_long_sections_are_split_into_chunks_of_bounded_length():
    paragraph = " ".join(f"Sentence number {i} says something short." for i in range(60))
    chunks = chunk_section(paragraph + "\n\nA final short paragraph of a few more words here.", max_words=100)
    assert len(chunks) > 2 and all(len(c.split()) <= 110 for c in chunks)
    assert " ".join(" ".join(chunks).split()) == " ".join((paragraph + " A final short paragraph of a few more words here.").split())


@pytest.mark.parametrize("query", ["", "   ", "\n\t "])
def test_empty_queries_are_refused_with_a_hint(query):
    with pytest.raises(InputError, match="empty"):
        prepare_query(query)


def test_lone_surrogates_become_replacement_characters():
    # Python hands undecodable argv bytes over as lone surrogates; the tokenizer cannot take them
    assert prepare_query("caf\udce9 \ud800 latte") == ("caf\ufffd \ufffd latte", False)


def test_huge_queries_are_cut_and_flagged():
    text, cut = prepare_query("word " * 200_000)  # 1 MB
    assert cut and 500 <= len(text) <= 1000
    assert prepare_query("short question") == ("short question", False)
    with pytest.raises(InputError):
        prepare_query(None)


def test_engine_argument_checks(tiny_terms, tmp_path):
    engine = _engine_for(tiny_terms, tmp_path)
    for bad_k in (0, -3, 2.5, "5", True):
        with pytest.raises(InputError, match="k"):
            engine.search("cats", k=bad_k)
    with pytest.raises(InputError, match="semantic, keyword, hybrid"):
        engine.search("cats", mode="fuzzy")
    assert len(engine.search("animals", k=10**12)) == 3  # more than there are terms: all of them
    assert engine.search("zebra quasar", mode="keyword") == []
    assert [r.term_id for r in engine.search("purr", mode="keyword")] == ["cats"]


def _engine_for(terms, tmp_path):
    from sslgloss.search import SearchEngine

    return SearchEngine.from_glossary(TinyGlossary(terms, "fp"), cache_dir=tmp_path, encoder_factory=FakeEncoder)


def test_an_empty_glossary_is_refused(tmp_path):
    with pytest.raises(InputError, match="no terms"):
        _engine_for([], tmp_path)


def test_passages_carry_their_term_and_section(tiny_terms, tmp_path):
    terms = tiny_terms + [make_term("x", "X", "An x.", "X is defined here with quite a few words in it.",
                                    example="An example of x with at least six words.")]
    engine = _engine_for(terms, tmp_path)
    sections = {(p.term_id, p.section) for p in engine.passages}
    assert {("x", "Summary"), ("x", "Definition"), ("x", "Example")} <= sections


@pytest.fixture(scope="module")
def tiny_engine(tmp_path_factory):
    terms = [make_term("cats", "Cats", "Small furry animals that purr."), make_term("ships", "Ships", "Vessels at sea.")]
    return _engine_for(terms, tmp_path_factory.mktemp("cache"))


@settings(max_examples=150, deadline=None)
@given(query=st.text(max_size=300), mode=st.sampled_from(["semantic", "keyword", "hybrid"]), k=st.integers(1, 5))
def test_any_text_gives_results_or_a_clear_input_error(tiny_engine, query, mode, k):
    try:
        results = tiny_engine.search(query, k=k, mode=mode)
    except InputError as exc:
        assert "empty" in str(exc)
        return
    assert len(results) <= k and len({r.term_id for r in results}) == len(results)
