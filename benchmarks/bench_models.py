"""Text-model benchmark: inference latency, memory with both models loaded, training throughput.

Run:  .venv/bin/python benchmarks/bench_models.py [--repeats 30] [--threads 1]

Figures are medians over repeated calls after one warm-up, with the models that
inference loads (the cache dir's checkpoints if present, else the shipped
weights), on whatever else the machine is doing at the time: the load average
is printed first, because on a shared 2-core machine it changes every figure.
Targets: fill-mask <= 10 ms; one next-word distribution <= 10 ms; 30 generated
tokens (KV cache) <= 100 ms; peak RSS of a process with all models and the search
index loaded (both text models, MiniLM and its traced query encoder, the glossary's
passage vectors) <= 800 MB; with the pretrained-start masked model too (MiniLM's layers, 8-bit, sharing
its word embeddings) <= 900 MB, its answer <= 30 ms. Training tokens/s has no target; it is printed
to plan training runs.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time

import torch


def median_ms(fn, repeats: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def show(name: str, value: float, unit: str, target: str = "") -> None:
    verdict = ""
    if target:
        limit = float(target.split()[1])
        verdict = "  ok" if value <= limit else "  OVER TARGET"
    print(f"{name:<44} {value:>10.1f} {unit:<6} {('target ' + target) if target else '':<18}{verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--threads", type=int, default=int(os.environ.get("SSLGLOSS_THREADS", "2")))
    parser.add_argument("--train-steps", type=int, default=10)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(f"command: {' '.join([os.path.basename(sys.executable)] + sys.argv)}")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; torch threads: {args.threads}; torch {torch.__version__}")

    from sslgloss.ml import fill_mask, generate, next_word, registry

    start = time.perf_counter()
    masked = registry.get_model("masked")
    causal = registry.get_model("next-word")
    print(f"models: {masked.checkpoint.path} and {causal.checkpoint.path} (loaded in {time.perf_counter() - start:.2f} s)")
    print()
    show("fill-mask, 1 [MASK], top 5 (median)", median_ms(lambda: fill_mask.fill_mask("The cat sat on the [MASK].", k=5), args.repeats), "ms", "<= 10")
    show("next-word distribution, one pass (median)", median_ms(lambda: next_word.next_token_distribution("The cat sat on the", k=5), args.repeats), "ms", "<= 10")
    show("  ... as 5 whole words (+1-2 passes, median)", median_ms(lambda: next_word.next_word_distribution("The cat sat on the", k=5), args.repeats), "ms")
    show("generate 30 tokens, KV cache (median)", median_ms(
        lambda: generate.generate("The cat sat on the", tokens=30, temperature=1.0, top_k=0, seed=0, stop_at_end=False), max(5, args.repeats // 3)), "ms", "<= 100")
    show("peak RSS, both models loaded", peak_rss_mb(), "MB")

    from sslgloss import load_glossary
    from sslgloss.search import SearchEngine

    engine = SearchEngine.from_glossary(load_glossary())
    engine.passage_embeddings()
    for query in ("hide some words and predict them", "which word comes next"):  # traces the query encoder
        engine.search(query, k=5, mode="hybrid")
    show("peak RSS, + MiniLM and the glossary index", peak_rss_mb(), "MB", "<= 800")

    from sslgloss.ml import pretrained_masked

    if pretrained_masked.available():
        pretrained_masked.get_model()  # shares MiniLM's word embeddings with search
        show("fill-mask, pretrained start (MiniLM), 1 [MASK], top 5 (median)", median_ms(
            lambda: pretrained_masked.fill_mask("Paris is the capital of [MASK].", k=5), args.repeats), "ms", "<= 30")
        show("peak RSS, + the pretrained-start masked model", peak_rss_mb(), "MB", "<= 900")

    from sslgloss.ml.train import preset, train, with_overrides

    stream = torch.randint(5, masked.tokenizer.get_vocab_size(), (200_000,))
    for kind in ("masked", "next-word"):
        chosen = preset("release", kind, masked.tokenizer.get_vocab_size())
        result = train(kind, stream, masked.tokenizer, chosen.model, with_overrides(chosen.train, steps=args.train_steps),
                       progress=False)
        show(f"training throughput, {kind} (release size)", result.tokens_per_second, "tok/s")


if __name__ == "__main__":
    main()
