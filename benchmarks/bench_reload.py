"""How long a writer waits: the first page of `mkdocs serve`, and the page again after saving a term.

Starts `mkdocs serve` on the real mkdocs.yml with an empty cache (a fresh clone after
setup: the core glossary's static demo results ship with the package, nothing else is
cached) and one extra folder holding one term (SSLGLOSS_TERM_DIRS, as `sslgloss serve
--terms-dir` passes it). It reports:

- cold start: seconds from starting the server to the home page answering 200;
- edit-reload: seconds from saving the term file (a new summary) to its page serving the
  new text, --edits times; median and max.

    .venv/bin/python benchmarks/bench_reload.py              # 5 edits
    .venv/bin/python benchmarks/bench_reload.py --edits 10
"""

from __future__ import annotations

import argparse
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

TERM = """\
---
id: reload-probe
title: Reload Probe
summary: {summary}
tags: [data]
relations:
  related_to: [clustering]
references:
  - {{title: "A reference", authors: "A. Writer", year: 2024, url: "https://example.org/ref"}}
---
## Definition

A term that the benchmark edits, to time how soon its page shows the change.

## Example

Saving this file with a new summary.

## Origins

Written for the benchmark.

## Context and usage

Only in the benchmark.

## Why it matters

A writer waits for this.

## In practice

Run the benchmark.
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8", "replace")
    except OSError:
        return None


def wait_for(predicate, timeout: float) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if predicate():
            return time.perf_counter() - start
        time.sleep(0.05)
    raise SystemExit(f"gave up after {timeout:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--edits", type=int, default=5)
    args = parser.parse_args()
    print(f"# {' '.join(sys.argv)} | {platform.node()} | {os.cpu_count()} cores | python {platform.python_version()}")
    with tempfile.TemporaryDirectory() as tmp:
        terms = Path(tmp) / "terms"
        terms.mkdir()
        page = terms / "reload-probe.md"
        page.write_text(TERM.format(summary="The first summary."), encoding="utf-8")
        port = free_port()
        env = dict(os.environ, SSLGLOSS_CACHE=str(Path(tmp) / "cache"), SSLGLOSS_TERM_DIRS=str(terms),
                   NO_MKDOCS_2_WARNING="1", SSLGLOSS_SITE_URL=f"http://127.0.0.1:{port}/")
        log = open(Path(tmp) / "serve.log", "w")
        start = time.perf_counter()
        server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"], cwd=REPO,
                                  env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}/"
            wait_for(lambda: fetch(url) is not None, 300)
            cold = time.perf_counter() - start
            print(f"cold start: home page after {cold:.1f} s")
            times = []
            for i in range(args.edits):
                marker = f"Summary number {i} of the reload benchmark."
                time.sleep(1.0)  # let the watcher settle after the previous build
                page.write_text(TERM.format(summary=marker), encoding="utf-8")
                took = wait_for(lambda: marker in (fetch(url + "terms/reload-probe/") or ""), 120)
                times.append(took)
                print(f"edit {i + 1}: page shows the new summary after {took:.2f} s")
            print(textwrap.dedent(f"""\
                edit-reload: median {statistics.median(times):.2f} s, max {max(times):.2f} s over {len(times)} edits"""))
        finally:
            server.terminate()
            server.wait(timeout=20)
            log.close()


if __name__ == "__main__":
    main()
