"""What the demos and the CLI call: fill in [MASK]s, next-word distributions, generation, attention maps.

Models load once per process (the cache dir's checkpoint if there is one, else
the weights shipped in the package) behind a lock; after that every function
here only reads them, so concurrent demo sessions can share them.

Answers are whole words: the models predict WordPiece tokens, so ``##piece``
continuations are never offered as an answer to a [MASK] (a single [MASK] is
one token), and a next word is a word-start token extended by the pieces the
model itself thinks come next. Punctuation is offered only when asked for.

Bad input never raises anything but :class:`sslgloss.errors.InputError` (a
ValueError) with a message that says what would work; where the input can be
used after a change (too long, k too large, temperature 0), the result carries
a ``notices`` list saying what was changed.

>>> fill_mask("The cat sat on the [MASK].", k=3)[0][0].word  # doctest: +SKIP
'floor'
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import torch
import torch.nn.functional as F

from sslgloss.errors import InputError
from sslgloss.text import replace_lone_surrogates
from sslgloss.ml.checkpoint import Checkpoint, find_checkpoint, load_checkpoint
from sslgloss.ml.tokenizer import MASK, SEP, UNK, is_continuation, is_punctuation, is_word, join_tokens

MAX_INPUT_CHARS = 20_000  # longer text is cut before tokenizing, so a 1 MB paste costs milliseconds
MAX_K = 50
MAX_MASKS = 16
MASKED_WINDOW = 128  # tokens the masked model reads around each [MASK]
MAX_GENERATE_TOKENS = 200
MAX_WORD_PIECES = 4  # a next word is at most this many WordPiece tokens
MASK_EXAMPLE = 'put [MASK] where a word is missing, e.g. "The cat sat on the [MASK]."'


@dataclass(frozen=True)
class Prediction:
    word: str
    prob: float


class Predictions(list):
    """A list of :class:`Prediction` (most likely first) that also carries ``notices``."""

    def __init__(self, items=(), notices: list[str] | None = None):
        super().__init__(items)
        self.notices = list(notices or [])


class MaskPredictions(list):
    """One list of :class:`Prediction` per [MASK], in text order; ``notices`` and the ``tokens`` read."""

    def __init__(self, items=(), notices: list[str] | None = None, tokens: list[str] | None = None):
        super().__init__(items)
        self.notices = list(notices or [])
        self.tokens = list(tokens or [])


# -- loading, once ------------------------------------------------------------------------------


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
            from sslgloss.ml.evaluate import load_or_build_ngram

            _ngram = load_or_build_ngram(lm.tokenizer)
        return _ngram


# -- input checks -------------------------------------------------------------------------------

_MASK_SPELLINGS = re.compile(r"\[\s*mask\s*\]|<mask>", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _check_text(text, what: str = "text") -> str:
    if text is None:
        raise InputError(f"no {what} given")
    if not isinstance(text, str):
        raise InputError(f"the {what} must be a string, not {type(text).__name__}")
    text = replace_lone_surrogates(text)
    return _CONTROL.sub(" ", text)


def _check_k(k, notices: list[str]) -> int:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise InputError(f"k must be a whole number between 1 and {MAX_K}, not {k!r}")
    if k < 1:
        raise InputError(f"k must be at least 1 (got {k}); it is how many predictions to show")
    if k > MAX_K:
        notices.append(f"k={k} is more than the {MAX_K} predictions shown at most; showing {MAX_K}")
        return MAX_K
    return int(k)


def _unknown_notice(tokens: list[str], notices: list[str]) -> None:
    n = tokens.count(UNK)
    if n:
        notices.append(
            f"{n} piece(s) of the text are unknown to the model (it learned from English text: emoji and other "
            "scripts read as [UNK])"
        )


def _cut_long(text: str, centre: int, notices: list[str]) -> str:
    if len(text) <= MAX_INPUT_CHARS:
        return text
    start = max(0, min(centre - MAX_INPUT_CHARS // 2, len(text) - MAX_INPUT_CHARS))
    notices.append(f"the text has {len(text):,} characters; only the {MAX_INPUT_CHARS:,} around the first [MASK] were read")
    return text[start : start + MAX_INPUT_CHARS]


# -- fill in the blank --------------------------------------------------------------------------


def fill_mask(text: str, k: int = 5, punctuation: bool = False) -> MaskPredictions:
    """The ``k`` most likely whole words for each [MASK] in ``text`` (several masks are fine).

    Probabilities are the model's own, over its whole vocabulary (so they need not add up to 1
    over the words shown).
    """
    lm = get_model("masked")
    notices: list[str] = []
    k = _check_k(k, notices)
    ids, positions, tokens = _masked_input(lm, text, notices)
    probs = _masked_probs(lm, ids, positions, notices)  # (M, V)
    allowed = lm.allowed(punctuation)
    out = [_top_words(lm, p, allowed, k) for p in probs]
    return MaskPredictions(out, notices, tokens)


def unigram_fill_mask(text: str, k: int = 5, punctuation: bool = False) -> MaskPredictions:
    """The baseline: the most frequent words of the training text, whatever the context."""
    lm = get_model("masked")
    notices: list[str] = []
    k = _check_k(k, notices)
    ids, positions, tokens = _masked_input(lm, text, notices)
    p = lm.unigram / lm.unigram.sum()
    row = _top_words(lm, p.float(), lm.allowed(punctuation), k)
    return MaskPredictions([list(row) for _ in positions], notices, tokens)


def _masked_input(lm: LoadedModel, text, notices: list[str]) -> tuple[list[int], list[int], list[str]]:
    text = _check_text(text)
    text = _MASK_SPELLINGS.sub(f" {MASK} ", text)
    first = text.find(MASK)
    if first < 0:
        raise InputError(f"no [MASK] in the text; {MASK_EXAMPLE}")
    text = _cut_long(text, first, notices)
    enc = lm.tokenizer.encode(text, add_special_tokens=False)
    ids = [lm.sep_id, *enc.ids, lm.sep_id]
    positions = [i for i, t in enumerate(ids) if t == lm.mask_id]
    if not positions:  # the cut removed every mask (cannot happen: the cut centres on the first one)
        raise InputError(f"no [MASK] in the text; {MASK_EXAMPLE}")
    if len(positions) > MAX_MASKS:
        notices.append(f"the text has {len(positions)} [MASK]s; predicting the first {MAX_MASKS}")
        positions = positions[:MAX_MASKS]
    tokens = [lm.id_to_token[i] for i in ids]
    _unknown_notice(tokens, notices)
    return ids, positions, tokens


@torch.inference_mode()
def _masked_probs(lm: LoadedModel, ids: list[int], positions: list[int], notices: list[str]) -> torch.Tensor:
    L = MASKED_WINDOW
    if len(ids) <= L:
        h = lm.model.hidden(torch.tensor([ids]))  # (1, T, C)
        return F.softmax(lm.model.predict(h[0, positions]), dim=-1)  # vocabulary logits at the masks only
    notices.append(
        f"the text is {len(ids)} tokens long and the model reads at most {L}; "
        f"each [MASK] was predicted from the {L} tokens around it"
    )
    windows, where = [], []
    for p in positions:
        start = max(0, min(p - L // 2, len(ids) - L))
        windows.append(ids[start : start + L])
        where.append(p - start)
    h = lm.model.hidden(torch.tensor(windows))  # (M, L, C)
    return F.softmax(lm.model.predict(h[torch.arange(len(positions)), where]), dim=-1)


def _top_words(lm: LoadedModel, probs: torch.Tensor, allowed: torch.Tensor, k: int) -> list[Prediction]:
    masked = torch.where(allowed, probs, torch.zeros_like(probs))
    values, idx = masked.topk(min(k, int(allowed.sum())))
    return [Prediction(lm.id_to_token[i], float(v)) for v, i in zip(values.tolist(), idx.tolist()) if v > 0]


# -- next word ----------------------------------------------------------------------------------


def _prompt_ids(lm: LoadedModel, prompt, notices: list[str], max_tokens: int) -> tuple[list[int], str]:
    prompt = _check_text(prompt, "prompt")
    if len(prompt) > MAX_INPUT_CHARS:
        notices.append(f"the prompt has {len(prompt):,} characters; only the last {MAX_INPUT_CHARS:,} were read")
        prompt = prompt[-MAX_INPUT_CHARS:]
    if not prompt.strip():
        notices.append("the prompt is empty: these are the words a text most often starts with")
    ids = lm.encode(prompt)
    _unknown_notice([lm.id_to_token[i] for i in ids], notices)
    if len(ids) > max_tokens - 1:
        notices.append(f"the prompt is {len(ids)} tokens long; the model reads the last {max_tokens - 1}")
        ids = ids[-(max_tokens - 1) :]
    return [lm.sep_id, *ids], prompt


def next_word_distribution(prompt: str, k: int = 5, punctuation: bool = False) -> Predictions:
    """The ``k`` most likely next whole words after ``prompt`` from the next-word model."""
    lm = get_model("next-word")
    notices: list[str] = []
    k = _check_k(k, notices)
    ids, _ = _prompt_ids(lm, prompt, notices, lm.model.config.block_size)
    return Predictions(_next_words(lm, _NeuralSource(lm, ids), k, punctuation), notices)


def next_token_distribution(prompt: str, k: int = 5) -> Predictions:
    """The model's raw output: the ``k`` most likely next tokens (``##`` pieces included), one forward pass.

    This is the distribution the model computes; :func:`next_word_distribution` builds whole words
    on top of it (one more pass per extra word piece).
    """
    lm = get_model("next-word")
    notices: list[str] = []
    k = _check_k(k, notices)
    ids, _ = _prompt_ids(lm, prompt, notices, lm.model.config.block_size)
    with torch.inference_mode():
        logits, _ = lm.model(torch.tensor([ids]), last_only=True)
    probs = F.softmax(logits[0, -1], dim=-1)
    probs[lm.mask_id] = 0
    values, idx = probs.topk(min(k, probs.numel()))
    return Predictions([Prediction(lm.id_to_token[i], float(v)) for v, i in zip(values.tolist(), idx.tolist())], notices)


def ngram_next_word_distribution(prompt: str, k: int = 5, punctuation: bool = False) -> Predictions:
    """The same question answered by the Kneser-Ney trigram baseline (same tokens)."""
    lm = get_model("next-word")
    kn = get_ngram()
    notices: list[str] = []
    k = _check_k(k, notices)
    ids, _ = _prompt_ids(lm, prompt, notices, lm.model.config.block_size)
    return Predictions(_next_words(lm, _NgramSource(kn, ids), k, punctuation), notices)


class _NeuralSource:
    """Next-token probabilities from the causal model, keeping a KV cache for the prompt."""

    def __init__(self, lm: LoadedModel, ids: list[int]):
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


def _next_words(lm: LoadedModel, source, k: int, punctuation: bool) -> list[Prediction]:
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


# -- generation ---------------------------------------------------------------------------------


@dataclass
class Generation:
    prompt: str
    continuation: str
    tokens: list[str]  # the generated WordPiece tokens
    notices: list[str] = field(default_factory=list)
    stopped: str = "length"  # "length" or "end of text"

    @property
    def text(self) -> str:
        if not self.continuation:
            return self.prompt
        if self.tokens and is_continuation(self.tokens[0]):  # the model finished the prompt's last word
            return self.prompt.rstrip() + self.continuation
        return append_word(self.prompt, self.continuation)


def _check_sampling(tokens, temperature, top_k, top_p, notices: list[str]) -> tuple[int, float, int | None, float | None]:
    if isinstance(tokens, bool) or not isinstance(tokens, (int, np.integer)):
        raise InputError(f"tokens must be a whole number between 1 and {MAX_GENERATE_TOKENS}, not {tokens!r}")
    if tokens < 1:
        raise InputError(f"tokens must be at least 1 (got {tokens})")
    if tokens > MAX_GENERATE_TOKENS:
        notices.append(f"tokens={tokens} is more than {MAX_GENERATE_TOKENS}; generating {MAX_GENERATE_TOKENS}")
        tokens = MAX_GENERATE_TOKENS
    try:
        temperature = float(temperature)
    except (TypeError, ValueError):
        raise InputError(f"temperature must be a number, not {temperature!r}") from None
    if not np.isfinite(temperature):
        raise InputError("temperature must be a finite number (1.0 samples from the model as it is)")
    if temperature <= 0:
        notices.append(f"temperature {temperature:g} <= 0: choosing the most likely token each time (greedy)")
        temperature = 0.0
    if top_k is not None:
        if isinstance(top_k, bool) or not isinstance(top_k, (int, np.integer)) or top_k < 0:
            raise InputError(f"top-k must be a whole number >= 0 (0 means no limit), not {top_k!r}")
        top_k = int(top_k) or None
    if top_p is not None:
        try:
            top_p = float(top_p)
        except (TypeError, ValueError):
            raise InputError(f"top-p must be a number in (0, 1], not {top_p!r}") from None
        if not 0 < top_p <= 1:
            raise InputError(f"top-p must be in (0, 1] (1 keeps every token), not {top_p:g}")
    return int(tokens), temperature, top_k, top_p


def sample_token(probs: torch.Tensor, temperature: float, top_k: int | None, top_p: float | None,
                 generator: torch.Generator) -> int:
    """One token from a probability vector, with temperature, top-k and nucleus (top-p) filtering.

    A token of probability 0 is never drawn, at any temperature.
    """
    if temperature == 0:
        return int(probs.argmax())
    return sample_from_logits(probs.log(), temperature, top_k, top_p, generator)  # log(0) = -inf stays impossible


def sample_from_logits(logits: torch.Tensor, temperature: float, top_k: int | None, top_p: float | None,
                       generator: torch.Generator) -> int:
    """:func:`sample_token` for logits (-inf = impossible), one softmax fewer: what generation uses."""
    if temperature == 0:
        return int(logits.argmax())
    logits = logits / temperature
    if top_k is not None and top_k < logits.numel():
        kth = logits.topk(top_k).values[-1]
        logits = logits.masked_fill(logits < kth, float("-inf"))
    p = F.softmax(logits, dim=-1)
    if top_p is not None and top_p < 1:
        sorted_p, order = p.sort(descending=True)
        keep = sorted_p.cumsum(0) - sorted_p < top_p  # always keeps the most likely token
        p = torch.zeros_like(p).scatter(0, order[keep], sorted_p[keep])
        p = p / p.sum()
    # inverse-CDF draw: one uniform number against the running sum (torch.multinomial draws one
    # exponential per vocabulary entry, ~10x slower for a single sample)
    cdf = p.cumsum(0)
    u = torch.rand(1, generator=generator, dtype=cdf.dtype) * cdf[-1]
    tok = int(torch.searchsorted(cdf, u, right=True).clamp_max(p.numel() - 1))
    while tok > 0 and p[tok] == 0:  # u fell on a boundary ending in zero-probability entries: take the last live one before
        tok -= 1
    return tok


def generate(prompt: str, tokens: int = 30, temperature: float = 1.0, top_k: int | None = 40,
             top_p: float | None = None, seed: int | None = None, stop_at_end: bool = True) -> Generation:
    """Continue ``prompt`` with the next-word model, one token at a time with a KV cache.

    Stops early at the end-of-text token unless ``stop_at_end`` is False (then that token is never drawn).
    """
    lm = get_model("next-word")
    notices: list[str] = []
    tokens, temperature, top_k, top_p = _check_sampling(tokens, temperature, top_k, top_p, notices)
    block = lm.model.config.block_size
    ids, prompt = _prompt_ids(lm, prompt, notices, block)
    gen = torch.Generator().manual_seed(seed if seed is not None else 0)
    model = lm.model
    context = list(ids)
    cache = model.new_cache()
    out: list[int] = []
    stopped = "length"
    with torch.inference_mode():
        logits = model(torch.tensor([context]), kv_cache=cache, last_only=True)[0][0, -1]
        for _ in range(tokens):
            logits[lm.mask_id] = float("-inf")  # never used in training as a next token; keep it out of text
            if not stop_at_end:
                logits[lm.sep_id] = float("-inf")
            tok = sample_from_logits(logits, temperature, top_k, top_p, gen)
            if tok == lm.sep_id:
                stopped = "end of text"
                break
            out.append(tok)
            context.append(tok)
            if len(out) == tokens:  # done: the model need not read the last token
                break
            if len(context) >= block:  # slide: rebuild the cache from the last half block
                context = [lm.sep_id] + context[-(block // 2) :]
                cache = model.new_cache()
                logits = model(torch.tensor([context]), kv_cache=cache, last_only=True)[0][0, -1]
            else:
                logits = model.decode_step(tok, cache)
    pieces = [lm.id_to_token[i] for i in out]
    return Generation(prompt, _continuation(pieces), pieces, notices, stopped)


def ngram_generate(prompt: str, tokens: int = 30, temperature: float = 1.0, top_k: int | None = 40,
                   top_p: float | None = None, seed: int | None = None) -> Generation:
    """Continue ``prompt`` with the Kneser-Ney trigram baseline (for side-by-side display)."""
    lm = get_model("next-word")
    kn = get_ngram()
    notices: list[str] = []
    tokens, temperature, top_k, top_p = _check_sampling(tokens, temperature, top_k, top_p, notices)
    ids, prompt = _prompt_ids(lm, prompt, notices, lm.model.config.block_size)
    gen = torch.Generator().manual_seed(seed if seed is not None else 0)
    out: list[int] = []
    stopped = "length"
    context = list(ids)
    for _ in range(tokens):
        probs = torch.from_numpy(kn.distribution(context[-2:])).float()
        probs[lm.mask_id] = 0
        tok = sample_token(probs, temperature, top_k, top_p, gen)
        if tok == lm.sep_id:
            stopped = "end of text"
            break
        out.append(tok)
        context.append(tok)
    pieces = [lm.id_to_token[i] for i in out]
    return Generation(prompt, _continuation(pieces), pieces, notices, stopped)


def _continuation(pieces: list[str]) -> str:
    if pieces and is_continuation(pieces[0]):  # join_tokens would keep a leading ## marker's text apart
        return pieces[0][2:] + (join_tokens(["x", *pieces[1:]])[1:] if len(pieces) > 1 else "")
    return join_tokens(pieces)


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


# -- attention ----------------------------------------------------------------------------------


@dataclass
class AttentionMaps:
    tokens: list[str]
    weights: np.ndarray  # (layers, heads, T, T): row = the token attending, column = attended to
    model: str
    notices: list[str] = field(default_factory=list)


def attention(text: str, model: str = "masked", max_tokens: int = 64) -> AttentionMaps:
    """Every layer's and head's attention weights for ``text`` (masked model by default)."""
    if model not in ("masked", "next-word"):
        raise InputError(f"model must be 'masked' or 'next-word', not {model!r}")
    lm = get_model(model)
    notices: list[str] = []
    text = _check_text(text)
    text = _MASK_SPELLINGS.sub(f" {MASK} ", text)
    text = _cut_long(text, 0, notices) if len(text) > MAX_INPUT_CHARS else text
    if not text.strip():
        raise InputError('the text is empty; type a sentence, e.g. "The cat sat on the mat."')
    ids = lm.encode(text)
    if len(ids) > max_tokens - 2:
        notices.append(f"the text is {len(ids)} tokens long; showing the first {max_tokens - 2}")
        ids = ids[: max_tokens - 2]
    ids = [lm.sep_id, *ids] + ([lm.sep_id] if model == "masked" else [])
    maps = lm.model.attention_maps(torch.tensor([ids]))
    weights = torch.stack([m[0] for m in maps]).numpy()  # (layers, heads, T, T)
    tokens = [lm.id_to_token[i] for i in ids]
    _unknown_notice(tokens, notices)
    return AttentionMaps(tokens, weights, model, notices)


# -- watch it learn -----------------------------------------------------------------------------


@dataclass
class LiveStep:
    step: int
    loss: float
    probes: dict[str, list[Prediction]] | None = None  # filled every ``every`` steps


@dataclass
class LiveResult:
    losses: list[float]
    probes: dict[int, dict[str, list[Prediction]]]  # step -> probe sentence -> predictions
    seconds: float


DEFAULT_LIVE_PROBES = [
    "Self-supervised learning needs no [MASK] data.",
    "The model learns to predict the missing [MASK].",
    "A masked language model fills in the [MASK] word.",
]


def train_live(
    text: str | None = None,
    steps: int = 300,
    callback: Callable[[LiveStep], bool | None] | None = None,
    every: int = 25,
    probes: list[str] | None = None,
    seed: int = 0,
    k: int = 3,
) -> LiveResult:
    """Train a TINY masked model from scratch in seconds, reporting loss every step and probes every ``every``.

    ``text``: the text to learn from (sentences or lines); None uses the glossary's own text.
    ``callback(LiveStep)`` may return True to stop early.
    """
    import time

    from sslgloss.ml.corpus import _glossary_lines_from_files
    from sslgloss.ml.data import pack
    from sslgloss.ml.tokenizer import train_tokenizer
    from sslgloss.ml.train import TrainConfig, preset, train

    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or not 1 <= steps <= 5000:
        raise InputError(f"steps must be a whole number from 1 to 5000, not {steps!r}")
    if isinstance(every, bool) or not isinstance(every, (int, np.integer)) or every < 1:
        raise InputError(f"every must be a whole number >= 1, not {every!r}")
    if text is None:
        lines = _glossary_lines_from_files() or [p.replace("[MASK]", "labelled") for p in DEFAULT_LIVE_PROBES]
    else:
        text = _check_text(text)[: 5 * MAX_INPUT_CHARS]  # a toy model learns from at most ~100k characters
        lines = [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n+", text) if s.strip()]
        if not lines or not any(ch.isalnum() for ch in text):
            raise InputError("the text to learn from has no words; give it a few sentences")
    try:
        tokenizer = get_model("masked").tokenizer
    except Exception:  # no checkpoint at all: a tokenizer of the text itself does for a toy model
        tokenizer = train_tokenizer(lines, vocab_size=2000, min_frequency=1)
    stream = pack(tokenizer, lines)
    chosen = preset("tiny", "masked", tokenizer.get_vocab_size())
    config = TrainConfig(**{**chosen.train.__dict__, "steps": int(steps), "seed": seed})
    probe_texts = probes if probes is not None else (DEFAULT_LIVE_PROBES if text is None else _auto_probes(lines))
    history: dict[int, dict[str, list[Prediction]]] = {}
    mask_id, sep_id = tokenizer.token_to_id(MASK), tokenizer.token_to_id(SEP)
    vocab = tokenizer.get_vocab()
    id_to_token = [""] * len(vocab)
    for tok, i in vocab.items():
        id_to_token[i] = tok
    allowed = torch.tensor([is_word(t) for t in id_to_token])

    def probe(model) -> dict[str, list[Prediction]]:
        out = {}
        model.eval()
        with torch.no_grad():
            for sentence in probe_texts:
                ids = [sep_id, *tokenizer.encode(_MASK_SPELLINGS.sub(f" {MASK} ", sentence), add_special_tokens=False).ids, sep_id]
                pos = [i for i, t in enumerate(ids) if t == mask_id][:1]
                if not pos:
                    continue
                logits, _ = model(torch.tensor([ids[:MASKED_WINDOW]]))
                p = F.softmax(logits[0, pos[0]], dim=-1)
                p = torch.where(allowed, p, torch.zeros_like(p))
                v, i = p.topk(k)
                out[sentence] = [Prediction(id_to_token[j], float(x)) for x, j in zip(v.tolist(), i.tolist())]
        model.train()
        return out

    def on_step(step_no: int, loss: float, model) -> bool | None:
        report = None
        if step_no % every == 0 or step_no == steps or step_no == 1:
            report = probe(model)
            history[step_no] = report
        if callback is not None:
            return callback(LiveStep(step_no, loss, report))
        return None

    start = time.perf_counter()
    result = train("masked", stream, tokenizer, chosen.model, config, progress=False, callback=on_step)
    return LiveResult(result.losses, history, time.perf_counter() - start)


def _auto_probes(lines: list[str], n: int = 3) -> list[str]:
    """Probe sentences from the learner's own text: its first lines with one longer word masked."""
    probes = []
    for line in lines:
        words = line.split()
        candidates = [i for i, w in enumerate(words) if len(w.strip(".,;:!?\"'()")) >= 4 and w.isalpha()]
        if len(words) >= 4 and candidates:
            i = candidates[len(candidates) // 2]
            probes.append(" ".join(words[:i] + ["[MASK]"] + words[i + 1 :]))
        if len(probes) == n:
            break
    return probes or DEFAULT_LIVE_PROBES[:1]
