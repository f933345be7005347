"""Live demos embedded in term pages, in headless Chromium, against the real demo server.

What a learner notices: the frame is exactly as tall as the demo (no scrollbar inside the page's
scrollbar, before and after switching a tab), the demo follows the site's light/dark palette when
the reader flips it, nothing is wider than a phone's screen, and no request leaves the machine.
The server runs the real app with the shipped text models and tiny scenario models.
"""

from __future__ import annotations

import time

import pytest


pytestmark = pytest.mark.browser

DEMO_PAGES = {"masking": "terms/masked-language-modeling/", "next-word": "terms/next-word-prediction/",
              "masked-image": "terms/masked-image-modeling/"}
CONTENT_HEIGHT = """() => {
  const block = document.querySelector('[data-testid="stMainBlockContainer"]');
  const s = document.scrollingElement;
  return block && {content: block.getBoundingClientRect().height, scroll: s.scrollHeight, client: s.clientHeight,
                   width: s.scrollWidth, clientWidth: s.clientWidth,
                   busy: !!document.querySelector('[data-testid="stStatusWidgetRunningIcon"], [data-stale="true"]')};
}"""


@pytest.fixture(scope="module")
def demo_server(browser_site, tmp_path_factory):
    from sslgloss.demos.server import DemoServer

    env = {"SSLGLOSS_TRAINING_BUDGET": "tiny", "SSLGLOSS_CACHE": str(tmp_path_factory.mktemp("demo-cache")),
           "SSLGLOSS_SITE_URL": browser_site.url}
    with DemoServer(port=browser_site.demos_port, env=env) as server:
        server.wait_ready(90)
        yield server.url


def open_demo(browser, site, path: str, width: int = 1366, height: int = 900, scheme: str = "light"):
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
    page = context.new_page()
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(request.url.split("/")[2]))
    page.goto(site.url + path)
    page.locator(".sslgloss-demo").first.scroll_into_view_if_needed()
    page.wait_for_selector('.sslgloss-demo[data-state="live"]', timeout=30_000)
    frame = page.frame_locator(".sslgloss-demo__live iframe").first
    frame.locator('[data-testid="stMainBlockContainer"]').wait_for(timeout=90_000)
    return context, page, hosts


def settled_sizes(page, timeout: float = 120.0, min_content: int = 300) -> tuple[float, dict]:
    """(the iframe's height, the demo's own sizes) once the demo has drawn its answer (taller than
    ``min_content``: a first visit may train a tiny model behind a progress bar) and the frame followed it."""
    from playwright.sync_api import Error as PlaywrightError

    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        demo = next(f for f in page.frames if f.url.startswith(("http://127.0.0.1",)) and "embed=true" in f.url)
        try:
            inside = demo.evaluate(CONTENT_HEIGHT)
        except PlaywrightError as err:  # the frame was still navigating (e.g. to the dark theme): look again
            if "context was destroyed" not in str(err) and "detached" not in str(err):
                raise
            page.wait_for_timeout(700)
            continue
        frame_height = page.locator(".sslgloss-demo__live iframe").first.evaluate(
            "e => e.getBoundingClientRect().height")
        now = (round(frame_height), inside and round(inside["content"]))
        if (inside and not inside["busy"] and inside["content"] > min_content and now == last
                and abs(frame_height - inside["content"]) <= 4):
            return frame_height, inside
        last = now
        page.wait_for_timeout(700)
    raise AssertionError(f"the frame never settled to the demo's height: frame {last[0]} px, content {last[1]} px")


@pytest.mark.parametrize("demo", sorted(DEMO_PAGES))
def test_the_frame_takes_the_demos_height_with_no_inner_scrollbar(browser, browser_site, demo_server, demo):
    context, page, hosts = open_demo(browser, browser_site, DEMO_PAGES[demo])
    try:
        frame_height, inside = settled_sizes(page)
        assert inside["scroll"] <= inside["client"] + 2, "a scrollbar inside the frame"
        tabs = page.frame_locator(".sslgloss-demo__live iframe").first.get_by_role("tab")
        if tabs.count() > 1:
            tabs.nth(1).click()
            page.wait_for_timeout(1000)
            after, inside = settled_sizes(page)
            assert inside["scroll"] <= inside["client"] + 2
        allowed = {browser_site.url.split("/")[2], browser_site.demos_url.split("/")[2]}
        assert hosts <= allowed, f"requests to other hosts: {sorted(hosts - allowed)}"
    finally:
        context.close()


def test_the_demo_follows_the_sites_dark_toggle(browser, browser_site, demo_server):
    context, page, _ = open_demo(browser, browser_site, DEMO_PAGES["masking"])
    try:
        frame = page.locator(".sslgloss-demo__live iframe").first
        assert "embed_options=light_theme" in frame.get_attribute("src")
        settled_sizes(page)
        background = "() => getComputedStyle(document.querySelector('.stApp') || document.body).backgroundColor"
        demo = next(f for f in page.frames if "embed=true" in f.url)
        light = demo.evaluate(background)
        page.locator("form[data-md-component=palette] label:visible").first.click()  # the site's toggle
        page.wait_for_function("() => document.querySelector('.sslgloss-demo__live iframe').src.includes('dark_theme')")
        page.frame_locator(".sslgloss-demo__live iframe").first.locator(
            '[data-testid="stMainBlockContainer"]').wait_for(timeout=60_000)
        settled_sizes(page)
        demo = next(f for f in page.frames if "embed=true" in f.url)
        dark = demo.evaluate(background)
        assert dark != light
        rgb = [int(x) for x in dark[dark.index("(") + 1:dark.index(")")].split(",")[:3]]
        assert sum(rgb) < 200, f"the demo's background stayed light in dark mode: {dark}"
    finally:
        context.close()


def test_on_a_phone_nothing_is_wider_than_the_screen(browser, browser_site, demo_server):
    context, page, _ = open_demo(browser, browser_site, DEMO_PAGES["masking"], width=390, height=844)
    try:
        _, inside = settled_sizes(page)
        assert inside["width"] <= inside["clientWidth"] + 1, "the demo scrolls sideways inside its frame"
        assert page.evaluate("() => document.documentElement.scrollWidth <= innerWidth + 1")
    finally:
        context.close()
