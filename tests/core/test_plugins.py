"""Plugin discovery through a real package, installed by the test into a target folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, REPO

BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def installed_plugin(tmp_path_factory):
    """`pip install` the fixture plugin (no deps, offline) into a folder put on PYTHONPATH."""
    target = tmp_path_factory.mktemp("site")
    build = tmp_path_factory.mktemp("build")
    src = build / "plugin_pkg"
    subprocess.run(["cp", "-r", str(FIXTURES / "plugin_pkg"), str(src)], check=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
                    "--no-index", "--target", str(target), str(src)], check=True, capture_output=True)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(target), str(REPO)])}
    return env


def sslgloss(env, *args):
    return subprocess.run([str(BIN / "sslgloss"), *args], env=env, capture_output=True, text=True, cwd=REPO)


def test_installed_plugin_is_listed_with_version_and_terms(installed_plugin):
    result = sslgloss(installed_plugin, "plugins")
    assert result.returncode == 0, result.stderr
    assert "testplugin (sslgloss-testplugin 1.2.3): 1 terms" in result.stdout
    assert "core (sslgloss" in result.stdout


def test_plugin_terms_and_relation_types_join_the_graph(installed_plugin):
    result = sslgloss(installed_plugin, "graph", "neighbours", "rotation-prediction")
    assert result.returncode == 0, result.stderr
    assert "inspired by: Data Augmentation (data-augmentation)" in result.stdout
    assert "is a: Pretext Task (pretext-task)" in result.stdout


def test_core_terms_are_loaded_once_per_process():
    from sslgloss.plugins import plugin_manager

    assert plugin_manager() is plugin_manager()
