"""Scenario `masked-image`: a masked autoencoder learns digits by filling in hidden patches.

Why scikit-learn's 8x8 digits (``sklearn.datasets.load_digits``): the data
ships inside scikit-learn, a dependency we already have, so nothing is
downloaded; 1,797 images of 64 pixels train a real masked autoencoder in
seconds on two CPU cores; a digit is still something a person recognises,
so a learner can judge a reconstruction by eye; and the ten labels (kept
away from pretraining) let us measure what the self-supervised features are
worth with a linear probe. The price: 8x8 is coarse, so patches are 2x2
pixels (16 patches per image) and the "image" is closer to a sketch.

What is measured, on held-out images the model never saw:

- reconstruction error (mean squared error over hidden pixels, ink in
  [0, 1]) of the MAE versus a mean-fill baseline that paints every hidden
  pixel with that pixel's average over the training images;
- a linear probe: logistic regression on the frozen encoder's features
  versus on the raw pixels, trained with 1%, 10% and 100% of the labels.
  Raw pixels are a strong baseline on digits this small; the figures are
  reported as they come out.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from ..errors import CheckpointError, InputError
from ..storage import process_cached, read_checkpoint, write_checkpoint
from . import images as img
from . import runtime
from .runtime import Progress

IMAGE_SIDE = 8
PATCH = 2
NUM_PATCHES = (IMAGE_SIDE // PATCH) ** 2
EVAL_HIDDEN_RATIO = 0.5
PROBE_FRACTIONS = (0.01, 0.1, 1.0)
log = logging.getLogger(__name__)


@dataclass
class MaskedImageConfig:
    """How the demo's MAE is trained (the checkpoint is keyed by a hash of this)."""

    hidden: int = 256
    latent: int = 64
    steps: int = 1200
    batch_size: int = 128
    lr: float = 2e-3
    weight_decay: float = 0.01
    min_hidden: int = 4  # each batch hides between min and max patches of 16 (25%-75%),
    max_hidden: int = 12  # so the model copes with whatever mask a learner picks
    probe_seeds: int = 5
    seed: int = 0

    @classmethod
    def for_budget(cls, budget: str | None = None) -> "MaskedImageConfig":
        budget = budget or runtime.training_budget()
        return cls(steps=300, probe_seeds=2) if budget == "tiny" else cls()


@dataclass
class Digits:
    train_x: np.ndarray  # (N, 8, 8) float32 ink in [0, 1]
    train_y: np.ndarray
    test_x: np.ndarray
    test_y: np.ndarray


@functools.cache
def load_split() -> Digits:
    """The 8x8 digits, split 80/20 (stratified, fixed seed) into pretraining and held-out images."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    data = load_digits()
    x = (data.images / 16.0).astype(np.float32)
    tx, vx, ty, vy = train_test_split(x, data.target, test_size=0.2, random_state=0, stratify=data.target)
    return Digits(tx, ty, vx, vy)


@dataclass
class TrainedMAE:
    model: Any  # MaskedAutoencoder
    config: MaskedImageConfig
    mean_image: np.ndarray  # (8, 8) average training image: the mean-fill baseline
    metrics: dict = field(default_factory=dict)

    def reconstruct(self, image: np.ndarray, hidden: np.ndarray) -> np.ndarray:
        """Visible pixels as they are, hidden patches predicted by the MAE. (8, 8) -> (8, 8)."""
        return reconstruct_batch(self, image[None], hidden[None])[0]

    def mean_fill(self, image: np.ndarray, hidden: np.ndarray) -> np.ndarray:
        return mean_fill_batch(self.mean_image, image[None], hidden[None])[0]


def pixel_mask(hidden: np.ndarray) -> np.ndarray:
    """Patch mask (B, 16) -> pixel mask (B, 8, 8)."""
    side = IMAGE_SIDE // PATCH
    return hidden.reshape(-1, side, side).repeat(PATCH, axis=1).repeat(PATCH, axis=2)


def reconstruct_batch(trained: TrainedMAE, images: np.ndarray, hidden: np.ndarray) -> np.ndarray:
    import torch

    from .mae import patchify, unpatchify

    with torch.no_grad():
        patches = patchify(torch.from_numpy(np.asarray(images, dtype=np.float32)), PATCH)
        pred, _ = trained.model(patches, torch.from_numpy(np.asarray(hidden, dtype=bool)))
        pred = unpatchify(pred.clamp(0, 1), PATCH).numpy()
    return np.where(pixel_mask(hidden), pred, images)


def mean_fill_batch(mean_image: np.ndarray, images: np.ndarray, hidden: np.ndarray) -> np.ndarray:
    return np.where(pixel_mask(hidden), mean_image[None], images)


def random_hidden(seed: int, ratio: float = EVAL_HIDDEN_RATIO, count: int = 1) -> np.ndarray:
    """``count`` masks of 16 patches with round(16 * ratio) hidden, reproducible from ``seed``."""
    if not 0.0 <= ratio <= 1.0:
        raise InputError(f"mask ratio must be between 0 and 1, got {ratio}")
    rng = np.random.default_rng(seed)
    k = int(round(NUM_PATCHES * ratio))
    out = np.zeros((count, NUM_PATCHES), dtype=bool)
    for row in out:
        row[rng.choice(NUM_PATCHES, size=k, replace=False)] = True
    return out


def hidden_error(images: np.ndarray, filled: np.ndarray, hidden: np.ndarray) -> float:
    """Mean squared error over hidden pixels only (what the model had to infer)."""
    pm = pixel_mask(hidden)
    return float(((filled - images) ** 2)[pm].mean())


def train(config: MaskedImageConfig, progress: Progress | None = None) -> Any:
    import torch

    from .mae import MAEConfig, MaskedAutoencoder, patchify

    torch.manual_seed(config.seed)
    rng = np.random.default_rng(config.seed)
    data = load_split()
    patches = patchify(torch.from_numpy(data.train_x), PATCH)  # (N, 16, 4)
    model = MaskedAutoencoder(MAEConfig(hidden=config.hidden, latent=config.latent))
    opt = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    warmup = max(1, config.steps // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warmup) * 0.5 * (1 + np.cos(np.pi * min(s, config.steps) / config.steps)))
    model.train()
    for step in range(config.steps):
        idx = torch.from_numpy(rng.choice(len(patches), size=config.batch_size, replace=False))
        batch = patches[idx]
        # a fixed number of hidden patches per batch keeps every step the same size (fast, steady memory)
        k = int(rng.integers(config.min_hidden, config.max_hidden + 1))
        hidden = torch.rand(config.batch_size, NUM_PATCHES).argsort(dim=1) < k
        _, loss = model(batch, hidden)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        if step % 25 == 0 or step == config.steps - 1:
            runtime.report(progress, 0.85 * (step + 1) / config.steps,
                           f"pretraining the masked autoencoder: step {step + 1}/{config.steps}, loss {loss.item():.4f}")
    model.eval()
    return model


def evaluate(trained: TrainedMAE, progress: Progress | None = None) -> dict:
    """Reconstruction error vs mean-fill, and the linear probe, on the held-out images."""
    import torch
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from .mae import patchify

    data = load_split()
    hidden = random_hidden(seed=1234, count=len(data.test_x))
    mae_err = hidden_error(data.test_x, reconstruct_batch(trained, data.test_x, hidden), hidden)
    mean_err = hidden_error(data.test_x, mean_fill_batch(trained.mean_image, data.test_x, hidden), hidden)
    runtime.report(progress, 0.9, "linear probe: logistic regression on frozen features vs raw pixels")

    def feats(x: np.ndarray) -> np.ndarray:
        return trained.model.features(patchify(torch.from_numpy(x), PATCH)).numpy()

    train_f, test_f = feats(data.train_x), feats(data.test_x)
    train_raw, test_raw = data.train_x.reshape(len(data.train_x), -1), data.test_x.reshape(len(data.test_x), -1)
    probe = []
    for fraction in PROBE_FRACTIONS:
        n = max(10, int(round(fraction * len(data.train_y))))
        seeds = range(trained.config.probe_seeds) if n < len(data.train_y) else [0]
        scores: dict[str, list[float]] = {"mae_features": [], "raw_pixels": []}
        for seed in seeds:
            if n < len(data.train_y):
                idx, _ = train_test_split(np.arange(len(data.train_y)), train_size=n, random_state=seed,
                                          stratify=data.train_y)
            else:
                idx = np.arange(len(data.train_y))
            for name, tr, te in (("mae_features", train_f, test_f), ("raw_pixels", train_raw, test_raw)):
                clf = make_pipeline(StandardScaler(), LogisticRegression(max_iter=3000))
                clf.fit(tr[idx], data.train_y[idx])
                scores[name].append(float(clf.score(te, data.test_y)))
        probe.append({"fraction_of_labels": fraction, "labels": n,
                      **{f"{name}_accuracy": float(np.mean(vals)) for name, vals in scores.items()}})
    return {
        "held_out_images": int(len(data.test_x)),
        "hidden_ratio": EVAL_HIDDEN_RATIO,
        "mae_reconstruction_error": mae_err,
        "mean_fill_reconstruction_error": mean_err,
        "probe": probe,
    }


def _model_key(config: MaskedImageConfig | None = None, progress: Progress | None = None) -> tuple:
    """One trained model per config and per cache folder (a test's own SSLGLOSS_CACHE holds another model)."""
    return runtime.scenario_dir(), runtime.config_key(config or MaskedImageConfig.for_budget())


@process_cached(key=_model_key)
def load_or_train(config: MaskedImageConfig | None = None, progress: Progress | None = None) -> TrainedMAE:
    """The trained MAE for ``config``: from memory, else from the cache dir, else trained now (and cached).

    Safe to call from several threads (Streamlit sessions): one trains, the others wait.
    """
    from .mae import MAEConfig, MaskedAutoencoder

    config = config or MaskedImageConfig.for_budget()
    path = runtime.checkpoint_path("masked-image", config)
    data = load_split()
    mean_image = data.train_x.mean(axis=0)
    trained = None
    if path.exists():
        try:
            payload = read_checkpoint(path, "masked-image", fix=runtime.RETRAIN)
            model = MaskedAutoencoder(MAEConfig(**payload["config"]))
            model.load_state_dict(payload["state_dict"])
            model.eval()
            metrics = payload["extra"]["metrics"]
            # a checkpoint written by an older evaluate() lacks figures the page shows: retrain, don't crash
            missing = {"mae_reconstruction_error"} - set(metrics)
            if missing:
                raise KeyError(f"cached metrics lack {sorted(missing)}")
            trained = TrainedMAE(model, config, mean_image, metrics)
        except (CheckpointError, KeyError, TypeError, RuntimeError) as exc:  # a cache, not a source of truth
            log.warning("retraining: %s", exc)
    if trained is None:
        with runtime.limit_threads(1):
            model = train(config, progress)
            trained = TrainedMAE(model, config, mean_image)
            trained.metrics = evaluate(trained, progress)
        write_checkpoint(path, "masked-image", asdict(model.config), model.state_dict(),
                         meta={"scenario_config": asdict(config)}, extra={"metrics": trained.metrics})
    runtime.report(progress, 1.0, "ready")
    return trained


def parse_patches(text: str) -> np.ndarray:
    """``"0,5,10"`` (patch numbers 0-15, row-major) -> bool mask of 16. Empty text hides nothing."""
    hidden = np.zeros(NUM_PATCHES, dtype=bool)
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        if not (part.isascii() and part.isdigit()) or len(part) > 2 or not 0 <= int(part) < NUM_PATCHES:
            shown = part if len(part) <= 20 else part[:17] + "..."
            raise InputError(f"`{shown}` is not a patch number; patches are numbered 0 to {NUM_PATCHES - 1}, "
                             f"row by row, separated by commas (e.g. `0,5,10`)")
        hidden[int(part)] = True
    return hidden


def format_patches(hidden: np.ndarray) -> str:
    return ",".join(str(i) for i in np.flatnonzero(hidden))


def example_images(trained: TrainedMAE, index: int, hidden: np.ndarray, scale: int = 24) -> dict[str, np.ndarray]:
    """Original, masked, MAE reconstruction and mean-fill of a held-out image, as RGB arrays."""
    data = load_split()
    if not 0 <= index < len(data.test_x):
        raise InputError(f"image {index} does not exist; choose a held-out image from 0 to {len(data.test_x) - 1}")
    image = data.test_x[index]
    return {
        "original": img.render_digit(image, PATCH, scale=scale),
        "masked": img.render_digit(image, PATCH, hidden=hidden, scale=scale),
        "reconstruction": img.render_digit(trained.reconstruct(image, hidden), PATCH, outline=hidden, scale=scale),
        "mean_fill": img.render_digit(trained.mean_fill(image, hidden), PATCH, outline=hidden, scale=scale),
    }


EXAMPLE_IMAGE = 0
EXAMPLE_SEED = 0


def static_summary(config: MaskedImageConfig | None = None) -> dict:
    """Key figures and one worked example (PNG bytes), for the site when the demo server is down."""
    trained = load_or_train(config)
    hidden = random_hidden(EXAMPLE_SEED)[0]
    pictures = example_images(trained, EXAMPLE_IMAGE, hidden)
    m = trained.metrics
    return {
        "demo": "masked-image",
        "headline": (f"On {m['held_out_images']} held-out digits with half of the patches hidden, the masked "
                     f"autoencoder's reconstruction error is {m['mae_reconstruction_error']:.4f} against "
                     f"{m['mean_fill_reconstruction_error']:.4f} for painting in the average digit."),
        "figures": {k: v for k, v in m.items()},
        "example": {"image": EXAMPLE_IMAGE, "hidden_patches": format_patches(hidden)},
        "png": {name: img.png_bytes(rgb) for name, rgb in pictures.items() if name != "mean_fill"},
    }

