"""Reciprocal rank fusion: merge rankings from different searches without calibrating their scores.

BM25 scores and cosine similarities live on unrelated scales, so hybrid
search combines *ranks*: a term earns ``1 / (k + rank)`` from every ranking
it appears in (Cormack, Clarke & Büttcher, SIGIR 2009; k = 60 as there).
"""

from __future__ import annotations

from typing import Hashable, Sequence

RRF_K = 60


def reciprocal_rank_fusion(rankings: Sequence[Sequence[Hashable]], k: int = RRF_K) -> list[tuple[Hashable, float]]:
    """Fuse best-first rankings into one, best first, with each item's fused score.

    Ranks start at 1. An item missing from a ranking gets nothing from it. Ties
    keep the order in which items were first seen, so the result is deterministic.

    >>> [(item, round(score, 3)) for item, score in reciprocal_rank_fusion([["a", "b", "c"], ["b", "c"]], k=1)]
    [('b', 0.833), ('c', 0.583), ('a', 0.5)]
    """
    if k < 0:
        raise ValueError(f"k must be >= 0, got {k}")
    scores: dict[Hashable, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda pair: -pair[1])  # sorted() is stable: ties keep first-seen order
