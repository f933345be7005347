"""A term page while its demo server goes down and comes back (slow: the page re-checks on a back-off).

The real site is built once with ``demos_url`` pointing at a free loopback port
and served by a small static HTTP server. With the demo server down the page
shows the static fallback; once the server starts, the page loads the live
iframe by itself; when the server is killed it falls back again; after a
restart it is live again - all without reloading the page (the page's own
navigations are counted) and without reloading the iframe in a loop.
"""

from __future__ import annotations

import functools
import http.server
import threading
import time

import pytest

from sslgloss.demos.server import DemoServer, free_port

from .test_faults import build_site, site_config

pytestmark = [pytest.mark.slow, pytest.mark.browser]
TERM_PAGE = "terms/masked-language-modeling/"


@pytest.fixture(scope="module")
def site_and_port(tmp_path_factory):
    folder = tmp_path_factory.mktemp("restart-site")
    demo_port = free_port()
    done = build_site(site_config(folder, demos_url=f"http://127.0.0.1:{demo_port}"))
    assert done.returncode == 0, done.stderr[-3000:]
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder / "site"))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/", demo_port, folder
    finally:
        httpd.shutdown()
        httpd.server_close()


def slot_state(page) -> str:
    return page.locator(".sslgloss-demo").first.get_attribute("data-state")


def wait_state(page, state: str, timeout_s: float) -> float:
    started = time.monotonic()
    page.wait_for_function(
        "(s) => { const e = document.querySelector('.sslgloss-demo'); return e && e.dataset.state === s; }",
        arg=state, timeout=timeout_s * 1000, polling=200)
    return time.monotonic() - started


def test_term_page_falls_back_and_goes_live_again_without_a_reload_loop(site_and_port, browser, tmp_path):
    site_url, demo_port, _ = site_and_port
    page = browser.new_page()
    navigations = {"page": 0, "iframe": 0}

    def count(request):  # document loads only (instant navigation's history updates are not reloads)
        if request.resource_type != "document":
            return
        if request.frame == page.main_frame:
            navigations["page"] += 1
        elif request.url.startswith(f"http://127.0.0.1:{demo_port}/"):
            navigations["iframe"] += 1

    page.on("request", count)
    server = DemoServer(port=demo_port, log_path=tmp_path / "streamlit.log")
    try:
        page.goto(site_url + TERM_PAGE)
        wait_state(page, "offline", 20)
        offline = page.locator(".sslgloss-demo__offline").first
        assert offline.is_visible()
        assert "make serve" in offline.inner_text()  # says how to start the demos
        assert page.locator(".sslgloss-demo iframe").first.get_attribute("src") is None

        server.start()
        server.wait_ready(120)
        took = wait_state(page, "live", 60)  # back-off: 2, 4, 8, 16, 30 s between checks
        frame = page.locator(".sslgloss-demo iframe").first
        assert frame.get_attribute("src") == frame.get_attribute("data-src")
        print(f"\nlive {took:.1f} s after the server answered")

        server.kill()
        wait_state(page, "offline", 45)  # checked every 30 s while live
        assert page.locator(".sslgloss-demo__offline").first.is_visible()

        server = DemoServer(port=demo_port, log_path=tmp_path / "streamlit-2.log")
        server.start()
        server.wait_ready(120)
        wait_state(page, "live", 60)
        page.wait_for_timeout(5000)  # a reload loop would show up as more navigations meanwhile
        assert navigations["page"] == 1, f"the term page reloaded: {navigations}"
        assert navigations["iframe"] <= 4, f"the iframe reloaded in a loop: {navigations}"
    finally:
        page.close()
        server.stop()
