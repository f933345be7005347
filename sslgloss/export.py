"""Exports of the concept graph: JSON for the site's front end, SKOS Turtle for other tools."""

from __future__ import annotations

from .glossary import Glossary

SKOS_BASE = "https://sslgloss.org/terms/"


def to_json(glossary: Glossary) -> dict:
    """Nodes, links and relation types, ready for ``json.dumps``."""
    g = glossary.graph
    nodes = [
        {
            "id": t.id,
            "title": t.title,
            "summary": t.summary,
            "tags": t.tags,
            "aliases": t.aliases,
            "plugin": t.plugin,
            "relation_count": g.degree(t.id),
        }
        for t in glossary.terms.values()
    ]
    links = [
        {"source": u, "target": v, "type": k, "label": glossary.relation_types[k].label}
        for u, v, k in sorted(g.edges(keys=True))
    ]
    types = [
        {
            "name": r.name,
            "label": r.label,
            "inverse_label": r.inverse_label,
            "symmetric": r.symmetric,
            "acyclic": r.acyclic,
            "color": r.color,
        }
        for r in glossary.relation_types
    ]
    return {"nodes": nodes, "links": links, "relation_types": types}


def _literal(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"@en'


def to_skos(glossary: Glossary, base: str = SKOS_BASE) -> str:
    """The glossary as a SKOS concept scheme in Turtle.

    ``is_a`` becomes ``skos:broader``; every other type becomes ``skos:related``
    plus a typed predicate in the ``sslg:`` namespace so nothing is lost.
    """
    lines = [
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .",
        "@prefix dct: <http://purl.org/dc/terms/> .",
        f"@prefix sslg: <{base}relation#> .",
        f"@prefix term: <{base}> .",
        "",
        f"<{base}> a skos:ConceptScheme ;",
        f"    dct:title {_literal('sslgloss: self-supervised learning glossary')} .",
        "",
    ]
    g = glossary.graph
    for t in glossary.terms.values():
        props = [f"skos:prefLabel {_literal(t.title)}", f"skos:definition {_literal(t.summary)}",
                 f"skos:inScheme <{base}>"]
        props += [f"skos:altLabel {_literal(a)}" for a in t.aliases]
        for _u, v, k in sorted(g.out_edges(t.id, keys=True)):
            predicate = "skos:broader" if k == "is_a" else "skos:related"
            props.append(f"{predicate} term:{v}")
            if k != "is_a":
                props.append(f"sslg:{k} term:{v}")
        for ref in t.references:
            props.append(f"dct:source <{ref.url}>")
        lines.append(f"term:{t.id} a skos:Concept ;\n    " + " ;\n    ".join(props) + " .\n")
    return "\n".join(lines)
