"""Fill in the blank with a small masked language model, see where it looks, and watch one learn from scratch.

Query parameters (shareable, and preset by term pages): ``input`` the text
with one or more ``[MASK]``, ``k`` predictions per blank (1-10); for "mask at
random" ``sentence``, ``rate`` and ``seed``; for the attention view ``layer``
and ``head``.
"""

from __future__ import annotations

import random
import re
import time

import pyarrow as pa
import streamlit as st


from sslgloss.demos import checks, page  # noqa: E402
from sslgloss.demos.page import term_link  # noqa: E402

state = page.PageState("masking")

from sslgloss.errors import InputError  # noqa: E402
from sslgloss.demos.catalog import DEFAULT_INPUTS  # noqa: E402
from sslgloss.ml import attention, fill_mask, live, pretrained_masked, registry  # noqa: E402
from sslgloss.ml.checks import MASK_SPELLINGS  # noqa: E402  every spelling of [MASK] the models accept

MASK = "[MASK]"
DEFAULT_TEXT = DEFAULT_INPUTS["masking"]
DEFAULT_K = 5
DEFAULT_SENTENCE = ("Self-supervised learning needs no labelled data: the model learns by predicting the hidden "
                    "words of its own training text.")
DEFAULT_RATE = 0.15
LIVE_STEPS = (50, 100, 200, 300, 500, 1000)
LIVE_SOURCES = {"toy": "a toy world (seconds)", "glossary": "the glossary (minutes)", "own": "my own text"}
TABS = ["Fill in the blank", "Mask at random", "Attention", "Watch it learn"]
ATTENTION_TOKENS = 40  # a heatmap wider than this is unreadable in an iframe

# ---------------------------------------------------------------------- this page's inputs
# demos/page.py keeps input ``name`` in st.session_state[name]; every page of the app shares that
# session state, so on a page switch one page's ``input`` (or an out-of-range ``k``) would land in the
# next page. These wrappers keep the same URL names and parsing, under page-scoped session keys.



# ---------------------------------------------------------------------- input checks
# next-word.py and semantic-search.py check text the same way (demos/page.py has no text check yet).

MAX_CHARS = checks.MAX_TEXT_CHARS
_WORD_RE = re.compile(MASK_SPELLINGS.pattern + r"|[^\W_]+(?:['’-][^\W_]+)*", re.IGNORECASE)
_OTHER_SCRIPTS = ("The model learned from English text only: words in other scripts (Hebrew, Arabic, Chinese…) "
                  "are unknown to it. Try an English sentence.")


def check_text(text: str, *, what: str, need_mask: bool, max_chars: int = MAX_CHARS) -> str:
    """``text`` if the model can use it, else InputError saying what to change (shown with st.error)."""
    example = "The cat sat on the [MASK]." if need_mask else "The cat sat on the mat."
    checks.check_typed_text(text, what=what, empty=f"Type some English text, e.g. “{example}”", max_chars=max_chars)
    if need_mask and not MASK_SPELLINGS.search(text):
        raise InputError(f"The {what} has no [MASK]. Write [MASK] where a word is missing, e.g. "
                         "“The cat sat on the [MASK].”, or click a word to hide it.")
    checks.check_has_english_words(MASK_SPELLINGS.sub(" ", text), what=what, not_english=_OTHER_SCRIPTS,
                                   no_words="the model has nothing to read. Add a few English words around the blank.")
    return text


def word_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, word) for every word and [MASK] of ``text`` (every spelling of [MASK] reads as ``MASK``)."""
    return [(m.start(), m.end(), MASK if MASK_SPELLINGS.fullmatch(m.group()) else m.group())
            for m in _WORD_RE.finditer(text)]


def parse_rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"`{text}` is not a number; use 0.05 to 0.5") from None
    if not 0.05 <= value <= 0.5:
        raise InputError(f"{value:g} is out of range; use 0.05 to 0.5")
    return round(value / 0.05) * 0.05


# ---------------------------------------------------------------------- the model, once per process

@st.cache_resource(show_spinner=False)
def masked_model():
    """Load the masked model once per process (infer keeps it; this puts the first load under a spinner)."""
    return registry.get_model("masked")


@st.cache_resource(show_spinner=False)
def pretrained_model():
    """The pretrained-start masked model (MiniLM + our masked-word training), or None without its weights."""
    return pretrained_masked.get_model() if pretrained_masked.available() else None


@st.cache_data(max_entries=512, show_spinner=False)
def _answers(text: str, k: int):
    started = pretrained_masked.fill_mask(text, k=k) if pretrained_model() is not None else None
    return started, fill_mask.fill_mask(text, k=k), fill_mask.unigram_fill_mask(text, k=k)


def predict(text: str, k: int):
    """(pretrained start or None, from-scratch model, unigram baseline) predictions for every [MASK] of ``text``
    (cached per text and k)."""
    with st.spinner("Loading the masked language models (first use only)…"):
        masked_model()
        pretrained_model()
    return _answers(text, k)


# ---------------------------------------------------------------------- fill in the blank

EXPLANATION = (
    "A **masked language model** learns by hiding about 15% of the words of a text behind `[MASK]` and guessing "
    "them from the words on **both** sides, as BERT does. The text is first cut into tokens; a transformer reads "
    "them all at once through attention and outputs a probability for every entry of its vocabulary. Two models "
    "answer here. The **pretrained start** is MiniLM, an encoder that had already read a great deal of English, "
    "given a new output layer and half an hour of masked-word training on this project's corpus. The **from-scratch** "
    "model is a 5-million-parameter transformer that learned everything it knows from that corpus alone (WordNet's "
    "definitions and examples, Jane Austen's six novels and this glossary: about 2.2 million words). The gap "
    "between them is what pretraining on far more text buys. The **unigram baseline** ignores the context and "
    "always guesses the most frequent words: whatever a model does better than that, it learned from context. "
    "Nobody labelled anything: the text is its own supervision, which is what makes this self-supervised learning."
)
TERMS = ["masked-language-modeling", "bert", "self-supervised-learning", "pretext-task", "tokenization",
         "attention", "transformer"]


def predictions_frame(preds) -> pa.Table:
    # an Arrow table goes to the browser as it is; a pandas frame would be converted on every run
    return pa.table({"rank": list(range(1, len(preds) + 1)), "word": [p.word for p in preds],
                     "probability": [float(p.prob) for p in preds]})


def show_predictions(preds, key: str, compact: bool = False) -> None:
    """One model's words for a blank; ``compact`` (three tables side by side) leaves out the rank column,
    so that the probability bars keep their width in a narrow column."""
    st.dataframe(predictions_frame(preds), hide_index=True, key=key,
                 column_order=("word", "probability") if compact else None, column_config={
        "rank": st.column_config.NumberColumn("#", width="small"),
        "word": st.column_config.TextColumn("word", width=95 if compact else None),
        "probability": st.column_config.ProgressColumn("probability", format="percent", min_value=0.0, max_value=1.0,
                                                       width=115 if compact else None),
    })


def filled_in(text: str, model_preds) -> str:
    """``text`` (escaped for Markdown) with each [MASK] replaced by the model's first choice, in bold."""
    out, n = [], 0
    for piece in re.split(f"({MASK_SPELLINGS.pattern})", text, flags=re.IGNORECASE):
        if MASK_SPELLINGS.fullmatch(piece) and n < len(model_preds) and model_preds[n]:
            out.append(f"**{page.md_escape(model_preds[n][0].word)}**")
            n += 1
        else:
            out.append(page.md_escape(piece))
    return "".join(out)


def toggle_word() -> None:
    """Pill callback: hide the clicked word behind [MASK], or fill a clicked [MASK] back in.

    ``hidden_words`` lists, for each [MASK] of the text in order, the word it hid (None for a [MASK] the
    learner typed, which is filled with the model's first guess instead).
    """
    index = st.session_state.get(state.key("pick"))
    st.session_state[state.key("pick")] = None
    text = st.session_state.get(state.key("input")) or ""
    spans = word_spans(text)
    if index is None or not 0 <= index < len(spans):
        return
    masks_before = sum(1 for s in spans[:index] if s[2] == MASK)
    n_masks = sum(1 for s in spans if s[2] == MASK)
    hidden: list = st.session_state.get(state.key("hidden_words")) or []
    if len(hidden) != n_masks:  # the text was edited by hand: forget what we knew
        hidden = [None] * n_masks
    start, end, word = spans[index]
    if word == MASK:
        original = hidden.pop(masks_before)
        guesses = st.session_state.get(state.key("last_guesses")) or []
        replacement = original or (guesses[masks_before] if masks_before < len(guesses) else "word")
    else:
        hidden.insert(masks_before, word)
        replacement = MASK
    st.session_state[state.key("hidden_words")] = hidden
    state.set("input", text[:start] + replacement + text[end:], DEFAULT_TEXT)


def fill_tab(text: str, k: int) -> None:
    spans = word_spans(text)
    n_masks = sum(1 for s in spans if s[2] == MASK)
    if 0 < len(spans) <= 60:
        labels, n = [], 0
        for _, _, word in spans:  # numbered blanks: every pill needs its own label
            n += word == MASK
            labels.append(f"[MASK {n}]" if word == MASK and n_masks > 1 else word)
        st.pills("Click a word to hide it behind [MASK]; click a [MASK] to fill it back in",
                 options=list(range(len(spans))), format_func=lambda i: labels[i], key=state.key("pick"),
                 on_change=toggle_word)
    result = None
    with page.guard():
        result = predict(check_text(text, what="text", need_mask=True), k)
    if result is None:
        return
    started, model_preds, base_preds = result
    best = started if started is not None else model_preds
    st.session_state[state.key("last_guesses")] = [p[0].word if p else "word" for p in best]
    page.show_notices(list(dict.fromkeys([*(started.notices if started is not None else []), *model_preds.notices])))
    if started is not None:
        st.markdown("**Pretrained start's best guess:** " + filled_in(text, started) + "  \n"
                    "**From scratch's best guess:** " + filled_in(text, model_preds))
    else:
        st.markdown("**The model's best guess:** " + filled_in(text, model_preds))
    for n, (mine, base) in enumerate(zip(model_preds, base_preds), start=1):
        if len(model_preds) > 1:
            st.markdown(f"**Blank {n} of {len(model_preds)}**")
        columns = st.columns(3 if started is not None else 2)
        if started is not None and n <= len(started):
            with columns[0]:
                st.caption("Pretrained start: MiniLM + our masked-word training")
                show_predictions(started[n - 1], key=f"pretrained-{n}", compact=True)
        with columns[-2]:
            st.caption("From scratch: our 5M model, this corpus only" if started is not None
                       else "Masked language model (reads the context)")
            show_predictions(mine, key=f"model-{n}", compact=started is not None)
        with columns[-1]:
            st.caption("Unigram baseline (most frequent words, no context)")
            show_predictions(base, key=f"baseline-{n}", compact=started is not None)
    st.caption("Probabilities are the model's own, over its whole vocabulary of word pieces, so the words shown "
               "need not add up to 100%. Only whole words are offered: one [MASK] is one token"
               + ("; the pretrained start does not offer words the text already holds, which it would often repeat. "
                  if started is not None else ". ") + ("From scratch: " if started is not None else "")
               + page.model_note(masked_model()))


# ---------------------------------------------------------------------- mask at random, as BERT does

def hide_at_random(text: str, rate: float, seed: int) -> tuple[str, list[str]]:
    """``text`` with ``rate`` of its words (at least one) hidden behind [MASK], chosen by ``seed``; and those words."""
    spans = [s for s in word_spans(text) if s[2] != MASK]
    if not spans:
        raise InputError("There are no words to hide in this text; type a sentence or two.")
    count = max(1, round(rate * len(spans)))
    chosen = sorted(random.Random(seed).sample(range(len(spans)), count))
    masked = text
    for i in reversed(chosen):
        start, end, _ = spans[i]
        masked = masked[:start] + MASK + masked[end:]
    return masked, [spans[i][2] for i in chosen]


def random_tab(k: int) -> None:
    st.markdown(
        "BERT's training chooses 15% of the tokens at random; 80% of those become `[MASK]`, 10% a random word and "
        "10% stay as they are, and the model must restore the original at every chosen position. Here every chosen "
        "word becomes `[MASK]`, so you can compare what the model restores with what was there.")
    st.text_area("Text to mask", value=state.initial("sentence", DEFAULT_SENTENCE), key=state.key("sentence"), height=90,
                 on_change=state.sync, args=("sentence", DEFAULT_SENTENCE))
    left, right = st.columns(2)
    with left:
        rate = st.slider("Share of words hidden", 0.05, 0.5, value=state.initial("rate", DEFAULT_RATE, parse_rate), step=0.05,
                         key=state.key("rate"), format="%.2f", on_change=state.sync,
                         args=("rate", DEFAULT_RATE, lambda v: f"{v:.2f}"))
    with right:
        seed = st.number_input("Seed (the same seed hides the same words)", 0, 1_000_000,
                               value=state.initial("seed", 0, checks.parse_int(0, 1_000_000)), key=state.key("seed"),
                               on_change=state.sync, args=("seed", 0))
    result = None
    with page.guard():
        sentence = check_text(st.session_state[state.key("sentence")], what="text to mask", need_mask=False)
        masked, originals = hide_at_random(sentence, float(rate), int(seed))
        result = masked, originals, predict(masked, max(k, 5))
    if result is None:
        return
    masked, originals, (_, model_preds, base_preds) = result  # the from-scratch model, as BERT was trained
    page.show_notices(model_preds.notices)
    st.markdown("**Masked:** " + page.md_escape(masked).replace(page.md_escape(MASK), "`[MASK]`"))
    rows = []
    for original, mine, base in zip(originals, model_preds, base_preds):
        words = [p.word for p in mine]
        rank = words.index(original.lower()) + 1 if original.lower() in words else None
        rows.append({"hidden word": original, "model's guess": words[0] if words else "",
                     "probability": mine[0].prob if mine else 0.0,
                     "restored": "✓ exactly" if rank == 1 else (f"rank {rank}" if rank else ""),
                     "baseline's guess": base[0].word if base else ""})
    st.dataframe(pa.Table.from_pylist(rows), hide_index=True, key="random-table", column_config={
        "probability": st.column_config.ProgressColumn("probability", format="percent", min_value=0.0, max_value=1.0)})
    exact = sum(r["restored"].startswith("✓") for r in rows)
    near = sum(bool(r["restored"]) for r in rows)
    base_exact = sum(r["baseline's guess"] == r["hidden word"].lower() for r in rows)
    st.markdown(f"The model restored **{exact} of {len(rows)}** hidden words exactly and had **{near}** among its "
                f"top {max(k, 5)}; the unigram baseline restored **{base_exact}**. "
                "Change the seed to hide other words.")


# ---------------------------------------------------------------------- attention

@st.cache_data(max_entries=128, show_spinner=False)
def attention_maps(text: str):
    return attention.attention(text, model="masked", max_tokens=ATTENTION_TOKENS)


@st.cache_data(max_entries=256, show_spinner=False)
def attention_chart(text: str, layer: int, head: int | None) -> tuple[pa.Table, dict]:
    """The heatmap of one layer (and head, or their average) for ``text``: data and Vega-Lite spec."""
    maps = attention_maps(text)
    grid = maps.weights[layer].mean(axis=0) if head is None else maps.weights[layer, head]  # (T, T)
    labels = [f"{i:02d} {tok}" for i, tok in enumerate(maps.tokens)]
    n = len(labels)
    data = pa.table({"token": [label for label in labels for _ in range(n)], "reads": labels * n,
                     "weight": grid.astype(float).ravel().tolist()})
    cell = max(12, min(26, 520 // max(n, 1)))  # square cells that fit an iframe
    spec = {
        "width": {"step": cell}, "height": {"step": cell},
        "mark": {"type": "rect", "tooltip": True},
        "encoding": {
            "x": {"field": "reads", "type": "ordinal", "sort": labels, "title": "reads (key)"},
            "y": {"field": "token", "type": "ordinal", "sort": labels, "title": "token (query)"},
            "color": {"field": "weight", "type": "quantitative", "scale": {"scheme": "blues", "domain": [0, 1]},
                      "title": "attention"},
        },
    }
    return data, spec


def attention_tab(text: str) -> None:
    maps = None
    with page.guard():
        checked = check_text(text, what="text", need_mask=False)
        with st.spinner("Loading the masked language model (first use only)…"):
            masked_model()
        maps = attention_maps(checked)
    if maps is None:
        return
    page.show_notices(maps.notices)
    n_layers, n_heads = maps.weights.shape[:2]
    heads = ["average"] + [str(h) for h in range(1, n_heads + 1)]
    left, right = st.columns(2)
    with left:
        layer = st.select_slider("Layer", options=list(range(1, n_layers + 1)),
                                 value=state.initial("layer", n_layers, checks.parse_int(1, n_layers)), key=state.key("layer"),
                                 on_change=state.sync, args=("layer", n_layers))
    with right:
        head = st.segmented_control("Head", heads, default=state.initial("head", "average", checks.parse_choice(heads)),
                                    key=state.key("head"), required=True, on_change=state.sync, args=("head", "average"))
    data, spec = attention_chart(checked, int(layer) - 1, None if head in (None, "average") else int(head) - 1)
    st.vega_lite_chart(data, spec, key=state.key("attention"), width="content")
    st.caption(
        "Each row is one token of your text and shows how it spreads its attention (the row sums to 1) over the "
        "tokens it reads, in the chosen layer and head. [SEP] marks the start and the end of the text. The model "
        "got its sense of word order from fixed biases set before training: head 1 can only look left and head 2 "
        "only right; the others look both ways, preferring nearby tokens.")


# ---------------------------------------------------------------------- watch it learn

def kept(name: str, default):
    """The last value of a "watch it learn" widget: the tab forgets its widgets while it is closed."""
    return st.session_state.get(state.key(name) + ":kept", default)


def keep(name: str) -> None:
    st.session_state[state.key(name) + ":kept"] = st.session_state.get(state.key(name))


def live_tab(probe_default: str) -> None:
    st.markdown(
        "Train a **tiny** masked model (2 layers, 64 numbers per token) from scratch, here and now. It starts "
        f"out guessing at random: watch the {term_link('loss-function', 'loss')} fall and the probe sentence's "
        "guesses change. Changing any input stops a run.")
    source = st.radio("Learn from", list(LIVE_SOURCES), format_func=LIVE_SOURCES.get, horizontal=True,
                      index=list(LIVE_SOURCES).index(kept("live_source", "toy")), key=state.key("live_source"),
                      on_change=keep, args=("live_source",))
    own_text = None
    if source == "toy":
        with st.expander("The toy world: twelve facts, each said eight ways"):
            st.text("\n".join(live.toy_lines()))
    elif source == "glossary":
        st.caption("The glossary's own text, about 80,000 tokens: a tiny model needs minutes (1,000 steps and more) "
                   "before its guesses leave “the”, “and” and “a”.")
    else:
        own_text = st.text_area("Text to learn from (a few paragraphs at least)", value=kept("live_text", ""),
                                key=state.key("live_text"), height=140, on_change=keep, args=("live_text",))
    left, right = st.columns(2)
    with left:
        steps = st.select_slider("Training steps", options=list(LIVE_STEPS), value=kept("live_steps", 200),
                                 key=state.key("live_steps"), on_change=keep, args=("live_steps",))
    with right:
        default_probe = live.TOY_PROBES[0] if source == "toy" else probe_default
        probe = st.text_input("Probe sentence (one [MASK])", value=kept(f"live_probe_{source}", default_probe),
                              key=state.key(f"live_probe_{source}"), on_change=keep, args=(f"live_probe_{source}",))
    st.caption("What you are seeing: a falling loss means the model predicts the hidden words better and better. "
               "When the probe's guesses turn from frequent words (“the”, “and”, “a”) into the right word, the "
               "model has learnt it from the context alone: nobody gave it a single label.")
    if st.button("Train from scratch", type="primary", key=state.key("live_start"), icon=":material/play_arrow:"):
        checked = None
        with page.guard():
            probe_text = check_text(probe, what="probe sentence", need_mask=True, max_chars=300)
            text = (check_text(own_text or "", what="text to learn from", need_mask=False, max_chars=100_000)
                    if source == "own" else None)
            checked = (text, probe_text)
        if checked is not None:
            st.session_state[state.key("live_result")] = run_live(
                checked[0], int(steps), checked[1], "glossary" if source == "glossary" else "toy")
        return
    result = st.session_state.get(state.key("live_result"))
    if result:
        draw_live(result, st.empty(), st.empty())


def run_live(text: str | None, steps: int, probe: str, source: str = "toy") -> dict:
    """Train with ``live.train_live``, redrawing the loss curve and the probe's guesses as it goes."""
    import torch

    every = max(steps // 10, 5)
    state: dict = {"losses": [], "probes": {}, "probe": probe, "steps": steps, "seconds": None}
    progress = st.progress(0.0, text="Preparing the text…")
    chart_slot, table_slot = st.empty(), st.empty()
    last_draw = [0.0]

    def on_step(report) -> None:
        state["losses"].append(report.loss)
        if report.probes:
            state["probes"][report.step] = next(iter(report.probes.values()), [])
        now = time.perf_counter()
        if report.probes or now - last_draw[0] > 1.0:  # redrawing every step would cost more than the step
            last_draw[0] = now
            progress.progress(report.step / steps, text=f"Step {report.step} of {steps} · loss {report.loss:.2f}")
            draw_live(state, chart_slot, table_slot)

    started = time.perf_counter()
    finished = None
    threads = torch.get_num_threads()
    # A tiny model's step is mostly overhead: one thread measured 0.05 s a step where two took 0.45 s
    # on a busy 2-core machine (threads fighting for cores), and it leaves a core to other sessions.
    torch.set_num_threads(1)
    try:
        with page.guard():
            finished = live.train_live(text=text, steps=steps, callback=on_step, every=every, probes=[probe],
                                        seed=0, k=3, source=source)
    finally:
        torch.set_num_threads(threads)
    if finished is None:
        progress.empty()
        return {}
    state["seconds"] = time.perf_counter() - started
    progress.progress(1.0, text=f"Done: {steps} steps in {state['seconds']:.1f} s")
    draw_live(state, chart_slot, table_slot)
    return state


def draw_live(state: dict, chart_slot, table_slot) -> None:
    losses = state.get("losses") or []
    if losses:
        smooth, curve = None, []
        for value in losses:
            smooth = value if smooth is None else 0.9 * smooth + 0.1 * value
            curve.append(smooth)
        frame = pa.table({"step": list(range(1, len(losses) + 1)) * 2, "loss": losses + curve,
                              "curve": ["loss at each step"] * len(losses) + ["smoothed"] * len(curve)})
        # a plain Vega-Lite spec: st.line_chart would rebuild an Altair chart at every redraw
        chart_slot.vega_lite_chart(frame, {
            "height": 260, "mark": {"type": "line", "tooltip": True},
            "encoding": {"x": {"field": "step", "type": "quantitative", "title": "training step"},
                         "y": {"field": "loss", "type": "quantitative", "title": "loss (cross-entropy)",
                               "scale": {"zero": False}},
                         "color": {"field": "curve", "type": "nominal", "legend": {"title": None, "orient": "top"}}},
        }, width="stretch")
    if state.get("probes"):
        rows = []
        for step_no, preds in sorted(state["probes"].items()):
            row = {"step": step_no}
            for i in range(3):
                row[f"guess {i + 1}"] = f"{preds[i].word} ({preds[i].prob:.0%})" if i < len(preds) else ""
            rows.append(row)
        with table_slot.container():
            st.markdown(f"**Probe:** {page.md_escape(state['probe'])}")
            st.dataframe(pa.Table.from_pylist(rows), hide_index=True)
        if state.get("seconds"):
            st.caption(f"{state['steps']} steps in {state['seconds']:.1f} s. The full model behind the other tabs "
                       "trained the same way for thousands of steps on millions of words.")


# ---------------------------------------------------------------------- the page

def main() -> None:
    page.setup_page("Masking: fill in the blank", ":material/text_fields:")
    if not page.is_embedded():
        st.title("Masking: fill in the blank")
        page.bootstrap_note()
    page.explain(EXPLANATION, TERMS)
    state.param("input", DEFAULT_TEXT)
    state.param("k", DEFAULT_K, checks.parse_int(1, 10))
    st.text_input("Text with one or more [MASK]", key=state.key("input"), on_change=state.sync,
                  args=("input", DEFAULT_TEXT), help="Write [MASK] where a word is missing, or click a word below.")
    k = st.slider("Predictions per blank", 1, 10, key=state.key("k"), on_change=state.sync, args=("k", DEFAULT_K))
    text = st.session_state.get(state.key("input")) or ""
    fill, rand, attn, learn = state.tabs(TABS)  # only the open tab computes
    if fill.open:
        with fill:
            fill_tab(text, k)
    if rand.open:
        with rand:
            random_tab(k)
    if attn.open:
        with attn:
            attention_tab(text)
    if learn.open:
        with learn:
            live_tab(text if MASK_SPELLINGS.search(text) and len(text) <= 300 else DEFAULT_TEXT)


main()
