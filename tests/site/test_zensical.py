"""The same site built by Zensical from `sslgloss site generate`: same URLs, working links, previews, graph, demos.

Zensical reads mkdocs.yml but runs no MkDocs plugin, so the glossary's pages are
generated as files first (sslgloss/site/generate.py) and Zensical builds those. The
core set of the browser tests runs against that build; the MkDocs build's own tests
are in test_browser.py (whose `browser_site` this file compares URLs with).
"""

from __future__ import annotations

import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from site_helpers import REPO, BuiltSite, free_port, serve, watched_page

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def core_glossary():
    from sslgloss.glossary import load_glossary

    return load_glossary()


@pytest.fixture(scope="session")
def zensical_site(tmp_path_factory):
    """The project's mkdocs.yml, generated and built by Zensical (with the shipped static demo results), served."""
    out = tmp_path_factory.mktemp("zensical")
    port, demos_port = free_port(), free_port()
    env = dict(os.environ, SSLGLOSS_SITE_URL=f"http://127.0.0.1:{port}/",
               SSLGLOSS_DEMOS_URL=f"http://127.0.0.1:{demos_port}", SSLGLOSS_SITE_FALLBACKS="1", NO_COLOR="1")
    generate = [sys.executable, "-m", "sslgloss.cli", "site", "generate", "-f", str(REPO / "mkdocs.yml"), "-o", str(out)]
    done = subprocess.run(generate, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    built = subprocess.run([sys.executable, "-m", "zensical", "build", "--strict", "-f", str(out / "mkdocs.yml")],
                           env=env, capture_output=True, text=True, timeout=600)
    assert built.returncode == 0 and "No issues found" in built.stdout + built.stderr, built.stdout + built.stderr
    server = serve(out / "site", port)
    yield BuiltSite(out / "site", f"http://127.0.0.1:{port}/", f"http://127.0.0.1:{demos_port}", demos_port)
    server.shutdown()


def pages_under(site: Path) -> set[str]:
    return {p.parent.relative_to(site).as_posix() for p in site.rglob("index.html")}


def test_every_term_and_index_page_is_at_the_url_the_mkdocs_build_uses(zensical_site, browser_site, core_glossary):
    zensical, mkdocs = pages_under(zensical_site.dir), pages_under(browser_site.dir)
    expected = {f"terms/{t}" for t in core_glossary.terms} | {"glossary", "tags", "learning-paths", "graph", "demos"}
    assert expected <= zensical, f"missing from the Zensical build: {sorted(expected - zensical)[:10]}"
    assert expected <= mkdocs
    tag_pages = {p for p in mkdocs if p.startswith("tags/")}
    assert tag_pages and tag_pages <= zensical


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        wanted = {"a": "href", "link": "href", "script": "src", "img": "src"}.get(tag)
        for name, value in attrs:
            if name == wanted and value:
                self.found.append(value)


def test_no_internal_link_of_the_zensical_build_is_broken(zensical_site):
    site = zensical_site.dir
    broken, checked = [], 0
    for page in site.rglob("*.html"):
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for link in parser.found:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith(("#", "mailto:", "data:")):
                continue
            path = unquote(parts.path)
            target = (site / path.lstrip("/") if path.startswith("/") else page.parent / path).resolve()
            if target.is_dir():
                target = target / "index.html"
            checked += 1
            if not target.exists():
                broken.append(f"{page.relative_to(site)} -> {link}")
    assert checked > 1000 and not broken, broken[:10]


@pytest.fixture
def zpage(browser, zensical_site):
    with watched_page(browser, lambda url: url.startswith(zensical_site.demos_url)) as pg:
        yield pg


def test_previews_work_on_the_zensical_build(zpage, zensical_site):
    zpage.goto(zensical_site.url + "terms/bert/")
    link = zpage.locator(".sslgloss-prose a.sslgloss-term").first
    link.hover()
    preview = zpage.locator(".sslgloss-preview")
    preview.wait_for(state="visible")
    assert preview.locator(".sslgloss-preview__title").inner_text().strip()
    href = preview.locator("a.sslgloss-preview__open").get_attribute("href")
    assert href.endswith(f"/terms/{link.get_attribute('data-term')}/")
    toc = zpage.locator('.md-nav--secondary a[href$="#definition"]')  # the theme makes them absolute
    assert toc.count() >= 1, "the engine builds the table of contents from the generated headings"


def test_the_graph_draws_every_term_on_the_zensical_build(zpage, zensical_site, core_glossary):
    zpage.goto(zensical_site.url + "graph/")
    zpage.wait_for_selector("[data-sslgloss-ready]")
    size = zpage.evaluate("document.querySelector('[data-sslgloss-graph]').sslglossGraph.size()")
    assert size == len(core_glossary.terms)
    zpage.goto(zensical_site.url + "terms/contrastive-learning/")
    assert zpage.locator(".sslgloss-local-graph a").count() >= 3, "the local graph links the term's neighbours"


def test_the_demo_slot_shows_its_static_result_without_a_server_on_the_zensical_build(zpage, zensical_site):
    zpage.goto(zensical_site.url + "terms/masked-language-modeling/")
    zpage.wait_for_function("document.querySelector('.sslgloss-demo').dataset.state === 'offline'")
    slot = zpage.locator(".sslgloss-demo").first
    assert slot.locator(".sslgloss-demo__static").is_visible()
    assert "make serve" in slot.locator(".sslgloss-demo__how").inner_text()
    assert slot.locator("iframe").get_attribute("data-src").startswith(f"{zensical_site.demos_url}/masking?")
