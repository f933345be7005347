"""Server CPU per page run of every demo, over protocol-level sessions against the real demo server.

Run:  .venv/bin/python benchmarks/bench_page_cpu.py [--visits 10] [--repeats 3] [--demos masking,next-word]
                                                    [--fresh] [--url URL --pid PID]

Without ``--url`` it starts the real demo server (benchmarks/load.py's
DemoServer, i.e. ``sslgloss.demos.launcher.server_command``) on a free port and
warms every demo (each page opened and changed twice, so models are loaded and
per-process caches filled). Then, one demo at a time and one session at a time,
it makes ``--visits`` visits: open a session on the demo with the load test's
preset input (benchmarks/load.py SCENARIOS), which is one page run, change one
input, which is a second page run, close. The server's CPU time (utime + stime
of its process and its children, from /proc) is read before and after each
block of visits; CPU ms per page run = CPU time / page runs. That is repeated
``--repeats`` times and the median is printed next to the target.

By default every visit gives the same inputs, as a classroom following a term
page does, so results cached by the pages (st.cache_data) are hits after the
warm-up. ``--fresh`` gives every visit inputs no earlier visit gave (a word
put in front of the text, another image or clip), so nothing is cached: the
cost of a learner typing something new.

CPU time, not wall time: a neighbour on the other core does not count, but a
busy machine still slows caches and memory a little; the load average is
printed.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # load.py and protocol_client.py sit next to this file
    sys.path.insert(0, str(HERE))

from load import BY_ID, PROTOCOL_WIDGET, SCENARIOS, cpu_seconds, print_run_header, start_server  # noqa: E402

TARGET_MS = {"masking": 30, "next-word": 30, "semantic-search": 30,
             "masked-image": 60, "song-styles": 60, "few-label-sentiment": 60}
# --fresh: a different word in front of every text, so no two visits give the same input
FRESH_WORDS = ("today", "yesterday", "often", "sometimes", "usually", "here", "there", "now", "then", "again",
               "indeed", "still", "also", "surely", "perhaps", "rarely", "later", "soon", "once", "twice",
               "truly", "mostly", "maybe", "really", "quite", "simply", "clearly", "finally", "certainly", "suddenly")


# ----------------------------------------------------------------------------- the visits

def visit_inputs(scenario, index: int, fresh: bool) -> tuple[dict, str]:
    """(URL parameters, changed value) of visit ``index``; with ``fresh`` ones no other visit used."""
    params, change = dict(scenario.params), scenario.change_value
    if not fresh:
        return params, change
    if scenario.change == "number":  # another held-out image or clip
        name = next(iter(params))
        return {name: str(2 * index % 40)}, str((2 * index + 1) % 40)
    word = FRESH_WORDS[index % len(FRESH_WORDS)] + (f" {index // len(FRESH_WORDS)}" if index >= len(FRESH_WORDS) else "")
    params["input"] = f"{word.capitalize()} {params['input'][0].lower()}{params['input'][1:]}"
    return params, f"{word.capitalize()} {change[0].lower()}{change[1:]}"


async def visit(base: str, scenario, params: dict, change: str, timeout: float) -> tuple[int, list[str]]:
    """Open, change one input, close: (page runs, errors the page showed)."""
    from protocol_client import Session

    session = await Session.open(base, scenario.demo, urlencode(params), timeout)
    try:
        errors = list(session.last.errors)
        run = await session.change(PROTOCOL_WIDGET[scenario.change], change, timeout,
                                   label=scenario.change_label or None)
        errors += run.errors
        return 2, errors
    finally:
        await session.close()


async def measure(base: str, pid: int, scenario, visits: int, start: int, fresh: bool,
                  timeout: float) -> tuple[float, float, float, list[str]]:
    """CPU ms per page run over ``visits`` visits; also (open, change) ms split; errors."""
    from protocol_client import Session

    runs, errors, open_s, change_s = 0, [], 0.0, 0.0
    before = cpu_seconds(pid)
    for i in range(start, start + visits):
        params, change = visit_inputs(scenario, i, fresh)
        t0 = cpu_seconds(pid)
        session = await Session.open(base, scenario.demo, urlencode(params), timeout)
        t1 = cpu_seconds(pid)
        try:
            errors += session.last.errors
            run = await session.change(PROTOCOL_WIDGET[scenario.change], change, timeout,
                                       label=scenario.change_label or None)
            errors += run.errors
        finally:
            t2 = cpu_seconds(pid)
            await session.close()
        open_s, change_s, runs = open_s + (t1 - t0), change_s + (t2 - t1), runs + 2
    await asyncio.sleep(0.2)  # what the server does after a session closes counts too
    total = cpu_seconds(pid) - before
    return 1000 * total / runs, 1000 * open_s / visits, 1000 * change_s / visits, errors


def idle_ms_per_s(pid: int, seconds: float = 3.0) -> float:
    before = cpu_seconds(pid)
    time.sleep(seconds)
    return 1000 * (cpu_seconds(pid) - before) / seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=10, help="visits per repeat (each visit = 2 page runs)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--demos", help="comma-separated demo ids (default: every demo)")
    parser.add_argument("--fresh", action="store_true", help="inputs no earlier visit gave (nothing cached)")
    parser.add_argument("--url", help="an already running demo server (then --pid is required)")
    parser.add_argument("--pid", type=int, help="the process id of the server at --url")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds a page run may take (first loads)")
    args = parser.parse_args(argv)
    if args.url and not args.pid:
        parser.error("--url needs --pid (the server process whose CPU time is read)")
    sys.stdout.reconfigure(line_buffering=True)
    demos = [BY_ID[d] for d in args.demos.split(",")] if args.demos else SCENARIOS
    print_run_header("bench_page_cpu.py", argv)
    server = None
    try:
        if args.url:
            base, pid = args.url, args.pid
        else:
            server = start_server("page-cpu")
            base, pid = server.url, server.proc.pid
        for scenario in demos:  # warm-up: models load, per-process caches fill (twice: lazy pieces too)
            started = time.monotonic()
            for i in range(2):
                _, errors = asyncio.run(visit(base, scenario, *visit_inputs(scenario, 10_000 + i, args.fresh),
                                              args.timeout))
                if errors:
                    print(f"warm-up {scenario.demo}: the page showed an error: {errors[0][:200]}")
            print(f"warm-up {scenario.demo}: {time.monotonic() - started:.1f} s")
        print(f"server idle: {idle_ms_per_s(pid):.1f} ms CPU per second (not subtracted below)")
        print()
        print(f"{'demo':22s} {'ms/page run':>11s}   {'repeats':24s} {'open':>7s} {'change':>7s}   target")
        missed, failed = [], False
        for scenario in demos:
            figures, opens, changes, errors = [], [], [], []
            for r in range(args.repeats):
                per_run, per_open, per_change, errs = asyncio.run(
                    measure(base, pid, scenario, args.visits, r * args.visits, args.fresh, args.timeout))
                figures.append(per_run)
                opens.append(per_open)
                changes.append(per_change)
                errors += errs
            median = statistics.median(figures)
            target = TARGET_MS[scenario.demo]
            verdict = "ok" if median <= target else "MISSED"
            if median > target:
                missed.append(scenario.demo)
            print(f"{scenario.demo:22s} {median:9.1f} ms   {', '.join(f'{x:.0f}' for x in figures):24s} "
                  f"{statistics.median(opens):5.0f} ms {statistics.median(changes):5.0f} ms   <= {target} {verdict}")
            if errors:
                failed = True
                print(f"   {len(errors)} error(s) shown by the page, e.g. {errors[0][:200]}")
        print()
        print(f"(each repeat: {args.visits} visits = {2 * args.visits} page runs; 'open' and 'change' are CPU ms of "
              f"the first and the second run of a visit; inputs: {'fresh every visit' if args.fresh else 'load.py presets'})")
        with open("/proc/loadavg") as f:
            print(f"load average at end: {' '.join(f.read().split()[:3])}")
        if missed:
            print("targets missed: " + ", ".join(missed))
        return 1 if failed else 0
    finally:
        if server:
            server.stop()


if __name__ == "__main__":
    sys.exit(main())
