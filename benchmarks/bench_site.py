"""How long the site takes to build, against a plain mkdocs-material build of as many pages.

Builds, in one run and on the same machine:

- the real site (mkdocs.yml: the core glossary);
- the real site plus a generated term plugin of N terms (a folder passed via term_dirs);
- a plain mkdocs-material site with the same pages' prose (core + N), the same navigation
  policy (a handful of pages in the nav, not every term), the search plugin, no sslgloss.

and prints the times, the ratio ours/plain (target <= 2.0) and how our time grows when
the number of terms doubles (target <= 2x). Demo fallbacks are off (they run models once
and are cached; they are not a cost of the site) and the layout cache starts empty.

    .venv/bin/python benchmarks/bench_site.py            # N = 1000 and 2000
    .venv/bin/python benchmarks/bench_site.py --sizes 500 1000
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
SECTIONS = ("Definition", "Example", "Origins", "Context and usage", "Why it matters", "In practice")
TAGS = ["foundations", "nlp", "computer-vision", "audio", "contrastive", "model", "evaluation", "retrieval", "data"]
CORE_MENTIONS = ["self-supervised learning", "embeddings", "a transformer", "contrastive learning", "pretraining",
                 "semantic search", "masked language modeling", "BERT", "fine-tuning", "a loss function"]
WORDS = ("model data signal layer token image sound sample batch vector label task method feature space encoder "
         "decoder training objective context pattern structure example result score error measure view").split()


def synthetic_title(i: int, rng: random.Random) -> str:
    return f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} {i:04d}"


def write_terms(folder: Path, n: int, seed: int = 0) -> dict[str, str]:
    """N valid term files: a requires-DAG, a few typed relations, ~450 words of prose each."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    titles = {f"synth-{i:04d}": synthetic_title(i, rng) for i in range(n)}
    ids = list(titles)
    # like a real glossary: topics of a few dozen terms, each term at a level of its topic,
    # prerequisites one or two terms of the level below (so learning paths stay short)
    topics = max(1, n // 40)
    level = {t: (i // topics) % 8 for i, t in enumerate(ids)}
    by_topic_level: dict[tuple[int, int], list[str]] = {}
    for i, t in enumerate(ids):
        by_topic_level.setdefault((i % topics, level[t]), []).append(t)
    for i, term_id in enumerate(ids):
        below = by_topic_level.get((i % topics, level[term_id] - 1), [])
        requires = rng.sample(below, k=min(len(below), rng.randint(1, 2))) if below else ["machine-learning"]
        related = rng.sample([t for t in ids if t != term_id], k=3)
        relations = {"requires": requires, "related_to": related}
        if below and rng.random() < 0.4:
            relations["is_a"] = [rng.choice(below)]
        meta = {
            "id": term_id,
            "title": titles[term_id],
            "aliases": [f"ST{i:04d}"],
            "summary": f"{titles[term_id]} is a synthetic term made to measure how the site scales.",
            "tags": rng.sample(TAGS, k=2),
            "relations": relations,
            "demos": [],
            "references": [{"title": f"A study of {titles[term_id]}", "authors": "A. Author, B. Author",
                            "year": 2020, "url": f"https://example.org/{term_id}"}],
        }
        body = []
        for section in SECTIONS:
            words = [rng.choice(WORDS) for _ in range(70)]
            for _ in range(3):  # mentions of other synthetic terms and of core terms, for the autolinker
                words.insert(rng.randrange(len(words)), titles[rng.choice(ids)].lower())
            words.insert(rng.randrange(len(words)), rng.choice(CORE_MENTIONS))
            sentences = [" ".join(words[k:k + 12]).capitalize() + "." for k in range(0, len(words), 12)]
            body.append(f"## {section}\n\n" + " ".join(sentences) + "\n")
        text = "---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True) + "---\n" + "\n".join(body)
        (folder / f"{term_id}.md").write_text(text, encoding="utf-8")
    return titles


def plain_project(root: Path, term_folders: list[Path]) -> Path:
    """The same pages as plain Markdown under mkdocs-material, with a short nav."""
    import sslgloss.terms

    docs = root / "docs"
    (docs / "terms").mkdir(parents=True, exist_ok=True)
    (docs / "index.md").write_text("# Home\n\nA plain site with the same pages.\n", encoding="utf-8")
    for folder in [Path(sslgloss.terms.TERMS_DIR), *term_folders]:
        for path in folder.glob("*.md"):
            text = path.read_text(encoding="utf-8")
            _, front, body = text.split("---", 2)
            meta = yaml.safe_load(front)
            page = f"# {meta['title']}\n\n{meta['summary']}\n\n{body}"
            (docs / "terms" / path.name).write_text(page, encoding="utf-8")
    config = {
        "site_name": "plain",
        "site_url": "http://127.0.0.1:8000/",
        "theme": {"name": "material", "font": False, "features": ["navigation.instant"]},
        "nav": [{"Home": "index.md"}],
        "plugins": ["search"],
        "markdown_extensions": ["toc", "admonition", "attr_list", "tables", "pymdownx.superfences",
                                "pymdownx.highlight"],
    }
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return root / "mkdocs.yml"


def ours_project(root: Path, term_folders: list[Path], name: str) -> Path:
    """The real mkdocs.yml with extra term folders, its docs_dir made absolute."""
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    dirs = "[" + ", ".join(f'"{f}"' for f in term_folders) + "]"
    config = config.replace("term_dirs: []", f"term_dirs: {dirs}")
    config = config.replace("docs_dir: docs", f"docs_dir: {REPO / 'docs'}")
    path = root / f"{name}.yml"
    path.write_text(config, encoding="utf-8")
    return path


def timed_build(config: Path, site: Path, cache: Path) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one `mkdocs build` in a fresh process with an empty cache.

    CPU time is what we compare: on a machine shared with other jobs, wall time mostly
    measures the neighbours.
    """
    env = dict(os.environ, SSLGLOSS_SITE_FALLBACKS="0", NO_MKDOCS_2_WARNING="1", SSLGLOSS_CACHE=str(cache))
    shutil.rmtree(cache, ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(site)],
                          env=env, capture_output=True, text=True, cwd=config.parent)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"build of {config} failed:\n{done.stdout}\n{done.stderr}")
    shutil.rmtree(site, ignore_errors=True)
    return after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 2000])
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="sslgloss-bench-"))
    rows = []
    try:
        core_plain = plain_project(work / "plain-core", [])
        core_ours = ours_project(work, [], "ours-core")
        rows.append((68, timed_build(core_ours, work / "site", work / "cache"),
                     timed_build(core_plain, work / "site", work / "cache")))
        for n in args.sizes:
            folder = work / f"terms-{n}"
            write_terms(folder, n)
            ours = ours_project(work, [folder], f"ours-{n}")
            plain = plain_project(work / f"plain-{n}", [folder])
            rows.append((68 + n, timed_build(ours, work / "site", work / "cache"),
                         timed_build(plain, work / "site", work / "cache")))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"\nsslgloss site build vs plain mkdocs-material (same pages, same nav policy), {os.cpu_count()} CPUs")
    print("CPU seconds of the whole `mkdocs build` process (wall seconds in brackets)")
    print(f"{'terms':>7} {'sslgloss':>16} {'plain':>16} {'ratio':>7}")
    for terms, ours, plain in rows:
        print(f"{terms:>7} {ours[0]:>7.1f} ({ours[1]:>5.1f}) {plain[0]:>7.1f} ({plain[1]:>5.1f}) {ours[0] / plain[0]:>7.2f}")
    if len(rows) >= 3:
        (n1, t1, _), (n2, t2, _) = rows[-2], rows[-1]
        print(f"growth: {n2 / n1:.2f}x the terms took {t2[0] / t1[0]:.2f}x the CPU time (target: at most proportional)")
    print("targets: ratio <= 2.0; time at most proportional to the number of terms")
    print("command: .venv/bin/python benchmarks/bench_site.py --sizes " + " ".join(map(str, args.sizes)))


if __name__ == "__main__":
    main()
