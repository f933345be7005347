"""Fixtures for the site tests: MkDocs builds into tmp folders, and the served real site."""

from __future__ import annotations

import pytest

from site_helpers import FIXTURES, GRAPH_SMALL, REPO, BuiltSite, build, free_port, serve, write_project


@pytest.fixture(scope="session", autouse=True)
def _quiet_and_fast(tmp_path_factory):
    # demo fallbacks load models: the site tests check the slot, not the models
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SSLGLOSS_SITE_FALLBACKS", "0")
        mp.setenv("NO_MKDOCS_2_WARNING", "1")
        mp.setenv("SSLGLOSS_CACHE", str(tmp_path_factory.getbasetemp() / "cache"))
        yield


@pytest.fixture(scope="session")
def browser_site(tmp_path_factory):
    """The real site (mkdocs.yml) plus the hostile fixture terms, built once, strict, and served.

    site_url is the server's own address so that instant navigation is active (it only
    intercepts links listed in sitemap.xml); demos_url points at a port where nothing runs
    until a test starts a stand-in demo server there.
    """
    out = tmp_path_factory.mktemp("browser") / "site"
    port = free_port()
    demos_port = free_port()
    demos_url = f"http://127.0.0.1:{demos_port}"
    server_url = f"http://127.0.0.1:{port}/"
    build(REPO / "mkdocs.yml", out, strict=True, site_url=server_url,
          plugin_options={"term_dirs": [str(FIXTURES / "hostile")], "demos_url": demos_url})
    server = serve(out, port)
    yield BuiltSite(out, server_url, demos_url, demos_port)
    server.shutdown()


@pytest.fixture
def small_project(tmp_path):
    """A project over tests/fixtures/graph_small, without installed plugins (fast)."""
    return write_project(tmp_path, term_dirs=[str(GRAPH_SMALL)])


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright, one for the site tests (one sync Playwright per process)."""
    from pathlib import Path

    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: install Debian's `chromium` package (see the README's test command)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()
