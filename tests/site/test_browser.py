"""The built site in headless Chromium: navigation, previews, the graph, demos, hostile content.

One build of the real site (plus the hostile fixture terms) per session, served over
HTTP on 127.0.0.1; Debian's /usr/bin/chromium driven by Playwright. Every page
visited must log no console error, except the refused connection of the demo
health probe while no demo server runs (that probe failing is the designed path).
"""

from __future__ import annotations

import http.server
import re
import socketserver
import threading

import pytest
from playwright.sync_api import expect

from site_helpers import REPO, watched_page

pytestmark = pytest.mark.browser

ARTIFACTS = REPO / "tests" / "artifacts"
HOSTILE_BROKEN_IMAGE = "/terms/hostile-prose/x"  # the fixture's <img src="x" onerror=...> is meant to 404


@pytest.fixture
def page(browser, browser_site):
    with watched_page(browser, lambda url: url.startswith(browser_site.demos_url)
                      or url.endswith(HOSTILE_BROKEN_IMAGE)) as pg:
        yield pg


def open_page(pg, site, path: str = ""):
    pg.goto(site.url + path)
    pg.wait_for_function("() => window.sslgloss && window.document$ !== undefined")


def test_reach_a_term_through_the_a_to_z_index(page, browser_site):
    open_page(page, browser_site)
    page.get_by_role("link", name="Glossary A–Z").first.click()
    page.wait_for_url(re.compile(r"/glossary/$"))
    page.locator("ul.sslgloss-entries a", has_text=re.compile(r"^BERT$")).click()
    page.wait_for_url(re.compile(r"/terms/bert/$"))
    expect(page.locator("article h1")).to_have_text("BERT")
    expect(page.locator(".sslgloss-summary")).to_contain_text("Google")


def test_hovering_or_focusing_a_term_link_shows_its_preview(page, browser_site):
    open_page(page, browser_site, "terms/bert/")
    link = page.locator(".sslgloss-prose a.sslgloss-term").first
    term_id = link.get_attribute("data-term")
    link.hover()
    preview = page.locator(".sslgloss-preview")
    preview.wait_for(state="visible")
    title = page.evaluate(f"fetch('{browser_site.url}assets/sslgloss/terms.json').then(r => r.json())"
                          f".then(d => d.terms['{term_id}'])")
    assert preview.locator(".sslgloss-preview__title").inner_text() == title["t"]
    assert preview.locator(".sslgloss-preview__summary").inner_text() == title["s"]
    assert re.match(r"\d+ relations?$", preview.locator(".sslgloss-preview__count").inner_text())
    assert preview.locator("a.sslgloss-preview__open").get_attribute("href").endswith(f"/terms/{term_id}/")
    page.mouse.move(5, 880)
    preview.wait_for(state="hidden")
    link.focus()  # keyboard
    preview.wait_for(state="visible")
    page.keyboard.press("Escape")
    preview.wait_for(state="hidden")


def test_clicking_a_graph_node_opens_its_term(page, browser_site):
    open_page(page, browser_site, "graph/")
    page.wait_for_selector("[data-sslgloss-ready]")
    point = page.evaluate("document.querySelector('[data-sslgloss-graph]').sslglossGraph.positionOf('clip')")
    page.mouse.move(point["x"], point["y"])
    page.mouse.click(point["x"], point["y"])
    page.wait_for_url(re.compile(r"/terms/clip/$"))
    expect(page.locator("article h1")).to_have_text("CLIP")


def test_graph_filters_search_and_legend(page, browser_site):
    open_page(page, browser_site, "graph/")
    page.wait_for_selector("[data-sslgloss-ready]")
    graph = "document.querySelector('[data-sslgloss-graph]').sslglossGraph"
    total = page.evaluate(f"{graph}.size()")
    assert total >= 68
    page.select_option(".sslgloss-graph__controls select", label="audio")
    shown = page.evaluate(f"{graph}.visibleCount()")
    assert 0 < shown < total
    page.select_option(".sslgloss-graph__controls select", label="All tags")
    page.fill(".sslgloss-graph__controls input", "masked lang")
    page.keyboard.press("Enter")
    card = page.locator(".sslgloss-graph__card")
    card.wait_for(state="visible")
    assert card.locator(".sslgloss-graph__card-title").inner_text() == "Masked Language Modeling"
    legend = page.locator(".sslgloss-graph__legend input")
    assert legend.count() >= 5
    legend.first.uncheck()
    assert not legend.first.is_checked()


def test_instant_navigation_keeps_previews_and_the_graph_working(page, browser_site):
    open_page(page, browser_site)
    page.evaluate("window.__sameDocument = 42")
    page.get_by_role("link", name="Glossary A–Z").first.click()
    page.wait_for_url(re.compile(r"/glossary/$"))
    page.locator("ul.sslgloss-entries a", has_text=re.compile(r"^Semantic Search$")).click()
    page.wait_for_url(re.compile(r"/terms/semantic-search/$"))
    page.wait_for_selector("article h1:has-text('Semantic Search')")
    assert page.evaluate("window.__sameDocument") == 42, "instant navigation did a full page load"
    link = page.locator(".sslgloss-prose a.sslgloss-term").first
    link.hover()
    page.locator(".sslgloss-preview").wait_for(state="visible")
    page.locator(".md-sidebar--primary").get_by_role("link", name="Graph").click()
    page.wait_for_url(re.compile(r"/graph/$"))
    page.wait_for_selector("[data-sslgloss-ready]")
    assert page.evaluate("window.__sameDocument") == 42
    assert page.locator(".sslgloss-preview").is_hidden()
    point = page.evaluate("document.querySelector('[data-sslgloss-graph]').sslglossGraph.positionOf('bert')")
    page.mouse.click(point["x"], point["y"])
    page.wait_for_url(re.compile(r"/terms/bert/$"))
    page.wait_for_selector("article h1:has-text('BERT')")
    assert page.evaluate("window.__sameDocument") == 42
    page.go_back()
    page.wait_for_url(re.compile(r"/graph/$"))
    page.wait_for_selector("[data-sslgloss-ready]")
    assert page.locator("canvas").count() == 1  # set up once, not stacked


def test_touch_first_tap_previews_second_tap_follows(browser, browser_site):
    context = browser.new_context(viewport={"width": 420, "height": 860}, has_touch=True, is_mobile=True)
    pg = context.new_page()
    try:
        open_page(pg, browser_site, "terms/transformer/")
        link = pg.locator(".sslgloss-prose a.sslgloss-term").first
        target = link.get_attribute("data-term")
        link.scroll_into_view_if_needed()
        link.tap()
        pg.locator(".sslgloss-preview").wait_for(state="visible")
        assert pg.url.endswith("/terms/transformer/")
        link.tap()
        pg.wait_for_url(re.compile(rf"/terms/{target}/$"))
    finally:
        context.close()


def test_hostile_term_renders_and_runs_nothing(page, browser_site):
    open_page(page, browser_site, "terms/hostile-prose/")
    page.wait_for_timeout(300)
    for el in page.locator(".sslgloss-prose a, .sslgloss-prose div, .sslgloss-prose b, .sslgloss-prose details").all():
        el.hover(force=True, timeout=2000)
    page.locator(".sslgloss-prose details").first.click()
    page.wait_for_timeout(300)
    assert page.evaluate("window.__pwned") is None
    assert page.locator(".sslgloss-prose script, .sslgloss-prose iframe, .sslgloss-prose object, "
                        ".sslgloss-prose svg, .sslgloss-prose style, .sslgloss-prose input").count() == 0
    assert page.locator("article h2#context-and-usage").is_visible()
    assert page.locator("body").is_visible()  # the <style> that hid the body did not survive


class _StubDemos(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"ok" if self.path.startswith("/_stcore/health") else b"<!doctype html><title>demo</title><p>demo"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain" if body == b"ok" else "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_demo_slot_falls_back_then_connects_when_the_server_starts(page, browser_site):
    open_page(page, browser_site, "terms/masked-language-modeling/")
    slot = page.locator(".sslgloss-demo").first
    page.wait_for_function("document.querySelector('.sslgloss-demo').dataset.state === 'offline'")
    assert slot.locator(".sslgloss-demo__offline").is_visible()
    assert "make serve" in slot.locator(".sslgloss-demo__how").inner_text()
    assert slot.locator("iframe").get_attribute("src") is None
    assert slot.locator(".sslgloss-demo__open").is_hidden()  # no link to a tab that would not load
    assert slot.locator(f'.sslgloss-demo__offline a[href^="{browser_site.demos_url}"]').count() == 0
    socketserver.TCPServer.allow_reuse_address = True
    stub = socketserver.ThreadingTCPServer(("127.0.0.1", browser_site.demos_port), _StubDemos)
    threading.Thread(target=stub.serve_forever, daemon=True).start()
    try:
        slot.locator(".sslgloss-demo__retry").click()
        page.wait_for_function("document.querySelector('.sslgloss-demo').dataset.state === 'live'")
        src = slot.locator("iframe").get_attribute("src")
        assert src.startswith(f"{browser_site.demos_url}/masking?embed=true&input=")
        assert slot.locator("iframe").is_visible()
        assert slot.locator(".sslgloss-demo__offline").is_hidden()
        assert page.evaluate("performance.getEntriesByType('navigation').length") == 1  # no reload
    finally:
        stub.shutdown()
        stub.server_close()
