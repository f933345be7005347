"""How long the site takes to build, against the same site built by plain mkdocs-material and by a peer plugin.

For each size (the core glossary alone, then core + N generated terms) it builds, in one
run and on the same machine, each in a fresh `mkdocs build` process:

- ours: the real site (mkdocs.yml) with a generated term plugin of N terms (a folder
  passed via term_dirs);
- plain: the same mkdocs.yml (theme, features, Markdown extensions, navigation, the
  hand-written pages) without the sslgloss plugin, with one Markdown page per term
  (title, summary, the six sections) and a Markdown A–Z list of every term. That is the
  site a writer would get without us; the ratio ours/plain is what the plugin costs.
- peer (at one size, --peer-size, 2,000 generated terms by default): the plain site plus
  mkdocs-ezglossary-plugin (PyPI, `pip install -e '.[bench]'`), set up to do the job of our
  autolinking, as a writer using it would:
  - mkdocs.yml is the plain one with `ezglossary` after `search`, with `tooltip: short` (each
    link's title is the definition, our hover preview) and `inline_refs: list` (under each
    definition, the pages that link to it, our "Mentioned in");
  - each term page defines its term as an entry of the glossary "terms": the summary
    paragraph of the plain page becomes the definition list `terms:<title>` / `:   <summary>`;
  - in the prose of every generated term page, the first mention of each other term (the
    lowercase titles of other synthetic terms and the core-term phrases that write_terms
    inserts, and any other name of a term) is written as the ezglossary link
    `<terms:<title>|<mention>>`. The mentions are found, before the build and untimed, with
    our autolinker's matcher and rule (first mention per page, never the page's own term,
    not in headings), so the peer makes the links our plugin makes on those pages;
  - the A–Z page is ezglossary's generated summary `<glossary::terms>`: every term, linked
    to its definition, with the pages that define and that link to it.
  Unlike ours, the peer does not find mentions itself (a writer types every link), and the
  core term pages and the hand-written pages keep their prose unlinked (their Markdown
  has code, tables and links that a textual rewrite would break); it gets no concept graph,
  no related terms, no learning paths, no tag pages, no mention sentences, no previews
  beyond a title attribute. The ratio ours/peer compares two glossary plugins linking the
  same pages, not the same feature sets.
- with --minimal-baseline, also a plain site with mkdocs-material defaults and a one-page
  navigation (the baseline of earlier runs of this script).

Each kind of build is run --repeat times (3 by default), interleaved, and each figure is the
median: CPU seconds of the build process (what we compare: on a machine shared with other
jobs, wall time mostly measures the neighbours), wall seconds and peak resident memory, all
three from that one process's own rusage (os.wait4). It reports the ratio ours/plain
(target <= 2.0 at every size), ours/peer at the peer size (target < 1.0: faster than the peer),
and how CPU time grows with the number of terms: growth = (time ratio) / (size ratio) between
consecutive generated sizes, 1.0 = linear (target <= 1.1). Demo fallbacks are off (they run
models once and are cached; not a cost of the site) and every build starts with an empty
cache (layout, prose).

    .venv/bin/python benchmarks/bench_site.py                          # core, 500, 2000, 5000; peer at 2000
    .venv/bin/python benchmarks/bench_site.py --sizes 500 --peer-size 500 --repeat 1   # a quick look
    .venv/bin/python benchmarks/bench_site.py --sizes 1000 2000 --peer-size 0          # no peer
    .venv/bin/python benchmarks/bench_site.py --sizes 50 --repeat 2 --peer-size 50     # a smoke test

The core is always measured first; the peer size is added to the sizes if it is not among
them. On a machine shared with other jobs, run it under `nice -n 19`.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import yaml

REPO = Path(__file__).resolve().parents[1]
SECTIONS = ("Definition", "Example", "Origins", "Context and usage", "Why it matters", "In practice")
TAGS = ["foundations", "nlp", "computer-vision", "audio", "contrastive", "model", "evaluation", "retrieval", "data"]
CORE_MENTIONS = ["self-supervised learning", "embeddings", "a transformer", "contrastive learning", "pretraining",
                 "semantic search", "masked language modeling", "BERT", "fine-tuning", "a loss function"]
WORDS = ("model data signal layer token image sound sample batch vector label task method feature space encoder "
         "decoder training objective context pattern structure example result score error measure view").split()
DEFAULT_SIZES = [500, 2000, 5000]
REPEAT = 3
PEER_SIZE = 2000
RATIO_TARGET = 2.0
GROWTH_TARGET = 1.1
PEER_TARGET = 1.0  # ours / peer CPU, strictly below: faster than the peer
# pages the sslgloss plugin generates that the navigation of mkdocs.yml lists; the plain site gets stand-ins
GENERATED_NAV_PAGES = {"tags/index.md": "Tags", "learning-paths.md": "Learning paths", "demos.md": "Demos"}
PEER_GLOSSARY = "terms"  # the ezglossary section (glossary) every term of the peer site is defined in
# its mkdocs.yml entry, after search: link titles show the definition, each definition lists its links
PEER_PLUGIN = "- ezglossary:\n    tooltip: short\n    inline_refs: list"


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


def _term_sources(term_folders: list[Path]) -> Iterator[tuple[str, dict, str, bool]]:
    """(file name, front matter, Markdown body, generated?) of every term page: the core's, then the folders'."""
    from sslgloss.core import TERMS_DIR

    for folder in [TERMS_DIR, *term_folders]:
        for path in sorted(folder.glob("*.md")):
            if path.name.startswith(("_", ".")):
                continue
            _, front, body = path.read_text(encoding="utf-8").split("---", 2)
            meta = yaml.safe_load(front)
            if "title" not in meta:
                continue  # an extension file (`extends:`), not a page
            yield path.name, meta, body, folder in term_folders


def plain_page(meta: dict, body: str, generated: bool) -> str:
    """A term page as plain Markdown: title, summary, the sections."""
    return f"# {meta['title']}\n\n{meta['summary']}\n\n{body}"


def _plain_docs(docs: Path, term_folders: list[Path], page: Callable[[dict, str, bool], str],
                glossary_page: Callable[[list[tuple[str, str, str]]], str]) -> None:
    """The hand-written pages, docs/terms/<id>.md for every term, the A–Z page and stand-ins for generated pages."""
    shutil.copytree(REPO / "docs", docs, dirs_exist_ok=True)
    (docs / "terms").mkdir(parents=True, exist_ok=True)
    pages = []  # (file name, title, summary)
    for name, meta, body, generated in _term_sources(term_folders):
        (docs / "terms" / name).write_text(page(meta, body, generated), encoding="utf-8")
        pages.append((name, meta["title"], meta["summary"]))
    (docs / "glossary").mkdir(exist_ok=True)
    (docs / "glossary" / "index.md").write_text(glossary_page(pages), encoding="utf-8")
    for src, title in GENERATED_NAV_PAGES.items():
        (docs / src).parent.mkdir(parents=True, exist_ok=True)
        (docs / src).write_text(f"# {title}\n\nA page of the plain site.\n", encoding="utf-8")


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


def _plain_config(root: Path, docs: Path, plugin: str = "") -> Path:
    """mkdocs.yml minus the sslgloss plugin, docs_dir made absolute, ``plugin`` (a YAML list item) after search."""
    config = _without_sslgloss((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    config = re.sub(r"(?m)^docs_dir:.*$", f"docs_dir: {docs}", config)
    if plugin:
        config, found = re.subn(r"(?m)^( *)- search *$",
                                lambda m: m.group(0) + "\n" + textwrap.indent(plugin, m.group(1)), config)
        if found != 1:
            raise SystemExit("mkdocs.yml: no `- search` plugin entry to put the peer plugin after")
    path = root / "mkdocs.yml"
    path.write_text(config, encoding="utf-8")
    return path


def plain_project(root: Path, term_folders: list[Path]) -> Path:
    """The same site without sslgloss: mkdocs.yml minus the plugin, the hand-written pages, a page per term."""
    def glossary_page(pages: list[tuple[str, str, str]]) -> str:
        entries = "".join(f"- [{title}](../terms/{name}): {summary}\n"
                          for name, title, summary in sorted(pages, key=lambda p: p[1].casefold()))
        return f"# Glossary A–Z\n\n{entries}"

    _plain_docs(root / "docs", term_folders, plain_page, glossary_page)
    return _plain_config(root, root / "docs")


def peer_project(root: Path, term_folders: list[Path]) -> Path:
    """The plain site plus mkdocs-ezglossary-plugin doing our linking job (see the module docstring)."""
    from sslgloss import load_glossary
    from sslgloss.site.autolink import TermMatcher

    terms = load_glossary(term_folders).terms
    titles = {term_id: term.title for term_id, term in terms.items()}
    matcher = TermMatcher({term_id: term.names for term_id, term in terms.items()})

    def linked(body: str, own_id: str) -> str:
        """The first mention of each other term written as an ezglossary link; headings left alone."""
        done = {own_id}
        lines = []
        for line in body.split("\n"):
            if not line.startswith("#"):
                out, pos = [], 0
                for mention in matcher.finditer(line):
                    if mention.term_id not in done:
                        done.add(mention.term_id)
                        link = f"<{PEER_GLOSSARY}:{titles[mention.term_id]}|{mention.text}>"
                        out += [line[pos:mention.start], link]
                        pos = mention.end
                line = "".join(out) + line[pos:]
            lines.append(line)
        return "\n".join(lines)

    def page(meta: dict, body: str, generated: bool) -> str:
        # the summary paragraph of the plain page, as the term's glossary entry (a definition list)
        definition = f"{PEER_GLOSSARY}:{meta['title']}\n:   {meta['summary']}"
        return f"# {meta['title']}\n\n{definition}\n\n{linked(body, meta['id']) if generated else body}"

    _plain_docs(root / "docs", term_folders, page, lambda _: f"# Glossary A–Z\n\n<glossary::{PEER_GLOSSARY}>\n")
    return _plain_config(root, root / "docs", PEER_PLUGIN)


def minimal_project(root: Path, term_folders: list[Path]) -> Path:
    """A plain site with mkdocs-material defaults, search and a one-page navigation (the old baseline)."""
    docs = root / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    (docs / "index.md").write_text("# Home\n\nA plain site with the same pages.\n", encoding="utf-8")
    (docs / "terms").mkdir()
    for name, meta, body, generated in _term_sources(term_folders):
        (docs / "terms" / name).write_text(plain_page(meta, body, generated), encoding="utf-8")
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
    peak_mb: float  # peak resident memory of the build process, MiB


def timed_build(config: Path, site: Path, cache: Path) -> Timing:
    """One `mkdocs build` in a fresh process with an empty cache (no layout, prose or demo results)."""
    env = dict(os.environ, SSLGLOSS_SITE_FALLBACKS="0", NO_MKDOCS_2_WARNING="1", SSLGLOSS_CACHE=str(cache))
    shutil.rmtree(cache, ignore_errors=True)
    shutil.rmtree(site, ignore_errors=True)
    timing = timed_run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(site)], env,
                       cwd=config.parent)
    shutil.rmtree(site, ignore_errors=True)
    return timing


def timed_run(command: list[str], env: dict, cwd: Path) -> Timing:
    """CPU, wall time and peak memory of one command in a fresh process (exits with its output if it fails)."""
    # output to a file, not a pipe: nothing reads a pipe while we wait, and a full one would block the build
    with tempfile.TemporaryFile("w+") as output:
        start = time.perf_counter()
        proc = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT, text=True, cwd=cwd)
        # wait4 reaps this child and returns its own rusage (Linux: ru_maxrss in KiB), not the
        # sum over every child so far that RUSAGE_CHILDREN gives, whose peak is the largest one's
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped: Popen must not wait for it again
        if proc.returncode != 0:
            output.seek(0)
            raise SystemExit(f"{' '.join(command)} failed:\n{output.read()}")
    return Timing(usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss / 1024)


def median(timings: list[Timing]) -> Timing:
    """Each figure's median over the runs (of CPU, wall and peak memory separately)."""
    return Timing(statistics.median(t.cpu for t in timings), statistics.median(t.wall for t in timings),
                  statistics.median(t.peak_mb for t in timings))


@dataclass
class Row:
    label: str  # "core" or the number of generated terms
    terms: int  # terms in the site
    ours: Timing
    plain: Timing
    minimal: Timing | None = None
    peer: Timing | None = None

    @property
    def ratio(self) -> float:
        return self.ours.cpu / self.plain.cpu

    @property
    def peer_ratio(self) -> float:
        return self.ours.cpu / self.peer.cpu


def measure(sizes: list[int], repeat: int = REPEAT, minimal: bool = False, peer_size: int = PEER_SIZE,
            log=print) -> list[Row]:
    """A row per size (core first); the peer is built at peer_size (0: never), which is added to the sizes."""
    from sslgloss import load_glossary

    core_terms = len(load_glossary().terms)
    rows = []
    work = Path(tempfile.mkdtemp(prefix="sslgloss-bench-"))
    try:
        for n in [0, *sorted(set(sizes) | ({peer_size} if peer_size else set()))]:
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
            if n and n == peer_size:
                configs["peer"] = peer_project(work / f"peer-{n}", folders)
            # interleaved, so that a burst of load from other jobs hits every kind of build alike
            timings: dict[str, list[Timing]] = {kind: [] for kind in configs}
            for _ in range(repeat):
                for kind, config in configs.items():
                    timings[kind].append(timed_build(config, work / "site", work / "cache"))
            medians = {kind: median(runs) for kind, runs in timings.items()}
            rows.append(Row(label, core_terms + n, medians["ours"], medians["plain"], medians.get("minimal"),
                            medians.get("peer")))
            for kind in ("plain", "minimal", "peer"):
                shutil.rmtree(work / f"{kind}-{n}", ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return rows


def growth(rows: list[Row]) -> list[tuple[Row, Row, float]]:
    """(smaller, larger, growth) for consecutive sizes: CPU time ratio over term count ratio."""
    return [(a, b, (b.ours.cpu / a.ours.cpu) / (b.terms / a.terms)) for a, b in zip(rows, rows[1:])]


def results(rows: list[Row]) -> list[dict]:
    """One figure per row: name, value, unit, target (None: reported only) and strict (value < target)."""
    out = []
    for row in rows:
        site = f"site: build, {row.terms} terms ({row.label})"
        out.append({"name": f"{site}, sslgloss / plain mkdocs-material CPU",
                    "value": row.ratio, "unit": "x", "target": RATIO_TARGET})
        out.append({"name": f"{site}, CPU (target: 2x plain's {row.plain.cpu:.1f} s)", "value": row.ours.cpu,
                    "unit": "s", "target": round(RATIO_TARGET * row.plain.cpu, 1)})
        out.append({"name": f"{site}, peak memory (plain: {row.plain.peak_mb:.0f} MB)", "value": row.ours.peak_mb,
                    "unit": "MB", "target": None})
        if row.peer:
            out.append({"name": f"{site}, sslgloss / mkdocs-ezglossary-plugin CPU (peer: {row.peer.cpu:.1f} s)",
                        "value": row.peer_ratio, "unit": "x", "target": PEER_TARGET, "strict": True})
    for small, large, factor in growth(rows):
        if small.label == "core":
            continue  # the core is dominated by start-up costs; growth is measured between generated sizes
        out.append({"name": f"site: build growth {small.terms} -> {large.terms} terms (1.0 = linear)",
                    "value": factor, "unit": "x", "target": GROWTH_TARGET})
    return out


def verdict(figure: dict) -> str:
    """'target <= 2.0 ok', 'target < 1.0 MISSED' or 'no target' for one figure of results()."""
    target = figure["target"]
    if target is None:
        return "no target"
    if figure.get("strict"):
        return f"target < {target} " + ("ok" if figure["value"] < target else "MISSED")
    return f"target <= {target} " + ("ok" if figure["value"] <= target else "MISSED")


def run(sizes: list[int] | None = None, repeat: int = 1, peer_size: int = PEER_SIZE) -> list[dict]:
    """Figures for a caller in Python: ratios, CPU seconds and peak memory per size, growth between sizes.

    One build of each kind per size by default, for a quick look; the command line takes the median of 3.
    """
    return results(measure(list(sizes or DEFAULT_SIZES), repeat, peer_size=peer_size, log=lambda *_: None))


def _cell(timing: Timing | None) -> str:
    """CPU (wall) peak MB of one build, or blanks."""
    if timing is None:
        return f"{'-':>22}"
    return f"{timing.cpu:>7.1f} ({timing.wall:>6.1f}) {timing.peak_mb:>5.0f}"


def report(rows: list[Row], command: str) -> str:
    lines = [f"sslgloss site build vs the same site without the plugin (plain mkdocs-material)"
             f"{' and with mkdocs-ezglossary-plugin (peer)' if any(r.peer for r in rows) else ''}, "
             f"{os.cpu_count()} CPUs",
             "median of each figure over the runs: seconds of CPU of each `mkdocs build` process "
             "(wall seconds in brackets), its peak memory in MB", ""]
    head = f"{'size':>6} {'terms':>6} {'sslgloss':>22} {'plain':>22} {'ratio':>6}"
    if any(r.minimal for r in rows):
        head += f" {'minimal':>22} {'ratio':>6}"
    if any(r.peer for r in rows):
        head += f" {'peer':>22} {'ratio':>6}"
    lines.append(head)
    for r in rows:
        line = f"{r.label:>6} {r.terms:>6} {_cell(r.ours)} {_cell(r.plain)} {r.ratio:>6.2f}"
        if r.minimal:
            line += f" {_cell(r.minimal)} {r.ours.cpu / r.minimal.cpu:>6.2f}"
        if any(x.peer for x in rows):
            line += f" {_cell(r.peer)} " + (f"{r.peer_ratio:>6.2f}" if r.peer else f"{'-':>6}")
        lines.append(line)
    lines.append("")
    for small, large, factor in growth(rows):
        lines.append(f"growth {small.terms} -> {large.terms} terms: {large.terms / small.terms:.2f}x the terms, "
                     f"{large.ours.cpu / small.ours.cpu:.2f}x the CPU time (growth {factor:.2f}, 1.0 = linear)")
    lines.append(f"targets: ratio <= {RATIO_TARGET} at every size; growth <= {GROWTH_TARGET} between generated sizes; "
                 f"sslgloss / peer < {PEER_TARGET} (faster than the peer)")
    lines.append(f"command: {command}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=DEFAULT_SIZES,
                        help="numbers of generated terms added to the core glossary (core alone is always built)")
    parser.add_argument("--large", action="store_true",
                        help="no-op, kept for old command lines: 5000 is now one of the default sizes")
    parser.add_argument("--repeat", type=int, default=REPEAT,
                        help="builds per site, interleaved; each figure is the median over them")
    parser.add_argument("--peer-size", type=int, default=PEER_SIZE,
                        help="generated terms at which mkdocs-ezglossary-plugin is built too (added to the sizes "
                             "if missing); 0: no peer")
    parser.add_argument("--minimal-baseline", action="store_true",
                        help="also build a plain site with mkdocs-material defaults and a one-page navigation")
    args = parser.parse_args()
    rows = measure(args.sizes, args.repeat, args.minimal_baseline, args.peer_size,
                   log=lambda m: print(m, file=sys.stderr, flush=True))
    print(report(rows, "  ".join([".venv/bin/python benchmarks/bench_site.py", *sys.argv[1:]]).replace("  ", " ")))
    figures = results(rows)
    width = max(len(f["name"]) for f in figures)
    for figure in figures:
        print(f"{figure['name']:<{width}} {figure['value']:>7.2f} {figure['unit']:<2} {verdict(figure)}")


if __name__ == "__main__":
    main()
