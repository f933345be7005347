"""Sessions over Streamlit's websocket protocol (benchmarks/protocol_client.py), the load test's client.

The load test's figures are only as good as its client: these tests check that a
protocol session really runs a demo page, sees its answer, changes an input the way
a browser does, notices an error the page shows, and that concurrent sessions with
the same input get the same answer.
"""

from __future__ import annotations

import asyncio
from urllib.parse import urlencode

import pytest

from benchmarks.load import BY_ID, PROTOCOL_WIDGET, in_worker_thread, run_protocol
from benchmarks.protocol_client import Session

from sslgloss.demos.server import DemoServer


def _run(coroutine):
    """asyncio.run on a worker thread: another test may have left an event loop running in this one."""
    return in_worker_thread(asyncio.run, coroutine)


@pytest.fixture(scope="module")
def server(demo_server):
    return demo_server


def _visit(base: str, demo: str, params: dict, change: tuple | None = None):
    async def go():
        session = await Session.open(base, demo, urlencode(params), timeout=300)
        try:
            first = session.last
            second = await session.change(*change) if change else None
            return first, second
        finally:
            await session.close()

    return _run(go())


def test_a_session_reads_the_answer_and_changes_the_input_like_a_browser(server):
    scenario = BY_ID["masking"]
    first, second = _visit(server.url, "masking", scenario.params,
                           (PROTOCOL_WIDGET[scenario.change], "A dog is a kind of [MASK].", 300, scenario.change_label))
    assert first.status == "ok" and not first.errors
    assert "The cat sat on the" in scenario.protocol_answer(first)
    assert first.widget("text_input") is first.widget("text_input", scenario.change_label)
    assert "A dog is a kind of" in scenario.protocol_answer(second)  # the model answered the new text
    assert second.status == "ok" and not second.errors


def test_a_hidden_tab_computes_nothing_until_a_link_opens_it(server):
    scenario = BY_ID["masking"]
    first, _ = _visit(server.url, "masking", scenario.params)
    with pytest.raises(LookupError):  # "watch it learn" is not open: its inputs are not even drawn
        first.widget("text_input", "Probe sentence (one [MASK])")
    learn, _ = _visit(server.url, "masking", {**scenario.params, "tab": "Watch it learn"})
    assert not learn.errors
    # two text inputs now (the page's and the probe's): labels tell them apart
    main, probe = learn.widget("text_input", scenario.change_label), learn.widget("text_input", "Probe sentence (one [MASK])")
    assert main.widget_id != probe.widget_id
    assert not scenario.protocol_answer(learn)  # the fill-in tab is the one not computed now


def test_an_error_the_page_shows_is_seen(server):
    # whitespace only: the masking page explains the problem in an error box instead of answering
    first, _ = _visit(server.url, "masking", {"input": "   "})
    assert first.errors, [e.kind for e in first.elements]


def test_an_unknown_page_is_reported():
    async def go():
        srv = DemoServer().start()
        try:
            srv.wait_ready(180)
            with pytest.raises(LookupError, match="no-such-demo"):
                await Session.open(srv.url, "no-such-demo", "", timeout=120)
        finally:
            srv.stop()

    _run(go())


def test_concurrent_sessions_agree_and_all_finish(server):
    demos = [BY_ID["masking"], BY_ID["next-word"]]
    # every session starts at least one visit and finishes it (open, answer, change, new answer)
    results = run_protocol(server.url, sessions=4, seconds=1, demos=demos, timeout_s=300)
    assert not results.errors, results.errors[:3]
    assert results.sessions >= 4
    assert not results.nondeterministic()
