"""Shared fixtures for the text-model tests: a toy corpus, its tokenizer, and the shipped weights."""

from __future__ import annotations

import pytest
import torch

from sslgloss.ml import registry
from sslgloss.ml.checkpoint import SHIPPED_DIR
from sslgloss.ml.tokenizer import train_tokenizer

TOY_LINES = [
    "the cat sat on the mat.",
    "the dog sat on the rug.",
    "a bird flew over the house.",
    "the sun rises in the east and sets in the west.",
    "she drank a cup of tea in the morning.",
    "he opened the door and walked into the room.",
    "children played in the park after school.",
    "a masked language model predicts the missing word.",
    "self-supervised learning needs no labelled data.",
    "the model learns from raw text without labels.",
] * 20


@pytest.fixture(scope="session", autouse=True)
def _one_thread():
    torch.set_num_threads(1)  # tiny models: one thread is fastest, and the machine is shared


@pytest.fixture(scope="session")
def toy_tokenizer():
    tokenizer = train_tokenizer(TOY_LINES, vocab_size=300, min_frequency=1)
    tokenizer.toy_lines = TOY_LINES  # the lines it was trained on, for tests that train a model
    return tokenizer


@pytest.fixture(scope="session")
def shipped(tmp_path_factory):
    """Serve the weights shipped in the package, whatever the user's cache dir holds."""
    if not (SHIPPED_DIR / "masked.pt").exists() or not (SHIPPED_DIR / "next-word.pt").exists():
        pytest.fail(f"no shipped weights in {SHIPPED_DIR}; run `sslgloss train --preset release` and copy them there")
    mp = pytest.MonkeyPatch()
    mp.setenv("SSLGLOSS_CACHE", str(tmp_path_factory.mktemp("empty-cache")))
    registry.reset()
    yield registry
    registry.reset()
    mp.undo()
