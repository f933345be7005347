"""Site search by meaning, with no server: static word vectors taught by the search encoder.

Keyword search (mkdocs-material's lunr) finds a term by its name, but not by a question asked
in other words ("how do models learn without labels"). The demo server's semantic search
reads such a question with the whole sentence encoder; a static site has no encoder. So:

- **Learnt once** (``sslgloss site word-vectors``, needs the demos extra; :mod:`.word_vectors`):
  a vector and a weight for every word of MiniLM's vocabulary and of the core glossary, such
  that the weighted sum of a text's word vectors points where the glossary's search encoder
  puts the whole text. They ship with the package (``word-vectors.npz``, 8-bit).
- **At site build** (numpy only), :class:`MeaningIndex` cuts the glossary into the same
  passages the demo's search ranks, and writes ``meaning.json``: the glossary's words, their
  vectors and weights, and each passage as a list of word numbers.
- **In the browser** (``assets/meaning.js``), a query of ``MIN_WORDS`` words or more becomes the
  weighted sum of its words' vectors; each passage likewise. Terms are ranked by their best
  passage (cosine) and, separately, by BM25 over the same words; the two rankings are fused
  by reciprocal rank, as the demo's hybrid search does. The best ``RESULTS`` terms are shown
  above the keyword results as "Closest in meaning".

:meth:`MeaningIndex.rank` is the same computation in Python, so ``sslgloss site search-eval``
measures what the browser shows (a browser test compares the two). Words out of context lose
word order and negation, so this ranks below the sentence encoder on held-out questions;
docs/models.md gives both figures.
"""

from __future__ import annotations

import base64
import io
import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import numpy as np

from ..errors import SslglossError
from ..search.engine import DEFINING_SECTIONS, OTHER_SECTION_WEIGHT  # passages weigh as in the demo's search
from ..search.fusion import RRF_K

VECTORS_FILE = Path(__file__).with_name("word-vectors.npz")
DIMS = 128  # on the dev questions, 128 main directions rank as well as all 384 (a third of the bytes)
MIN_WORDS = 3  # shorter queries are names, which keyword search finds better
RESULTS = 3
BM25_K1, BM25_B = 1.2, 0.75
_TOKEN = re.compile(r"[a-z][a-z0-9]*")


def words(text: str) -> list[str]:
    """The lower-case words of ``text`` as site search by meaning reads them (letters, then letters or digits).

    >>> words("How do models learn w/o labels? (GPT-2)")
    ['how', 'do', 'models', 'learn', 'w', 'o', 'labels', 'gpt']
    """
    return _TOKEN.findall(text.lower())


def find_row(index: dict[str, int], word: str) -> int | None:
    """The row of ``word`` in ``index``, or of its singular ("labels" -> "label") if only that is there.

    >>> find_row({"label": 0}, "labels"), find_row({"labels": 1}, "labels"), find_row({}, "bus")
    (0, 1, None)
    """
    row = index.get(word)
    if row is None and word.endswith("s"):
        row = index.get(word[:-1])
    return row


@dataclass
class WordVectors:
    """Words, their 8-bit vectors (row i is ``codes[i] * scales[i]``) and their weights in a sum."""

    words: list[str]
    codes: np.ndarray  # (n, DIMS) int8
    scales: np.ndarray  # (n,) float32
    weights: np.ndarray  # (n,) float32

    def __post_init__(self) -> None:
        self.index = {w: i for i, w in enumerate(self.words)}

    def find(self, word: str) -> int | None:
        return find_row(self.index, word)


def quantize(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-row 8-bit codes and scales: each row's largest magnitude becomes 127.

    >>> codes, scales = quantize(np.array([[0.5, -1.0], [0.0, 0.0]]))
    >>> codes.tolist(), [round(float(s), 5) for s in scales]
    ([[64, -127], [0, 0]], [0.00787, 0.0])
    """
    peak = np.abs(vectors).max(axis=1)
    scales = (peak / 127).astype(np.float32)
    safe = np.where(scales > 0, scales, 1)
    return np.round(vectors / safe[:, None]).astype(np.int8), scales


def save_word_vectors(vectors: WordVectors, path: Path) -> None:
    from ..storage import atomic_write

    buffer = io.BytesIO()
    np.savez_compressed(buffer, words=np.array(vectors.words), codes=vectors.codes, scales=vectors.scales,
                        weights=vectors.weights)
    atomic_write(path, buffer.getvalue())


def load_word_vectors(path: Path = VECTORS_FILE) -> WordVectors:
    """The shipped word vectors; a missing or damaged file names the command that writes it."""
    try:
        with np.load(path, allow_pickle=False) as data:
            vectors = WordVectors([str(w) for w in data["words"]], data["codes"], data["scales"], data["weights"])
    except (OSError, KeyError, ValueError) as exc:
        raise SslglossError(f"{path}: cannot read the word vectors of site search ({exc}); "
                            "`sslgloss site word-vectors` writes them") from None
    if vectors.codes.ndim != 2 or not len(vectors.words) == len(vectors.codes) == len(vectors.scales) == len(
            vectors.weights):
        raise SslglossError(f"{path}: the word vectors are damaged; `sslgloss site word-vectors` writes them again")
    return vectors


def vocabulary(passage_texts: Iterable[str], base_vocab: Path | None) -> list[str]:
    """Whole words of the encoder's own vocabulary (everyday English) and every word of the glossary."""
    found: set[str] = set()
    if base_vocab is not None:
        for line in base_vocab.read_text(encoding="utf-8").splitlines():
            word = line.strip()
            if len(word) >= 2 and word.isascii() and word.isalpha() and word.islower():
                found.add(word)
    for text in passage_texts:
        found.update(words(text))
    return sorted(found)


class MeaningIndex:
    """The glossary's passages as word numbers, with what ranking them by meaning needs."""

    def __init__(self, passages: list[Any], vectors: WordVectors):
        self.term_ids = list(dict.fromkeys(p.term_id for p in passages))
        term_index = {t: i for i, t in enumerate(self.term_ids)}
        site_words: dict[str, int] = {}
        number: dict[str, int] = {}  # a spelling met in the text -> its site word's number

        def numbered(word: str) -> int:
            row = vectors.find(word)
            key = vectors.words[row] if row is not None else word  # "labels" and "label" are one word
            number[word] = site_words.setdefault(key, len(site_words))
            return number[word]

        self.tokens = [[number.get(w) if w in number else numbered(w) for w in words(p.encoded)] for p in passages]
        self.words = list(site_words)
        self.passage_terms = [term_index[p.term_id] for p in passages]
        self.passage_weights = [1.0 if p.section in DEFINING_SECTIONS else OTHER_SECTION_WEIGHT for p in passages]
        rows = [vectors.find(w) for w in self.words]
        self.codes = np.zeros((len(self.words), vectors.codes.shape[1]), dtype=np.int8)
        self.scales = np.zeros(len(self.words))  # as the browser reads them: 6 significant digits
        for i, row in enumerate(rows):
            if row is not None:
                self.codes[i], self.scales[i] = vectors.codes[row], float(f"{vectors.scales[row]:.6g}")
        # a word's weight in a sum, as learnt; a word the vectors do not know has no vector
        self.weights = [0.0 if row is None else round(float(vectors.weights[row]), 4) for row in rows]
        self._prepared = False  # a site build only writes the JSON; ranking in Python prepares on first use

    # the arithmetic below is mirrored, step by step, by assets/meaning.js (rank)
    def _prepare(self) -> None:
        self._prepared = True
        vectors = self.codes.astype(np.float64) * self.scales[:, None]
        self._vectors = vectors
        weights = np.array(self.weights)
        self._passage_vectors = np.stack([self._mean(ids, vectors, weights) for ids in self.tokens])
        n = len(self.tokens)
        df = Counter(w for ids in self.tokens for w in set(ids))
        self._idf = {w: math.log(1 + (n - d + 0.5) / (d + 0.5)) for w, d in df.items()}
        self._lengths = [len(ids) for ids in self.tokens]
        self._avg_length = sum(self._lengths) / max(n, 1)
        self._counts = [Counter(ids) for ids in self.tokens]
        self._word_index = {w: i for i, w in enumerate(self.words)}

    @staticmethod
    def _mean(ids: list[int], vectors: np.ndarray, weights: np.ndarray) -> np.ndarray:
        total = np.zeros(vectors.shape[1])
        for i in ids:
            total += weights[i] * vectors[i]
        norm = np.linalg.norm(total)
        return total / norm if norm > 0 else total

    def query_ids(self, query: str) -> list[int]:
        """The query's words that the glossary uses (singular where only that is used)."""
        if not self._prepared:
            self._prepare()
        return [i for i in (find_row(self._word_index, w) for w in words(query)) if i is not None]

    def _best_per_term(self, passage_scores: list[float]) -> list[tuple[int, float]]:
        best: dict[int, float] = {}
        for p, score in enumerate(passage_scores):
            t = self.passage_terms[p]
            score *= self.passage_weights[p]
            if t not in best or score > best[t]:
                best[t] = score
        return sorted(best.items(), key=lambda item: (-item[1], item[0]))

    def semantic(self, query: str) -> list[str]:
        ids = self.query_ids(query)
        q = self._mean(ids, self._vectors, np.array(self.weights))
        if not q.any():
            return []
        scores = (self._passage_vectors @ q).tolist()
        return [self.term_ids[t] for t, _ in self._best_per_term(scores)]

    def keyword(self, query: str) -> list[str]:
        ids = list(dict.fromkeys(self.query_ids(query)))
        scores = []
        for counts, length in zip(self._counts, self._lengths):
            score = 0.0
            for i in ids:
                tf = counts.get(i, 0)
                if tf:
                    norm = BM25_K1 * (1 - BM25_B + BM25_B * length / self._avg_length)
                    score += self._idf[i] * tf * (BM25_K1 + 1) / (tf + norm)
            scores.append(score)
        return [self.term_ids[t] for t, s in self._best_per_term(scores) if s > 0]

    def rank(self, query: str) -> list[str]:
        """Every matching term, best first: reciprocal-rank fusion of :meth:`semantic` and :meth:`keyword`.

        As :func:`sslgloss.search.fusion.reciprocal_rank_fusion`, except that tied terms keep glossary
        order (meaning.js sorts that way) instead of first-seen order: switching would reorder the
        first three for 7 of the 160 learner questions, so the measured figures would change with it.
        """
        fused: dict[str, float] = {}
        for ranking in (self.semantic(query), self.keyword(query)):
            for position, term_id in enumerate(ranking):
                fused[term_id] = fused.get(term_id, 0.0) + 1 / (RRF_K + position + 1)
        order = {t: i for i, t in enumerate(self.term_ids)}
        return sorted(fused, key=lambda t: (-fused[t], order[t]))

    def to_json(self) -> str:
        """What the browser needs (``meaning.json``): 1.8 MB for the core glossary, fetched on a first question."""
        data = {
            "version": 1,
            "minWords": MIN_WORDS,
            "results": RESULTS,
            "rrfK": RRF_K,
            "bm25": [BM25_K1, BM25_B],
            "dims": int(self.codes.shape[1]),
            "terms": self.term_ids,
            "words": self.words,
            "weights": self.weights,
            "scales": self.scales.tolist(),
            "codes": base64.b64encode(self.codes.tobytes()).decode("ascii"),
            "passages": {"term": self.passage_terms, "weight": self.passage_weights, "words": self.tokens},
        }
        return json.dumps(data, separators=(",", ":"))


def glossary_index(glossary: Any, vectors: WordVectors | None = None) -> MeaningIndex:
    from ..search.passages import glossary_passages

    return MeaningIndex(glossary_passages(glossary.terms.values()), vectors or load_word_vectors())


def evaluate(index: MeaningIndex, part: str = "test") -> dict:
    """recall@1, recall@3 and MRR of each ranking on the learner questions' ``part`` (dev, test or all).

    Questions whose terms are not in the glossary are skipped, as in ``sslgloss search-eval``.
    """
    from ..search.evaluation import first_hit, load_learner_questions, summarise

    questions = load_learner_questions(part)
    known = set(index.term_ids)
    used = [q for q in questions if any(t in known for t in q.expected)]
    rankers = {"semantic": index.semantic, "keyword": index.keyword, "hybrid": index.rank}
    per_question = [{"q": q.text, "expected": list(q.expected),
                     "ranks": {mode: first_hit(rank(q.text), q.expected) for mode, rank in rankers.items()}}
                    for q in used]
    modes = {mode: summarise([row["ranks"][mode] for row in per_question], recall_at=(1, 3)) for mode in rankers}
    return {"questions": len(used), "skipped": len(questions) - len(used), "terms": len(known),
            "modes": modes, "per_question": per_question}
