"""How long the site takes to build, against the same site built by plain mkdocs-material.

For each size (the core glossary alone, then core + N generated terms) it builds, in one
run and on the same machine, each in a fresh `mkdocs build` process:

- ours: the real site (mkdocs.yml) with a generated term plugin of N terms (a folder
  passed via term_dirs);
- plain: the same mkdocs.yml (theme, features, Markdown extensions, navigation, the
  hand-written pages) without the sslgloss plugin, with one Markdown page per term
  (title, summary, the six sections) and a Markdown A–Z list of every term. That is the
  site a writer would get without us; the ratio ours/plain is what the plugin costs.
- with --minimal-baseline, also a plain site with mkdocs-material defaults and a one-page
  navigation (the baseline of earlier runs of this script).

It reports CPU seconds of the build process (what we compare: on a machine shared with
other jobs, wall time mostly measures the neighbours) and wall seconds, the ratio
ours/plain (target <= 2.0 at every size) and how CPU time grows with the number of terms:
growth = (time ratio) / (size ratio) between consecutive sizes, 1.0 = linear (target <= 1.1).
Demo fallbacks are off (they run models once and are cached; not a cost of the site) and
every build starts with an empty cache (layout, prose).

    .venv/bin/python benchmarks/bench_site.py                    # core, 500, 2000
    .venv/bin/python benchmarks/bench_site.py --large            # and 5000 (about 10 minutes on 2 cores)
    .venv/bin/python benchmarks/bench_site.py --sizes 1000 2000  # core is always measured first
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
SECTIONS = ("Definition", "Example", "Origins", "Context and usage", "Why it matters", "In practice")
TAGS = ["foundations", "nlp", "computer-vision", "audio", "contrastive", "model", "evaluation", "retrieval", "data"]
CORE_MENTIONS = ["self-supervised learning", "embeddings", "a transformer", "contrastive learning", "pretraining",
                 "semantic search", "masked language modeling", "BERT", "fine-tuning", "a loss function"]
WORDS = ("model data signal layer token image sound sample batch vector label task method feature space encoder "
         "decoder training objective context pattern structure example result score error measure view").split()
DEFAULT_SIZES = [500, 2000]
LARGE = 5000
RATIO_TARGET = 2.0
GROWTH_TARGET = 1.1
# pages the sslgloss plugin generates that the navigation of mkdocs.yml lists; the plain site gets stand-ins
GENERATED_NAV_PAGES = {"tags/index.md": "Tags", "learning-paths.md": "Learning paths", "demos.md": "Demos"}


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


def _term_pages(docs: Path, term_folders: list[Path]) -> list[tuple[str, str, str]]:
    """Write docs/terms/<id>.md for every term as plain Markdown; returns (file name, title, summary)."""
    import sslgloss.terms

    (docs / "terms").mkdir(parents=True, exist_ok=True)
    written = []
    for folder in [Path(sslgloss.terms.TERMS_DIR), *term_folders]:
        for path in sorted(folder.glob("*.md")):
            if path.name.startswith(("_", ".")):
                continue
            _, front, body = path.read_text(encoding="utf-8").split("---", 2)
            meta = yaml.safe_load(front)
            if "title" not in meta:
                continue  # an extension file (`extends:`), not a page
            (docs / "terms" / path.name).write_text(f"# {meta['title']}\n\n{meta['summary']}\n\n{body}",
                                                    encoding="utf-8")
            written.append((path.name, meta["title"], meta["summary"]))
    return written


def _without_sslgloss(config: str) -> str:
    """mkdocs.yml text with the sslgloss plugin entry (and its indented options) removed."""
    out, skipping = [], False
    for line in config.splitlines():
        if re.match(r"^\s*-\s*sslgloss\s*:?\s*$", line):
            skipping = True
            indent = len(line) - len(line.lstrip())
            continue
        if skipping and line.strip() and (len(line) - len(line.lstrip())) > indent and not line.lstrip().startswith("- "):
            continue
        skipping = False
        out.append(line)
    return "\n".join(out) + "\n"


def plain_project(root: Path, term_folders: list[Path]) -> Path:
    """The same site without sslgloss: mkdocs.yml minus the plugin, the hand-written pages, a page per term."""
    docs = root / "docs"
    shutil.copytree(REPO / "docs", docs, dirs_exist_ok=True)
    pages = _term_pages(docs, term_folders)
    (docs / "glossary").mkdir(exist_ok=True)
    entries = "".join(f"- [{title}](../terms/{name}): {summary}\n"
                      for name, title, summary in sorted(pages, key=lambda p: p[1].casefold()))
    (docs / "glossary" / "index.md").write_text(f"# Glossary A–Z\n\n{entries}", encoding="utf-8")
    for src, title in GENERATED_NAV_PAGES.items():
        (docs / src).parent.mkdir(parents=True, exist_ok=True)
        (docs / src).write_text(f"# {title}\n\nA page of the plain site.\n", encoding="utf-8")
    config = _without_sslgloss((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    config = re.sub(r"(?m)^docs_dir:.*$", f"docs_dir: {docs}", config)
    path = root / "mkdocs.yml"
    path.write_text(config, encoding="utf-8")
    return path


def minimal_project(root: Path, term_folders: list[Path]) -> Path:
    """A plain site with mkdocs-material defaults, search and a one-page navigation (the old baseline)."""
    docs = root / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    (docs / "index.md").write_text("# Home\n\nA plain site with the same pages.\n", encoding="utf-8")
    _term_pages(docs, term_folders)
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
    config = re.sub(r"(?m)^docs_dir:.*$", f"docs_dir: {REPO / 'docs'}", config)
    path = root / f"{name}.yml"
    path.write_text(config, encoding="utf-8")
    return path


@dataclass
class Timing:
    cpu: float  # seconds of CPU (user + system) of the build process
    wall: float


def timed_build(config: Path, site: Path, cache: Path) -> Timing:
    """One `mkdocs build` in a fresh process with an empty cache (no layout, prose or demo results)."""
    env = dict(os.environ, SSLGLOSS_SITE_FALLBACKS="0", NO_MKDOCS_2_WARNING="1", SSLGLOSS_CACHE=str(cache))
    shutil.rmtree(cache, ignore_errors=True)
    shutil.rmtree(site, ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(site)],
                          env=env, capture_output=True, text=True, cwd=config.parent)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"build of {config} failed:\n{done.stdout}\n{done.stderr}")
    shutil.rmtree(site, ignore_errors=True)
    return Timing(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, wall)


def fastest(timings: list[Timing]) -> Timing:
    return min(timings, key=lambda t: t.cpu)


@dataclass
class Row:
    label: str  # "core" or the number of generated terms
    terms: int  # terms in the site
    ours: Timing
    plain: Timing
    minimal: Timing | None = None

    @property
    def ratio(self) -> float:
        return self.ours.cpu / self.plain.cpu


def measure(sizes: list[int], repeat: int = 1, minimal: bool = False, log=print) -> list[Row]:
    from sslgloss import load_glossary

    core_terms = len(load_glossary().terms)
    rows = []
    work = Path(tempfile.mkdtemp(prefix="sslgloss-bench-"))
    try:
        for n in [0, *sizes]:
            folders = []
            if n:
                folders = [work / f"terms-{n}"]
                write_terms(folders[0], n)
            label = str(n) if n else "core"
            log(f"building {label} ({core_terms + n} terms)...")
            configs = {"ours": ours_project(work, folders, f"ours-{n}"),
                       "plain": plain_project(work / f"plain-{n}", folders)}
            if minimal:
                configs["minimal"] = minimal_project(work / f"minimal-{n}", folders)
            # interleaved, so that a burst of load from other jobs hits every kind of build alike
            timings: dict[str, list[Timing]] = {kind: [] for kind in configs}
            for _ in range(repeat):
                for kind, config in configs.items():
                    timings[kind].append(timed_build(config, work / "site", work / "cache"))
            ours, plain = fastest(timings["ours"]), fastest(timings["plain"])
            small = fastest(timings["minimal"]) if minimal else None
            rows.append(Row(label, core_terms + n, ours, plain, small))
            shutil.rmtree(work / f"plain-{n}", ignore_errors=True)
            shutil.rmtree(work / f"minimal-{n}", ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return rows


def growth(rows: list[Row]) -> list[tuple[Row, Row, float]]:
    """(smaller, larger, growth) for consecutive sizes: CPU time ratio over term count ratio."""
    return [(a, b, (b.ours.cpu / a.ours.cpu) / (b.terms / a.terms)) for a, b in zip(rows, rows[1:])]


def results(rows: list[Row]) -> list[dict]:
    out = []
    for row in rows:
        out.append({"name": f"site: build, {row.terms} terms ({row.label}), sslgloss / plain mkdocs-material CPU",
                    "value": row.ratio, "unit": "x", "target": RATIO_TARGET})
        out.append({"name": f"site: build, {row.terms} terms ({row.label}), CPU (target: 2x plain's "
                            f"{row.plain.cpu:.1f} s)", "value": row.ours.cpu, "unit": "s",
                    "target": round(RATIO_TARGET * row.plain.cpu, 1)})
    for small, large, factor in growth(rows):
        if small.label == "core":
            continue  # the core is dominated by start-up costs; growth is measured between generated sizes
        out.append({"name": f"site: build growth {small.terms} -> {large.terms} terms (1.0 = linear)",
                    "value": factor, "unit": "x", "target": GROWTH_TARGET})
    return out


def run(sizes: list[int] | None = None, large: bool = False, repeat: int = 1) -> list[dict]:
    """Figures for ``python -m benchmarks``: ratio and CPU seconds per size, growth between sizes."""
    sizes = list(sizes or DEFAULT_SIZES) + ([LARGE] if large else [])
    return results(measure(sizes, repeat, log=lambda *_: None))


def report(rows: list[Row], command: str) -> str:
    lines = [f"sslgloss site build vs the same site without the plugin (plain mkdocs-material), {os.cpu_count()} CPUs",
             "seconds of CPU of each `mkdocs build` process (wall seconds in brackets)", ""]
    head = f"{'size':>6} {'terms':>6} {'sslgloss':>16} {'plain':>16} {'ratio':>6}"
    if rows and rows[0].minimal:
        head += f" {'minimal':>16} {'ratio':>6}"
    lines.append(head)
    for r in rows:
        line = (f"{r.label:>6} {r.terms:>6} {r.ours.cpu:>7.1f} ({r.ours.wall:>6.1f}) "
                f"{r.plain.cpu:>7.1f} ({r.plain.wall:>6.1f}) {r.ratio:>6.2f}")
        if r.minimal:
            line += f" {r.minimal.cpu:>7.1f} ({r.minimal.wall:>6.1f}) {r.ours.cpu / r.minimal.cpu:>6.2f}"
        lines.append(line)
    lines.append("")
    for small, large, factor in growth(rows):
        lines.append(f"growth {small.terms} -> {large.terms} terms: {large.terms / small.terms:.2f}x the terms, "
                     f"{large.ours.cpu / small.ours.cpu:.2f}x the CPU time (growth {factor:.2f}, 1.0 = linear)")
    lines.append(f"targets: ratio <= {RATIO_TARGET} at every size; growth <= {GROWTH_TARGET} between generated sizes")
    lines.append(f"command: {command}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=DEFAULT_SIZES,
                        help="numbers of generated terms added to the core glossary (core alone is always built)")
    parser.add_argument("--large", action="store_true", help=f"also build {LARGE} generated terms (slow)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="builds per site, interleaved; the one with the least CPU time counts")
    parser.add_argument("--minimal-baseline", action="store_true",
                        help="also build a plain site with mkdocs-material defaults and a one-page navigation")
    args = parser.parse_args()
    sizes = sorted(set(args.sizes + ([LARGE] if args.large else [])))
    rows = measure(sizes, args.repeat, args.minimal_baseline, log=lambda m: print(m, file=sys.stderr, flush=True))
    print(report(rows, "  ".join([".venv/bin/python benchmarks/bench_site.py", *sys.argv[1:]]).replace("  ", " ")))
    for row in results(rows):
        ok = "ok" if row["value"] <= row["target"] else "MISSED"
        print(f"{row['name']:<86} {row['value']:>7.2f} {row['unit']:<2} target <= {row['target']} {ok}")


if __name__ == "__main__":
    main()
