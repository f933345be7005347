"""The article's three scenarios: each self-supervised model must beat its simple baseline.

Tiny training budgets (``SSLGLOSS_TRAINING_BUDGET=tiny``) keep this quick;
the effects must show even so. Full-budget figures: benchmarks/bench_scenarios.py.
"""

from __future__ import annotations

import io
import os

import numpy as np
import pytest

from sslgloss.errors import InputError

pytestmark = pytest.mark.usefixtures("scenario_env")


# ----------------------------------------------------------------------------- masked image

def test_mae_fills_hidden_patches_better_than_the_average_digit(trained_mae):
    m = trained_mae.metrics
    assert m["mae_reconstruction_error"] < 0.8 * m["mean_fill_reconstruction_error"], m


def test_probe_reports_both_feature_sets_for_every_label_budget(trained_mae):
    probe = trained_mae.metrics["probe"]
    assert [p["fraction_of_labels"] for p in probe] == [0.01, 0.1, 1.0]
    for p in probe:
        assert 0.1 < p["mae_features_accuracy"] <= 1 and 0.1 < p["raw_pixels_accuracy"] <= 1  # above chance


def test_reconstruction_keeps_visible_pixels_and_changes_hidden_ones(trained_mae):
    from sslgloss.scenarios import masked_image as mi

    image = mi.load_split().test_x[3]
    hidden = mi.parse_patches("0,5,10,15")
    out = trained_mae.reconstruct(image, hidden)
    pixels = mi.pixel_mask(hidden[None])[0]
    assert np.array_equal(out[~pixels], image[~pixels])
    assert not np.allclose(out[pixels], trained_mae.mean_image[pixels])


@pytest.mark.parametrize("text, hidden", [("", []), ("0", [0]), (" 3, 15 ,3", [3, 15]), ("0,1,2,", [0, 1, 2])])
def test_parse_patches_accepts(text, hidden):
    from sslgloss.scenarios import masked_image as mi

    assert np.flatnonzero(mi.parse_patches(text)).tolist() == hidden


@pytest.mark.parametrize("text", ["16", "-1", "a", "1;2", "1.5"])
def test_parse_patches_rejects_with_the_valid_range(text):
    from sslgloss.scenarios import masked_image as mi

    with pytest.raises(InputError, match="0 to 15"):
        mi.parse_patches(text)


def test_static_summary_has_the_figures_and_real_pngs(trained_mae):
    from PIL import Image  # a Streamlit dependency; used here only to check our encoder's output

    from sslgloss.scenarios import masked_image as mi

    s = mi.static_summary()
    assert "reconstruction error" in s["headline"]
    assert set(s["png"]) == {"original", "masked", "reconstruction"}
    for png in s["png"].values():
        picture = Image.open(io.BytesIO(png))
        assert picture.size == (192, 192) and picture.mode == "RGB"


def test_second_load_reads_the_cached_checkpoint_instead_of_training(trained_mae):
    from sslgloss.scenarios import masked_image as mi

    messages: list[str] = []
    mi.load_or_train.cache_clear()  # forget the in-memory model: only the file in the cache dir is left
    again = mi.load_or_train(progress=lambda f, msg: messages.append(msg))
    assert not any("pretraining" in msg for msg in messages)
    assert again.metrics == trained_mae.metrics


def test_a_corrupt_checkpoint_is_retrained_not_a_crash(trained_mae):
    from sslgloss.scenarios import masked_image as mi
    from sslgloss.scenarios import runtime
    from sslgloss.storage import read_checkpoint

    path = runtime.checkpoint_path("masked-image", trained_mae.config)
    path.write_bytes(b"not a checkpoint")
    mi.load_or_train.cache_clear()
    again = mi.load_or_train()
    assert again.metrics["mae_reconstruction_error"] < again.metrics["mean_fill_reconstruction_error"]
    assert read_checkpoint(path, "masked-image")["extra"]["metrics"] == again.metrics  # a good file replaced the bad one


# ----------------------------------------------------------------------------- song styles

def test_contrastive_embeddings_group_styles_better_than_raw_spectrograms(trained_songs):
    m = trained_songs.metrics
    assert m["ari_contrastive"] > m["ari_raw_spectrogram"] + 0.2, m
    assert m["ari_contrastive"] > m["ari_raw_band_stats"], m


def test_clips_are_reproducible_audio_in_range():
    from sslgloss.scenarios import songs

    a, b = songs.make_clips(2, seed=7), songs.make_clips(2, seed=7)
    assert np.array_equal(a.audio, b.audio) and np.array_equal(a.style, b.style)
    assert a.audio.shape == (2 * len(songs.STYLES), int(songs.CLIP_SECONDS * songs.SAMPLE_RATE))
    assert np.abs(a.audio).max() <= 1.0 and sorted(set(a.style)) == list(range(len(songs.STYLES)))


def test_nt_xent_is_low_for_matching_views_and_high_for_unrelated_ones():
    import torch

    from sslgloss.scenarios.contrastive import nt_xent

    gen = torch.Generator().manual_seed(0)
    z = torch.randn(16, 64, generator=gen)
    _, matched = nt_xent(z, z + 0.01 * torch.randn(16, 64, generator=gen), temperature=0.2)
    _, unrelated = nt_xent(z, torch.randn(16, 64, generator=gen), temperature=0.2)
    assert matched < 0.5 and unrelated > 2.0  # chance level is log(31) = 3.4


def test_song_summary_has_a_point_per_held_out_clip(trained_songs):
    from sslgloss.scenarios import song_styles

    s = song_styles.static_summary()
    assert len(s["map"]) == s["figures"]["held_out_clips"] == len(trained_songs.eval_clips.style)


# ----------------------------------------------------------------------------- few-label sentiment

def test_sentence_data_is_big_balanced_and_unique():
    from sslgloss.scenarios import few_label_sentiment as fs

    d = fs.load_split()
    texts = d.train_text + d.test_text
    assert len(texts) >= 200 and len(set(texts)) == len(texts)
    assert d.train_y.mean() == 0.5 and d.test_y.mean() == 0.5
    assert len(d.train_y) >= 2 * max(fs.LABEL_COUNTS) // 2 + 2


def test_sentence_embeddings_beat_bag_of_words_with_16_labels():
    from sslgloss.scenarios import few_label_sentiment as fs

    (row,) = fs.learning_curve(counts=(16,))
    assert row["sentence_embeddings_accuracy"] > row["bag_of_words_accuracy"] + 0.05, row


def test_predict_gives_both_classifiers_a_probability():
    from sslgloss.scenarios import few_label_sentiment as fs

    out = fs.predict("The staff were lovely and the food was superb.", 128)
    assert [p["classifier"] for p in out] == [fs.EMBEDDING_NAME, fs.BOW_NAME]
    for p in out:
        assert p["label"] in fs.LABELS and 0.5 <= p["confidence"] <= 1
    assert out[0]["label"] == "positive"


@pytest.mark.parametrize("text, message", [("", "type a sentence"), ("   ", "type a sentence"),
                                           ("!!! 123", "no words"), ("x" * 600, "under 500")])
def test_predict_rejects_unusable_sentences(text, message):
    from sslgloss.scenarios import few_label_sentiment as fs

    with pytest.raises(InputError, match=message):
        fs.predict(text)


@pytest.mark.parametrize("n", [0, 3, 7, 1000])
def test_label_counts_outside_the_curve_are_refused(n):
    from sslgloss.scenarios import few_label_sentiment as fs

    with pytest.raises(InputError):
        fs.classifiers(n)


# ----------------------------------------------------------------------------- shared pieces

def test_png_encoder_round_trips():
    from PIL import Image

    from sslgloss.scenarios.images import png_bytes

    rgb = np.random.default_rng(0).integers(0, 256, size=(5, 7, 3), dtype=np.uint8)
    assert np.array_equal(np.asarray(Image.open(io.BytesIO(png_bytes(rgb)))), rgb)


def test_unknown_budget_is_an_input_error(monkeypatch):
    from sslgloss.scenarios import runtime

    monkeypatch.setenv("SSLGLOSS_TRAINING_BUDGET", "huge")
    with pytest.raises(InputError, match="full, tiny"):
        runtime.training_budget()


def test_demos_command_says_clearly_when_the_app_is_missing(tmp_path):
    from click.testing import CliRunner

    from sslgloss.cli import main
    from sslgloss.demos.launcher import find_app

    assert find_app().name == "app.py" and (find_app().parent / "views" / "masking.py").is_file()
    result = CliRunner().invoke(main, ["demos", "--app", str(tmp_path / "nowhere.py")])
    assert result.exit_code == 1
    assert "cannot find the demo app" in result.output and "Traceback" not in result.output


def test_demo_servers_start_with_two_malloc_arenas_unless_told_otherwise():
    # measured: with glibc's default arenas the server's memory kept growing under load
    from sslgloss.demos.launcher import server_env

    assert server_env({"PATH": "/bin"})["MALLOC_ARENA_MAX"] == "2"
    assert server_env({"MALLOC_ARENA_MAX": "4"})["MALLOC_ARENA_MAX"] == "4"  # an operator's choice wins


@pytest.mark.slow
def test_prepare_only_fills_the_cache_the_demo_server_reads(tmp_path):
    """`sslgloss serve` runs this before the demo server, so no demo trains or encodes on first use
    (the memory of that work would otherwise stay the server's peak). A second run finds it all."""
    import subprocess
    import sys

    env = {**os.environ, "SSLGLOSS_CACHE": str(tmp_path / "cache")}
    command = [sys.executable, "-m", "sslgloss.cli", "demos", "--prepare-only"]
    first = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
    assert first.returncode == 0, first.stderr[-2000:]
    assert "passages of" in first.stderr and "Kneser-Ney" in first.stderr
    # every label count the sentiment page offers is tuned here, so picking one never tunes in the server
    from sslgloss.scenarios.few_label_sentiment import LABEL_COUNTS

    assert len(list((tmp_path / "cache").rglob("sentiment-tuned-*.pt"))) == len(LABEL_COUNTS)
    again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0 and "(0 now, the rest from the cache)" in again.stderr, again.stderr[-2000:]
