"""The process-wide text models: loaded once on first use, then shared read-only by every caller.

``get_model("masked")`` / ``get_model("next-word")`` load the cache dir's
checkpoint if there is one, else the weights shipped in the package, behind a
lock; after that inference only reads them, so concurrent demo sessions can
share them. ``get_ngram()`` is the Kneser-Ney trigram baseline over the
next-word model's tokens. ``use_checkpoint`` and ``reset`` swap or forget them
(tests, or a model just trained).
"""

from __future__ import annotations

import threading

import torch

from sslgloss.ml.checkpoint import Checkpoint, find_checkpoint, load_checkpoint
from sslgloss.ml.ngram import load_or_build_ngram
from sslgloss.ml.tokenizer import MASK, SEP, UNK, is_continuation, is_punctuation, is_word
from sslgloss.storage import release_free_memory


class LoadedModel:
    """A checkpoint plus what inference needs from its vocabulary, computed once."""

    def __init__(self, checkpoint: Checkpoint):
        self.checkpoint = checkpoint
        self.model = checkpoint.model.eval()
        self.tokenizer = checkpoint.tokenizer
        vocab = self.tokenizer.get_vocab()
        self.id_to_token = [""] * len(vocab)
        for tok, i in vocab.items():
            self.id_to_token[i] = tok
        self.word_ids = torch.tensor([is_word(t) for t in self.id_to_token])
        self.punct_ids = torch.tensor([is_punctuation(t) for t in self.id_to_token])
        self.cont_ids = torch.tensor([is_continuation(t) for t in self.id_to_token])
        self.sep_id = self.tokenizer.token_to_id(SEP)
        self.mask_id = self.tokenizer.token_to_id(MASK)
        self.unk_id = self.tokenizer.token_to_id(UNK)
        counts = checkpoint.extra.get("unigram_counts")
        self.unigram = (counts.double() if counts is not None else torch.ones(len(vocab), dtype=torch.float64))

    def allowed(self, punctuation: bool) -> torch.Tensor:
        return self.word_ids | self.punct_ids if punctuation else self.word_ids

    def encode(self, text: str) -> list[int]:
        return self.tokenizer.encode(text, add_special_tokens=False).ids


_lock = threading.Lock()
_ngram_lock = threading.Lock()  # separate: building the n-gram model takes seconds; models stay servable
_loaded: dict[str, LoadedModel] = {}
_ngram = None


def get_model(kind: str) -> LoadedModel:
    """The ``masked`` or ``next-word`` model, loaded on first use (CheckpointError if there is none)."""
    with _lock:
        if kind not in _loaded:
            _loaded[kind] = LoadedModel(load_checkpoint(find_checkpoint(kind), kind))
            release_free_memory()
        return _loaded[kind]


def use_checkpoint(kind: str, checkpoint: Checkpoint) -> None:
    """Serve ``checkpoint`` for ``kind`` from now on (tests, or a model just trained)."""
    global _ngram
    with _lock:
        _loaded[kind] = LoadedModel(checkpoint)
        if kind == "next-word":
            _ngram = None


def reset() -> None:
    """Forget loaded models (the next call loads again from disk)."""
    global _ngram
    with _lock:
        _loaded.clear()
        _ngram = None


def get_ngram():
    """The Kneser-Ney trigram baseline over the next-word model's tokens (built from the corpus once, then cached)."""
    global _ngram
    lm = get_model("next-word")
    with _ngram_lock:
        if _ngram is None:
            _ngram = load_or_build_ngram(lm.tokenizer)
            release_free_memory()
        return _ngram
