"""A wheel of sslgloss carries everything a user runs: the demo app, its config, the evaluation sets,
the site's templates and assets, the shipped weights; and the demo app starts from the wheel's copy."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def unpacked_wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(out),
                    str(REPO)], check=True, capture_output=True)
    wheel = next(out.glob("sslgloss-*.whl"))
    target = out / "site-packages"
    zipfile.ZipFile(wheel).extractall(target)
    return target


def test_the_wheel_carries_what_users_run(unpacked_wheel):
    pkg = unpacked_wheel / "sslgloss"
    app = pkg / "demos" / "streamlit_app"
    assert (app / "app.py").is_file() and (app / ".streamlit" / "config.toml").is_file()
    assert {p.stem for p in (app / "views").glob("*.py")} >= {"masking", "next-word", "semantic-search",
                                                              "masked-image", "song-styles", "few-label-sentiment"}
    assert {p.name for p in (pkg / "evalsets").glob("*.yaml")} == {"fill-mask.yaml", "next-word.yaml",
                                                                   "sentiment.yaml", "search.yaml"}
    assert (pkg / "site" / "templates" / "sslgloss" / "term-content.html").is_file()
    assert (pkg / "site" / "assets" / "sslgloss.js").is_file()
    assert (pkg / "ml" / "weights" / "masked.pt").stat().st_size > 1_000_000
    assert len(list((pkg / "terms").glob("*.md"))) >= 60


def test_the_demo_app_starts_from_the_wheel(unpacked_wheel, tmp_path):
    """`sslgloss demos` from a pip-installed sslgloss: the app and its config come from site-packages."""
    env = {**os.environ, "PYTHONPATH": str(unpacked_wheel), "SSLGLOSS_CACHE": str(tmp_path)}
    where = subprocess.run([sys.executable, "-c", "from sslgloss.demos.launcher import find_app; print(find_app())"],
                           env=env, capture_output=True, text=True, check=True, cwd=tmp_path).stdout.strip()
    assert Path(where).is_relative_to(unpacked_wheel)
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    code = ("import os, sys; from sslgloss.demos.launcher import server_command; "
            f"c = server_command({port}); os.chdir(c.cwd); os.execve(sys.executable, c.argv, c.env)")
    proc = subprocess.Popen([sys.executable, "-c", code], env=env, cwd=tmp_path, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail(f"the demo server did not start from the wheel: {proc.stderr.read().decode()[-500:]}")
        page = urllib.request.urlopen(f"http://127.0.0.1:{port}/masking", timeout=5).read()
        assert b"<title>" in page
    finally:
        proc.terminate()
        proc.wait(timeout=10)
