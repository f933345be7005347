"""Classify the sentiment of your sentence with 4 to 128 labels: sentence embeddings versus bag of words."""

from __future__ import annotations


import streamlit as st

from sslgloss.demos import checks, page  # noqa: E402

state = page.PageState("few-label-sentiment")

from sslgloss.scenarios import few_label_sentiment as fs  # noqa: E402

TERMS = ["sentiment-analysis", "transfer-learning", "fine-tuning", "sentence-embedding", "few-shot-learning",
         "text-classification"]
try:  # the site's static fallback and this page start from the same sentence
    from sslgloss.demos.catalog import DEFAULT_INPUTS

    DEFAULT_INPUT = DEFAULT_INPUTS["few-label-sentiment"]
except (ImportError, KeyError):
    DEFAULT_INPUT = "The lecture was long but surprisingly fun."


@st.cache_resource(show_spinner="Loading the sentence encoder (all-MiniLM-L6-v2, a few seconds on first use)…")
def load_encoder():
    """The sentence encoder, once per process (its lower layers are shared with semantic search)."""
    return fs.encoder()


@st.cache_resource(show_spinner="Embedding our labelled sentences and drawing the learning curve…")
def learning_curve() -> list[dict]:
    fs.embeddings()
    return fs.cached_learning_curve()


@st.cache_data(max_entries=512, show_spinner=False)
def classify(text: str, n_labels: int) -> list[dict]:
    """Both classifiers on ``text`` (cached per sentence and label count: the same input costs nothing)."""
    return fs.predict(text, n_labels)


@st.cache_resource(show_spinner=False)
def curve_chart() -> dict:
    """The learning curve's Vega-Lite spec, built once per process."""
    rows = [{"labels": r["labels"], "accuracy": r[key], "classifier": name} for r in learning_curve()
            for key, name in (("sentence_embeddings_accuracy", "sentence embeddings, tuned encoder"),
                              ("frozen_embeddings_accuracy", "sentence embeddings, frozen encoder"),
                              ("bag_of_words_accuracy", "bag of words"))
            if r.get(key) is not None]
    return {
        "data": {"values": rows},
        "mark": {"type": "line", "point": True},
        "encoding": {
            "x": {"field": "labels", "type": "quantitative", "scale": {"type": "log", "base": 2},
                  "axis": {"values": list(fs.LABEL_COUNTS), "title": "labelled sentences"}},
            "y": {"field": "accuracy", "type": "quantitative", "scale": {"domain": [0.4, 1.0]},
                  "axis": {"format": ".0%", "title": "held-out accuracy"}},
            # below the chart, whole: on the right it squeezed the chart to a sliver on a phone and cut the names
            "color": {"field": "classifier", "type": "nominal",
                      "legend": {"orient": "bottom", "direction": "vertical", "title": None, "labelLimit": 0}},
        },
        "height": 400,  # the page stretches the chart to its width and fits it, legend included, to this height
    }


def parse_labels(text: str) -> int:
    return int(checks.parse_choice([str(n) for n in fs.LABEL_COUNTS])(text.strip()))


page.setup_page("Sentiment with few labels", ":material/sentiment_satisfied:")
st.title("Sentiment with few labels")
st.caption("Two classifiers learn positive versus negative from the same handful of labelled sentences we "
           "wrote (plus two sentences saying what each class means): one reads sentence embeddings from an "
           "encoder pretrained without labels, the other counts words.")

state.param("input", DEFAULT_INPUT)
state.param("labels", fs.DEMO_LABELS, parse_labels)

with page.guard():
    load_encoder()
    learning_curve()
    st.text_area("Your sentence", key=state.key("input"), height=80, max_chars=fs.MAX_CHARS,
                 on_change=state.sync, args=("input", DEFAULT_INPUT))
    st.select_slider("Labelled sentences the classifiers may learn from", options=list(fs.LABEL_COUNTS),
                     key=state.key("labels"), on_change=state.sync, args=("labels", fs.DEMO_LABELS))
    n_labels = int(st.session_state[state.key("labels")])
    with page.guard():
        predictions = classify(st.session_state[state.key("input")], n_labels)
        for col, p in zip(st.columns(2), predictions):
            with col.container(border=True):
                st.markdown(f"**{p['classifier']}**")
                icon = ":material/sentiment_satisfied:" if p["label"] == "positive" else ":material/sentiment_dissatisfied:"
                st.markdown(f"### {icon} {p['label']}")
                st.progress(p["positive"], text=f"P(positive) = {p['positive']:.2f}")
        st.caption("A probability near 0.5 means the classifier is unsure. With few labels both often are: "
                   "try 4 labels, then 128.")

    shown = st.expander(f"The {n_labels} labelled sentences both classifiers learned from",
                        key=state.key("examples"), on_change="rerun")
    if shown.open:  # drawn only when the learner opens it
        with shown:
            clf = fs.classifiers(n_labels)
            st.markdown("\n".join(f"- {':green[positive]' if y else ':red[negative]'}: {page.md_escape(text)}"
                                   for text, y in zip(clf.train_text, clf.train_y)))

    st.subheader("Accuracy as labels are added")
    st.vega_lite_chart(spec=curve_chart(), width="stretch")
    data = fs.load_split()
    st.caption(f"Accuracy on {len(data.test_y)} held-out sentences, averaged over {fs.SEEDS} random draws of the "
               f"labels ({fs.tuned_draws()} for the tuned encoder, which is tuned again on each draw). The "
               "sentences come in topic-matched pairs (warm soup / cold soup), so topic words alone cannot give "
               "the answer; chance is 50%.")

page.explain(
    "The sentence encoder (all-MiniLM-L6-v2) was pretrained **without any sentiment labels**: first to fill in "
    "masked words, then to place sentences that mean the same thing close together. Its 384 numbers per "
    "sentence already encode a lot about meaning, so a logistic regression on top needs only a few labelled "
    "examples to find a direction that separates pleased from displeased. That reuse of a pretrained model is "
    "**transfer learning**. Here the encoder is also **fine-tuned** a little, the way SetFit does it: from the "
    "few labelled sentences we make pairs (same label: should be close; different labels: should be apart) "
    "and adjust its top five of six layers for a few seconds (the word table and the first layer stay as "
    "pretrained), so that its embeddings put pleased and displeased sentences apart. The chart shows both: "
    "the frozen encoder (a linear probe) and the tuned one.\n\n"
    "The bag-of-words classifier knows only the words in its labelled sentences: a word it has not seen with a "
    "label counts for nothing, which is why it needs many more labels.\n\n"
    "The encoder was pretrained for topic similarity, not sentiment, so it is far from perfect on tricky "
    "sentences (negation, contrast, understatement). On 80 plain reviews it had never seen, written outside "
    "the project, 16 labels give about 87% right, and 81% right with a probability of 0.8 or more (bag of "
    "words: 57% and 11%); `sslgloss sentiment --eval test` measures it.",
    TERMS)
