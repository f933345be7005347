"""Generated pages, built from a small glossary without running MkDocs."""

from __future__ import annotations

import json
import re

import pytest

from sslgloss import graph, load_glossary
from sslgloss.site.builder import GlossarySite, SiteOptions, doc_title
from sslgloss.site.pages import letter_of

from site_helpers import FIXTURES, GRAPH_SMALL


def url_of(src_uri: str) -> str:
    stem = src_uri.removesuffix(".md")
    return "" if stem == "index" else (stem.removesuffix("/index") + "/")


@pytest.fixture(scope="module")
def site():
    glossary = load_glossary(term_dirs=[str(GRAPH_SMALL)], entry_points=False)
    assert not glossary.errors
    s = GlossarySite(glossary, SiteOptions(demo_fallbacks=False), url_of)
    s.add_doc_page("index.md", "# Home\n\nGamma and `beta` here. See [[delta|the delta]].\n")
    s.scan_terms()
    s.pages_md = s.generated_pages()
    return s


def test_one_page_per_term_plus_indexes(site):
    pages = site.pages_md
    for term_id in site.glossary.terms:
        assert f"terms/{term_id}.md" in pages
    assert {"glossary/index.md", "tags/index.md", "tags/test.md", "learning-paths.md", "demos.md"} <= set(pages)


def test_term_page_has_the_six_sections_in_order_then_the_generated_blocks(site):
    html = filled(site, "beta")
    headings = re.findall(r'<h2 id="[^"]+">([^<]+)</h2>', html)
    assert headings[:6] == ["Definition", "Example", "Origins", "Context and usage", "Why it matters", "In practice"]
    assert headings[6:] == ["Related terms", "Learning path", "References"]
    assert "<h1>Beta</h1>" in html
    assert 'id="context-and-usage"' in html and 'id="related-terms"' in html
    toc = site.toc_tokens("terms/beta.md")
    assert [t["name"] for t in toc] == headings and [t["id"] for t in toc][-1] == "references"


def test_term_markdown_is_only_front_matter_and_a_slot(site):
    md = site.pages_md["terms/beta.md"]
    assert md.startswith("---\ntitle: \"Beta\"") and md.rstrip().endswith("<!--sslgloss:page-->")


def test_headings_follow_the_sites_toc_settings():
    glossary = load_glossary(term_dirs=[str(GRAPH_SMALL)], entry_points=False)
    options = SiteOptions(demo_fallbacks=False, markdown_extensions=["toc"],
                          mdx_configs={"toc": {"permalink": "#", "toc_depth": 1}})
    s = GlossarySite(glossary, options, url_of)
    s.scan_terms()
    html = s.render_page("terms/beta.md", "<!--sslgloss:page-->", "terms/beta/").html
    assert '<h2 id="definition">Definition<a class="headerlink" href="#definition" title="Permanent link">#</a></h2>' in html
    assert s.toc_tokens("terms/beta.md") == []  # toc_depth 1: no h2 in the table of contents


def filled(site, term_id: str) -> str:
    from markdown import Markdown

    md = site.pages_md[f"terms/{term_id}.md"].split("---\n", 2)[2]
    html = Markdown(extensions=["attr_list"]).convert(md)
    html = site.render_page(f"terms/{term_id}.md", html, f"terms/{term_id}/").html
    return site.finish_page(f"terms/{term_id}.md", html, f"terms/{term_id}/")


def test_related_terms_are_grouped_with_inverse_labels(site):
    alpha = filled(site, "alpha")
    assert "Kinds</dt>" in alpha and 'data-term="delta"' in alpha  # delta is_a alpha
    assert "Required by</dt>" in alpha
    epsilon = filled(site, "epsilon")
    assert "Used by</dt>" in epsilon and "Contrasts with</dt>" in epsilon


def test_term_page_parts(site):
    html = filled(site, "gamma")
    assert 'class="sslgloss-summary">The Gamma term.</p>' in html
    assert "Gamma text for why it matters." in html
    assert 'class="sslgloss-local-graph"' in html
    path = re.search(r'<ol class="sslgloss-path">(.*?)</ol>', html).group(1)
    titles = re.findall(r">([^<>]+)</(?:a|span)>", path)
    assert titles == [site.glossary.terms[t].title for t in graph.learning_path(site.glossary, "gamma")]
    assert 'href="https://example.org/book"' in html and "A. Author" in html
    assert "<!--sslgloss:" not in html


def test_backlinks_show_the_sentence(site):
    assert "Mentioned in" not in filled(site, "beta")  # `beta` in code is not a mention
    gamma = filled(site, "gamma")
    assert '<a href="../../">Home</a><blockquote><mark>Gamma</mark> and beta here.</blockquote>' in gamma
    assert "mentioned-in" in [t["id"] for t in site.toc_tokens("terms/delta.md")]
    delta = filled(site, "delta")
    assert "<mark>the delta</mark>" in delta and 'href="../../"' in delta


def test_a_to_z_and_tags(site):
    index = site.pages_md["glossary/index.md"]
    assert index.index("Alpha") < index.index("Beta") < index.index("Gamma")
    assert 'href="#a"' in index and 'href="../terms/alpha/"' in index
    assert 'search: {"exclude": true}' in index
    assert "../../terms/gamma/" in site.pages_md["tags/test.md"]


def test_json_for_the_front_end(site):
    terms = json.loads(site.terms_json())["terms"]
    assert terms["gamma"] == {"t": "Gamma", "s": "The Gamma term.", "n": 2, "u": "terms/gamma/"}
    data = json.loads(site.graph_json())
    assert len(data["nodes"]) == 6 and all(0 <= n["x"] <= 1 and 0 <= n["y"] <= 1 for n in data["nodes"])
    assert {t["name"] for t in data["types"] if t["used"]} == {"requires", "is_a", "uses", "contrasts_with"}


def test_untrusted_titles_are_escaped():
    glossary = load_glossary(term_dirs=[str(FIXTURES / "hostile")])
    s = GlossarySite(glossary, SiteOptions(demo_fallbacks=False), url_of)
    s.scan_terms()
    md = s.generated_pages()["terms/odd-title.md"]
    html = s.render_page("terms/odd-title.md", "<!--sslgloss:page-->", "terms/odd-title/").html
    assert "<h1>Q&amp;A &quot;Quoted&quot; &lt;Models&gt; 自己教師あり</h1>" in html
    assert 'title: "Q&amp;A &quot;Quoted&quot; &lt;Models&gt; 自己教師あり"' in md
    data = json.loads(s.terms_json())["terms"]["odd-title"]
    assert data["t"] == 'Q&A "Quoted" <Models> 自己教師あり'  # JSON carries text; the JS inserts it as text


@pytest.mark.parametrize("title, letter", [("Élan", "E"), ("word2vec", "W"), ("3D", "0-9"), ("Жук", "Ж")])
def test_index_letters(title, letter):
    assert letter_of(title) == letter


def test_doc_titles():
    assert doc_title("about.md", "---\ntitle: About it\n---\n# Other\n") == "About it"
    assert doc_title("x/index.md", "Text only") == "X"
    assert doc_title("a.md", "# Heading { #id }\n") == "Heading"


def test_related_terms_list_each_term_once(site):
    """delta is_a alpha and requires alpha: the page shows alpha once, under "Is a"."""
    html = filled(site, "delta")
    block = html[html.index('class="sslgloss-groups"'):]
    block = block[:block.index("</dl>")]
    chips = re.findall(r'data-term="([^"]+)"', block)
    assert len(chips) == len(set(chips)) and "alpha" in chips
    assert "Is a</dt>" in block and "Requires</dt>" not in block
