"""The text-model commands through click's CliRunner: output a user reads, exit codes, no tracebacks."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from sslgloss.ml.cli import COMMANDS, eval_command, fill_mask_command, generate_command, next_word_command, train_command


@pytest.fixture
def run(shipped):
    runner = CliRunner()

    def invoke(command, *args):
        result = runner.invoke(command, list(args))
        assert "Traceback" not in result.output
        return result

    return invoke


def test_commands_are_listed():
    assert {c.name for c in COMMANDS} == {"train", "eval", "fill-mask", "next-word", "generate"}


def test_fill_mask_prints_model_and_baseline(run):
    result = run(fill_mask_command, "The cat sat on the [MASK].", "--k", "3")
    assert result.exit_code == 0
    assert "model" in result.output and "unigram baseline" in result.output


def test_fill_mask_json(run):
    result = run(fill_mask_command, "The [MASK] sat on the [MASK].", "--json")
    data = json.loads(result.output)
    assert len(data["masks"]) == 2 and len(data["masks"][0]["predictions"]) == 5


@pytest.mark.parametrize(
    "args, code, text",
    [
        (["no mask here"], 1, "no [MASK]"),
        (["The [MASK]", "--k", "0"], 1, "k must be at least 1"),
        (["The [MASK]", "--k", "lots"], 2, "Invalid value"),
        (["The [MASK]", "--k", "100000"], 0, "showing 50"),
        ([""], 1, "no [MASK]"),
    ],
)
def test_fill_mask_bad_input(run, args, code, text):
    result = run(fill_mask_command, *args)
    assert result.exit_code == code
    assert text in result.output


def test_next_word(run):
    result = run(next_word_command, "The cat sat on the", "--k", "4", "--json")
    assert result.exit_code == 0
    assert len(json.loads(result.output)["predictions"]) == 4


def test_generate_and_its_errors(run):
    result = run(generate_command, "A dog is", "--tokens", "8", "--seed", "1")
    assert result.exit_code == 0 and result.output.startswith("A dog is")
    result = run(generate_command, "A dog is", "--temperature", "0", "--tokens", "3")
    assert result.exit_code == 0 and "greedy" in result.output
    result = run(generate_command, "A dog is", "--top-p", "2")
    assert result.exit_code == 1 and "Error: top-p" in result.output


def test_train_rejects_unknown_kinds_and_presets(run):
    assert run(train_command, "everything").exit_code == 2
    assert run(train_command, "masked", "--preset", "huge").exit_code == 2
    both = run(train_command, "all", "--init-from", "next-word")  # a warm start is for one model kind
    assert both.exit_code == 2 and "--init-from needs one model kind" in both.output
    missing = run(train_command, "masked", "--init-from", "/no/such/checkpoint.pt")
    assert missing.exit_code == 2 and "no checkpoint at /no/such/checkpoint.pt" in missing.output


def test_missing_weights_are_a_clean_error(tmp_path, monkeypatch):
    from sslgloss.ml import checkpoint, registry

    monkeypatch.setenv("SSLGLOSS_CACHE", str(tmp_path))
    monkeypatch.setattr(checkpoint, "SHIPPED_DIR", tmp_path / "none")
    registry.reset()
    try:
        result = CliRunner().invoke(fill_mask_command, ["The [MASK]."])
    finally:
        registry.reset()
    assert result.exit_code == 1 and "sslgloss train masked" in result.output and "Traceback" not in result.output


@pytest.mark.slow
def test_eval_reports_both_models_against_baselines(run):
    result = run(eval_command, "--json", "--max-lines", "200")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["masked"]["top5"] > data["masked"]["base_top5"]
    assert data["next_word"]["kn3_token_ppl"] > 1 and data["probe_summary"]["probes"] >= 30
    learner = {s["name"]: s for s in data["learner"]}
    assert learner["fill-mask"]["part"] == "test" and learner["fill-mask"]["items"] >= 60
    assert learner["next-word"]["items"] >= 60 and learner["next-word"]["baseline"].startswith("Kneser")
    assert data["search"]["modes"]["semantic"]["recall@1"] > data["search"]["modes"]["keyword"]["recall@1"]
    sentiment = data["sentiment"]["methods"]
    assert sentiment["tuned"]["learner_accuracy"]["mean"] > sentiment["bow"]["learner_accuracy"]["mean"] + 0.15


@pytest.mark.slow
def test_train_tiny_preset_end_to_end(tmp_path, monkeypatch):
    monkeypatch.setenv("SSLGLOSS_CACHE", str(tmp_path))
    result = CliRunner().invoke(train_command, ["masked", "--preset", "tiny", "--minutes", "0.1"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "models" / "masked.pt").exists()


def test_train_all_release_follows_the_release_recipe(tmp_path, toy_tokenizer):
    """`make train` must give the shipped pair's recipe: next-word first, then masked starting from it."""
    from sslgloss.ml.checkpoint import load_checkpoint
    from sslgloss.ml.corpus import Corpus
    from sslgloss.ml.data import pack
    from sslgloss.ml.pipeline import Prepared, train_models

    lines = toy_tokenizer.toy_lines
    prepared = Prepared(Corpus(lines, lines[:10]), toy_tokenizer, pack(toy_tokenizer, lines))
    paths = train_models("all", "release", minutes=0.005, out_dir=tmp_path / "release", prepared=prepared,
                         progress=False)
    assert list(paths) == ["next-word", "masked"]
    masked = load_checkpoint(paths["masked"], "masked")
    assert masked.meta["init_from"]["path"] == str(paths["next-word"])
    assert "--init-from next-word" in masked.meta["command"]
    both = train_models("all", "tiny", minutes=0.005, out_dir=tmp_path / "tiny", prepared=prepared, progress=False)
    assert list(both) == ["masked", "next-word"]
    assert "init_from" not in load_checkpoint(both["masked"], "masked").meta
