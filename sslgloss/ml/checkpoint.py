"""Saving and finding model checkpoints: cache dir first, then the weights shipped in the package.

A checkpoint is one ``torch.save`` file holding everything needed to rebuild
the model without the training code: the model kind, its config, the weights,
the tokenizer (as JSON text) and a ``meta`` record of how it was made (corpus
fingerprint, seed, steps, duration, command). It loads with
``weights_only=True``, so a checkpoint cannot run code.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

import torch
from tokenizers import Tokenizer

from sslgloss.errors import CheckpointError
from sslgloss.storage import cache_dir, read_checkpoint, write_checkpoint
from sslgloss.ml.causal_model import CausalLM, CausalLMConfig
from sslgloss.ml.masked_model import MaskedLM, MaskedLMConfig

KINDS = {"masked": (MaskedLM, MaskedLMConfig), "next-word": (CausalLM, CausalLMConfig)}
SHIPPED_DIR = Path(__file__).resolve().parent / "weights"


def model_dir() -> Path:
    return cache_dir("models")


def checkpoint_name(kind: str) -> str:
    check_kind(kind)
    return f"{kind}.pt"


def check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise CheckpointError(f"unknown model kind {kind!r}; choose one of {', '.join(KINDS)}")


@dataclass
class Checkpoint:
    kind: str
    model: torch.nn.Module
    tokenizer: Tokenizer
    meta: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)  # e.g. unigram counts for the fill-mask baseline
    path: Path | None = None


def save_checkpoint(
    path: Path,
    kind: str,
    model: torch.nn.Module,
    tokenizer: Tokenizer,
    meta: dict | None = None,
    extra: dict | None = None,
    fp16: bool = False,
) -> Path:
    """Write atomically (temp file + rename) so a crash never leaves half a checkpoint behind."""
    check_kind(kind)
    state = {k: (v.half() if fp16 and v.is_floating_point() else v).clone() for k, v in model.state_dict().items()}
    return write_checkpoint(path, kind, asdict(model.config), state, meta=meta, extra=extra,
                            tokenizer=tokenizer.to_str())


def load_checkpoint(path: Path, kind: str | None = None) -> Checkpoint:
    """Rebuild a model from ``path``; CheckpointError (with how to train one) if it is unusable."""
    path = Path(path)
    how = _how_to_train(kind or "all")
    payload = read_checkpoint(path, kind, fix=how)
    try:
        model_cls, config_cls = KINDS[payload["kind"]]
        model = model_cls(config_cls(**payload["config"]))
        model.load_state_dict(payload["state_dict"])  # copies fp16 weights into fp32 parameters
        model.eval()
        tokenizer = Tokenizer.from_str(payload["tokenizer"])
    except Exception as err:  # wrong shapes, a missing entry
        reason = (str(err).strip().splitlines() or [""])[0][:200]
        raise CheckpointError(f"checkpoint {path} is unusable ({type(err).__name__}: {reason}); {how}") from None
    return Checkpoint(payload["kind"], model, tokenizer, payload.get("meta", {}), payload.get("extra", {}), path)


def find_checkpoint(kind: str) -> Path:
    """The checkpoint to use for ``kind``: the cache dir's if present, else the shipped one."""
    check_kind(kind)
    for directory in (model_dir(), SHIPPED_DIR):
        candidate = directory / checkpoint_name(kind)
        if candidate.exists():
            return candidate
    raise CheckpointError(
        f"no {kind} model checkpoint in {model_dir()} or in the package ({SHIPPED_DIR}); {_how_to_train(kind)}"
    )


def _how_to_train(kind: str) -> str:
    return f"train one with `sslgloss train {kind}` (a few minutes on a CPU) or reinstall sslgloss for the shipped weights"
