"""Validation of a whole glossary: every error class on deliberately broken files."""

from __future__ import annotations

import pytest

from sslgloss.glossary import load_glossary
from tests.conftest import FIXTURES, term_text

BROKEN = FIXTURES / "broken"


@pytest.fixture(scope="module")
def broken():
    return load_glossary([BROKEN], entry_points=False)


@pytest.mark.parametrize(
    "file, code, line, words",
    [
        ("malformed-yaml.md", "yaml", 4, "malformed YAML"),
        ("tab-indent.md", "tab-indent", 5, "tab"),
        ("wrong-types.md", "schema", 6, "`tags` must be a list (got a mapping)"),
        ("wrong-types.md", "schema", 8, "`demos`"),
        ("unknown-relation.md", "unknown-relation-type", 7, "did you mean `requires`"),
        ("unknown-target.md", "unknown-target", 10, "unknown target `ancor` in `requires` (did you mean `anchor`?)"),
        ("self-loop.md", "self-loop", 7, "relates to itself"),
        ("alias-collision.md", "name-collision", 4, "alias `Anchors` of `alias-collision` collides with the id of `anchor`"),
        ("missing-section.md", "missing-section", 11, "`## Example`"),
        ("non-utf8.md", "encoding", 3, "not valid UTF-8"),
        ("empty.md", "empty-file", 1, "empty"),
        ("unclosed.md", "unclosed-front-matter", 1, "never closed"),
        ("bad-id.md", "schema", 2, "kebab-case"),
        ("alias-bomb.md", "yaml-alias", 8, "YAML anchor `&a0` is not allowed in front matter"),
        ("duplicate-key.md", "duplicate-key", 8, "key `tags` appears twice in the same mapping (first on line 6)"),
        ("stopword-alias.md", "hijacking-name", 4, "alias `the` is a common English word"),
        ("broken-wikilink.md", "unknown-wikilink", 17, "unknown term `anchr` in a [[...]] link (did you mean `[[anchor]]`?)"),
        ("bad-demo.md", "unknown-demo", 9, "unknown demo `maskng`"),
        ("string-not-list.md", "schema", 8, "`relations.is_a` must be a list (got 'anchor')"),
    ],
)
def test_each_error_names_file_line_and_cause(broken, file, code, line, words):
    found = [p for p in broken.problems if p.file and p.file.endswith(file) and p.code == code and words in str(p)]
    assert found, f"no {code} for {file}: {[str(p) for p in broken.problems]}"
    assert found[0].line == line
    assert words in str(found[0])
    assert found[0].level == "error"


def test_a_reference_without_url_or_authors_is_accepted(broken):
    assert not [str(p) for p in broken.problems if p.file.endswith("reference-without-url.md")]
    assert broken.terms["reference-without-url"].references[0].isbn == "9780131873216"


def test_cycle_is_printed(broken):
    cycles = [p for p in broken.errors if p.code == "cycle"]
    assert len(cycles) == 1
    assert "cycle-a -> cycle-b -> cycle-a" in cycles[0].message or "cycle-b -> cycle-a -> cycle-b" in cycles[0].message


def test_orphan_is_a_warning_not_an_error(broken):
    orphan = [p for p in broken.problems if p.code == "orphan" and p.file.endswith("orphan.md")]
    assert orphan and orphan[0].level == "warning"


def test_every_problem_is_reported_at_once(broken):
    files_with_errors = {p.file.rsplit("/", 1)[-1] for p in broken.errors}
    assert len(files_with_errors) >= 12


def test_duplicate_id_across_two_plugins_names_both_files(write_terms):
    a = write_terms({"same": term_text("same", relations="{related_to: [other]}"), "other": term_text("other")}, "plugin-a")
    b = write_terms({"same": term_text("same", "Same Again")}, "plugin-b")
    glossary = load_glossary([a, b], entry_points=False)
    dup = [p for p in glossary.errors if p.code == "duplicate-id"]
    assert len(dup) == 1
    assert "plugin-a/same.md" in dup[0].message and "plugin-b/same.md" in dup[0].file
    assert "by plugin `plugin-a` in" in dup[0].message and "by plugin `plugin-b` in" in dup[0].message


def test_a_folder_plugin_has_a_readable_name_never_a_path(write_terms):
    folder = write_terms({"a": term_text("a", relations="{uses: [b]}"), "b": term_text("b")}, "speech-terms")
    glossary = load_glossary([folder, folder], entry_points=False)
    assert list(glossary.plugins) == ["speech-terms", "speech-terms-2"]
    assert glossary.terms["a"].plugin == "speech-terms"  # what the term page shows as "From plugin"
    assert glossary.plugins["speech-terms"].folder == str(folder)


def test_a_broken_wikilink_is_an_error_with_its_line_and_a_suggestion(write_terms):
    body = term_text("alpha").split("---\n", 2)[2].replace("Some words about Alpha for example.",
                                                            "Compare [[betta]] with [[Beta|the other]].")
    folder = write_terms({"alpha": term_text("alpha", relations="{uses: [beta]}", body=body), "beta": term_text("beta")})
    glossary = load_glossary([folder], entry_points=False)
    assert [str(p).split("/")[-1] for p in glossary.errors] == [
        "alpha.md:17: error: unknown term `betta` in a [[...]] link (did you mean `[[beta]]`?)"]


def test_demo_ids_and_parameters_are_checked_against_the_registered_demos(write_terms):
    from sslgloss.demos.catalog import core_demo_pages
    from sslgloss.term_checks import check_demos

    demos = ("demos:\n  - {id: maskng}\n  - {id: masking, params: {k: 5, topk: 3}}\n"
             "  - {id: semantic-search, params: {input: x}}\n")
    folder = write_terms({"alpha": term_text("alpha", extra=demos)})
    glossary = load_glossary([folder], entry_points=False)
    problems = [str(p).split("/")[-1] for p in check_demos(glossary.terms, core_demo_pages())]
    assert problems == [
        "alpha.md:9: error: unknown demo `maskng` (did you mean `masking`?)",
        "alpha.md:10: error: demo `masking` has no parameter `topk` (it reads: k, tab, sentence, rate, seed, layer, head)",
        "alpha.md:11: error: demo `semantic-search` has no parameter `input` (write `input:` beside `id:`, not under `params:`)",
    ]
    without = [str(p).split("/")[-1] for p in glossary.errors]
    assert "alpha.md:9: error: unknown demo `maskng` (no installed plugin registers a demo)" in without


def test_a_500_term_cycle_is_found_and_shortened(write_terms):
    n = 500
    files = {f"t{i}": term_text(f"t{i}", f"T {i}", relations=f"{{requires: [t{(i + 1) % n}]}}") for i in range(n)}
    glossary = load_glossary([write_terms(files)], entry_points=False)
    cycles = [p for p in glossary.errors if p.code == "cycle"]
    assert len(cycles) == 1
    assert "(500 terms)" in cycles[0].message and "more" in cycles[0].message
    assert len(cycles[0].message) < 400


def test_a_10_mb_term_file_is_refused_without_reading_it(write_terms):
    folder = write_terms({"huge": term_text("huge") + "x" * 10_000_000})
    glossary = load_glossary([folder], entry_points=False)
    assert [p.code for p in glossary.errors] == ["file-too-large"]
    assert "10.0 MB" in glossary.errors[0].message


def test_relation_stated_on_both_sides_is_one_edge(write_terms):
    folder = write_terms({"alpha": term_text("alpha", relations="{uses: [beta]}"),
                          "beta": term_text("beta", relations="{used_by: [alpha]}")})
    glossary = load_glossary([folder], entry_points=False)
    assert not glossary.errors
    assert glossary.graph.number_of_edges() == 1


def test_missing_terms_dir_is_an_error(tmp_path):
    glossary = load_glossary([tmp_path / "nope"], entry_points=False)
    assert glossary.errors and "does not exist" in glossary.errors[0].message


def test_extension_file_adds_relations_to_a_term_it_does_not_own(write_terms):
    owner = write_terms({"alpha": term_text("alpha", relations="{uses: [beta]}"), "beta": term_text("beta")}, "owner")
    ext = write_terms({"a-more": "---\nextends: alpha\nrelations:\n  related_to: [gamma]\ntags: [extra]\n---\n",
                       "gamma": term_text("gamma", relations="{uses: [beta]}")}, "extender")
    glossary = load_glossary([owner, ext], entry_points=False)
    assert not glossary.errors, [str(p) for p in glossary.errors]
    assert glossary.graph.has_edge("alpha", "gamma", key="related_to")
    assert "extra" in glossary.terms["alpha"].tags


def test_extension_file_cannot_redefine_the_term(write_terms):
    owner = write_terms({"alpha": term_text("alpha", relations="{uses: [beta]}"), "beta": term_text("beta")}, "owner")
    ext = write_terms({"a-more": "---\nextends: alpha\ntitle: Hijacked\nrelations: {uses: [beta]}\n---\n",
                       "typo": "---\nextends: alpah\nrelations: {uses: [beta]}\n---\n"}, "extender")
    glossary = load_glossary([owner, ext], entry_points=False)
    messages = [str(p) for p in glossary.errors]
    assert any("a-more.md:3: error: an extension file cannot set `title`" in m for m in messages), messages
    assert any("typo.md:2: error: `extends: alpah` names no loaded term (did you mean `alpha`?)" in m for m in messages)
    assert glossary.terms["alpha"].title == "Alpha"
