"""The Kneser-Ney trigram baseline: proper distributions, and it prefers what it has seen."""

from __future__ import annotations

import math

import numpy as np

from sslgloss.ml.ngram import KneserNeyTrigram

TOY = [[5, 6, 7, 8], [5, 6, 9], [6, 7, 8, 8], [10, 5, 6, 7]]
V = 12  # ids 0..11; 3 is the boundary; 11 never occurs


def _kn():
    return KneserNeyTrigram.fit(TOY, vocab_size=V, boundary_id=3)


def test_probabilities_sum_to_one_over_the_vocabulary():
    kn = _kn()
    for history in ([], [5], [5, 6], [6, 7], [11, 11], [8, 5], [3, 3]):
        p = kn.distribution(history)
        assert p.shape == (V,)
        assert abs(p.sum() - 1) < 1e-9, history
        assert (p > 0).all()  # even the never-seen token keeps some probability


def test_seen_continuations_are_preferred():
    p = _kn().distribution([5, 6])
    assert p.argmax() == 7
    assert p[7] > p[9] > p[11]


def test_log_probs_agree_with_distributions():
    kn = _kn()
    seq = [5, 6, 7, 11]
    got = kn.log_probs([seq])
    history = [3, 3]
    for i, w in enumerate(seq + [3]):
        assert math.isclose(got[i], math.log(kn.distribution(history)[w]), rel_tol=1e-9)
        history.append(w)


def test_save_and_load_round_trip(tmp_path):
    kn = _kn()
    kn.save(tmp_path / "kn.npz")
    again = KneserNeyTrigram.load(tmp_path / "kn.npz")
    assert np.allclose(again.distribution([5, 6]), kn.distribution([5, 6]))


def test_load_or_build_ngram_builds_once_then_reads_the_cache(toy_tokenizer, tmp_path, monkeypatch):
    from types import SimpleNamespace

    from sslgloss.ml.ngram import load_or_build_ngram

    monkeypatch.setenv("SSLGLOSS_CACHE", str(tmp_path))
    corpus = SimpleNamespace(train=toy_tokenizer.toy_lines, fingerprint="toy")
    built = load_or_build_ngram(toy_tokenizer, corpus)
    saved = list((tmp_path / "models").glob("kn3-*.npz"))
    assert len(saved) == 1 and not list((tmp_path / "models").glob("*.tmp*"))
    loaded = load_or_build_ngram(toy_tokenizer, corpus)
    assert np.array_equal(loaded.distribution([5, 6]), built.distribution([5, 6]))
    saved[0].write_bytes(b"not a zip")  # a corrupt cache file is rebuilt
    assert np.array_equal(load_or_build_ngram(toy_tokenizer, corpus).distribution([]), built.distribution([]))
