"""Checkpoints: round trip, load order (cache dir first, then shipped), clear errors when missing or corrupt."""

from __future__ import annotations

import pytest
import torch

from sslgloss.errors import CheckpointError
from sslgloss.ml import checkpoint as ck
from sslgloss.ml.masked_model import MaskedLM, MaskedLMConfig


@pytest.fixture
def small_model():
    torch.manual_seed(0)
    return MaskedLM(MaskedLMConfig(vocab_size=300, d_model=16, n_layers=1, n_heads=4, d_ff=32)).eval()


def test_round_trip_keeps_predictions(tmp_path, small_model, toy_tokenizer):
    path = ck.save_checkpoint(tmp_path / "masked.pt", "masked", small_model, toy_tokenizer, {"seed": 0}, fp16=True)
    loaded = ck.load_checkpoint(path, "masked")
    x = torch.randint(0, 300, (1, 8))
    assert torch.allclose(loaded.model(x)[0], small_model(x)[0], atol=2e-2)
    assert loaded.tokenizer.get_vocab() == toy_tokenizer.get_vocab() and loaded.meta == {"seed": 0}


def test_cache_dir_checkpoint_comes_first(tmp_path, monkeypatch, small_model, toy_tokenizer):
    monkeypatch.setenv("SSLGLOSS_CACHE", str(tmp_path))
    ck.save_checkpoint(tmp_path / "models" / "masked.pt", "masked", small_model, toy_tokenizer)
    assert ck.find_checkpoint("masked") == tmp_path / "models" / "masked.pt"


def test_missing_checkpoint_says_how_to_train(tmp_path, monkeypatch):
    monkeypatch.setenv("SSLGLOSS_CACHE", str(tmp_path))
    monkeypatch.setattr(ck, "SHIPPED_DIR", tmp_path / "nothing-shipped")
    with pytest.raises(CheckpointError, match="sslgloss train masked"):
        ck.find_checkpoint("masked")


@pytest.mark.parametrize("content", [b"", b"not a checkpoint", b"PK\x03\x04 truncated zip"])
def test_corrupt_checkpoint_says_how_to_train(tmp_path, content):
    path = tmp_path / "masked.pt"
    path.write_bytes(content)
    with pytest.raises(CheckpointError, match="unusable.*sslgloss train"):
        ck.load_checkpoint(path, "masked")


def test_wrong_kind_is_refused(tmp_path, small_model, toy_tokenizer):
    path = ck.save_checkpoint(tmp_path / "x.pt", "masked", small_model, toy_tokenizer)
    with pytest.raises(CheckpointError, match="not 'next-word'"):
        ck.load_checkpoint(path, "next-word")


def test_shipped_weights_fit_the_size_budget():
    files = list(ck.SHIPPED_DIR.glob("*"))
    # the two from-scratch models (fp16) and the pretrained start's layers (8-bit): what a pip install downloads
    assert sum(f.stat().st_size for f in files if f.is_file()) <= 35 * 1024 * 1024
