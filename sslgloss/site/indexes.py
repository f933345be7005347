"""Generated index pages: the A–Z glossary, the tags, the learning paths and the demos.

Terms are deliberately *not* listed in the navigation: mkdocs-material writes
the whole navigation into every page, so a nav entry per term makes the build
quadratic in the number of terms (benchmarks/bench_site.py measures it). Readers reach terms
through these pages, search, links and the graph instead; each page here is
linear in the number of terms it lists.
"""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Iterable

import jinja2

from .. import graph as graph_queries
from ..demos.embed import START_COMMAND, START_COMMAND_ALT, demo_url
from .pages import SiteUrls, TermLink, front_matter, letter_of, slug
from .templating import environment

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
    """Markdown for the generated index pages. URLs come from ``urls``, relative to each page.

    Each page's body comes from a template of ``templates`` (by default the packaged
    ones, see :mod:`sslgloss.site.templating`); its front matter is written here.
    """

    def __init__(self, glossary, urls: SiteUrls, demos: Iterable = (), demos_url: str = "http://127.0.0.1:8501",
                 key_terms: int = 6, templates: jinja2.Environment | None = None):
        self.glossary = glossary
        self.urls = urls
        self.demos = list(demos)
        self.demos_url = demos_url
        self.key_terms = key_terms
        self.templates = templates or environment()

    def _render(self, name: str, **data) -> str:
        return self.templates.get_template(f"sslgloss/{name}.html").render(**data)

    def _link(self, term_id: str, from_url: str) -> TermLink:
        term = self.glossary.terms[term_id]
        return TermLink(self.urls.term(term_id, from_url), term_id, term.title, term.summary)

    # ------------------------------------------------------------------ A–Z

    def glossary_index(self, page_url: str) -> str:
        by_letter: dict[str, list[TermLink]] = defaultdict(list)
        for term in sorted(self.glossary.terms.values(), key=lambda t: _title_key(t.title)):
            by_letter[letter_of(term.title)].append(self._link(term.id, page_url))
        letters = sorted(by_letter, key=lambda l: (not ("A" <= l <= "Z"), l == "0-9", l))
        body = self._render(
            "glossary-index", count=len(self.glossary.terms),
            tags_url=self.urls.page("tags", page_url), paths_url=self.urls.page("learning-paths", page_url),
            graph_url=self.urls.page("graph", page_url),
            letters=[{"letter": l, "anchor": slug(l), "links": by_letter[l]} for l in letters])
        return front_matter({"title": "Glossary A–Z", "search": {"exclude": True}}) + body

    # ------------------------------------------------------------------ tags

    def tag_counts(self) -> dict[str, list[str]]:
        tags: dict[str, list[str]] = defaultdict(list)
        for term in sorted(self.glossary.terms.values(), key=lambda t: _title_key(t.title)):
            for tag in term.tags:
                tags[tag].append(term.id)
        return dict(sorted(tags.items()))

    def tags_index(self, page_url: str) -> str:
        tags = [{"name": tag, "url": self.urls.page("tag:" + tag, page_url), "count": len(ids),
                 "description": TAG_DESCRIPTIONS.get(tag, "")} for tag, ids in self.tag_counts().items()]
        return front_matter({"title": "Tags", "search": {"exclude": True}}) + self._render("tags-index", tags=tags)

    def tag_page(self, tag: str, ids: list[str], page_url: str) -> str:
        body = self._render("tag-page", tag=tag, description=TAG_DESCRIPTIONS.get(tag, ""),
                            tags_url=self.urls.page("tags", page_url), links=[self._link(i, page_url) for i in ids])
        return front_matter({"title": f"Tag: {html.escape(tag)}", "search": {"exclude": True}}) + body

    # ------------------------------------------------------------------ learning paths

    def learning_paths(self, page_url: str) -> str:
        # the best connected terms (degree, not PageRank: PageRank would import scipy for one list)
        degree = self.glossary.graph.degree
        central = sorted(self.glossary.terms, key=lambda t: (-degree(t), t))[: self.key_terms * 3]
        paths = sorted(((t, graph_queries.learning_path(self.glossary, t)) for t in central),
                       key=lambda p: -len(p[1]))[: self.key_terms]
        key_paths = [{"title": self.glossary.terms[t].title, "steps": [self._link(s, page_url) for s in steps]}
                     for t, steps in sorted(paths, key=lambda p: len(p[1]))]
        stages = [[self._link(t, page_url) for t in stage] for stage in graph_queries.stages(self.glossary)]
        # out of search like the A–Z: it lists every term, and term pages are what a search should find
        meta = {"title": "Learning paths", "search": {"exclude": True}}
        return front_matter(meta) + self._render("learning-paths", key_paths=key_paths, stages=stages)

    # ------------------------------------------------------------------ demos

    def demos_page(self, page_url: str) -> str:
        demos = [{"title": demo.title, "url": demo_url(self.demos_url, demo.id, None, embed=False),
                  "terms": [self._link(t, page_url) for t in demo.terms if t in self.glossary.terms]}
                 for demo in self.demos]
        body = self._render("demos-page", start_command=START_COMMAND, start_command_alt=START_COMMAND_ALT,
                            demos_url=self.demos_url, demos=demos)
        return front_matter({"title": "Demos"}) + body
