"""`sslgloss search` and `sslgloss search-eval`: search the glossary from a terminal, and score the search.

Imported lazily by ``sslgloss.cli`` (the ``COMMANDS`` list at the bottom), so
the other commands start without loading torch.
"""

from __future__ import annotations

import json
import logging
import sys
import textwrap
from pathlib import Path

import click

from ..errors import SslglossError
from .engine import MAX_QUERY_CHARS, MODES, SearchEngine, get_engine, prepare_query

PASSAGE_CHARS = 240  # enough to see why a term matched without flooding the terminal


def _engine(terms_dirs) -> SearchEngine:
    from ..glossary import load_glossary

    glossary = load_glossary(list(terms_dirs))
    if glossary.errors:
        click.echo(f"note: the glossary has {len(glossary.errors)} error(s); searching the terms that loaded "
                   "(`sslgloss validate` lists the errors)", err=True)
    return get_engine(glossary)  # one per glossary per process (matters when called in-process, e.g. tests)


def _show_progress() -> None:
    """Tell the person why the first semantic search takes a minute (the engine logs it)."""
    logger = logging.getLogger("sslgloss.search.engine")
    if not any(getattr(h, "_sslgloss_cli", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        handler._sslgloss_cli = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)


def _short(text: str, limit: int = PASSAGE_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: text.rfind(" ", 0, limit)].rstrip(",;:") + "…"


terms_dir_option = click.option(
    "--terms-dir", "terms_dirs", multiple=True, type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="A folder of term files to add to the glossary (repeatable).")


@click.command("search")
@click.argument("query", nargs=-1)
@click.option("-k", "--k", "k", type=click.IntRange(min=1), default=5, show_default=True,
              help="How many terms to show.")
@click.option("--mode", type=click.Choice(MODES), default="hybrid", show_default=True,
              help="semantic: by meaning (MiniLM); keyword: BM25 on words; hybrid: both, fused by rank "
                   "(the best on `sslgloss search-eval`).")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@terms_dir_option
def search(query: tuple[str, ...], k: int, mode: str, as_json: bool, terms_dirs) -> None:
    """Find the glossary terms that answer QUERY, e.g. sslgloss search "learning without labels"."""
    try:
        text, truncated = prepare_query(" ".join(query))
        if truncated:
            click.echo(f"note: the query is long; searching its first {len(text)} characters "
                       f"(at most {MAX_QUERY_CHARS})", err=True)
        engine = _engine(terms_dirs)
        n_terms = len(engine.term_ids)
        if k > n_terms:
            click.echo(f"note: the glossary has {n_terms} terms; showing at most {n_terms}", err=True)
            k = n_terms
        _show_progress()
        results = engine.search(text, k=k, mode=mode)
    except SslglossError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps({"query": text, "mode": mode, "k": k, "truncated": truncated,
                               "results": [r.as_dict() for r in results]}, indent=2, ensure_ascii=False))
        return
    if not results:
        click.echo("No term shares a word with the query; try --mode semantic, which matches by meaning.")
        return
    for rank, r in enumerate(results, start=1):
        click.echo(f"{rank}. {r.title} ({r.term_id})  score {r.score:.3f}")
        body = textwrap.fill(f"{r.section}: {_short(r.passage)}", width=100, initial_indent="   ",
                             subsequent_indent="   ")
        click.echo(body)


@click.command("search-eval")
@click.option("--json", "as_json", is_flag=True, help="Print every figure, and each question's ranks, as JSON.")
@click.option("-v", "--verbose", is_flag=True, help="Also list each question with the rank of its answer in every mode.")
@terms_dir_option
def search_eval(as_json: bool, verbose: bool, terms_dirs) -> None:
    """Score semantic, keyword and hybrid search on learners' questions (recall@1, recall@5, MRR)."""
    from .evaluation import evaluate

    try:
        engine = _engine(terms_dirs)
        _show_progress()
        report = evaluate(engine=engine)
    except SslglossError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(report, indent=2))
        return
    click.echo(f"{report['questions']} questions over {report['terms']} terms"
               + (f" ({report['skipped']} skipped: their terms are not in the glossary)" if report["skipped"] else ""))
    click.echo(f"{'questions':<16}{'mode':<10}{'recall@1':>10}{'recall@5':>10}{'MRR':>8}")
    groups = [("all", report["questions"], report["modes"])]
    groups += [(style, part["questions"], part["modes"]) for style, part in report["styles"].items()]
    for name, count, modes in groups:
        label = f"{name} ({count})"
        for mode, figures in modes.items():
            click.echo(f"{label:<16}{mode:<10}{figures['recall@1']:>10.3f}{figures['recall@5']:>10.3f}"
                       f"{figures['mrr']:>8.3f}")
            label = ""
    if verbose:
        click.echo("\nrank of the expected term (semantic / keyword / hybrid; - = not found):")
        for row in report["per_question"]:
            ranks = " / ".join("-" if row["ranks"][m] is None else str(row["ranks"][m]) for m in MODES)
            click.echo(f"  {ranks:<12} {row['style']:<9} {row['expected'][0]:<30} {row['q']}")


COMMANDS = [search, search_eval]
