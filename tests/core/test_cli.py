"""The `sslgloss` command line through click's runner: output and exit codes."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from sslgloss.cli import main
from tests.conftest import FIXTURES

SMALL = str(FIXTURES / "graph_small")
BROKEN = str(FIXTURES / "broken")


@pytest.fixture
def run(monkeypatch):
    """Invoke the CLI with only the given --terms-dir folders (no installed plugins)."""
    monkeypatch.setenv("SSLGLOSS_DISABLE_PLUGINS", "core")
    from sslgloss.plugins import plugin_manager

    plugin_manager.cache_clear()
    runner = CliRunner()
    yield lambda *args: runner.invoke(main, list(args), catch_exceptions=False)
    plugin_manager.cache_clear()


def test_validate_ok_prints_summary_and_exits_0(run):
    result = run("validate", "--terms-dir", SMALL)
    assert result.exit_code == 0
    assert "6 terms" in result.output and "0 error(s)" in result.output


def test_validate_broken_lists_every_problem_and_exits_1(run):
    result = run("validate", "--terms-dir", BROKEN)
    assert result.exit_code == 1
    assert "unknown-target.md:10: error: unknown target `ancor`" in result.output
    assert "tab-indent.md:5: error" in result.output
    assert "Traceback" not in result.output


def test_validate_json_is_machine_readable(run):
    result = run("validate", "--terms-dir", BROKEN, "--json")
    data = json.loads(result.output)
    assert result.exit_code == 1 and data["ok"] is False
    assert any(p["code"] == "cycle" and p["line"] for p in data["problems"])


def test_graph_path_prints_labelled_chain(run):
    result = run("graph", "path", "delta", "gamma", "--terms-dir", SMALL)
    assert result.exit_code == 0
    assert "--[contrasts with]--> Epsilon (epsilon)" in result.output
    assert "--[used by]--> Gamma (gamma)" in result.output


def test_graph_learn_and_neighbours(run):
    learn = run("graph", "learn", "gamma", "--terms-dir", SMALL)
    assert [line.split(". ", 1)[1] for line in learn.output.strip().splitlines()] == [
        "Machine Learning (ml)", "Alpha (alpha)", "Beta (beta)", "Gamma (gamma)"]
    neigh = run("graph", "neighbours", "alpha", "--terms-dir", SMALL)
    assert "kinds: Delta (delta)" in neigh.output


def test_unknown_term_is_a_clean_error(run):
    result = run("graph", "learn", "gama", "--terms-dir", SMALL)
    assert result.exit_code == 1
    assert "unknown term `gama` - did you mean `gamma`?" in result.output
    assert "Traceback" not in result.output


def test_graph_commands_refuse_a_broken_glossary(run):
    result = run("graph", "central", "--terms-dir", BROKEN)
    assert result.exit_code == 1 and "sslgloss validate" in result.output


def test_export_writes_file_atomically(run, tmp_path):
    out = tmp_path / "g.ttl"
    result = run("graph", "export", "--format", "skos", "-o", str(out), "--terms-dir", SMALL)
    assert result.exit_code == 0 and "skos:Concept" in out.read_text()
    assert [p.name for p in tmp_path.iterdir()] == ["g.ttl"]
    bad = run("graph", "export", "--format", "json", "-o", str(tmp_path / "x.json"), "--terms-dir", BROKEN)
    assert bad.exit_code == 1 and not (tmp_path / "x.json").exists()


def test_new_term_writes_a_skeleton_that_validates_and_never_overwrites(run, tmp_path):
    result = run("new-term", "Rotation Prediction", "--dir", str(tmp_path))
    assert result.exit_code == 0
    path = tmp_path / "rotation-prediction.md"
    before = path.read_text()
    check = run("validate", "--terms-dir", str(tmp_path))
    assert check.exit_code == 0, check.output  # warnings (orphan, no references) but no errors
    again = run("new-term", "Rotation Prediction", "--dir", str(tmp_path))
    assert again.exit_code == 1 and "already exists" in again.output
    assert path.read_text() == before


@pytest.mark.parametrize("title", ["", "   ", "!!!"])
def test_new_term_rejects_titles_without_an_id(run, tmp_path, title):
    result = run("new-term", title, "--dir", str(tmp_path))
    assert result.exit_code == 1 and list(tmp_path.iterdir()) == []


def test_new_term_keeps_quotes_and_non_latin_titles(run, tmp_path):
    run("new-term", 'Le "masquage" & co', "--dir", str(tmp_path))
    run("new-term", "自己教師あり学習", "--dir", str(tmp_path), "--id", "jiko-kyoshi")
    result = run("validate", "--terms-dir", str(tmp_path))
    assert result.exit_code == 0, result.output


def test_plugins_lists_directory_plugins(run):
    result = run("plugins", "--terms-dir", SMALL)
    assert f"dir:{SMALL}: 6 terms" in result.output
