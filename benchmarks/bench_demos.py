"""Demo server benchmark: start to first answer, answer after typing, memory after many sessions.

Run:  .venv/bin/python benchmarks/bench_demos.py [--inputs 20] [--sessions 50] [--demo masking]

Starts the real demo server on a free 127.0.0.1 port (warm caches: run it once
before, or after `make serve`), then with headless Chromium measures
1. seconds from starting the server to the first rendered answer of ``--demo``;
2. the median seconds from typing a new input (Enter) to its rendered answer, over ``--inputs`` inputs;
3. the server's RSS after ``--sessions`` sessions opened one after the other (each a new page load).
Figures depend on what else the machine does: the load average is printed first.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.load import BY_ID, CHROMIUM, CHROMIUM_ARGS, change_input, demo_url, wait_answer  # noqa: E402
from sslgloss.demos.server import DemoServer  # noqa: E402

INPUTS = {
    "masking": [f"{s} [MASK]." for s in (
        "A dog is a kind of", "Paris is the capital of", "She drank a cup of",
        "The model learns to predict the", "He opened the", "Children played in the", "The sun rises in the",
        "Self-supervised learning needs no", "A masked language model fills in the", "The bird flew over the",
        "We went to the", "The teacher wrote on the", "Music is a form of", "The river flows into the",
        "A car has four", "The book is on the", "Water boils at one hundred", "The doctor works in a",
        "An apple is a kind of", "The train left the")],
    "semantic-search": ["how alike are two vectors", "which word comes next",
                        "grouping songs by style", "labels are expensive", "learn without labels",
                        "pictures with pieces missing", "compare two sentences", "keyword ranking",
                        "fine tune a pretrained model", "attention heads", "what is a token",
                        "contrast positive and negative pairs", "guess the hidden word", "reduce dimensions",
                        "predict the missing patch", "vector similarity search", "few labelled examples",
                        "a model of language", "train on raw text", "cluster embeddings"],
}


def main(argv: list[str] | None = None) -> int:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=20)
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--demo", default="masking", choices=sorted(INPUTS))
    args = parser.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)  # progress shows up even when the output goes to a file
    with open("/proc/loadavg") as f:
        print(f"load average: {f.read().split()[:3]}  cores: {os.cpu_count()}")
    print("command: .venv/bin/python benchmarks/bench_demos.py " + " ".join(argv if argv is not None else sys.argv[1:]))
    scenario = BY_ID[args.demo]
    server = DemoServer(log_path=Path("/tmp") / f"sslgloss-bench-demos-{os.getpid()}.log")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            started = time.monotonic()
            server.start()
            health = server.wait_ready(180)
            page = browser.new_page()
            page.goto(demo_url(server.url, scenario))
            answer = wait_answer(page, scenario, 300_000)
            first = time.monotonic() - started
            print(f"server start -> health ok: {health:.2f} s; -> first {args.demo} answer: {first:.2f} s")
            times, errors = [], []
            for n, text in enumerate((INPUTS[args.demo] * 2)[: args.inputs], start=1):
                step = replace(scenario, change_value=text)
                t0 = time.monotonic()
                change_input(page, step)
                try:
                    answer = wait_answer(page, step, 120_000, previous=answer)
                except (RuntimeError, TimeoutError) as err:  # counted and shown; the next input goes on
                    errors.append(f"input {n} {text!r}: {err}")
                    answer = None
                    continue
                times.append(time.monotonic() - t0)
            for err in errors:
                print("error:", err[:300])
            print(f"typing -> rendered answer ({args.demo}, {len(times)} inputs, {len(errors)} errors): median {statistics.median(times):.2f} s, "
                  f"max {max(times):.2f} s (includes ~0.45 s of this script's settle checks)")
            page.close()
            rss_start = server.rss_mb()
            for _ in range(args.sessions):
                page = browser.new_page()
                page.goto(demo_url(server.url, scenario))
                wait_answer(page, scenario, 120_000)
                page.close()
            time.sleep(2)
            print(f"server RSS after the first session: {rss_start:.0f} MB; after {args.sessions} more sessions: "
                  f"{server.rss_mb():.0f} MB")
        finally:
            browser.close()
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
