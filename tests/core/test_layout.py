"""The layout a newcomer reads: short modules that say what they are for, no import cycles, and a
package list (pyproject.toml) that ships every folder of code, the Streamlit app included."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import networkx as nx

import sslgloss

PACKAGE = Path(sslgloss.__file__).parent
REPO = PACKAGE.parent


def _module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def import_graph() -> nx.DiGraph:
    """module -> the sslgloss modules it imports, at the top or inside a function (package
    ``__init__`` re-exports aside: importing ``sslgloss.x`` always runs ``sslgloss/__init__``)."""
    files = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = nx.DiGraph()
    for name, path in files.items():
        graph.add_node(name)
        is_package = path.name == "__init__.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = []
            if isinstance(node, ast.ImportFrom):
                base = _resolve(name, is_package, node)
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in files else base for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            for target in targets:
                if target in files and target != name and not files[target].name == "__init__.py":
                    graph.add_edge(name, target)
    return graph


def test_no_import_cycle_in_the_package():
    cycles = list(nx.simple_cycles(import_graph()))
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c + [c[0]]) for c in cycles[:5])


def test_modules_are_short_and_say_what_they_are_for():
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert len(text.splitlines()) <= 420, f"{path.relative_to(REPO)} is over 400 lines: split it by concept"
        assert ast.get_docstring(ast.parse(text)), f"{path.relative_to(REPO)} has no docstring saying what it is for"


def test_every_code_folder_is_a_listed_package():
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    listed = set(config["packages"])
    found = {_module_name(p) for p in PACKAGE.rglob("__init__.py")}
    assert found - listed == set(), "folders of code a wheel would leave out"
    assert listed - found == {"sslgloss.demos.streamlit_app"}, "listed packages that do not exist"
    app = REPO / config["package-dir"]["sslgloss.demos.streamlit_app"]
    assert (app / "app.py").is_file() and (app / "views" / "masking.py").is_file()
