"""The three text demo pages (masking, next word, semantic search), driven with Streamlit's AppTest.

Each page is run the way a learner meets it: with its defaults, with the
query parameters a term page or a shared link sets, and with bad input,
which must show an error that says what to do and never a traceback.
Models are the real checkpoints when there are any (cache dir or shipped
weights), else tiny ones trained here in seconds; the n-gram baseline is
fitted on the glossary's text, because building it from the full corpus
takes a minute and is tested in tests/ml.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("streamlit")
torch = pytest.importorskip("torch")

from streamlit.testing.v1 import AppTest  # noqa: E402

from sslgloss.ml import next_word  # noqa: E402

DEMOS = Path(__file__).resolve().parents[2] / "demos"
PAGES = DEMOS / "views"
TIMEOUT = 60  # the first run of a page loads its model


def run_page(name: str, params: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(str(PAGES / f"{name}.py"), default_timeout=TIMEOUT)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    return at.run()


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def frames(at: AppTest) -> list:
    return [d.value for d in at.dataframe]


# Bad input every text page must turn into an error message: (what, text).
BAD_TEXT = [
    ("empty", ""),
    ("only spaces", "   "),
    ("only emoji", "😀 🤖 🎉"),
    ("right-to-left script", "שלום עולם"),
    ("control characters", "The cat\x07 sat\x00 on the mat"),
]


# ---------------------------------------------------------------------- masking


def open_tab(at: AppTest, label: str, page: str = "masking") -> AppTest:
    """Switch the page's tabs to ``label`` and rerun, as a learner's click does (AppTest cannot click a tab)."""
    at.session_state[f"{page}:tab"] = label
    return at.run()


def test_masking_default_shows_predictions_next_to_the_baseline(text_models):
    at = run_page("masking")
    assert not at.exception
    assert not errors(at)
    started, scratch, baseline = frames(at)[:3]  # the pretrained start, the from-scratch model, the unigram baseline
    assert len(started) == len(scratch) == len(baseline) == 5  # k defaults to 5
    for model in (started, scratch):
        assert model["probability"].between(0, 1).all()
        assert model["word"].str.len().gt(0).all()
    assert list(started["word"]) != list(scratch["word"])
    assert any("Pretrained start's best guess" in m.value and "From scratch's best guess" in m.value for m in at.markdown)


def test_masking_hidden_tabs_compute_only_when_opened(text_models):
    at = run_page("masking")
    assert not at.get("vega_lite_chart"), "the attention heatmap is computed only when its tab is opened"
    assert not any(t.key == "masking:sentence" for t in at.text_area)
    open_tab(at, "Attention")
    assert not at.exception and not errors(at)
    assert at.get("vega_lite_chart"), "the attention heatmap is drawn once its tab is open"
    open_tab(at, "Mask at random")
    assert any("hidden word" in f.columns for f in frames(at))
    open_tab(at, "Fill in the blank")
    assert any("best guess" in m.value for m in at.markdown)
    # (a click on a tab also writes ?tab= to the URL: AppTest cannot click a tab, the browser test checks it)


def test_masking_a_link_opens_its_tab(text_models):
    at = run_page("masking", {"tab": "Attention", "layer": "1", "head": "2"})
    assert not at.exception and not errors(at)
    assert at.get("vega_lite_chart")
    assert at.select_slider(key="masking:layer").value == 1


def test_masking_presets_from_the_url(text_models):
    at = run_page("masking", {"input": "The cat sat on the [MASK] near the [MASK].", "k": "3", "seed": "7",
                              "layer": "1", "head": "2"})
    assert not at.exception and not errors(at)
    assert at.text_input(key="masking:input").value == "The cat sat on the [MASK] near the [MASK]."
    tables = [f for f in frames(at) if list(f.columns) == ["rank", "word", "probability"]]
    assert len(tables) == 6  # two blanks, each: the pretrained start, the from-scratch model and the baseline
    assert all(len(t) == 3 for t in tables)
    assert any("Blank 2 of 2" in m.value for m in at.markdown)
    open_tab(at, "Mask at random")
    assert at.number_input(key="masking:seed").value == 7


def test_masking_a_value_changed_in_a_tab_survives_closing_it(text_models):
    at = open_tab(run_page("masking"), "Mask at random")
    at.number_input(key="masking:seed").set_value(11).run()
    assert at.query_params["seed"] in ("11", ["11"])
    open_tab(at, "Fill in the blank")
    open_tab(at, "Mask at random")
    assert at.number_input(key="masking:seed").value == 11


@pytest.mark.parametrize("spelling", ["[MASK]", "[mask]", "<mask>", "[ MASK ]"])
def test_masking_accepts_every_spelling_of_the_blank(text_models, spelling):
    at = run_page("masking", {"input": f"The cat sat on the {spelling}."})
    assert not at.exception and not errors(at)
    assert len(frames(at)[0]) == 5


@pytest.mark.parametrize("what,text", BAD_TEXT + [("no [MASK]", "The cat sat on the mat."),
                                                  ("emoji around the blank", "😀 [MASK] 😀")])
def test_masking_bad_input_shows_an_error_not_a_traceback(text_models, what, text):
    at = run_page("masking", {"input": text})
    assert not at.exception, what
    assert errors(at), f"{what}: no error shown"


def test_masking_refuses_a_megabyte_with_a_message(text_models):
    at = run_page("masking")
    at.text_input(key="masking:input").set_value("word [MASK] " * 90_000).run()
    assert not at.exception
    assert any("at most" in e for e in errors(at))


def test_masking_a_bad_link_parameter_is_reported_and_ignored(text_models):
    at = run_page("masking", {"k": "lots"})
    assert not at.exception
    assert any("`k`" in e for e in errors(at))
    assert len(frames(at)[0]) == 5


def test_masking_clicking_a_word_hides_it(text_models):
    at = run_page("masking", {"input": "The cat sat on the mat."})
    assert errors(at)  # no [MASK] yet
    pills = next(p for p in at.get("button_group") if p.key == "masking:pick")
    pills.set_value(1).run()  # "cat"
    assert at.text_input(key="masking:input").value == "The [MASK] sat on the mat."
    assert not errors(at)
    assert len(frames(at)[0]) == 5


def test_masking_at_random_is_reproducible_from_the_seed(text_models):
    sentence = "the quick brown fox jumps over the lazy dog while the cat sleeps on the warm mat"
    link = {"sentence": sentence, "seed": "3", "rate": "0.25", "tab": "Mask at random"}
    first, again = run_page("masking", link), run_page("masking", link)
    table = next(f for f in frames(first) if "hidden word" in f.columns)
    assert len(table) == round(0.25 * len(sentence.split()))
    hidden_again = next(f for f in frames(again) if "hidden word" in f.columns)["hidden word"]
    assert table["hidden word"].tolist() == hidden_again.tolist()


def test_masking_watch_it_learn_trains_and_shows_the_probe(text_models):
    from sslgloss.ml import live

    at = run_page("masking", {"tab": "Watch it learn"})
    assert at.radio(key="masking:live_source").value == "toy"  # the toy world is learnt in seconds
    assert at.text_input(key="masking:live_probe_toy").value == live.TOY_PROBES[0]
    assert at.select_slider(key="masking:live_steps").value == 200
    assert any("Most bees make honey." in t.value for t in at.text)  # the toy world's text, in an expander
    assert any("nobody gave it a single label" in c.value for c in at.caption)  # what the learner is seeing
    at.select_slider(key="masking:live_steps").set_value(50).run()
    at.button(key="masking:live_start").click().run()
    assert not at.exception and not errors(at)
    probe = frames(at)[-1]
    assert list(probe.columns) == ["step", "guess 1", "guess 2", "guess 3"]
    assert probe["step"].iloc[-1] == 50
    assert any("Done: 50 steps" in (p.proto.text or "") for p in at.get("progress"))


def test_masking_watch_it_learn_offers_the_glossary_and_own_text(text_models):
    at = run_page("masking", {"tab": "Watch it learn"})
    at.radio(key="masking:live_source").set_value("own").run()
    assert not at.exception
    assert any(t.key == "masking:live_text" for t in at.text_area)
    at.radio(key="masking:live_source").set_value("glossary").run()
    assert at.text_input(key="masking:live_probe_glossary").value == "Self-supervised learning needs no [MASK] data."


# ---------------------------------------------------------------------- next word


def test_next_word_default_shows_both_models(text_models):
    at = run_page("next-word")
    assert not at.exception and not errors(at)
    model, ngram = frames(at)[:2]
    assert len(model) == 8 and len(ngram) == 8
    assert model["probability"].is_monotonic_decreasing
    assert model["if sampled"].between(0, 1).all() and model["if sampled"].sum() <= 1 + 1e-9
    assert any(b.key == "next-word:sample" for b in at.button)


def test_next_word_settings_come_from_the_url(text_models):
    at = run_page("next-word", {"input": "The cat sat on the", "k": "4", "temperature": "0", "top_k": "3",
                                "seed": "5"})
    assert not at.exception and not errors(at)
    model = frames(at)[0]
    assert len(model) == 4
    assert model["if sampled"].tolist()[0] == pytest.approx(1.0)  # temperature 0 is greedy
    assert at.text_area(key="next-word:input").value == "The cat sat on the"


def test_next_word_top_k_and_top_p_shape_the_chances_as_the_sampler_does(text_models):
    from sslgloss.ml.sampling import sampling_distribution

    at = run_page("next-word", {"input": "The cat sat on the", "k": "10", "top_k": "3", "temperature": "0.7"})
    model = frames(at)[0]
    assert (model["if sampled"] > 0).sum() == 3 and model["if sampled"].sum() == pytest.approx(1.0)
    expected = sampling_distribution(model["probability"].tolist(), 0.7, 3, 1.0, probs=True).tolist()
    assert model["if sampled"].tolist()[:3] == pytest.approx(expected[:3], rel=0.05)
    at = run_page("next-word", {"input": "The cat sat on the", "top_k": "0", "top_p": "0.05"})
    assert (frames(at)[0]["if sampled"] > 0).sum() >= 1


def test_next_word_step_through_and_generate(text_models):
    at = run_page("next-word", {"input": "The cat sat on the"})
    first_choice = frames(at)[0]["word"].iloc[0]
    next(p for p in at.get("button_group") if p.key == "next-word:choice").set_value(0).run()
    assert at.text_area(key="next-word:input").value == next_word.append_word("The cat sat on the", first_choice)
    at.button(key="next-word:undo").click().run()
    assert at.text_area(key="next-word:input").value == "The cat sat on the"
    at.button(key="next-word:sample").click().run()
    assert at.text_area(key="next-word:input").value.startswith("The cat sat on the ")
    at.button(key="next-word:generate").click().run()
    assert not at.exception and not errors(at)
    shown = [m.value for m in at.markdown]
    assert "**Transformer**" in shown and "**Kneser-Ney trigram**" in shown


@pytest.mark.parametrize("what,text", BAD_TEXT)
def test_next_word_bad_input_shows_an_error_not_a_traceback(text_models, what, text):
    at = run_page("next-word", {"input": text})
    assert not at.exception, what
    assert errors(at), f"{what}: no error shown"


def test_next_word_refuses_a_megabyte_and_bad_settings(text_models):
    at = run_page("next-word", {"temperature": "hot", "top_p": "7"})
    assert not at.exception
    assert len(errors(at)) == 2 and frames(at)  # both parameters reported, defaults used
    at.text_area(key="next-word:input").set_value("a" * 1_000_000).run()
    assert not at.exception
    assert any("at most" in e for e in errors(at))


# ---------------------------------------------------------------------- semantic search


def test_search_default_ranks_by_meaning_next_to_bm25(text_models):
    at = run_page("semantic-search")
    assert not at.exception and not errors(at)
    semantic, keyword = frames(at)[:2]
    assert len(semantic) == 5
    assert semantic["score"].is_monotonic_decreasing and semantic["score"].le(1).all()
    assert semantic["page"].str.match(r"https?://.+/terms/[a-z0-9-]+/$").all()
    assert semantic["term"].tolist() != keyword["term"].tolist()  # the point of the page: they differ
    assert at.get("vega_lite_chart"), "the 2-D map is drawn"


def test_search_presets_from_the_url(text_models):
    at = run_page("semantic-search", {"input": "guess the hidden word", "k": "3", "mode": "keyword"})
    assert not at.exception and not errors(at)
    keyword, semantic = frames(at)[:2]
    assert len(keyword) == 3 and len(semantic) == 3
    assert at.get("subheader")[0].value.startswith("By keywords")
    assert "masked-language-modeling" in " ".join(semantic["page"])


@pytest.mark.parametrize("what,text", BAD_TEXT)
def test_search_bad_input_shows_an_error_not_a_traceback(text_models, what, text):
    at = run_page("semantic-search", {"input": text})
    assert not at.exception, what
    assert errors(at), f"{what}: no error shown"


def test_search_refuses_a_megabyte_and_a_bad_mode(text_models):
    at = run_page("semantic-search", {"mode": "telepathy"})
    assert not at.exception
    assert any("`mode`" in e for e in errors(at)) and frames(at)
    at.text_input(key="semantic-search:input").set_value("labels " * 150_000).run()
    assert not at.exception
    assert any("at most" in e for e in errors(at))


def test_search_shows_the_matching_passages_when_opened(text_models):
    at = run_page("semantic-search", {"input": "guess the hidden word", "k": "3"})
    assert not any(m.value.startswith("1. **[") for m in at.markdown)  # a closed expander computes nothing
    at.session_state["semantic-search:passages"] = True
    at.run()
    assert not at.exception and not errors(at)
    passages = [m.value for m in at.markdown if m.value[:3] in ("1. ", "2. ", "3. ")]
    assert len(passages) == 3 and all("/terms/" in p for p in passages)


def test_search_escapes_markup_in_the_query(text_models):
    at = run_page("semantic-search", {"input": "<script>alert(1)</script> learning without labels"})
    assert not at.exception and not errors(at)
    assert not any("<script>" in m.value for m in at.markdown)


# ---------------------------------------------------------------------- inside the app


def test_the_pages_run_one_after_another_inside_the_app(text_models):
    """The app's pages share one session: one page's inputs must not leak into the next."""
    at = AppTest.from_file(str(DEMOS / "app.py"), default_timeout=TIMEOUT).run()
    for page in ("masking", "next-word", "semantic-search", "masking"):
        at.switch_page(f"views/{page}.py").run()
        assert not at.exception, page
        assert not errors(at), page
        assert frames(at), page
