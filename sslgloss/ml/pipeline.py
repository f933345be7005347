"""From corpus to checkpoint: what `sslgloss train` runs (corpus -> tokenizer -> packed stream -> train -> save).

The tokenizer is trained once per corpus and cached next to the checkpoints,
so the masked and next-word models always share it (and the n-gram baseline
counts the same tokens).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import torch
from tokenizers import Tokenizer

from sslgloss.ml.checkpoint import checkpoint_name, load_checkpoint, model_dir, save_checkpoint
from sslgloss.ml.corpus import Corpus, build_corpus
from sslgloss.ml.data import pack
from sslgloss.ml.tokenizer import train_tokenizer
from sslgloss.ml.train import describe, preset, train, with_overrides

VOCAB_SIZE = 8192


@dataclass
class Prepared:
    corpus: Corpus
    tokenizer: Tokenizer
    stream: torch.Tensor  # packed training tokens

    def unigram_counts(self) -> torch.Tensor:
        return torch.bincount(self.stream, minlength=self.tokenizer.get_vocab_size()).to(torch.int32)


def prepare(corpus: Corpus | None = None, vocab_size: int = VOCAB_SIZE, cache: bool = True) -> Prepared:
    """Build (or reuse from the cache) the tokenizer for ``corpus`` and pack its training lines."""
    corpus = corpus or build_corpus()
    key = hashlib.sha256(f"{corpus.fingerprint}-{vocab_size}".encode()).hexdigest()[:16]
    path = model_dir() / f"tokenizer-{key}.json"
    if cache and path.exists():
        tokenizer = Tokenizer.from_file(str(path))
    else:
        tokenizer = train_tokenizer(corpus.train, vocab_size=vocab_size)
        if cache:
            path.parent.mkdir(parents=True, exist_ok=True)
            tokenizer.save(str(path))
    return Prepared(corpus, tokenizer, pack(tokenizer, corpus.train))


def train_and_save(
    kind: str,
    preset_name: str = "default",
    prepared: Prepared | None = None,
    seed: int = 0,
    minutes: float | None = None,
    out_dir: Path | None = None,
    progress: bool = True,
    init_from: Path | None = None,
    init_label: str | None = None,
) -> Path:
    """Train one model with a preset and write its checkpoint; returns the checkpoint path.

    ``init_from``: a checkpoint to start from (see train.warm_start). Its tokenizer is used, since
    the copied embedding rows only mean something with the token ids they were trained with.
    """
    prepared = prepared or prepare()
    source = None
    if init_from is not None:
        source = load_checkpoint(Path(init_from))
        prepared = Prepared(prepared.corpus, source.tokenizer, pack(source.tokenizer, prepared.corpus.train))
    chosen = preset(preset_name, kind, prepared.tokenizer.get_vocab_size(), warm=source is not None)
    config = with_overrides(chosen.train, seed=seed, minutes=minutes)
    result = train(kind, prepared.stream, prepared.tokenizer, chosen.model, config, progress=progress,
                   description=f"train {kind} ({preset_name})",
                   init_state=source.model.state_dict() if source is not None else None)
    command = (f"sslgloss train {kind} --preset {preset_name} --seed {seed}"
               + (f" --init-from {init_label or init_from}" if source is not None else "")
               + (f" --minutes {minutes:g}" if minutes else ""))
    meta = {
        "preset": preset_name,
        "seed": seed,
        "steps": result.steps,
        "seconds": round(result.seconds, 1),
        "tokens_per_second": round(result.tokens_per_second),
        "final_loss": round(sum(result.losses[-50:]) / max(len(result.losses[-50:]), 1), 4),
        "command": command,
        "corpus": prepared.corpus.note,
        "corpus_sources": prepared.corpus.sources,
        "corpus_fingerprint": prepared.corpus.fingerprint,
        "train_tokens": int(len(prepared.stream)),
        "train_config": describe(config),
        "torch": str(torch.__version__),  # a plain str: weights_only loading refuses TorchVersion
        "threads": torch.get_num_threads(),
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
    }
    if source is not None:
        meta["init_from"] = {"path": str(source.path), "command": source.meta.get("command"),
                             "created": source.meta.get("created"), "tokenizer": "the init checkpoint's"}
    extra = {"unigram_counts": prepared.unigram_counts()}
    path = Path(out_dir or model_dir()) / checkpoint_name(kind)
    return save_checkpoint(path, kind, result.model, prepared.tokenizer, meta, extra, fp16=preset_name == "release")


def train_models(kind: str = "all", preset_name: str = "default", *, seed: int = 0, minutes: float | None = None,
                 out_dir: Path | None = None, init_from: Path | None = None, init_label: str | None = None,
                 prepared: Prepared | None = None, progress: bool = True,
                 echo: Callable[[str], None] = lambda message: None) -> dict[str, Path]:
    """What `sslgloss train KIND` does; returns {kind: checkpoint path}.

    ``kind="all"`` with the ``release`` preset is the release recipe: the next-word model
    first, then the masked model starting from its weights (the shipped pair). Any other
    ``all`` trains both from scratch.
    """
    prepared = prepared or prepare()
    release_pair = kind == "all" and preset_name == "release"
    kinds = ["next-word", "masked"] if release_pair else ["masked", "next-word"] if kind == "all" else [kind]
    paths: dict[str, Path] = {}
    for k in kinds:
        paths[k] = train_and_save(k, preset_name, prepared, seed=seed, minutes=minutes, out_dir=out_dir,
                                  progress=progress, init_from=init_from, init_label=init_label)
        echo(f"Saved {k} checkpoint to {paths[k]}")
        if release_pair:
            init_from, init_label = paths[k], "next-word"
    return paths
