"""Passage embeddings on disk, so the glossary is encoded once and not at every start.

One ``.npz`` file per (model, glossary fingerprint) under
``$SSLGLOSS_CACHE/search`` (default ``~/.cache/sslgloss/search``). A changed
glossary has a new fingerprint, hence a new file; only the files of the few
most recent glossaries are kept. Each row is stored with a hash of the
passage it encodes, so a stale or foreign file is never trusted, and when a
term file changes only its changed passages are encoded again: unchanged
ones are taken from the previous file. An unreadable file is rebuilt with a
warning. Writes go to a temporary file that is renamed into place, so a
process killed mid-write, or two processes writing at once, never leave half
a file.
"""

from __future__ import annotations

import hashlib
import logging
import re
import zipfile
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from ..storage import atomic_writer, cache_dir

log = logging.getLogger(__name__)

# A few glossary versions are kept (e.g. the site built with an extra term plugin
# and the CLI without it) so that switching between them does not re-encode.
KEEP_GLOSSARIES = 3


def cache_root() -> Path:
    """Where every sslgloss cache lives (:func:`sslgloss.storage.cache_dir`)."""
    return cache_dir()


def text_key(text: str) -> str:
    """Identifies one encoded text (20 hex digits of SHA-256)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def _slug(value: str) -> str:
    return re.sub(r"[^A-Za-z0-9.]+", "-", value).strip("-")


def cache_file(directory: Path, model_key: str, fingerprint: str) -> Path:
    """The file holding embeddings for this model and glossary."""
    glossary = re.sub(r"[^A-Za-z0-9]", "", fingerprint)[:32] or "none"  # no "-": it ends the model's part
    return Path(directory) / f"embeddings-{_slug(model_key)}-{glossary}.npz"


def _read(path: Path, dim: int | None) -> tuple[np.ndarray, np.ndarray]:
    """(embeddings, row keys) from a cache file; ValueError naming the problem if it is unusable."""
    try:
        with np.load(path, allow_pickle=False) as data:
            embeddings = np.asarray(data["embeddings"], dtype=np.float32)
            keys = np.asarray(data["keys"]).astype(str)
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
        raise ValueError(f"unreadable: {exc.__class__.__name__}") from None
    if embeddings.ndim != 2 or keys.shape != (embeddings.shape[0],) or (dim is not None and embeddings.shape[1] != dim):
        raise ValueError(f"embeddings of shape {embeddings.shape} with {keys.shape} keys")
    if not np.isfinite(embeddings).all():
        raise ValueError("non-finite values")
    if len(embeddings) and not np.allclose(np.linalg.norm(embeddings, axis=1), 1.0, atol=1e-3):
        raise ValueError("vectors are not unit length")
    return embeddings, keys


def load_embeddings(path: Path, texts: Sequence[str], dim: int | None = None) -> np.ndarray | None:
    """The cached embeddings of exactly ``texts`` in ``path``, or None when missing, stale or corrupt."""
    path = Path(path)
    if not path.exists():
        return None
    try:
        embeddings, keys = _read(path, dim)
    except ValueError as exc:
        log.warning("search cache %s is corrupt (%s); rebuilding it", path, exc)
        return None
    if keys.tolist() != [text_key(t) for t in texts]:
        log.info("search cache %s was built from other passages; updating it", path)
        return None
    return embeddings


def save_embeddings(path: Path, embeddings: np.ndarray, texts: Sequence[str]) -> bool:
    """Write atomically, then drop files of old glossaries; False (with a warning) if the disk refused."""
    path = Path(path)
    try:
        with atomic_writer(path, "wb") as handle:
            np.savez(handle, embeddings=np.asarray(embeddings, dtype=np.float32),
                     keys=np.array([text_key(t) for t in texts], dtype=str))
    except OSError as exc:
        log.warning("could not write the search cache %s (%s); search works but will encode again next time", path, exc)
        return False
    _prune(path)
    return True


def _siblings(path: Path) -> list[Path]:
    """Files of the same model for other glossaries, newest first."""
    prefix = path.name.rsplit("-", 1)[0] + "-"  # the model's part of the name
    found = []
    for candidate in path.parent.glob(prefix + "*.npz"):
        try:
            found.append((candidate.stat().st_mtime, candidate))
        except OSError:  # removed meanwhile by another process
            continue
    return [p for _, p in sorted(found, reverse=True) if p != path]


def _prune(path: Path, keep: int = KEEP_GLOSSARIES) -> None:
    for old in _siblings(path)[keep - 1:]:
        old.unlink(missing_ok=True)


def _reusable_rows(path: Path, dim: int | None) -> dict[str, np.ndarray]:
    """Vectors by text key from this glossary's file and older glossaries' files, whichever are readable."""
    rows: dict[str, np.ndarray] = {}
    for candidate in [path, *_siblings(path)]:
        try:
            embeddings, keys = _read(candidate, dim)
        except ValueError:
            continue  # a corrupt file was already reported by load_embeddings or is simply ignored
        for key, vector in zip(keys.tolist(), embeddings):
            rows.setdefault(key, vector)
    return rows


def cached_embeddings(
    texts: Sequence[str],
    path: Path,
    encode: Callable[[list[str]], np.ndarray],
    dim: int | None = None,
) -> tuple[np.ndarray, int]:
    """Embeddings of ``texts``: cached where possible, the rest from ``encode`` (then saved to ``path``).

    Returns the (N, D) embeddings and how many texts had to be encoded (0 on a full cache hit).
    """
    embeddings = load_embeddings(path, texts, dim)
    if embeddings is not None:
        return embeddings, 0
    keys = [text_key(t) for t in texts]
    known = _reusable_rows(Path(path), dim) if Path(path).parent.exists() else {}
    missing = sorted({i for i, key in enumerate(keys) if key not in known})
    if missing:
        fresh = np.asarray(encode([texts[i] for i in missing]), dtype=np.float32)
        if fresh.shape[0] != len(missing):
            raise ValueError(f"the encoder returned {fresh.shape[0]} vectors for {len(missing)} texts")
        for i, vector in zip(missing, fresh):
            known[keys[i]] = vector
    if texts:
        embeddings = np.stack([known[key] for key in keys]).astype(np.float32)
    else:
        embeddings = np.zeros((0, dim or 0), dtype=np.float32)
    save_embeddings(path, embeddings, texts)
    return embeddings, len(missing)
