"""The scenario demo pages and the app's home page, driven with Streamlit's AppTest.

Each page is run as a learner meets it: with its defaults, with the query
parameters a term page or a shared link sets, and with bad input, which must
show an error message and never a traceback.
"""

from __future__ import annotations

import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402

from pathlib import Path  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
PAGES = REPO / "demos" / "views"

pytestmark = pytest.mark.usefixtures("scenario_env")
TIMEOUT = 120  # a page's first run trains its (tiny) model or loads the sentence encoder


def run_page(name: str, params: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(str(PAGES / f"{name}.py"), default_timeout=TIMEOUT)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    return at.run()


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not errors(at), errors(at)


@pytest.mark.parametrize("page, title", [("masked-image", "The missing part of an image"),
                                         ("song-styles", "Songs grouped by style"),
                                         ("few-label-sentiment", "Sentiment with few labels")])
def test_page_runs_with_its_defaults(page, title):
    at = run_page(page)
    ok(at)
    assert at.title[0].value == title
    assert any("Glossary:" in m.value and "/terms/" in m.value for m in at.markdown)  # term links


def test_masked_image_preset_shows_that_digit_with_those_patches_hidden():
    at = run_page("masked-image", {"image": "5", "mask": "0,1,2,3"})
    ok(at)
    assert at.number_input(key="masked-image:image").value == 5
    assert at.segmented_control(key="patch-row-0").value == [0, 1, 2, 3]
    assert all(not at.segmented_control(key=f"patch-row-{r}").value for r in (1, 2, 3))
    assert [m.label for m in at.metric] == ["MAE error on hidden pixels", "Mean-fill error"]


def test_masked_image_ticking_a_patch_updates_the_url():
    at = run_page("masked-image", {"mask": "0"})
    at.segmented_control(key="patch-row-2").set_value([9]).run()
    ok(at)
    assert at.query_params["mask"] == "0,9"


def test_song_styles_preset_selects_clip_and_colouring():
    at = run_page("song-styles", {"clip": "3", "colour": "cluster"})
    ok(at)
    assert at.number_input(key="song-styles:clip").value == 3
    assert at.radio(key="song-styles:colour").value == "cluster"
    assert any("Clip 3 is" in m.value for m in at.markdown)
    assert [m.label for m in at.metric][:2] == ["Contrastive embeddings", "Raw spectrogram"]


def test_sentiment_preset_classifies_the_given_sentence():
    at = run_page("few-label-sentiment", {"input": "What a wonderful, generous host.", "labels": "128"})
    ok(at)
    assert at.text_area(key="few-label-sentiment:input").value == "What a wonderful, generous host."
    assert at.select_slider(key="few-label-sentiment:labels").value == 128
    assert sum("positive" in m.value or "negative" in m.value for m in at.markdown if m.value.startswith("###")) == 2


def test_sentiment_typing_a_sentence_updates_the_url():
    at = run_page("few-label-sentiment")
    at.text_area(key="few-label-sentiment:input").input("The queue was endless and the staff were rude.").run()
    ok(at)
    assert at.query_params["input"] == "The queue was endless and the staff were rude."


BAD_INPUTS = [
    ("masked-image", {"mask": "99"}, "patches are numbered 0 to 15"),
    ("masked-image", {"mask": "top-left"}, "not a patch number"),
    ("masked-image", {"image": "abc"}, "not a whole number"),
    ("masked-image", {"image": "100000"}, "out of range"),
    ("song-styles", {"clip": "-4"}, "out of range"),
    ("song-styles", {"colour": "rainbow"}, "not one of"),
    ("few-label-sentiment", {"labels": "7"}, "not one of"),
    ("few-label-sentiment", {"input": ""}, "type a sentence"),
    ("few-label-sentiment", {"input": "?!?! 42"}, "no words"),
    ("few-label-sentiment", {"input": "word " * 130}, "keep it under 500"),
]


@pytest.mark.parametrize("page, params, message", BAD_INPUTS, ids=[f"{p}-{'-'.join(q)}" for p, q, _ in BAD_INPUTS])
def test_bad_input_is_an_error_message_not_a_traceback(page, params, message):
    at = run_page(page, params)
    assert not at.exception, [e.value for e in at.exception]
    assert any(message in e for e in errors(at)), errors(at)
    assert at.title  # the rest of the page still shows


@pytest.mark.parametrize("page", ["masked-image", "song-styles", "few-label-sentiment"])
def test_embed_mode_keeps_the_demo_working(page):
    # the embed CSS goes to Streamlit's event container, which AppTest does not expose;
    # that it hides the sidebar and header was checked in Chromium (see the report)
    at = run_page(page, {"embed": "true"})
    ok(at)
    assert at.title


def test_home_page_lists_every_demo_whose_page_exists():
    at = AppTest.from_file(str(REPO / "demos" / "app.py"), default_timeout=TIMEOUT).run()
    ok(at)
    text = " ".join(m.value for m in at.markdown)
    for about in ("masked autoencoder", "contrastive learning", "bag of words"):
        assert about in text


def test_masked_image_teaches_where_self_supervised_features_help(trained_mae):
    at = run_page("masked-image")
    ok(at)
    probe = trained_mae.metrics["probe"]
    lesson = next(m.value for m in at.markdown if "labels" in m.value and "raw pixels" in m.value)
    # worded from this model's own figures (which side wins depends on the training budget)
    assert f"{probe[-1]['raw_pixels_accuracy']:.0%}" in lesson and f"{probe[-1]['labels']:,} labels" in lesson
    chart = at.get("vega_lite_chart")[-1].proto.spec
    assert '"line"' in chart and '"labels"' in chart  # accuracy over label counts, both feature kinds


def test_sentiment_lists_its_labelled_sentences_only_when_opened():
    at = run_page("few-label-sentiment", {"labels": "8"})
    ok(at)
    assert not any(m.value.startswith("- ") for m in at.markdown)
    at.session_state["few-label-sentiment:examples"] = True
    at.run()
    ok(at)
    listed = next(m.value for m in at.markdown if m.value.startswith("- "))
    assert listed.count("\n- ") == 7  # the 8 sentences both classifiers learned from


def test_song_styles_plays_one_clip_of_each_style_only_when_opened():
    at = run_page("song-styles")
    ok(at)
    before = len(at.get("audio"))
    at.session_state["song-styles:styles"] = True
    at.run()
    ok(at)
    assert len(at.get("audio")) > before
