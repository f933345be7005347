"""The sentences of the few-label sentiment demo: our labelled pool, its held-out split, and label draws.

``sentiment_data.yaml`` holds ~250 short sentences written and labelled for
sslgloss in topic-matched pairs (warm soup / cold soup). :func:`load_split`
holds a fixed quarter of the pairs out; :func:`sample_labels` draws the few
labels a whole pair at a time, so topic words cannot stand in for sentiment.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import InputError, ModelError

DATA_FILE = Path(__file__).with_name("sentiment_data.yaml")
TEST_FRACTION = 0.25
#: the meaning of each class in two plain sentences, given to every classifier with the labels
DESCRIPTIONS = {
    "positive": ("I loved it, it was excellent.", "A good experience."),
    "negative": ("I hated it, it was awful.", "A bad experience."),
}


@dataclass
class Sentences:
    train_text: list[str]
    train_y: np.ndarray  # 1 = positive
    test_text: list[str]
    test_y: np.ndarray
    digest: str  # of the data file: embeddings cached for other data are not reused


@functools.cache
def load_split() -> Sentences:
    """Our labelled sentences, split once by topic pair (fixed seed) into a training pool and a held-out set.

    The training pool lists the positive side of its pairs first and the negative side in the
    same order, so ``train_text[i]`` and ``train_text[i + pairs]`` are twins.
    """
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


def description_data() -> tuple[list[str], np.ndarray]:
    texts = list(DESCRIPTIONS["positive"]) + list(DESCRIPTIONS["negative"])
    return texts, np.array([1] * len(DESCRIPTIONS["positive"]) + [0] * len(DESCRIPTIONS["negative"]))


def sample_labels(y: np.ndarray, n: int, seed: int) -> np.ndarray:
    """Indices of ``n`` labelled sentences of the training pool: ``n // 2`` topic pairs, both sides of each.

    ``y`` is the pool's labels (positives first, negatives in the same order, as ``load_split``
    lays them out), so the draw is balanced and the topic words cancel out. Reproducible from ``seed``.
    """
    if n < 2 or n % 2:
        raise InputError(f"the number of labels must be an even number >= 2 (half of each class), got {n}")
    pairs = len(y) // 2
    if n // 2 > pairs:
        raise InputError(f"asked for {n} labels but the training pool has only {2 * pairs}")
    if not (y[:pairs] == 1).all() or not (y[pairs:] == 0).all():
        raise ModelError("the training pool must list the positive side of its pairs, then the negative side")
    rng = np.random.default_rng(seed)
    picked = rng.choice(pairs, size=n // 2, replace=False)
    return rng.permutation(np.concatenate([picked, picked + pairs]))  # mixed, as a person would label them
