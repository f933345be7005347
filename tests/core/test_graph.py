"""Graph queries on a small known graph (tests/fixtures/graph_small)."""

from __future__ import annotations

import json

import pytest

from sslgloss import graph as q
from sslgloss.errors import SslglossError, UnknownTermError
from sslgloss.export import to_json, to_skos
from sslgloss.glossary import load_glossary
from tests.conftest import FIXTURES


@pytest.fixture(scope="module")
def small():
    glossary = load_glossary([FIXTURES / "graph_small"], entry_points=False)
    assert not glossary.errors, glossary.errors
    return glossary


def test_neighbours_use_inverse_labels_on_the_other_side(small):
    assert dict(q.neighbours(small, "delta")) == {"is a": ["alpha"], "requires": ["alpha"], "contrasts with": ["epsilon"]}
    alpha = dict(q.neighbours(small, "alpha"))
    assert alpha["kinds"] == ["delta"]
    assert alpha["required by"] == ["beta", "delta"]
    assert dict(q.neighbours(small, "epsilon"))["used by"] == ["beta", "gamma"]


def test_learning_path_puts_prerequisites_first(small):
    assert q.learning_path(small, "gamma") == ["ml", "alpha", "beta", "gamma"]
    assert q.learning_path(small, "delta") == ["ml", "alpha", "delta"]
    assert q.learning_path(small, "ml") == ["ml"]


def test_stages_group_terms_by_how_many_prerequisites_lie_below_them(small):
    assert q.stages(small) == [["ml"], ["alpha", "epsilon"], ["beta", "delta"], ["gamma"]]


def test_a_learning_path_is_the_same_however_often_and_in_whatever_order_it_is_asked(small):
    first = q.learning_path(small, "gamma")
    first.append("changed by the caller")
    assert q.learning_path(small, "beta") == ["ml", "alpha", "beta"]
    assert q.learning_path(small, "gamma") == ["ml", "alpha", "beta", "gamma"]


def test_a_prerequisite_cycle_is_a_clear_error_for_the_terms_above_it_only(write_terms):
    from tests.conftest import term_text

    folder = write_terms({"a": term_text("a", relations="{requires: [b]}"), "b": term_text("b", relations="{requires: [a]}"),
                          "c": term_text("c")})
    glossary = load_glossary([folder], entry_points=False)
    with pytest.raises(SslglossError, match="form a cycle"):
        q.learning_path(glossary, "a")
    assert q.learning_path(glossary, "c") == ["c"]


def test_shortest_path_labels_every_step(small):
    steps = q.shortest_path(small, "delta", "gamma")
    assert [(s.source, s.label, s.target) for s in steps] == [("delta", "contrasts with", "epsilon"),
                                                              ("epsilon", "used by", "gamma")]


def test_unknown_term_suggests_a_close_id(small):
    with pytest.raises(UnknownTermError, match="did you mean `gamma`"):
        q.learning_path(small, "gama")


def test_no_path_is_a_clear_error(write_terms):
    from tests.conftest import term_text

    folder = write_terms({"a": term_text("a", relations="{uses: [b]}"), "b": term_text("b"),
                          "c": term_text("c", relations="{uses: [d]}"), "d": term_text("d")})
    glossary = load_glossary([folder], entry_points=False)
    with pytest.raises(SslglossError, match="no chain"):
        q.shortest_path(glossary, "a", "c")


def test_central_and_clusters(small):
    top = q.central_terms(small, 2)
    assert len(top) == 2 and top[0][0] in {"alpha", "epsilon", "ml", "beta"}
    groups = q.clusters(small)
    assert set().union(*groups) == set(small.terms)


def test_json_export_has_nodes_links_and_types(small):
    data = json.loads(json.dumps(to_json(small)))
    assert {n["id"] for n in data["nodes"]} == set(small.terms)
    assert {"source": "delta", "target": "alpha", "type": "is_a", "label": "is a"} in data["links"]
    assert any(t["name"] == "requires" and t["acyclic"] for t in data["relation_types"])


def test_skos_export_maps_is_a_to_broader(small):
    ttl = to_skos(small)
    assert "term:delta a skos:Concept" in ttl
    assert "skos:broader term:alpha" in ttl
    assert 'skos:altLabel "eps"@en' in ttl
