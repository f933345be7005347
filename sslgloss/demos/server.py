"""A demo server as a child process: start it, wait until it answers, read its memory, stop it.

The tests (tests/reliability, tests/site), the benchmarks (benchmarks/load.py) and
a deployment script need the same thing: the real demo app, started exactly as
``sslgloss demos`` starts it (:func:`.launcher.server_command`), on a loopback
port, in its own process group so that stopping it stops everything it started.
Every wait has a deadline, so a broken server fails fast instead of hanging.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from .launcher import server_command


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def group_alive(pgid: int) -> bool:
    """Whether any process of process group ``pgid`` is still there (a server started in its own session,
    and whatever it started): what a test checks after stopping it, so that nothing outlives a stop."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


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


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    """Resident memory of one process in MB (Linux /proc); ``field="VmHWM"``: its peak so far."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


@dataclass
class DemoServer:
    """The real demo app (:func:`~sslgloss.demos.launcher.server_command`) on 127.0.0.1:``port``, in its own
    process group, so that ``stop``/``kill`` reach it and anything it started."""

    port: int = 0
    env: dict = field(default_factory=dict)
    base_path: str = ""  # --server.baseUrlPath, e.g. "demos" behind a proxy that serves them under /demos/
    log_path: Path | None = None
    proc: subprocess.Popen | None = None
    started_at: float = 0.0

    def __post_init__(self):
        self.port = self.port or free_port()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}" + (f"/{self.base_path.strip('/')}" if self.base_path else "")

    def start(self) -> "DemoServer":
        command = server_command(self.port, base_path=self.base_path, env=dict(os.environ, **self.env))
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL
        self.started_at = time.monotonic()
        self.proc = command.popen(stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        if log is not subprocess.DEVNULL:
            log.close()
        return self

    def wait_ready(self, timeout: float = 120.0) -> float:
        return wait_http(self.url + "/_stcore/health", timeout, self.proc, expect=b"ok")

    def rss_mb(self) -> float:
        return rss_mb(self.proc.pid) if self.proc else float("nan")

    def peak_rss_mb(self) -> float:
        """The most resident memory the server has held since it started, warm-up included."""
        return rss_mb(self.proc.pid, "VmHWM") if self.proc else float("nan")

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
