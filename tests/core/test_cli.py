"""The `sslgloss` command line through click's runner: output and exit codes."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from sslgloss.cli import main
from tests.conftest import FIXTURES, NO_PLUGINS

SMALL = str(FIXTURES / "graph_small")
BROKEN = str(FIXTURES / "broken")


@pytest.fixture
def run(monkeypatch):
    """Invoke the CLI with only the given --terms-dir folders (no installed plugins)."""
    monkeypatch.setenv("SSLGLOSS_DISABLE_PLUGINS", NO_PLUGINS)
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


def test_validate_refuses_the_alias_bomb_and_every_new_mistake_with_exit_1():
    """Run as a user would, with a time limit: the 8-level alias bomb in the folder once never finished."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {**os.environ, "SSLGLOSS_DISABLE_PLUGINS": NO_PLUGINS}
    done = subprocess.run([str(Path(sys.executable).parent / "sslgloss"), "validate", "--terms-dir", BROKEN],
                          capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 1 and done.stderr == ""
    for line in ("alias-bomb.md:8: error: YAML anchor `&a0` is not allowed in front matter",
                 "duplicate-key.md:8: error: key `tags` appears twice",
                 "stopword-alias.md:4: error: alias `the` is a common English word",
                 "broken-wikilink.md:17: error: unknown term `anchr` in a [[...]] link (did you mean `[[anchor]]`?)",
                 "bad-demo.md:9: error: unknown demo `maskng`"):
        assert line in done.stdout, line
    assert "reference-without-url.md" not in done.stdout
    assert "Traceback" not in done.stdout


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


def test_plugins_lists_directory_plugins_by_name(run):
    result = run("plugins", "--terms-dir", SMALL)
    assert result.output == f"graph_small (folder {SMALL}): 6 terms\n"
    assert result.exit_code == 0


def test_validate_prints_problems_and_summary_on_one_stream(tmp_path):
    from sslgloss.scaffold import term_skeleton

    (tmp_path / "lonely-term.md").write_text(term_skeleton("lonely-term", "Lonely Term"), encoding="utf-8")
    runner = CliRunner(mix_stderr=False) if "mix_stderr" in CliRunner.__init__.__code__.co_varnames else CliRunner()
    result = runner.invoke(main, ["validate", "--terms-dir", str(tmp_path)], env={"SSLGLOSS_DISABLE_PLUGINS": NO_PLUGINS})
    lines = result.stdout.splitlines()
    assert result.exit_code == 0 and not result.stderr
    assert lines[-1] == "1 plugin(s), 1 terms, 0 relations, 0 error(s), 9 warning(s)"
    assert any(line.endswith("warning: term `lonely-term` has no relations to or from other terms "
                             "(add `relations:` so readers can reach it)") for line in lines)


def test_new_term_placeholders_fail_strict(run, tmp_path):
    run("new-term", "Rotation Prediction", "--dir", str(tmp_path))
    result = run("validate", "--strict", "--terms-dir", str(tmp_path))
    assert result.exit_code == 1
    assert (f"{tmp_path.name}/rotation-prediction.md:15: warning: section `## Definition` still has the skeleton's "
            "placeholder text (replace it with your own words)") in result.output


def test_terms_lists_ids_titles_and_plugins(run):
    result = run("terms", "--terms-dir", SMALL)
    assert result.exit_code == 0
    assert result.output.splitlines()[:2] == ["alpha    Alpha  [graph_small]", "beta     Beta  [graph_small]"]
    assert len(result.output.splitlines()) == 6


def test_terms_by_tag_and_as_json(run):
    data = json.loads(run("terms", "--terms-dir", SMALL, "--tag", "test", "--json").output)
    assert len(data) == 6 and all("test" in t["tags"] and t["plugin"] == "graph_small" for t in data)
    assert {"id", "title", "plugin", "tags"} == set(data[0])
    missing = run("terms", "--terms-dir", SMALL, "--tag", "tset")
    assert missing.exit_code == 1 and "no term has the tag `tset` - did you mean `test`?" in missing.output


def test_graph_path_with_an_unknown_id_hints_at_terms_dir(run):
    result = run("graph", "path", "alpha", "wav2vec-2", "--terms-dir", SMALL)
    assert result.exit_code == 1
    assert result.output == ("Error: unknown term `wav2vec-2`. If the term is in a folder of term files, add "
                             "`--terms-dir DIR` (`sslgloss terms` lists the ids)\n")
    close = run("graph", "learn", "gamm", "--terms-dir", SMALL)
    assert close.output.startswith("Error: unknown term `gamm` - did you mean `gamma`? If the term is in a folder")


def test_serve_passes_extra_term_folders_to_the_site(run, monkeypatch, tmp_path):
    import subprocess

    seen = {}

    class FakeServer:  # what `mkdocs serve` would be: started with these arguments, then stopped at once
        def __init__(self, args, cwd, env):
            seen.update(args=args, env=env)

        def wait(self, timeout=None):
            return 0

        def poll(self):
            return 0

    monkeypatch.setattr(subprocess, "Popen", FakeServer)
    result = run("serve", "--no-demos", "--terms-dir", SMALL)
    assert result.exit_code == 0, result.output
    assert seen["args"][1:4] == ["-m", "mkdocs", "serve"]
    assert seen["env"]["SSLGLOSS_TERM_DIRS"] == SMALL
    missing = run("serve", "--no-demos", "--terms-dir", str(tmp_path / "nope"))
    assert missing.exit_code == 2 and "does not exist" in missing.output


def test_a_sigterm_while_serve_starts_the_site_still_stops_it(run, monkeypatch):
    """A service manager's SIGTERM can arrive while `mkdocs serve` is being started; it must not leave that
    child running after `serve` has gone (it did: the child was never assigned, so nothing stopped it)."""
    import signal
    import subprocess

    stopped = []

    class StartingServer:  # the signal arrives inside Popen, after the fork
        def __init__(self, args, cwd, env):
            signal.getsignal(signal.SIGTERM)(signal.SIGTERM, None)

        def poll(self):
            return None

        def terminate(self):
            stopped.append("terminate")

        def wait(self, timeout=None):
            return 0

        def kill(self):
            stopped.append("kill")

    monkeypatch.setattr(subprocess, "Popen", StartingServer)
    result = run("serve", "--no-demos")
    assert result.exit_code == 0, result.output
    assert stopped == ["terminate"]
