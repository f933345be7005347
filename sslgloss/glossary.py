"""Loading the glossary: parse every plugin's term files, build and validate the graph.

``load_glossary`` never raises for bad content; it returns a :class:`Glossary`
whose ``problems`` list every error and warning with file and line. Callers
decide: the CLI exits 1 on errors, the MkDocs plugin fails the build.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from .errors import GlossaryError, Problem, UnknownTermError
from .plugins import Contributions, DemoPage, PluginInfo, collect
from .relation_checks import Declaration, check_relations
from .relations import RelationRegistry
from .schema import Extension, Term, parse_term_file
from .term_checks import check_demos, check_wikilinks

MAX_CYCLE_SHOWN = 12


@dataclass
class Glossary:
    """Terms, the typed concept graph over them, and what validation found."""

    terms: dict[str, Term]
    graph: nx.MultiDiGraph
    relation_types: RelationRegistry
    plugins: dict[str, PluginInfo] = field(default_factory=dict)
    demos: list[DemoPage] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    fingerprint: str = ""
    cache: dict = field(default_factory=dict, repr=False, compare=False)  # derived views, e.g. the requires graph

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "warning"]

    def term(self, term_id: str) -> Term:
        """The term with this id, or UnknownTermError with close matches."""
        try:
            return self.terms[term_id]
        except KeyError:
            raise UnknownTermError(term_id, difflib.get_close_matches(term_id, list(self.terms), n=3)) from None

    def raise_for_errors(self, strict: bool = False) -> None:
        """Raise GlossaryError listing every problem if there are errors (or warnings, when strict)."""
        if self.errors or (strict and self.warnings):
            raise GlossaryError(self.problems)

    def summary(self) -> dict:
        return {
            "plugins": len(self.plugins),
            "terms": len(self.terms),
            "relations": self.graph.number_of_edges(),
            "errors": len(self.errors),
            "warnings": len(self.warnings),
        }


def _display_path(path: Path, cwd: Path | None = None) -> str:
    """The path as a reader would type it: relative to the working folder when inside it."""
    cwd = cwd or Path.cwd()
    try:
        return str(path.relative_to(cwd))
    except ValueError:
        pass
    try:
        return os.path.relpath(path, cwd)
    except ValueError:  # another drive on Windows
        return str(path)


def name_key(name: str) -> str:
    """How names are compared: case-insensitive, hyphens as spaces, singular.

    >>> name_key("Pseudo-Labels"), name_key("BM25"), name_key("classes")
    ('pseudo label', 'bm25', 'class')
    """
    key = re.sub(r"[\s\-_]+", " ", name.casefold()).strip()
    if key.endswith("ies") and len(key) > 4:
        return key[:-3] + "y"
    if key.endswith(("ses", "xes", "ches", "shes")):
        return key[:-2]
    if key.endswith("s") and not key.endswith("ss") and len(key) > 3:
        return key[:-1]
    return key


def load_glossary(term_dirs: list | tuple = (), entry_points: bool = True) -> Glossary:
    """Load every installed term plugin plus ``term_dirs`` folders, and validate.

    >>> g = load_glossary()
    >>> "self-supervised-learning" in g.terms and not g.errors
    True
    """
    contributions = collect(list(term_dirs), entry_points=entry_points)
    return build_glossary(contributions)


def build_glossary(contrib: Contributions) -> Glossary:
    problems = list(contrib.problems)
    registry = RelationRegistry()
    for plugin, rtype in contrib.relation_types:
        try:
            registry.add(rtype, source=f"plugin `{plugin}`")
        except ValueError as exc:
            problems.append(Problem("error", "relation-type", str(exc)))

    digest = hashlib.sha256()
    terms: dict[str, Term] = {}
    extensions: list[Extension] = []
    cwd = Path.cwd()
    for plugin, path in contrib.term_sources:
        rel = _display_path(path.absolute(), cwd)
        try:  # plugin + file name, not the path: the fingerprint must not depend on the working folder
            digest.update(f"{plugin}/{path.name}".encode() + b"\0" + path.read_bytes() + b"\0")
        except OSError:
            pass
        term, found = parse_term_file(path, rel)
        problems.extend(found)
        if term is None:
            continue
        term.plugin = plugin
        if isinstance(term, Extension):
            extensions.append(term)
            continue
        if term.id in terms:
            other = terms[term.id]
            problems.append(Problem("error", "duplicate-id",
                                    f"term id `{term.id}` is defined twice: by plugin `{other.plugin}` in {other.path} "
                                    f"and by plugin `{plugin}` in {rel}", rel, term.line_of("id"),
                                    "ids are unique across all plugins; rename one"))
            continue
        terms[term.id] = term
    for info in contrib.plugins.values():
        info.term_count = sum(1 for t in terms.values() if t.plugin == info.name)

    terms = dict(sorted(terms.items()))
    graph = nx.MultiDiGraph()
    for term in terms.values():
        graph.add_node(term.id, title=term.title, plugin=term.plugin)
    problems.extend(_check_names(terms))
    problems.extend(_apply_extensions(terms, extensions))
    edge_problems, declared = _add_edges(graph, terms, registry, extensions)
    problems.extend(edge_problems)
    problems.extend(check_relations(declared))
    problems.extend(_check_cycles(graph, terms, registry))
    problems.extend(check_wikilinks(terms))
    problems.extend(check_demos(terms, contrib.demos))
    for node in graph.nodes:
        if graph.degree(node) == 0:
            t = terms[node]
            problems.append(Problem("warning", "orphan", f"term `{node}` has no relations to or from other terms",
                                    t.path, t.line_of("relations") if ("relations",) in t.lines else t.line_of("id"),
                                    "add `relations:` so readers can reach it"))
    problems.sort(key=lambda p: (p.level != "error", p.file or "", p.line or 0))
    return Glossary(terms=terms, graph=graph, relation_types=registry, plugins=contrib.plugins,
                    demos=contrib.demos, problems=problems, fingerprint=digest.hexdigest()[:16])


def _check_names(terms: dict[str, Term]) -> list[Problem]:
    """Titles and aliases must point at one term only, or autolinks would be ambiguous.

    Ids and titles are claimed first, so a collision is reported at the alias
    that causes it, not at the term it collides with.
    """
    problems = []
    owner: dict[str, tuple[str, str]] = {}
    claims = []
    for term in terms.values():
        claims.append((0, term, term.id.replace("-", " "), "id", ("id",)))
        claims.append((1, term, term.title, "title", ("title",)))
        claims += [(2, term, alias, "alias", ("aliases", i)) for i, alias in enumerate(term.aliases)]
    claims.sort(key=lambda c: c[0])
    for _rank, term, name, kind, loc in claims:
        key = name_key(name)
        if key not in owner:
            owner[key] = (term.id, kind)
            continue
        other_id, other_kind = owner[key]
        if other_id == term.id or (kind == "id" and other_kind == "id"):
            continue  # a term may repeat itself; duplicate ids are reported elsewhere
        problems.append(Problem("error", "name-collision",
                                f"{kind} `{name}` of `{term.id}` collides with the {other_kind} of `{other_id}`",
                                term.path, term.line_of(*loc),
                                "each title and alias must name one term; remove or rename it"))
    return problems


def _apply_extensions(terms: dict[str, Term], extensions: list[Extension]) -> list[Problem]:
    problems = []
    for ext in extensions:
        if ext.extends not in terms:
            close = difflib.get_close_matches(ext.extends, list(terms), n=1)
            problems.append(Problem("error", "unknown-extends", f"`extends: {ext.extends}` names no loaded term",
                                    ext.path, ext.line_of("extends"),
                                    f"did you mean `{close[0]}`?" if close else "is the plugin that owns it installed?"))
            continue
        target = terms[ext.extends]
        target.tags = list(dict.fromkeys([*target.tags, *ext.tags]))
    return problems


def _add_edges(graph: nx.MultiDiGraph, terms: dict[str, Term], registry: RelationRegistry,
               extensions: list[Extension] = ()) -> tuple[list[Problem], list[Declaration]]:
    """Add every declared edge to ``graph``: the problems of the ones that cannot be added, and each
    declaration of the ones that can, in file order (an edge stated on both sides is added once and
    declared twice, which :func:`~sslgloss.relation_checks.check_relations` reports)."""
    problems = []
    declared: list[Declaration] = []
    ids = list(terms)
    # (subject id, the file declaring the relations): a term's own, then extension files
    declarations = [(t.id, t) for t in terms.values()]
    declarations += [(e.extends, e) for e in extensions if e.extends in terms]
    for subject, term in declarations:
        for key, targets in term.relations.items():
            resolved = registry.resolve(key)
            if resolved is None:
                close = difflib.get_close_matches(key, registry.keys(), n=1)
                problems.append(Problem("error", "unknown-relation-type", f"unknown relation type `{key}`", term.path,
                                        term.line_of("relations", key),
                                        f"did you mean `{close[0]}`?" if close else f"valid types: {', '.join(registry.keys())}"))
                continue
            rtype, reverse = resolved
            for i, target in enumerate(targets):
                line = term.line_of("relations", key, i)
                if target == subject:
                    problems.append(Problem("error", "self-loop", f"`{subject}` relates to itself with `{key}`",
                                            term.path, line))
                    continue
                if target not in terms:
                    close = difflib.get_close_matches(target, ids, n=1)
                    problems.append(Problem("error", "unknown-target", f"unknown target `{target}` in `{key}`",
                                            term.path, line, f"did you mean `{close[0]}`?" if close else "no term has a similar id"))
                    continue
                source, dest = (target, subject) if reverse else (subject, target)
                declared.append(Declaration(subject, key, target, rtype.name,
                                            tuple(sorted((source, dest))) if rtype.symmetric else (source, dest),
                                            term.path, line))
                if graph.has_edge(source, dest, key=rtype.name) or (
                        rtype.symmetric and graph.has_edge(dest, source, key=rtype.name)):
                    continue  # stated on both sides: harmless
                graph.add_edge(source, dest, key=rtype.name, type=rtype.name, declared_in=subject, declared_file=term.path, line=line)
    return problems, declared


def _check_cycles(graph: nx.MultiDiGraph, terms: dict[str, Term], registry: RelationRegistry) -> list[Problem]:
    problems = []
    for rtype in registry:
        if not rtype.acyclic:
            continue
        sub = nx.DiGraph()
        sub.add_edges_from((u, v, d) for u, v, k, d in graph.edges(keys=True, data=True) if k == rtype.name)
        for component in nx.strongly_connected_components(sub):
            if len(component) < 2:
                continue
            cycle = nx.find_cycle(sub.subgraph(component))
            chain = [u for u, _v in cycle] + [cycle[0][0]]
            if len(chain) > MAX_CYCLE_SHOWN:
                shown = " -> ".join(chain[:8]) + f" -> ... ({len(chain) - 11} more) -> " + " -> ".join(chain[-3:])
            else:
                shown = " -> ".join(chain)
            u, v = cycle[0]
            edge = sub.edges[u, v]
            path = edge.get("declared_file") or terms[edge.get("declared_in", u)].path
            problems.append(Problem("error", "cycle", f"cycle in `{rtype.name}` ({len(chain) - 1} terms): {shown}",
                                    path, edge.get("line"),
                                    f"`{rtype.name}` must not loop back; remove one edge of the cycle"))
    return problems
