"""The shipped weights against their baselines on the held-out split: what `sslgloss eval` promises."""

from __future__ import annotations

import pytest


@pytest.mark.slow
def test_shipped_weights_beat_their_baselines(shipped):
    from sslgloss.ml.evaluate import run_eval

    report = run_eval(include_sentence_demos=False)
    masked, nxt = report.masked, report.next_word
    assert masked["top5"] >= 2 * masked["base_top5"], masked
    assert nxt["token_ppl"] < nxt["kn3_token_ppl"], nxt
    assert report.probe_summary["model_hits"] > report.probe_summary["baseline_hits"], report.probe_summary
