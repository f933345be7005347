"""The plugin's own check: it loads, validates, links into the core glossary, and its demo answers.

Run it with the plugin installed in the same environment as sslgloss:
``pip install -e examples/sslgloss-speech && pytest examples/sslgloss-speech``.
"""

import re

from sslgloss import learning_path, load_glossary
from sslgloss.schema import SECTION_TITLES

from sslgloss_speech import wer

PLUGIN = "speech"
TERMS = {"speech-recognition", "librispeech"}

g = load_glossary()


def words(markdown: str) -> int:
    prose = re.sub(r"```.*?```", " ", markdown, flags=re.S)
    return len(re.findall(r"[A-Za-z0-9][\w'’-]*", prose))


def test_glossary_with_the_plugin_has_no_errors():
    assert [str(p) for p in g.errors] == []


def test_no_warnings_point_at_the_plugin_files():
    mine = {g.terms[t].path for t in TERMS if t in g.terms}
    assert [str(p) for p in g.warnings if p.file in mine] == []


def test_the_plugin_is_loaded_and_owns_its_terms():
    assert PLUGIN in g.plugins
    assert {t.id for t in g.terms.values() if t.plugin == PLUGIN} == TERMS
    assert g.plugins[PLUGIN].term_count == len(TERMS)


def test_the_relation_type_is_registered_and_used():
    assert "evaluated_on" in g.relation_types
    assert g.relation_types["evaluated_on"].inverse_label == "benchmark for"
    evaluated = {(u, v) for u, v, k in g.graph.edges(keys=True) if k == "evaluated_on"}
    # written in librispeech.md with the inverse spelling `benchmark_for`, pointing at core terms
    assert {("wav2vec-2", "librispeech"), ("hubert", "librispeech"),
            ("contrastive-predictive-coding", "librispeech")} <= evaluated


def test_every_term_has_a_learning_path_from_machine_learning():
    assert learning_path(g, "librispeech")[0] == "machine-learning"
    for term_id in TERMS:
        path = learning_path(g, term_id)
        assert path[0] == "machine-learning" and path[-1] == term_id


def test_every_term_links_three_terms_cites_two_sources_and_has_full_sections():
    undirected = g.graph.to_undirected(as_view=True)
    for term_id in TERMS:
        term = g.terms[term_id]
        assert len(set(undirected[term_id])) >= 3, term_id
        assert len(term.references) >= 2, term_id
        for title in SECTION_TITLES:
            minimum = 60 if title == "Definition" else 40
            assert words(term.sections.get(title, "")) >= minimum, f"{term_id}: {title}"


def test_the_demo_is_registered_and_the_speech_recognition_page_embeds_it():
    demo = next(d for d in g.demos if d.id == "word-error-rate")
    assert demo.plugin == PLUGIN and demo.script.is_file()
    spec = g.terms["speech-recognition"].demos[0]
    assert (spec.id, spec.params) == ("word-error-rate", {"reference": "turn the kitchen lights off"})


def test_the_static_result_computes_the_example_sections_figure():
    """The page's Example works out 2 substitutions and 1 insertion over 5 words: 60%."""
    html = wer.static_result(g.terms["speech-recognition"].demos[0])
    assert "60.0%" in html and "<ins" in html and "<del" in html
