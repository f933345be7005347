"""Relations that load but mislead: warnings that keep the concept graph saying one thing per pair.

Three checks, run after the edges are added (all are warnings, so ``validate --strict``
and ``mkdocs build --strict`` fail on them):

- an edge declared in both files (``a: uses: [b]`` and ``b: used_by: [a]``): the site
  already shows the inverse on the other page, and two copies drift apart;
- ``related_to`` beside a more specific type between the same two terms: the specific
  type says it better, and the page would list the term twice;
- ``contrasts_with`` beside a kind, part, prerequisite or use relation: a term cannot be
  set against what it is a kind of, part of, builds on or relies on.

``requires`` beside ``uses`` is fine: one is about learning order, the other about mechanism.
Every message names both declarations as ``file:line`` and says what to change.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .errors import Problem

GENERIC = "related_to"
CONTRAST = "contrasts_with"
# a kind, a part, a prerequisite or a user of a term is not its opposite
NOT_BESIDE_CONTRAST = ("is_a", "part_of", "requires", "uses")


@dataclass(frozen=True)
class Declaration:
    """One edge as a file states it: ``subject`` --``key``--> ``target`` at ``file:line``."""

    subject: str
    key: str  # the spelling in the file, e.g. ``used_by``
    target: str
    rtype: str  # the relation type it resolves to, e.g. ``uses``
    edge: tuple[str, str]  # (source, dest) in the graph; sorted for symmetric types
    file: str
    line: int | None

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file

    @property
    def stated(self) -> str:
        return f"`{self.subject}: {self.key}: [{self.target}]`"


def check_relations(decls: list[Declaration]) -> list[Problem]:
    """Warnings for edges declared twice and for pairs whose relation types contradict each other.

    ``decls``: every edge a term or extension file states between two loaded terms, in file
    order, as ``glossary._add_edges`` collects them while it adds the edges.
    """
    problems = _declared_twice(decls)
    by_pair: dict[frozenset, dict[str, Declaration]] = defaultdict(dict)
    for d in decls:
        by_pair[frozenset(d.edge)].setdefault(d.rtype, d)  # the first declaration of each type
    for types in by_pair.values():
        problems += _generic_beside_specific(types) + _contrast_beside_dependency(types)
    return problems


def _declared_twice(decls: list[Declaration]) -> list[Problem]:
    first: dict[tuple, Declaration] = {}
    problems = []
    for d in decls:
        key = (d.rtype, d.edge)
        if key not in first:
            first[key] = d
            continue
        kept = first[key]
        problems.append(Problem(
            "warning", "edge-declared-twice",
            f"{d.stated} repeats {kept.stated} ({kept.where}): the same `{d.rtype}` edge is declared twice",
            d.file, d.line,
            f"remove it here and keep {kept.where}; the site shows the inverse on the other page"))
    return problems


def _generic_beside_specific(types: dict[str, Declaration]) -> list[Problem]:
    return _clash(types.get(GENERIC), [d for t, d in types.items() if t != GENERIC], "related-beside-specific",
                  "adds nothing to", f"`{GENERIC}` is for pairs no more specific type fits",
                  lambda loose, other: f"remove `{loose.target}` from `{GENERIC}`")


def _contrast_beside_dependency(types: dict[str, Declaration]) -> list[Problem]:
    return _clash(types.get(CONTRAST), [d for t, d in types.items() if t in NOT_BESIDE_CONTRAST],
                  "contrast-beside-dependency", "contradicts", None,
                  lambda loose, other: f"remove `{loose.target}` from `{CONTRAST}`, "
                                       f"or `{other.key}` if the contrast is what you mean")


def _clash(loose: Declaration | None, others: list[Declaration], code: str, verb: str, why: str | None,
           hint) -> list[Problem]:
    """One warning at ``loose`` (the declaration to remove) naming the first of ``others`` it clashes with."""
    if loose is None or not others:
        return []
    other = others[0]
    why = why or f"terms linked by `{other.rtype}` are not opposites"
    return [Problem("warning", code, f"{loose.stated} {verb} {other.stated} ({other.where}): {why}",
                    loose.file, loose.line, hint(loose, other))]
