"""Fixtures for the scenario demos: tiny training budgets and one temporary cache dir per test session.

The environment is changed per test module (``scenario_env``) rather than for
the whole session, so that other test areas keep their own cache dir.
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PAGES = REPO / "demos" / "views"


@pytest.fixture(scope="session")
def scenario_cache(tmp_path_factory) -> Path:
    """Where this session's tiny scenario models are cached: shared by every module that trains one."""
    return tmp_path_factory.mktemp("scenario-cache")


@pytest.fixture(scope="module")
def scenario_env(scenario_cache):
    patch = pytest.MonkeyPatch()
    patch.setenv("SSLGLOSS_CACHE", str(scenario_cache))
    patch.setenv("SSLGLOSS_TRAINING_BUDGET", "tiny")
    yield scenario_cache
    patch.undo()


@pytest.fixture(scope="module")
def trained_mae(scenario_env):
    from sslgloss.scenarios import masked_image

    return masked_image.load_or_train()


@pytest.fixture(scope="module")
def trained_songs(scenario_env):
    from sslgloss.scenarios import song_styles

    return song_styles.load_or_train()
