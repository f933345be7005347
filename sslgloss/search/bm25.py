"""BM25 keyword ranking: the classic baseline that semantic search has to beat.

Okapi BM25 as in Robertson & Zaragoza (2009), "The Probabilistic Relevance
Framework: BM25 and Beyond", with Lucene's non-negative idf. Written out here
(about sixty lines) rather than taken from a library so that the baseline is
easy to read next to the glossary's own BM25 page.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

# Words that carry no topic; without them "what is the ..." matches every passage.
STOP_WORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being below between both
    but by can could did do does doing down during each few for from further had has have having he her here hers him
    his how i if in into is it its itself just me more most my no nor not of off on once only or other our ours out
    over own same she should so some such than that the their them then there these they this those through to too
    under until up very was we were what when where which while who whom why will with would you your yours""".split()
)
_TOKEN = re.compile(r"[a-z0-9]+")


def _stem(word: str) -> str:
    """Fold the commonest English inflections so that "labels" finds "label".

    Deliberately tiny (no Porter stemmer): the baseline should be a fair
    keyword search, not a hidden second semantic model.
    """
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def tokenize(text: str) -> list[str]:
    """Lowercase word tokens, stop words dropped, plurals folded.

    >>> tokenize("How do the Models learn from unlabelled images?")
    ['model', 'learn', 'unlabelled', 'image']
    """
    return [_stem(w) for w in _TOKEN.findall(text.lower()) if w not in STOP_WORDS]


@dataclass
class BM25Index:
    """An inverted index over documents (here: passages) scored with Okapi BM25."""

    k1: float = 1.5  # how quickly repeated words stop adding score
    b: float = 0.75  # how strongly long documents are penalised
    n_docs: int = 0
    doc_lengths: np.ndarray = field(default_factory=lambda: np.zeros(0))
    postings: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)  # token -> (doc ids, counts)

    @classmethod
    def build(cls, documents: list[str], k1: float = 1.5, b: float = 0.75) -> "BM25Index":
        lists: dict[str, tuple[list[int], list[int]]] = {}
        lengths = []
        for doc_id, text in enumerate(documents):
            counts = Counter(tokenize(text))
            lengths.append(sum(counts.values()))
            for token, count in counts.items():
                ids, tfs = lists.setdefault(token, ([], []))
                ids.append(doc_id)
                tfs.append(count)
        postings = {t: (np.array(ids, dtype=np.int64), np.array(tfs, dtype=np.float64)) for t, (ids, tfs) in lists.items()}
        return cls(k1=k1, b=b, n_docs=len(documents), doc_lengths=np.array(lengths, dtype=np.float64), postings=postings)

    def idf(self, token: str) -> float:
        df = len(self.postings[token][0]) if token in self.postings else 0
        return math.log((self.n_docs - df + 0.5) / (df + 0.5) + 1.0)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every document for ``query``; 0 where no query word occurs."""
        scores = np.zeros(self.n_docs)
        if self.n_docs == 0:
            return scores
        avg_length = max(self.doc_lengths.mean(), 1e-9)
        for token in tokenize(query):  # a word repeated in the query counts again, as in Okapi BM25
            if token not in self.postings:
                continue
            ids, tf = self.postings[token]
            norm = self.k1 * (1 - self.b + self.b * self.doc_lengths[ids] / avg_length)
            scores[ids] += self.idf(token) * tf * (self.k1 + 1) / (tf + norm)
        return scores
