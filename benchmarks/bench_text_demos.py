"""Text demos benchmark: how long a learner waits on the masking, next-word and semantic-search pages.

Run:  .venv/bin/python benchmarks/bench_text_demos.py [--repeats 5] [--live-steps 100]

Figures (medians after one warm-up, on whatever else the machine is doing:
the load average is printed first):
* one run of each page script (Streamlit's AppTest, models already loaded):
  the server-side time between a learner's change and the updated page;
* each static fallback, warm (in this process) and cold (a fresh worker
  process, as the site build runs it);
* "watch it learn": training steps per second of the tiny live model.
Uses the models inference would load (cache dir, else the shipped weights).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT / "demos" / "views"
SPECS = {
    "masking": {"id": "masking", "input": "The cat sat on the [MASK] near the [MASK].", "params": {}},
    "next_word": {"id": "next-word", "input": "The cat sat on the", "params": {}},
    "semantic_search": {"id": "semantic-search", "input": "guess the hidden word", "params": {}},
}


def row(name: str, value: str, note: str = "") -> None:
    print(f"{name:<58}{value:>12}   {note}")


def median_s(fn, repeats: int) -> float:
    fn()  # warm-up: loads models, fills caches
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def page_run(name: str, params: dict[str, str]):
    from streamlit.testing.v1 import AppTest

    def run() -> None:
        at = AppTest.from_file(str(PAGES / f"{name}.py"), default_timeout=300)
        for key, value in params.items():
            at.query_params[key] = value
        at.run()
        if at.exception:
            raise RuntimeError(f"{name}: {at.exception[0].value}")

    return run


def cold_fallback(function: str, spec: dict) -> float:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "sslgloss.demos.worker"], capture_output=True, text=True,
                          input=json.dumps({"fallback": f"sslgloss.demos.static:{function}", "spec": spec}), cwd=ROOT)
    seconds = time.perf_counter() - start
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    if not answer.get("ok"):
        raise RuntimeError(f"{function}: {answer.get('error')}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--live-steps", type=int, default=100)
    args = parser.parse_args()
    print("command: .venv/bin/python benchmarks/bench_text_demos.py " + " ".join(sys.argv[1:]))
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}  cores: {os.cpu_count()}\n")

    import logging

    logging.getLogger("streamlit").setLevel(logging.ERROR)  # AppTest warns about a missing browser session
    from sslgloss import DemoSpec, fallbacks
    from sslgloss.ml import live, registry

    lm = registry.get_model("masked")
    row("masked model", f"{sum(p.numel() for p in lm.model.parameters()) / 1e6:.1f} M", str(lm.checkpoint.path))

    for name, params in (("masking", {"input": SPECS["masking"]["input"]}),
                         ("next-word", {"input": SPECS["next_word"]["input"]}),
                         ("semantic-search", {"input": SPECS["semantic_search"]["input"]})):
        seconds = median_s(page_run(name, params), args.repeats)
        row(f"page {name}: one run, warm", f"{seconds * 1000:.0f} ms", "(AppTest; the browser adds its drawing)")

    for function, spec in SPECS.items():
        demo_spec = DemoSpec.model_validate(spec)
        warm = median_s(lambda: getattr(fallbacks, function)(demo_spec), args.repeats)
        row(f"fallback {function}: warm", f"{warm * 1000:.0f} ms")
        row(f"fallback {function}: cold (fresh worker process)", f"{cold_fallback(function, spec):.1f} s",
            "(what the site build pays per uncached input)")

    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # what the masking page does for the live run
    live.train_live(steps=5)  # warm-up: torch's optimizer imports its compiler stack once (~5 s)
    start = time.perf_counter()
    live.train_live(steps=args.live_steps, every=max(args.live_steps // 10, 1))
    seconds = time.perf_counter() - start
    torch.set_num_threads(threads)
    row(f"watch it learn: {args.live_steps} steps (1 thread)", f"{seconds:.1f} s",
        f"({args.live_steps / seconds:.0f} steps/s incl. probes every {max(args.live_steps // 10, 1)} steps)")


if __name__ == "__main__":
    main()
