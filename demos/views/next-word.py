"""See which word a small language model expects next, reshape its choices, write with it, compare an n-gram model.

Query parameters (shareable, and preset by term pages): ``input`` the
prompt, ``k`` how many candidates to show, ``temperature``, ``top_k``
(0 = no limit), ``top_p`` and ``seed`` for sampling.
"""

from __future__ import annotations

import random

import pyarrow as pa
import streamlit as st


from sslgloss.demos import checks, page  # noqa: E402

state = page.PageState("next-word")

from sslgloss.demos.catalog import DEFAULT_INPUTS  # noqa: E402
from sslgloss.ml import generate, next_word, registry  # noqa: E402
from sslgloss.ml.sampling import sampling_distribution  # noqa: E402  the one top-k / top-p / temperature

DEFAULT_PROMPT = DEFAULT_INPUTS["next-word"]
DEFAULTS = {"k": 8, "temperature": 1.0, "top_k": 40, "top_p": 1.0, "seed": 0}
POOL = 50  # the sampling distribution is shown over the 50 most likely next words
GENERATE_TOKENS = 30
CHOICES = 6  # buttons for the most likely next words

# ---------------------------------------------------------------------- this page's inputs
# demos/page.py keeps input ``name`` in st.session_state[name]; every page of the app shares that
# session state, so on a page switch one page's ``input`` (or an out-of-range ``k``) would land in the
# next page. These wrappers keep the same URL names and parsing, under page-scoped session keys.



# ---------------------------------------------------------------------- input checks
def check_prompt(text: str) -> str:
    """``text`` if the model can continue it, else InputError saying what to change (shown with st.error)."""
    checks.check_typed_text(text, what="prompt", empty="Type the start of an English sentence, e.g. “The cat sat on the”.")
    checks.check_has_english_words(
        text, what="prompt",
        no_words="the model has nothing to read. Type the start of an English sentence.",
        not_english="The model learned from English text only: words in other scripts (Hebrew, Arabic, Chinese…) "
                    "are unknown to it. Try an English sentence.")
    return text


# ---------------------------------------------------------------------- models, once per process

@st.cache_resource(show_spinner=False)
def causal_model():
    return registry.get_model("next-word")


@st.cache_resource(show_spinner=False)
def ngram_model():
    """The Kneser-Ney trigram (built from the training corpus on first use, then cached on disk)."""
    return registry.get_ngram()


# ---------------------------------------------------------------------- sampling over words

@st.cache_data(max_entries=512, show_spinner=False)
def distributions(text: str):
    """(transformer, Kneser-Ney trigram) next-word candidates for ``text``, cached per prompt."""
    return (next_word.next_word_distribution(text, k=POOL), next_word.ngram_next_word_distribution(text, k=POOL))


def reshape(preds, temperature: float, top_k: int, top_p: float) -> list[float]:
    """The chance each candidate is sampled once temperature, top-k and top-p are applied.

    Works over the candidate words (the ``POOL`` most likely) with the same function the model's own
    sampler uses over tokens (sslgloss.ml.sampling); words outside them are not shown.
    """
    if not preds:
        return []
    weights = sampling_distribution([max(p.prob, 1e-12) for p in preds], float(temperature), int(top_k) or None,
                                    float(top_p), probs=True)
    return weights.tolist()


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


def bars(preds, weights: list[float], k: int) -> pa.Table:
    # an Arrow table goes to the browser as it is; a pandas frame would be converted on every run
    return pa.table({"word": [p.word for p in preds[:k]], "probability": [float(p.prob) for p in preds[:k]],
                     "if sampled": [float(w) for w in weights[:k]]})


def show_bars(frame: pa.Table, key: str) -> None:
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
        choice = st.session_state.get(state.key("choice"))
        st.session_state[state.key("choice")] = None
        words = st.session_state.get(state.key("candidates")) or []
        if choice is None or not 0 <= choice < len(words):
            return
        word = words[choice]
    prompt = st.session_state.get(state.key("input")) or ""
    st.session_state.setdefault(state.key("history"), []).append(prompt)
    state.set("input", next_word.append_word(prompt, word), DEFAULT_PROMPT)


def undo() -> None:
    history = st.session_state.get(state.key("history")) or []
    if history:
        state.set("input", history.pop(), DEFAULT_PROMPT)


def controls() -> dict:
    state.param("temperature", DEFAULTS["temperature"], checks.parse_float(0.0, 2.0))
    state.param("top_k", DEFAULTS["top_k"], checks.parse_int(0, POOL))
    state.param("top_p", DEFAULTS["top_p"], checks.parse_float(0.05, 1.0))
    state.param("seed", DEFAULTS["seed"], checks.parse_int(0, 1_000_000))
    state.param("k", DEFAULTS["k"], checks.parse_int(3, 20))
    float_fmt = "{:.2f}".format
    c1, c2, c3, c4, c5 = st.columns(5)
    with c1:
        st.slider("Temperature", 0.0, 2.0, step=0.05, key=state.key("temperature"), on_change=state.sync,
                  args=("temperature", DEFAULTS["temperature"], float_fmt),
                  help="0 always takes the most likely word; 1 samples from the model as it is.")
    with c2:
        st.slider("Top-k", 0, POOL, key=state.key("top_k"), on_change=state.sync, args=("top_k", DEFAULTS["top_k"]),
                  help="Keep only the k most likely words; 0 means no limit.")
    with c3:
        st.slider("Top-p", 0.05, 1.0, step=0.05, key=state.key("top_p"), on_change=state.sync,
                  args=("top_p", DEFAULTS["top_p"], float_fmt), help="1 keeps every word.")
    with c4:
        st.number_input("Seed", 0, 1_000_000, key=state.key("seed"), on_change=state.sync,
                        args=("seed", DEFAULTS["seed"]))
    with c5:
        st.slider("Words shown", 3, 20, key=state.key("k"), on_change=state.sync, args=("k", DEFAULTS["k"]))
    return {name: st.session_state[state.key(name)] for name in DEFAULTS}


def main() -> None:
    page.setup_page("Next-word prediction", ":material/keyboard_double_arrow_right:")
    if not page.is_embedded():
        st.title("Next-word prediction")
        page.bootstrap_note()
    page.explain(EXPLANATION, TERMS)
    state.param("input", DEFAULT_PROMPT)
    st.text_area("Prompt", key=state.key("input"), height=80, on_change=state.sync, args=("input", DEFAULT_PROMPT),
                 help="The text so far; the models predict the word that comes next.")
    settings = controls()
    temperature, top_k, top_p = float(settings["temperature"]), int(settings["top_k"]), float(settings["top_p"])

    found = None
    with page.guard():
        text = check_prompt(st.session_state.get(state.key("input")) or "")
        with st.spinner("Loading the next-word model and the n-gram baseline (first use only)…"):
            causal_model()
            ngram_model()
        found = (text, *distributions(text))
    if found is None:
        return
    text, mine, theirs = found
    page.show_notices(mine.notices)
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
    st.caption(page.model_note(causal_model()) + " The n-gram model counts the same tokens of the same text.")

    st.subheader("Write with the model")
    st.caption("Choose the next word yourself, or let the model draw one with the settings above "
               "(the “if sampled” column). Each word is added to the prompt, so the URL keeps your text.")
    candidates = list(mine[:CHOICES])
    st.session_state[state.key("candidates")] = [p.word for p in candidates]
    st.pills("The model's most likely next words", options=list(range(len(candidates))), key=state.key("choice"),
             format_func=lambda i: f"{candidates[i].word} · {percent(candidates[i].prob)}", on_change=pick)
    step = len(st.session_state.get(state.key("history")) or [])
    drawn = sample_word(mine, weights, int(settings["seed"]), step) if mine else None
    left, right, _ = st.columns([1, 1, 2])
    left.button("Sample a word", key=state.key("sample"), on_click=pick, args=(drawn,), disabled=drawn is None,
                icon=":material/casino:", help="Draw the next word at random with the chances in “if sampled”.")
    right.button("Undo", key=state.key("undo"), on_click=undo, disabled=not st.session_state.get(state.key("history")),
                 icon=":material/undo:")

    if st.button(f"Continue for {GENERATE_TOKENS} tokens with both models", key=state.key("generate"),
                 icon=":material/auto_awesome:"):
        generated = None
        with page.guard():
            with st.spinner("Generating…"):
                options = dict(tokens=GENERATE_TOKENS, temperature=temperature, top_k=top_k or None, top_p=top_p,
                               seed=int(settings["seed"]))
                generated = (text, generate.generate(text, **options), generate.ngram_generate(text, **options))
        st.session_state[state.key("generated")] = generated
    generated = st.session_state.get(state.key("generated"))
    if generated and generated[0] == text:
        _, neural, ngram = generated
        page.show_notices(neural.notices)
        left, right = st.columns(2)
        for col, title, gen in ((left, "Transformer", neural), (right, "Kneser-Ney trigram", ngram)):
            with col:
                st.markdown(f"**{title}**")
                st.markdown(f"{page.md_escape(gen.prompt)} **{page.md_escape(gen.continuation)}**")
                if gen.stopped != "length":
                    st.caption(f"Stopped at the {gen.stopped}.")
        st.caption("Same settings and seed for both models; another seed gives another continuation.")


main()
