"""The few-label sentiment demo as a learner meets it: plain sentences, the CLI, and what 16 labels buy.

Tiny training budget (``SSLGLOSS_TRAINING_BUDGET=tiny``: the encoder's top layers are tuned on a few
pairs, a few seconds). Full-budget figures on the learner set: ``sslgloss sentiment --eval dev``.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from sslgloss.errors import InputError
from sslgloss.scenarios import sentiment_eval

pytestmark = pytest.mark.usefixtures("scenario_env")

# the examples (issue 16), and plain sentences of the kind a learner types first
PLAIN_NEGATIVE = [
    "The service was slow and the food was cold.",
    "This is the worst phone I have ever owned.",
    "Awful hotel, dirty sheets and a rude manager.",
    "I hated this film, it was a waste of money.",
]
PLAIN_POSITIVE = [
    "The staff were lovely and the food was superb.",
    "I love this phone, it is fast and the battery lasts for days.",
    "A wonderful hotel with a friendly, helpful team.",
    "This film was excellent, I enjoyed every minute.",
]


@pytest.fixture(scope="module")
def fs():
    from sslgloss.scenarios import few_label_sentiment

    return few_label_sentiment


def _p_right(fs, text: str, positive: bool) -> float:
    p = fs.predict(text, fs.DEMO_LABELS)[0]["positive"]
    return p if positive else 1 - p


def test_plain_negatives_come_out_negative_and_sure(fs):
    right = [_p_right(fs, text, positive=False) for text in PLAIN_NEGATIVE]
    assert all(p > 0.5 for p in right), dict(zip(PLAIN_NEGATIVE, right))
    assert sum(p >= 0.7 for p in right) >= 3, dict(zip(PLAIN_NEGATIVE, right))


def test_plain_positives_come_out_positive_and_sure(fs):
    right = [_p_right(fs, text, positive=True) for text in PLAIN_POSITIVE]
    assert all(p > 0.5 for p in right), dict(zip(PLAIN_POSITIVE, right))
    assert sum(p >= 0.7 for p in right) >= 3, dict(zip(PLAIN_POSITIVE, right))


def test_answers_no_longer_sit_at_one_half(fs):
    # the bug: a probe with C = 1 on unit vectors gave every sentence P ~ 0.5
    spread = [abs(fs.predict(t)[0]["positive"] - 0.5) for t in PLAIN_NEGATIVE + PLAIN_POSITIVE]
    assert np.mean(spread) > 0.25, spread


def test_labels_are_whole_topic_pairs_balanced_and_reproducible(fs):
    y = fs.load_split().train_y
    pairs = len(y) // 2
    idx = fs.sample_labels(y, 16, seed=3)
    assert len(set(idx.tolist())) == 16 and y[idx].sum() == 8
    assert {i % pairs for i in idx if y[i] == 1} == {i % pairs for i in idx if y[i] == 0}  # both sides of each topic
    assert np.array_equal(idx, fs.sample_labels(y, 16, seed=3))
    assert set(idx.tolist()) != set(fs.sample_labels(y, 16, seed=4).tolist())


def test_tuned_encoder_shares_the_search_encoders_lower_layers(fs):
    import torch

    base = fs.encoder()._model
    before = {name: p.detach().clone() for name, p in base.named_parameters()}
    tuned = fs.classifiers(fs.DEMO_LABELS).tuned
    assert 5_000_000 < tuned.n_params < 10_000_000  # five of six layers (~35 MB), not a second 90 MB model
    shared = {id(p) for p in base.parameters()}
    owned = {id(p) for p in tuned.own.values()}
    assert not owned & shared
    assert len([p for p in tuned._model.parameters() if id(p) in shared]) > 0
    for name, p in base.named_parameters():  # tuning left semantic search's encoder as it was
        assert torch.equal(p, before[name]), name


def test_the_tuned_encoder_is_saved_and_reloaded(fs, monkeypatch):
    first = fs.classifiers(fs.DEMO_LABELS).tuned
    monkeypatch.setattr(fs, "tune", lambda *a, **k: pytest.fail("should load the saved layers, not tune again"))
    again = fs.tuned_encoder(fs.DEMO_LABELS, 0)
    text = ["The soup was cold."]
    assert np.allclose(first.encode(text), again.encode(text), atol=1e-5)


def test_a_saved_tuning_of_another_shape_is_tuned_again_not_a_crash(fs, monkeypatch):
    import torch

    from sslgloss.scenarios import few_shot_tuning
    from sslgloss.storage import write_checkpoint

    cfg = few_shot_tuning.tune_config()
    _, trainable, _ = few_shot_tuning.copy_top_layers(fs.encoder()._model, cfg.layers)
    path = fs._tuned_path(4, 11, cfg)
    # right names, and right shapes but for the layer norms: without a check it would load, then crash on first use
    state = {name: torch.zeros(3) if "LayerNorm" in name else p.detach().clone() for name, p in trainable.items()}
    write_checkpoint(path, "sentiment-tuned-layers", {}, state)
    calls = []
    real_tune = fs.tune
    monkeypatch.setattr(fs, "tune", lambda *a, **k: calls.append(1) or real_tune(*a, **k))
    tuned = fs.tuned_encoder(4, 11)
    assert calls == [1]
    assert tuned.encode(["The soup was cold."]).shape == (1, 384)


def test_learning_curve_reports_tuned_frozen_and_bag_of_words(fs):
    (row,) = fs.learning_curve(counts=(16,), seeds=2, tuned_seeds=1)
    assert set(row) == {"labels", "sentence_embeddings_accuracy", "frozen_embeddings_accuracy",
                        "bag_of_words_accuracy"}
    assert row["frozen_embeddings_accuracy"] > row["bag_of_words_accuracy"] + 0.05, row
    assert row["sentence_embeddings_accuracy"] > row["bag_of_words_accuracy"] + 0.05, row


def test_learner_set_parts_load_balanced(fs):
    for part in ("dev", "test"):
        texts, y = sentiment_eval.load_learner_set(part)
        assert len(texts) >= 40 and abs(y.mean() - 0.5) < 0.1
    with pytest.raises(InputError, match="dev"):
        sentiment_eval.load_learner_set("train")


# ----------------------------------------------------------------------------- the command line

def _run(*args):
    from sslgloss.cli import main

    return CliRunner().invoke(main, ["sentiment", *args])


def test_cli_json_gives_label_probability_and_the_baseline():
    result = _run("The service was slow and the food was cold.", "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["label"] == "negative" and out["positive"] < 0.5 and out["labels"] == 16
    assert out["baseline"]["label"] in ("positive", "negative") and 0 <= out["baseline"]["positive"] <= 1
    assert "bag of words" in out["baseline"]["classifier"]


def test_cli_prints_label_and_p_positive():
    result = _run("The staff were lovely", "and the food was superb.", "--labels", "16")
    assert result.exit_code == 0, result.output
    first = result.stdout.splitlines()[0]
    assert first.startswith("positive") and "P(positive) =" in first
    assert "baseline:" in result.stdout


@pytest.mark.parametrize("args, message", [
    ([], "type a sentence"),
    (["   "], "type a sentence"),
    (["?!?! 42"], "no words"),
    (["fine", "--labels", "7"], "4, 8, 16, 32, 64, 128"),
    (["fine", "--labels", "1000"], "4 to 128"),
    (["x" * 600], "under 500"),
])
def test_cli_refuses_bad_input_cleanly(args, message):
    result = _run(*args)
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
