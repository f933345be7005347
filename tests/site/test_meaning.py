"""Site search by meaning without a server (sslgloss/site/meaning.py): the index the search box reads.

What a reader would notice: a question in their own words finds terms keyword search misses;
a damaged vectors file says how to rebuild it; a plugin's new words still count as keywords.
The browser side (the same ranking in meaning.js) is tested in test_reader.py.
"""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest
from click.testing import CliRunner

from sslgloss import SslglossError, load_glossary
from sslgloss.cli import main
from sslgloss.search.passages import Passage, glossary_passages
from sslgloss.site import meaning


@pytest.fixture(scope="module")
def core():
    return load_glossary()


@pytest.fixture(scope="module")
def index(core):
    return meaning.glossary_index(core)


def test_the_shipped_vectors_know_the_glossary_s_words(core):
    vectors = meaning.load_word_vectors()
    used = {w for p in glossary_passages(core.terms.values()) for w in meaning.words(p.encoded)}
    unknown = sorted(w for w in used if vectors.find(w) is None)
    # a term added since `sslgloss site word-vectors` ran brings a few new words; most must be known
    assert len(unknown) <= 0.01 * len(used), f"{len(unknown)} words have no vector, e.g. {unknown[:10]}"
    assert vectors.codes.shape[1] == meaning.DIMS and vectors.codes.dtype == np.int8


def test_meaning_finds_the_asked_term_more_often_than_keywords_alone(index):
    # every learner question, dev and test parts: "Closest in meaning" (hybrid) shows three terms
    report = meaning.evaluate(index, "all")
    figures = report["modes"]
    assert report["questions"] >= 150
    assert figures["hybrid"]["recall@3"] > figures["keyword"]["recall@3"] + 0.05
    assert figures["hybrid"]["mrr"] > figures["keyword"]["mrr"]


def test_words_of_the_same_meaning_rank_together(index):
    # the vectors, not spelling: a word's nearest glossary words share its meaning
    ids = {w: i for i, w in enumerate(index.words)}
    vectors = index.codes.astype(float) * index.scales[:, None]
    unit = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)

    def similarity(a: str, b: str) -> float:
        return float(unit[ids[a]] @ unit[ids[b]])

    assert similarity("image", "picture") > similarity("image", "sentence")
    assert similarity("word", "token") > similarity("word", "pixel")


def test_a_word_the_vectors_do_not_know_still_counts_as_a_keyword():
    vectors = meaning.load_word_vectors()
    passages = [Passage("zorbing", "Zorbing", "Summary", "x", "Zorbing rolls downhill inside a large ball.", "x"),
                Passage("dancing", "Dancing", "Summary", "x", "Dancing moves the body to music.", "x")]
    index = meaning.MeaningIndex(passages, vectors)
    assert index.keyword("what is zorbing") == ["zorbing"]
    assert index.rank("zorbing down a hill")[0] == "zorbing"
    assert index.weights[index.words.index("zorbing")] == 0.0  # no vector, no weight in a sum


def test_the_browser_file_holds_every_passage_and_vector(index):
    data = json.loads(index.to_json())
    codes = base64.b64decode(data["codes"])
    assert len(codes) == len(data["words"]) * data["dims"]
    assert len(data["scales"]) == len(data["weights"]) == len(data["words"])
    assert max(max(ids) for ids in data["passages"]["words"] if ids) < len(data["words"])
    assert set(data["terms"]) == set(index.term_ids) and len(data["passages"]["term"]) == len(index.tokens)


def test_a_damaged_vectors_file_names_the_command_that_writes_it(tmp_path):
    broken = tmp_path / "word-vectors.npz"
    broken.write_bytes(b"not a numpy file")
    with pytest.raises(SslglossError, match=r"word-vectors\.npz.*`sslgloss site word-vectors`"):
        meaning.load_word_vectors(broken)
    partial = tmp_path / "partial.npz"
    np.savez(partial, words=np.array(["a", "b"]), codes=np.zeros((1, 4), np.int8), scales=np.zeros(2),
             weights=np.zeros(2))
    with pytest.raises(SslglossError, match="damaged"):
        meaning.load_word_vectors(partial)


def test_search_eval_reports_each_mode_on_the_part_asked_for():
    runner = CliRunner()
    text = runner.invoke(main, ["site", "search-eval", "--part", "dev"])
    assert text.exit_code == 0, text.output
    assert "learner set, dev part" in text.output
    for mode in ("semantic", "keyword", "hybrid"):
        assert mode in text.output
    as_json = runner.invoke(main, ["site", "search-eval", "--part", "test", "--json"])
    report = json.loads(as_json.output)
    assert report["questions"] == len(report["per_question"]) and 0 <= report["modes"]["hybrid"]["recall@3"] <= 1


def test_training_pulls_the_word_vectors_towards_the_encoder(core):
    pytest.importorskip("torch")
    from sslgloss.site.word_vectors import train

    rng = np.random.default_rng(0)
    table: dict[str, np.ndarray] = {}

    def encode(texts):  # a stand-in encoder that reads word order, which a sum of words cannot copy at once
        rows = []
        for text in texts:
            ws = meaning.words(text) or ["empty"]
            v = sum((i + 1) * table.setdefault(w, rng.normal(size=24)) for i, w in enumerate(ws[:6]))
            rows.append(v / np.linalg.norm(v))
        return np.array(rows)

    lines = []
    vectors = train(core, encode, None, epochs=3, dims=8, everyday_lines=100, echo=lines.append)
    losses = [float(line.rsplit(" ", 1)[1]) for line in lines if line.startswith("epoch")]
    assert len(losses) == 3 and losses[-1] < losses[0]
    assert vectors.codes.shape == (len(vectors.words), 8) and len(vectors.weights) == len(vectors.words)
