"""Search with the encoder adapted to the glossary: query latency, memory, and (with --train) training time.

Run:  .venv/bin/python benchmarks/bench_search_adapted.py [--repeats 30] [--threads 1] [--train]

The engine's default encoder is all-MiniLM-L6-v2 after it taught itself this glossary
(sslgloss.search.adapt; `sslgloss search-train`). This measures what a learner waits for:
one query through the adapted encoder, ranked in each mode (target <= 20 ms), and the memory
the demo server pays for it next to the base MiniLM that the sentiment demo keeps (the two
share the frozen embedding layer). --train times the adaptation itself (in a child process,
as the engine does on first use; its peak RSS is read from the child's rusage), into a
throwaway cache unless --keep.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time

from bench_search import QUERIES, median_ms, rss_mb  # the same queries and timing as bench_search


def row(name: str, value: str, target: str = "") -> None:
    print(f"{name:<56}{value:>14}   {target}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--threads", type=int, default=None, help="torch intra-op threads (default: torch's choice)")
    parser.add_argument("--train", action="store_true", help="also time the adaptation (a few minutes)")
    parser.add_argument("--keep", action="store_true", help="with --train: train into the real cache, not a temp one")
    args = parser.parse_args()
    if args.train and not args.keep:
        os.environ["SSLGLOSS_CACHE"] = tempfile.mkdtemp(prefix="bench-search-adapted-")
    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    print("command: .venv/bin/python benchmarks/bench_search_adapted.py " + " ".join(sys.argv[1:]))
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}  cores: {os.cpu_count()}\n")

    from sslgloss import load_glossary
    from sslgloss.search import SearchEngine
    from sslgloss.search import adapt
    from sslgloss.search.semantic import load_encoder

    glossary = load_glossary()
    rss0 = rss_mb()
    start = time.perf_counter()
    load_encoder()
    row("base MiniLM load", f"{time.perf_counter() - start:.1f} s")
    rss_base = rss_mb()
    row("RSS with the base MiniLM", f"{rss_base:.0f} MB", f"(+{rss_base - rss0:.0f} MB)")

    if args.train:
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        start = time.perf_counter()
        encoder, info = adapt.build_adapted(glossary, subprocess=True, force=True)
        row("adaptation (child process, one torch thread)", f"{time.perf_counter() - start:.0f} s",
            f"({info['steps']} steps; training alone {info['seconds']:.0f} s)")
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        row("  peak RSS of the training process", f"{max(peak, before):.0f} MB", "(not the server's)")
        size = os.path.getsize(info["path"]) / 1e6
        row("  adapted weights on disk (float16, trained layers only)", f"{size:.1f} MB")
    start = time.perf_counter()
    encoder = adapt.search_encoder(glossary)
    row("adapted encoder ready (cached weights)", f"{time.perf_counter() - start:.1f} s", f"({encoder.key})")
    row("RSS with base + adapted MiniLM", f"{rss_mb():.0f} MB", f"(+{rss_mb() - rss_base:.0f} MB for the adapted one)")

    engine = SearchEngine.from_glossary(glossary)
    start = time.perf_counter()
    engine.passage_embeddings()
    how = "from cache" if engine.encoded_on_load == 0 else f"encoded {engine.encoded_on_load}"
    row(f"glossary index: {len(engine.passages)} passages", f"{time.perf_counter() - start:.2f} s", f"({how})")

    def fresh(i: int, mode: str) -> str:  # a query the engine has not seen, so it is encoded
        return f"{QUERIES[i % len(QUERIES)]} ({mode} {i})"

    for mode in ("semantic", "keyword", "hybrid"):
        ms = median_ms(lambda i: engine.search(fresh(i, mode), k=5, mode=mode), args.repeats)
        row(f"glossary query, {mode} (adapted encoder)", f"{ms:.1f} ms", "target <= 20 ms")
    ms = median_ms(lambda i: engine.encoder.encode([fresh(i, "encode")]), args.repeats)
    row(f"  one query encode, torch threads={torch.get_num_threads()}", f"{ms:.1f} ms")
    row("peak RSS", f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
