"""The search encoder teaches itself this glossary: self-supervised contrastive learning on the glossary's own text.

all-MiniLM-L6-v2 was trained on a billion sentence pairs from the web; it has never
read this glossary. The glossary's structure gives pairs of texts that mean the same
thing for free, with no labelled question at all:

- **name** — a term's title or an alias <-> its summary;
- **definition** — the summary <-> each chunk of its Definition section (as the engine encodes it);
- **sentence** — a sentence from any section, with the term's own names blanked out
  ("... is a pretext task ..."), <-> the summary: how a learner describes an idea
  without knowing its name;
- **mention** — a sentence of another term that links to this one <-> this term's summary.

The encoder is trained with ``MultipleNegativesRankingLoss`` (in-batch negatives, as in
SimCSE / Sentence-BERT): each anchor must pick out its own positive among the other
terms' positives in the batch. Batches never hold two pairs of the same term, so no
pair is pushed away from itself. The token embeddings and the two lower layers are
frozen: a question's words that the glossary never uses keep what MiniLM learnt for
them, the adapted model shares those tensors with the base one in memory (the
sentiment demo keeps the base model), and what is saved is only the 4 upper layers,
in float16 (~14 MB instead of 90).

Everything follows from a :class:`Recipe` (seed included) and the glossary: on one
thread, the same recipe and glossary give the same weights. ``sslgloss search-train``
trains them (about 3 minutes on one core of this project's machine) into
``$SSLGLOSS_CACHE/search``, under a name made of the base model's version, the recipe
and the glossary fingerprint. The package ships the weights trained on its built-in
glossary (``sslgloss/search/weights/``, made with ``search-train --ship``), so a fresh
install searches with them at once; a glossary extended by term plugins uses them too
until ``sslgloss search-train`` adapts the encoder to it. The engine never trains on its
own unless ``$SSLGLOSS_SEARCH_TRAIN=1`` (then in a child process: training peaks at
~2-3 GB RSS, which a demo server must not hold); without any adapted weights it
searches with the base model and logs why.
"""

from __future__ import annotations

import contextlib
import json
import logging
import random
import re
import threading
import time
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any, Iterable, Iterator

from ..errors import ModelError
from .pairs import DEFAULT_RECIPE, Recipe, batches, training_pairs

log = logging.getLogger(__name__)

KEEP_ADAPTED = 2  # adapted weights of this many glossaries/recipes are kept


# ---------------------------------------------------------------------- training

@contextlib.contextmanager
def _torch_threads(n: int) -> Iterator[None]:
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(max(1, n))
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _frozen(name: str, layers: int = 0) -> bool:
    """The embedding layer (and ``layers`` lower layers) stay as MiniLM learnt them, and are not saved."""
    match = re.match(r"encoder\.layer\.(\d+)\.", name)
    return name.startswith("embeddings.") or (match is not None and int(match.group(1)) < layers)


def train(model: Any, terms: Iterable[Any], recipe: Recipe = DEFAULT_RECIPE, progress: Any = None) -> dict:
    """Fine-tune ``model`` (a SentenceTransformer, changed in place) on the glossary's pairs.

    Returns a summary: pairs by kind, steps, seconds, first and last loss.
    ``progress(step, steps, loss)`` is called after every step if given.
    """
    import numpy as np
    import torch
    from sentence_transformers.sentence_transformer.losses import MultipleNegativesRankingLoss

    terms = list(terms)
    rng = random.Random(recipe.seed)
    torch.manual_seed(recipe.seed)
    np.random.seed(recipe.seed)
    model.max_seq_length = recipe.max_seq_length
    transformer = model[0].auto_model
    for name, parameter in transformer.named_parameters():
        parameter.requires_grad_(not _frozen(name, recipe.frozen_layers))
    trainable = [p for p in model.parameters() if p.requires_grad]
    loss_fn = MultipleNegativesRankingLoss(model, scale=recipe.scale)
    optimizer = torch.optim.AdamW(trainable, lr=recipe.lr, weight_decay=recipe.weight_decay)
    epochs = [batches(training_pairs(terms, recipe, rng), recipe.batch_size, rng) for _ in range(recipe.epochs)]
    steps = sum(len(e) for e in epochs)
    if recipe.max_steps:
        steps = min(steps, recipe.max_steps)
    if steps == 0:
        raise ModelError("the glossary gives no training pairs (it needs at least two terms with summaries)")
    warmup = max(1, int(recipe.warmup * steps))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warmup, max(0.0, (steps - s) / max(1, steps - warmup))))
    kinds: dict[str, int] = {}
    for batch in epochs[0]:
        for pair in batch:
            kinds[pair.kind] = kinds.get(pair.kind, 0) + 1
    losses: list[float] = []
    start = time.perf_counter()
    model.train()
    try:
        with _torch_threads(recipe.threads):
            step = 0
            for epoch in epochs:
                for batch in epoch:
                    if step >= steps:
                        break
                    features = [model.preprocess([p.anchor for p in batch]), model.preprocess([p.positive for p in batch])]
                    loss = loss_fn(features, torch.empty(0))
                    optimizer.zero_grad(set_to_none=True)
                    loss.backward()
                    torch.nn.utils.clip_grad_norm_(trainable, 1.0)
                    optimizer.step()
                    schedule.step()
                    losses.append(float(loss.detach()))
                    step += 1
                    if progress is not None:
                        progress(step, steps, losses[-1])
    finally:
        model.eval()
        for parameter in model.parameters():
            parameter.requires_grad_(False)
    return {"pairs": kinds, "steps": len(losses), "seconds": round(time.perf_counter() - start, 1),
            "loss_first": round(float(np.mean(losses[:10])), 4), "loss_last": round(float(np.mean(losses[-10:])), 4),
            "recipe": asdict(recipe)}


# ---------------------------------------------------------------------- the cached result

def adapted_file(directory: Path, base_key: str, fingerprint: str, recipe: Recipe = DEFAULT_RECIPE) -> Path:
    glossary = re.sub(r"[^A-Za-z0-9]", "", fingerprint)[:32] or "none"
    base = re.sub(r"[^A-Za-z0-9.]+", "-", base_key).strip("-")
    return Path(directory) / f"adapted-{base}-{recipe.key()}-{glossary}.safetensors"


def save_adapted(model: Any, path: Path, info: dict, frozen_layers: int = 0) -> None:
    """The trained layers (not the frozen embeddings), as float16 safetensors, written atomically."""
    import torch
    from safetensors.torch import save

    from ..storage import atomic_writer

    state = {name: tensor.detach().to(torch.float16).contiguous()
             for name, tensor in model[0].auto_model.state_dict().items() if not _frozen(name, frozen_layers)}
    data = save(state, metadata={"sslgloss": json.dumps(info, sort_keys=True)})
    with atomic_writer(path, "wb") as handle:
        handle.write(data)
    for old in sorted(Path(path).parent.glob("adapted-*.safetensors"), key=lambda p: p.stat().st_mtime,
                      reverse=True)[KEEP_ADAPTED:]:
        if old != Path(path):
            old.unlink(missing_ok=True)


def load_adapted(model: Any, path: Path) -> dict:
    """Put the saved layers into ``model`` (a freshly loaded base SentenceTransformer); returns the saved info."""
    import torch
    from safetensors import safe_open

    with safe_open(str(path), framework="pt") as handle:
        info = json.loads((handle.metadata() or {}).get("sslgloss", "{}"))
        state = {name: handle.get_tensor(name).to(torch.float32) for name in handle.keys()}
    transformer = model[0].auto_model
    if not set(state) <= set(transformer.state_dict()) or not state:
        raise ValueError(f"{path.name} holds other layers than this model's ({len(state)} vs {len(transformer.state_dict())})")
    transformer.load_state_dict(state, strict=False)
    model.eval()
    return info


def with_recipe(**changes: Any) -> Recipe:
    """The default recipe with some fields changed (tests: tiny settings)."""
    return replace(DEFAULT_RECIPE, **changes)


# ---------------------------------------------------------------------- the encoder search uses

ENCODER_ENV = "SSLGLOSS_SEARCH_ENCODER"  # "adapted" (the default) or "base"
TRAIN_ENV = "SSLGLOSS_SEARCH_TRAIN"  # "0": never train at first use (use cached weights, else the base model)

_encoders: dict[tuple[str, str], Any] = {}
_encoders_lock = threading.Lock()


def adapted_key(fingerprint: str, recipe: Recipe = DEFAULT_RECIPE) -> str:
    """Names the adapted weights: base model and version, recipe, glossary (cached embeddings follow it)."""
    from .semantic import model_key

    return f"{model_key()}-adapted{recipe.key()}{re.sub(r'[^A-Za-z0-9]', '', fingerprint)[:8]}"


def _shared_copy(model: Any, frozen_layers: int) -> Any:
    """A copy of ``model`` that shares its frozen tensors (embeddings, lower layers) instead of duplicating them."""
    import copy

    memo = {id(t): t for name, t in model[0].auto_model.state_dict(keep_vars=True).items()
            if _frozen(name, frozen_layers)}
    return copy.deepcopy(model, memo)


@contextlib.contextmanager
def _training_lock(path: Path) -> Iterator[None]:
    """One process trains a glossary's encoder at a time; the others wait, then read its file."""
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def shipped_file(recipe: Recipe | None = None) -> Path:
    """Where the package keeps adapted weights trained on its built-in glossary (``sslgloss search-train --ship``)."""
    return Path(__file__).with_name("weights") / f"adapted-{(recipe or DEFAULT_RECIPE).key()}.safetensors"


def _read_info(path: Path) -> dict:
    from safetensors import safe_open

    with safe_open(str(path), framework="pt") as handle:
        return json.loads((handle.metadata() or {}).get("sslgloss", "{}"))


def build_adapted(glossary: Any, recipe: Recipe | None = None, train_if_missing: bool = True,
                  force: bool = False, progress: Any = None, subprocess: bool = False) -> tuple[Any, dict]:
    """The adapted encoder for ``glossary``, and a summary of where it came from.

    In order: weights trained for exactly this glossary in the cache
    (``$SSLGLOSS_CACHE/search``); the weights shipped in the package, if they were
    trained on this glossary; trained now, if ``train_if_missing`` (then cached);
    the shipped weights though they were trained on another glossary (e.g. the
    built-in one, when a term plugin adds terms), with a note. Otherwise ModelError.
    ``force`` trains even if weights exist. The summary holds the training figures,
    ``"trained": bool`` and ``"path"``.

    ``subprocess``: train in a child process, so that the memory training takes
    (~2 GB RSS: the autograd buffers of 64 sequences) is returned to the system when
    it ends; a demo server holding every model must stay under 1 GB.
    """
    from ..storage import cache_dir
    from .semantic import Encoder, load_encoder, model_key

    recipe = recipe or DEFAULT_RECIPE
    base = load_encoder()._model
    path = adapted_file(cache_dir("search"), model_key(), glossary.fingerprint, recipe)
    shipped = shipped_file(recipe)
    shipped_info: dict = {}
    if shipped.is_file():
        try:
            shipped_info = _read_info(shipped)
        except Exception as exc:
            log.warning("the shipped adapted search weights %s are unreadable (%s)", shipped, exc)
        if shipped_info and shipped_info.get("base") != model_key():
            shipped_info = {}  # trained from another version of MiniLM: its layers do not fit this one

    def loaded(source: Path, fingerprint: str, trained: bool, extra: dict) -> tuple[Any, dict]:
        model = _shared_copy(base, recipe.frozen_layers)
        info = load_adapted(model, source)
        return Encoder(model, key=adapted_key(fingerprint, recipe)), {**info, **extra, "trained": trained,
                                                                      "path": str(source)}

    with _training_lock(path):
        if path.exists() and not force:
            try:
                return loaded(path, glossary.fingerprint, False, {})
            except Exception as exc:  # a damaged file is trained again
                log.warning("adapted search weights %s are unreadable (%s); training them again", path, exc)
        if shipped_info.get("glossary") == glossary.fingerprint and not force:
            return loaded(shipped, glossary.fingerprint, False, {})
        if train_if_missing or force:
            if subprocess:
                info = _train_in_subprocess(glossary, recipe, path)
            else:
                log.info("teaching the search encoder this glossary (%d terms; once, a few minutes on one core; "
                         "cached in %s)", len(glossary.terms), path.parent)
                model = _shared_copy(base, recipe.frozen_layers)
                info = train(model, glossary.terms.values(), recipe, progress)
                info.update(glossary=glossary.fingerprint, base=model_key())
                try:
                    save_adapted(model, path, info, recipe.frozen_layers)
                except OSError as exc:
                    log.warning("could not save the adapted search weights to %s (%s); they will be trained "
                                "again in the next process", path, exc)
                    return Encoder(model, key=adapted_key(glossary.fingerprint, recipe)), {**info, "trained": True,
                                                                                           "path": None}
            log.info("search encoder adapted in %.0f s (loss %.2f -> %.2f)", info["seconds"], info["loss_first"],
                     info["loss_last"])
            # what is searched with is what was saved (float16), not the float32 weights in memory
            return loaded(path, glossary.fingerprint, True, info)
        if shipped_info:
            log.info("semantic search uses the encoder adapted to the built-in glossary; `sslgloss search-train` "
                     "adapts it to this one (%d terms)", len(glossary.terms))
            return loaded(shipped, shipped_info.get("glossary", "shipped"), False, {})
    raise ModelError(f"no adapted search weights for this glossary in {path.parent} "
                     "(`sslgloss search-train` makes them)")


def ship(encoder_info: dict) -> Path:
    """Copy freshly trained weights into the package (maintainers: after `sslgloss search-train --force`)."""
    import shutil

    target = shipped_file(Recipe(**{k: tuple(v) if k == "kinds" else v for k, v in encoder_info["recipe"].items()}))
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(encoder_info["path"], target)
    return target


def _train_in_subprocess(glossary: Any, recipe: Recipe, path: Path) -> dict:
    """Run :func:`main` in a fresh interpreter on a pickled copy of the glossary's terms; its summary."""
    import os
    import pickle
    import subprocess
    import sys
    import tempfile

    log.info("teaching the search encoder this glossary in a child process (%d terms; once, a few minutes "
             "on one core; cached in %s)", len(glossary.terms), path.parent)
    with tempfile.TemporaryDirectory(prefix="sslgloss-adapt-") as tmp:
        job = Path(tmp) / "job.pickle"
        job.write_bytes(pickle.dumps({"terms": list(glossary.terms.values()), "fingerprint": glossary.fingerprint,
                                      "recipe": recipe, "path": str(path)}))
        done = subprocess.run([sys.executable, "-m", "sslgloss.search.adapt", str(job)], capture_output=True,
                              text=True, env={**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"})
        if done.returncode != 0:
            tail = (done.stderr.strip().splitlines() or ["no message"])[-1]
            raise ModelError(f"training the adapted encoder failed ({tail})")
        return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    """``python -m sslgloss.search.adapt JOB``: train for a pickled job, save, print the summary as JSON."""
    import pickle
    import sys

    from .semantic import _load_sentence_transformer, model_key, model_path

    job = pickle.loads(Path((argv or sys.argv[1:])[0]).read_bytes())
    model = _load_sentence_transformer(model_path())
    recipe = job["recipe"]
    info = train(model, job["terms"], recipe)
    info.update(glossary=job["fingerprint"], base=model_key())
    save_adapted(model, Path(job["path"]), info, recipe.frozen_layers)
    print(json.dumps(info))
    return 0


def search_encoder(glossary: Any, recipe: Recipe | None = None) -> Any:
    """The encoder search uses for ``glossary``, one per process and glossary.

    The adapted one (:func:`build_adapted`) unless ``$SSLGLOSS_SEARCH_ENCODER`` is
    ``base``; if adapting is impossible (no cached weights and ``$SSLGLOSS_SEARCH_TRAIN=0``,
    or training failed), the base all-MiniLM-L6-v2, with a logged message saying why.
    """
    import os

    from .semantic import load_encoder

    if os.environ.get(ENCODER_ENV, "adapted").strip().lower() == "base":
        return load_encoder()
    recipe = recipe or DEFAULT_RECIPE
    key = (glossary.fingerprint, recipe.key())
    encoder = _encoders.get(key)
    if encoder is None:
        base = load_encoder()  # no MiniLM at all is an error there is no falling back from
        with _encoders_lock:
            encoder = _encoders.get(key)
            if encoder is None:
                try:
                    encoder, _ = build_adapted(glossary, recipe, os.environ.get(TRAIN_ENV, "0").strip() == "1",
                                               subprocess=True)
                except ModelError as exc:
                    log.warning("semantic search uses the base all-MiniLM-L6-v2: %s", exc)
                    encoder = base
                except Exception as exc:  # training can fail in many ways (memory, disk, a library change)
                    log.warning("semantic search uses the base all-MiniLM-L6-v2: adapting it to this glossary "
                                "failed (%s: %s)", type(exc).__name__, exc)
                    encoder = base
                if len(_encoders) >= 4:
                    _encoders.pop(next(iter(_encoders)))
                _encoders[key] = encoder
    return encoder


def forget_encoders() -> None:
    """Drop the adapted encoders this process holds (tests)."""
    with _encoders_lock:
        _encoders.clear()


if __name__ == "__main__":
    import sys

    sys.exit(main())
