"""The static results term pages show when the demo server is down (sslgloss/demos/static.py).

What a reader would notice: the fragment reads like the live page (its
headings and words, metric cards, bar charts with the figure beside each bar,
no raw field names), the song map has the live chart's colours, an input from
a term file can never inject markup, a bad input gives a message instead of a
broken build, and the fragment survives the site's sanitiser (bars, inline
images). The markup comes from templates a site can override.
Text models: the real checkpoints when there are any, else tiny ones trained
here; the scenario fallbacks are rendered from stand-in summaries (their
models are trained and tested in tests/demos and the slow run below).
"""

from __future__ import annotations

import html as html_text

import io
import re
import types
from html.parser import HTMLParser

import pytest

from sslgloss import DemoSpec, iter_demos
from sslgloss.demos import static as fallbacks
from sslgloss.errors import InputError
from sslgloss.ml import fill_mask

torch = pytest.importorskip("torch")

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def bars(html: str) -> int:
    return html.count('class="sslgloss-fallback-bar__fill"')


def labels(html: str) -> list[str]:
    return re.findall(r'<span class="sslgloss-fallback-bar__label">(.*?)</span>', html)


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)


def visible_text(html: str) -> str:
    """What a reader sees: the text, without tags, attributes or data URIs."""
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def spec(demo_id: str, text: str | None, **params: str) -> DemoSpec:
    return DemoSpec(id=demo_id, input=text, params=params)


def sanitised(html: str) -> str:
    from sslgloss.site.sanitize import FallbackSanitizer

    return FallbackSanitizer().clean(html)


def assert_reads_like_a_page(html: str, field_names=()) -> None:
    """No raw field names (snake_case, or with the underscores made spaces) and no "figure | value" tables."""
    text = visible_text(html)
    assert not re.search(r"[A-Za-z]+_[A-Za-z_]+", text), re.findall(r"[A-Za-z]+_[A-Za-z_]+", text)
    for name in field_names:
        assert name.replace("_", " ") not in text.lower(), name
    assert "<table" not in html and "figure" not in text.lower().split()


# ---------------------------------------------------------------------- every core demo has one


def test_every_core_demo_names_a_fallback_that_exists():
    core = [d for d in iter_demos() if d.plugin == "core"]
    assert {d.id for d in core} >= set(fallbacks.FALLBACKS)
    for demo in core:
        assert demo.fallback_function() is fallbacks.FALLBACKS[demo.id]


# ---------------------------------------------------------------------- text demos


def test_masking_shows_both_models_per_blank_next_to_the_unigram_baseline(text_models):
    from sslgloss.ml import pretrained_masked

    text = "The cat sat on the [MASK] near the [MASK]."
    html = fallbacks.masking(spec("masking", text))
    assert 'class="sslgloss-fallback"' in html and 'data-demo="masking"' in html
    assert "Blank 1 of 2" in html and "Blank 2 of 2" in html
    assert bars(html) == 30  # five words per blank from each model and from the baseline
    assert "Unigram baseline (most frequent words, no context)" in html
    assert "Pretrained start: MiniLM + our masked-word training" in html and "From scratch" in html
    started = pretrained_masked.fill_mask(text, k=5)[0][0]
    first = fill_mask.fill_mask(text, k=5)[0][0]
    assert labels(html)[0] == started.word and labels(html)[5] == first.word  # the live demo's models
    fill = '<strong class="sslgloss-fallback-fill">'
    shown = html_text.unescape(html)
    assert f"Pretrained start's best guess:</strong> The cat sat on the {fill}{started.word}" in shown
    assert f"From scratch's best guess:</strong> The cat sat on the {fill}{first.word}" in shown
    assert f'style="width: {100 * first.prob:.1f}%"' in html and fallbacks.percent(first.prob) in html
    assert_reads_like_a_page(html)


def test_masking_uses_the_default_input_and_k(text_models):
    html = fallbacks.masking(spec("masking", None, k="3"))
    assert "needs no [MASK] data" in html
    assert bars(html) == 9 and "Blank 1" not in html


def test_next_word_shows_the_model_next_to_kneser_ney(text_models):
    html = fallbacks.next_word(spec("next-word", "The cat sat on the"))
    assert 'data-demo="next-word"' in html and "Kneser-Ney trigram" in html and "Transformer" in html
    assert "Prompt" in html and bars(html) == 10
    assert_reads_like_a_page(html)


def test_semantic_search_shows_meaning_next_to_keywords():
    html = fallbacks.semantic_search(spec("semantic-search", "guess the hidden word"))
    assert "By meaning (semantic)" in html and "By keywords (BM25)" in html
    links = re.findall(r'<span class="sslgloss-fallback-bar__label"><a href="\.\./([a-z0-9-]+)/">', html)
    assert len(links) == 10  # five results from each ranking, each linking to its term page
    assert "masked-language-modeling" in links[:5]
    assert "The passages that matched" in html
    assert_reads_like_a_page(html)


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
    widths = re.findall(r'style="width: ?([0-9.]+%)"', html)
    assert widths and re.findall(r'style="width: ?([0-9.]+%)"', clean) == widths  # the sanitiser keeps the bars
    assert "sslgloss-fallback-bar__fill" in clean


# ---------------------------------------------------------------------- templates


def test_static_results_come_from_templates_a_site_can_override(tmp_path):
    (tmp_path / "sslgloss").mkdir()
    (tmp_path / "sslgloss" / "demo-static-error.html").write_text(
        '{% extends "sslgloss/demo-static.html" %}{% block body %}<p class="mine">{{ message }}</p>{% endblock %}')
    packaged = fallbacks.error_fragment("masking", "no <b>blank</b>", "x")
    assert 'class="sslgloss-fallback-error">no &lt;b&gt;blank&lt;/b&gt;<' in packaged
    with fallbacks.templates_from(str(tmp_path)):
        mine = fallbacks.error_fragment("masking", "no <b>blank</b>", "x")
    assert '<p class="mine">no &lt;b&gt;blank&lt;/b&gt;</p>' in mine and 'data-demo="masking"' in mine
    assert fallbacks.error_fragment("masking", "again", "x").count("sslgloss-fallback-error") == 1  # reset after


# ---------------------------------------------------------------------- the article's scenarios


def png(size=(16, 16)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (250, 250, 247)).save(out, "PNG")
    return out.getvalue()


LIVE_ORDER = ["Afro-fusion-like", "Afrobeats-like", "Highlife-like"]  # Vega-Lite's legend: ascending


def fake_summaries(monkeypatch, styles=("Afrobeats-like", "Highlife-like", "Afro-fusion-like")):
    """Stand-ins with the shape of the scenarios' ``static_summary()`` (the real ones: test_scenario_models.py)."""
    from sslgloss import scenarios

    summaries = {
        "masked-image": {"headline": f"error 0.05 vs 0.07 {HOSTILE}",
                         "png": {"original": png(), "masked": png(), "reconstruction": png()},
                         "example": {"image": 7, "hidden_patches": "0,3,5,6,9,10,12,15"},
                         "figures": {"mae_reconstruction_error": 0.0487, "mean_fill_reconstruction_error": 0.0712,
                                     "held_out_images": 360, "hidden_ratio": 0.5,
                                     "probe": [{"fraction_of_labels": 0.01, "labels": 14, "mae_features_accuracy": 0.61,
                                                "raw_pixels_accuracy": 0.55},
                                               {"fraction_of_labels": 1.0, "labels": 1437,
                                                "mae_features_accuracy": 0.93, "raw_pixels_accuracy": 0.95}]}},
        "song-styles": {"headline": "ARI 0.43 vs 0.11",
                        "figures": {"held_out_clips": 30, "styles": list(styles), "ari_contrastive": 0.9312,
                                    "ari_raw_spectrogram": 0.1575, "ari_raw_band_stats": 0.2049},
                        "map": [{"x": float(i), "y": float(i % 3), "style": styles[i % len(styles)],
                                 "cluster": (i + 1) % 3} for i in range(30)]},
        "few-label-sentiment": {"headline": "65% vs 54%", "figures": {
            "held_out_sentences": 48, "training_pool": 128, "learning_curve": [
                {"labels": 4, "sentence_embeddings_accuracy": 0.571, "bag_of_words_accuracy": 0.503},
                {"labels": 16, "sentence_embeddings_accuracy": 0.652, "bag_of_words_accuracy": 0.542}]}},
    }
    monkeypatch.setattr(scenarios, "static_summary", lambda demo_id: summaries[demo_id])

    def predict(text, n_labels=16):
        if not text.strip():
            raise InputError("type a sentence to classify")
        return [{"classifier": "sentence embeddings", "label": "positive", "confidence": 0.9, "positive": 0.9},
                {"classifier": f"bag of words {HOSTILE}", "label": "negative", "confidence": 0.6, "positive": 0.4}]

    module = types.SimpleNamespace(static_summary=lambda: summaries["few-label-sentiment"], predict=predict,
                                   DEMO_LABELS=16, SEEDS=5)
    monkeypatch.setattr(scenarios, "scenario", lambda demo_id: module)
    return summaries


def field_names(value) -> set[str]:
    """Every snake_case key of a summary, at any depth."""
    if isinstance(value, dict):
        return {k for k in value if "_" in k} | {n for v in value.values() for n in field_names(v)}
    if isinstance(value, list):
        return {n for v in value for n in field_names(v)}
    return set()


@pytest.mark.parametrize("name", ["masked_image", "song_styles", "few_label_sentiment"])
def test_no_raw_field_names_in_a_scenario_result(monkeypatch, name):
    summaries = fake_summaries(monkeypatch)
    html = getattr(fallbacks, name)(spec(name.replace("_", "-"), "I loved it."))
    names = field_names(summaries[name.replace("_", "-")])
    assert "ari_raw_band_stats" in names or name != "song_styles"
    assert_reads_like_a_page(html, names)


def test_masked_image_shows_pictures_metric_cards_and_the_probe(monkeypatch):
    fake_summaries(monkeypatch)
    html = fallbacks.masked_image(spec("masked-image", None))
    assert html.count('src="data:image/png;base64,') == 3
    for caption in ("Original", "What the model sees", "MAE reconstruction"):
        assert f"<figcaption>{caption}</figcaption>" in html
    assert "Held-out digit 7, with 8 of 16 patches hidden" in html
    assert "MAE error on hidden pixels" in html and "0.0487" in html and "Mean-fill error" in html and "0.0712" in html
    assert "over 360 held-out digits" in html
    assert "Are the learned features useful?" in html and bars(html) == 4 and "61.0%" in html and "95.0%" in html
    assert "help most with 14 labels" in html
    assert "<script" not in html and "error 0.05" not in html  # the live page's words, not the summary's headline
    clean = sanitised(html)
    assert clean.count("data:image/png;base64,") == 3  # the site keeps inline images


def test_song_styles_shows_the_three_scores_as_metric_cards(monkeypatch):
    fake_summaries(monkeypatch)
    html = fallbacks.song_styles(spec("song-styles", None))
    values = re.findall(r'metric__label">(.*?)</span> <span class="sslgloss-fallback-metric__value">(.*?)<', html)
    assert values == [("Contrastive embeddings", "0.93"), ("Raw spectrogram", "0.16"),
                      ("Spectrogram band statistics", "0.20")]
    assert "Do the clusters match the styles?" in html and "with 3 clusters on 30 clips" in html
    assert html.count("data:image/png;base64,") == 2  # by hidden style, and by KMeans cluster


def test_the_song_map_has_the_live_charts_category10_colours_in_its_order(monkeypatch):
    import base64

    import numpy as np
    from PIL import Image

    fake_summaries(monkeypatch)
    html = sanitised(fallbacks.song_styles(spec("song-styles", None)))
    maps = re.findall(r"<figure class=\"sslgloss-fallback-map\">(.*?)</figure>", html, re.S)
    assert len(maps) == 2
    category10 = ["#1f77b4", "#ff7f0e", "#2ca02c"]
    legend = re.findall(r'<span class="sslgloss-fallback-swatch" style="background-color: ?(#[0-9a-f]{6})"></span>([^<]+)<',
                        maps[0])
    assert legend == list(zip(category10, LIVE_ORDER))
    clusters = re.findall(r'style="background-color: ?(#[0-9a-f]{6})"></span>([^<]+)<', maps[1])
    assert clusters == list(zip(category10, ["cluster 1", "cluster 2", "cluster 3"]))
    # the dots themselves are drawn in those colours (and nothing else is opaque)
    uri = re.search(r'src="data:image/png;base64,([^"]+)"', maps[0]).group(1)
    pixels = np.asarray(Image.open(io.BytesIO(base64.b64decode(uri))).convert("RGBA")).reshape(-1, 4).astype(int)
    dots = pixels[pixels[:, 3] >= 200][:, :3]
    targets = np.array([[int(c[i:i + 2], 16) for i in (1, 3, 5)] for c in category10])
    nearest = np.abs(dots[:, None, :] - targets[None]).max(axis=2).min(axis=1)
    assert len(dots) > 100 and (nearest <= 12).mean() > 0.9
    assert set(np.abs(dots[:, None, :] - targets[None]).max(axis=2).argmin(axis=1)) == {0, 1, 2}


def test_song_map_names_are_escaped(monkeypatch):
    fake_summaries(monkeypatch, styles=("rock", HOSTILE))
    html = fallbacks.song_styles(spec("song-styles", None))
    assert "<script" not in html and "&lt;script&gt;" in html
    assert "rock" in html


def test_few_label_sentiment_shows_both_predictions_and_the_learning_curve(monkeypatch):
    fake_summaries(monkeypatch)
    html = fallbacks.few_label_sentiment(spec("few-label-sentiment", f"I loved it {HOSTILE}"))
    assert "Your sentence" in html and "trained on 16 labelled sentences" in html
    verdicts = re.findall(r'card__verdict">(\w+)<', html)
    assert verdicts == ["positive", "negative"]
    assert "P(positive)" in html and ">0.90<" in html and ">0.40<" in html
    assert "Accuracy as labels are added" in html and "65.2%" in html and "54.2%" in html and "57.1%" in html
    assert "sslgloss-fallback-curve__group--current" in html  # the 16 labels the predictions used
    assert "on 48 held-out sentences, averaged over 5 random draws" in html
    assert "<script" not in html
    bad = fallbacks.few_label_sentiment(spec("few-label-sentiment", "   "))
    assert "sslgloss-fallback-error" in bad and "65.2%" in bad  # the curve still shows


@pytest.mark.slow
@pytest.mark.parametrize("name", ["masked_image", "song_styles", "few_label_sentiment"])
def test_real_scenario_fallbacks(monkeypatch, tmp_path, name):
    import importlib

    monkeypatch.setenv("SSLGLOSS_TRAINING_BUDGET", "tiny")
    monkeypatch.setenv("SSLGLOSS_CACHE", str(tmp_path))
    # the model trained here lives in this test's cache dir (the process-wide cache is keyed by it too)
    importlib.import_module(f"sslgloss.scenarios.{name}")
    html = getattr(fallbacks, name)(spec(name.replace("_", "-"), HOSTILE + " It was great."))
    assert 'class="sslgloss-fallback"' in html and "sslgloss-fallback-metric" in html or "sslgloss-fallback-bar" in html
    assert "<script" not in html
    assert_reads_like_a_page(html, field_names(fallbacks._scenario_summary(name.replace("_", "-")))
                             if name != "few_label_sentiment" else ())
