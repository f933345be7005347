"""Shared helpers for the reliability tests: free loopback ports, the demo server, headless Chromium.

Every server started here binds 127.0.0.1 only and is stopped in fixture
teardown; every wait has a deadline, so a broken piece fails a test instead of
hanging the suite.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from sslgloss.demos.launcher import server_command  # exactly what `sslgloss demos` runs

REPO = Path(__file__).resolve().parents[2]
DEMOS = REPO / "demos"
CHROMIUM = "/usr/bin/chromium"
NGINX = "/usr/sbin/nginx"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]

sys.path.insert(0, str(REPO))  # the load client's tests import `benchmarks.load` and `benchmarks.protocol_client`


# ----------------------------------------------------------------------------- a demo server for the tests

def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float, proc: subprocess.Popen | None = None, expect: bytes | None = None) -> float:
    """Seconds until ``url`` answers 200 (and contains ``expect``); RuntimeError after ``timeout``."""
    start = time.monotonic()
    last = "no answer"
    while time.monotonic() - start < timeout:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the server exited with code {proc.returncode} before {url} answered")
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                body = answer.read()
                if answer.status == 200 and (expect is None or expect in body):
                    return time.monotonic() - start
                last = f"HTTP {answer.status}"
        except (urllib.error.URLError, OSError) as err:
            last = str(err)
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s ({last})")


def rss_mb(pid: int) -> float:
    """Resident memory of one process in MB (Linux /proc)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


@dataclass
class DemoServer:
    """The real demo app (``sslgloss.demos.launcher.server_command``) on 127.0.0.1:``port``, in its own
    process group, so that ``stop``/``kill`` reach it and anything it started."""

    port: int = 0
    env: dict = field(default_factory=dict)
    base_path: str = ""  # --server.baseUrlPath, e.g. "demos" behind a proxy that serves them under /demos/
    log_path: Path | None = None
    proc: subprocess.Popen | None = None

    def __post_init__(self):
        self.port = self.port or free_port()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}" + (f"/{self.base_path.strip('/')}" if self.base_path else "")

    def start(self) -> "DemoServer":
        command = server_command(self.port, base_path=self.base_path, env=dict(os.environ, **self.env))
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL
        self.proc = command.popen(stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        if log is not subprocess.DEVNULL:
            log.close()
        return self

    def wait_ready(self, timeout: float = 120.0) -> float:
        return wait_http(self.url + "/_stcore/health", timeout, self.proc, expect=b"ok")

    def rss_mb(self) -> float:
        return rss_mb(self.proc.pid) if self.proc else float("nan")

    def kill(self) -> None:
        """Stop at once (SIGKILL), as a crash would."""
        self._signal(signal.SIGKILL)

    def stop(self, timeout: float = 10.0) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self._signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self._signal(signal.SIGKILL)
            self.proc.wait(5)

    def _signal(self, sig: int) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, sig)  # its own session: the server and anything it started
        except ProcessLookupError:
            pass
        if sig == signal.SIGKILL:
            self.proc.wait(10)

    def __enter__(self) -> "DemoServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per test module (skips with the reason when it cannot start).

    Per module, not per session: a sync Playwright left open keeps an event loop running, and the
    next module that starts its own (tests/site) would be refused.
    """
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing (Debian package `chromium`; `make setup` installs it)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright Python package is missing (pip install -e '.[test]')")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    """The real demo app on a free loopback port for one test module, stopped at its end."""
    server = DemoServer(log_path=tmp_path_factory.mktemp("demo-server") / "streamlit.log").start()
    try:
        server.wait_ready(180)
        yield server
    finally:
        server.stop()


__all__ = ["DemoServer", "free_port", "wait_http", "REPO", "DEMOS", "NGINX", "browser"]
