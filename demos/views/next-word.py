"""See which word a small language model expects next, reshape its choices, write with it, compare an n-gram model.

Query parameters (shareable, and preset by term pages): ``input`` the
prompt, ``k`` how many candidates to show, ``temperature``, ``top_k``
(0 = no limit), ``top_p`` and ``seed`` for sampling.
"""

from __future__ import annotations

import math
import random
import re
import sys
from pathlib import Path

import pandas as pd
import streamlit as st

if str(Path(__file__).resolve().parents[1]) not in sys.path:  # demos/, for `import common`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import common  # noqa: E402

from sslgloss.errors import InputError  # noqa: E402
from sslgloss.fallbacks import DEFAULT_INPUTS  # noqa: E402
from sslgloss.ml import infer  # noqa: E402

DEFAULT_PROMPT = DEFAULT_INPUTS["next-word"]
DEFAULTS = {"k": 8, "temperature": 1.0, "top_k": 40, "top_p": 1.0, "seed": 0}
POOL = 50  # the sampling distribution is shown over the 50 most likely next words
GENERATE_TOKENS = 30
CHOICES = 6  # buttons for the most likely next words

# ---------------------------------------------------------------------- this page's inputs
# demos/common.py keeps input ``name`` in st.session_state[name]; every page of the app shares that
# session state, so on a page switch one page's ``input`` (or an out-of-range ``k``) would land in the
# next page. These wrappers keep the same URL names and parsing, under page-scoped session keys.

PAGE = "next-word"


def skey(name: str) -> str:
    """This page's session-state key for input or widget ``name``."""
    return f"{PAGE}:{name}"


def param(name: str, default, parse=str):
    """``common.param`` under this page's session key: the URL's ``?name=`` on first run, else the widget's value."""
    if skey(name) not in st.session_state:
        value = default
        raw = st.query_params.get(name)
        if raw is not None:
            try:
                value = parse(raw)
            except (InputError, ValueError) as err:
                st.error(f"The link's `{name}` parameter was not used: {err}", icon=":material/error:")
        st.session_state[skey(name)] = value
    return st.session_state[skey(name)]


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
def check_prompt(text: str) -> str:
    """``text`` if the model can continue it, else InputError saying what to change (shown with st.error)."""
    common.check_typed_text(text, what="prompt", empty="Type the start of an English sentence, e.g. “The cat sat on the”.")
    common.check_has_english_words(
        text, what="prompt",
        no_words="the model has nothing to read. Type the start of an English sentence.",
        not_english="The model learned from English text only: words in other scripts (Hebrew, Arabic, Chinese…) "
                    "are unknown to it. Try an English sentence.")
    return text


def md_escape(text: str) -> str:
    """Show text literally in st.markdown: no emphasis, links, images or HTML from the learner or a model."""
    return re.sub(r"([\\`*_{}\[\]<>()#+\-.!|~$])", r"\\\1", text)


def show_notices(notices) -> None:
    """What the model changed about the input (cut, unknown pieces...), as info boxes."""
    for notice in dict.fromkeys(notices or []):
        st.info(notice[:1].upper() + notice[1:] + ".", icon=":material/info:")


def parse_float(low: float, high: float):
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise InputError(f"`{text}` is not a number; use {low:g} to {high:g}") from None
        if not low <= value <= high:
            raise InputError(f"{value:g} is out of range; use {low:g} to {high:g}")
        return round(value / 0.05) * 0.05

    return parse


# ---------------------------------------------------------------------- models, once per process

@st.cache_resource(show_spinner=False)
def causal_model():
    return infer.get_model("next-word")


def model_note() -> str:
    """One line about the model that answered: its size and how it was trained (from its checkpoint)."""
    lm = causal_model()
    config, meta = lm.model.config, lm.checkpoint.meta or {}
    size = sum(p.numel() for p in lm.model.parameters()) / 1e6
    made = f", trained for {meta['steps']:,} steps" if isinstance(meta.get("steps"), int) else ""
    command = f" by `{meta['command']}`" if meta.get("command") else ""
    return (f"Model: {config.n_layers} layers, {config.d_model} numbers per token, {size:.1f} M parameters"
            f"{made}{command}.")


@st.cache_resource(show_spinner=False)
def ngram_model():
    """The Kneser-Ney trigram (built from the training corpus on first use, then cached on disk)."""
    return infer.get_ngram()


# ---------------------------------------------------------------------- sampling over words

def reshape(preds, temperature: float, top_k: int, top_p: float) -> list[float]:
    """The chance each candidate is sampled once temperature, top-k and top-p are applied.

    Works over the candidate words (the ``POOL`` most likely): words outside them, which share
    what probability is left, are not shown. The model's own sampler does the same over tokens.
    """
    probs = [max(p.prob, 1e-12) for p in preds]
    if not probs:
        return []
    if temperature <= 0:
        return [1.0 if i == 0 else 0.0 for i in range(len(probs))]
    logits = [math.log(p) / temperature for p in probs]
    top = max(logits)
    weights = [math.exp(x - top) for x in logits]
    if top_k:
        weights = [w if i < top_k else 0.0 for i, w in enumerate(weights)]
    total = sum(weights)
    weights = [w / total for w in weights]
    if top_p < 1:
        kept, cumulative = [], 0.0
        for w in weights:  # candidates are sorted most likely first
            kept.append(w if cumulative < top_p else 0.0)
            cumulative += w
        total = sum(kept)
        weights = [w / total for w in kept]
    return weights


def sample_word(preds, weights: list[float], seed: int, step: int) -> str:
    rng = random.Random(f"{seed}-{step}")
    return rng.choices([p.word for p in preds], weights=weights, k=1)[0]


# ---------------------------------------------------------------------- the page

EXPLANATION = (
    "**Next-word prediction** is the pretext task of GPT-style language models: read the text so far, output a "
    "probability for every possible next token, and learn from the word that actually came next. No labels are "
    "needed, so any text is training data. This model is a small transformer trained on a CPU by this project's "
    "own code, on WordNet's definitions, Jane Austen's novels and this glossary. Next to it, an **n-gram model** (a Kneser-Ney trigram) "
    "predicts from the last two tokens only, from counts over the same text. To write, a model **samples** a "
    "word and repeats: the temperature sharpens (below 1) or flattens (above 1) the distribution, top-k keeps "
    "only the k most likely words, and top-p the smallest set of words whose probabilities add up to p. "
    "Perplexity measures how well each model predicts text it has not seen."
)
TERMS = ["next-word-prediction", "language-model", "gpt", "n-gram-model", "perplexity", "transformer",
         "self-supervised-learning"]


def bars(preds, weights: list[float], k: int) -> pd.DataFrame:
    return pd.DataFrame({"word": [p.word for p in preds[:k]], "probability": [p.prob for p in preds[:k]],
                         "if sampled": weights[:k]})


def show_bars(frame: pd.DataFrame, key: str) -> None:
    st.dataframe(frame, hide_index=True, key=key, column_config={
        "word": st.column_config.TextColumn("word", width="small"),
        "probability": st.column_config.ProgressColumn(
            "probability", format="percent", min_value=0.0, max_value=1.0, width=105,
            help="the model's probability that this word comes next"),
        "if sampled": st.column_config.ProgressColumn(
            "if sampled", format="percent", min_value=0.0, max_value=1.0, width=105,
            help=f"the chance of drawing this word after temperature, top-k and top-p, among the {POOL} most "
                 "likely words"),
    })


def percent(p: float) -> str:
    return f"{p:.0%}" if p >= 0.095 else (f"{p:.1%}" if p >= 0.001 else "<0.1%")


def pick(word: str | None = None) -> None:
    """Callback: add ``word`` (or the chosen pill's word) to the prompt and the URL; remember the old prompt."""
    if word is None:
        choice = st.session_state.get(skey("choice"))
        st.session_state[skey("choice")] = None
        words = st.session_state.get(skey("candidates")) or []
        if choice is None or not 0 <= choice < len(words):
            return
        word = words[choice]
    prompt = st.session_state.get(skey("input")) or ""
    st.session_state.setdefault(skey("history"), []).append(prompt)
    set_param("input", infer.append_word(prompt, word), DEFAULT_PROMPT)


def undo() -> None:
    history = st.session_state.get(skey("history")) or []
    if history:
        set_param("input", history.pop(), DEFAULT_PROMPT)


def controls() -> dict:
    param("temperature", DEFAULTS["temperature"], parse_float(0.0, 2.0))
    param("top_k", DEFAULTS["top_k"], common.parse_int(0, POOL))
    param("top_p", DEFAULTS["top_p"], parse_float(0.05, 1.0))
    param("seed", DEFAULTS["seed"], common.parse_int(0, 1_000_000))
    param("k", DEFAULTS["k"], common.parse_int(3, 20))
    float_fmt = "{:.2f}".format
    c1, c2, c3, c4, c5 = st.columns(5)
    with c1:
        st.slider("Temperature", 0.0, 2.0, step=0.05, key=skey("temperature"), on_change=sync,
                  args=("temperature", DEFAULTS["temperature"], float_fmt),
                  help="0 always takes the most likely word; 1 samples from the model as it is.")
    with c2:
        st.slider("Top-k", 0, POOL, key=skey("top_k"), on_change=sync, args=("top_k", DEFAULTS["top_k"]),
                  help="Keep only the k most likely words; 0 means no limit.")
    with c3:
        st.slider("Top-p", 0.05, 1.0, step=0.05, key=skey("top_p"), on_change=sync,
                  args=("top_p", DEFAULTS["top_p"], float_fmt), help="1 keeps every word.")
    with c4:
        st.number_input("Seed", 0, 1_000_000, key=skey("seed"), on_change=sync,
                        args=("seed", DEFAULTS["seed"]))
    with c5:
        st.slider("Words shown", 3, 20, key=skey("k"), on_change=sync, args=("k", DEFAULTS["k"]))
    return {name: st.session_state[skey(name)] for name in DEFAULTS}


def main() -> None:
    common.setup_page("Next-word prediction", ":material/keyboard_double_arrow_right:")
    if not common.is_embedded():
        st.title("Next-word prediction")
        common.bootstrap_note()
    common.explain(EXPLANATION, TERMS)
    param("input", DEFAULT_PROMPT)
    st.text_area("Prompt", key=skey("input"), height=80, on_change=sync, args=("input", DEFAULT_PROMPT),
                 help="The text so far; the models predict the word that comes next.")
    settings = controls()
    temperature, top_k, top_p = float(settings["temperature"]), int(settings["top_k"]), float(settings["top_p"])

    found = None
    with common.guard():
        text = check_prompt(st.session_state.get(skey("input")) or "")
        with st.spinner("Loading the next-word model and the n-gram baseline (first use only)…"):
            causal_model()
            ngram_model()
        found = (text, infer.next_word_distribution(text, k=POOL), infer.ngram_next_word_distribution(text, k=POOL))
    if found is None:
        return
    text, mine, theirs = found
    show_notices(mine.notices)
    weights = reshape(mine, temperature, top_k, top_p)
    left, right = st.columns(2)
    with left:
        st.subheader("Transformer")
        st.caption("Reads the whole prompt.")
        show_bars(bars(mine, weights, settings["k"]), key="model-bars")
    with right:
        st.subheader("Kneser-Ney trigram")
        st.caption("Reads only the last two tokens.")
        show_bars(bars(theirs, reshape(theirs, temperature, top_k, top_p), settings["k"]), key="ngram-bars")
    st.caption(model_note() + " The n-gram model counts the same tokens of the same text.")

    st.subheader("Write with the model")
    st.caption("Choose the next word yourself, or let the model draw one with the settings above "
               "(the “if sampled” column). Each word is added to the prompt, so the URL keeps your text.")
    candidates = list(mine[:CHOICES])
    st.session_state[skey("candidates")] = [p.word for p in candidates]
    st.pills("The model's most likely next words", options=list(range(len(candidates))), key=skey("choice"),
             format_func=lambda i: f"{candidates[i].word} · {percent(candidates[i].prob)}", on_change=pick)
    step = len(st.session_state.get(skey("history")) or [])
    drawn = sample_word(mine, weights, int(settings["seed"]), step) if mine else None
    left, right, _ = st.columns([1, 1, 2])
    left.button("Sample a word", key=skey("sample"), on_click=pick, args=(drawn,), disabled=drawn is None,
                icon=":material/casino:", help="Draw the next word at random with the chances in “if sampled”.")
    right.button("Undo", key=skey("undo"), on_click=undo, disabled=not st.session_state.get(skey("history")),
                 icon=":material/undo:")

    if st.button(f"Continue for {GENERATE_TOKENS} tokens with both models", key=skey("generate"),
                 icon=":material/auto_awesome:"):
        generated = None
        with common.guard():
            with st.spinner("Generating…"):
                options = dict(tokens=GENERATE_TOKENS, temperature=temperature, top_k=top_k or None, top_p=top_p,
                               seed=int(settings["seed"]))
                generated = (text, infer.generate(text, **options), infer.ngram_generate(text, **options))
        st.session_state[skey("generated")] = generated
    generated = st.session_state.get(skey("generated"))
    if generated and generated[0] == text:
        _, neural, ngram = generated
        show_notices(neural.notices)
        left, right = st.columns(2)
        for col, title, gen in ((left, "Transformer", neural), (right, "Kneser-Ney trigram", ngram)):
            with col:
                st.markdown(f"**{title}**")
                st.markdown(f"{md_escape(gen.prompt)} **{md_escape(gen.continuation)}**")
                if gen.stopped != "length":
                    st.caption(f"Stopped at the {gen.stopped}.")
        st.caption("Same settings and seed for both models; another seed gives another continuation.")


main()
