"""What a static demo result depends on, besides its demo, input and params: the code and templates that
write it, and the model files the package ships. A change to any of them makes every shipped result
outdated, so `sslgloss site demo-results --check` names them and `sslgloss site demo-results` computes
them again (a retrained model must never keep showing the old model's answers on term pages).
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

import jinja2


def _package_root() -> Path:
    return Path(__file__).resolve().parents[1]


# the shipped weights and results the static results are computed from: new weights are new results
MODEL_FILES = ("ml/weights/*", "search/weights/*", "scenarios/sentiment_curve.json")


@functools.lru_cache(maxsize=8)
def _file_digest(path: Path, size: int, mtime_ns: int) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def models_signature(root: Path | None = None) -> str:
    """A digest of the model files the package ships (:data:`MODEL_FILES`), read once per process and file."""
    root = root or _package_root()
    digest = hashlib.sha256()
    for pattern in MODEL_FILES:
        for path in sorted(root.glob(pattern)):
            if path.is_file():
                stat = path.stat()
                digest.update(f"{path.relative_to(root).as_posix()}\0".encode())
                digest.update(_file_digest(path, stat.st_size, stat.st_mtime_ns).encode())
    return digest.hexdigest()[:12]


def templates_signature(templates: jinja2.Environment) -> str:
    """A digest of the static results' code, of the ``demo-*.html`` templates ``templates`` would use and of
    the model files the package ships (retrained weights make every static result outdated)."""
    from . import static

    digest = hashlib.sha256(Path(static.__file__).read_bytes())
    digest.update(models_signature().encode())
    try:
        names = sorted(n for n in templates.list_templates() if n.startswith("sslgloss/demo-"))
    except TypeError:  # a loader that cannot list its templates
        names = []
    for name in names:
        source, _, _ = templates.loader.get_source(templates, name)
        digest.update(b"\0" + name.encode() + b"\0" + source.encode())
    return digest.hexdigest()[:12]
