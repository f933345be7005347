"""The writer's install: sslgloss without its `demos` extra validates terms, scaffolds them and builds the site.

What a writer would notice if it broke: `pip install sslgloss` pulls in torch (a 2 GB environment to
write one Markdown file), or a base command dies with a traceback because torch, Streamlit or
sentence-transformers is missing, or the site no longer builds without them. Two ways to check:

- in this environment, with every package of the extra made unimportable (an import hook in a
  ``sitecustomize`` module that the commands' processes load): fast, in the default run;
- in a fresh venv that gets the wheel with its base dependencies only, as a writer installs it,
  through pip's usual index and cache: slow (about a minute, `make test-slow`), and skipped when
  no package index can be reached.

Measured on the 2-core machine (README.md, "A light install"): the fresh venv holds 450 MB and
installs in about 30 s; the full one (torch first, then ``.[demos,test]``) 2.2 GB in about 90 s.
"""

from __future__ import annotations

import ast
import os
import signal
import subprocess
import sys
import textwrap
import time
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from sslgloss.extras import DEMO_MODULES, INSTALL_DEMOS

REPO = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
#: what a writer must not have to install (the heavy packages only the demos and models use)
HEAVY = {"torch", "streamlit", "sentence-transformers", "scikit-learn", "pillow", "transformers", "safetensors",
         "pyarrow", "tokenizers", "pandas"}
BIN = Path(sys.executable).parent
CORE_DEMO_PAGE = Path("terms") / "masked-language-modeling" / "index.html"


def requirements(extra: str | None = None) -> list[Requirement]:
    names = PYPROJECT["dependencies"] if extra is None else PYPROJECT["optional-dependencies"][extra]
    return [Requirement(r) for r in names]


def closure(roots: list[Requirement]) -> set[str]:
    """Every distribution ``roots`` bring in, read from the installed packages' metadata (extras not taken)."""
    seen: set[str] = set()
    todo = [r for r in roots if r.marker is None or r.marker.evaluate({"extra": ""})]
    while todo:
        name = canonicalize_name(todo.pop().name)
        if name in seen or name == "sslgloss":
            continue
        seen.add(name)
        try:
            needs = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        todo += [r for r in map(Requirement, needs) if r.marker is None or r.marker.evaluate({"extra": ""})]
    return seen


def test_the_base_install_brings_no_model_package():
    base = closure(requirements())
    assert "networkx" in base and "mkdocs" in base  # the closure does read the metadata
    assert sorted(base & HEAVY) == []
    assert {"torch", "streamlit", "sentence-transformers"} <= closure(requirements("demos"))


def _third_party_imports() -> dict[str, str]:
    """Top-level module -> first file importing it, for every absolute import in sslgloss/ and demos/."""
    found: dict[str, str] = {}
    for path in sorted([*(REPO / "sslgloss").rglob("*.py"), *(REPO / "demos").rglob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module else [])
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in ("sslgloss", "demos", "__future__"):
                    found.setdefault(top, str(path.relative_to(REPO)))
    return found


def test_every_import_belongs_to_the_base_install_or_to_the_demos_extra():
    """A package of the extra must be one the commands recognise, to say how to install it instead of failing."""
    base, demos = closure(requirements()), closure(requirements("demos"))
    owners = metadata.packages_distributions()
    for module, where in _third_party_imports().items():
        dists = {canonicalize_name(d) for d in owners.get(module, [])}
        assert dists, f"{where} imports `{module}`, which no installed distribution provides"
        if dists & base:
            continue
        assert dists & demos, f"{where} imports `{module}` ({', '.join(dists)}): declare it in pyproject.toml"
        assert module in DEMO_MODULES, f"{where} imports `{module}` from the demos extra: add it to DEMO_MODULES"


# ---------------------------------------------------------------------- this environment, the extra hidden

BLOCKER = """
import sys

HIDDEN = {modules!r}


class HideDemoPackages:
    \"\"\"Makes the demos extra's packages look uninstalled (find_spec and import both fail).\"\"\"

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in HIDDEN:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
        return None


sys.meta_path.insert(0, HideDemoPackages())
"""


@pytest.fixture(scope="module")
def hidden_extra(tmp_path_factory) -> dict[str, str]:
    """The environment of a process in which no package of the demos extra can be imported."""
    folder = tmp_path_factory.mktemp("no-demos")
    (folder / "sitecustomize.py").write_text(textwrap.dedent(BLOCKER.format(modules=sorted(DEMO_MODULES))))
    cache = tmp_path_factory.mktemp("no-demos-cache")
    return {**os.environ, "PYTHONPATH": str(folder), "SSLGLOSS_CACHE": str(cache), "NO_MKDOCS_2_WARNING": "1"}


def run(argv: list[str], env: dict[str, str], cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)


def check_writer_commands(bin_dir: Path, env: dict[str, str], work: Path) -> None:
    """validate, graph, new-term, new-plugin and a strict site build, as a writer runs them."""
    sslgloss = str(bin_dir / "sslgloss")
    for argv in ([sslgloss, "validate"], [sslgloss, "graph", "learn", "self-supervised-learning"],
                 [sslgloss, "new-term", "Word Overlap", "--dir", str(work / "mine")],
                 [sslgloss, "new-plugin", "lightcheck", "--dir", str(work)]):
        done = run(argv, env, work)
        assert done.returncode == 0 and "Traceback" not in done.stderr, (argv[1:], done.stdout[-800:], done.stderr)
    assert (work / "mine" / "word-overlap.md").is_file()
    site = work / "site"
    done = run([str(bin_dir / "mkdocs"), "build", "--strict", "-f", str(REPO / "mkdocs.yml"), "-d", str(site)],
               env, work)
    assert done.returncode == 0, done.stderr[-2000:]
    page = (site / CORE_DEMO_PAGE).read_text(encoding="utf-8")
    # a core demo's slot: its shipped static result, or how to install the live demo; never a dead end
    assert 'class="sslgloss-fallback' in page or INSTALL_DEMOS.replace("'", "&#x27;") in page


def test_writer_commands_and_the_site_work_without_the_demo_packages(hidden_extra, tmp_path):
    probe = run([sys.executable, "-c", "import torch"], hidden_extra, tmp_path)
    assert "ModuleNotFoundError" in probe.stderr  # the hook hides them
    check_writer_commands(BIN, hidden_extra, tmp_path)


@pytest.mark.parametrize("argv", [["demos"], ["fill-mask", "The cat sat on the [MASK]."], ["train", "next-word"],
                                  ["search", "labels for free"]])
def test_a_command_that_needs_the_extra_says_how_to_install_it(hidden_extra, tmp_path, argv):
    done = run([str(BIN / "sslgloss"), *argv], hidden_extra, tmp_path)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1 and INSTALL_DEMOS in lines[0], done.stderr


def test_serve_without_the_extra_serves_the_site_alone(hidden_extra, tmp_path):
    from sslgloss.demos.server import free_port, group_alive

    proc = subprocess.Popen([str(BIN / "sslgloss"), "serve", "--port", str(free_port())], env=hidden_extra, cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        first = proc.stderr.readline()
        proc.terminate()  # stops the site server it started too
        proc.wait(timeout=30)
        deadline = time.monotonic() + 15
        while group_alive(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not group_alive(proc.pid), "a process `sslgloss serve` started outlived it"
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # whatever is left, so that no test leaves a server running
        except ProcessLookupError:
            pass
    assert first.strip() == f"the live demos need `{INSTALL_DEMOS}`; serving the site only"


# ---------------------------------------------------------------------- a fresh venv, as a writer installs it

NO_INDEX = ("NewConnectionError", "Failed to establish a new connection", "Temporary failure in name resolution",
            "Network is unreachable", "ConnectTimeoutError", "Read timed out")


@pytest.fixture(scope="module")
def light_venv(tmp_path_factory) -> Path:
    """A new venv with the sslgloss wheel and its base dependencies only (pip's own index and cache)."""
    root = tmp_path_factory.mktemp("light")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w",
                    str(root / "wheel"), str(REPO)], check=True, capture_output=True)
    wheel = next((root / "wheel").glob("sslgloss-*.whl"))
    venv = root / "venv"
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    done = run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--retries", "1", "--timeout", "30",
                str(wheel)], dict(os.environ), root, timeout=900)
    if done.returncode and any(sign in done.stderr for sign in NO_INDEX):
        pytest.skip("no package index reachable for a fresh install: " + done.stderr.strip().splitlines()[-1])
    assert done.returncode == 0, done.stderr[-2000:]
    print(f"\nlight install: {time.monotonic() - started:.0f} s")
    return venv


@pytest.mark.slow
def test_a_fresh_install_without_extras_validates_and_builds_the_site(light_venv, tmp_path):
    python = str(light_venv / "bin" / "python")
    for module in ("torch", "streamlit", "sentence_transformers", "sklearn", "PIL"):
        done = run([python, "-c", f"import {module}"], dict(os.environ), tmp_path)
        assert "ModuleNotFoundError" in done.stderr, f"the base install brought {module}"
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env.update(SSLGLOSS_CACHE=str(tmp_path / "cache"), NO_MKDOCS_2_WARNING="1", VIRTUAL_ENV=str(light_venv))
    check_writer_commands(light_venv / "bin", env, tmp_path)
    done = run([str(light_venv / "bin" / "sslgloss"), "demos"], env, tmp_path)
    assert done.returncode == 1 and INSTALL_DEMOS in done.stderr and "Traceback" not in done.stderr
