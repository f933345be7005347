"""`sslgloss site ...`: the site's own steps, outside any static-site generator.

- ``sslgloss site generate -o DIR`` writes the whole site's sources (hand-written and
  generated pages, assets, a configuration) for an engine that runs no MkDocs plugin;
- ``sslgloss site build --engine zensical|mkdocs`` builds the site with either engine
  into the configuration's ``site_dir`` (Zensical from the generated sources);
- ``sslgloss site demo-results`` computes the static demo results the core glossary's
  pages show when no demo server runs, into the folder the package ships
  (``sslgloss/demos/static-results``), so no site build waits on a model;
  ``--check`` only says which are missing or outdated;
- ``sslgloss site cloze`` computes the masked model's guesses for the core glossary's
  "Test yourself" sentences into the file the package ships (``sslgloss/site/cloze-guesses.json``);
- ``sslgloss site word-vectors`` teaches site search's word vectors to read like the search
  encoder (``sslgloss/site/word-vectors.npz``); ``sslgloss site search-eval`` scores the
  search box's "Closest in meaning" on learners' questions.
"""

from __future__ import annotations

from pathlib import Path

import click

from ..cli_base import Command
from ..errors import SslglossError
from ..extras import require_demos


@click.group("site")
def site() -> None:
    """The site's own steps (static demo results and cloze guesses; pages for any engine)."""


def core_glossary(out: Path | None, what: str):
    """The core glossary, whose ``what`` the package ships; other plugins only with ``--out`` elsewhere."""
    from ..glossary import load_glossary

    glossary = load_glossary()
    if glossary.errors:
        raise SslglossError(f"the glossary has {len(glossary.errors)} error(s); `sslgloss validate` lists them")
    others = sorted(name for name in glossary.plugins if name != "core")
    if others and out is None:
        raise SslglossError(f"the shipped {what} are the core glossary's, but plugin(s) {', '.join(others)} are "
                            "installed too; uninstall them or pass --out")
    return glossary


@site.command("demo-results", cls=Command)
@click.option("--check", is_flag=True, help="Only list the results that are missing or outdated; exit 1 if any.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Write here instead of the package's folder of shipped results.")
def demo_results(check: bool, out: Path | None) -> None:
    """Compute the core glossary's static demo results (what term pages show without a demo server)."""
    from ..demos.embed import SHIPPED_RESULTS, DemoSlots, FallbackCache, terms_key

    glossary = core_glossary(out, "results")
    root = out or SHIPPED_RESULTS
    failed: list[str] = []
    slots = DemoSlots(glossary.demos, "http://127.0.0.1:8501", FallbackCache(root, glossary.fingerprint,
                      terms_key(glossary.terms)), warn=failed.append, note=lambda message: None)
    terms = list(glossary.terms.values())
    todo = slots.outdated(terms)
    for spec, where, state in todo:
        click.echo(f"{where}: demo `{spec.id}` ({spec.input or 'default input'}): {state}")
    if check:
        if todo:
            raise SslglossError(f"{len(todo)} static demo result(s) missing or outdated; "
                                "`sslgloss site demo-results` computes them")
        click.echo(f"all static demo results are current ({root})")
        return
    if todo:
        require_demos("computing the static demo results")
    root.mkdir(parents=True, exist_ok=True)
    if slots.refresh(todo):
        raise SslglossError("\n".join(failed + ["some static demo results could not be computed (see above)"]))
    keep = slots.result_files(terms)
    removed = [p for p in root.glob("*.html") if p not in keep]
    for path in removed:
        path.unlink()
    click.echo(f"{len(todo)} computed, {len(keep) - len(todo)} already current, {len(removed)} outdated removed: {root}")


@site.command("cloze", cls=Command)
@click.option("--check", is_flag=True, help="Only list the sentences whose guesses are missing; exit 1 if any.")
@click.option("--all", "everything", is_flag=True, help="Compute every sentence's guesses again (a retrained model).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write this file instead of the package's shipped guesses.")
def cloze(check: bool, everything: bool, out: Path | None) -> None:
    """Compute the masked model's guesses for the core glossary's "Test yourself" sentences."""
    from .cloze_block import SHIPPED_GUESSES, core_blanks, read_guesses, refresh

    glossary = core_glossary(out, "guesses")
    path = out or SHIPPED_GUESSES
    found = read_guesses(path)
    missing = [b for key, b in core_blanks(glossary).items() if key not in found]
    if check:
        for blank in missing:
            click.echo(f"missing: {blank.masked}")
        if missing:
            raise SslglossError(f"{len(missing)} sentence(s) have no guesses; `sslgloss site cloze` computes them")
        click.echo(f"the guesses of every \"Test yourself\" sentence are there ({path})")
        return
    if missing or everything:
        require_demos("computing the masked model's guesses")
    computed, kept, removed = refresh(glossary, path, everything)
    click.echo(f"{computed} computed, {kept} already there, {removed} no longer used removed: {path}")


@site.command("word-vectors", cls=Command)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write this file instead of the package's shipped word vectors.")
@click.option("--seed", type=int, default=0, show_default=True)
def word_vectors_command(out: Path | None, seed: int) -> None:
    """Teach site search's word vectors to read like the search encoder (about four minutes)."""
    require_demos("teaching the site's word vectors")
    from ..ml.pretrained_masked import _base_path
    from ..search.adapt import search_encoder
    from .meaning import VECTORS_FILE, save_word_vectors
    from .word_vectors import train

    glossary = core_glossary(out, "word vectors")
    encoder = search_encoder(glossary)
    vectors = train(glossary, lambda texts: encoder.encode(texts, batch_size=64), _base_path() / "vocab.txt",
                    seed=seed, echo=click.echo)
    path = out or VECTORS_FILE
    save_word_vectors(vectors, path)
    click.echo(f"{len(vectors.words):,} words, {vectors.codes.shape[1]} dimensions: {path}")


@site.command("search-eval", cls=Command)
@click.option("--part", type=click.Choice(["dev", "test", "all"]), default="test", show_default=True,
              help="Which part of the learner question set (dev: for choices; test: for figures).")
@click.option("--json", "as_json", is_flag=True, help="Print the figures and each question's ranks as JSON.")
def search_eval_command(part: str, as_json: bool) -> None:
    """Score the search box's "Closest in meaning" (static word vectors, no server) on learners' questions."""
    import json

    from ..glossary import load_glossary
    from .meaning import evaluate, glossary_index

    glossary = load_glossary()
    report = evaluate(glossary_index(glossary), part)
    if as_json:
        click.echo(json.dumps(report, indent=2))
        return
    click.echo(f"{report['questions']} questions over {report['terms']} terms (learner set, {part} part)")
    click.echo(f"{'mode':<10}{'recall@1':>10}{'recall@3':>10}{'MRR':>8}")
    for mode, figures in report["modes"].items():
        click.echo(f"{mode:<10}{figures['recall@1']:>10.3f}{figures['recall@3']:>10.3f}{figures['mrr']:>8.3f}")
    click.echo("hybrid is what the search box shows under \"Closest in meaning\" (its first three)")


CONFIG_OPTION = click.option("-f", "--config-file", "config_file", default="mkdocs.yml", show_default=True,
                             type=click.Path(dir_okay=False, exists=True, path_type=Path),
                             help="The site's MkDocs configuration.")


@site.command("generate", cls=Command)
@CONFIG_OPTION
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path), default=Path("build/generated"),
              show_default=True, help="Folder to write (its docs/ is replaced).")
def generate_command(config_file: Path, out: Path) -> None:
    """Write every page of the site as Markdown (plus assets and a configuration) for any engine."""
    from .generate import generate

    result = generate(config_file, out, echo=lambda m: click.echo(m, err=True))
    for problem in result.problems:
        click.echo(f"warning: {problem}", err=True)
    click.echo(f"{result.pages} generated pages, {result.files} files in {out / 'docs'}; "
               f"build with `zensical build -f {out / 'mkdocs.yml'}`", err=True)


@site.command("build", cls=Command)
@CONFIG_OPTION
@click.option("--engine", type=click.Choice(["mkdocs", "zensical"]), default="mkdocs", show_default=True)
@click.option("-d", "--site-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where the built site goes (default: the configuration's site_dir).")
@click.option("--strict", is_flag=True, help="Fail on warnings.")
def build_command(config_file: Path, engine: str, site_dir: Path | None, strict: bool) -> None:
    """Build the site with MkDocs (the plugin generates the glossary in memory) or Zensical (from generated files)."""
    import importlib.util
    import shutil
    import subprocess
    import sys
    import time

    from .generate import generate

    started = time.perf_counter()
    if engine == "mkdocs":
        command = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config_file)]
        command += ["--strict"] if strict else []
        command += ["-d", str(site_dir.resolve())] if site_dir else []
        if subprocess.call(command):
            raise SslglossError("mkdocs build failed (see above)")
    else:
        if importlib.util.find_spec("zensical") is None:  # run as `python -m zensical` below
            raise SslglossError("Zensical is not installed: pip install 'sslgloss[zensical]'")
        out = config_file.resolve().parent / "build" / "zensical"
        result = generate(config_file, out, echo=lambda m: click.echo(m, err=True))
        for problem in result.problems:
            click.echo(f"warning: {problem}", err=True)
        if strict and result.problems:
            raise SslglossError(f"{len(result.problems)} warning(s) in strict mode")
        command = [sys.executable, "-m", "zensical", "build", "-f", str(out / "mkdocs.yml")]
        if subprocess.call(command + (["--strict"] if strict else [])):
            raise SslglossError("zensical build failed (see above)")
        target = site_dir or Path(result.site_dir)
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(out / "site", target)
    click.echo(f"built with {engine} in {time.perf_counter() - started:.1f} s", err=True)


COMMANDS = [site]
