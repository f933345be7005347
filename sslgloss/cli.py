"""The `sslgloss` command line: validate the glossary, query its graph, scaffold terms.

Model, search and demo commands live beside their code (sslgloss/ml, sslgloss/search,
sslgloss/scenarios) and are imported only when called, so `sslgloss validate`
starts fast without importing torch.
"""

from __future__ import annotations

import difflib
import importlib
import json
import re
import sys
from pathlib import Path

import click

from . import __version__
from .cli_base import Command, clean_errors, terms_dir_option
from .extras import missing_extra
from .storage import atomic_write

# command name -> module holding it in a `COMMANDS` list; imported on first use
LAZY_COMMANDS = {
    "train": "sslgloss.ml.cli",
    "eval": "sslgloss.ml.cli",
    "fill-mask": "sslgloss.ml.cli",
    "next-word": "sslgloss.ml.cli",
    "generate": "sslgloss.ml.cli",
    "search": "sslgloss.search.cli",
    "search-eval": "sslgloss.search.cli",
    "search-train": "sslgloss.search.cli",
    "demos": "sslgloss.demos.launcher",
    "sentiment": "sslgloss.scenarios.cli",
    "site": "sslgloss.site.cli",
    "serve": "sslgloss.serve",
}


class LazyGroup(click.Group):
    """Commands imported on first use (so `sslgloss validate` never imports torch), with the same error handling."""

    command_class = Command
    group_class = type  # subgroups (`sslgloss graph`) are LazyGroups too

    def invoke(self, ctx: click.Context):
        return clean_errors(super().invoke, ctx)

    def list_commands(self, ctx: click.Context) -> list[str]:
        names = set(super().list_commands(ctx))
        for name, module in LAZY_COMMANDS.items():
            if importlib.util.find_spec(module) is not None:
                names.add(name)
        return sorted(names)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        command = super().get_command(ctx, name)
        if command is not None or name not in LAZY_COMMANDS:
            return command
        try:
            module = importlib.import_module(LAZY_COMMANDS[name])
        except ModuleNotFoundError as exc:
            raise click.ClickException(missing_extra(exc, f"`sslgloss {name}`")
                                       or f"`{name}` is unavailable: {exc}") from None
        for cmd in getattr(module, "COMMANDS", []):
            if cmd.name == name:
                return cmd
        return None



def _load(terms_dirs, require_valid: bool = True):
    from .glossary import load_glossary

    glossary = load_glossary(list(terms_dirs))
    if require_valid and glossary.errors:
        for problem in glossary.errors:
            click.echo(str(problem), err=True)
        dirs = "".join(f" --terms-dir {d}" for d in terms_dirs)
        raise click.ClickException(f"the glossary has {len(glossary.errors)} error(s); fix them first "
                                   f"(`sslgloss validate{dirs}` lists them)")
    return glossary


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sslgloss")
def main() -> None:
    """sslgloss: a self-supervised learning glossary as a typed concept graph."""


@main.command()
@terms_dir_option
@click.option("--json", "as_json", is_flag=True, help="Print problems and counts as JSON (for editors and CI).")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
def validate(terms_dirs, as_json: bool, strict: bool) -> None:
    """Check every term file and the graph; list every problem with file:line."""
    from .term_checks import check_cloze

    glossary = _load(terms_dirs, require_valid=False)
    if not glossary.errors:  # here only (a site build still builds the page, without the block), once it can build
        glossary.problems += check_cloze(glossary)
        glossary.problems.sort(key=lambda p: (p.level != "error", p.file or "", p.line or 0))
    summary = glossary.summary()
    failed = bool(glossary.errors) or (strict and bool(glossary.warnings))
    if as_json:
        click.echo(json.dumps({"ok": not failed, **summary,
                               "problems": [p.as_dict() for p in glossary.problems]}, indent=2))
    else:  # problems and the summary on one stream, in order (as pytest and ruff do)
        for problem in glossary.problems:
            click.echo(str(problem))
        click.echo(f"{summary['plugins']} plugin(s), {summary['terms']} terms, {summary['relations']} relations, "
                   f"{summary['errors']} error(s), {summary['warnings']} warning(s)")
    if failed:
        sys.exit(1)


@main.group()
def graph() -> None:
    """Ask the concept graph: paths, learning paths, neighbours, central terms, exports."""


def _title(glossary, term_id: str) -> str:
    return glossary.terms[term_id].title


def _known(glossary, *term_ids: str) -> None:
    """Refuse an unknown id with close matches, and say how to load a folder of terms that is not installed."""
    from .errors import UnknownTermError

    for term_id in term_ids:
        try:
            glossary.term(term_id)
        except UnknownTermError as err:
            raise click.ClickException(f"{err}{'' if err.suggestions else '.'} If the term is in a folder of term "
                                       "files, add `--terms-dir DIR` (`sslgloss terms` lists the ids)") from None


@graph.command("path")
@click.argument("source")
@click.argument("target")
@terms_dir_option
def graph_path(source: str, target: str, terms_dirs) -> None:
    """The shortest chain of relations between two terms."""
    from .graph import shortest_path

    glossary = _load(terms_dirs)
    _known(glossary, source, target)
    steps = shortest_path(glossary, source, target)
    if not steps:
        click.echo(_title(glossary, source))
        return
    click.echo(f"{_title(glossary, source)} ({source})")
    for step in steps:
        click.echo(f"  --[{step.label}]--> {_title(glossary, step.target)} ({step.target})")


@graph.command("learn")
@click.argument("term")
@terms_dir_option
def graph_learn(term: str, terms_dirs) -> None:
    """The learning path: every prerequisite of TERM in reading order."""
    from .graph import learning_path

    glossary = _load(terms_dirs)
    _known(glossary, term)
    path = learning_path(glossary, term)
    for i, term_id in enumerate(path, 1):
        click.echo(f"{i:>3}. {_title(glossary, term_id)} ({term_id})")


@graph.command("neighbours")
@click.argument("term")
@terms_dir_option
def graph_neighbours(term: str, terms_dirs) -> None:
    """Related terms grouped by relation type (inverse labels for incoming edges)."""
    from .graph import neighbours

    glossary = _load(terms_dirs)
    _known(glossary, term)
    groups = neighbours(glossary, term)
    click.echo(f"{_title(glossary, term)} ({term})")
    if not groups:
        click.echo("  (no related terms)")
    for label, ids in groups:
        click.echo(f"  {label}: " + ", ".join(f"{_title(glossary, i)} ({i})" for i in ids))


@graph.command("central")
@click.option("--k", default=10, show_default=True, type=click.IntRange(1, 10_000))
@terms_dir_option
def graph_central(k: int, terms_dirs) -> None:
    """The most central terms (PageRank)."""
    from .graph import central_terms

    glossary = _load(terms_dirs)
    for term_id, score in central_terms(glossary, k):
        click.echo(f"{score:.4f}  {_title(glossary, term_id)} ({term_id})")


@graph.command("clusters")
@terms_dir_option
def graph_clusters(terms_dirs) -> None:
    """Communities of closely linked terms."""
    from .graph import clusters

    glossary = _load(terms_dirs)
    for i, group in enumerate(clusters(glossary), 1):
        click.echo(f"{i}. " + ", ".join(sorted(group)))


@graph.command("export")
@click.option("--format", "fmt", type=click.Choice(["json", "skos"]), default="json", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of stdout.")
@terms_dir_option
def graph_export(fmt: str, output: Path | None, terms_dirs) -> None:
    """Export the graph as JSON (for front ends) or SKOS Turtle (for other tools)."""
    from .export import to_json, to_skos

    glossary = _load(terms_dirs)
    text = json.dumps(to_json(glossary), indent=2, ensure_ascii=False) if fmt == "json" else to_skos(glossary)
    if output:
        atomic_write(output, text + "\n")
        click.echo(f"wrote {output} ({len(glossary.terms)} terms)", err=True)
    else:
        click.echo(text)


def slugify(title: str) -> str:
    """A term id from a title.

    >>> slugify("Masked Language Modeling (MLM)")
    'masked-language-modeling-mlm'
    """
    import unicodedata

    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")


@main.command("new-term")
@click.argument("title")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Folder to write the term file into.")
@click.option("--id", "term_id", help="Term id (default: from the title).")
def new_term(title: str, directory: Path, term_id: str | None) -> None:
    """Write a skeleton term file with every section; never overwrites."""
    title = title.strip()
    if not title:
        raise click.ClickException("the title is empty; try `sslgloss new-term \"Masked Image Modeling\"`")
    term_id = term_id or slugify(title)
    from .schema import _ID_RE

    if not term_id or not _ID_RE.match(term_id):
        raise click.ClickException(f"cannot make a kebab-case id from `{title}`; pass one with --id, e.g. --id my-term")
    path = directory / f"{term_id}.md"
    if path.exists():
        raise click.ClickException(f"{path} already exists; not overwriting it")
    from .scaffold import term_skeleton

    text = term_skeleton(term_id, title)
    directory.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x", encoding="utf-8") as fh:
            fh.write(text)
    except FileExistsError:
        raise click.ClickException(f"{path} already exists; not overwriting it") from None
    click.echo(f"wrote {path}\nnext: fill in the sections, then `sslgloss validate --terms-dir {directory}`")


@main.command("new-plugin")
@click.argument("name")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Folder to create the package in.")
def new_plugin_command(name: str, directory: Path) -> None:
    """Generate a term plugin package (pyproject, hooks, example term, test, README)."""
    from .scaffold import new_plugin

    root = new_plugin(name, directory)
    click.echo(f"wrote {root}\nnext: pip install -e '{root}[test]' && sslgloss plugins && pytest {root}")


@main.command()
@terms_dir_option
@click.option("--json", "as_json", is_flag=True, help="Print the plugins and their problems as JSON.")
def plugins(terms_dirs, as_json: bool) -> None:
    """The loaded term plugins: version, hooks, terms, relation types and demos; exits 1 if any failed to load."""
    glossary = _load(terms_dirs, require_valid=False)
    problems = [p for p in glossary.problems if p.code.startswith("plugin") or p.code == "missing-dir"]
    failed = any(p.level == "error" for p in problems)
    if as_json:
        rows = [{"name": i.name, "distribution": i.distribution, "version": i.version, "folder": i.folder,
                 "hooks": i.hooks, "terms": i.term_count, "relation_types": i.relation_types, "demos": i.demos}
                for i in glossary.plugins.values()]
        click.echo(json.dumps({"ok": not failed, "plugins": rows, "problems": [p.as_dict() for p in problems]},
                              indent=2))
        sys.exit(1 if failed else 0)
    for info in glossary.plugins.values():
        version = f" {info.version}" if info.version else ""
        source = f" ({info.distribution}{version})" if info.distribution else f" (folder {info.folder})" if info.folder else ""
        click.echo(f"{info.name}{source}: {info.term_count} terms")
        if info.hooks:
            click.echo(f"  hooks: {', '.join(dict.fromkeys(info.hooks))}")
        if info.relation_types:
            click.echo(f"  relation types: {', '.join(info.relation_types)}")
        if info.demos:
            click.echo(f"  demos: {', '.join(info.demos)}")
    for problem in problems:
        click.echo(str(problem))
    if failed:
        click.echo(f"{sum(p.level == 'error' for p in problems)} plugin problem(s); the other plugins loaded")
        sys.exit(1)


@main.command()
@terms_dir_option
@click.option("--tag", "tags", multiple=True, help="Only terms with this tag (repeatable: any of them).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of {id, title, plugin, tags}.")
def terms(terms_dirs, tags: tuple[str, ...], as_json: bool) -> None:
    """Every term id with its title and plugin (the ids to use in relations and [[links]])."""
    glossary = _load(terms_dirs, require_valid=False)
    chosen = [t for t in glossary.terms.values() if not tags or set(tags) & set(t.tags)]
    if tags and not chosen:
        known = sorted({tag for t in glossary.terms.values() for tag in t.tags})
        close = difflib.get_close_matches(tags[0], known, n=1)
        raise click.ClickException(f"no term has the tag {', '.join(f'`{t}`' for t in tags)}"
                                   + (f" - did you mean `{close[0]}`?" if close else ""))
    if as_json:
        click.echo(json.dumps([{"id": t.id, "title": t.title, "plugin": t.plugin, "tags": t.tags} for t in chosen],
                              indent=2, ensure_ascii=False))
        return
    width = max((len(t.id) for t in chosen), default=0)
    for t in chosen:
        click.echo(f"{t.id:<{width}}  {t.title}  [{t.plugin}]")


if __name__ == "__main__":  # pragma: no cover
    main()
