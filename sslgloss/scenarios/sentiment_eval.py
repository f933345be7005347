"""Sentiment with few labels on sentences a learner types: the held-out learner set, dev and test.

``evaluate("test")`` trains every classifier of :mod:`.few_label_sentiment` on
several draws of the few labels and scores it on plain review-style sentences
(``sslgloss/evalsets/sentiment.yaml``, written by someone who did not see the
models) and on the pool's own held-out, topic-matched sentences: accuracy, and
the share of sentences answered right with P >= 0.8. ``sslgloss sentiment
--eval test`` prints it.

Why answers used to sit at P = 0.5: the embeddings are unit vectors whose
384 coordinates are ~0.05 each, so scikit-learn's default C = 1 shrank the
probe's weights to almost nothing; and labels drawn one sentence at a time
from topic-matched tricky sentences taught topics, not sentiment. Raising C,
drawing whole pairs (the topic cancels out), the class descriptions and the
contrastive tuning fix that (``evaluate()`` measures each on the learner set,
``sslgloss/evalsets/sentiment.yaml``).
"""

from __future__ import annotations

import time

import numpy as np

from .. import evalsets
from ..errors import ModelError
from . import few_label_sentiment as fs
from . import runtime


def load_learner_set(part: str) -> tuple[list[str], np.ndarray]:
    """``dev`` or ``test`` of the learner-style review sentences (sslgloss/evalsets/sentiment.yaml)."""
    rows = evalsets.load("sentiment", part)
    texts = [str(r["text"]).strip() for r in rows]
    labels = [str(r["label"]).strip() for r in rows]
    if not texts or any(label not in fs.LABELS for label in labels):
        raise ModelError(f"sslgloss/evalsets/sentiment.yaml: `{part}` must be a list of {{text, label}} with labels {' or '.join(fs.LABELS)}")
    return texts, np.array([fs.LABELS.index(label) for label in labels])


def evaluate(part: str = "dev", n_labels: int = fs.DEMO_LABELS, seeds: int = fs.SEEDS) -> dict:
    """Every classifier, trained on ``seeds`` draws of ``n_labels`` labels, on the learner set's ``part``
    and on the pool's own held-out sentences: accuracy and the share answered right with P >= 0.8."""
    fs.check_labels(n_labels)
    texts, y = load_learner_set(part)
    data = fs.load_split()
    targets = {"learner": texts, "pool": data.test_text}
    per_seed: dict[str, list[dict]] = {"tuned": [], "frozen": [], "bow": []}
    timings = []
    for seed in range(seeds):
        start = time.perf_counter()
        run = fs._run(n_labels, seed, targets, with_tuned=True)
        timings.append(time.perf_counter() - start)
        for method, probs in run.items():
            per_seed[method].append({"seed": seed, **{f"learner_{k}": v for k, v in fs.accuracy_scores(probs["learner"], y).items()},
                                     "pool_accuracy": fs.accuracy_scores(probs["pool"], data.test_y)["accuracy"]})
    names = {"tuned": fs.EMBEDDING_NAME, "frozen": fs.FROZEN_NAME, "bow": fs.BOW_NAME}
    methods = {}
    for method, rows in per_seed.items():
        summary = {}
        for key in ("learner_accuracy", "learner_confident_right", "pool_accuracy"):
            values = [r[key] for r in rows]
            summary[key] = {"mean": float(np.mean(values)), "min": float(np.min(values)), "max": float(np.max(values))}
        methods[method] = {"name": names[method], **summary, "per_seed": rows}
    return {"part": part, "sentences": len(texts), "labels": n_labels, "seeds": seeds,
            "pool_held_out": len(data.test_y), "budget": runtime.training_budget(),
            "seconds_per_seed": float(np.mean(timings)), "methods": methods}
