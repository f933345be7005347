"""Search benchmark: model load, query latency over the glossary and over 100,000 passages, memory.

Run:  .venv/bin/python benchmarks/bench_search.py [--repeats 30] [--threads 1]

Figures are medians over repeated queries after one warm-up, on whatever
the machine is doing at the time (note the load average printed first).
Targets: glossary query <= 20 ms; 100k-passage query (one encode + scoring)
<= 100 ms. On a busy machine torch's default of one thread per core makes
the encoder wait on its own threads: compare `--threads 1`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

import numpy as np

QUERIES = [
    "how can a model learn from data without anyone labelling it",
    "hide some words and predict them",
    "how alike are two vectors",
    "grouping songs by style from the audio alone",
    "keep training a pretrained model on my own small dataset",
    "which word comes next",
]


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def median_ms(fn, repeats: int) -> float:
    fn(0)  # warm-up
    times = []
    for i in range(repeats):
        start = time.perf_counter()
        fn(i)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def row(name: str, value: str, target: str = "") -> None:
    print(f"{name:<52}{value:>14}   {target}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--passages", type=int, default=100_000)
    parser.add_argument("--threads", type=int, default=None,
                        help="torch intra-op threads for the whole run (default: torch's own choice)")
    args = parser.parse_args()
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)

    print("command: .venv/bin/python benchmarks/bench_search.py " + " ".join(sys.argv[1:]))
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}  cores: {os.cpu_count()}\n")
    rss0 = rss_mb()

    start = time.perf_counter()
    from sslgloss.search.semantic import load_encoder, semantic_scores, best_per_term

    encoder = load_encoder()
    load_s = time.perf_counter() - start
    row("model load (import + weights)", f"{load_s:.1f} s", "(notes: ~7 s cold)")
    row("RSS after model load", f"{rss_mb():.0f} MB", f"(+{rss_mb() - rss0:.0f} MB)")

    from sslgloss import load_glossary
    from sslgloss.search import SearchEngine

    glossary = load_glossary()
    engine = SearchEngine.from_glossary(glossary)
    start = time.perf_counter()
    engine.passage_embeddings()
    index_s = time.perf_counter() - start
    how = "from cache" if engine.encoded_on_load == 0 else f"encoded {engine.encoded_on_load}"
    row(f"glossary index: {len(engine.passages)} passages, {len(engine.term_ids)} terms", f"{index_s:.2f} s", f"({how})")

    sample = [p.encoded for p in engine.passages[:64]]
    start = time.perf_counter()
    encoder.encode(sample)
    rate = len(sample) / (time.perf_counter() - start)
    row("passage encoding throughput", f"{rate:.0f} /s",
        f"(a cold index of this glossary: ~{len(engine.passages) / rate:.0f} s)")

    def fresh(i: int, mode: str) -> str:  # a query the engine has not seen, so it is encoded
        return f"{QUERIES[i % len(QUERIES)]} ({mode} {i})"

    for mode in ("semantic", "keyword", "hybrid"):
        ms = median_ms(lambda i: engine.search(fresh(i, mode), k=5, mode=mode), args.repeats)
        row(f"glossary query, {mode}", f"{ms:.1f} ms", "target <= 20 ms")
    ms = median_ms(lambda i: engine.search(QUERIES[0], k=5, mode="hybrid"), args.repeats)
    row("  the same query again (vector remembered)", f"{ms:.1f} ms")
    import torch

    threads = torch.get_num_threads()
    ms = median_ms(lambda i: encoder.encode([fresh(i, "encode")]), args.repeats)
    row(f"  one query encode, torch threads={threads}", f"{ms:.1f} ms")
    if threads != 1:
        torch.set_num_threads(1)
        ms = median_ms(lambda i: encoder.encode([fresh(i, "encode1")]), args.repeats)
        row("  one query encode, torch threads=1", f"{ms:.1f} ms", "(less hurt by a busy machine)")
        torch.set_num_threads(threads)

    rng = np.random.default_rng(0)
    passages = rng.standard_normal((args.passages, 384), dtype=np.float32)
    passages /= np.linalg.norm(passages, axis=1, keepdims=True)
    n_terms = args.passages // 10
    term_starts = np.sort(rng.choice(np.arange(1, args.passages), n_terms - 1, replace=False))
    term_starts = np.concatenate([[0], term_starts])  # ~10 passages per synthetic term
    row(f"RSS with {args.passages:,} synthetic passages", f"{rss_mb():.0f} MB")

    def big_query(i: int) -> None:
        query = encoder.encode([QUERIES[i % len(QUERIES)]])[0]
        scores = semantic_scores(query, passages)
        best, _ = best_per_term(scores, term_starts)
        np.argpartition(-best, 5)[:5]

    ms = median_ms(big_query, args.repeats)
    row(f"{args.passages:,} passages: encode + score + per-term top-5", f"{ms:.1f} ms", "target <= 100 ms")
    ms = median_ms(lambda i: semantic_scores(passages[i], passages), args.repeats)
    row("  of which cosine scores", f"{ms:.1f} ms")
    scores = semantic_scores(passages[0], passages)
    ms = median_ms(lambda i: np.argpartition(-best_per_term(scores, term_starts)[0], 5)[:5], args.repeats)
    row("  of which best passage per term + top-5", f"{ms:.1f} ms")
    row("peak RSS", f"{_peak_mb():.0f} MB")


def _peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    main()
