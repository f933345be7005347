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
        (GOOD.replace("url: \"https://example.org/b\"", "url: \"javascript:alert(1)\""), "schema", 9,
         "`references.0.url`: `javascript:alert(1)` is not a web address starting with https:// or http://"),
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


@pytest.mark.parametrize(
    "old, new, line, message",
    [
        ("tags: [test]", "tags: test", 6, "masking.md:6: error: `tags` must be a list (got 'test') (write `tags: [nlp]`)"),
        ("{is_a: [pretext-task], used_by: [bert]}", "\n  is_a: pretext-task", 8,
         "masking.md:8: error: `relations.is_a` must be a list (got 'pretext-task') (write `is_a: [term-id]`)"),
        ("aliases: [MLM, masked LM]", "aliases: MLM", 4, "masking.md:4: error: `aliases` must be a list (got 'MLM')"),
    ],
)
def test_a_string_where_a_list_belongs_is_an_error(old, new, line, message):
    term, problems = parse_term_text(GOOD.replace(old, new), "masking.md")
    assert term is None
    assert [p.line for p in problems if p.level == "error"] == [line]
    assert str(problems[0]).startswith(message), str(problems[0])


BOMB_SCRIPT = """
import sys, time
lines = ["---", "id: bomb", "title: Bomb", "summary: An alias bomb.", "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
for i in range(1, int(sys.argv[1]) + 1):
    lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
text = "\\n".join(lines + ["---", "## Definition", "", "Boom."]) + "\\n"
from sslgloss.schema import parse_term_text
start = time.perf_counter()
term, problems = parse_term_text(text, "bomb.md")
seconds = time.perf_counter() - start
# VmHWM is this program's own peak; ru_maxrss would also count the pytest process it was forked from
peak_mb = int(next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1]) / 1024
print(len(text), seconds, peak_mb, term is None, str(problems[0]) if problems else "")
"""


@pytest.mark.parametrize("levels", [6, 8])
def test_an_alias_bomb_is_refused_at_once_with_flat_memory(levels):
    """A 3 KB file of nested YAML aliases once took 8 s and 1.3 GB (6 levels) or never finished (8)."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", BOMB_SCRIPT, str(levels)], capture_output=True, text=True,
                          timeout=30)  # the test's own bound: a parser that expands the aliases never gets here
    size, seconds, peak_mb, refused, message = done.stdout.strip().split(" ", 4)
    assert done.returncode == 0, done.stderr
    assert refused == "True" and int(size) < 4000
    assert message == "bomb.md:5: error: YAML anchor `&a0` is not allowed in front matter (write the value out in full)"
    assert float(seconds) < 0.1, seconds
    assert float(peak_mb) < 300, peak_mb  # the interpreter with pydantic and yaml loaded; the bomb adds nothing


@pytest.mark.parametrize(
    "front, code, line, message",
    [
        ("id: x\ntitle: X\nsummary: *s\n", "yaml-alias", 4, "YAML alias `*s` is not allowed in front matter"),
        ("id: x\nbase: &b {a: 1}\nrelations:\n  <<: *b\n", "yaml-alias", 3, "YAML anchor `&b` is not allowed"),
        ("id: x\ntitle: X\ntitle: Y\n", "duplicate-key", 4,
         "key `title` appears twice in the same mapping (first on line 3)"),
        ("id: x\nrelations:\n  uses: [a]\n  is_a: [b]\n  uses: [c]\n", "duplicate-key", 6,
         "key `uses` appears twice in the same mapping (first on line 4)"),
    ],
)
def test_anchors_aliases_and_duplicate_keys_are_errors_with_their_line(front, code, line, message):
    _term, problems = parse_term_text(f"---\n{front}---\n## Definition\n\nText.\n", "x.md")
    assert [(p.code, p.line) for p in problems] == [(code, line)], [str(p) for p in problems]
    assert message in problems[0].message


def test_a_quoted_ampersand_or_asterisk_is_plain_text():
    text = GOOD.replace("summary: About Masking.", 'summary: "R&D on *masked* data & more."')
    term, problems = parse_term_text(text, "masking.md")
    assert term.summary == "R&D on *masked* data & more."
    assert not [p for p in problems if p.level == "error"]


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


# ------------------------------------------------------------------------- references

REF = 'references:\n  - {title: "A book", authors: "A. Author", year: 2020, url: "https://example.org/b"}\n'


def with_reference(fields: str) -> str:
    return GOOD.replace(REF, f"references:\n  - {{{fields}}}\n")


@pytest.mark.parametrize("fields", [
    'title: "Deep Learning", authors: "Ian Goodfellow, Yoshua Bengio, Aaron Courville", year: 2016',
    'title: "ISO/IEC 22989 Artificial intelligence concepts and terminology", url: "https://www.iso.org/standard/74296.html"',
    'title: "Speech and Language Processing", isbn: "978-0-13-187321-6"',
    'title: "Deep learning", authors: [Yann LeCun, Yoshua Bengio, Geoffrey Hinton], doi: "https://doi.org/10.1038/nature14539"',
    'title: "A title and nothing else"',
])
def test_a_reference_needs_only_a_title(fields):
    term, problems = parse_term_text(with_reference(fields), "masking.md")
    assert not [str(p) for p in problems if p.level == "error"]
    assert term.references[0].title


def test_reference_fields_are_normalised_for_the_page():
    fields = 'title: "Deep learning", authors: [Yann LeCun, Yoshua Bengio], doi: "doi:10.1038/nature14539", isbn: 0262035618'
    ref = parse_term_text(with_reference(fields), "masking.md")[0].references[0]
    assert (ref.authors, ref.doi, ref.isbn, ref.url, ref.year) == ("Yann LeCun, Yoshua Bengio", "10.1038/nature14539",
                                                                   "0262035618", None, None)


@pytest.mark.parametrize("fields, message", [
    ('authors: "A. Author", url: "https://example.org"',
     "masking.md:9: error: missing required field `references.0.title` (every reference needs a title)"),
    ('title: "T", year: 20190', "masking.md:9: error: `references.0.year`: 20190 is not a publication year (between 1500 and 2100)"),
    ('title: "T", url: "example.org/page"',
     "masking.md:9: error: `references.0.url`: `example.org/page` is not a web address starting with https:// or http://"),
    ('title: "T", doi: "nature14539"', "masking.md:9: error: `references.0.doi`: `nature14539` is not a DOI; a DOI looks like 10.1038/nature14539"),
    ('title: "T", isbn: "978-0-13-187321-7"',
     "masking.md:9: error: `references.0.isbn`: `978-0-13-187321-7` is not a valid ISBN: its check digit does not match (a typo?)"),
    ('title: "T", authors: ""', "masking.md:9: error: `references.0.authors`: `authors` is empty; leave it out when a source names no author"),
    ('title: "T", pages: 12', "masking.md:9: error: unknown field `references.0.pages` (valid fields: title, authors, year, url, doi, isbn, venue, note)"),
])
def test_reference_problems_are_in_our_words_with_file_and_line(fields, message):
    _term, problems = parse_term_text(with_reference(fields), "masking.md")
    assert [str(p) for p in problems if p.level == "error"] == [message]
    assert not any(word in message for word in ("Input should", "String should", "Value error"))


# ------------------------------------------------------------------------- names that would hijack autolinks

@pytest.mark.parametrize("aliases, extra, message", [
    ("[RotNet, the, model]", "", "masking.md:4: error: alias `the` is a common English word: every `the` on every page "
                                 "would link to `masking`"),
    ("[MLM, ml]", "", "masking.md:4: error: alias `ml` is shorter than 3 characters"),
    ("[Go]", "", "masking.md:4: error: alias `Go` is shorter than 3 characters"),
    ("[Go]", "case_sensitive: [Goo]\n", "masking.md:7: error: `case_sensitive` lists `Goo`, which is neither the title "
                                        "nor an alias (did you mean `Go`?)"),
])
def test_a_common_word_or_very_short_name_is_refused(aliases, extra, message):
    text = GOOD.replace("aliases: [MLM, masked LM]", f"aliases: {aliases}").replace("tags: [test]\n", "tags: [test]\n" + extra)
    _term, problems = parse_term_text(text, "masking.md")
    errors = [str(p) for p in problems if p.level == "error"]
    assert errors and errors[0].startswith(message), errors


@pytest.mark.parametrize("aliases, extra", [
    ("[MAE, IR, ML]", ""),  # acronyms match only in capitals on the site
    ("[Go, The Pile]", "case_sensitive: [Go]\n"),  # listed: matches only as written
])
def test_acronyms_and_case_sensitive_names_may_be_short_or_common(aliases, extra):
    text = GOOD.replace("aliases: [MLM, masked LM]", f"aliases: {aliases}").replace("tags: [test]\n", "tags: [test]\n" + extra)
    term, problems = parse_term_text(text, "masking.md")
    assert not [str(p) for p in problems if p.level == "error"]


def test_the_site_links_a_case_sensitive_name_only_as_written():
    from sslgloss.site.autolink import TermMatcher

    matcher = TermMatcher({"go-game": ["Go"], "masking": ["Masking"]}, exact={"Go"})
    assert [(m.text, m.term_id) for m in matcher.finditer("we go to Go; masking")] == [("Go", "go-game"),
                                                                                      ("masking", "masking")]


# ------------------------------------------------------------------------- skeleton placeholders and wiki links

def test_skeleton_placeholders_are_warnings_so_strict_fails():
    from sslgloss.scaffold import term_skeleton

    term, problems = parse_term_text(term_skeleton("rotation-prediction", "Rotation Prediction"), "rotation-prediction.md")
    placeholders = [p for p in problems if p.code == "placeholder"]
    assert term is not None and not [p for p in problems if p.level == "error"]
    assert [(p.level, p.line) for p in placeholders][:2] == [("warning", 5), ("warning", 15)]
    assert str(placeholders[1]) == ("rotation-prediction.md:15: warning: section `## Definition` still has the "
                                    "skeleton's placeholder text (replace it with your own words)")
    assert len(placeholders) == 7  # the summary and the six sections


def test_wikilinks_are_read_with_their_line_outside_code():
    body = "## Definition\n\nSee [[alpha]] and [[Beta|the beta]].\n\n```\n[[in-fence]]\n```\n\nNot `[[in-code]]`.\n"
    term, _problems = parse_term_text(GOOD.split("---\n## Definition")[0] + "---\n" + body + GOOD.split("## Definition\n")[1][
        GOOD.split("## Definition\n")[1].index("## Example"):], "masking.md")
    assert term.wikilinks == [("alpha", 13), ("Beta", 13)]


def test_the_term_page_shows_whatever_a_reference_gives():
    from sslgloss.site.templating import environment

    fields = ('title: "Speech and Language Processing", isbn: "978-0-13-187321-6"',
              'title: "Deep learning", year: 2015, doi: "10.1038/nature14539"')
    refs = [parse_term_text(with_reference(f), "masking.md")[0].references[0] for f in fields]
    html = environment().get_template("sslgloss/term-references.html").render(references=refs)
    assert ('<li><span class="sslgloss-ref__title">Speech and Language Processing</span>. '
            '<span class="sslgloss-ref__isbn">ISBN 9780131873216</span></li>') in html
    assert ('<li><span class="sslgloss-ref__year">(2015).</span> <a class="sslgloss-ref__title" '
            'href="https://doi.org/10.1038/nature14539" rel="noopener noreferrer">Deep learning</a>.</li>') in html
    assert "None" not in html and "()" not in html
