"""Helpers shared by the site tests (a module name of its own: every test folder has a conftest)."""

from __future__ import annotations

import contextlib
import functools
import http.server
import socket
import socketserver
import textwrap
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"
GRAPH_SMALL = REPO / "tests" / "fixtures" / "graph_small"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(directory: Path, port: int = 0) -> socketserver.TCPServer:
    """Serve a folder over HTTP on 127.0.0.1 in a daemon thread."""
    socketserver.ThreadingTCPServer.allow_reuse_address = True
    server = socketserver.ThreadingTCPServer(("127.0.0.1", port),
                                             functools.partial(QuietHandler, directory=str(directory)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@contextlib.contextmanager
def watched_page(browser, expected: Callable[[str], bool]):
    """A 1280x900 page that fails the test on a console error or an uncaught exception.

    ``expected(url)`` says which resources may fail to load (e.g. the demo server's health
    probe while no demo server runs: that failing is the designed path).
    """
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    problems: list[str] = []

    def on_console(message):
        url = (message.location or {}).get("url", "")
        if message.type == "error" and not expected(url):
            problems.append(f"console error on {pg.url}: {message.text} ({url})")

    pg.on("console", on_console)
    pg.on("pageerror", lambda error: problems.append(f"uncaught error on {pg.url}: {error}"))
    pg.set_default_timeout(15_000)
    yield pg
    context.close()
    assert not problems, "\n".join(problems)


@dataclass
class BuiltSite:
    dir: Path
    url: str
    demos_url: str
    demos_port: int



def write_project(root: Path, *, term_dirs: list[str], docs: dict[str, str] | None = None,
                  entry_points: bool = False, extra_plugin: dict | None = None, nav: bool = False) -> Path:
    """A minimal MkDocs project using the sslgloss plugin; returns the path of its mkdocs.yml."""
    docs_dir = root / "docs"
    docs_dir.mkdir(parents=True, exist_ok=True)
    for name, text in (docs or {"index.md": "# Home\n\nWelcome.\n"}).items():
        path = docs_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    plugin = {"term_dirs": term_dirs, "entry_points": entry_points, **(extra_plugin or {})}
    config = {
        "site_name": "test",
        "site_url": "http://127.0.0.1:8000/",
        "theme": {"name": "material", "font": False, "features": ["navigation.instant"]},
        "plugins": ["search", {"sslgloss": plugin}],
    }
    if nav:
        config["nav"] = [{"Home": "index.md"}, {"Glossary": "glossary/index.md"}]
    path = root / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def build(config_file: Path, site_dir: Path, strict: bool = True, plugin_options: dict | None = None,
          **overrides) -> None:
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    config = load_config(str(config_file), site_dir=str(site_dir), strict=strict, **overrides)
    for key, value in (plugin_options or {}).items():
        config.plugins["sslgloss"].config[key] = value
    config.plugins.on_startup(command="build", dirty=False)
    try:
        mkdocs_build(config)
    finally:
        config.plugins.on_shutdown()
