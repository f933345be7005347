"""Generated index pages: the A–Z glossary, the tags, the learning paths and the demos.

Terms are deliberately *not* listed in the navigation: mkdocs-material writes
the whole navigation into every page, so a nav entry per term makes the build
quadratic in the number of terms (shared/NOTES-site.md). Readers reach terms
through these pages, search, links and the graph instead; each page here is
linear in the number of terms it lists.
"""

from __future__ import annotations

import html
from collections import defaultdict
from typing import Callable, Iterable

import networkx as nx

from .demos import START_COMMAND, START_COMMAND_ALT, demo_url
from .pages import SiteUrls, front_matter, letter_of, slug

TAG_DESCRIPTIONS = {
    "foundations": "The machine-learning ideas everything else builds on.",
    "learning-paradigm": "Ways a model can learn: with labels, without them, or from the data itself.",
    "deep-learning": "Neural networks with many layers and how they are trained.",
    "nlp": "Natural language processing: models that read and write text.",
    "computer-vision": "Models that look at images and video.",
    "audio": "Models that listen: speech, music and sound.",
    "pretext-task": "Made-up tasks whose answers come free with the data, used to pretrain models.",
    "contrastive": "Learning by pulling matching pairs together and pushing others apart.",
    "architecture": "How models are built: the layers and the wiring.",
    "model": "Named models and model families.",
    "evaluation": "How we measure what a model has learned.",
    "semantic-web": "Meaning made explicit: ontologies, annotations, knowledge graphs.",
    "retrieval": "Finding the right document, passage or item for a query.",
    "data": "Where training data comes from and how it is prepared.",
    "ecosystem": "Libraries, hubs and tools practitioners use.",
    "application": "What the techniques are used for.",
    "multimodal": "Models that connect text, images and sound.",
}


def _title_key(title: str) -> str:
    return title.casefold()


class IndexBuilder:
    """Markdown for the generated index pages. URLs come from ``urls``, relative to each page."""

    def __init__(self, glossary, urls: SiteUrls, learning_path: Callable[[str], list[str]] | None = None,
                 demos: Iterable = (), demos_url: str = "http://127.0.0.1:8501", key_terms: int = 6):
        from .. import graph as graph_queries

        self.glossary = glossary
        self.urls = urls
        self.learning_path = learning_path or (lambda t: graph_queries.learning_path(glossary, t))
        self.demos = list(demos)
        self.demos_url = demos_url
        self.key_terms = key_terms
        self._graph_queries = graph_queries

    def _link(self, term_id: str, from_url: str, cls: str = "") -> str:
        term = self.glossary.terms[term_id]
        c = f' class="{cls}"' if cls else ""
        return (f'<a{c} href="{html.escape(self.urls.term(term_id, from_url))}" data-term="{html.escape(term_id)}">'
                f"{html.escape(term.title)}</a>")

    def _entry_list(self, ids: list[str], from_url: str) -> str:
        items = "".join(f"<li>{self._link(i, from_url)}<span>{html.escape(self.glossary.terms[i].summary)}</span></li>"
                        for i in ids)
        return f'<ul class="sslgloss-entries sslgloss-nolink">\n{items}\n</ul>'

    # ------------------------------------------------------------------ A–Z

    def glossary_index(self, page_url: str) -> str:
        by_letter: dict[str, list[str]] = defaultdict(list)
        for term in sorted(self.glossary.terms.values(), key=lambda t: _title_key(t.title)):
            by_letter[letter_of(term.title)].append(term.id)
        letters = sorted(by_letter, key=lambda l: (not ("A" <= l <= "Z"), l == "0-9", l))
        bar = " ".join(f'<a href="#{slug(l)}">{html.escape(l)}</a>' for l in letters)
        n = len(self.glossary.terms)
        parts = [front_matter({"title": "Glossary A–Z", "search": {"exclude": True}}),
                 "# Glossary A–Z\n\n",
                 f'<p class="sslgloss-intro">All {n} terms, alphabetically. Hover or focus a term to preview it; '
                 f'browse by <a href="{html.escape(self.urls.page("tags", page_url))}">tag</a>, follow a '
                 f'<a href="{html.escape(self.urls.page("learning-paths", page_url))}">learning path</a>, '
                 f'or explore the <a href="{html.escape(self.urls.page("graph", page_url))}">graph</a>.</p>\n\n',
                 f'<nav class="sslgloss-letters" aria-label="Letters">{bar}</nav>\n\n']
        for letter in letters:
            parts.append(f"## {html.escape(letter)} {{ #{slug(letter)} }}\n\n")
            parts.append(self._entry_list(by_letter[letter], page_url) + "\n\n")
        return "".join(parts)

    # ------------------------------------------------------------------ tags

    def tag_counts(self) -> dict[str, list[str]]:
        tags: dict[str, list[str]] = defaultdict(list)
        for term in sorted(self.glossary.terms.values(), key=lambda t: _title_key(t.title)):
            for tag in term.tags:
                tags[tag].append(term.id)
        return dict(sorted(tags.items()))

    def tags_index(self, page_url: str) -> str:
        tags = self.tag_counts()
        cards = []
        for tag, ids in tags.items():
            desc = TAG_DESCRIPTIONS.get(tag, "")
            cards.append(f'<li><a class="sslgloss-tag" href="{html.escape(self.urls.page("tag:" + tag, page_url))}">'
                         f'{html.escape(tag)}</a> <span class="sslgloss-count">{len(ids)} term{"s" if len(ids) != 1 else ""}'
                         f"</span><p>{html.escape(desc)}</p></li>")
        return (front_matter({"title": "Tags", "search": {"exclude": True}}) + "# Tags\n\n"
                '<p class="sslgloss-intro">Every term carries one to four tags. Pick one to see its terms.</p>\n\n'
                f'<ul class="sslgloss-tag-cards sslgloss-nolink">\n{"".join(cards)}\n</ul>\n')

    def tag_page(self, tag: str, ids: list[str], page_url: str) -> str:
        desc = TAG_DESCRIPTIONS.get(tag, "")
        return (front_matter({"title": f"Tag: {html.escape(tag)}", "search": {"exclude": True}})
                + f"# Tag: {html.escape(tag)}\n\n"
                + (f'<p class="sslgloss-intro">{html.escape(desc)}</p>\n\n' if desc else "")
                + f'<p><a href="{html.escape(self.urls.page("tags", page_url))}">All tags</a> · '
                f"{len(ids)} term{'s' if len(ids) != 1 else ''}</p>\n\n"
                + self._entry_list(ids, page_url) + "\n")

    # ------------------------------------------------------------------ learning paths

    def stages(self) -> list[list[str]]:
        """Terms by prerequisite depth: stage 0 needs nothing, stage k needs something from stage k-1."""
        req = nx.DiGraph()
        req.add_nodes_from(self.glossary.terms)
        req.add_edges_from((v, u) for u, v, k in self.glossary.graph.edges(keys=True) if k == "requires")
        depth: dict[str, int] = {}
        try:
            order = list(nx.topological_sort(req))
        except nx.NetworkXUnfeasible:  # a cycle is a validation error; show one stage rather than fail
            return [sorted(self.glossary.terms, key=lambda i: _title_key(self.glossary.terms[i].title))]
        for node in order:
            depth[node] = max((depth[p] + 1 for p in req.predecessors(node)), default=0)
        stages: dict[int, list[str]] = defaultdict(list)
        for node, d in depth.items():
            stages[d].append(node)
        return [sorted(stages[d], key=lambda i: _title_key(self.glossary.terms[i].title)) for d in sorted(stages)]

    def learning_paths(self, page_url: str) -> str:
        esc = html.escape
        parts = [front_matter({"title": "Learning paths"}), "# Learning paths\n\n",
                 '<p class="sslgloss-intro">Terms build on each other: every term names the terms you need to '
                 "understand first (its <em>requires</em> relations). Follow a path to one of the key ideas below, "
                 "or work through the stages from the top. Each term page also shows its own learning path.</p>\n\n"]
        # the best connected terms (degree, not PageRank: PageRank would import scipy for one list)
        degree = self.glossary.graph.degree
        central = sorted(self.glossary.terms, key=lambda t: (-degree(t), t))[: self.key_terms * 3]
        paths = sorted(((t, self.learning_path(t)) for t in central), key=lambda p: -len(p[1]))[: self.key_terms]
        if paths:
            parts.append("## Paths to key ideas\n\n")
            for term_id, steps in sorted(paths, key=lambda p: len(p[1])):
                title = esc(self.glossary.terms[term_id].title)
                chain = "".join(f"<li>{self._link(s, page_url, 'sslgloss-path__link')}</li>" for s in steps)
                parts.append(f'<div class="sslgloss-keypath sslgloss-nolink"><p class="sslgloss-keypath__goal">'
                             f"To understand <strong>{title}</strong> ({len(steps)} steps)</p>"
                             f'<ol class="sslgloss-path">{chain}</ol></div>\n\n')
        parts.append("## All terms by stage\n\n")
        for i, stage in enumerate(self.stages()):
            label = "Start here" if i == 0 else f"Stage {i}"
            chips = " ".join(self._link(t, page_url, "sslgloss-chip") for t in stage)
            parts.append(f'<div class="sslgloss-stage sslgloss-nolink"><p class="sslgloss-stage__label">{label}</p>'
                         f"<p>{chips}</p></div>\n\n")
        return "".join(parts)

    # ------------------------------------------------------------------ demos

    def demos_page(self, page_url: str) -> str:
        esc = html.escape
        parts = [front_matter({"title": "Demos"}), "# Demos\n\n",
                 '<p class="sslgloss-intro">Small self-supervised models run live on your CPU: type your own '
                 "input, see what the model predicts and how sure it is. The demos are a Streamlit app that runs "
                 "next to this site; every term page below embeds its demo with a preset input, and shows a static "
                 "result computed at build time when the app is not running.</p>\n\n",
                 "## Start the demos\n\n",
                 f"<p>In the project folder run <code>{START_COMMAND}</code> (site and demos together) or "
                 f"<code>{START_COMMAND_ALT}</code> (the demos only). The app listens on "
                 f"<code>{esc(self.demos_url)}</code>.</p>\n\n"]
        if not self.demos:
            parts.append("<p>No demos are installed.</p>\n")
            return "".join(parts)
        parts.append("## All demos\n\n")
        items = []
        for demo in self.demos:
            terms = [t for t in demo.terms if t in self.glossary.terms]
            used = ", ".join(self._link(t, page_url) for t in terms) or "no term page yet"
            items.append(f'<li><a class="sslgloss-demo-link" href="{esc(demo_url(self.demos_url, demo.id, None, embed=False))}" '
                         f'target="_blank" rel="noopener"><strong>{esc(demo.title)}</strong></a>'
                         f"<span>Embedded in: {used}</span></li>")
        parts.append(f'<ul class="sslgloss-demo-list sslgloss-nolink">{"".join(items)}</ul>\n')
        return "".join(parts)
