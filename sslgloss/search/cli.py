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

from ..cli_base import Command, terms_dir_option

from .engine import MAX_QUERY_CHARS, MODES, SearchEngine, get_engine, prepare_query

PASSAGE_CHARS = 240  # enough to see why a term matched without flooding the terminal


def _engine(terms_dirs) -> SearchEngine:
    from ..glossary import load_glossary

    glossary = load_glossary(list(terms_dirs))
    if glossary.errors:
        click.echo(f"note: the glossary has {len(glossary.errors)} error(s); searching the terms that loaded "
                   "(`sslgloss validate` lists the errors)", err=True)
    return get_engine(glossary)  # one per glossary per process (matters when called in-process, e.g. tests)


def _show_progress(name: str = "sslgloss.search.engine") -> None:
    """Tell the person why the first semantic search takes a minute (the engine logs it)."""
    logger = logging.getLogger(name)
    if not any(getattr(h, "_sslgloss_cli", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        handler._sslgloss_cli = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)


def _short(text: str, limit: int = PASSAGE_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: text.rfind(" ", 0, limit)].rstrip(",;:") + "…"


@click.command("search", cls=Command)
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
    _show_progress("sslgloss.search.adapt")
    results = engine.search(text, k=k, mode=mode)
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


@click.command("search-eval", cls=Command)
@click.option("--set", "question_set", type=click.Choice(["learner", "project"]), default="learner", show_default=True,
              help="learner: questions written outside the project as a newcomer types them "
                   "(sslgloss/evalsets/search.yaml); project: the project's own questions.yaml.")
@click.option("--part", type=click.Choice(["test", "dev", "all"]), default="test", show_default=True,
              help="Part of the learner set: test (held out: the figures to report), dev (for tuning), or both.")
@click.option("--encoder", "encoders", type=click.Choice(["adapted", "base", "both"]), default="both",
              show_default=True,
              help="adapted: MiniLM after it taught itself this glossary (`sslgloss search-train`); base: "
                   "all-MiniLM-L6-v2 as shipped; both: one table each.")
@click.option("--json", "as_json", is_flag=True, help="Print every figure, and each question's ranks, as JSON.")
@click.option("-v", "--verbose", is_flag=True, help="Also list each question with the rank of its answer in every mode.")
@terms_dir_option
def search_eval(question_set: str, part: str, encoders: str, as_json: bool, verbose: bool, terms_dirs) -> None:
    """Score semantic, keyword and hybrid search on learners' questions (recall@1, recall@5, MRR)."""
    from .evaluation import evaluate, load_learner_questions, load_questions
    from .semantic import load_encoder

    questions = load_learner_questions(part) if question_set == "learner" else load_questions()
    engine = _engine(terms_dirs)
    _show_progress()
    _show_progress("sslgloss.search.adapt")
    names = ["adapted", "base"] if encoders == "both" else [encoders]
    reports = {}
    for name in names:
        if name == "base":
            chosen = SearchEngine(engine.passages, engine.fingerprint, encoder_factory=load_encoder)
        else:
            chosen = engine
        report = evaluate(engine=chosen, questions=questions)
        report["encoder"] = getattr(chosen.encoder, "key", name)
        reports[name] = report
    first = reports[names[0]]
    what = "learner set, " + ("dev and test parts" if part == "all" else f"{part} part") if question_set == "learner" \
        else "project set (questions.yaml)"
    if as_json:
        click.echo(json.dumps({**first, "set": question_set, "part": part if question_set == "learner" else None,
                               "encoders": {n: {k: v for k, v in r.items() if k != "per_question"}
                                            for n, r in reports.items()}}, indent=2))
        return
    click.echo(f"{first['questions']} questions over {first['terms']} terms ({what})"
               + (f" ({first['skipped']} skipped: their terms are not in the glossary)" if first["skipped"] else ""))
    click.echo(f"{'encoder':<9}{'questions':<16}{'mode':<10}{'recall@1':>10}{'recall@5':>10}{'MRR':>8}")
    for name, report in reports.items():
        groups = [("all", report["questions"], report["modes"])]
        if len(report["styles"]) > 1:
            groups += [(style, p["questions"], p["modes"]) for style, p in report["styles"].items()]
        for group, count, modes in groups:
            label = f"{group} ({count})"
            for mode, figures in modes.items():
                if mode == "keyword" and name != names[0]:
                    continue  # BM25 does not use the encoder: the same figures as above
                click.echo(f"{name:<9}{label:<16}{mode:<10}{figures['recall@1']:>10.3f}{figures['recall@5']:>10.3f}"
                           f"{figures['mrr']:>8.3f}")
                label = ""
    if first["encoder"] != reports[names[0]]["encoder"] or (names[0] == "adapted" and "adapted" not in first["encoder"]):
        click.echo("note: adapting the encoder to this glossary was not possible; `adapted` is the base model "
                   "(see the message above)", err=True)
    if verbose:
        for name, report in reports.items():
            click.echo(f"\n{name}: rank of the expected term (semantic / keyword / hybrid; - = not found):")
            for row in report["per_question"]:
                ranks = " / ".join("-" if row["ranks"][m] is None else str(row["ranks"][m]) for m in MODES)
                click.echo(f"  {ranks:<12} {row['style']:<9} {row['expected'][0]:<30} {row['q']}")


@click.command("search-train", cls=Command)
@click.option("--force", is_flag=True, help="Train again even if adapted weights for this glossary exist.")
@click.option("--ship", is_flag=True, help="Maintainers: copy the weights into the package (sslgloss/search/weights/), "
                                           "where a fresh install finds them without training.")
@click.option("--json", "as_json", is_flag=True, help="Print the training summary as JSON.")
@terms_dir_option
def search_train(force: bool, ship: bool, as_json: bool, terms_dirs) -> None:
    """Teach the search encoder this glossary (self-supervised, on the glossary's own text; a few minutes on one core).

    Pairs the glossary gives for free (a name and its summary, a summary and its definition,
    a sentence with the term's name blanked out and the summary, a sentence of another term
    that mentions it) train all-MiniLM-L6-v2 with in-batch negatives. The weights are cached
    under $SSLGLOSS_CACHE/search; `sslgloss search` uses them from then on.
    """
    from ..glossary import load_glossary
    from . import adapt

    glossary = load_glossary(list(terms_dirs))
    if not glossary.terms:
        raise click.ClickException("the glossary has no terms")
    for name in ("sslgloss.search.adapt", "sslgloss.search.engine"):
        _show_progress(name)
    shown = {"step": 0}

    def progress(step: int, steps: int, loss: float) -> None:
        if not as_json and (step == steps or step % 10 == 0):
            click.echo(f"step {step}/{steps}  loss {loss:.3f}", err=True)
        shown["step"] = step

    encoder, info = adapt.build_adapted(glossary, force=force, progress=progress)
    if ship:
        if Path(info["path"]) == adapt.shipped_file():
            click.echo("the package already holds these weights", err=True)
        else:
            info["shipped"] = str(adapt.ship(info))
    info = {**info, "encoder": encoder.key}
    if as_json:
        click.echo(json.dumps(info, indent=2))
        return
    if info["trained"]:
        pairs = ", ".join(f"{n} {k}" for k, n in info["pairs"].items())
        click.echo(f"adapted in {info['seconds']:.0f} s: {info['steps']} steps over {pairs} pairs; "
                   f"loss {info['loss_first']:.2f} -> {info['loss_last']:.2f}")
    else:
        click.echo("already adapted to this glossary (use --force to train again)")
    click.echo(f"weights: {info['path']}" + (f" (copied to {info['shipped']})" if info.get("shipped") else ""))


COMMANDS = [search, search_eval, search_train]
