"""The baseline the next-word model must beat: an interpolated Kneser-Ney trigram model over token ids.

It uses the same WordPiece tokens as the neural models, so their perplexities
on the same held-out lines are directly comparable (and both can be converted
to per-word perplexity by dividing the same total log-loss by the word count).

Interpolated Kneser-Ney (Chen & Goodman, 1998), one absolute discount per
order, D = n1 / (n1 + 2 n2) from the counts-of-counts:

    P3(w | u v) = max(c(uvw) - D3, 0) / c(uv.) + D3 N1+(uv.) / c(uv.) * P2(w | v)
    P2(w | v)   = max(N1+(.vw) - D2, 0) / N1+(.v.) + D2 N1+(v.) / N1+(.v.) * P1(w)
    P1(w)       = max(N1+(.w) - D1, 0) / N1+(..) + D1 N1+(w seen) / N1+(..) * 1 / V

where the lower orders count *contexts a word continues* rather than its
occurrences (the KN idea: "francisco" is frequent but follows only "san").
Unseen contexts back off entirely to the next order; the uniform term at the
bottom gives every vocabulary entry some probability, so each distribution
sums to 1 over the vocabulary.

Counts are kept as sorted int64 keys (u * V + v) * V + w in numpy arrays, so a
3-million-token corpus builds in a second or two and a full next-token
distribution is two binary searches. :func:`load_or_build_ngram` builds the
one the demos and ``sslgloss eval`` use, and keeps it in the cache dir.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
from tokenizers import Tokenizer

from sslgloss.ml.corpus import build_corpus
from sslgloss.ml.data import encode_lines
from sslgloss.ml.tokenizer import SEP
from sslgloss.storage import atomic_writer, cache_dir


def _discount(counts: np.ndarray) -> float:
    n1 = int((counts == 1).sum())
    n2 = int((counts == 2).sum())
    if n1 == 0:
        return 0.5
    return n1 / (n1 + 2 * max(n2, 1)) if n2 else 0.5


@dataclass
class KneserNeyTrigram:
    vocab_size: int
    boundary_id: int  # the token that starts and ends every sequence ([SEP])
    keys3: np.ndarray  # sorted unique trigram keys
    counts3: np.ndarray  # c(uvw)
    ctx3_keys: np.ndarray  # sorted unique (u, v) keys
    ctx3_total: np.ndarray  # c(uv.)
    ctx3_types: np.ndarray  # N1+(uv.)
    keys2: np.ndarray  # sorted unique (v, w) keys with a continuation count
    cont2: np.ndarray  # N1+(.vw)
    ctx2_total: np.ndarray  # N1+(.v.), indexed by v
    ctx2_types: np.ndarray  # N1+(v.), indexed by v
    p1: np.ndarray  # P1(w), (V,)
    d3: float
    d2: float
    d1: float

    @classmethod
    def fit(cls, sequences: list[list[int]], vocab_size: int, boundary_id: int) -> "KneserNeyTrigram":
        """Count every trigram of ``[b, b] + seq + [b]`` for each sequence (b = boundary_id)."""
        V = vocab_size
        parts = []
        for seq in sequences:
            parts.append(np.asarray([boundary_id, boundary_id, *seq, boundary_id], dtype=np.int64))
        if not parts:
            raise ValueError("KneserNeyTrigram.fit needs at least one sequence")
        u = np.concatenate([p[:-2] for p in parts])
        v = np.concatenate([p[1:-1] for p in parts])
        w = np.concatenate([p[2:] for p in parts])
        keys3, counts3 = np.unique((u * V + v) * V + w, return_counts=True)
        ctx = keys3 // V
        ctx3_keys, first, ctx3_types = np.unique(ctx, return_index=True, return_counts=True)
        ctx3_total = np.add.reduceat(counts3, first)
        # continuation counts: each distinct trigram adds one left context u to its (v, w)
        keys2, cont2 = np.unique(keys3 % (V * V), return_counts=True)
        v2 = keys2 // V
        ctx2_total = np.bincount(v2, weights=cont2, minlength=V)
        ctx2_types = np.bincount(v2, minlength=V).astype(np.float64)
        cont1 = np.bincount(keys2 % V, minlength=V).astype(np.float64)  # N1+(.w)
        d3, d2, d1 = _discount(counts3), _discount(cont2), _discount(cont1[cont1 > 0])
        total1 = cont1.sum()
        p1 = np.maximum(cont1 - d1, 0) / total1 + d1 * (cont1 > 0).sum() / total1 / V
        return cls(V, boundary_id, keys3, counts3, ctx3_keys, ctx3_total, ctx3_types, keys2, cont2,
                   ctx2_total, ctx2_types, p1, d3, d2, d1)

    # -- a whole distribution (for the demos) ------------------------------------------------

    def distribution(self, history: list[int]) -> np.ndarray:
        """P(w | last two tokens of history), (V,), summing to 1. History may be empty."""
        V = self.vocab_size
        b = self.boundary_id
        u, v = ([b, b] + list(history))[-2:]
        p = self._p2_vector(v)
        i = np.searchsorted(self.ctx3_keys, u * V + v)
        if i < len(self.ctx3_keys) and self.ctx3_keys[i] == u * V + v:
            total, types = self.ctx3_total[i], self.ctx3_types[i]
            lo = np.searchsorted(self.keys3, (u * V + v) * V)
            hi = np.searchsorted(self.keys3, (u * V + v + 1) * V)
            p = self.d3 * types / total * p
            words = self.keys3[lo:hi] % V
            p[words] += np.maximum(self.counts3[lo:hi] - self.d3, 0) / total
        return p

    def _p2_vector(self, v: int) -> np.ndarray:
        V = self.vocab_size
        total = self.ctx2_total[v]
        if total == 0:
            return self.p1.copy()
        p = self.d2 * self.ctx2_types[v] / total * self.p1
        lo = np.searchsorted(self.keys2, v * V)
        hi = np.searchsorted(self.keys2, (v + 1) * V)
        p[self.keys2[lo:hi] % V] += np.maximum(self.cont2[lo:hi] - self.d2, 0) / total
        return p

    # -- log-loss of many tokens at once (for evaluation) ------------------------------------

    def log_probs(self, sequences: list[list[int]]) -> np.ndarray:
        """Natural-log probability of every token of every ``seq + [boundary]``, concatenated."""
        V = self.vocab_size
        b = self.boundary_id
        parts = [np.asarray([b, b, *seq, b], dtype=np.int64) for seq in sequences]
        u = np.concatenate([p[:-2] for p in parts])
        v = np.concatenate([p[1:-1] for p in parts])
        w = np.concatenate([p[2:] for p in parts])
        # bigram level
        c2 = self._lookup(self.keys2, self.cont2, v * V + w)
        tot2 = self.ctx2_total[v]
        typ2 = self.ctx2_types[v]
        with np.errstate(divide="ignore", invalid="ignore"):
            p2 = np.where(
                tot2 > 0,
                np.maximum(c2 - self.d2, 0) / np.where(tot2 > 0, tot2, 1) + self.d2 * typ2 / np.where(tot2 > 0, tot2, 1) * self.p1[w],
                self.p1[w],
            )
        # trigram level
        c3 = self._lookup(self.keys3, self.counts3, (u * V + v) * V + w)
        tot3 = self._lookup(self.ctx3_keys, self.ctx3_total, u * V + v)
        typ3 = self._lookup(self.ctx3_keys, self.ctx3_types, u * V + v)
        safe = np.where(tot3 > 0, tot3, 1)
        p3 = np.where(tot3 > 0, np.maximum(c3 - self.d3, 0) / safe + self.d3 * typ3 / safe * p2, p2)
        return np.log(p3)

    @staticmethod
    def _lookup(keys: np.ndarray, values: np.ndarray, query: np.ndarray) -> np.ndarray:
        i = np.searchsorted(keys, query)
        i = np.minimum(i, len(keys) - 1)
        found = keys[i] == query
        return np.where(found, values[i], 0).astype(np.float64)

    # -- persistence ---------------------------------------------------------------------------

    def save(self, path) -> None:
        arrays = {k: getattr(self, k) for k in ("keys3", "counts3", "ctx3_keys", "ctx3_total", "ctx3_types", "keys2",
                                                  "cont2", "ctx2_total", "ctx2_types", "p1")}
        scalars = np.array([self.vocab_size, self.boundary_id, self.d3, self.d2, self.d1], dtype=np.float64)
        np.savez(path, scalars=scalars, **arrays)

    @classmethod
    def load(cls, path) -> "KneserNeyTrigram":
        with np.load(path) as data:
            s = data["scalars"]
            arrays = {k: data[k] for k in data.files if k != "scalars"}
        return cls(vocab_size=int(s[0]), boundary_id=int(s[1]), d3=float(s[2]), d2=float(s[3]), d1=float(s[4]), **arrays)


def load_or_build_ngram(tokenizer: Tokenizer, corpus=None) -> KneserNeyTrigram:
    """The KN trigram for ``tokenizer`` over ``corpus``'s training lines (default: :func:`build_corpus`).

    Kept in the cache dir under a name made from the tokenizer and the corpus fingerprint, so a
    changed glossary or vocabulary builds a new one.
    """
    corpus = corpus or build_corpus()
    key = hashlib.sha256((tokenizer.to_str() + corpus.fingerprint).encode()).hexdigest()[:16]
    path = cache_dir("models") / f"kn3-{key}.npz"
    if path.exists():
        try:
            return KneserNeyTrigram.load(path)
        except Exception:
            pass  # a corrupt cache file is rebuilt below
    sequences = encode_lines(tokenizer, corpus.train)
    kn = KneserNeyTrigram.fit(sequences, tokenizer.get_vocab_size(), tokenizer.token_to_id(SEP))
    with atomic_writer(path, "wb") as handle:
        kn.save(handle)
    return kn
