"""Load test of the demo server: many concurrent sessions using every demo page.

Run:  .venv/bin/python benchmarks/load.py [--sessions 20] [--seconds 120] [--think 2-5] [--url http://127.0.0.1:PORT]
                                          [--client protocol|browser]

Without ``--url`` it starts the real demo server (``streamlit run demos/app.py``
from demos/, bound to 127.0.0.1 on a free port), waits on ``/_stcore/health``,
warms every demo once (in headless Chromium), then drives ``--sessions``
concurrent sessions. Each session opens a demo page with its inputs, waits for
the answer, changes an input, waits for the new answer, and starts over on the
next demo until ``--seconds`` have passed. ``--think 2-5`` (the default: a
classroom) makes each learner pause a random 2 to 5 s before each action, as
people read and type; ``--think 0`` never pauses (a stress test: every session
keeps the server busy all the time).

``--client protocol`` (the default) speaks Streamlit's websocket protocol with
its own protobuf messages (benchmarks/protocol_client.py): the same sessions,
reruns and widget changes a browser tab makes, so the server does the same
work, while the client costs almost no CPU, which matters when client and
server share 2 cores. ``--client browser`` opens the pages in one headless
Chromium (Debian's /usr/bin/chromium through Playwright): the faithful client,
which also runs the pages' JavaScript, at the price of a renderer per session.

``--prepare`` first runs ``sslgloss demos --prepare-only`` in a child process, as
``sslgloss serve`` does before it starts the demo server (with an empty
``SSLGLOSS_CACHE``: a fresh machine's first run).

Printed (the lead collects the figures): p50 / p95 time to answer for the first
answer of a page and for the answer after an input change, errors, the server's
RSS after warm-up and at the end, its peak over its whole life (``server_peak_rss_mb``,
the kernel's VmHWM), and whether every session that gave the same
input saw the same answer text (determinism under load).

This module also holds the helpers the reliability tests share (free ports,
starting and stopping a demo server, waiting for an answer in a page).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parents[1]
DEMOS = REPO / "demos"
PYTHON = REPO / ".venv" / "bin" / "python"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


# ----------------------------------------------------------------------------- the server

from sslgloss.demos.server import DemoServer  # noqa: E402


def print_run_header(script: str, argv: list[str] | None) -> None:
    """The machine's load and the exact command, first in every benchmark's output."""
    with open("/proc/loadavg") as f:
        print(f"load average: {' '.join(f.read().split()[:3])}  cores: {os.cpu_count()}")
    print(f"command: .venv/bin/python benchmarks/{script} " + " ".join(argv if argv is not None else sys.argv[1:]))


def start_server(tag: str) -> DemoServer:
    """The real demo server on a free port for one benchmark run, its log in /tmp."""
    server = DemoServer(log_path=Path("/tmp") / f"sslgloss-{tag}-{os.getpid()}.log").start()
    print(f"server: {server.url} (log {server.log_path}); health after {server.wait_ready(180):.1f} s")
    return server


def cpu_seconds(pid: int) -> float:
    """CPU time (utime + stime) of ``pid`` with every thread, its finished children and its live descendants."""
    def fields(p: int) -> list[str]:
        with open(f"/proc/{p}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()  # from field 3 (state) on; the name may hold spaces

    ticks = sum(int(x) for x in fields(pid)[11:15])  # utime stime cutime cstime
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                children.setdefault(int(fields(int(entry))[1]), []).append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    todo = list(children.get(pid, []))
    while todo:
        child = todo.pop()
        todo += children.get(child, [])
        try:
            ticks += sum(int(x) for x in fields(child)[11:13])
        except (OSError, IndexError, ValueError):
            pass
    return ticks / os.sysconf("SC_CLK_TCK")


def parse_think(text: str) -> tuple[float, float]:
    """``"2-5"`` -> (2.0, 5.0), ``"3"`` -> (3.0, 3.0), ``"0"`` -> no pause."""
    low, _, high = str(text).partition("-")
    low_s, high_s = float(low), float(high or low)
    if not 0 <= low_s <= high_s:
        raise ValueError(f"think time {text!r}: use SECONDS or LOW-HIGH with 0 <= LOW <= HIGH")
    return low_s, high_s


# ----------------------------------------------------------------------------- what a session does

@dataclass(frozen=True)
class Scenario:
    """One demo page: the URL inputs, how to recognise its answer, and one input change."""

    demo: str
    params: dict
    answer: str  # CSS selector of the element whose text is "the answer"
    answer_contains: str  # text the answer holds once rendered
    change: str  # the kind of input change (see change_input)
    change_value: str
    answer_kind: str = ""  # protocol client: the element kind that holds the answer (default: any text with the needle)
    change_label: str = ""  # the label of the input to change (a page can have several of one kind, some in hidden tabs)

    def protocol_answer(self, run) -> str:
        if self.answer_kind:
            return "\n".join(e.text for e in run.elements if e.kind == self.answer_kind)
        return run.text_with(self.answer_contains)


# Inputs chosen so that each page computes something real; answers are read from elements
# that carry text in the DOM (dataframes draw on a canvas, so their text is not used).
SCENARIOS = [
    Scenario("masking", {"input": "The cat sat on the [MASK]."}, '[data-testid="stMarkdown"]', "best guess",
             "text", "A dog is a kind of [MASK].", change_label="Text with one or more [MASK]"),
    Scenario("next-word", {"input": "The model learns to"},
             '[data-testid="stButtonGroup"], [data-testid="stButton"]', "·",
             "textarea", "Self-supervised learning needs", answer_kind="button_group", change_label="Prompt"),
    Scenario("semantic-search", {"input": "hide some words and predict them"}, '[data-testid="stDataFrame"]',
             "|", "text", "how alike are two vectors", change_label="Search the glossary"),
    Scenario("masked-image", {"image": "3"}, '[data-testid="stMetric"]', "error", "number", "7",
             change_label="Held-out digit"),
    Scenario("song-styles", {"clip": "2"}, '[data-testid="stMarkdown"]', "landed in", "number", "5",
             change_label="Clip"),
    Scenario("few-label-sentiment", {"input": "The lecture was long but surprisingly fun."},
             '[data-testid="stProgress"]', "P(positive)", "textarea", "The soup was cold and the waiter rude.", change_label="Your sentence"),
]
BY_ID = {s.demo: s for s in SCENARIOS}

# "Running" is signalled by Streamlit's status widget; elements from the previous run are marked stale.
# An element's answer text: its visible text, or for a dataframe (drawn on a canvas) the cells of
# the accessible grid that Streamlit's data grid keeps in the DOM.
_TEXT_OF = """const textOf = (e) => {
    const cells = Array.from(e.querySelectorAll('[role=gridcell]')).map(c => c.innerText);
    return cells.length ? cells.join('|') : e.innerText;
  };"""
# "Running" is signalled by Streamlit's status widget; elements from the previous run are marked stale.
_IDLE_JS = """(args) => {
  const [selector, needle] = args;
  """ + _TEXT_OF + """
  if (document.querySelector('[data-testid="stStatusWidgetRunningIcon"], [data-testid="stStatusWidgetRunningManIcon"]'))
    return false;
  const crash = document.querySelector('[data-testid="stException"]');
  if (crash || document.body.innerText.includes('This app has encountered an error'))
    return 'error: ' + (crash ? crash.innerText.slice(0, 200) : 'This app has encountered an error');
  if (document.querySelector('[data-stale="true"]')) return false;
  return Array.from(document.querySelectorAll(selector)).some(e => textOf(e).includes(needle)) ? 'ok' : false;
}"""
_ERRORS_JS = """() => Array.from(document.querySelectorAll('[data-testid="stException"], [data-testid="stAlertContentError"], '
  + '[data-testid="stAlertContainer"]')).map(e => e.innerText.slice(0, 300))
  .filter(t => /error|exception|not found|could not/i.test(t))"""
_ANSWER_JS = """(args) => {
  const [selector, needle] = args;
  """ + _TEXT_OF + """
  return Array.from(document.querySelectorAll(selector)).map(textOf).filter(t => t.includes(needle)).join('\\n');
}"""


def demo_url(base: str, scenario: Scenario, embed: bool = True) -> str:
    query = {"embed": "true", **scenario.params} if embed else dict(scenario.params)
    return f"{base.rstrip('/')}/{scenario.demo}?{urlencode(query)}"


def wait_answer(page, scenario: Scenario, timeout_ms: float = 60_000, previous: str | None = None) -> str:
    """Wait until ``page`` (or a frame) is idle and shows its answer, held still for 300 ms; return its text.

    With ``previous``, wait for an answer that differs from it. Raises RuntimeError on an error box.
    """
    deadline = time.monotonic() + timeout_ms / 1000
    page.wait_for_timeout(150)  # let a rerun that was just triggered mark the old elements stale
    while True:
        remaining = max(1.0, (deadline - time.monotonic()) * 1000)
        state = page.wait_for_function(_IDLE_JS, arg=[scenario.answer, scenario.answer_contains],
                                       timeout=remaining, polling=100).json_value()
        errors = [state] if state != "ok" else page.evaluate(_ERRORS_JS)
        if errors:
            raise RuntimeError(f"{scenario.demo}: the page shows an error: {errors[0]}")
        text = page.evaluate(_ANSWER_JS, [scenario.answer, scenario.answer_contains])
        page.wait_for_timeout(300)
        again = page.evaluate(_ANSWER_JS, [scenario.answer, scenario.answer_contains])
        if again == text and page.evaluate(_IDLE_JS, [scenario.answer, scenario.answer_contains]) == "ok" \
                and (previous is None or text != previous):
            return text
        if time.monotonic() > deadline:
            raise TimeoutError(f"{scenario.demo}: no new answer within {timeout_ms / 1000:.0f} s")


def _input_box(candidates, scenario: Scenario):
    """The scenario's input among ``candidates`` (a Playwright locator): by its label when known."""
    if scenario.change_label:
        return candidates.and_(candidates.page.get_by_label(scenario.change_label, exact=True)).first
    return candidates.first


def change_input(page, scenario: Scenario, timeout_ms: float = 60_000) -> None:
    """Change one input the way a learner would (type and press Enter, or step a number)."""
    if scenario.change == "text":
        selector, key = '[data-testid="stTextInput"] input', "Enter"
    elif scenario.change == "textarea":
        selector, key = '[data-testid="stTextArea"] textarea', "Control+Enter"
    elif scenario.change == "number":
        selector, key = '[data-testid="stNumberInput"] input', "Enter"
    else:
        raise ValueError(f"unknown change kind {scenario.change!r}")
    box = _input_box(page.locator(selector), scenario)
    box.fill(scenario.change_value, timeout=timeout_ms)
    box.press(key, timeout=timeout_ms)


# ----------------------------------------------------------------------------- the load run

@dataclass
class Results:
    first: list[float] = field(default_factory=list)  # seconds from navigation to the first answer
    after_change: list[float] = field(default_factory=list)  # seconds from an input change to the new answer
    errors: list[str] = field(default_factory=list)
    answers: dict[tuple[str, str], set[str]] = field(default_factory=dict)  # (demo, phase) -> answer texts
    sessions: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record_answer(self, demo: str, phase: str, text: str) -> None:
        with self.lock:
            self.answers.setdefault((demo, phase), set()).add(text)

    def nondeterministic(self) -> dict[str, int]:
        return {f"{demo}/{phase}": len(texts) for (demo, phase), texts in self.answers.items() if len(texts) > 1}


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


async def _session(context, base: str, index: int, deadline: float, results: Results, demos: list[Scenario],
                   timeout_ms: float) -> None:
    """One learner: visits the demos in turn (starting at a different one each), until the deadline."""
    import asyncio

    page = await context.new_page()
    turn = index
    try:
        while time.monotonic() < deadline:
            scenario = demos[turn % len(demos)]
            turn += 1
            try:
                started = time.monotonic()
                await page.goto(demo_url(base, scenario), wait_until="domcontentloaded", timeout=timeout_ms)
                first = await _wait_answer_async(page, scenario, timeout_ms)
                results.first.append(time.monotonic() - started)
                results.record_answer(scenario.demo, "first", first)
                if time.monotonic() >= deadline:
                    break
                started = time.monotonic()
                await _change_input_async(page, scenario, timeout_ms)
                second = await _wait_answer_async(page, scenario, timeout_ms, previous=first)
                results.after_change.append(time.monotonic() - started)
                results.record_answer(scenario.demo, "changed", second)
                with results.lock:
                    results.sessions += 1
            except Exception as err:  # a timeout or an error box: counted, and the session goes on
                with results.lock:
                    results.errors.append(f"session {index} {scenario.demo}: {type(err).__name__}: {str(err)[:600]}")
                await asyncio.sleep(0.5)
    finally:
        await page.close()


async def _wait_answer_async(page, scenario: Scenario, timeout_ms: float, previous: str | None = None) -> str:
    deadline = time.monotonic() + timeout_ms / 1000
    await page.wait_for_timeout(150)
    while True:
        remaining = max(1.0, (deadline - time.monotonic()) * 1000)
        handle = await page.wait_for_function(_IDLE_JS, arg=[scenario.answer, scenario.answer_contains],
                                              timeout=remaining, polling=100)
        state = await handle.json_value()
        errors = [state] if state != "ok" else await page.evaluate(_ERRORS_JS)
        if errors:
            raise RuntimeError(f"the page shows an error: {errors[0]}")
        text = await page.evaluate(_ANSWER_JS, [scenario.answer, scenario.answer_contains])
        await page.wait_for_timeout(300)  # elements of one run arrive one by one: read until it holds still
        again = await page.evaluate(_ANSWER_JS, [scenario.answer, scenario.answer_contains])
        still_idle = await page.evaluate(_IDLE_JS, [scenario.answer, scenario.answer_contains])
        if again != text or still_idle != "ok":
            continue
        if previous is None or text != previous:
            return text
        if time.monotonic() > deadline:
            raise TimeoutError(f"{scenario.demo}: the answer did not change after the input changed")
        await page.wait_for_timeout(100)


async def _change_input_async(page, scenario: Scenario, timeout_ms: float = 90_000) -> None:
    selector, key = {
        "text": ('[data-testid="stTextInput"] input', "Enter"),
        "textarea": ('[data-testid="stTextArea"] textarea', "Control+Enter"),
        "number": ('[data-testid="stNumberInput"] input', "Enter"),
    }[scenario.change]
    box = _input_box(page.locator(selector), scenario)
    await box.fill(scenario.change_value, timeout=timeout_ms)
    await box.press(key, timeout=timeout_ms)


async def drive(base: str, sessions: int, seconds: float, demos: list[Scenario] | None = None,
                timeout_ms: float = 90_000) -> Results:
    """``sessions`` concurrent pages in one headless Chromium, for ``seconds`` (then each finishes its step)."""
    import asyncio

    from playwright.async_api import async_playwright

    demos = demos or SCENARIOS
    results = Results()
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = await browser.new_context(viewport={"width": 1000, "height": 900})
            deadline = time.monotonic() + seconds
            await asyncio.gather(*(_session(context, base, i, deadline, results, demos, timeout_ms)
                                   for i in range(sessions)))
            await context.close()
        finally:
            await browser.close()
    return results


PROTOCOL_WIDGET = {"text": "text_input", "textarea": "text_area", "number": "number_input"}


async def _protocol_session(base: str, index: int, deadline: float, results: Results, demos: list[Scenario],
                            timeout_s: float, think: tuple[float, float] = (0.0, 0.0)) -> None:
    """One learner over the websocket protocol (benchmarks/protocol_client.py): open a page, read its
    answer, (think,) change an input, read the new answer, close, (think,) next demo; until the deadline."""
    import asyncio
    import random

    from protocol_client import Session

    rng = random.Random(index)  # the same pauses in every run

    async def pause() -> None:
        if think[1] > 0:
            await asyncio.sleep(rng.uniform(*think))

    turn = index
    if think[1] > 0:  # learners do not all arrive in the same second
        await asyncio.sleep(rng.uniform(0, think[1]))
    while time.monotonic() < deadline:
        scenario = demos[turn % len(demos)]
        turn += 1
        session = None
        try:
            started = time.monotonic()
            session = await Session.open(base, scenario.demo, urlencode(scenario.params), timeout_s)
            run = session.last
            if run.errors or not scenario.protocol_answer(run):
                raise RuntimeError(f"first run: {run.errors[:1] or 'no answer on the page'}")
            results.first.append(time.monotonic() - started)
            first = scenario.protocol_answer(run)
            results.record_answer(scenario.demo, "first", first)
            await pause()  # reading the answer, typing the next input
            started = time.monotonic()  # a visit that has begun is finished, even past the deadline
            run = await session.change(PROTOCOL_WIDGET[scenario.change], scenario.change_value, timeout_s,
                                       label=scenario.change_label or None)
            second = scenario.protocol_answer(run)
            if run.errors or not second or second == first:
                raise RuntimeError(f"after the change: {run.errors[:1] or 'the answer did not change'}")
            results.after_change.append(time.monotonic() - started)
            results.record_answer(scenario.demo, "changed", second)
            with results.lock:
                results.sessions += 1
        except Exception as err:  # counted, and the learner goes on
            with results.lock:
                results.errors.append(f"session {index} {scenario.demo}: {type(err).__name__}: {str(err)[:600]}")
            await asyncio.sleep(0.5)
        finally:
            if session is not None:
                await session.close()
        if time.monotonic() < deadline:
            await pause()  # reading, before opening the next demo


async def drive_protocol(base: str, sessions: int, seconds: float, demos: list[Scenario] | None = None,
                         timeout_s: float = 90.0, think: tuple[float, float] = (0.0, 0.0)) -> Results:
    """``sessions`` concurrent protocol-level sessions for ``seconds`` (then each finishes its step)."""
    import asyncio

    here = str(Path(__file__).resolve().parent)
    if here not in sys.path:  # `protocol_client` sits next to this file, which also runs as a script
        sys.path.insert(0, here)
    demos = demos or SCENARIOS
    results = Results()
    deadline = time.monotonic() + seconds
    await asyncio.gather(*(_protocol_session(base, i, deadline, results, demos, timeout_s, think)
                           for i in range(sessions)))
    return results


def run_protocol(base: str, sessions: int, seconds: float, demos: list[Scenario] | None = None,
                 timeout_s: float = 90.0, think: tuple[float, float] = (0.0, 0.0)) -> Results:
    """:func:`drive_protocol` from synchronous code, on its own event loop in a worker thread (so it also
    works where a loop is already running, e.g. next to Playwright's sync API in a test session)."""
    import asyncio

    return in_worker_thread(asyncio.run, drive_protocol(base, sessions, seconds, demos, timeout_s, think))


class RssSampler:
    """The server's RSS every ``every`` seconds in a thread: (seconds since start, MB)."""

    def __init__(self, server: "DemoServer | None", every: float = 10.0):
        self.server, self.every, self.samples = server, every, []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        start = time.monotonic()
        while not self._stop.is_set():
            self.samples.append((round(time.monotonic() - start), round(self.server.rss_mb(), 1)))
            self._stop.wait(self.every)

    def __enter__(self) -> "RssSampler":
        if self.server:
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(5)

    def at(self, second: float) -> float:
        """The sample closest to ``second`` after the start."""
        if not self.samples:
            return float("nan")
        return min(self.samples, key=lambda s: abs(s[0] - second))[1]


def in_worker_thread(fn, *args):
    """``fn(*args)`` on a fresh thread: Playwright's sync API and asyncio.run both refuse to start where an
    event loop is already running (e.g. a test session that holds a sync Playwright browser)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn, *args).result()


def warm_up(base: str, demos: list[Scenario] | None = None, timeout_ms: float = 300_000) -> dict[str, float | str]:
    """Open every demo once (models load, caches fill): seconds to its first answer, or the error it showed."""
    return in_worker_thread(_warm_up, base, demos, timeout_ms)


def _warm_up(base: str, demos: list[Scenario] | None, timeout_ms: float) -> dict[str, float | str]:
    from playwright.sync_api import sync_playwright

    times: dict[str, float | str] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for scenario in demos or SCENARIOS:
                page = browser.new_page()
                started = time.monotonic()
                try:
                    page.goto(demo_url(base, scenario), wait_until="domcontentloaded")
                    wait_answer(page, scenario, timeout_ms)
                    times[scenario.demo] = time.monotonic() - started
                except Exception as err:  # reported; the load run still goes on with every demo
                    times[scenario.demo] = f"{type(err).__name__}: {str(err)[:200]}"
                finally:
                    page.close()
        finally:
            browser.close()
    return times


def summary(results: Results, rss_before: float, rss_after: float, seconds: float, sessions: int) -> dict:
    return {
        "sessions": sessions,
        "seconds": seconds,
        "page_visits_completed": results.sessions,
        "first_answer_p50_s": round(percentile(results.first, 0.5), 3),
        "first_answer_p95_s": round(percentile(results.first, 0.95), 3),
        "answer_after_change_p50_s": round(percentile(results.after_change, 0.5), 3),
        "answer_after_change_p95_s": round(percentile(results.after_change, 0.95), 3),
        "errors": len(results.errors),
        "rss_after_warmup_mb": round(rss_before, 1),
        "rss_at_end_mb": round(rss_after, 1),
        "nondeterministic_answers": results.nondeterministic(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--url", help="an already running demo server (default: start one on a free port)")
    parser.add_argument("--demos", help="comma-separated demo ids (default: every demo)")
    parser.add_argument("--think", type=parse_think, default="2-5", metavar="LOW-HIGH",
                        help="seconds each learner pauses before each action, at random in LOW-HIGH (default 2-5, "
                             "a classroom; 0 = never pause, a stress test; protocol client only)")
    parser.add_argument("--prepare", action="store_true",
                        help="first prepare the demos' models and caches in a child process, as `sslgloss serve` "
                             "does (`sslgloss demos --prepare-only`), and report its time and peak memory")
    parser.add_argument("--client", choices=["protocol", "browser"], default="protocol",
                        help="protocol: websocket sessions without a browser (benchmarks/protocol_client.py), "
                             "so the 2 cores serve the server, not 20 renderers; browser: headless Chromium pages")
    args = parser.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)  # progress shows up even when the output goes to a file
    demos = [BY_ID[d] for d in args.demos.split(",")] if args.demos else SCENARIOS
    print_run_header("load.py", argv)
    server = None
    try:
        if args.prepare and not args.url:
            import resource

            from sslgloss.demos.launcher import prepare_command

            started = time.monotonic()
            code = prepare_command().popen(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).wait()
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            print(f"prepare (sslgloss demos --prepare-only): exit {code}, {time.monotonic() - started:.1f} s, "
                  f"peak RSS {peak:.0f} MB")
        if args.url:
            base = args.url
        else:
            server = start_server("load")
            base = server.url
        warm = warm_up(base, demos)
        print("warm-up, first answer per demo (s): "
              + ", ".join(f"{k} {v:.1f}" if isinstance(v, float) else f"{k} FAILED ({v})" for k, v in warm.items()))
        rss_before = server.rss_mb() if server else float("nan")
        cpu_before, wall_before = (cpu_seconds(server.proc.pid) if server else float("nan")), time.monotonic()
        with open("/proc/loadavg") as f:
            print(f"load average before the run: {f.read().split()[:3]}")
        with RssSampler(server) as rss:
            if args.client == "protocol":
                results = run_protocol(base, args.sessions, args.seconds, demos, think=args.think)
            else:
                results = asyncio_run_drive(base, args.sessions, args.seconds, demos)
        rss_after = server.rss_mb() if server else float("nan")
        cpu = (cpu_seconds(server.proc.pid) if server else float("nan")) - cpu_before
        figures = summary(results, rss_before, rss_after, args.seconds, args.sessions)
        figures["client"] = args.client
        figures["think_s"] = list(args.think) if args.client == "protocol" else None
        runs = len(results.first) + len(results.after_change)
        figures["page_runs"] = runs
        figures["server_cpu_s"] = round(cpu, 1)
        figures["server_cpu_ms_per_page_run"] = round(1000 * cpu / runs, 1) if runs else None
        figures["server_cpu_share_of_wall"] = round(cpu / (time.monotonic() - wall_before), 2)
        with open("/proc/loadavg") as f:
            figures["load_average_at_end"] = [float(x) for x in f.read().split()[:3]]
        if rss.samples:
            minutes = range(1, int(args.seconds // 60) + 1)
            figures["rss_by_minute_mb"] = {m: rss.at(60 * m) for m in minutes}
            figures["rss_max_mb"] = max(mb for _, mb in rss.samples)
        if server:
            figures["server_peak_rss_mb"] = round(server.peak_rss_mb(), 1)  # VmHWM: warm-up included
        print(json.dumps(figures, indent=2))
        for err in results.errors[:10]:
            print("error:", err)
        for (demo, phase), texts in sorted(results.answers.items()):
            if len(texts) > 1:
                print(f"different answers to the same input, {demo} ({phase}):")
                for text in sorted(texts):
                    print("   ", text.replace("\n", " / ")[:300])
        return 1 if results.errors or figures["nondeterministic_answers"] else 0
    finally:
        if server:
            server.stop()


def asyncio_run_drive(base: str, sessions: int, seconds: float, demos: list[Scenario] | None = None) -> Results:
    """:func:`drive` (browser sessions) from synchronous code, on its own loop in a worker thread."""
    import asyncio

    return in_worker_thread(asyncio.run, drive(base, sessions, seconds, demos))


if __name__ == "__main__":
    sys.exit(main())
