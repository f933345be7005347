"""Train the three scenario models at full budget from scratch and print their figures and timings.

    .venv/bin/python benchmarks/bench_scenarios.py            # fresh temporary cache: times first use
    .venv/bin/python benchmarks/bench_scenarios.py --budget tiny

Wall-clock numbers depend on how busy the 2 cores are (the machine is
shared), so the load average and this process's CPU time are printed too:
training runs on one thread, so on an idle machine its wall time is close
to its CPU time.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", choices=("full", "tiny"), default="full")
    parser.add_argument("--keep-cache", action="store_true", help="use SSLGLOSS_CACHE as it is (times a warm start)")
    args = parser.parse_args()
    os.environ["SSLGLOSS_TRAINING_BUDGET"] = args.budget
    if not args.keep_cache:
        os.environ["SSLGLOSS_CACHE"] = tempfile.mkdtemp(prefix="sslgloss-bench-")
    print(f"command: {' '.join([os.path.basename(sys.executable)] + sys.argv)}")
    print(f"budget: {args.budget}; cache: {os.environ.get('SSLGLOSS_CACHE', '~/.cache/sslgloss')}; "
          f"load average before: {os.getloadavg()[0]:.2f}")

    t0 = time.perf_counter()
    from sslgloss.scenarios import few_label_sentiment, masked_image, runtime, song_styles, songs
    print(f"import: {time.perf_counter() - t0:.1f} s")

    t0, c0 = time.perf_counter(), time.process_time()
    mae = masked_image.load_or_train()
    print(f"\nmasked-image: trained + evaluated in {time.perf_counter() - t0:.1f} s "
          f"({time.process_time() - c0:.1f} s CPU)")
    print(json.dumps(mae.metrics, indent=1))

    t0, c0 = time.perf_counter(), time.process_time()
    trained = song_styles.load_or_train()
    print(f"\nsong-styles: synthesised + trained + evaluated in {time.perf_counter() - t0:.1f} s "
          f"({time.process_time() - c0:.1f} s CPU)")
    print(json.dumps(trained.metrics, indent=1))
    with runtime.limit_threads(1):  # what the same encoder scores before any training: the architecture's share
        untrained = song_styles._model(trained.config).eval()
        emb = untrained.embed(song_styles.spectrograms(trained.eval_clips.audio)).numpy()
        ari, _ = song_styles.cluster_ari(emb, trained.eval_clips.style, len(songs.STYLES))
    print(f"untrained encoder (random weights), same clips: ARI {ari:.3f}")

    t0 = time.perf_counter()
    few_label_sentiment.encoder()
    t1 = time.perf_counter()
    curve = few_label_sentiment.learning_curve()
    print(f"\nfew-label-sentiment: encoder load {t1 - t0:.1f} s, embeddings + learning curve {time.perf_counter() - t1:.1f} s")
    print(f"{'labels':>6}  {'embeddings':>10}  {'bag of words':>12}")
    for row in curve:
        print(f"{row['labels']:>6}  {row['sentence_embeddings_accuracy']:>10.3f}  {row['bag_of_words_accuracy']:>12.3f}")
    print(f"\nload average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
