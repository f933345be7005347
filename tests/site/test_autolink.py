"""The autolinker: which mentions become links, and which never do."""

from __future__ import annotations

import pytest

from sslgloss.site.autolink import Autolinker, TermMatcher, iter_html_text

NAMES = {
    "semantic-search": ["Semantic Search"],
    "semantic-ai": ["Semantic AI"],
    "ontology": ["Ontology"],
    "bert": ["BERT"],
    "clip": ["CLIP"],
    "self-supervised-learning": ["Self-Supervised Learning", "SSL"],
    "supervised-learning": ["Supervised Learning"],
    "next-word-prediction": ["Next-Word Prediction"],
    "class": ["Class"],
    "rd": ["R&D"],
    "embedding": ["Embedding"],
}
TITLES = {k: v[0] for k, v in NAMES.items()}


def link(html: str, own: str | None = None, autolink: bool = True):
    linker = Autolinker(TermMatcher(NAMES, html_escaped=True), TITLES, autolink=autolink)
    return linker.link(html, lambda t: f"/t/{t}/", own_id=own)


def a(term: str, text: str, wiki: bool = False) -> str:
    cls = "sslgloss-term sslgloss-wikilink" if wiki else "sslgloss-term"
    return f'<a class="{cls}" href="/t/{term}/" data-term="{term}">{text}</a>'


CASES = [
    # (description, input, expected output)
    ("case-insensitive", "<p>semantic SEARCH works</p>", f"<p>{a('semantic-search', 'semantic SEARCH')} works</p>"),
    ("plural s", "<p>two embeddings</p>", f"<p>two {a('embedding', 'embeddings')}</p>"),
    ("plural ies", "<p>two ontologies</p>", f"<p>two {a('ontology', 'ontologies')}</p>"),
    ("plural es", "<p>many classes</p>", f"<p>many {a('class', 'classes')}</p>"),
    ("longest match wins", "<p>semantic search and semantic AI</p>",
     f"<p>{a('semantic-search', 'semantic search')} and {a('semantic-ai', 'semantic AI')}</p>"),
    ("first mention only", "<p>BERT, BERT and BERT</p>", f"<p>{a('bert', 'BERT')}, BERT and BERT</p>"),
    ("first mention across elements", "<p>BERT</p><p>BERT</p>", f"<p>{a('bert', 'BERT')}</p><p>BERT</p>"),
    ("acronyms match in capitals only", "<p>a short clip of CLIP</p>", f"<p>a short clip of {a('clip', 'CLIP')}</p>"),
    ("acronym plural", "<p>BERTs differ</p>", f"<p>{a('bert', 'BERTs')} differ</p>"),
    ("hyphen or space", "<p>next word prediction</p>", f"<p>{a('next-word-prediction', 'next word prediction')}</p>"),
    ("line break inside a name", "<p>semantic\nsearch</p>", f"<p>{a('semantic-search', 'semantic' + chr(10) + 'search')}</p>"),
    ("not inside a longer word", "<p>BERTology and hyperontology</p>", "<p>BERTology and hyperontology</p>"),
    ("not after a hyphen", "<p>weakly-supervised learning</p>", "<p>weakly-supervised learning</p>"),
    ("longer name consumes shorter", "<p>self-supervised learning</p>",
     f"<p>{a('self-supervised-learning', 'self-supervised learning')}</p>"),
    ("possessive", "<p>BERT's heads</p>", f"<p>{a('bert', 'BERT')}'s heads</p>"),
    ("escaped name", "<p>R&amp;D budgets</p>", f"<p>{a('rd', 'R&amp;D')} budgets</p>"),
    ("inline code", "<p><code>BERT</code> then BERT</p>", f"<p><code>BERT</code> then {a('bert', 'BERT')}</p>"),
    ("fenced code", '<pre><code class="language-py">bert = BERT()</code></pre>',
     '<pre><code class="language-py">bert = BERT()</code></pre>'),
    ("headings", "<h2>BERT</h2><h3 id='x'>Ontology</h3>", "<h2>BERT</h2><h3 id='x'>Ontology</h3>"),
    ("existing links", '<p><a href="https://x">BERT paper</a></p>', '<p><a href="https://x">BERT paper</a></p>'),
    ("attributes", '<p title="BERT"><img alt="BERT ontology" src="b.png"></p>',
     '<p title="BERT"><img alt="BERT ontology" src="b.png"></p>'),
    ("attribute holding >", '<p data-x="a > BERT">ok</p>', '<p data-x="a > BERT">ok</p>'),
    ("script and style", "<script>var BERT=1</script><style>.BERT{}</style>", "<script>var BERT=1</script><style>.BERT{}</style>"),
    ("nolink blocks", '<div class="sslgloss-nolink"><p>BERT</p></div><p>BERT</p>',
     f'<div class="sslgloss-nolink"><p>BERT</p></div><p>{a("bert", "BERT")}</p>'),
    ("admonition title", '<p class="admonition-title">BERT</p><p>BERT</p>',
     f'<p class="admonition-title">BERT</p><p>{a("bert", "BERT")}</p>'),
    ("nested elements inside a skipped one", "<h2>a <em>BERT</em> b</h2><p>BERT</p>",
     f"<h2>a <em>BERT</em> b</h2><p>{a('bert', 'BERT')}</p>"),
    ("comments", "<!-- BERT --><p>x</p>", "<!-- BERT --><p>x</p>"),
    ("no entity parts", "<p>&amp; &lt;BERT&gt;</p>", f"<p>&amp; &lt;{a('bert', 'BERT')}&gt;</p>"),
]


@pytest.mark.parametrize("html, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_autolink(html, expected):
    assert link(html).html == expected


def test_never_links_the_page_to_itself():
    result = link("<p>BERT and ontology</p>", own="bert")
    assert result.html == f"<p>BERT and {a('ontology', 'ontology')}</p>"
    assert result.linked == ["ontology"]


def test_can_be_switched_off_but_wiki_links_still_work():
    result = link("<p>BERT and [[ontology]]</p>", autolink=False)
    assert result.html == f"<p>BERT and {a('ontology', 'Ontology', wiki=True)}</p>"


def test_splitting_html_keeps_every_character():
    html = '<p class="a">x <b>BERT</b></p><!-- c --><pre>y</pre>tail'
    assert "".join(chunk for _, _, chunk in iter_html_text(html)) == html


def test_one_regex_for_all_terms_scales():
    names = {f"term-{i}": [f"Word{i} Thing", f"W{i}X"] for i in range(2000)}
    matcher = TermMatcher(names)
    found = [m.term_id for m in matcher.finditer("see word1999 thing and W7X, not word20")]
    assert found == ["term-1999", "term-7"]
