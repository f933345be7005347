"""Wiki links: [[id]] and [[id|text]], and what an unknown id does."""

from __future__ import annotations

import pytest

from sslgloss.site.autolink import Autolinker, TermMatcher
from sslgloss.site.builder import describe_unknown

TITLES = {"masked-language-modeling": "Masked Language Modeling", "bert": "BERT"}


def link(html: str):
    matcher = TermMatcher({k: [v] for k, v in TITLES.items()}, html_escaped=True)
    return Autolinker(matcher, TITLES).link(html, lambda t: f"../{t}/")


@pytest.mark.parametrize("source, expected", [
    ("<p>[[bert]]</p>", '<p><a class="sslgloss-term sslgloss-wikilink" href="../bert/" data-term="bert">BERT</a></p>'),
    ("<p>[[bert|the model]]</p>",
     '<p><a class="sslgloss-term sslgloss-wikilink" href="../bert/" data-term="bert">the model</a></p>'),
    ("<p>[[BERT]]</p>", '<p><a class="sslgloss-term sslgloss-wikilink" href="../bert/" data-term="bert">BERT</a></p>'),
    ("<p><code>[[bert]]</code></p>", "<p><code>[[bert]]</code></p>"),
    ("<pre><code>[[bert|x]]</code></pre>", "<pre><code>[[bert|x]]</code></pre>"),
], ids=["id", "id and text", "case-insensitive id", "inline code", "code block"])
def test_wiki_links(source, expected):
    assert link(source).html == expected


def test_a_wiki_link_counts_as_the_first_mention():
    html = link("<p>[[bert|it]] and then BERT</p>").html
    assert html.count("<a ") == 1


def test_unknown_id_is_reported_and_shown_as_text():
    result = link("<p>see [[masked-languge-modeling|MLM]]</p>")
    assert result.unknown_wikilinks == ["masked-languge-modeling"]
    assert "MLM" in result.html and "<a " not in result.html
    message = describe_unknown("docs/index.md", "masked-languge-modeling", "masked-language-modeling")
    assert message == ("docs/index.md: unknown term `masked-languge-modeling` in a [[...]] link"
                       " - did you mean `[[masked-language-modeling]]`?")


def test_a_mention_before_a_wiki_link_is_still_linked_when_the_steps_run_apart():
    matcher = TermMatcher({k: [v] for k, v in TITLES.items()}, html_escaped=True)
    linker = Autolinker(matcher, TITLES)
    source = "<p>BERT first, then [[bert|it]], then BERT again</p>"
    wiki_only = linker.link(source, lambda t: f"../{t}/", mentions=False).html
    both_steps = linker.link(wiki_only, lambda t: f"../{t}/", wikilinks=False).html
    assert both_steps == linker.link(source, lambda t: f"../{t}/").html
    assert both_steps.count("<a ") == 2 and both_steps.endswith("then BERT again</p>")


# ---------------------------------------------------------------------- hand-written pages: the line of a broken link

BROKEN_PAGE = "---\ntitle: Start\n---\n\n# Start\n\nRead [[bret|BERT]] first.\n\n```\n[[in-code]]\n```\n"


def test_the_build_names_the_line_of_a_broken_link_on_a_hand_written_page(tmp_path, caplog):
    from site_helpers import GRAPH_SMALL, build, write_project

    project = write_project(tmp_path, term_dirs=[str(GRAPH_SMALL)], entry_points=False,
                            docs={"index.md": "# Home\n", "start.md": BROKEN_PAGE})
    with caplog.at_level("WARNING"):
        build(project, tmp_path / "site", strict=False)
    found = [r.getMessage() for r in caplog.records if "unknown term" in r.getMessage()]
    assert len(found) == 1 and "docs/start.md:7: unknown term `bret` in a [[...]] link" in found[0]


def test_the_generated_pages_name_the_line_too():
    from sslgloss.site.generate import resolve_wikilinks

    text, problems = resolve_wikilinks(BROKEN_PAGE, "start.md", TITLES, "docs/start.md")
    assert "Read BERT first." in text and "[[in-code]]" in text  # code is left as written
    assert problems == ["docs/start.md:7: unknown term `bret` in a [[...]] link - did you mean `[[bert]]`?"]
