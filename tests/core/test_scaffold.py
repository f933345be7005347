"""`sslgloss new-plugin` generates a package that installs, is discovered, and passes its own test."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from sslgloss.cli import main
from tests.conftest import REPO

BIN = Path(sys.executable).parent


def install(root: Path, target: Path) -> dict:
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--upgrade", "--no-deps", "--no-build-isolation",
                    "--no-index", "--target", str(target), str(root)], check=True, capture_output=True)
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(target), str(REPO)])}


def test_scaffolded_plugin_installs_is_listed_and_passes_its_own_test(tmp_path):
    result = CliRunner().invoke(main, ["new-plugin", "Vision Extras", "--dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    root = tmp_path / "sslgloss-vision-extras"
    env = install(root, tmp_path / "site")
    listed = subprocess.run([str(BIN / "sslgloss"), "plugins"], env=env, capture_output=True, text=True)
    assert "vision-extras (sslgloss-vision-extras 0.1.0): 1 terms" in listed.stdout, listed.stdout + listed.stderr
    own = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(root / "tests")],
                         env=env, capture_output=True, text=True, cwd=root)
    assert own.returncode == 0, own.stdout + own.stderr
    again = CliRunner().invoke(main, ["new-plugin", "vision-extras", "--dir", str(tmp_path)])
    assert again.exit_code == 1 and "already exists" in again.output

    # the docs' next step: replace the example with real terms, some in a sub-folder
    terms = root / "sslgloss_vision_extras" / "terms"
    (terms / "vision-extras-example.md").unlink()
    for title, folder in (("Colour Jitter", terms), ("Patch Shuffling", terms / "pretext")):
        made = CliRunner().invoke(main, ["new-term", title, "--dir", str(folder)])
        assert made.exit_code == 0, made.output
    env = install(root, tmp_path / "site-2")
    shipped = sorted(p.relative_to(tmp_path / "site-2").as_posix() for p in (tmp_path / "site-2").rglob("*.md"))
    assert "sslgloss_vision_extras/terms/pretext/patch-shuffling.md" in shipped, shipped
    own = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(root / "tests")],
                         env=env, capture_output=True, text=True, cwd=root)
    assert own.returncode == 0, own.stdout + own.stderr
    strict = subprocess.run([str(BIN / "sslgloss"), "validate", "--strict"], env=env, capture_output=True, text=True)
    assert strict.returncode == 1
    assert "patch-shuffling.md:15: warning: section `## Definition` still has the skeleton's placeholder text" in strict.stdout


@pytest.mark.parametrize("name, message", [
    ("core", "Error: `core` is the name of sslgloss's own glossary and cannot name a plugin; choose another, "
             "e.g. `core-extras`"),
    ("sslgloss-core", "Error: `core` is the name of sslgloss's own glossary"),
])
def test_new_plugin_refuses_the_reserved_name(tmp_path, name, message):
    result = CliRunner().invoke(main, ["new-plugin", name, "--dir", str(tmp_path)])
    assert result.exit_code == 1 and result.output.startswith(message)
    assert list(tmp_path.iterdir()) == []


def test_new_plugin_refuses_a_name_already_installed(tmp_path, monkeypatch):
    import importlib

    site = tmp_path / "site"
    (site / "sslgloss_speech_demo-1.0.dist-info").mkdir(parents=True)
    (site / "sslgloss_speech_demo-1.0.dist-info" / "METADATA").write_text("Metadata-Version: 2.1\nName: sslgloss-speech-demo\nVersion: 1.0\n")
    (site / "sslgloss_speech_demo-1.0.dist-info" / "entry_points.txt").write_text("[sslgloss]\nspeech = sslgloss_speech\n")
    monkeypatch.syspath_prepend(str(site))
    importlib.invalidate_caches()
    result = CliRunner().invoke(main, ["new-plugin", "speech", "--dir", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert result.output == ("Error: a plugin named `speech` is already installed by sslgloss-speech-demo 1.0; "
                             "choose another name, e.g. `speech-extras`\n")


def test_plugin_needing_a_newer_sslgloss_says_so(tmp_path):
    pkg = tmp_path / "pkg"
    (pkg / "needsnew").mkdir(parents=True)
    (pkg / "needsnew" / "__init__.py").write_text('SSLGLOSS_REQUIRES = ">=99.0"\n')
    (pkg / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n'
        '[project]\nname = "needsnew"\nversion = "1.0"\n[project.entry-points.sslgloss]\nneedsnew = "needsnew"\n'
        '[tool.setuptools]\npackages = ["needsnew"]\n')
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "--no-index",
                    "--target", str(target), str(pkg)], check=True, capture_output=True)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(target), str(REPO)])}
    result = subprocess.run([str(BIN / "sslgloss"), "validate"], env=env, capture_output=True, text=True)
    assert result.returncode == 1
    assert "plugin `needsnew` needs sslgloss >=99.0, but 0.1.0 is installed" in result.stdout + result.stderr
