"""Next word: the next-word model's (and the n-gram baseline's) most likely next whole words after a prompt.

The model predicts WordPiece tokens; a next word is a word-start token
extended by the ``##pieces`` the model itself thinks come next (at most
MAX_WORD_PIECES tokens). :func:`next_token_distribution` shows the raw tokens
instead. :func:`step` and :func:`append_word` are "write with the model" one
word at a time.

>>> next_word_distribution("The cat sat on the", k=3)[0].word  # doctest: +SKIP
'floor'
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from sslgloss.ml import registry
from sslgloss.ml.checks import Prediction, Predictions, check_k, prompt_ids
from sslgloss.ml.tokenizer import is_punctuation, join_tokens

MAX_WORD_PIECES = 4  # a next word is at most this many WordPiece tokens


def next_word_distribution(prompt: str, k: int = 5, punctuation: bool = False) -> Predictions:
    """The ``k`` most likely next whole words after ``prompt`` from the next-word model."""
    lm = registry.get_model("next-word")
    notices: list[str] = []
    k = check_k(k, notices)
    ids, _ = prompt_ids(lm, prompt, notices, lm.model.config.block_size)
    return Predictions(_next_words(lm, _NeuralSource(lm, ids), k, punctuation), notices)


def next_token_distribution(prompt: str, k: int = 5) -> Predictions:
    """The model's raw output: the ``k`` most likely next tokens (``##`` pieces included), one forward pass.

    This is the distribution the model computes; :func:`next_word_distribution` builds whole words
    on top of it (one more pass per extra word piece).
    """
    lm = registry.get_model("next-word")
    notices: list[str] = []
    k = check_k(k, notices)
    ids, _ = prompt_ids(lm, prompt, notices, lm.model.config.block_size)
    with torch.inference_mode():
        logits, _ = lm.model(torch.tensor([ids]), last_only=True)
    probs = F.softmax(logits[0, -1], dim=-1)
    probs[lm.mask_id] = 0
    values, idx = probs.topk(min(k, probs.numel()))
    return Predictions([Prediction(lm.id_to_token[i], float(v)) for v, i in zip(values.tolist(), idx.tolist())], notices)


def ngram_next_word_distribution(prompt: str, k: int = 5, punctuation: bool = False) -> Predictions:
    """The same question answered by the Kneser-Ney trigram baseline (same tokens)."""
    lm = registry.get_model("next-word")
    kn = registry.get_ngram()
    notices: list[str] = []
    k = check_k(k, notices)
    ids, _ = prompt_ids(lm, prompt, notices, lm.model.config.block_size)
    return Predictions(_next_words(lm, _NgramSource(kn, ids), k, punctuation), notices)


def step(prompt: str, k: int = 5) -> Predictions:
    """One step of "write with the model": the candidates for the next word (choose one, then append_word)."""
    return next_word_distribution(prompt, k)


def append_word(prompt: str, word: str) -> str:
    """``prompt`` with ``word`` added as the next word (no space before closing punctuation)."""
    prompt = prompt.rstrip()
    if not prompt:
        return word
    if word and (is_punctuation(word) and word not in "(\"'[{$") or prompt.endswith(("(", "[", "{", "$")):
        return prompt + word
    return f"{prompt} {word}"


class _NeuralSource:
    """Next-token probabilities from the causal model, keeping a KV cache for the prompt."""

    def __init__(self, lm: registry.LoadedModel, ids: list[int]):
        self.lm = lm
        self.cache = lm.model.new_cache()
        with torch.inference_mode():
            logits, _ = lm.model(torch.tensor([ids]), kv_cache=self.cache, last_only=True)
        self.first = F.softmax(logits[0, -1], dim=-1)

    @torch.inference_mode()
    def extend(self, paths: list[list[int]]) -> torch.Tensor:
        """Next-token probabilities after the prompt + each path (all paths the same length)."""
        n = len(paths)
        cache = [{"k": c["k"].expand(n, -1, -1, -1), "v": c["v"].expand(n, -1, -1, -1)} for c in self.cache]
        logits, _ = self.lm.model(torch.tensor(paths), kv_cache=cache, last_only=True)
        return F.softmax(logits[:, -1], dim=-1)  # (n, V)


class _NgramSource:
    def __init__(self, kn, ids: list[int]):
        self.kn = kn
        self.ids = ids
        self.first = torch.from_numpy(kn.distribution(ids)).float()

    def extend(self, paths: list[list[int]]) -> torch.Tensor:
        return torch.stack([torch.from_numpy(self.kn.distribution(self.ids + p)).float() for p in paths])


def _next_words(lm: registry.LoadedModel, source, k: int, punctuation: bool) -> list[Prediction]:
    """Top word-start tokens, each extended greedily while the model's best next token is a ##piece."""
    allowed = lm.allowed(punctuation)
    first = torch.where(allowed, source.first, torch.zeros_like(source.first))
    n = min(2 * k, int(allowed.sum()))  # a few spare: extended candidates can merge into one word
    values, idx = first.topk(n)
    paths = [[i] for i in idx.tolist()]
    probs = values.tolist()
    alive = [not lm.punct_ids[i] for i in idx.tolist()]  # punctuation is complete as it is
    for _ in range(MAX_WORD_PIECES - 1):
        active = [j for j, a in enumerate(alive) if a]
        if not active:
            break
        nxt = source.extend([paths[j] for j in active])  # (n_active, V)
        best_p, best_i = nxt.max(dim=-1)
        for row, j in enumerate(active):
            tok = int(best_i[row])
            if lm.cont_ids[tok]:
                paths[j].append(tok)
                probs[j] *= float(best_p[row])
            else:
                alive[j] = False
        # paths of unequal length cannot share a batch: stop the ones that did not grow
        lengths = {len(paths[j]) for j, a in enumerate(alive) if a}
        if len(lengths) > 1:
            longest = max(lengths)
            alive = [a and len(paths[j]) == longest for j, a in enumerate(alive)]
    merged: dict[str, float] = {}
    for path, p in zip(paths, probs):
        word = join_tokens([lm.id_to_token[i] for i in path])
        merged[word] = merged.get(word, 0.0) + p
    ranked = sorted(merged.items(), key=lambda kv: -kv[1])[:k]
    return [Prediction(w, p) for w, p in ranked if p > 0]
