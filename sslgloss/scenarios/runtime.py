"""What every scenario shares: the cache dir, checkpoint files, the training budget and progress reports.

Checkpoints are keyed by a hash of the training config, so changing a
hyperparameter trains a new model instead of loading a stale one; they use
the one checkpoint format (:func:`sslgloss.storage.write_checkpoint`), written
atomically so that two processes (a demo server and a test run) never read a
half-written file.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
from pathlib import Path
from typing import Any, Callable, Iterator

from ..errors import InputError
from ..storage import cache_dir

#: progress(fraction in [0, 1], message) - the demos draw a bar, the CLI and tests pass None
Progress = Callable[[float, str], None]

BUDGETS = ("full", "tiny")


def scenario_dir() -> Path:
    """Where trained scenario models are kept: ``$SSLGLOSS_CACHE/scenarios``."""
    return cache_dir("scenarios")


def training_budget() -> str:
    """``full`` (the demos) or ``tiny`` (tests, CI smoke runs), from ``SSLGLOSS_TRAINING_BUDGET``.

    Tiny budgets still have to show the effect each scenario is about; they
    just train for fewer steps on less data.
    """
    budget = os.environ.get("SSLGLOSS_TRAINING_BUDGET", "full").strip().lower() or "full"
    if budget not in BUDGETS:
        raise InputError(f"SSLGLOSS_TRAINING_BUDGET is `{budget}`; valid: {', '.join(BUDGETS)}")
    return budget


def config_key(config: Any, version: int = 2) -> str:
    """A short stable hash of a dataclass config (and a format version) for file names."""
    blob = json.dumps({"v": version, **dataclasses.asdict(config)}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:12]


def checkpoint_path(name: str, config: Any, suffix: str = ".pt") -> Path:
    return scenario_dir() / f"{name}-{config_key(config)}{suffix}"


RETRAIN = "delete it and the scenario retrains on next use"


def report(progress: Progress | None, fraction: float, message: str) -> None:
    if progress is not None:
        progress(min(max(fraction, 0.0), 1.0), message)


@contextlib.contextmanager
def limit_threads(n: int = 1) -> Iterator[None]:
    """Run torch, BLAS and OpenMP on ``n`` threads inside the block (then restore).

    Our scenario models and probes are tiny: one thread is about as fast as
    two on an idle machine, and many times faster on a busy one, where
    threads that wait for each other on every small matrix product lose
    their turn (measured on 2 shared cores: a logistic-regression probe took
    19.6 s with default threads and 1.2 s with one). Process-wide, like
    ``torch.set_num_threads`` itself.
    """
    import torch
    from threadpoolctl import threadpool_limits

    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        with threadpool_limits(n):
            yield
    finally:
        torch.set_num_threads(before)
