"""Fill in the blank with a small masked language model, see where it looks, and watch one learn from scratch.

Query parameters (shareable, and preset by term pages): ``input`` the text
with one or more ``[MASK]``, ``k`` predictions per blank (1-10); for "mask at
random" ``sentence``, ``rate`` and ``seed``; for the attention view ``layer``
and ``head``.
"""

from __future__ import annotations

import random
import re
import sys
import time
from pathlib import Path

import pandas as pd
import streamlit as st
import torch

if str(Path(__file__).resolve().parents[1]) not in sys.path:  # demos/, for `import common`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import common  # noqa: E402
from common import term_link  # noqa: E402

from sslgloss.errors import InputError  # noqa: E402
from sslgloss.fallbacks import DEFAULT_INPUTS  # noqa: E402
from sslgloss.ml import infer  # noqa: E402

MASK = "[MASK]"
DEFAULT_TEXT = DEFAULT_INPUTS["masking"]
DEFAULT_K = 5
DEFAULT_SENTENCE = ("Self-supervised learning needs no labelled data: the model learns by predicting the hidden "
                    "words of its own training text.")
DEFAULT_RATE = 0.15
LIVE_STEPS = (50, 100, 200, 300, 500, 1000)
ATTENTION_TOKENS = 40  # a heatmap wider than this is unreadable in an iframe

# ---------------------------------------------------------------------- this page's inputs
# demos/common.py keeps input ``name`` in st.session_state[name]; every page of the app shares that
# session state, so on a page switch one page's ``input`` (or an out-of-range ``k``) would land in the
# next page. These wrappers keep the same URL names and parsing, under page-scoped session keys.

PAGE = "masking"


def skey(name: str) -> str:
    """This page's session-state key for input or widget ``name``."""
    return f"{PAGE}:{name}"


def param(name: str, default, parse=str):
    """``common.param`` under this page's session key: the URL's ``?name=`` on first run, else the widget's value."""
    if skey(name) not in st.session_state:
        st.session_state[skey(name)] = _from_url(name, default, parse)
    return st.session_state[skey(name)]


def _from_url(name: str, default, parse):
    """The URL's ``?name=`` parsed, else ``default`` (a bad value is reported and not used)."""
    raw = st.query_params.get(name)
    if raw is None:
        return default
    try:
        return parse(raw)
    except (InputError, ValueError) as err:
        st.error(f"The link's `{name}` parameter was not used: {err}", icon=":material/error:")
        return default


def initial(name: str, default, parse=str):
    """The first value of a widget inside ``st.tabs``: the URL's ``?name=`` on first run, else ``default``.

    Widgets in a tab that is not showing must get their start value through ``value=``: one whose
    value is only put into session state beforehand (as ``param`` does) comes back empty from the
    browser on the next rerun (Streamlit 1.67), which emptied "Text to mask" after the first change
    of the main input. Kept under its own key, so the widget's key holds only what the learner typed.
    """
    store = skey(name) + ":initial"
    if store not in st.session_state:
        st.session_state[store] = _from_url(name, default, parse)
    return st.session_state[store]


def sync(name: str, default=None, fmt=str) -> None:
    """Widget callback: write the value back to ``?name=`` (dropped when it equals the default)."""
    value = st.session_state.get(skey(name))
    if value is None or value == default:
        if name in st.query_params:
            del st.query_params[name]
    else:
        st.query_params[name] = fmt(value)


def set_param(name: str, value, default=None, fmt=str) -> None:
    """Change an input from code (a button's callback), keeping the URL in step."""
    st.session_state[skey(name)] = value
    sync(name, default, fmt)


# ---------------------------------------------------------------------- input checks
# next-word.py and semantic-search.py check text the same way (demos/common.py has no text check yet).

MAX_CHARS = common.MAX_TEXT_CHARS
_MASK_RE = re.compile(r"\[\s*mask\s*\]", re.IGNORECASE)
_WORD_RE = re.compile(r"\[\s*mask\s*\]|[^\W_]+(?:['’-][^\W_]+)*", re.IGNORECASE)
_OTHER_SCRIPTS = ("The model learned from English text only: words in other scripts (Hebrew, Arabic, Chinese…) "
                  "are unknown to it. Try an English sentence.")


def check_text(text: str, *, what: str, need_mask: bool, max_chars: int = MAX_CHARS) -> str:
    """``text`` if the model can use it, else InputError saying what to change (shown with st.error)."""
    example = "The cat sat on the [MASK]." if need_mask else "The cat sat on the mat."
    common.check_typed_text(text, what=what, empty=f"Type some English text, e.g. “{example}”", max_chars=max_chars)
    if need_mask and not _MASK_RE.search(text):
        raise InputError(f"The {what} has no [MASK]. Write [MASK] where a word is missing, e.g. "
                         "“The cat sat on the [MASK].”, or click a word to hide it.")
    common.check_has_english_words(_MASK_RE.sub(" ", text), what=what, not_english=_OTHER_SCRIPTS,
                                   no_words="the model has nothing to read. Add a few English words around the blank.")
    return text


def md_escape(text: str) -> str:
    """Show text literally in st.markdown: no emphasis, links, images or HTML from the learner or a model."""
    return re.sub(r"([\\`*_{}\[\]<>()#+\-.!|~$])", r"\\\1", text)


def show_notices(notices) -> None:
    """What the model changed about the input (cut, unknown pieces...), as info boxes."""
    for notice in dict.fromkeys(notices or []):
        st.info(notice[:1].upper() + notice[1:] + ".", icon=":material/info:")


def word_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, word) for every word and [MASK] of ``text`` (every spelling of [MASK] reads as ``MASK``)."""
    return [(m.start(), m.end(), MASK if _MASK_RE.fullmatch(m.group()) else m.group())
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
    return infer.get_model("masked")


def model_note() -> str:
    """One line about the model that answered: its size and how it was trained (from its checkpoint)."""
    lm = masked_model()
    config, meta = lm.model.config, lm.checkpoint.meta or {}
    size = sum(p.numel() for p in lm.model.parameters()) / 1e6
    made = f", trained for {meta['steps']:,} steps" if isinstance(meta.get("steps"), int) else ""
    command = f" by `{meta['command']}`" if meta.get("command") else ""
    return (f"Model: {config.n_layers} layers, {config.d_model} numbers per token, {size:.1f} M parameters"
            f"{made}{command}.")


def predict(text: str, k: int):
    """(model, unigram baseline) predictions for every [MASK] of ``text``."""
    with st.spinner("Loading the masked language model (first use only)…"):
        masked_model()
    return infer.fill_mask(text, k=k), infer.unigram_fill_mask(text, k=k)


# ---------------------------------------------------------------------- fill in the blank

EXPLANATION = (
    "A **masked language model** learns by hiding about 15% of the words of a text behind `[MASK]` and guessing "
    "them from the words on **both** sides, as BERT does. The text is first cut into tokens; a small transformer, "
    "trained on a CPU by this project's own code (on WordNet's definitions and example sentences, Jane Austen's "
    "six novels and this glossary: about 2.2 million words), reads them all at once through attention and outputs a "
    "probability for every entry of its vocabulary. The **unigram baseline** ignores the "
    "context and always guesses the most frequent words: whatever the model does better than that, it learned "
    "from context. Nobody labelled anything: the text is its own supervision, which is what makes this "
    "self-supervised learning."
)
TERMS = ["masked-language-modeling", "bert", "self-supervised-learning", "pretext-task", "tokenization",
         "attention", "transformer"]


def predictions_frame(preds) -> pd.DataFrame:
    return pd.DataFrame({"rank": range(1, len(preds) + 1), "word": [p.word for p in preds],
                         "probability": [p.prob for p in preds]})


def show_predictions(preds, key: str) -> None:
    st.dataframe(predictions_frame(preds), hide_index=True, key=key, column_config={
        "rank": st.column_config.NumberColumn("#", width="small"),
        "probability": st.column_config.ProgressColumn("probability", format="percent", min_value=0.0, max_value=1.0),
    })


def filled_in(text: str, model_preds) -> str:
    """``text`` (escaped for Markdown) with each [MASK] replaced by the model's first choice, in bold."""
    out, n = [], 0
    for piece in re.split(r"(\[\s*mask\s*\])", text, flags=re.IGNORECASE):
        if _MASK_RE.fullmatch(piece) and n < len(model_preds) and model_preds[n]:
            out.append(f"**{md_escape(model_preds[n][0].word)}**")
            n += 1
        else:
            out.append(md_escape(piece))
    return "".join(out)


def toggle_word() -> None:
    """Pill callback: hide the clicked word behind [MASK], or fill a clicked [MASK] back in.

    ``hidden_words`` lists, for each [MASK] of the text in order, the word it hid (None for a [MASK] the
    learner typed, which is filled with the model's first guess instead).
    """
    index = st.session_state.get(skey("pick"))
    st.session_state[skey("pick")] = None
    text = st.session_state.get(skey("input")) or ""
    spans = word_spans(text)
    if index is None or not 0 <= index < len(spans):
        return
    masks_before = sum(1 for s in spans[:index] if s[2] == MASK)
    n_masks = sum(1 for s in spans if s[2] == MASK)
    hidden: list = st.session_state.get(skey("hidden_words")) or []
    if len(hidden) != n_masks:  # the text was edited by hand: forget what we knew
        hidden = [None] * n_masks
    start, end, word = spans[index]
    if word == MASK:
        original = hidden.pop(masks_before)
        guesses = st.session_state.get(skey("last_guesses")) or []
        replacement = original or (guesses[masks_before] if masks_before < len(guesses) else "word")
    else:
        hidden.insert(masks_before, word)
        replacement = MASK
    st.session_state[skey("hidden_words")] = hidden
    set_param("input", text[:start] + replacement + text[end:], DEFAULT_TEXT)


def fill_tab(text: str, k: int) -> None:
    spans = word_spans(text)
    if 0 < len(spans) <= 60:
        labels, n = [], 0
        for _, _, word in spans:  # numbered blanks: every pill needs its own label
            n += word == MASK
            labels.append(f"[MASK {n}]" if word == MASK and text.count(MASK) > 1 else word)
        st.pills("Click a word to hide it behind [MASK]; click a [MASK] to fill it back in",
                 options=list(range(len(spans))), format_func=lambda i: labels[i], key=skey("pick"),
                 on_change=toggle_word)
    result = None
    with common.guard():
        result = predict(check_text(text, what="text", need_mask=True), k)
    if result is None:
        return
    model_preds, base_preds = result
    st.session_state[skey("last_guesses")] = [p[0].word if p else "word" for p in model_preds]
    show_notices(model_preds.notices)
    st.markdown("**The model's best guess:** " + filled_in(text, model_preds))
    for n, (mine, base) in enumerate(zip(model_preds, base_preds), start=1):
        if len(model_preds) > 1:
            st.markdown(f"**Blank {n} of {len(model_preds)}**")
        left, right = st.columns(2)
        with left:
            st.caption("Masked language model (reads the context)")
            show_predictions(mine, key=f"model-{n}")
        with right:
            st.caption("Unigram baseline (most frequent words, no context)")
            show_predictions(base, key=f"baseline-{n}")
    st.caption("Probabilities are the model's own, over its whole vocabulary of word pieces, so the words shown "
               "need not add up to 100%. Only whole words are offered: one [MASK] is one token. " + model_note())


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
    st.text_area("Text to mask", value=initial("sentence", DEFAULT_SENTENCE), key=skey("sentence"), height=90,
                 on_change=sync, args=("sentence", DEFAULT_SENTENCE))
    left, right = st.columns(2)
    with left:
        rate = st.slider("Share of words hidden", 0.05, 0.5, value=initial("rate", DEFAULT_RATE, parse_rate), step=0.05,
                         key=skey("rate"), format="%.2f", on_change=sync,
                         args=("rate", DEFAULT_RATE, lambda v: f"{v:.2f}"))
    with right:
        seed = st.number_input("Seed (the same seed hides the same words)", 0, 1_000_000,
                               value=initial("seed", 0, common.parse_int(0, 1_000_000)), key=skey("seed"),
                               on_change=sync, args=("seed", 0))
    result = None
    with common.guard():
        sentence = check_text(st.session_state[skey("sentence")], what="text to mask", need_mask=False)
        masked, originals = hide_at_random(sentence, float(rate), int(seed))
        result = masked, originals, predict(masked, max(k, 5))
    if result is None:
        return
    masked, originals, (model_preds, base_preds) = result
    show_notices(model_preds.notices)
    st.markdown("**Masked:** " + md_escape(masked).replace(md_escape(MASK), "`[MASK]`"))
    rows = []
    for original, mine, base in zip(originals, model_preds, base_preds):
        words = [p.word for p in mine]
        rank = words.index(original.lower()) + 1 if original.lower() in words else None
        rows.append({"hidden word": original, "model's guess": words[0] if words else "",
                     "probability": mine[0].prob if mine else 0.0,
                     "restored": "✓ exactly" if rank == 1 else (f"rank {rank}" if rank else ""),
                     "baseline's guess": base[0].word if base else ""})
    st.dataframe(pd.DataFrame(rows), hide_index=True, key="random-table", column_config={
        "probability": st.column_config.ProgressColumn("probability", format="percent", min_value=0.0, max_value=1.0)})
    exact = sum(r["restored"].startswith("✓") for r in rows)
    near = sum(bool(r["restored"]) for r in rows)
    base_exact = sum(r["baseline's guess"] == r["hidden word"].lower() for r in rows)
    st.markdown(f"The model restored **{exact} of {len(rows)}** hidden words exactly and had **{near}** among its "
                f"top {max(k, 5)}; the unigram baseline restored **{base_exact}**. "
                "Change the seed to hide other words.")


# ---------------------------------------------------------------------- attention

def attention_chart(maps, layer: int, head: int | None) -> tuple[pd.DataFrame, dict]:
    grid = maps.weights[layer].mean(axis=0) if head is None else maps.weights[layer, head]  # (T, T)
    labels = [f"{i:02d} {tok}" for i, tok in enumerate(maps.tokens)]
    rows = [{"token": labels[i], "reads": labels[j], "weight": float(grid[i, j])}
            for i in range(len(labels)) for j in range(len(labels))]
    cell = max(12, min(26, 520 // max(len(labels), 1)))  # square cells that fit an iframe
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
    return pd.DataFrame(rows), spec


def attention_tab(text: str) -> None:
    maps = None
    with common.guard():
        checked = check_text(text, what="text", need_mask=False)
        with st.spinner("Loading the masked language model (first use only)…"):
            masked_model()
        maps = infer.attention(checked, model="masked", max_tokens=ATTENTION_TOKENS)
    if maps is None:
        return
    show_notices(maps.notices)
    n_layers, n_heads = maps.weights.shape[:2]
    heads = ["average"] + [str(h) for h in range(1, n_heads + 1)]
    left, right = st.columns(2)
    with left:
        layer = st.select_slider("Layer", options=list(range(1, n_layers + 1)),
                                 value=initial("layer", n_layers, common.parse_int(1, n_layers)), key=skey("layer"),
                                 on_change=sync, args=("layer", n_layers))
    with right:
        head = st.segmented_control("Head", heads, default=initial("head", "average", common.parse_choice(heads)),
                                    key=skey("head"), required=True, on_change=sync, args=("head", "average"))
    data, spec = attention_chart(maps, int(layer) - 1, None if head in (None, "average") else int(head) - 1)
    st.vega_lite_chart(data, spec, key="attention", width="content")
    st.caption(
        "Each row is one token of your text and shows how it spreads its attention (the row sums to 1) over the "
        "tokens it reads, in the chosen layer and head. [SEP] marks the start and the end of the text. The model "
        "got its sense of word order from fixed biases set before training: head 1 can only look left and head 2 "
        "only right; the others look both ways, preferring nearby tokens.")


# ---------------------------------------------------------------------- watch it learn

def live_tab(probe_default: str) -> None:
    st.markdown(
        "Train a **tiny** masked model (2 layers, 64 numbers per token) from scratch, here and now, on the "
        "glossary or on your own text. It starts out guessing at random: watch the "
        f"{term_link('loss-function', 'loss')} "
        "fall, and the probe sentence's guesses turn from noise into frequent words and then, with enough steps "
        "and text, into words that fit. Changing any input stops a run.")
    source = st.radio("Learn from", ["the glossary", "my own text"], horizontal=True, key=skey("live_source"))
    own_text = None
    if source == "my own text":
        own_text = st.text_area("Text to learn from (a few paragraphs at least)", key=skey("live_text"), height=140)
    left, right = st.columns(2)
    with left:
        steps = st.select_slider("Training steps", options=list(LIVE_STEPS), value=200, key=skey("live_steps"))
    with right:
        probe = st.text_input("Probe sentence (one [MASK])", value=probe_default, key=skey("live_probe"))
    if st.button("Train from scratch", type="primary", key=skey("live_start"), icon=":material/play_arrow:"):
        checked = None
        with common.guard():
            probe_text = check_text(probe, what="probe sentence", need_mask=True, max_chars=300)
            text = (check_text(own_text or "", what="text to learn from", need_mask=False, max_chars=100_000)
                    if source == "my own text" else None)
            checked = (text, probe_text)
        if checked is not None:
            st.session_state[skey("live_result")] = run_live(checked[0], int(steps), checked[1])
        return
    result = st.session_state.get(skey("live_result"))
    if result:
        draw_live(result, st.empty(), st.empty())


def run_live(text: str | None, steps: int, probe: str) -> dict:
    """Train with ``infer.train_live``, redrawing the loss curve and the probe's guesses as it goes."""
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
        with common.guard():
            finished = infer.train_live(text=text, steps=steps, callback=on_step, every=every, probes=[probe],
                                        seed=0, k=3)
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
        frame = pd.DataFrame({"step": list(range(1, len(losses) + 1)) * 2, "loss": losses + curve,
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
            st.markdown(f"**Probe:** {md_escape(state['probe'])}")
            st.dataframe(pd.DataFrame(rows), hide_index=True)
        if state.get("seconds"):
            st.caption(f"{state['steps']} steps in {state['seconds']:.1f} s. The full model behind the other tabs "
                       "trained the same way for thousands of steps on millions of words.")


# ---------------------------------------------------------------------- the page

def main() -> None:
    common.setup_page("Masking: fill in the blank", ":material/text_fields:")
    if not common.is_embedded():
        st.title("Masking: fill in the blank")
        common.bootstrap_note()
    common.explain(EXPLANATION, TERMS)
    param("input", DEFAULT_TEXT)
    param("k", DEFAULT_K, common.parse_int(1, 10))
    st.text_input("Text with one or more [MASK]", key=skey("input"), on_change=sync,
                  args=("input", DEFAULT_TEXT), help="Write [MASK] where a word is missing, or click a word below.")
    k = st.slider("Predictions per blank", 1, 10, key=skey("k"), on_change=sync, args=("k", DEFAULT_K))
    text = st.session_state.get(skey("input")) or ""
    fill, rand, attn, live = st.tabs(["Fill in the blank", "Mask at random", "Attention", "Watch it learn"])
    with fill:
        fill_tab(text, k)
    with rand:
        random_tab(k)
    with attn:
        attention_tab(text)
    with live:
        live_tab(text if _MASK_RE.search(text) and len(text) <= 300 else DEFAULT_TEXT)


main()
