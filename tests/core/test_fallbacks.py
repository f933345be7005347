"""The static results term pages show when the demo server is down (sslgloss/fallbacks.py).

What a reader would notice: the fragment shows the model's answers with
their probabilities next to the baseline's, an input from a term file can
never inject markup, a bad input gives a message instead of a broken build,
and the fragment survives the site's sanitiser (bars, tables, inline images).
Text models: the real checkpoints when there are any, else tiny ones trained
here; the scenario fallbacks are rendered from stand-in summaries (their
models are trained and tested in tests/demos and the slow run below).
"""

from __future__ import annotations

import re
import types

import pytest

from sslgloss import DemoSpec, fallbacks, iter_demos
from sslgloss.errors import InputError

torch = pytest.importorskip("torch")

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture(scope="module")
def text_models():
    """Real checkpoints if present, else tiny ones; a Kneser-Ney trigram on the glossary text (this module only)."""
    from sslgloss.errors import CheckpointError
    from sslgloss.ml import infer
    from sslgloss.ml.checkpoint import Checkpoint
    from sslgloss.ml.corpus import glossary_lines
    from sslgloss.ml.data import encode_lines, pack
    from sslgloss.ml.ngram import KneserNeyTrigram
    from sslgloss.ml.tokenizer import SEP, train_tokenizer
    from sslgloss.ml.train import preset, train, with_overrides

    lines = glossary_lines()
    trained_here = False
    try:
        infer.get_model("masked")
        infer.get_model("next-word")
    except CheckpointError:
        trained_here = True
        tokenizer = train_tokenizer(lines, vocab_size=2000, min_frequency=1)
        stream = pack(tokenizer, lines)
        counts = torch.bincount(stream, minlength=tokenizer.get_vocab_size())
        for kind in ("masked", "next-word"):
            chosen = preset("tiny", kind, tokenizer.get_vocab_size())
            result = train(kind, stream, tokenizer, chosen.model, with_overrides(chosen.train, steps=40),
                           progress=False)
            infer.use_checkpoint(kind, Checkpoint(kind, result.model, tokenizer, extra={"unigram_counts": counts}))
    tokenizer = infer.get_model("next-word").tokenizer
    ngram = KneserNeyTrigram.fit(encode_lines(tokenizer, lines), tokenizer.get_vocab_size(), tokenizer.token_to_id(SEP))
    patch = pytest.MonkeyPatch()
    patch.setattr(infer, "get_ngram", lambda: ngram)
    yield infer
    patch.undo()
    if trained_here:
        infer.reset()


def rows(html: str) -> int:
    return html.count("<tr>") - html.count("<thead><tr>")


def spec(demo_id: str, text: str | None, **params: str) -> DemoSpec:
    return DemoSpec(id=demo_id, input=text, params=params)


def sanitised(html: str) -> str:
    from sslgloss.site.sanitize import FallbackSanitizer

    return FallbackSanitizer().clean(html)


# ---------------------------------------------------------------------- every core demo has one


def test_every_core_demo_names_a_fallback_that_exists():
    core = [d for d in iter_demos() if d.plugin == "core"]
    assert {d.id for d in core} >= set(fallbacks.FALLBACKS)
    for demo in core:
        assert demo.fallback_function() is fallbacks.FALLBACKS[demo.id]


# ---------------------------------------------------------------------- text demos


def test_masking_shows_top5_per_blank_next_to_the_unigram_baseline(text_models):
    html = fallbacks.masking(spec("masking", "The cat sat on the [MASK] near the [MASK]."))
    assert 'class="sslgloss-fallback"' in html and 'data-demo="masking"' in html
    assert html.count("<table>") == 2 and rows(html) == 10  # one table per blank, five words each
    assert "unigram baseline" in html and html.count("<meter") == 20
    expected = text_models.fill_mask("The cat sat on the [MASK] near the [MASK].", k=5)[0][0].word
    assert f"<td>{expected}</td>" in html  # the same model as the live demo


def test_masking_uses_the_default_input_and_k(text_models):
    html = fallbacks.masking(spec("masking", None, k="3"))
    assert "needs no [MASK] data" in html
    assert rows(html) == 3


def test_next_word_shows_the_model_next_to_kneser_ney(text_models):
    html = fallbacks.next_word(spec("next-word", "The cat sat on the"))
    assert 'data-demo="next-word"' in html and "Kneser" in html
    assert rows(html) == 5 and html.count("<meter") == 10


def test_semantic_search_shows_meaning_next_to_keywords():
    html = fallbacks.semantic_search(spec("semantic-search", "guess the hidden word"))
    assert "by meaning" in html and "BM25" in html
    links = re.findall(r'<a href="\.\./([a-z0-9-]+)/">', html)
    assert len(links) == 10  # five results from each ranking, each linking to its term page
    assert "masked-language-modeling" in links[:5]


@pytest.mark.parametrize("demo", ["masking", "next-word", "semantic-search"])
def test_hostile_input_is_escaped(text_models, demo):
    text = HOSTILE + (" the [MASK] sat" if demo == "masking" else " learning without labels")
    html = getattr(fallbacks, demo.replace("-", "_"))(spec(demo, text))
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html
    assert "sslgloss-fallback-error" not in html  # escaped, and still answered


@pytest.mark.parametrize("demo,text", [("masking", "no blank here"), ("masking", ""), ("semantic-search", "   "),
                                       ("masking", HOSTILE)])
def test_unusable_input_gives_a_message_not_a_failed_build(text_models, demo, text):
    html = getattr(fallbacks, demo.replace("-", "_"))(spec(demo, text))
    assert "sslgloss-fallback-error" in html
    assert "<script" not in html


def test_text_fragments_survive_the_sites_sanitiser(text_models):
    html = fallbacks.masking(spec("masking", "The cat sat on the [MASK]."))
    clean = sanitised(html)
    assert clean.count("<meter") == html.count("<meter") and "sslgloss-fallback" in clean


# ---------------------------------------------------------------------- the article's scenarios

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def fake_summaries(monkeypatch):
    from sslgloss import scenarios

    summaries = {
        "masked-image": {"headline": f"error 0.05 vs 0.07 {HOSTILE}", "png": {"original": PNG, "masked": PNG},
                         "figures": {"mae_error": 0.0487, "held_out_images": 360,
                                     "probe": [{"labels": 10, "fraction": 0.01, "mae_features": 0.8}]}},
        "song-styles": {"headline": "ARI 0.43 vs 0.11", "figures": {"ari_contrastive": 0.4338, "styles": ["a", "b"]},
                        "map": [{"x": i, "y": i % 3, "style": "rock" if i % 2 else HOSTILE, "cluster": 0}
                                for i in range(12)]},
        "few-label-sentiment": {"headline": "65% vs 54%", "figures": {"learning_curve": [
            {"labels": 16, "sentence_embeddings_accuracy": 0.652, "bag_of_words_accuracy": 0.542}]}},
    }
    monkeypatch.setattr(scenarios, "static_summary", lambda demo_id: summaries[demo_id])

    def predict(text, n_labels=16):
        if not text.strip():
            raise InputError("type a sentence to classify")
        return [{"classifier": "embeddings", "label": "positive", "confidence": 0.9},
                {"classifier": f"bag of words {HOSTILE}", "label": "negative", "confidence": 0.6}]

    module = types.SimpleNamespace(static_summary=lambda: summaries["few-label-sentiment"], predict=predict,
                                   DEMO_LABELS=16)
    monkeypatch.setattr(scenarios, "scenario", lambda demo_id: module)


def test_masked_image_shows_pictures_and_figures(monkeypatch):
    fake_summaries(monkeypatch)
    html = fallbacks.masked_image(spec("masked-image", None))
    assert html.count('src="data:image/png;base64,') == 2
    assert "0.0487" in html and "360" in html and "<script" not in html
    clean = sanitised(html)
    assert clean.count("data:image/png;base64,") == 2  # the site keeps inline images


def test_song_styles_draws_the_map_as_an_image(monkeypatch):
    fake_summaries(monkeypatch)
    html = fallbacks.song_styles(spec("song-styles", None))
    assert "ARI 0.43" in html and "0.4338" in html
    assert html.count("data:image/png;base64,") == 1 and "rock" in html
    assert "<script" not in html and "&lt;script&gt;" in html  # a style name is escaped too


def test_few_label_sentiment_shows_both_predictions_and_16_label_accuracy(monkeypatch):
    fake_summaries(monkeypatch)
    html = fallbacks.few_label_sentiment(spec("few-label-sentiment", f"I loved it {HOSTILE}"))
    assert "positive" in html and "negative" in html and html.count("<meter") == 2
    assert "accuracy with 16 labels" in html and "65.2%" in html and "54.2%" in html
    assert "<script" not in html
    bad = fallbacks.few_label_sentiment(spec("few-label-sentiment", "   "))
    assert "sslgloss-fallback-error" in bad and "65.2%" in bad  # the figures still show


@pytest.mark.slow
@pytest.mark.parametrize("name", ["masked_image", "song_styles", "few_label_sentiment"])
def test_real_scenario_fallbacks(monkeypatch, tmp_path, name):
    import importlib

    monkeypatch.setenv("SSLGLOSS_TRAINING_BUDGET", "tiny")
    monkeypatch.setenv("SSLGLOSS_CACHE", str(tmp_path))
    # the model trained here lives in this test's cache dir: keep it out of the process-wide
    # in-memory cache, where a later test expecting its own cache dir would find it
    module = importlib.import_module(f"sslgloss.scenarios.{name}")
    if hasattr(module, "_loaded"):  # few_label_sentiment keeps no trained model in memory
        monkeypatch.setattr(module, "_loaded", {})
    html = getattr(fallbacks, name)(spec(name.replace("_", "-"), HOSTILE + " It was great."))
    assert 'class="sslgloss-fallback"' in html and "<table>" in html and "<script" not in html
