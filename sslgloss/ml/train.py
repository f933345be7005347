"""Our training loop for both language models: AdamW, warmup + cosine schedule, a tqdm progress bar.

A run is reproducible from its seed when it is step-based (the presets): the
same corpus, seed, preset and thread count give the same weights. A run with a
time budget (``--minutes``) follows the schedule by elapsed time instead, so
how many steps it makes depends on the machine; its checkpoint records the
steps it made.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import asdict, dataclass, field, replace
from typing import Callable

import torch
from tokenizers import Tokenizer
from tqdm.auto import tqdm

from sslgloss.errors import ModelError
from sslgloss.ml.causal_model import CausalLM, CausalLMConfig
from sslgloss.ml.data import get_batch
from sslgloss.ml.masked_model import MaskedLM, MaskedLMConfig
from sslgloss.ml.masking import MaskingConfig, mask_tokens
from sslgloss.ml.tokenizer import MASK, SPECIAL_TOKENS


@dataclass
class TrainConfig:
    steps: int = 3000
    batch_size: int = 32
    block_size: int = 128
    lr: float = 1e-3
    min_lr_ratio: float = 0.1  # cosine decays to lr * min_lr_ratio
    warmup_steps: int = 200
    weight_decay: float = 0.05
    grad_clip: float = 1.0
    seed: int = 0
    minutes: float | None = None  # a time budget instead of a step count (not bit-reproducible)
    masking: MaskingConfig = field(default_factory=MaskingConfig)


@dataclass
class Preset:
    """A model size plus how long and how to train it, for one kind of model."""

    model: MaskedLMConfig | CausalLMConfig
    train: TrainConfig


def preset(name: str, kind: str, vocab_size: int, warm: bool = False) -> Preset:
    """``tiny`` (seconds; tests and the live demo), ``default`` (a few minutes), ``release`` (the shipped weights).

    ``warm``: the run starts from another model's weights (``--init-from``), so the release preset
    takes RELEASE_WARM_STEPS and a short warmup.
    """
    masked = kind == "masked"
    if name == "tiny":
        size = dict(vocab_size=vocab_size, d_model=64, n_layers=2, n_heads=4, d_ff=256, dropout=0.0)
        model = MaskedLMConfig(**size) if masked else CausalLMConfig(block_size=32, **size)
        return Preset(model, TrainConfig(steps=300, batch_size=16, block_size=32, lr=3e-3, warmup_steps=30))
    if name in ("default", "release"):
        size = dict(vocab_size=vocab_size, d_model=256, n_layers=4, n_heads=4, d_ff=1024, dropout=0.1 if masked else 0.0)
        model = MaskedLMConfig(**size) if masked else CausalLMConfig(block_size=128, **size)
        # 2,048 tokens a step for both: small batches make more updates from the few tokens a
        # CPU budget allows. release: step counts sized for about 90 minutes each, the two run side by side with one thread each
        # (sslgloss/ml/README.md has the measured durations).
        steps = {"default": 600, "release": (RELEASE_WARM_STEPS if warm else RELEASE_STEPS)[kind]}[name]
        warmup = 50 if warm else 100
        if masked:
            train_cfg = TrainConfig(steps=steps, batch_size=32, block_size=64, lr=1e-3, warmup_steps=warmup)
        else:
            train_cfg = TrainConfig(steps=steps, batch_size=16, block_size=128, lr=1.5e-3, warmup_steps=warmup)
        return Preset(model, train_cfg)
    raise ValueError(f"unknown preset {name!r}; choose release, default or tiny")


RELEASE_STEPS = {"masked": 5500, "next-word": 3500}
# The shipped masked model starts from the shipped next-word model's weights (the same transformer
# blocks and embedding; only attention's direction and the prediction head differ): measured, 650
# such steps reached masked top-5 0.410 where 5,500 steps from scratch reached 0.429. The shipped
# next-word model is itself warm-started: the scratch model (3,500 steps on WordNet + glossary)
# continued for 1,500 steps when Jane Austen's novels joined the corpus.
RELEASE_WARM_STEPS = {"masked": 3000, "next-word": 1500}
PRESETS = ("release", "default", "tiny")


STOP = threading.Event()  # set (e.g. by SIGUSR1 in `sslgloss train`) to end a run early and still save it


def lr_at(fraction: float, config: TrainConfig, step: int) -> float:
    """Linear warmup for ``warmup_steps``, then cosine from lr down to lr * min_lr_ratio."""
    if step < config.warmup_steps:
        return config.lr * (step + 1) / config.warmup_steps
    fraction = min(max(fraction, 0.0), 1.0)
    floor = config.lr * config.min_lr_ratio
    return floor + 0.5 * (config.lr - floor) * (1 + math.cos(math.pi * fraction))


def build_model(kind: str, config) -> torch.nn.Module:
    return MaskedLM(config) if kind == "masked" else CausalLM(config)


def make_optimizer(model: torch.nn.Module, config: TrainConfig) -> torch.optim.Optimizer:
    # no weight decay on biases, LayerNorm gains and the (tied) embedding, as in nanoGPT/BERT
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        (decay if p.dim() >= 2 and "emb" not in name else no_decay).append(p)
    groups = [{"params": decay, "weight_decay": config.weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
    return torch.optim.AdamW(groups, lr=config.lr, betas=(0.9, 0.98), eps=1e-8)


@dataclass
class TrainResult:
    model: torch.nn.Module
    losses: list[float]  # one per step
    steps: int
    seconds: float
    tokens_per_second: float
    config: TrainConfig


def train(
    kind: str,
    stream: torch.Tensor,
    tokenizer: Tokenizer,
    model_config,
    config: TrainConfig,
    progress: bool = True,
    callback: Callable[[int, float, torch.nn.Module], bool | None] | None = None,
    description: str | None = None,
    init_state: dict[str, torch.Tensor] | None = None,
) -> TrainResult:
    """Train a ``kind`` model on a packed token ``stream``: fresh, or starting from ``init_state``.

    ``callback(step, loss, model)`` runs after every step; returning True stops training.
    ``init_state``: a state dict (e.g. the other kind of model's) whose tensors are copied into every
    parameter with the same name and shape; the rest keep their fresh initialisation.
    """
    torch.manual_seed(config.seed)
    gen = torch.Generator().manual_seed(config.seed)
    model = build_model(kind, model_config)
    if init_state is not None:
        copied = warm_start(model, init_state)
        if not copied:
            raise ModelError("the starting checkpoint shares no parameter (same name and shape) with this model: "
                             "start from a checkpoint of the same size (e.g. release from release)")
    model.train()
    opt = make_optimizer(model, config)
    mask_id = tokenizer.token_to_id(MASK)
    special_ids = [tokenizer.token_to_id(t) for t in SPECIAL_TOKENS]
    first_random = len(SPECIAL_TOKENS)
    T = config.block_size
    budget = config.minutes * 60 if config.minutes else None
    bar = tqdm(
        total=int(budget) if budget else config.steps,
        unit="s" if budget else "step",
        desc=description or f"train {kind}",
        disable=not progress,
        dynamic_ncols=True,
        bar_format="{l_bar}{bar}| {n_fmt}/{total_fmt} [{elapsed}<{remaining}] {postfix}",
    )
    losses: list[float] = []
    start = time.perf_counter()
    tokens = 0
    step = 0
    smoothed = None
    shown = 0
    while True:
        elapsed = time.perf_counter() - start
        if budget is None and step >= config.steps:
            break
        if budget is not None and elapsed >= budget:
            break
        if STOP.is_set():
            break
        fraction = elapsed / budget if budget else step / max(config.steps, 1)
        lr = lr_at(fraction, config, step)
        for group in opt.param_groups:
            group["lr"] = lr
        batch = get_batch(stream, config.batch_size, T, gen)  # (B, T + 1)
        if kind == "masked":
            inputs, targets = mask_tokens(
                batch[:, :T], config.masking, mask_id, model_config.vocab_size, special_ids, gen, first_random
            )
        else:
            inputs, targets = batch[:, :T], batch[:, 1:]
        _, loss = model(inputs, targets)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), config.grad_clip)
        opt.step()
        step += 1
        tokens += inputs.numel()
        value = loss.item()
        losses.append(value)
        smoothed = value if smoothed is None else 0.98 * smoothed + 0.02 * value
        now = time.perf_counter() - start
        if budget:
            bar.update(int(now) - shown)
            shown = int(now)
        else:
            bar.update(1)
        if step % 10 == 0 or step == 1:
            bar.set_postfix_str(f"step {step} loss {smoothed:.3f} lr {lr:.1e} {tokens / max(now, 1e-9):,.0f} tok/s")
        if callback is not None and callback(step, value, model):
            break
    bar.close()
    seconds = time.perf_counter() - start
    model.eval()
    return TrainResult(model, losses, step, seconds, tokens / max(seconds, 1e-9), config)


def warm_start(model: torch.nn.Module, state: dict[str, torch.Tensor]) -> list[str]:
    """Copy every tensor of ``state`` whose name and shape match a parameter of ``model``; return the names."""
    own = model.state_dict()
    copied = {k: v.detach().to(own[k].dtype) for k, v in state.items() if k in own and own[k].shape == v.shape}
    model.load_state_dict({**own, **copied})
    return sorted(copied)


def describe(config: TrainConfig) -> dict:
    """The train config as plain data for a checkpoint's meta record."""
    data = asdict(config)
    data["masking"] = asdict(config.masking)
    return data


def with_overrides(config: TrainConfig, **changes) -> TrainConfig:
    return replace(config, **{k: v for k, v in changes.items() if v is not None})
