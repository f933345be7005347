"""The inference API the demos use: fill-mask, next word, generation, attention, watch it learn (shipped weights)."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from sslgloss.ml.attention import attention
from sslgloss.ml.fill_mask import fill_mask, unigram_fill_mask
from sslgloss.ml.generate import generate
from sslgloss.ml.live import train_live
from sslgloss.ml.next_word import append_word, next_token_distribution, next_word_distribution, step
from sslgloss.ml.tokenizer import is_punctuation


def _well_formed(preds, k):
    assert 1 <= len(preds) <= k
    probs = [p.prob for p in preds]
    assert probs == sorted(probs, reverse=True)
    assert all(0 <= p <= 1 for p in probs)
    for p in preds:
        assert p.word and not p.word.startswith("##") and p.word not in ("[UNK]", "[MASK]", "[SEP]", "[PAD]", "[CLS]")


def test_fill_mask_gives_whole_words(shipped):
    result = fill_mask("The cat sat on the [MASK].", k=5)
    assert len(result) == 1
    _well_formed(result[0], 5)
    assert not any(is_punctuation(p.word) for p in result[0])


def test_fill_mask_answers_depend_on_the_context(shipped):
    a = [p.word for p in fill_mask("The cat sat on the [MASK].", k=5)[0]]
    b = [p.word for p in fill_mask("a person who [MASK] a car", k=5)[0]]
    unigram = [p.word for p in unigram_fill_mask("The cat sat on the [MASK].", k=5)[0]]
    assert a != b and a != unigram


def test_next_word_has_learned_gloss_english(shipped):
    # the shipped model learned mostly from WordNet glosses: "a member of the" -> family, genus...
    words = [p.word for p in next_word_distribution("a member of the", k=10)]
    assert {"family", "genus", "order", "class"} & set(words), words


def test_several_masks_get_one_list_each(shipped):
    result = fill_mask("The [MASK] sat on the [MASK].", k=3)
    assert len(result) == 2
    for preds in result:
        _well_formed(preds, 3)


def test_unigram_baseline_ignores_context(shipped):
    a = unigram_fill_mask("The cat sat on the [MASK].", k=4)[0]
    b = unigram_fill_mask("Paris is the capital of [MASK].", k=4)[0]
    assert a == b
    _well_formed(a, 4)


def test_punctuation_only_when_asked(shipped):
    words = [p.word for p in fill_mask("The cat sat on the mat [MASK]", k=10, punctuation=True)[0]]
    assert any(is_punctuation(w) for w in words)


@pytest.mark.parametrize("k", [1, 3, 7])
def test_next_word_respects_k(shipped, k):
    preds = next_word_distribution("The cat sat on the", k=k)
    _well_formed(preds, k)
    assert len(preds) == k


def test_generate_is_reproducible_and_stops(shipped):
    a = generate("A dog is", tokens=12, seed=1)
    b = generate("A dog is", tokens=12, seed=1)
    assert a.text == b.text and a.text.startswith("A dog is")
    assert 0 < len(a.tokens) <= 12


def test_sampling_follows_the_probabilities_and_never_draws_an_impossible_token():
    import torch

    from sslgloss.ml.sampling import sample_token

    p = torch.tensor([0.0, 0.7, 0.0, 0.3, 0.0])
    gen = torch.Generator().manual_seed(0)
    draws = [sample_token(p, 1.0, None, None, gen) for _ in range(2000)]
    assert set(draws) == {1, 3}
    assert 0.65 < draws.count(1) / len(draws) < 0.75
    a = [sample_token(p, 1.0, None, None, torch.Generator().manual_seed(5)) for _ in range(3)]
    b = [sample_token(p, 1.0, None, None, torch.Generator().manual_seed(5)) for _ in range(3)]
    assert a == b


def test_the_raw_next_token_distribution_is_one_pass_of_the_model(shipped):
    tokens = next_token_distribution("The cat sat on the", k=8)
    assert len(tokens) == 8
    probs = [t.prob for t in tokens]
    assert probs == sorted(probs, reverse=True) and 0 < sum(probs) <= 1 + 1e-6
    words = next_word_distribution("The cat sat on the", k=3)
    # whole words are built on the raw tokens: the best word begins with one of the best tokens
    assert any(words[0].word.startswith(t.word) for t in tokens)


def test_greedy_generation_is_the_most_likely_path(shipped):
    a = generate("the sun", tokens=5, temperature=0, seed=1)
    b = generate("the sun", tokens=5, temperature=0, seed=2)
    assert a.text == b.text and a.notices


def test_step_api_appends_a_chosen_word(shipped):
    candidates = step("The cat sat on the", k=3)
    text = append_word("The cat sat on the", candidates[0].word)
    assert text.startswith("The cat sat on the ") and len(text) > len("The cat sat on the ")
    assert append_word("The cat sat", ".") == "The cat sat."


def test_attention_maps_are_distributions(shipped):
    maps = attention("The cat sat on the mat.")
    L, H, T, T2 = maps.weights.shape
    assert T == T2 == len(maps.tokens) and L >= 1 and H >= 1
    assert np.allclose(maps.weights.sum(-1), 1, atol=1e-4)
    causal = attention("The cat sat", model="next-word")
    assert np.allclose(np.triu(causal.weights[0, 0], 1), 0)


def test_concurrent_calls_agree(shipped):
    expected = [p.word for p in fill_mask("He opened the [MASK].", k=3)[0]]
    results = []

    def run():
        results.append([p.word for p in fill_mask("He opened the [MASK].", k=3)[0]])

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [expected] * 4


def test_train_live_learns_and_reports_probes(shipped):
    seen = []
    text = "The cat sat on the mat. The dog sat on the rug. " * 20
    result = train_live(text, steps=40, every=20, callback=seen.append)
    assert [s.step for s in seen] == list(range(1, 41))
    assert sorted(result.probes) == [1, 20, 40]
    assert sum(result.losses[-5:]) < sum(result.losses[:5])
    assert all(len(preds) == 3 for preds in result.probes[40].values())


def test_train_live_can_be_stopped(shipped):
    result = train_live("A small text about cats and dogs. Cats sleep a lot.", steps=100, callback=lambda s: s.step >= 5)
    assert len(result.losses) == 5


@pytest.mark.parametrize("spelling", ["[mask]", "<mask>", "[ Mask ]", "<MASK>"])
def test_every_mask_spelling_is_read_as_mask(shipped, spelling):
    from sslgloss.ml.checks import normalize_masks

    assert normalize_masks(f"The cat sat on the {spelling}.") == "The cat sat on the  [MASK] ."
    expected = fill_mask("The cat sat on the [MASK].", k=3)
    result = fill_mask(f"The cat sat on the {spelling}.", k=3)
    assert list(result) == list(expected) and result.tokens == expected.tokens
    assert attention(f"The {spelling} sat").tokens == attention("The [MASK] sat").tokens




def test_watch_it_learn_shows_learning_within_seconds_on_the_toy_world():
    """The default "watch it learn": the loss falls and the guesses turn into the toy world's facts."""
    from sslgloss.ml.live import TOY_FACTS, TOY_PROBES, train_live

    result = train_live(steps=200, every=50, seed=0)
    first, last = result.losses[0], sum(result.losses[-20:]) / 20
    assert last < first / 2, (first, last)
    objects = {o for _, _, o in TOY_FACTS}
    final = result.probes[max(result.probes)]
    assert set(final) == set(TOY_PROBES)
    right = sum(guesses[0].word in objects for guesses in final.values())
    assert right >= 2, final  # the top guess is one of the facts' objects for most probes
    assert final["Bees make [MASK]."][0].word == "honey" or "honey" in [g.word for g in final["Bees make [MASK]."]]
