"""The same site built by MkDocs (our plugin, in memory) and by Zensical (from `sslgloss site generate`).

For the core glossary and for core + N generated terms (bench_site.write_terms), in one
run, each step in a fresh process with an empty cache and demo fallbacks off:

- mkdocs: `mkdocs build` of the real mkdocs.yml (the plugin generates the glossary);
- generate: `sslgloss site generate` (every page written as Markdown, assets, a config);
- zensical: `zensical build` of what generate wrote.

It prints CPU seconds (wall seconds in brackets) and peak MB of each step, medians of
--repeat runs, interleaved:

    .venv/bin/python benchmarks/bench_engines.py                     # core and 2,000 terms, 3 runs
    .venv/bin/python benchmarks/bench_engines.py --sizes 50 --repeat 1   # a smoke test
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_site import Timing, median, ours_project, timed_build, timed_run, write_terms  # noqa: E402

STEPS = ("mkdocs", "generate", "zensical")


def build_both(config: Path, work: Path) -> dict[str, Timing]:
    cache = work / "cache"
    env = dict(os.environ, SSLGLOSS_SITE_FALLBACKS="0", NO_MKDOCS_2_WARNING="1", SSLGLOSS_CACHE=str(cache),
               NO_COLOR="1")
    out = {"mkdocs": timed_build(config, work / "mkdocs-site", cache)}
    shutil.rmtree(cache, ignore_errors=True)
    generated = config.parent / "generated"  # Zensical wants docs_dir and site_dir beside its configuration
    shutil.rmtree(generated, ignore_errors=True)
    out["generate"] = timed_run([sys.executable, "-m", "sslgloss.cli", "site", "generate", "-f", str(config),
                                 "-o", str(generated)], env, cwd=config.parent)
    out["zensical"] = timed_run([sys.executable, "-m", "zensical", "build", "-f", str(generated / "mkdocs.yml")],
                                env, cwd=generated)
    shutil.rmtree(generated, ignore_errors=True)
    return out


def cell(t: Timing) -> str:
    return f"{t.cpu:6.1f} ({t.wall:6.1f}) {t.peak_mb:5.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000], help="generated terms added to the core")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"# {' '.join(sys.argv)} | {platform.node()} | {os.cpu_count()} cores | python {platform.python_version()}")
    print(f"{'size':>6}  {'mkdocs':>20}  {'generate':>20}  {'zensical':>20}  {'gen+zensical / mkdocs':>22}")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for size in [0, *args.sizes]:
            folders = []
            if size:
                folder = root / f"terms-{size}"
                write_terms(folder, size)
                folders.append(folder)
            project = root / f"p{size}"
            project.mkdir()
            config = ours_project(project, folders, "mkdocs")
            runs = [build_both(config, root / f"w{size}-{i}") for i in range(args.repeat)]
            med = {step: median([r[step] for r in runs]) for step in STEPS}
            ratio = (med["generate"].cpu + med["zensical"].cpu) / med["mkdocs"].cpu
            label = "core" if size == 0 else str(size)
            print(f"{label:>6}  {cell(med['mkdocs'])}  {cell(med['generate'])}  {cell(med['zensical'])}  {ratio:22.2f}")


if __name__ == "__main__":
    main()
