"""The term file format: what parses, and what is reported where."""

from __future__ import annotations

import pytest

from sslgloss.schema import SECTION_TITLES, parse_term_text
from tests.conftest import term_text

GOOD = term_text("masking", "Masking", relations="{is_a: [pretext-task], used_by: [bert]}", aliases="[MLM, masked LM]")


def test_good_file_parses_every_field():
    term, problems = parse_term_text(GOOD, "masking.md")
    assert [p for p in problems if p.level == "error"] == []
    assert term.id == "masking" and term.title == "Masking"
    assert term.aliases == ["MLM", "masked LM"]
    assert term.relations == {"is_a": ["pretext-task"], "used_by": ["bert"]}
    assert list(term.sections) == list(SECTION_TITLES)
    assert term.references[0].year == 2020


@pytest.mark.parametrize(
    "text, code, line, words",
    [
        ("", "empty-file", 1, "empty"),
        ("# Title\n\ntext", "no-front-matter", 1, "---"),
        ("---\nid: x\ntitle: X\n## Definition\n", "unclosed-front-matter", 1, "never closed"),
        ("---\nid: x\ntitle: [oops\n---\n", "yaml", 4, "opened on line 3"),
        ("---\nid: x\nrelations:\n\tis_a: [y]\n---\n", "tab-indent", 4, "tab"),
        ("---\n- a\n- b\n---\n", "front-matter-not-mapping", 2, "mapping"),
        (GOOD.replace("summary: About Masking.\n", ""), "schema", 1, "missing required field `summary`"),
        (GOOD.replace("summary:", "sumary:"), "schema", 5, "did you mean `summary`"),
        (GOOD.replace("tags: [test]", "tags: {a: 1}"), "schema", 6, "`tags`"),
        (GOOD.replace("year: 2020", "year: twenty"), "schema", 9, "references.0.year"),
        (GOOD.replace("url: \"https://example.org/b\"", "url: \"javascript:alert(1)\""), "schema", 9, "references.0.url"),
        (GOOD.replace("id: masking", "id: Masking_Term"), "schema", 2, "kebab-case"),
        (GOOD.replace("id: masking", "id: other"), "id-filename", 2, "does not match the file name"),
        (GOOD.replace("## Origins", "## Origin"), "missing-section", None, "`## Origins`"),
        (GOOD.replace("## Example\n\nSome words about Masking for example.\n", "## Example\n\n"), "empty-section", 15, "Example"),
        (GOOD.replace("---\n## Definition", "---\nstray text\n## Definition"), "text-before-sections", 11, "before the first"),
    ],
)
def test_bad_file_reports_code_line_and_message(text, code, line, words):
    _term, problems = parse_term_text(text, "masking.md")
    match = [p for p in problems if p.code == code and words in str(p)]
    assert match, f"expected {code}, got {[str(p) for p in problems]}"
    problem = match[0]
    assert problem.file == "masking.md"
    if line is not None:
        assert problem.line == line, str(problem)
    assert words in str(problem)


def test_all_problems_of_a_file_are_reported_together():
    text = GOOD.replace("summary:", "sumary:").replace("## Origins", "## Origin").replace("year: 2020", "year: x")
    _term, problems = parse_term_text(text, "masking.md")
    codes = {p.code for p in problems}
    assert {"schema", "missing-section"} <= codes
    assert len([p for p in problems if p.code == "schema"]) == 3  # missing summary, unknown sumary, bad year


def test_single_string_where_a_list_is_expected_is_accepted():
    term, problems = parse_term_text(GOOD.replace("tags: [test]", "tags: test"), "masking.md")
    assert term.tags == ["test"] and not [p for p in problems if p.level == "error"]


def test_headings_inside_code_fences_are_not_sections():
    text = GOOD.replace("Some words about Masking for example.", "```markdown\n## Origins\n```")
    term, problems = parse_term_text(text, "masking.md")
    assert "```markdown\n## Origins\n```" in term.sections["Example"]
    assert not [p for p in problems if p.level == "error"]


def test_long_summary_and_missing_references_are_warnings():
    text = term_text("masking", summary_long := "Masking", references=False).replace(
        "summary: About Masking.", "summary: " + "word " * 80)
    term, problems = parse_term_text(text, "masking.md")
    assert term is not None and summary_long
    assert {p.code for p in problems if p.level == "warning"} == {"long-summary", "no-references"}
