"""The search engine: ranks glossary terms for a query by meaning, by keywords, or both.

``SearchEngine`` holds the passages of one glossary, a BM25 index over them
(built at once: milliseconds) and their embeddings (computed on the first
semantic search, or read from the disk cache). Results are per term: the
best-scoring passage of each term represents it. An engine is safe to share
between threads, and ``get_engine()`` gives one per glossary per process.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np

from ..errors import InputError
from ..text import replace_lone_surrogates
from .bm25 import BM25Index
from .cache import cache_file, cache_root, cached_embeddings
from .fusion import reciprocal_rank_fusion
from .passages import SUMMARY, Passage, glossary_passages
from .semantic import Encoder, best_per_term, load_encoder, model_key, normalize, semantic_scores

log = logging.getLogger(__name__)

MODES = ("semantic", "keyword", "hybrid")
# A query that describes an idea should land on the passage that defines it, not on
# one that mentions the idea while explaining a neighbour ("Why it matters",
# "Origins"...). So, like field weights in classic search, passages outside the
# summary and definition count for a little less, in both modes. On the question
# set (`sslgloss search-eval`) weights 0.7-0.9 all lift recall@1 over 1.0 (semantic
# 0.755 -> 0.781, keyword 0.671 -> 0.690 at 0.8); it is one parameter chosen there.
DEFINING_SECTIONS = (SUMMARY, "Definition")
OTHER_SECTION_WEIGHT = 0.8
# A question is a sentence or two; the encoder reads at most 256 word pieces anyway.
# Cutting longer input keeps tokenising and BM25 bounded (a 1 MB paste takes ~1 ms).
MAX_QUERY_CHARS = 1000
QUERY_CACHE_SIZE = 256  # recent query vectors kept per engine (~0.4 MB)


@dataclass(frozen=True)
class SearchResult:
    """One term found for a query, with the passage that matched best."""

    term_id: str
    title: str
    passage: str
    section: str
    # semantic: cosine similarity; keyword: BM25; both x OTHER_SECTION_WEIGHT for passages
    # outside the summary and definition. hybrid: the fused reciprocal-rank score.
    score: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def prepare_query(query: Any) -> tuple[str, bool]:
    """The query with whitespace collapsed, cut to ``MAX_QUERY_CHARS``; and whether it was cut.

    >>> prepare_query("  how do  models learn\\n")
    ('how do models learn', False)
    """
    if not isinstance(query, str):
        raise InputError(f"the query must be text, got {type(query).__name__}")
    head = query[: MAX_QUERY_CHARS * 4]  # collapse whitespace on a bounded prefix only
    # lone surrogates (argv bytes that were not UTF-8) crash the tokenizer: show them as U+FFFD
    text = " ".join(replace_lone_surrogates(head).split())
    if not text:
        raise InputError("the query is empty; type a few words, e.g. `how do models learn without labels`")
    truncated = len(text) > MAX_QUERY_CHARS or (len(query) > len(head) and bool(query[len(head):].strip()))
    if len(text) > MAX_QUERY_CHARS:
        cut = text.rfind(" ", 0, MAX_QUERY_CHARS + 1)
        text = text[: cut if cut > MAX_QUERY_CHARS // 2 else MAX_QUERY_CHARS]
    return text, truncated


def _check_mode(mode: str) -> str:
    if mode not in MODES:
        raise InputError(f"unknown search mode `{mode}`; choose one of: {', '.join(MODES)}")
    return mode


def _check_k(k: Any) -> int:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise InputError(f"k (the number of results) must be a whole number >= 1, got {k!r}")
    return int(k)


class SearchEngine:
    """Semantic, keyword and hybrid search over the passages of one glossary."""

    def __init__(
        self,
        passages: list[Passage],
        fingerprint: str,
        cache_dir: Path | None = None,
        encoder_factory: Callable[[], Encoder] = load_encoder,
    ):
        """``encoder_factory``: returns the (shared) encoder; :meth:`from_glossary` gives the one adapted to
        the glossary (:func:`~sslgloss.search.adapt.search_encoder`), a bare engine the base MiniLM."""
        # grouped by term (stable, so a term's passages keep their order): per-term
        # aggregation is then a linear pass over contiguous slices
        first_seen = {term_id: i for i, term_id in reversed(list(enumerate(p.term_id for p in passages)))}
        self.passages = sorted(passages, key=lambda p: first_seen[p.term_id])
        self.fingerprint = fingerprint
        self.term_ids: list[str] = list(dict.fromkeys(p.term_id for p in self.passages))
        self.titles = {p.term_id: p.title for p in self.passages}
        index = {term_id: i for i, term_id in enumerate(self.term_ids)}
        self._passage_terms = np.array([index[p.term_id] for p in self.passages], dtype=np.int64)
        self._term_starts = np.searchsorted(self._passage_terms, np.arange(len(self.term_ids)))
        self._passage_weights = np.array(
            [1.0 if p.section in DEFINING_SECTIONS else OTHER_SECTION_WEIGHT for p in self.passages])
        self._bm25 = BM25Index.build([p.keywords for p in self.passages])
        self._cache_dir = Path(cache_dir) if cache_dir is not None else None
        self._encoder_factory = encoder_factory
        self._embeddings: np.ndarray | None = None
        self._lock = threading.Lock()
        self._query_cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._query_lock = threading.Lock()
        self.encoded_on_load: int | None = None  # passages encoded (not read from cache) by the last load

    @classmethod
    def from_glossary(cls, glossary: Any, cache_dir: Path | None = None, **kwargs: Any) -> "SearchEngine":
        """An engine over every term of a loaded :class:`~sslgloss.Glossary`."""
        if not glossary.terms:
            raise InputError("the glossary has no terms to search")
        if "encoder_factory" not in kwargs:
            from .adapt import search_encoder

            kwargs["encoder_factory"] = lambda: search_encoder(glossary)
        return cls(glossary_passages(glossary.terms.values()), glossary.fingerprint, cache_dir=cache_dir, **kwargs)

    # ------------------------------------------------------------------ embeddings

    @property
    def encoder(self) -> Encoder:
        """The sentence encoder (loaded, and for a glossary adapted to it, on first use)."""
        return self._encoder_factory()

    def passage_embeddings(self) -> np.ndarray:
        """(N, 384) unit vectors, one per passage: from the disk cache, else encoded once."""
        if self._embeddings is None:
            with self._lock:
                if self._embeddings is None:
                    self._embeddings = self._load_embeddings()
        return self._embeddings

    def _load_embeddings(self) -> np.ndarray:
        directory = self._cache_dir or cache_root() / "search"
        encoder = self.encoder
        path = cache_file(directory, getattr(encoder, "key", None) or model_key(), self.fingerprint)
        texts = [p.encoded for p in self.passages]

        def encode(missing: list[str]) -> np.ndarray:
            log.info("encoding %d of %d glossary passages (once; cached in %s)", len(missing), len(texts), directory)
            return encoder.encode(missing)

        embeddings, self.encoded_on_load = cached_embeddings(texts, path, encode, dim=encoder.dim)
        return embeddings

    def embed_query(self, query: str) -> np.ndarray:
        """The (384,) unit vector of a query (cut like a search query)."""
        return self.embed_queries([query])[0]

    def embed_queries(self, queries: list[str]) -> np.ndarray:
        """(N, 384) unit vectors for many queries, encoded in batches (much faster than one by one).

        Recent queries are remembered: a demo page re-runs with the same query whenever
        a learner moves a slider, and should not pay for the encoder again.
        """
        texts = [prepare_query(q)[0] for q in queries]
        with self._query_lock:
            known = {t: self._query_cache[t] for t in texts if t in self._query_cache}
        missing = list(dict.fromkeys(t for t in texts if t not in known))
        if missing:
            fresh = self.encoder.encode(missing)
            with self._query_lock:
                for text, vector in zip(missing, fresh):
                    known[text] = vector
                    self._query_cache[text] = vector
                while len(self._query_cache) > QUERY_CACHE_SIZE:
                    self._query_cache.popitem(last=False)
        if not texts:
            return np.zeros((0, self.encoder.dim), dtype=np.float32)
        return np.stack([known[t] for t in texts])  # a copy: callers may change it freely

    def term_embeddings(self) -> np.ndarray:
        """One unit vector per term (rows follow ``term_ids``): the mean of its passages' vectors.

        For drawing the glossary as a map with :func:`~sslgloss.search.project_2d`.
        """
        embeddings = self.passage_embeddings()
        return normalize(np.add.reduceat(embeddings.astype(np.float64), self._term_starts, axis=0))

    # ------------------------------------------------------------------ ranking

    def _ranked(self, passage_scores: np.ndarray, keep: Callable[[float], bool]) -> list[tuple[int, float, int]]:
        """(term index, score, best passage index) for every kept term, best first; ties keep glossary order."""
        scores, best = best_per_term(passage_scores, self._term_starts)
        order = np.argsort(-scores, kind="stable")
        return [(int(t), float(scores[t]), int(best[t])) for t in order if best[t] >= 0 and keep(float(scores[t]))]

    def _semantic(self, query: str, query_embedding: np.ndarray | None) -> list[tuple[int, float, int]]:
        if query_embedding is None:
            query_embedding = self.embed_query(query)
        scores = semantic_scores(query_embedding, self.passage_embeddings())
        return self._ranked(scores * self._passage_weights, lambda s: True)

    def _keyword(self, query: str) -> list[tuple[int, float, int]]:
        # a term none of whose words occur is not a keyword match at all
        return self._ranked(self._bm25.scores(query) * self._passage_weights, lambda s: s > 0)

    def rank(self, query: str, mode: str = "semantic", query_embedding: np.ndarray | None = None) -> list[SearchResult]:
        """Every matching term for ``query``, best first (keyword mode: only terms sharing a word).

        ``query_embedding``: the query's vector if already known (from :meth:`embed_queries`).
        """
        _check_mode(mode)
        text, _ = prepare_query(query)
        if mode == "semantic":
            ranked = self._semantic(text, query_embedding)
        elif mode == "keyword":
            ranked = self._keyword(text)
        else:
            ranked = self._hybrid(text, query_embedding)
        return [self._result(t, score, p) for t, score, p in ranked]

    def _hybrid(self, query: str, query_embedding: np.ndarray | None) -> list[tuple[int, float, int]]:
        semantic, keyword = self._semantic(query, query_embedding), self._keyword(query)
        fused = reciprocal_rank_fusion([[t for t, _, _ in semantic], [t for t, _, _ in keyword]])
        # show the passage from whichever ranking placed the term higher
        best_passage: dict[int, tuple[int, int]] = {}  # term -> (position, passage)
        for ranking in (keyword, semantic):
            for position, (t, _, p) in enumerate(ranking):
                if t not in best_passage or position < best_passage[t][0]:
                    best_passage[t] = (position, p)
        return [(t, score, best_passage[t][1]) for t, score in fused]

    def _result(self, term: int, score: float, passage: int) -> SearchResult:
        p = self.passages[passage]
        return SearchResult(term_id=p.term_id, title=p.title, passage=p.text, section=p.section, score=round(score, 6))

    def search(self, query: str, k: int = 5, mode: str = "semantic") -> list[SearchResult]:
        """The ``k`` best terms for ``query`` (fewer if fewer match), best first.

        ``mode``: "semantic" (meaning, MiniLM cosine), "keyword" (BM25) or
        "hybrid" (both, fused by reciprocal rank). Queries longer than
        ``MAX_QUERY_CHARS`` are cut; use :func:`prepare_query` to tell the user.
        """
        k = _check_k(k)
        return self.rank(query, mode)[:k]


# ---------------------------------------------------------------------- one engine per process

_engines: dict[str, SearchEngine] = {}
_default_engine: SearchEngine | None = None
_engines_lock = threading.Lock()
_MAX_ENGINES = 4  # several glossaries in one process are rare (tests, a plugin being edited)


def get_engine(glossary: Any = None) -> SearchEngine:
    """The shared engine for ``glossary``, created once per process and glossary fingerprint.

    Without an argument: the engine for every installed term plugin, as loaded
    by the first call (pass ``load_glossary()`` to pick up edited term files).
    """
    global _default_engine
    with _engines_lock:
        if glossary is None and _default_engine is not None:
            return _default_engine
    if glossary is None:
        from ..glossary import load_glossary

        glossary = load_glossary()
        engine = get_engine(glossary)
        with _engines_lock:
            _default_engine = _default_engine or engine
            return _default_engine
    with _engines_lock:
        engine = _engines.get(glossary.fingerprint)
        if engine is None:
            engine = SearchEngine.from_glossary(glossary)
            if len(_engines) >= _MAX_ENGINES:
                _engines.pop(next(iter(_engines)))
            _engines[glossary.fingerprint] = engine
        return engine
