"""Scenario `song-styles`: a contrastive encoder groups synthetic songs by style, with no style labels.

The clips come from ``songs.py`` (our own synthesiser: caricatures of
Afrobeats, Highlife and Afro-fusion, not recordings). Training never sees a
style label. SimCLR-style: two augmented views of the same clip (a random
2-second crop, a small pitch shift by resampling, a random tone colour,
a random gain and background noise) must map close together and away from the other clips'
views (NT-Xent loss). Styles are revealed only to score and to colour the
map.

What is measured, on clips the encoder never heard: the adjusted Rand index
(ARI; 1 = the clusters are exactly the styles, 0 = no better than chance)
of KMeans with one cluster per style on

- the contrastive embeddings, versus
- the raw spectrogram: the same log-mel input the encoder sees, flattened
  (and, as a second baseline, its per-band mean and spread over time).
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from ..errors import CheckpointError
from ..storage import process_cached, read_checkpoint, write_checkpoint
from . import runtime, songs
from .runtime import Progress

log = logging.getLogger(__name__)


@dataclass
class SongStylesConfig:
    per_style: int = 48  # unlabelled training clips per style
    eval_per_style: int = 30  # held-out clips per style for the map and the scores
    steps: int = 160
    batch_size: int = 48
    crop_seconds: float = 2.0
    max_pitch_shift: float = 1.0  # semitones
    lr: float = 3e-3
    channels: tuple[int, ...] = (8, 16, 32)  # (16, 32, 64) scores about the same and trains 2.7x slower
    embed_dim: int = 64
    temperature: float = 0.2
    seed: int = 0

    @classmethod
    def for_budget(cls, budget: str | None = None) -> "SongStylesConfig":
        budget = budget or runtime.training_budget()
        if budget == "tiny":
            return cls(per_style=24, eval_per_style=16, steps=80, batch_size=32)
        return cls()


def augment(audio: np.ndarray, config: SongStylesConfig, rng: np.random.Generator) -> np.ndarray:
    """One random view per clip: (B, samples) -> (B, crop samples), all rows at once."""
    b, length = audio.shape
    crop = int(config.crop_seconds * songs.SAMPLE_RATE)
    # pitch shift by resampling: read `span` samples and play them in `crop` (pitch and tempo x factor)
    factor = 2 ** (rng.uniform(-config.max_pitch_shift, config.max_pitch_shift, size=b) / 12)
    span = np.minimum(length - 2, crop * factor)
    start = rng.uniform(0, length - 1 - span)  # a random crop in time
    pos = start[:, None] + np.linspace(0.0, 1.0, crop)[None, :] * span[:, None]  # (B, crop) read positions
    left = np.floor(pos).astype(np.int64)
    frac = (pos - left).astype(np.float32)
    rows = np.arange(b)[:, None]
    view = audio[rows, left] * (1 - frac) + audio[rows, left + 1] * frac  # linear interpolation
    view = songs.tone_colour(view, rng.uniform(-6, 6, size=b), rng.uniform(30, 300, size=b))  # another "recording"
    view *= rng.uniform(0.5, 1.5, size=(b, 1))
    view += 10 ** rng.uniform(-2.5, -1.0, size=(b, 1)) * rng.standard_normal((b, crop))
    return view.astype(np.float32)


def spectrograms(audio: np.ndarray) -> Any:
    import torch

    from .spectrogram import log_mel

    return log_mel(torch.from_numpy(np.ascontiguousarray(audio, dtype=np.float32)), songs.SAMPLE_RATE)


@dataclass
class TrainedSongs:
    model: Any  # ContrastiveModel
    config: SongStylesConfig
    eval_clips: songs.Clips
    metrics: dict = field(default_factory=dict)
    embeddings: np.ndarray | None = None  # (N, embed_dim) of the held-out clips
    map_2d: np.ndarray | None = None  # (N, 2) PCA of the embeddings
    clusters: np.ndarray | None = None  # KMeans cluster of each held-out clip


def _model(config: SongStylesConfig) -> Any:
    from .contrastive import ContrastiveModel, EncoderConfig

    return ContrastiveModel(EncoderConfig(channels=tuple(config.channels), embed_dim=config.embed_dim,
                                          temperature=config.temperature))


def train(config: SongStylesConfig, clips: songs.Clips, progress: Progress | None = None) -> Any:
    import torch

    torch.manual_seed(config.seed)
    rng = np.random.default_rng(config.seed + 1)
    model = _model(config)
    opt = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, config.steps)
    model.train()
    for step in range(config.steps):
        idx = rng.choice(len(clips.audio), size=min(config.batch_size, len(clips.audio)), replace=False)
        batch = clips.audio[idx]  # the style labels are never looked at
        view_a = spectrograms(augment(batch, config, rng))
        view_b = spectrograms(augment(batch, config, rng))
        _, loss = model(view_a, view_b)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        if step % 10 == 0 or step == config.steps - 1:
            runtime.report(progress, 0.15 + 0.75 * (step + 1) / config.steps,
                           f"contrastive training: step {step + 1}/{config.steps}, NT-Xent loss {loss.item():.3f}")
    model.eval()
    return model


def raw_features(audio: np.ndarray) -> dict[str, np.ndarray]:
    """The baselines' features: flattened log-mel, and per-band mean and spread over time."""
    spec = spectrograms(audio).numpy()  # (N, M, T)
    return {"flat": spec.reshape(len(spec), -1),
            "band_stats": np.concatenate([spec.mean(axis=2), spec.std(axis=2)], axis=1)}


def cluster_ari(features: np.ndarray, labels: np.ndarray, k: int, seed: int = 0) -> tuple[float, np.ndarray]:
    """KMeans with ``k`` clusters on standardised features -> (adjusted Rand index vs labels, cluster ids)."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import adjusted_rand_score
    from sklearn.preprocessing import StandardScaler

    x = StandardScaler().fit_transform(features)
    clusters = KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(x)
    return float(adjusted_rand_score(labels, clusters)), clusters


EMBED_BATCH = 16


def evaluate(trained: TrainedSongs, progress: Progress | None = None) -> None:
    from sklearn.decomposition import PCA

    runtime.report(progress, 0.92, "clustering held-out clips: embeddings vs raw spectrograms")
    clips = trained.eval_clips
    k = len(songs.STYLES)
    # a few clips at a time: the convolutions' activations for all held-out clips at once took ~90 MB
    # that a demo server would keep as its peak (the encoder normalises each clip alone: same result)
    emb = np.concatenate([trained.model.embed(spectrograms(part)).numpy()
                          for part in np.array_split(clips.audio, max(1, len(clips.audio) // EMBED_BATCH))])
    ari, clusters = cluster_ari(emb, clips.style, k)
    raw = raw_features(clips.audio)
    ari_flat, _ = cluster_ari(raw["flat"], clips.style, k)
    ari_stats, _ = cluster_ari(raw["band_stats"], clips.style, k)
    trained.embeddings, trained.clusters = emb, clusters
    trained.map_2d = PCA(n_components=2, random_state=0).fit_transform(emb)
    trained.metrics = {
        "held_out_clips": int(len(clips.style)),
        "styles": list(songs.STYLE_NAMES),
        "ari_contrastive": ari,
        "ari_raw_spectrogram": ari_flat,
        "ari_raw_band_stats": ari_stats,
    }


def _model_key(config: SongStylesConfig | None = None, progress: Progress | None = None) -> tuple:
    """One trained model per config and per cache folder (a test's own SSLGLOSS_CACHE holds another model)."""
    return runtime.scenario_dir(), runtime.config_key(config or SongStylesConfig.for_budget())


@process_cached(key=_model_key)
def load_or_train(config: SongStylesConfig | None = None, progress: Progress | None = None) -> TrainedSongs:
    """The trained encoder for ``config``, from memory, the cache dir, or trained now. Thread-safe."""
    config = config or SongStylesConfig.for_budget()
    runtime.report(progress, 0.02, "synthesising clips (our own numpy synthesiser)")
    eval_clips = songs.make_clips(config.eval_per_style, seed=config.seed + 1000)
    path = runtime.checkpoint_path("song-styles", config)
    model = None
    if path.exists():
        try:
            model = _model(config)
            model.load_state_dict(read_checkpoint(path, "song-styles", fix=runtime.RETRAIN)["state_dict"])
            model.eval()
        except (CheckpointError, KeyError, RuntimeError) as exc:  # a cache, not a source of truth
            log.warning("retraining: %s", exc)
            model = None
    if model is None:
        train_clips = songs.make_clips(config.per_style, seed=config.seed)
        with runtime.limit_threads(1):
            model = train(config, train_clips, progress)
        write_checkpoint(path, "song-styles", asdict(config), model.state_dict())
    trained = TrainedSongs(model, config, eval_clips)
    with runtime.limit_threads(1):
        evaluate(trained, progress)
    runtime.report(progress, 1.0, "ready")
    return trained


def static_summary(config: SongStylesConfig | None = None) -> dict:
    """Key figures and the 2-D map, for the site when the demo server is down."""
    trained = load_or_train(config)
    m = trained.metrics
    return {
        "demo": "song-styles",
        "headline": (f"Grouping {m['held_out_clips']} unheard synthetic clips into {len(m['styles'])} clusters: "
                     f"adjusted Rand index {m['ari_contrastive']:.2f} with the contrastive embeddings versus "
                     f"{m['ari_raw_spectrogram']:.2f} with raw spectrograms (1 = clusters match the styles, "
                     f"0 = chance)."),
        "figures": m,
        "map": [{"x": float(x), "y": float(y), "style": songs.STYLE_NAMES[s], "cluster": int(c)}
                for (x, y), s, c in zip(trained.map_2d, trained.eval_clips.style, trained.clusters)],
    }

