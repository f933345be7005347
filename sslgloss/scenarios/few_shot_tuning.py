"""Contrastive few-shot tuning of a sentence encoder: SetFit's recipe, written small.

From a few labelled sentences, pairs are built (same label: similar, target 1;
other label: dissimilar, target 0) and the top layers of a copy of the encoder
are tuned so that cosine similarity follows the pairs; the lower layers stay
shared with the original (and with semantic search), so a tuned copy costs only
its top layers' memory. :mod:`.few_label_sentiment` puts a logistic regression
on top of the tuned embeddings.
"""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass

import numpy as np

from ..errors import ModelError
from . import runtime


@dataclass(frozen=True)
class TuneConfig:
    """Contrastive few-shot tuning of the encoder (SetFit's recipe on a budget)."""

    # top transformer layers updated; the rest (the first layer and the 12 M word embeddings) stay shared with
    # semantic search. Chosen on the learner set's dev part (`sslgloss sentiment --eval dev`, 16 labels, 5 draws):
    # accuracy 82.5% with 2 layers, 85.0% with 3, 84.7% with 4, 86.5% with 5, 86.0% with 6; right with P >= 0.8:
    # 64%, 72%, 75%, 79%, 79%. A tuned copy then holds ~35 MB of its own (2 layers: ~14 MB).
    layers: int = 5
    lr: float = 2e-4
    rounds: int = 20  # each labelled sentence gets one similar and one dissimilar partner per round
    max_pairs: int = 640  # caps the pairs (and the time) for large label counts
    batch: int = 16


def tune_config() -> TuneConfig:
    if runtime.training_budget() == "tiny":
        return TuneConfig(rounds=4, max_pairs=128)
    return TuneConfig()


class TunedEncoder:
    """A copy of MiniLM whose top layers were tuned on a few labels; its other weights are the shared encoder's."""

    def __init__(self, model, own: dict):
        self._model = model
        self.own = own  # name -> the weights this copy owns (the rest are the shared encoder's)
        self.n_params = sum(p.numel() for p in own.values())
        self._lock = threading.Lock()  # fast tokenizers refuse two threads at once

    def encode(self, texts: list[str]) -> np.ndarray:
        import torch

        with self._lock, torch.inference_mode():
            return np.asarray(self._model.encode(list(texts), batch_size=16, normalize_embeddings=True,
                                                 convert_to_numpy=True, show_progress_bar=False), dtype=np.float32)


def copy_top_layers(base, layers: int, weights: dict | None = None):
    """A SentenceTransformer that shares every weight of ``base`` except its top ``layers``.

    ``weights`` (name -> tensor, e.g. a saved tuning): the copy's own layers are made of these tensors
    instead of fresh copies of ``base``'s, so loading allocates no second set of float weights.
    """
    import torch

    blocks = base[0].auto_model.encoder.layer
    if not 1 <= layers <= len(blocks):
        raise ModelError(f"can tune 1 to {len(blocks)} layers, not {layers}")
    own = {id(p) for block in blocks[len(blocks) - layers:] for p in block.parameters()}
    memo = {id(t): t for t in list(base.parameters()) + list(base.buffers()) if id(t) not in own}
    if weights is not None:
        for name, p in base.named_parameters():
            if id(p) in own:
                if tuple(weights[name].shape) != tuple(p.shape):
                    raise ModelError(f"{name} has shape {tuple(weights[name].shape)}, the encoder's {tuple(p.shape)}")
                memo[id(p)] = torch.nn.Parameter(weights[name].to(p.dtype), requires_grad=False)
    model = copy.deepcopy(base, memo)  # tensors in `memo` are reused, not copied
    trainable = {name: p for name, p in model.named_parameters() if id(p) not in memo}
    return model, trainable, memo


def _pairs(texts: list[str], y: np.ndarray, cfg: TuneConfig, rng: np.random.Generator):
    """SetFit's pairs: each sentence with a random same-class sentence (target 1) and other-class one (0)."""
    n = len(texts)
    rounds = max(1, min(cfg.rounds, cfg.max_pairs // (2 * n)))
    a, b, target = [], [], []
    for _ in range(rounds):
        for i in range(n):
            same = [j for j in range(n) if j != i and y[j] == y[i]]
            other = [j for j in range(n) if y[j] != y[i]]
            for j, t in ((rng.choice(same), 1.0), (rng.choice(other), 0.0)):
                a.append(texts[i])
                b.append(texts[j])
                target.append(t)
    order = rng.permutation(len(a))
    return [a[i] for i in order], [b[i] for i in order], np.asarray(target, dtype=np.float32)[order]


def _loss(model):
    try:  # sentence-transformers >= 5.x moved the losses
        from sentence_transformers.sentence_transformer.losses import CosineSimilarityLoss
    except ImportError:
        from sentence_transformers.losses import CosineSimilarityLoss
    return CosineSimilarityLoss(model)


def tune(base, texts: list[str], y: np.ndarray, seed: int, cfg: TuneConfig | None = None) -> TunedEncoder:
    """Contrastive few-shot tuning of ``base``'s (a SentenceTransformer) top layers on pairs from ``texts``
    (a few seconds to ~30 s on one thread)."""
    import torch

    cfg = cfg or tune_config()
    model, trainable, memo = copy_top_layers(base, cfg.layers)
    shared = [t for t in memo.values() if isinstance(t, torch.nn.Parameter)]
    flags = [p.requires_grad for p in shared]
    rng = np.random.default_rng(seed)
    a, b, target = _pairs(texts, np.asarray(y), cfg, rng)
    steps = -(-len(a) // cfg.batch)
    try:
        for p in shared:  # no gradients through the shared layers: faster, and they stay untouched
            p.requires_grad_(False)
        loss_fn = _loss(model)
        params = list(trainable.values())
        for p in params:
            p.requires_grad_(True)
        opt = torch.optim.AdamW(params, lr=cfg.lr)
        warmup = max(1, steps // 10)
        sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / warmup) * max(0.0, (steps - s) / steps))
        with torch.random.fork_rng(), runtime.limit_threads(1):
            torch.manual_seed(seed)
            model.train()
            for s in range(steps):
                part = slice(s * cfg.batch, (s + 1) * cfg.batch)
                features = [model.preprocess(a[part]), model.preprocess(b[part])]
                loss = loss_fn(features, torch.from_numpy(target[part]))
                opt.zero_grad()
                loss.backward()
                opt.step()
                sched.step()
    finally:
        for p, flag in zip(shared, flags):
            p.requires_grad_(flag)
    model.eval()
    for p in trainable.values():
        p.requires_grad_(False)
    return TunedEncoder(model, trainable)
