"""The pretrained-start masked model (MiniLM + our masked-word training): what the masking demo and
`sslgloss fill-mask` show first."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from sslgloss.errors import InputError, ModelError
from sslgloss.ml import pretrained_masked as pm

# not importorskip: importing transformers here, before sslgloss sets HF_HUB_OFFLINE, would let it reach for the hub
pytestmark = pytest.mark.skipif(importlib.util.find_spec("transformers") is None, reason="needs sslgloss[demos]")


@pytest.fixture()
def shipped_pretrained(monkeypatch, tmp_path):
    """Serve the weights shipped in the package, whatever the user's cache dir holds."""
    monkeypatch.setattr(pm, "trained_file", lambda: tmp_path / "none.safetensors")
    pm.reset()
    yield pm.get_model()
    pm.reset()


def _words(text: str, k: int = 5) -> list[str]:
    return [p.word for p in pm.fill_mask(text, k=k)[0]]


def test_answers_are_whole_words_most_likely_first(shipped_pretrained):
    result = pm.fill_mask("She poured the [MASK] into a glass and [MASK] it.", k=7)
    assert len(result) == 2
    for preds in result:
        assert len(preds) == 7
        probs = [p.prob for p in preds]
        assert probs == sorted(probs, reverse=True) and all(0 < p <= 1 for p in probs)
        assert all(p.word.isalnum() and not p.word.startswith("##") for p in preds)


def test_it_knows_everyday_facts_the_from_scratch_model_misses(shipped_pretrained):
    # the masking page's own examples (none is in the learner sets of sslgloss/evalsets)
    assert "france" in _words("Paris is the capital of [MASK].")
    assert {"time", "day"} & set(_words("Once upon a [MASK], there lived a king."))


def test_context_changes_the_answer(shipped_pretrained):
    assert _words("He drank a glass of [MASK].") != _words("He read a [MASK] about the war.")


def test_bad_input_says_what_is_wrong(shipped_pretrained):
    with pytest.raises(InputError, match=r"no \[MASK\]"):
        pm.fill_mask("nothing is hidden here")
    with pytest.raises(InputError):
        pm.fill_mask("")
    long = "word " * 3000 + "the [MASK] end " + "word " * 3000
    result = pm.fill_mask(long, k=3)
    assert len(result) == 1 and result.notices  # cut around the blank, and says so


def test_damaged_weights_name_the_file_and_the_fix(monkeypatch, tmp_path):
    broken = tmp_path / pm.WEIGHTS_FILE.name
    broken.write_bytes(b"not safetensors at all")
    monkeypatch.setattr(pm, "trained_file", lambda: broken)
    pm.reset()
    try:
        with pytest.raises(ModelError, match="train masked-minilm") as err:
            pm.get_model()
        assert str(broken) in str(err.value)
    finally:
        pm.reset()


def test_cli_answers_with_the_pretrained_model_by_default(shipped_pretrained):
    from sslgloss.cli import main

    result = CliRunner().invoke(main, ["fill-mask", "Paris is the capital of [MASK].", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["model"] == "pretrained"
    assert data["masks"][0]["predictions"][0]["word"]
    scratch = CliRunner().invoke(main, ["fill-mask", "Paris is the capital of [MASK].", "--model", "scratch", "--json"])
    assert json.loads(scratch.output)["model"] == "scratch"
    refused = CliRunner().invoke(main, ["fill-mask", "a [MASK]", "--model", "pretrained", "--punctuation"])
    assert refused.exit_code == 2 and "--model scratch" in refused.output


@pytest.mark.slow
def test_a_tiny_training_run_writes_weights_that_load(tmp_path, monkeypatch):
    from sslgloss.cli import main

    result = CliRunner().invoke(main, ["train", "masked-minilm", "--preset", "tiny", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    written = Path(tmp_path) / pm.WEIGHTS_FILE.name
    assert written.exists()
    pm.reset()
    try:
        assert len(pm.get_model(written).model.bert.encoder.layer) == 6
    finally:
        pm.reset()
