"""Questions the site and the CLI ask of the concept graph.

Every query is a function of a :class:`~sslgloss.glossary.Glossary` (its
networkx graph plus the relation registry). A site asks the same questions for
every term, so what they share (the prerequisites of each term, the edges grouped
by term) is worked out once and memoised in ``glossary.cache``: a glossary's
graph does not change after loading, and a reload makes a new glossary.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import groupby, pairwise

import networkx as nx

from .errors import SslglossError
from .glossary import Glossary


@dataclass(frozen=True)
class Step:
    """One hop of an explanation path: ``source`` --label--> ``target``."""

    source: str
    label: str
    target: str
    relation: str


def _check(glossary: Glossary, *ids: str) -> None:
    for term_id in ids:
        glossary.term(term_id)  # raises UnknownTermError with suggestions


def _edges_by_term(glossary: Glossary) -> tuple[dict, dict]:
    """(outgoing, incoming): term id -> relation type name -> the terms at the other end."""
    cached = glossary.cache.get("edges_by_term")
    if cached is None:
        out: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        inc: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for u, v, k in glossary.graph.edges(keys=True):
            out[u][k].add(v)
            inc[v][k].add(u)
        cached = glossary.cache["edges_by_term"] = (dict(out), dict(inc))
    return cached


def neighbours(glossary: Glossary, term_id: str) -> list[tuple[str, list[str]]]:
    """Related terms grouped by label; incoming edges use the inverse label.

    If A ``is_a`` B, A's groups include ("is a", [B]) and B's include ("kinds", [A]).
    """
    _check(glossary, term_id)
    out_by_term, in_by_term = _edges_by_term(glossary)
    out, inc = out_by_term.get(term_id, {}), in_by_term.get(term_id, {})
    groups: dict[str, list[str]] = {}
    for rtype in glossary.relation_types:
        outgoing = sorted(out.get(rtype.name, ()))
        incoming = sorted(inc.get(rtype.name, ()))
        if rtype.symmetric:
            both = sorted(set(outgoing) | set(incoming))
            if both:
                groups[rtype.label] = both
            continue
        if outgoing:
            groups.setdefault(rtype.label, []).extend(outgoing)
        if incoming:
            groups.setdefault(rtype.inverse_label or rtype.label, []).extend(incoming)
    return list(groups.items())


def related_groups(glossary: Glossary, term_id: str) -> list[tuple[str, list[str]]]:
    """:func:`neighbours` with each term listed once, for a page's related-terms block.

    Two terms may share more than one edge (``requires`` beside ``uses``, or ``is_a`` beside
    ``requires``); a term then appears only in its first group, in the registry's order
    (kinds and parts before uses and prerequisites, comparisons and loose links last).
    The prerequisites still show in full on the page's learning path.
    """
    seen: set[str] = set()
    groups = []
    for label, ids in neighbours(glossary, term_id):
        fresh = [i for i in ids if i not in seen]
        seen.update(fresh)
        if fresh:
            groups.append((label, fresh))
    return groups


def backlinks(glossary: Glossary, term_id: str) -> list[tuple[str, str]]:
    """Terms with an edge into ``term_id``, as (term id, the label seen from here)."""
    _check(glossary, term_id)
    out = []
    for u, _v, k in sorted(glossary.graph.in_edges(term_id, keys=True)):
        rtype = glossary.relation_types[k]
        out.append((u, rtype.label if rtype.symmetric else rtype.inverse_label or rtype.label))
    return out


def _step(glossary: Glossary, u: str, v: str) -> Step:
    g = glossary.graph
    for rtype in glossary.relation_types:
        if g.has_edge(u, v, key=rtype.name):
            return Step(u, rtype.label, v, rtype.name)
        if g.has_edge(v, u, key=rtype.name):
            label = rtype.label if rtype.symmetric else rtype.inverse_label or rtype.label
            return Step(u, label, v, rtype.name)
    raise AssertionError(f"no edge between {u} and {v}")  # pragma: no cover - path came from the graph


def shortest_path(glossary: Glossary, source: str, target: str) -> list[Step]:
    """The shortest chain of relations linking two terms, in either direction."""
    _check(glossary, source, target)
    if source == target:
        return []
    try:
        nodes = nx.shortest_path(glossary.graph.to_undirected(as_view=True), source, target)
    except nx.NetworkXNoPath:
        raise SslglossError(f"no chain of relations links `{source}` and `{target}`") from None
    return [_step(glossary, u, v) for u, v in pairwise(nodes)]


def requires_graph(glossary: Glossary) -> nx.DiGraph:
    """Prerequisite edges only: A -> B means A requires B (built once per glossary)."""
    cached = glossary.cache.get("requires")
    if cached is not None:
        return cached
    sub = nx.DiGraph()
    sub.add_nodes_from(glossary.graph.nodes)
    sub.add_edges_from((u, v) for u, v, k in glossary.graph.edges(keys=True) if k == "requires")
    glossary.cache["requires"] = sub
    return sub


class _Prerequisites:
    """The ``requires`` relation of one glossary, walked once: each term's prerequisites and depth.

    A term's depth is its longest chain of prerequisites (0: it requires nothing), so a
    term is always deeper than everything it requires. Terms are filled in on demand,
    so a cycle (a validation error) only breaks the questions about terms above it.
    """

    def __init__(self, glossary: Glossary):
        req = requires_graph(glossary)
        self.terms = glossary.terms
        self.requires = {n: tuple(req.successors(n)) for n in req.nodes}
        self.below: dict[str, frozenset[str]] = {}  # every term a term requires, directly or not
        self.depth: dict[str, int] = {}
        self.paths: dict[str, tuple[str, ...]] = {}

    def visit(self, term_id: str) -> None:
        """Fill ``below`` and ``depth`` for ``term_id`` and all it requires (iterative: chains can be long)."""
        if term_id in self.depth:
            return
        stack = [(term_id, iter(self.requires[term_id]))]
        active = {term_id}
        while stack:
            node, pending = stack[-1]
            for p in pending:
                if p in self.depth:
                    continue
                if p in active:
                    raise SslglossError(f"the prerequisites of `{term_id}` form a cycle through `{p}`; "
                                        "run `sslgloss validate` for the whole cycle")
                active.add(p)
                stack.append((p, iter(self.requires[p])))
                break
            else:
                stack.pop()
                active.discard(node)
                reqs = self.requires[node]
                self.depth[node] = max((self.depth[p] + 1 for p in reqs), default=0)
                found = set(reqs)
                for p in reqs:
                    found |= self.below[p]
                self.below[node] = frozenset(found)

    def reading_key(self, term_id: str) -> tuple[int, str, str]:
        """Most basic first (smallest depth), then by title: sorting by it never puts a term before what it requires."""
        self.visit(term_id)
        return (self.depth[term_id], self.terms[term_id].title.casefold(), term_id)


def _prerequisites(glossary: Glossary) -> _Prerequisites:
    cached = glossary.cache.get("prerequisites")
    if cached is None:
        cached = glossary.cache["prerequisites"] = _Prerequisites(glossary)
    return cached


def learning_path(glossary: Glossary, term_id: str) -> list[str]:
    """Every prerequisite of ``term_id`` in an order you can read them, ending with the term.

    Ties are broken so that the most basic terms (shortest chain of prerequisites of
    their own) come first, then alphabetically by title. Memoised per glossary.
    """
    _check(glossary, term_id)
    index = _prerequisites(glossary)
    path = index.paths.get(term_id)
    if path is None:
        index.visit(term_id)
        path = index.paths[term_id] = tuple(sorted(index.below[term_id] | {term_id}, key=index.reading_key))
    return list(path)


def stages(glossary: Glossary) -> list[list[str]]:
    """Every term by depth: stage 0 requires nothing, stage k requires something from stage k-1.

    Each stage is sorted by title.
    """
    index = _prerequisites(glossary)
    ordered = sorted(glossary.terms, key=index.reading_key)
    return [list(group) for _depth, group in groupby(ordered, key=lambda t: index.depth[t])]


def _simple_undirected(glossary: Glossary) -> nx.Graph:
    simple = nx.Graph()
    simple.add_nodes_from(glossary.graph.nodes)
    simple.add_edges_from((u, v) for u, v in glossary.graph.edges())
    return simple


def clusters(glossary: Glossary, seed: int = 0) -> list[set[str]]:
    """Communities of closely linked terms (Louvain), largest first."""
    communities = nx.community.louvain_communities(_simple_undirected(glossary), seed=seed)
    return sorted(communities, key=lambda c: (-len(c), min(c)))


def central_terms(glossary: Glossary, k: int = 10) -> list[tuple[str, float]]:
    """The ``k`` most central terms by PageRank over the undirected graph."""
    if glossary.graph.number_of_nodes() == 0:
        return []
    ranks = nx.pagerank(_simple_undirected(glossary))
    return sorted(ranks.items(), key=lambda kv: (-kv[1], kv[0]))[: max(k, 0)]
