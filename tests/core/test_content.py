"""The core glossary's content: complete, linked, and learnable from machine learning up."""

from __future__ import annotations

import re

import networkx as nx
import pytest

from sslgloss.glossary import load_glossary
from sslgloss.graph import learning_path
from sslgloss.schema import SECTION_TITLES

ARTICLE_TERMS = [
    "self-supervised-learning", "supervised-learning", "unsupervised-learning", "representation-learning",
    "data-labelling", "pseudo-labelling", "pretext-task", "masked-language-modeling", "masked-image-modeling",
    "next-word-prediction", "computer-vision", "natural-language-processing", "image-recognition",
    "object-detection", "machine-translation", "sentiment-analysis", "emotion-recognition", "semantic-ai",
    "semantic-annotation", "semantic-network", "semantic-search", "knowledge-graph", "hugging-face",
    "transfer-learning", "fine-tuning", "audio-representation-learning",
]


@pytest.fixture(scope="module")
def core():
    return load_glossary(entry_points=True)


@pytest.fixture(scope="module")
def core_terms(core):
    return {t.id: t for t in core.terms.values() if t.plugin == "core"}


def words(markdown: str) -> int:
    prose = re.sub(r"```.*?```", " ", markdown, flags=re.S)
    return len(re.findall(r"[A-Za-z0-9][\w'’-]*", prose))


def test_core_glossary_has_no_errors_or_warnings(core):
    assert [str(p) for p in core.problems] == []


def test_at_least_60_terms_including_every_idea_of_the_article(core_terms):
    assert len(core_terms) >= 60
    assert [t for t in ARTICLE_TERMS if t not in core_terms] == []


def test_every_section_is_long_enough(core_terms):
    short = []
    for term in core_terms.values():
        for title in SECTION_TITLES:
            minimum = 60 if title == "Definition" else 40
            if words(term.sections.get(title, "")) < minimum:
                short.append(f"{term.id}: {title} ({words(term.sections.get(title, ''))} words)")
    assert short == []


def test_every_term_cites_two_references_and_links_three_terms(core, core_terms):
    undirected = core.graph.to_undirected(as_view=True)
    thin = [t.id for t in core_terms.values() if len(t.references) < 2 or len(set(undirected[t.id])) < 3]
    assert thin == []


def test_graph_is_connected_without_orphans(core):
    assert nx.is_weakly_connected(core.graph)
    assert [p for p in core.problems if p.code == "orphan"] == []


def test_every_term_is_reachable_by_a_learning_path_from_machine_learning(core, core_terms):
    unreachable = [t for t in core_terms if learning_path(core, t)[0] != "machine-learning"]
    assert unreachable == []


def test_self_supervised_learning_page_carries_the_article(core_terms):
    page = " ".join(core_terms["self-supervised-learning"].sections.values())
    for needle in ("Afrobeats", "Highlife", "Afro-fusion", "dark matter", "LeCun", "Hugging Face",
                   "semantic search", "semantic annotation", "semantic network", "sentiment analysis"):
        assert needle.lower() in page.lower(), needle


def test_terms_with_a_demo_name_a_registered_demo_and_vice_versa(core, core_terms):
    demos = {d.id: d for d in core.demos}
    for term in core_terms.values():
        for spec in term.demos:
            assert spec.id in demos, f"{term.id} names unknown demo {spec.id}"
    for demo in demos.values():
        for term_id in demo.terms:
            assert demo.id in [s.id for s in core_terms[term_id].demos], f"{term_id} should embed {demo.id}"
