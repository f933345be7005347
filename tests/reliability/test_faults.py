"""Faults a deployment meets: broken caches, a cache folder that cannot be written, a build killed half-way.

Each test breaks one thing the way it breaks in the field and checks what a
user would see: the broken piece is rebuilt, or a message names the file and
what to do; the site that was being served stays intact. (The demo server
killed and restarted under a term page is in test_demo_restart.py.)
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest

from sslgloss.errors import CheckpointError
from sslgloss.ml import fill_mask, next_word, registry
from sslgloss.ml.checkpoint import SHIPPED_DIR

from .conftest import REPO

MKDOCS = REPO / ".venv" / "bin" / "mkdocs"


# ----------------------------------------------------------------------------- text-model checkpoints

@pytest.fixture
def cache(tmp_path, monkeypatch):
    """A fresh SSLGLOSS_CACHE; the inference module forgets its models before and after."""
    root = tmp_path / "cache"
    monkeypatch.setenv("SSLGLOSS_CACHE", str(root))
    registry.reset()
    yield root
    registry.reset()


def test_missing_checkpoint_falls_back_to_the_shipped_weights(cache):
    assert not (cache / "models").exists()
    assert fill_mask.fill_mask("The cat sat on the [MASK].", k=3)[0]
    assert registry.get_model("masked").checkpoint.path.parent == SHIPPED_DIR


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "other-kind"])
def test_a_broken_checkpoint_in_the_cache_is_reported_with_its_path_and_the_fix(cache, damage):
    target = cache / "models" / "masked.pt"
    target.parent.mkdir(parents=True)
    shipped = (SHIPPED_DIR / "masked.pt").read_bytes()
    target.write_bytes({"garbage": b"\x00not a checkpoint" * 100, "truncated": shipped[: len(shipped) // 2],
                        "empty": b"", "other-kind": (SHIPPED_DIR / "next-word.pt").read_bytes()}[damage])
    with pytest.raises(CheckpointError) as err:
        fill_mask.fill_mask("The cat sat on the [MASK].")
    message = str(err.value)
    assert str(target) in message and "sslgloss train masked" in message, message
    assert "Traceback" not in message and len(message) < 600


# ----------------------------------------------------------------------------- search embeddings

class CountingEncoder:
    """Unit vectors from a hash of the text; counts the texts it was asked to encode."""

    dim = 8

    def __init__(self):
        self.encoded = 0

    def encode(self, texts, batch_size=32, progress=False):
        self.encoded += len(texts)
        rows = [np.random.default_rng(int(hashlib.sha256(t.encode()).hexdigest()[:8], 16)).normal(size=self.dim)
                for t in texts]
        return np.array([r / np.linalg.norm(r) for r in rows], dtype=np.float32).reshape(len(texts), self.dim)


def tiny_engine(cache_dir: Path, encoder: CountingEncoder):
    from sslgloss.schema import Term
    from sslgloss.search import SearchEngine

    class Glossary:
        fingerprint = "reliability-test"
        terms = {t.id: t for t in [
            Term(id="masking", title="Masking", summary="Hide words and predict them.",
                 sections={"Definition": "A pretext task that hides tokens."}),
            Term(id="contrastive", title="Contrastive learning", summary="Pull views together.",
                 sections={"Definition": "Two views of one item are pulled together."}),
        ]}

    return SearchEngine.from_glossary(Glossary(), cache_dir=cache_dir, encoder_factory=lambda: encoder)


def cache_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("embeddings-*.npz"))


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "wrong-shape"])
def test_a_corrupt_embedding_cache_is_rebuilt(tmp_path, caplog, damage):
    folder = tmp_path / "search"
    first = CountingEncoder()
    tiny_engine(folder, first).passage_embeddings()
    assert first.encoded > 0
    [path] = cache_files(folder)
    good = path.read_bytes()
    if damage == "wrong-shape":
        np.savez(path, embeddings=np.ones((1, 3), dtype=np.float32), keys=np.array(["x"]))
    else:
        path.write_bytes({"garbage": b"PK\x03\x04 nonsense" * 50, "truncated": good[: len(good) // 2],
                          "empty": b""}[damage])
    second = CountingEncoder()
    with caplog.at_level(logging.INFO, logger="sslgloss.search"):
        engine = tiny_engine(folder, second)
        engine.passage_embeddings()
    assert second.encoded == first.encoded, "the broken file was trusted instead of being rebuilt"
    assert engine.search("hide words", k=2, mode="keyword")[0].term_id == "masking"  # and search answers
    assert any(str(path) in r.getMessage() for r in caplog.records), "nothing said the cache was rebuilt"
    # the rebuilt file is good: a third engine encodes nothing
    third = CountingEncoder()
    tiny_engine(folder, third).passage_embeddings()
    assert third.encoded == 0


# ----------------------------------------------------------------------------- a cache that cannot be written

def unwritable_cache(tmp_path: Path) -> Path:
    """A cache path nobody can create, even root: its parent is a regular file."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    return blocker / "cache"


def test_search_works_when_the_cache_folder_cannot_be_written(tmp_path, caplog):
    encoder = CountingEncoder()
    with caplog.at_level(logging.WARNING, logger="sslgloss.search"):
        results = tiny_engine(unwritable_cache(tmp_path) / "search", encoder).search("views", k=1)
    assert results and encoder.encoded > 0
    warning = " ".join(r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING)
    assert "could not write the search cache" in warning and "not-a-folder" in warning


def test_search_works_when_the_cache_folder_is_read_only(tmp_path, caplog):
    if os.geteuid() == 0:
        pytest.skip("running as root: chmod 0o500 does not stop root from writing "
                    "(the file-in-place-of-a-folder test above covers an unwritable cache)")
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with caplog.at_level(logging.WARNING, logger="sslgloss.search"):
            results = tiny_engine(folder / "search", CountingEncoder()).search("views", k=1)
        assert results
        assert any("could not write the search cache" in r.getMessage() for r in caplog.records)
    finally:
        folder.chmod(0o700)


def test_models_load_when_the_cache_folder_cannot_be_written(tmp_path, monkeypatch):
    monkeypatch.setenv("SSLGLOSS_CACHE", str(unwritable_cache(tmp_path)))
    registry.reset()
    try:
        assert fill_mask.fill_mask("The cat sat on the [MASK].", k=2)[0]
        assert next_word.next_word_distribution("The cat sat on the", k=2)
    finally:
        registry.reset()


def test_a_corrupt_scenario_checkpoint_names_the_file_to_delete(tmp_path, monkeypatch):
    """What the scenario demos read their trained models with (masked image, song styles)."""
    from sslgloss.scenarios import masked_image as mi
    from sslgloss.scenarios import runtime
    from sslgloss.storage import read_checkpoint

    monkeypatch.setenv("SSLGLOSS_CACHE", str(tmp_path / "cache"))
    path = runtime.checkpoint_path("masked-image", mi.MaskedImageConfig.for_budget("tiny"))
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\x80\x04 truncated pickle")
    with pytest.raises(CheckpointError) as err:
        read_checkpoint(path, "masked-image", fix=runtime.RETRAIN)
    assert str(path) in str(err.value) and "delete it" in str(err.value)


class _RunsCode:
    """A pickle that would call a function on load (here a harmless one that leaves a mark)."""

    def __reduce__(self):
        return (os.makedirs, (os.environ["SSLGLOSS_TEST_MARK"],))


def test_a_scenario_checkpoint_cannot_run_code_when_loaded(tmp_path, monkeypatch):
    import torch

    from sslgloss.scenarios import runtime
    from sslgloss.storage import read_checkpoint

    mark = tmp_path / "code-ran"
    monkeypatch.setenv("SSLGLOSS_TEST_MARK", str(mark))
    path = tmp_path / "swapped.pt"
    torch.save({"format": 1, "kind": "masked-image", "state_dict": {}, "extra": _RunsCode()}, path)
    with pytest.raises(CheckpointError):
        read_checkpoint(path, "masked-image", fix=runtime.RETRAIN)
    assert not mark.exists()


# ----------------------------------------------------------------------------- a site build that fails or is killed

def site_config(folder: Path, term_dirs: list[str] | None = None, demos_url: str = "http://127.0.0.1:8501") -> Path:
    """A copy of the project's mkdocs.yml that builds into ``folder/site`` (same docs, same plugins)."""
    text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    text = text.replace("\ndocs_dir: docs\n", f"\ndocs_dir: {REPO / 'docs'}\n")
    text = text.replace("\nsite_dir: site\n", f"\nsite_dir: {folder / 'site'}\n")
    text = re.sub(r"(?m)^(\s*demos_url:).*$", lambda m: f"{m.group(1)} {demos_url}", text)
    if term_dirs is not None:
        text = text.replace("term_dirs: []", f"term_dirs: {term_dirs}")
    assert str(folder / "site") in text and demos_url in text, "mkdocs.yml changed shape; update site_config()"
    config = folder / "mkdocs.yml"
    config.write_text(text, encoding="utf-8")
    return config


def build_site(config: Path, timeout: float = 900, **kwargs) -> subprocess.CompletedProcess:
    env = dict(os.environ, HF_HUB_OFFLINE="1", NO_MKDOCS_2_WARNING="1", **kwargs.pop("env", {}))
    return subprocess.run([str(MKDOCS), "build", "-q", "-f", str(config)], cwd=config.parent, env=env,
                          capture_output=True, text=True, timeout=timeout, **kwargs)


def snapshot(site: Path) -> dict[str, str]:
    return {str(p.relative_to(site)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file()}


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """The real site, built once into a temporary folder (demo fallbacks from the usual cache)."""
    folder = tmp_path_factory.mktemp("site-build")
    config = site_config(folder)
    done = build_site(config)
    if done.returncode != 0:
        pytest.fail(f"the real site does not build:\n{done.stderr[-3000:]}")
    return folder, config


BROKEN_TERM = "---\nid: Not A Valid Id\ntitle: broken\n---\nno sections\n"


def test_a_failed_build_leaves_the_previous_site_intact(tmp_path):
    """A broken term plugin fails the build; the site being served is not touched (nor left half-written)."""
    previous = tmp_path / "site"
    (previous / "terms" / "bert").mkdir(parents=True)
    (previous / "index.html").write_text("<h1>the site as it was</h1>")
    (previous / "terms" / "bert" / "index.html").write_text("<h1>BERT</h1>")
    before = snapshot(previous)
    broken = tmp_path / "broken-terms"
    broken.mkdir()
    (broken / "broken.md").write_text(BROKEN_TERM, encoding="utf-8")
    done = build_site(site_config(tmp_path, term_dirs=["broken-terms"]), timeout=300)
    assert done.returncode != 0
    assert "broken.md" in done.stderr, done.stderr[-2000:]  # the message names the file
    assert snapshot(previous) == before
    assert not list(tmp_path.glob(".site.building-*")), "the failed build left its staging folder behind"


@pytest.mark.slow
def test_a_build_killed_half_way_leaves_the_previous_site_intact(built_site):
    folder, config = built_site
    before = snapshot(folder / "site")
    env = dict(os.environ, HF_HUB_OFFLINE="1", NO_MKDOCS_2_WARNING="1")
    proc = subprocess.Popen([str(MKDOCS), "build", "-q", "-f", str(config)], cwd=folder, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        # kill once the new build has started writing pages into its staging folder
        while time.monotonic() < deadline and proc.poll() is None:
            staged = list(folder.glob(".site.building-*"))
            if staged and any(staged[0].rglob("*.html")):
                break
            time.sleep(0.05)
        assert proc.poll() is None, "the build finished before it could be interrupted"
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
    assert snapshot(folder / "site") == before
    # the next build cleans up what the killed one left and succeeds
    done = build_site(config)
    assert done.returncode == 0, done.stderr[-2000:]
    assert not list(folder.glob(".site.building-*")) and not list(folder.glob(".site.old-*"))
