"""The real demo server under many concurrent learners (slow: minutes).

``benchmarks/load.py`` does the driving; these tests hold it to the targets:
no errors, the same input gives the same answer in every session, memory flat
after warm-up. The figures are printed (run with ``-s`` to see them).

Twenty sessions speak Streamlit's websocket protocol (benchmarks/protocol_client.py):
the server does the same work as for twenty browser tabs, and the two cores are left
to the server. A smaller set of real headless-Chromium sessions checks the same
targets with the faithful client.
"""

from __future__ import annotations

import json

import pytest

from benchmarks.load import (SCENARIOS, asyncio_run_drive, demo_url, run_protocol, summary, wait_answer,
                             warm_up)

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.fixture(scope="module")
def server(demo_server):
    return demo_server


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.demo for s in SCENARIOS])
def test_every_demo_answers_a_second_session_too(server, browser, scenario):
    """Models are cached per process: a later session must get the cached model, not an error."""
    answers = []
    for _ in range(2):
        page = browser.new_page()
        try:
            page.goto(demo_url(server.url, scenario))
            answers.append(wait_answer(page, scenario, 300_000))
        finally:
            page.close()
    assert answers[0] == answers[1]


def _hold_to_targets(results, before: float, after: float, seconds: float, sessions: int, min_visits: int,
                     unread: tuple[str, ...] = ()) -> None:
    figures = summary(results, before, after, seconds, sessions)
    print("\n" + json.dumps(figures, indent=2))
    assert not results.errors, "\n".join(results.errors[:5])
    different = {key: n for key, n in figures["nondeterministic_answers"].items() if key.split("/")[0] not in unread}
    assert not different, {k: sorted(results.answers[tuple(k.split("/"))]) for k in different}
    assert results.sessions >= min_visits
    assert after - before < max(150.0, 0.25 * before), f"RSS grew from {before:.0f} MB to {after:.0f} MB"


def test_twenty_concurrent_sessions_on_every_demo(server):
    warm_up(server.url)
    before = server.rss_mb()
    results = run_protocol(server.url, sessions=20, seconds=90)
    _hold_to_targets(results, before, server.rss_mb(), 90, 20, min_visits=60)


def test_browser_sessions_on_every_demo(server):
    warm_up(server.url)
    before = server.rss_mb()
    results = asyncio_run_drive(server.url, sessions=5, seconds=90)
    # semantic-search's answer is a data grid drawn on a canvas; the browser client reads the cells the
    # grid happens to keep in the DOM, which once differed between sessions (not reproduced in a rerun).
    # The protocol test above compares its exact data (Arrow) across sessions instead.
    _hold_to_targets(results, before, server.rss_mb(), 90, 5, min_visits=10, unread=("semantic-search",))
