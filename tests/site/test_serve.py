"""`mkdocs serve`: a changed term file triggers a rebuild, and the rebuild shows the change."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

from site_helpers import GRAPH_SMALL, REPO, build, write_project

PLUGIN_TERMS = REPO / "tests" / "fixtures" / "plugin_pkg" / "sslgloss_testplugin" / "terms"


class RecordingServer:
    def __init__(self):
        self.watched: list[str] = []

    def watch(self, path, func=None, *, recursive=True):
        self.watched.append(str(path))


def test_serve_watches_the_core_terms_and_every_term_dir(tmp_path):
    from mkdocs.config import load_config

    from sslgloss.core import TERMS_DIR

    extra = tmp_path / "more-terms"
    extra.mkdir()
    alpha = (GRAPH_SMALL / "alpha.md").read_text(encoding="utf-8")  # a term that fits the core glossary
    (extra / "alpha.md").write_text(alpha.replace("requires: [ml]", "requires: [machine-learning]"), encoding="utf-8")
    project = write_project(tmp_path, term_dirs=["more-terms"], entry_points=True)
    config = load_config(str(project))
    config.plugins.on_startup(command="serve", dirty=False)
    plugin = config.plugins["sslgloss"]
    plugin.on_pre_build(config=config)
    server = plugin.on_serve(RecordingServer(), config=config, builder=None)
    assert str(Path(TERMS_DIR).resolve()) in server.watched
    assert str(extra.resolve()) in server.watched  # a term_dirs entry, relative to mkdocs.yml


def test_watched_folders_cover_every_plugins_term_files_once(tmp_path):
    from sslgloss.plugins import PluginInfo
    from sslgloss.site.plugin import watched_folders

    nested = tmp_path / "mine" / "deeper"
    nested.mkdir(parents=True)
    (nested / "x.md").write_text("x")
    plugins = {
        "core": PluginInfo("core", "sslgloss.terms", term_files=sorted(GRAPH_SMALL.glob("*.md"))),
        "testplugin": PluginInfo("testplugin", "sslgloss_testplugin", term_files=[PLUGIN_TERMS / "rotation-angle-prediction.md"]),
        "dir:mine": PluginInfo("dir:mine", "", term_files=[nested / "x.md"]),
    }
    folders = watched_folders(SimpleNamespace(plugins=plugins), [str(tmp_path / "mine"), str(tmp_path / "missing")])
    assert folders == sorted([str(GRAPH_SMALL.resolve()), str(PLUGIN_TERMS.resolve()), str((tmp_path / "mine").resolve())])


def test_a_rebuild_shows_an_edited_term(tmp_path):
    terms = tmp_path / "terms"
    shutil.copytree(GRAPH_SMALL, terms)
    project = write_project(tmp_path, term_dirs=[str(terms)])
    site = tmp_path / "site"
    build(project, site)
    page = site / "terms" / "alpha" / "index.html"
    assert "Alpha text for definition." in page.read_text(encoding="utf-8")
    alpha = terms / "alpha.md"
    alpha.write_text(alpha.read_text(encoding="utf-8").replace("Alpha text for definition.", "Alpha, rewritten.")
                     .replace("The Alpha term.", "The new Alpha summary."), encoding="utf-8")
    zeta = (terms / "beta.md").read_text(encoding="utf-8").replace("id: beta", "id: zeta").replace("Beta", "Zeta")
    (terms / "zeta.md").write_text(zeta, encoding="utf-8")  # a new term file
    build(project, site)  # the same plugin instance, as in `mkdocs serve`
    html = page.read_text(encoding="utf-8")
    assert "Alpha, rewritten." in html and "The new Alpha summary." in html
    assert "Alpha text for definition." not in html
    assert "Zeta" in (site / "terms" / "zeta" / "index.html").read_text(encoding="utf-8")


def test_the_site_embeds_demos_from_the_port_serve_chose(monkeypatch):
    """`sslgloss serve --port/--demos-port` pass their addresses on; the site's iframes must follow them."""
    from mkdocs.config import load_config

    monkeypatch.setenv("SSLGLOSS_DEMOS_URL", "http://127.0.0.1:9123")
    monkeypatch.setenv("SSLGLOSS_SITE_URL", "http://127.0.0.1:8123/")
    config = load_config(str(REPO / "mkdocs.yml"))
    assert config.plugins["sslgloss"].config.demos_url == "http://127.0.0.1:9123"
    assert config.site_url == "http://127.0.0.1:8123/"
    monkeypatch.delenv("SSLGLOSS_DEMOS_URL")
    monkeypatch.delenv("SSLGLOSS_SITE_URL")
    config = load_config(str(REPO / "mkdocs.yml"))
    assert config.plugins["sslgloss"].config.demos_url == "http://127.0.0.1:8501"
    assert config.site_url == "http://127.0.0.1:8000/"
