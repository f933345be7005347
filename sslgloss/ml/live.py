"""Watch it learn: train a TINY masked model from scratch in seconds, reporting its loss and guesses as it goes.

:func:`train_live` is what the masking demo's "watch it learn" panel runs: the
loss after every step, and every ``every`` steps the model's top guesses for a
few probe sentences with a [MASK], so a learner sees the guesses go from noise
to sense. It learns from the learner's own text, or else from the glossary's.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch
import torch.nn.functional as F

from sslgloss.errors import InputError
from sslgloss.ml import registry
from sslgloss.ml.checks import MAX_INPUT_CHARS, Prediction, check_text, normalize_masks
from sslgloss.ml.corpus import glossary_lines_from_files
from sslgloss.ml.data import pack
from sslgloss.ml.fill_mask import MASKED_WINDOW
from sslgloss.ml.tokenizer import MASK, SEP, is_word, train_tokenizer
from sslgloss.ml.train import TrainConfig, preset, train


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

# A small world a tiny model can learn in seconds: twelve facts, each said eight ways. In 200 steps
# (about 5 s on one core) its loss falls from ~5 to ~1.5 and its guesses turn from "the/and/a" into
# the facts' words; on the glossary's 80,000 tokens the same model needs minutes to leave "the/and/a".
TOY_FACTS = (("cats", "drink", "milk"), ("dogs", "chase", "balls"), ("birds", "build", "nests"),
             ("cows", "eat", "grass"), ("bees", "make", "honey"), ("fish", "swim in", "water"),
             ("children", "read", "books"), ("farmers", "grow", "wheat"), ("bakers", "bake", "bread"),
             ("pilots", "fly", "planes"), ("monkeys", "eat", "bananas"), ("spiders", "spin", "webs"))
TOY_FRAMES = ("{s} {v} {o}.", "most {s} {v} {o}.", "every day the {s} {v} {o}.", "it is known that {s} {v} {o}.",
              "in the story the {s} {v} {o}.", "my neighbour says that {s} {v} {o}.", "young {s} also {v} {o}.",
              "we watched the {s} as they {v} {o}.")
TOY_PROBES = ["Bees make [MASK].", "Every day the cows eat [MASK].", "Most spiders spin [MASK]."]
SOURCES = ("toy", "glossary")


def toy_lines() -> list[str]:
    """The toy world's 96 sentences ("Most bees make honey.")."""
    return [frame.format(s=s, v=v, o=o).capitalize() for s, v, o in TOY_FACTS for frame in TOY_FRAMES]


def train_live(
    text: str | None = None,
    steps: int = 300,
    callback: Callable[[LiveStep], bool | None] | None = None,
    every: int = 25,
    probes: list[str] | None = None,
    seed: int = 0,
    k: int = 3,
    source: str = "toy",
) -> LiveResult:
    """Train a TINY masked model from scratch in seconds, reporting loss every step and probes every ``every``.

    ``text``: the text to learn from (sentences or lines); None uses ``source``: ``"toy"`` (the
    toy world, learnt in seconds, with its own small vocabulary) or ``"glossary"`` (the glossary's
    text with the release model's tokenizer: minutes before the guesses leave "the/and/a").
    ``callback(LiveStep)`` may return True to stop early.
    """
    if source not in SOURCES:
        raise InputError(f"source must be one of {', '.join(SOURCES)}, not {source!r}")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or not 1 <= steps <= 5000:
        raise InputError(f"steps must be a whole number from 1 to 5000, not {steps!r}")
    if isinstance(every, bool) or not isinstance(every, (int, np.integer)) or every < 1:
        raise InputError(f"every must be a whole number >= 1, not {every!r}")
    if text is None and source == "toy":
        lines = toy_lines()
    elif text is None:
        lines = glossary_lines_from_files() or [p.replace("[MASK]", "labelled") for p in DEFAULT_LIVE_PROBES]
    else:
        text = check_text(text)[: 5 * MAX_INPUT_CHARS]  # a toy model learns from at most ~100k characters
        lines = [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n+", text) if s.strip()]
        if not lines or not any(ch.isalnum() for ch in text):
            raise InputError("the text to learn from has no words; give it a few sentences")
    tokenizer = None
    if not (text is None and source == "toy"):
        try:
            tokenizer = registry.get_model("masked").tokenizer
        except Exception:  # no checkpoint at all: a tokenizer of the text itself does for a toy model
            tokenizer = None
    if tokenizer is None:  # the toy world's own words (under 200 tokens), so every guess is one of them
        tokenizer = train_tokenizer(lines, vocab_size=2000, min_frequency=1)
    stream = pack(tokenizer, lines)
    chosen = preset("tiny", "masked", tokenizer.get_vocab_size())
    config = TrainConfig(**{**chosen.train.__dict__, "steps": int(steps), "seed": seed})
    defaults = TOY_PROBES if source == "toy" else DEFAULT_LIVE_PROBES
    probe_texts = probes if probes is not None else (defaults if text is None else _auto_probes(lines))
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
                ids = [sep_id, *tokenizer.encode(normalize_masks(sentence), add_special_tokens=False).ids, sep_id]
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
