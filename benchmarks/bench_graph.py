"""Benchmark: load + validate a generated glossary of 5,000 terms / 25,000 relations, and graph queries.

    .venv/bin/python -m benchmarks.bench_graph [--terms 5000] [--repeat 3]

Targets (issues 2 and 9): load + validate < 5 s; learning path and shortest path < 10 ms each.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

SECTIONS = ("Definition", "Example", "Origins", "Context and usage", "Why it matters", "In practice")
TYPES = ("uses", "related_to", "contrasts_with", "part_of")


def generate(folder: Path, n_terms: int, n_relations: int, seed: int = 0) -> None:
    """Terms t0..tN; `requires` and `is_a` point to lower numbers only, so they are acyclic."""
    rng = random.Random(seed)
    per_term = max(1, n_relations // n_terms)
    body = "".join(f"## {s}\n\nA generated paragraph for {s.lower()} with a few words of prose.\n\n" for s in SECTIONS)
    for i in range(n_terms):
        rel: dict[str, set[str]] = {}
        for _ in range(per_term):
            if i and rng.random() < 0.4:
                kind = rng.choice(("requires", "is_a"))
                target = rng.randrange(0, i)
            else:
                kind = rng.choice(TYPES)
                target = rng.randrange(0, n_terms)
                if kind == "part_of":
                    if not i:
                        continue
                    target = rng.randrange(0, i)
            if target != i:
                rel.setdefault(kind, set()).add(f"t{target}")
        relations = "".join(f"  {k}: [{', '.join(sorted(v))}]\n" for k, v in rel.items())
        (folder / f"t{i}.md").write_text(
            f"---\nid: t{i}\ntitle: Generated Term {i}\naliases: [gt{i}]\nsummary: Generated term number {i}.\n"
            f"tags: [generated]\nrelations:\n{relations}references:\n"
            f"  - {{title: Ref {i}, authors: A. Author, year: 2020, url: 'https://example.org/{i}'}}\n---\n{body}",
            encoding="utf-8")


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def run(n_terms: int = 5000, repeat: int = 3) -> list[dict]:
    from sslgloss.glossary import load_glossary
    from sslgloss.graph import learning_path, shortest_path

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        generate(folder, n_terms, n_terms * 5)
        holder = {}

        def load():
            holder["g"] = load_glossary([folder], entry_points=False)

        load_ms = median_ms(load, repeat)
        glossary = holder["g"]
        assert not glossary.errors, glossary.errors[:3]
        last = f"t{n_terms - 1}"
        learn_ms = median_ms(lambda: learning_path(glossary, last), 20)
        path_ms = median_ms(lambda: shortest_path(glossary, "t1", last), 20)
    edges = glossary.graph.number_of_edges()
    return [
        {"name": f"graph: load + validate {n_terms} terms / {edges} relations", "value": load_ms / 1000, "unit": "s",
         "target": 5.0},
        {"name": f"graph: learning path ({n_terms} terms)", "value": learn_ms, "unit": "ms", "target": 10.0},
        {"name": f"graph: shortest path ({n_terms} terms)", "value": path_ms, "unit": "ms", "target": 10.0},
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--terms", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    for row in run(args.terms, args.repeat):
        ok = "ok" if row["value"] <= row["target"] else "MISSED"
        print(f"{row['name']:<60} {row['value']:>9.3f} {row['unit']:<3} target <= {row['target']} {ok}")


if __name__ == "__main__":
    main()
