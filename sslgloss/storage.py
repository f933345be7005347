"""Where sslgloss keeps files, how it writes them, and how it keeps process-wide models.

Three helpers that everything else uses, so each idea has one home:

- :func:`cache_dir` — the cache folder (``$SSLGLOSS_CACHE``, else
  ``~/.cache/sslgloss``), optionally a named sub-folder of it;
- :func:`atomic_write` — write a file so that a reader sees the old
  content or the new one, never half of it (a temp file in the same folder,
  then ``os.replace``); readable by other users, since a demo service may
  run as another account than the one that built the cache;
- :func:`write_checkpoint` / :func:`read_checkpoint` — the one checkpoint
  format of every model sslgloss trains (text models and scenario models):
  ``{"format", "kind", "config", "state_dict", "meta", "extra"}`` in a
  ``torch.save`` file, read with ``weights_only=True`` so that a file swapped
  into the cache cannot run code;
- :func:`process_cached` — a function whose one result is computed on first
  use and shared by every thread of the process (the models a demo server
  holds); each such function has ``cache_clear()`` for tests.

>>> import os, tempfile
>>> os.environ["SSLGLOSS_CACHE"] = tempfile.mkdtemp()
>>> cache_dir("site").name
'site'
>>> path = cache_dir("doctest") / "a.txt"
>>> atomic_write(path, "hello")
>>> path.read_text()
'hello'
"""

from __future__ import annotations

import contextlib
import functools
import os
import tempfile
import threading
from pathlib import Path
from typing import IO, Any, Callable, Iterator, TypeVar

CACHE_ENV = "SSLGLOSS_CACHE"

T = TypeVar("T")


def cache_dir(sub: str | None = None) -> Path:
    """The cache folder, or its sub-folder ``sub``. An empty ``$SSLGLOSS_CACHE`` counts as unset."""
    root = Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "sslgloss").expanduser()
    return root / sub if sub else root


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike, mode: str = "w") -> Iterator[IO[Any]]:
    """A file handle whose content replaces ``path`` only when the block ends without an error.

    ``mode`` is ``"w"`` (text, UTF-8) or ``"wb"``. The folder is created if needed.
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"mode must be 'w' or 'wb', not {mode!r}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, mode, **({"encoding": "utf-8"} if mode == "w" else {})) as handle:
            yield handle
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; a shared cache must be readable by the service user
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write(path: str | os.PathLike, data: str | bytes) -> None:
    """Write ``data`` (text as UTF-8, or bytes) to ``path`` atomically."""
    with atomic_writer(path, "wb" if isinstance(data, bytes) else "w") as handle:
        handle.write(data)


def try_atomic_write(path: str | os.PathLike, data: str | bytes) -> bool:
    """:func:`atomic_write` for caches: False instead of an error when the disk refuses (a read-only
    cache only costs time)."""
    try:
        atomic_write(path, data)
        return True
    except OSError:
        return False


CHECKPOINT_FORMAT = 1


def write_checkpoint(path: str | os.PathLike, kind: str, config: dict, state_dict: dict, *,
                     meta: dict | None = None, extra: dict | None = None, **fields: Any) -> Path:
    """Save a model atomically in the one checkpoint format; ``fields`` add kind-specific entries
    (e.g. the text models' tokenizer). Returns the path."""
    import torch

    payload = {"format": CHECKPOINT_FORMAT, "kind": kind, "config": dict(config), "state_dict": state_dict,
               "meta": meta or {}, "extra": extra or {}, **fields}
    path = Path(path)
    with atomic_writer(path, "wb") as handle:
        torch.save(payload, handle)
    return path


def read_checkpoint(path: str | os.PathLike, kind: str | None = None, *, fix: str = "") -> dict:
    """The payload of a checkpoint written by :func:`write_checkpoint`.

    A missing, corrupt or foreign file (or one holding another ``kind``) is a
    :class:`~sslgloss.errors.CheckpointError` naming the file, the reason and ``fix``
    (what the user can do, e.g. "delete it and the scenario retrains on next use").
    """
    import torch
    from torch.torch_version import TorchVersion

    from .errors import CheckpointError

    path = Path(path)
    if not path.exists():
        raise CheckpointError(f"no checkpoint at {path}; {fix}".rstrip("; "))
    try:
        # TorchVersion (a str subclass): early text checkpoints stored torch.__version__ in their meta
        with torch.serialization.safe_globals([TorchVersion]):
            payload = torch.load(path, map_location="cpu", weights_only=True)
        if not isinstance(payload, dict) or payload.get("format") != CHECKPOINT_FORMAT:
            raise ValueError(f"not an sslgloss checkpoint of format {CHECKPOINT_FORMAT}")
        if kind is not None and payload.get("kind") != kind:
            raise ValueError(f"it holds a {payload.get('kind')!r} model, not {kind!r}")
    except Exception as err:  # truncated, from an incompatible version, or not ours
        reason = (str(err).strip().splitlines() or [""])[0][:200]
        raise CheckpointError(f"checkpoint {path} is unusable ({type(err).__name__}: {reason}); {fix}".rstrip("; ")) \
            from None
    return payload


def release_free_memory() -> None:
    """Hand memory that Python and torch have freed back to the system (glibc's ``malloc_trim``).

    Loading a model or evaluating one leaves freed temporaries (weights read in one precision and
    converted, activations of a big batch) in the C heap, where they still count as the process's
    resident memory. A demo server loads a model once and then serves for days, so it returns them
    after each load (:func:`process_cached`, the model registries). Does nothing off glibc.
    """
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim() -> Any:
    try:
        import ctypes

        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


def process_cached(function: Callable[..., T] | None = None, *, key: Callable[..., Any] | None = None):
    """Compute ``function(...)`` once per distinct key and share the result across threads.

    The key is the arguments, or ``key(*args, **kwargs)`` when the arguments hold
    something that does not identify the result (a progress callback). One lock per
    decorated function: two sessions asking for the same model at the same time load
    it once; a model that failed to load is not kept, so the next call tries again.
    ``.cache_clear()`` forgets the results (tests; new weights on disk).
    """
    def decorate(fn: Callable[..., T]) -> Callable[..., T]:
        lock = threading.Lock()
        store: dict[Any, T] = {}

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> T:
            k = key(*args, **kwargs) if key is not None else (args, tuple(sorted(kwargs.items())))
            with lock:
                if k not in store:
                    store[k] = fn(*args, **kwargs)
                    release_free_memory()
                return store[k]

        wrapper.cache_clear = store.clear  # type: ignore[attr-defined]
        return wrapper

    return decorate(function) if function is not None else decorate
