"""`sslgloss new-plugin` generates a package that installs, is discovered, and passes its own test."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from sslgloss.cli import main
from tests.conftest import REPO

BIN = Path(sys.executable).parent


def test_scaffolded_plugin_installs_is_listed_and_passes_its_own_test(tmp_path):
    result = CliRunner().invoke(main, ["new-plugin", "Vision Extras", "--dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    root = tmp_path / "sslgloss-vision-extras"
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "--no-index",
                    "--target", str(target), str(root)], check=True, capture_output=True)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(target), str(REPO)])}
    listed = subprocess.run([str(BIN / "sslgloss"), "plugins"], env=env, capture_output=True, text=True)
    assert "vision-extras (sslgloss-vision-extras 0.1.0): 1 terms" in listed.stdout, listed.stdout + listed.stderr
    own = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(root / "tests")],
                         env=env, capture_output=True, text=True, cwd=root)
    assert own.returncode == 0, own.stdout + own.stderr
    again = CliRunner().invoke(main, ["new-plugin", "vision-extras", "--dir", str(tmp_path)])
    assert again.exit_code == 1 and "already exists" in again.output


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
