"""The registry of relation types: the typed edges of the concept graph.

A relation type has a name used in term front matter (``is_a``), a label for
the subject's page ("is a"), an inverse name and label for the object's side
(``has_kind`` / "kinds"), and two properties the validator enforces:
symmetric types have no direction, acyclic types may not form a cycle.
Plugins add types through the ``register_relation_types`` hook.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RelationType:
    """One kind of edge.

    >>> r = RelationType("uses", "uses", "used_by", "used by")
    >>> r.label, r.inverse_label
    ('uses', 'used by')
    """

    name: str
    label: str
    inverse_name: str | None = None
    inverse_label: str | None = None
    symmetric: bool = False
    acyclic: bool = False
    color: str = "#888888"
    description: str = ""

    def __post_init__(self) -> None:
        if self.symmetric and (self.inverse_name or self.acyclic):
            raise ValueError(f"relation type `{self.name}`: a symmetric type has no inverse and cannot be acyclic")
        if not self.symmetric and not self.inverse_label:
            object.__setattr__(self, "inverse_label", f"{self.label} (inverse)")


CORE_RELATION_TYPES: tuple[RelationType, ...] = (
    RelationType("is_a", "is a", "has_kind", "kinds", acyclic=True, color="#1f77b4",
                 description="The subject is a kind of the object (specific -> general)."),
    RelationType("part_of", "part of", "has_part", "parts", acyclic=True, color="#9467bd",
                 description="The subject is a component of the object."),
    RelationType("uses", "uses", "used_by", "used by", color="#2ca02c",
                 description="The subject relies on the object as a technique, tool or ingredient."),
    RelationType("requires", "requires", "required_by", "required by", acyclic=True, color="#d62728",
                 description="The object is a prerequisite for understanding the subject; drives learning paths."),
    RelationType("measures", "measures", "measured_by", "measured by", color="#8c564b",
                 description="The subject is a metric or measure of the object."),
    RelationType("contrasts_with", "contrasts with", symmetric=True, color="#ff7f0e",
                 description="The two terms are commonly compared or opposed."),
    RelationType("related_to", "related to", symmetric=True, color="#7f7f7f",
                 description="Worth reading together; no more specific type fits."),
)


class RelationRegistry:
    """Relation types by name, with lookup of inverse spellings used in front matter."""

    def __init__(self, types: tuple[RelationType, ...] | list[RelationType] = CORE_RELATION_TYPES):
        self._types: dict[str, RelationType] = {}
        self._inverse: dict[str, RelationType] = {}
        self.sources: dict[str, str] = {}
        for rtype in types:
            self.add(rtype, source="core")

    def add(self, rtype: RelationType, source: str = "plugin") -> None:
        for key in filter(None, (rtype.name, rtype.inverse_name)):
            if key in self._types or key in self._inverse:
                owner = self.sources.get(key, "?")
                raise ValueError(f"relation type `{key}` from {source} is already defined by {owner}")
        self._types[rtype.name] = rtype
        self.sources[rtype.name] = source
        if rtype.inverse_name:
            self._inverse[rtype.inverse_name] = rtype
            self.sources[rtype.inverse_name] = source

    def resolve(self, key: str) -> tuple[RelationType, bool] | None:
        """Map a front-matter key to ``(type, reversed)``; None if unknown.

        >>> RelationRegistry().resolve("used_by")[0].name, RelationRegistry().resolve("used_by")[1]
        ('uses', True)
        """
        if key in self._types:
            return self._types[key], False
        if key in self._inverse:
            return self._inverse[key], True
        return None

    def keys(self) -> list[str]:
        """Every spelling accepted in front matter."""
        return sorted([*self._types, *self._inverse])

    def __getitem__(self, name: str) -> RelationType:
        return self._types[name]

    def __contains__(self, name: object) -> bool:
        return name in self._types

    def __iter__(self):
        return iter(self._types.values())

    def __len__(self) -> int:
        return len(self._types)
