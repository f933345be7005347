"""Shared helpers for the reliability tests: free loopback ports, the demo server, headless Chromium.

Every server started here binds 127.0.0.1 only and is stopped in fixture
teardown; every wait has a deadline, so a broken piece fails a test instead of
hanging the suite.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from sslgloss.demos.server import DemoServer

REPO = Path(__file__).resolve().parents[2]
DEMOS = REPO / "demos"
CHROMIUM = "/usr/bin/chromium"
NGINX = "/usr/sbin/nginx"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]

sys.path.insert(0, str(REPO))  # the load client's tests import `benchmarks.load` and `benchmarks.protocol_client`


# ----------------------------------------------------------------------------- a demo server for the tests

@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per test module (skips with the reason when it cannot start).

    Per module, not per session: a sync Playwright left open keeps an event loop running, and the
    next module that starts its own (tests/site) would be refused.
    """
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing (Debian package `chromium`; `make setup` installs it)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright Python package is missing (pip install -e '.[test]')")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    """The real demo app on a free loopback port for one test module, stopped at its end."""
    server = DemoServer(log_path=tmp_path_factory.mktemp("demo-server") / "streamlit.log").start()
    try:
        server.wait_ready(180)
        yield server
    finally:
        server.stop()


__all__ = ["REPO", "DEMOS", "NGINX", "browser"]
