"""The relation checks: an edge declared twice, `related_to` beside a specific type, a contrast that contradicts."""

from __future__ import annotations

import pytest

from sslgloss import graph
from sslgloss.errors import GlossaryError
from sslgloss.glossary import load_glossary
from tests.conftest import term_text


def problems_of(write_terms, relations: dict[str, str], code: str):
    files = {t: term_text(t, relations=rels) for t, rels in relations.items()}
    glossary = load_glossary([write_terms(files)], entry_points=False)
    assert not glossary.errors, [str(p) for p in glossary.errors]
    return [p for p in glossary.problems if p.code == code]


def test_an_edge_declared_in_both_files_names_both_and_says_which_to_keep(write_terms):
    found = problems_of(write_terms, {"alpha": "{uses: [beta]}", "beta": "{used_by: [alpha]}"}, "edge-declared-twice")
    assert len(found) == 1
    p = found[0]
    assert p.level == "warning" and p.file.endswith("beta.md") and p.line == 7
    assert str(p).endswith(
        "beta.md:7: warning: `beta: used_by: [alpha]` repeats `alpha: uses: [beta]` (" + p.file[:-7] + "alpha.md:7): "
        "the same `uses` edge is declared twice (remove it here and keep " + p.file[:-7] + "alpha.md:7; "
        "the site shows the inverse on the other page)")


def test_a_symmetric_edge_declared_from_both_sides_is_declared_twice(write_terms):
    found = problems_of(write_terms, {"alpha": "{contrasts_with: [beta]}", "beta": "{contrasts_with: [alpha]}"}, "edge-declared-twice")
    assert [p.file.rsplit("/", 1)[-1] for p in found] == ["beta.md"]
    assert "`beta: contrasts_with: [alpha]` repeats `alpha: contrasts_with: [beta]`" in found[0].message


def test_related_to_beside_a_more_specific_type(write_terms):
    found = problems_of(write_terms, {"alpha": "{requires: [beta]}", "beta": "{related_to: [alpha]}"}, "related-beside-specific")
    assert len(found) == 1
    p = found[0]
    assert p.file.endswith("beta.md") and p.line == 7
    assert "`beta: related_to: [alpha]` adds nothing to `alpha: requires: [beta]` (" in p.message and "alpha.md:7)" in p.message
    assert p.hint == "remove `alpha` from `related_to`"


@pytest.mark.parametrize("key", ["is_a", "part_of", "requires", "uses", "has_kind", "used_by"])
def test_contrasts_with_beside_a_kind_part_prerequisite_or_use(write_terms, key):
    found = problems_of(write_terms, {"alpha": f"{{{key}: [beta]}}", "beta": "{contrasts_with: [alpha]}"}, "contrast-beside-dependency")
    assert len(found) == 1
    p = found[0]
    assert p.file.endswith("beta.md") and p.line == 7
    assert f"`beta: contrasts_with: [alpha]` contradicts `alpha: {key}: [beta]` (" in p.message
    assert p.hint == f"remove `alpha` from `contrasts_with`, or `{key}` if the contrast is what you mean"


@pytest.mark.parametrize("pair", [
    {"alpha": "{requires: [beta], uses: [beta]}", "beta": "{}"},          # learning order beside mechanism
    {"alpha": "{measures: [beta]}", "beta": "{contrasts_with: [alpha]}"},  # a measure may be set against what it measures
    {"alpha": "{contrasts_with: [beta]}", "beta": "{}"},
    {"alpha": "{related_to: [beta]}", "beta": "{related_to: [gamma]}", "gamma": "{}"},
])
def test_pairs_that_say_one_thing_pass(write_terms, pair):
    files = {t: term_text(t, relations=rels) for t, rels in pair.items()}
    glossary = load_glossary([write_terms(files)], entry_points=False)
    assert [str(p) for p in glossary.problems if p.code != "orphan"] == []


def test_they_are_warnings_that_fail_a_strict_build(write_terms):
    folder = write_terms({"alpha": term_text("alpha", relations="{uses: [beta]}"),
                          "beta": term_text("beta", relations="{used_by: [alpha]}")})
    glossary = load_glossary([folder], entry_points=False)
    glossary.raise_for_errors()  # a normal build goes on
    with pytest.raises(GlossaryError, match="repeats"):
        glossary.raise_for_errors(strict=True)


def test_related_groups_show_each_term_once(write_terms):
    files = {"alpha": term_text("alpha", relations="{is_a: [beta], requires: [beta], uses: [gamma], related_to: [delta]}"),
             "beta": term_text("beta"), "gamma": term_text("gamma", relations="{required_by: [alpha]}"),
             "delta": term_text("delta")}
    glossary = load_glossary([write_terms(files)], entry_points=False)
    assert dict(graph.neighbours(glossary, "alpha")) == {"is a": ["beta"], "uses": ["gamma"], "requires": ["beta", "gamma"],
                                                    "related to": ["delta"]}
    assert graph.related_groups(glossary, "alpha") == [("is a", ["beta"]), ("uses", ["gamma"]), ("related to", ["delta"])]
    assert graph.related_groups(glossary, "beta") == [("kinds", ["alpha"])]


def test_the_core_glossary_declares_each_edge_once_and_says_one_thing_per_pair():
    codes = {"edge-declared-twice", "related-beside-specific", "contrast-beside-dependency"}
    glossary = load_glossary()
    assert [str(p) for p in glossary.problems if p.code in codes] == []
