"""Passage embeddings on disk, so the glossary is encoded once and not at every start.

One ``.npz`` file per (model, passage format, glossary fingerprint) under
``$SSLGLOSS_CACHE/search`` (default ``~/.cache/sslgloss/search``). A changed
glossary has a new fingerprint, hence a new file; only the files of the few
most recent glossaries are kept. Each file also stores a hash of the exact
passage texts, so a stale or foreign file is never trusted, and an
unreadable one is rebuilt with a warning.
Writes go to a temporary file that is renamed into place, so a process that
is killed mid-write, or two processes writing at once, never leave half a file.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
import zipfile
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

log = logging.getLogger(__name__)

# A few glossary versions are kept (e.g. the site built with an extra term plugin
# and the CLI without it) so that switching between them does not re-encode.
KEEP_GLOSSARIES = 3


def cache_root() -> Path:
    """``$SSLGLOSS_CACHE`` or ``~/.cache/sslgloss``: where every sslgloss cache lives."""
    return Path(os.environ.get("SSLGLOSS_CACHE") or Path.home() / ".cache" / "sslgloss")


def texts_digest(texts: Sequence[str]) -> str:
    """A hash of the exact texts that were encoded, in order."""
    digest = hashlib.sha256()
    for text in texts:
        digest.update(text.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


def _slug(value: str) -> str:
    return re.sub(r"[^A-Za-z0-9.]+", "-", value).strip("-")


def cache_file(directory: Path, model_key: str, passage_format: int, fingerprint: str) -> Path:
    """The file holding embeddings for this model, passage format and glossary."""
    return Path(directory) / f"embeddings-{_slug(model_key)}-p{passage_format}-{_slug(fingerprint)[:32]}.npz"


def load_embeddings(path: Path, texts: Sequence[str], dim: int | None = None) -> np.ndarray | None:
    """The cached embeddings of ``texts`` in ``path``, or None when missing, stale or corrupt."""
    path = Path(path)
    if not path.exists():
        return None
    try:
        with np.load(path, allow_pickle=False) as data:
            embeddings = np.asarray(data["embeddings"], dtype=np.float32)
            digest = str(data["texts_digest"])
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
        log.warning("search cache %s is corrupt (%s); rebuilding it", path, exc.__class__.__name__)
        return None
    if digest != texts_digest(texts):
        log.info("search cache %s was built from other passages; rebuilding it", path)
        return None
    problem = None
    if embeddings.ndim != 2 or embeddings.shape[0] != len(texts) or (dim is not None and embeddings.shape[1] != dim):
        problem = f"shape {embeddings.shape} for {len(texts)} passages"
    elif not np.isfinite(embeddings).all():
        problem = "non-finite values"
    elif len(texts) and not np.allclose(np.linalg.norm(embeddings, axis=1), 1.0, atol=1e-3):
        problem = "vectors are not unit length"
    if problem:
        log.warning("search cache %s is corrupt (%s); rebuilding it", path, problem)
        return None
    return embeddings


def save_embeddings(path: Path, embeddings: np.ndarray, texts: Sequence[str]) -> bool:
    """Write atomically and remove this model's files for other glossaries; False if the disk refused."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.stem + ".", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                np.savez(handle, embeddings=np.asarray(embeddings, dtype=np.float32), texts_digest=np.array(texts_digest(texts)))
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        log.warning("could not write the search cache %s (%s); search works but will re-encode next time", path, exc)
        return False
    _prune(path)
    return True


def _prune(path: Path, keep: int = KEEP_GLOSSARIES) -> None:
    """Remove this model's files for all but the ``keep`` most recently written glossaries."""
    prefix = path.name.rsplit("-", 1)[0] + "-"  # same model and passage format, any fingerprint
    siblings = []
    for candidate in path.parent.glob(prefix + "*.npz"):
        try:
            siblings.append((candidate.stat().st_mtime, candidate))
        except OSError:  # removed meanwhile by another process
            continue
    for _, old in sorted(siblings, reverse=True)[keep:]:
        if old != path:
            old.unlink(missing_ok=True)


def cached_embeddings(
    texts: Sequence[str],
    path: Path,
    encode: Callable[[list[str]], np.ndarray],
    dim: int | None = None,
) -> tuple[np.ndarray, bool]:
    """Embeddings of ``texts`` from ``path`` if valid, else ``encode(texts)`` saved there. Returns (embeddings, hit)."""
    embeddings = load_embeddings(path, texts, dim)
    if embeddings is not None:
        return embeddings, True
    embeddings = np.asarray(encode(list(texts)), dtype=np.float32)
    save_embeddings(path, embeddings, texts)
    return embeddings, False
