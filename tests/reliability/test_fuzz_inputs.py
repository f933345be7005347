"""Any text a learner can type or paste reaches the models and the search as an answer or a clear InputError.

Hypothesis feeds the public inference and search functions arbitrary Unicode
(emoji, right-to-left scripts, combining marks, control characters, [MASK]
spelled every way) up to 1 MB. Each call must return a well-formed result or
raise an sslgloss error (InputError / ModelError) whose message is a readable
sentence, and a 1 MB input must be answered within a bound (the inputs are cut
before tokenising; without that a paste would stall a demo session).

The default run tries ~30 examples per function; ``-m slow`` runs many more.
"""

from __future__ import annotations

import math
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sslgloss.errors import InputError, ModelError, SslglossError

MB = 1_000_000
CALL_LIMIT_S = 2.0  # wall time for one call on a 1 MB input (a demo session must not stall)

FAST = settings(max_examples=30, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SLOW = settings(max_examples=400, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Pieces that have broken text handling before in other tools: the mask in several spellings,
# RTL marks and scripts, combining marks, zero-width joiners, emoji sequences, NUL and ANSI escapes.
TRICKY = ["[MASK]", "[mask]", "[ MASK ]", "<mask>", "[MASK", "MASK]", "\u202e", "\u200f", "\u200d", "שלום",
          "مرحبا", "e\u0301\u0301\u0301", "Z\u0351\u0352\u0353", "👩‍👩‍👧‍👦", "🇫🇷", "\x00", "\x1b[31m", "\r\n",
          "\t", "\ufeff", "\ufffd", "ﬁ", "İ", "ß", "\u3000", "𝕏", "##", "[SEP]", "[CLS]", "[UNK]", "[PAD]",
          " " * 50, "." * 30, "a" * 300]

# Surrogate code points (category Cs) never arrive from a browser (JSON and protobuf reject them);
# they are covered on their own below.
chars = st.characters(blacklist_categories=("Cs",))
pieces = st.one_of(st.text(chars, max_size=40), st.sampled_from(TRICKY))


@st.composite
def user_text(draw, big: bool = True) -> str:
    """A mix of random text and tricky pieces; sometimes repeated up to about 1 MB."""
    text = "".join(draw(st.lists(pieces, max_size=12)))
    if big and text and draw(st.integers(0, 3)) == 0:
        text = text * (MB // len(text) + 1)
        text = text[:MB]
    return text


def check_message(err: SslglossError) -> None:
    message = str(err)
    assert message.strip(), f"{type(err).__name__} without a message"
    assert "Traceback" not in message and len(message) < 2000, message[:300]


def call(fn, *args, **kwargs):
    """(result, error): the call's result, or the sslgloss error it raised (anything else fails the test)."""
    started = time.perf_counter()
    try:
        result, error = fn(*args, **kwargs), None
    except (InputError, ModelError) as err:
        check_message(err)
        result, error = None, err
    elapsed = time.perf_counter() - started
    size = len(args[0]) if args and isinstance(args[0], str) else 0
    if size >= MB // 2:
        assert elapsed < CALL_LIMIT_S, f"{fn.__name__} took {elapsed:.2f} s on {size:,} characters"
    return result, error


def check_predictions(preds, k: int) -> None:
    assert len(preds) <= k
    for p in preds:
        assert isinstance(p.word, str) and p.word
        assert 0.0 <= p.prob <= 1.0 + 1e-6 and not math.isnan(p.prob)
    assert all(isinstance(n, str) and n for n in preds.notices) if hasattr(preds, "notices") else True


# ----------------------------------------------------------------------------- models

@pytest.fixture(scope="module")
def models():
    """Both text models loaded once (whatever checkpoint the user's cache serves)."""
    import torch

    from sslgloss.ml import registry

    torch.set_num_threads(1)
    try:
        registry.get_model("masked")
        registry.get_model("next-word")
    except ModelError as err:
        pytest.skip(f"no model to fuzz: {err}")


def public_function(name: str):
    from sslgloss.ml import attention, fill_mask, generate, next_word

    return {"fill_mask": fill_mask.fill_mask, "next_word_distribution": next_word.next_word_distribution,
            "generate": generate.generate, "attention": attention.attention}[name]


def fuzz_models(text: str) -> None:
    from sslgloss.ml import attention, fill_mask, generate, next_word

    result, error = call(fill_mask.fill_mask, text, k=3)
    if result is not None:
        assert 1 <= len(result) <= fill_mask.MAX_MASKS
        for preds in result:
            check_predictions(preds, 3)
    else:
        assert isinstance(error, InputError)  # no usable [MASK]
    result, _ = call(fill_mask.unigram_fill_mask, text, k=3)
    result, _ = call(next_word.next_word_distribution, text, k=5)
    if result is not None:
        check_predictions(result, 5)
    result, _ = call(generate.generate, text, tokens=4, seed=1)
    if result is not None:
        assert isinstance(result.text, str) and len(result.tokens) <= 4
    result, error = call(attention.attention, text, max_tokens=16)
    if result is not None:
        assert result.weights.shape[-1] == len(result.tokens) <= 16


@FAST
@given(text=user_text())
def test_models_answer_or_refuse_any_text(models, text):
    fuzz_models(text)


@pytest.mark.slow
@SLOW
@given(text=user_text())
def test_models_answer_or_refuse_any_text_long_run(models, text):
    fuzz_models(text)


@pytest.mark.parametrize("fn", ["fill_mask", "next_word_distribution", "generate", "attention"])
def test_a_megabyte_of_one_character_is_bounded(models, fn):
    text = "é" * (MB - 6) + "[MASK]"
    call(public_function(fn), text)


@FAST
@given(k=st.one_of(st.integers(-10**6, 10**6), st.floats(allow_nan=True), st.none(), st.booleans(), st.text(max_size=3)))
def test_any_k_is_answered_or_refused_clearly(models, k):
    call(public_function("fill_mask"), "The cat sat on the [MASK].", k=k)
    call(public_function("next_word_distribution"), "The cat sat on the", k=k)


@FAST
@given(tokens=st.one_of(st.integers(-5, 10**6), st.none(), st.floats(allow_nan=True)),
       temperature=st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=3)),
       top_k=st.one_of(st.none(), st.integers(-5, 10**6)),
       top_p=st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True)))
def test_any_sampling_setting_is_answered_or_refused_clearly(models, tokens, temperature, top_k, top_p):
    if isinstance(tokens, int) and tokens > 20:
        tokens = 20 + tokens % 200  # still exercises the cap (200) without generating 10^6 tokens
    call(public_function("generate"), "The cat", tokens=tokens, temperature=temperature, top_k=top_k, top_p=top_p, seed=0)


# ----------------------------------------------------------------------------- search

@pytest.fixture(scope="module")
def engine():
    """The real engine over the real glossary (MiniLM; passage embeddings from the on-disk cache)."""
    from sslgloss import load_glossary
    from sslgloss.search import SearchEngine
    from sslgloss.search.cache import cache_root

    eng = SearchEngine.from_glossary(load_glossary(), cache_dir=cache_root() / "search")
    eng.passage_embeddings()
    return eng


def fuzz_search(engine, text: str) -> None:
    for mode in ("keyword", "semantic", "hybrid"):
        results, error = call(engine.search, text, k=5, mode=mode)
        if results is None:
            assert isinstance(error, InputError) and not " ".join(text[:4000].split())
            continue
        assert len(results) <= 5
        assert len({r.term_id for r in results}) == len(results)
        assert all(r.term_id in engine.titles and math.isfinite(r.score) for r in results)
        if mode == "semantic":
            assert len(results) == min(5, len(engine.term_ids))  # meaning always ranks every term


@FAST
@given(text=user_text())
def test_search_answers_or_refuses_any_text(engine, text):
    fuzz_search(engine, text)


@pytest.mark.slow
@SLOW
@given(text=user_text())
def test_search_answers_or_refuses_any_text_long_run(engine, text):
    fuzz_search(engine, text)


def test_search_of_a_megabyte_is_bounded(engine):
    fuzz_search(engine, "how do models learn without labels " * (MB // 35))


# ----------------------------------------------------------------------------- demo inputs from URLs

@FAST
@given(text=st.one_of(user_text(big=False), st.text(st.sampled_from("0123456789, ²١٣")), st.just("9" * 5000)))
def test_masked_image_patch_list_from_a_url(text):
    """``?mask=`` of the masked-image demo: any text gives a mask or an InputError naming the valid patches."""
    from sslgloss.scenarios import masked_image as mi

    try:
        hidden = mi.parse_patches(text)
    except InputError as err:
        check_message(err)
        assert "0 to 15" in str(err)
    else:
        assert hidden.shape == (mi.NUM_PATCHES,)


@FAST
@given(text=user_text())
def test_sentiment_demo_answers_or_refuses_any_text(text):
    from sslgloss.scenarios import few_label_sentiment as fs

    result, error = call(fs.predict, text)
    if result is not None:
        assert [r["label"] in ("positive", "negative") for r in result] == [True, True]


# ----------------------------------------------------------------------------- text Python allows and browsers do not

# Lone surrogates reach the library from the command line: Python decodes argv bytes that are not
# UTF-8 with surrogateescape (`sslgloss mask $'caf\xe9 [MASK]'` in a Latin-1 terminal).
SURROGATE_TEXT = "caf\udce9 [MASK] \ud800"
# The tokenizers raise TypeError("TextInputSequence must be str") on them, so both the models and the
# search replace them with U+FFFD where text enters (sslgloss.text.replace_lone_surrogates).


@pytest.mark.parametrize("fn", ["fill_mask", "next_word_distribution", "generate", "attention"])
def test_lone_surrogates_give_an_answer_or_input_error(models, fn):
    call(public_function(fn), SURROGATE_TEXT)


@pytest.mark.parametrize("mode", ["keyword", "semantic", "hybrid"])
def test_lone_surrogates_in_a_search(engine, mode):
    call(engine.search, SURROGATE_TEXT, mode=mode)
