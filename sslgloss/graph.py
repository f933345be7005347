"""Questions the site and the CLI ask of the concept graph.

Every query is a function of a :class:`~sslgloss.glossary.Glossary` (its
networkx graph plus the relation registry); none keeps state.
"""

from __future__ import annotations

from dataclasses import dataclass

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


def neighbours(glossary: Glossary, term_id: str) -> list[tuple[str, list[str]]]:
    """Related terms grouped by label; incoming edges use the inverse label.

    If A ``is_a`` B, A's groups include ("is a", [B]) and B's include ("kinds", [A]).
    """
    _check(glossary, term_id)
    g = glossary.graph
    groups: dict[str, list[str]] = {}
    for rtype in glossary.relation_types:
        outgoing = sorted({v for _, v, k in g.out_edges(term_id, keys=True) if k == rtype.name})
        incoming = sorted({u for u, _, k in g.in_edges(term_id, keys=True) if k == rtype.name})
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
    return [_step(glossary, u, v) for u, v in zip(nodes, nodes[1:])]


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


def learning_path(glossary: Glossary, term_id: str) -> list[str]:
    """Every prerequisite of ``term_id`` in an order you can read them, ending with the term.

    Ties are broken so that the most basic terms (fewest prerequisites of their own)
    come first, then alphabetically by title.
    """
    _check(glossary, term_id)
    req = requires_graph(glossary)
    needed = nx.descendants(req, term_id) | {term_id}
    order_graph = req.subgraph(needed).reverse(copy=True)  # prerequisite -> dependant
    depth: dict[str, int] = {}  # longest chain of prerequisites below each term
    for node in nx.topological_sort(order_graph):
        depth[node] = max((depth[p] + 1 for p in order_graph.predecessors(node)), default=0)
    titles = {n: glossary.terms[n].title.casefold() for n in needed}
    return list(nx.lexicographical_topological_sort(order_graph, key=lambda n: (depth[n], titles[n])))


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
