"""The one temperature / top-k / top-p implementation: what it keeps, and that draws follow it."""

from __future__ import annotations

import pytest
import torch

from sslgloss.errors import InputError
from sslgloss.ml.sampling import check_sampling, sample_from_logits, sample_token, sampling_distribution

PROBS = torch.tensor([0.5, 0.3, 0.15, 0.05, 0.0])


def test_plain_sampling_keeps_the_distribution():
    p = sampling_distribution(PROBS, 1.0, None, None, probs=True)
    assert torch.allclose(p, PROBS, atol=1e-6)
    assert torch.allclose(sampling_distribution(PROBS.log(), 1.0, None, None), p)  # logits give the same


def test_temperature_zero_is_greedy_and_others_reshape():
    assert sampling_distribution(PROBS, 0.0, None, None, probs=True).tolist() == [1.0, 0.0, 0.0, 0.0, 0.0]
    sharp = sampling_distribution(PROBS, 0.5, None, None, probs=True)
    flat = sampling_distribution(PROBS, 2.0, None, None, probs=True)
    assert sharp[0] > PROBS[0] > flat[0] and sharp[4] == flat[4] == 0  # impossible stays impossible


@pytest.mark.parametrize("top_k", [None, 0])
def test_top_k_none_or_zero_keeps_everything(top_k):
    assert torch.allclose(sampling_distribution([0.5, 0.3, 0.2], 1.0, top_k, None, probs=True), torch.tensor([0.5, 0.3, 0.2]))


def test_top_k_and_top_p_cut_the_tail_and_renormalise():
    p = sampling_distribution(PROBS, 1.0, 2, None, probs=True)
    assert torch.allclose(p, torch.tensor([0.625, 0.375, 0, 0, 0]), atol=1e-6)
    p = sampling_distribution(PROBS, 1.0, None, 0.7, probs=True)  # 0.5 < 0.7, 0.5 + 0.3 >= 0.7: two kept
    assert torch.allclose(p, torch.tensor([0.625, 0.375, 0, 0, 0]), atol=1e-6)
    assert sampling_distribution(PROBS, 1.0, None, 0.01, probs=True).tolist()[0] == 1.0  # the best is always kept


def test_draws_come_only_from_what_the_distribution_keeps():
    gen = torch.Generator().manual_seed(0)
    draws = {sample_from_logits(PROBS.log(), 1.3, 3, 0.9, gen) for _ in range(500)}
    kept = set(sampling_distribution(PROBS.log(), 1.3, 3, 0.9).nonzero().flatten().tolist())
    assert draws <= kept and len(draws) > 1
    assert sample_token(PROBS, 0, None, None, gen) == 0


@pytest.mark.parametrize(
    "settings, message",
    [((float("inf"), None, None), "finite"), (("hot", None, None), "temperature"), ((1.0, -1, None), "top-k"),
     ((1.0, True, None), "top-k"), ((1.0, None, 0), "top-p"), ((1.0, None, "x"), "top-p")],
)
def test_bad_settings_are_clear_errors(settings, message):
    with pytest.raises(InputError, match=message):
        check_sampling(*settings, [])


def test_settings_are_adjusted_with_a_notice():
    notices: list[str] = []
    assert check_sampling(-1, 0, 1, notices) == (0.0, None, 1.0)
    assert len(notices) == 1 and "greedy" in notices[0]
