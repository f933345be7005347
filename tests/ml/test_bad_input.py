"""Every kind of bad input gets a clear InputError or a notice, never a traceback."""

from __future__ import annotations

import time

import pytest

from sslgloss.errors import InputError
from sslgloss.ml.attention import attention
from sslgloss.ml.fill_mask import fill_mask
from sslgloss.ml.generate import generate
from sslgloss.ml.live import train_live
from sslgloss.ml.next_word import next_word_distribution


@pytest.mark.parametrize(
    "text, message",
    [
        ("The cat sat on the mat.", "no [MASK]"),
        ("", "no [MASK]"),
        ("   \n\t ", "no [MASK]"),
        ("?!...", "no [MASK]"),
        (None, "no text"),
        (42, "must be a string"),
    ],
)
def test_fill_mask_rejects_text_it_cannot_use(shipped, text, message):
    with pytest.raises(InputError, match=message.replace("[", r"\[").replace("]", r"\]")) as err:
        fill_mask(text)
    if "no [MASK]" in message:
        assert "e.g." in str(err.value)  # the message shows an example


@pytest.mark.parametrize(
    "text",
    ["[MASK]", "[mask] is here", "😀 😀 [MASK] 😀", "שלום [MASK] עולם", "مرحبا [MASK]", "a\x00b\x07c [MASK]\x1b[31m", "[MASK] " * 40],
)
def test_fill_mask_copes_with_odd_text(shipped, text):
    result = fill_mask(text, k=3)
    assert len(result) >= 1 and all(len(preds) <= 3 for preds in result)


def test_unknown_scripts_are_noticed(shipped):
    assert any("unknown" in n for n in fill_mask("😀 [MASK]").notices)


def test_long_text_is_cut_around_the_mask(shipped):
    text = "word " * 300 + "the cat sat on the [MASK]. " + "word " * 300
    result = fill_mask(text, k=3)
    assert result.notices and "tokens" in result.notices[0]


def test_a_megabyte_is_answered_quickly(shipped):
    text = "lorem ipsum " * 90_000 + "[MASK]" + " dolor" * 10_000
    start = time.perf_counter()
    result = fill_mask(text)
    assert time.perf_counter() - start < 5  # bounded: cut before tokenizing (generous for a shared CPU)
    assert any("characters" in n for n in result.notices)
    preds = next_word_distribution(text, k=2)
    assert any("characters" in n for n in preds.notices)


def test_too_many_masks_are_capped(shipped):
    result = fill_mask("[MASK] " * 30, k=2)
    assert len(result) == 16 and any("first 16" in n for n in result.notices)


@pytest.mark.parametrize("k", [0, -1, "5", 2.5, None, True])
def test_bad_k_is_a_clear_error(shipped, k):
    with pytest.raises(InputError, match="k must"):
        fill_mask("The [MASK].", k=k)
    with pytest.raises(InputError, match="k must"):
        next_word_distribution("The", k=k)


def test_huge_k_is_clamped_with_a_notice(shipped):
    result = fill_mask("The [MASK].", k=100_000)
    assert len(result[0]) == 50 and any("showing 50" in n for n in result.notices)
    preds = next_word_distribution("The", k=100_000)
    assert len(preds) <= 50 and preds.notices


@pytest.mark.parametrize("prompt", ["", "   ", "...", "😀", "שלום", "\x00\x01"])
def test_next_word_copes_with_odd_prompts(shipped, prompt):
    preds = next_word_distribution(prompt, k=3)
    assert 1 <= len(preds) <= 3


def test_empty_prompt_says_what_it_shows(shipped):
    assert any("empty" in n for n in next_word_distribution("", k=3).notices)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"tokens": 0}, "tokens must"),
        ({"tokens": "many"}, "tokens must"),
        ({"top_p": 0}, "top-p"),
        ({"top_p": 1.5}, "top-p"),
        ({"top_k": -3}, "top-k"),
        ({"temperature": "hot"}, "temperature"),
        ({"temperature": float("nan")}, "temperature"),
    ],
)
def test_bad_sampling_settings_are_clear_errors(shipped, kwargs, message):
    with pytest.raises(InputError, match=message):
        generate("The cat", **kwargs)


@pytest.mark.parametrize("temperature", [0, -1])
def test_temperature_at_or_below_zero_is_greedy_with_a_notice(shipped, temperature):
    result = generate("The cat", tokens=3, temperature=temperature)
    assert any("greedy" in n for n in result.notices)


def test_too_many_tokens_are_clamped(shipped):
    result = generate("The", tokens=10_000, temperature=0)
    assert any("200" in n for n in result.notices)


def test_generate_from_nothing(shipped):
    result = generate("", tokens=5, seed=0)
    assert any("empty" in n for n in result.notices)


def test_attention_rejects_empty_text_and_unknown_models(shipped):
    with pytest.raises(InputError, match="empty"):
        attention("  ")
    with pytest.raises(InputError, match="model must"):
        attention("hi", model="gpt")


@pytest.mark.parametrize("kwargs", [{"steps": 0}, {"steps": 10**6}, {"every": 0}, {"text": "!!! ..."}])
def test_train_live_rejects_bad_settings(shipped, kwargs):
    with pytest.raises(InputError):
        train_live(**{"text": "Cats sleep a lot.", "steps": 10, **kwargs})
