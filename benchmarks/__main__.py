"""Run every benchmark: `python -m benchmarks [--only NAME ...] [--quick]` (or `make bench`).

Each benchmark is its own script (benchmarks/bench_*.py; load.py for the demo
server under concurrent sessions) that prints its figures next to their
targets. This runner starts each one in a fresh process, so one benchmark's
models and caches do not flatter the next, prints everything, and writes
benchmarks/results.json with each script's output, exit code and duration,
plus the machine it ran on.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).parent
ORDER = ["bench_graph", "bench_site", "bench_models", "bench_search", "bench_scenarios", "bench_text_demos",
         "bench_demos", "bench_page_cpu", "load"]
QUICK_ARGS = {"bench_graph": ["--repeat", "1"], "bench_site": ["--sizes", "500", "--peer-size", "500", "--repeat", "1"]}


def main() -> int:
    parser = argparse.ArgumentParser(description="Run the sslgloss benchmarks.")
    parser.add_argument("--only", nargs="*", choices=ORDER, help="run only these")
    parser.add_argument("--quick", action="store_true", help="smaller sizes where a benchmark supports it")
    args = parser.parse_args()
    results = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
        "benchmarks": {},
    }
    failed = 0
    for name in args.only or ORDER:
        extra = QUICK_ARGS.get(name, []) if args.quick else []
        command = [sys.executable, "-m", f"benchmarks.{name}", *extra]
        print(f"\n=== {name}: {' '.join(command[1:])}", flush=True)
        start = time.perf_counter()
        proc = subprocess.run(command, cwd=HERE.parent, capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        print(proc.stdout, end="")
        if proc.returncode:
            failed += 1
            print(proc.stderr[-2000:], file=sys.stderr)
        results["benchmarks"][name] = {"command": " ".join(command[1:]), "exit_code": proc.returncode,
                                       "seconds": round(elapsed, 1), "output": proc.stdout}
    out = HERE / "results.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nwrote {out}; {failed} benchmark(s) failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
