"""Everything the site needs from the glossary, computed once per build, independent of MkDocs' events.

:class:`GlossarySite` is what the MkDocs plugin drives: it knows which pages to
generate (term pages, indexes, tag pages), what their Markdown is, the JSON
the front end loads, and how to finish a rendered page in two steps: before
the search plugin reads it (write a term page's content and table of contents,
resolve wiki links) and after (link the first mention of each term, add a term
page's generated blocks). The plugin only moves MkDocs objects in and out, so
all of this is testable with plain strings.
"""

from __future__ import annotations

import difflib
import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..demos.embed import DemoSlots
from ..storage import cache_dir
from .autolink import Autolinker, TermMatcher
from .backlinks import MentionIndex
from .cloze_block import ClozeBlocks, GuessStore
from .indexes import IndexBuilder
from .layout import GraphLayout
from .pages import PAGE_SLOT, Heading, HeadingStyle, SiteUrls, TermPageBuilder, slug
from .sanitize import SectionRenderer
from .templating import environment

ASSETS = Path(__file__).parent / "assets"
ASSET_PREFIX = "assets/sslgloss/"
TERM_PREFIX = "terms/"
GLOSSARY_PAGE = "glossary/index.md"
TAGS_PAGE = "tags/index.md"
LEARNING_PATHS_PAGE = "learning-paths.md"
DEMOS_PAGE = "demos.md"
GRAPH_PAGE = "graph.md"
_FRONT_MATTER_RE = re.compile(r"\A---\s*\n(.*?)\n(?:---|\.\.\.)\s*\n", re.DOTALL)
_H1_RE = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.MULTILINE)
_TITLE_RE = re.compile(r"^title:\s*['\"]?(.+?)['\"]?\s*$", re.MULTILINE)


def term_src_uri(term_id: str) -> str:
    return f"{TERM_PREFIX}{term_id}.md"


def tag_src_uri(tag: str) -> str:
    return f"tags/{slug(tag)}.md"


def doc_title(src_uri: str, markdown: str) -> str:
    """The title a hand-written page shows: front matter ``title``, else its first ``#`` heading, else its name."""
    front = _FRONT_MATTER_RE.match(markdown)
    if front:
        found = _TITLE_RE.search(front.group(1))
        if found:
            return found.group(1)
        markdown = markdown[front.end():]
    heading = _H1_RE.search(markdown)
    if heading:
        return re.sub(r"\s*\{.*\}\s*$", "", heading.group(1))
    stem = src_uri.rsplit("/", 1)[-1].removesuffix(".md")
    if stem == "index":
        parent = src_uri.rsplit("/", 2)
        stem = parent[-2] if len(parent) > 1 else "Home"
    return stem.replace("-", " ").replace("_", " ").capitalize()


def strip_front_matter(markdown: str) -> str:
    front = _FRONT_MATTER_RE.match(markdown)
    return markdown[front.end():] if front else markdown


@dataclass
class SiteOptions:
    demos_url: str = "http://127.0.0.1:8501"
    allow_raw_html: bool = False
    autolink: bool = True
    graph_layout_seed: int = 42
    demo_fallbacks: bool = True
    demo_fallback_timeout: float = 180.0
    markdown_extensions: list = field(default_factory=lambda: ["toc", "tables", "fenced_code"])
    mdx_configs: dict = field(default_factory=dict)
    custom_dir: str | None = None  # the theme's custom_dir: its sslgloss/*.html override the packaged templates


@dataclass
class FinishedPage:
    html: str
    unknown_wikilinks: list[tuple[str, str | None]]  # (target, closest id or None)


class GlossarySite:
    """The generated part of the site for one glossary."""

    def __init__(self, glossary, options: SiteOptions, url_of: Callable[[str], str],
                 demo_cache=None, warn: Callable[[str], None] | None = None, prose_cache=None):
        from .sanitize import Sanitizer

        self.glossary = glossary
        self.options = options
        self.url_of = url_of  # src_uri -> site-relative URL (MkDocs' File.url)
        terms = glossary.terms
        self.urls = SiteUrls(terms={t: url_of(term_src_uri(t)) for t in terms})
        titles = {t: term.title for t, term in terms.items()}
        names = {t: term.names for t, term in terms.items()}
        exact = {name for term in terms.values() for name in term.case_sensitive}
        self.text_matcher = TermMatcher(names, exact=exact)
        needs_escaping = any(ch in name for ns in names.values() for name in ns for ch in "&<>")
        self.html_matcher = TermMatcher(names, html_escaped=True, exact=exact) if needs_escaping else self.text_matcher
        self.autolinker = Autolinker(self.html_matcher, titles, autolink=options.autolink)
        self.mentions = MentionIndex(self.text_matcher, titles)
        templates = environment(options.custom_dir)  # the site's custom_dir overrides the packaged templates
        self.demo_slots = DemoSlots(glossary.demos, options.demos_url, demo_cache, options.demo_fallbacks, warn,
                                    timeout=options.demo_fallback_timeout, templates=templates)
        renderer = SectionRenderer(options.markdown_extensions, options.mdx_configs,
                                   Sanitizer(options.allow_raw_html), cache=prose_cache)
        style = HeadingStyle.from_markdown_config(options.markdown_extensions, options.mdx_configs)
        self.cloze = ClozeBlocks(glossary, options.demos_url, GuessStore(cache_dir("site") / "cloze-guesses.json"),
                                 options.demo_fallbacks, warn, timeout=options.demo_fallback_timeout)
        self.pages = TermPageBuilder(glossary, renderer, self.urls, self.mentions, self.demo_slots, headings=style,
                                     templates=templates, cloze=self.cloze)
        self.indexes = IndexBuilder(glossary, self.urls, glossary.demos, options.demos_url, templates=templates)
        self._term_by_src = {term_src_uri(t): t for t in terms}
        self._headings: dict[str, list[Heading]] = {}  # term id -> its page's headings, once per build

    # ------------------------------------------------------------------ inputs

    def add_doc_page(self, src_uri: str, markdown: str) -> None:
        """A hand-written page: scanned for mentions (backlinks) and linkable from term pages."""
        self.urls.pages[f"doc:{src_uri}"] = self.url_of(src_uri)
        if src_uri == GRAPH_PAGE:
            self.urls.pages["graph"] = self.url_of(src_uri)
        self.mentions.add_page(src_uri, doc_title(src_uri, markdown), strip_front_matter(markdown))

    def prepare_demos(self, background: bool = False) -> None:
        """Find the static demo results and the cloze guesses every term page needs (see :meth:`DemoSlots.prepare`)."""
        self.demo_slots.prepare(self.glossary.terms.values(), background=background)
        self.cloze.prepare(self.glossary.terms.values(), background=background)

    def scan_terms(self) -> None:
        for term in self.glossary.terms.values():
            self.mentions.add_page(f"term:{term.id}", term.title, "\n\n".join(term.sections.values()), own_id=term.id)

    # ------------------------------------------------------------------ outputs

    def generated_pages(self) -> dict[str, str]:
        """src_uri -> Markdown of every page the glossary adds to the site."""
        tags = self.indexes.tag_counts()
        pages_urls = self.urls.pages
        for key, src in (("glossary", GLOSSARY_PAGE), ("tags", TAGS_PAGE), ("learning-paths", LEARNING_PATHS_PAGE),
                         ("demos", DEMOS_PAGE)):
            pages_urls[key] = self.url_of(src)
        for tag in tags:
            pages_urls[f"tag:{tag}"] = self.url_of(tag_src_uri(tag))
        pages_urls.setdefault("graph", self.url_of(GRAPH_PAGE))
        out: dict[str, str] = {}
        out[GLOSSARY_PAGE] = self.indexes.glossary_index(pages_urls["glossary"])
        out[TAGS_PAGE] = self.indexes.tags_index(pages_urls["tags"])
        for tag, ids in tags.items():
            out[tag_src_uri(tag)] = self.indexes.tag_page(tag, ids, pages_urls[f"tag:{tag}"])
        out[LEARNING_PATHS_PAGE] = self.indexes.learning_paths(pages_urls["learning-paths"])
        out[DEMOS_PAGE] = self.indexes.demos_page(pages_urls["demos"])
        for term in self.glossary.terms.values():
            out[term_src_uri(term.id)] = self.pages.markdown(term)
        return out

    def terms_json(self) -> str:
        """What hover previews show, keyed by term id."""
        degree = self.glossary.graph.degree
        data = {t.id: {"t": t.title, "s": t.summary, "n": degree(t.id), "u": self.urls.terms[t.id]}
                for t in self.glossary.terms.values()}
        return json.dumps({"version": 1, "terms": data}, ensure_ascii=False, separators=(",", ":"))

    def meaning_json(self) -> str:
        """What the search box's "Closest in meaning" reads (:mod:`.meaning`)."""
        from .meaning import glossary_index

        return glossary_index(self.glossary).to_json()

    def graph_json(self, layout: GraphLayout | None = None) -> str:
        """Nodes with build-time positions, links by relation type, and what the legend and filters need."""
        g = self.glossary.graph
        ids = list(self.glossary.terms)
        index = {t: i for i, t in enumerate(ids)}
        types = list(self.glossary.relation_types)
        type_index = {r.name: i for i, r in enumerate(types)}
        edges = [(u, v) for u, v in g.edges()]
        positions = (layout or GraphLayout(self.options.graph_layout_seed)).positions(ids, edges)
        tags = sorted({tag for t in self.glossary.terms.values() for tag in t.tags})
        tag_index = {t: i for i, t in enumerate(tags)}
        nodes = []
        for t in ids:
            term = self.glossary.terms[t]
            x, y = positions.get(t, (0.5, 0.5))
            nodes.append({"id": t, "t": term.title, "a": term.aliases, "s": term.summary, "x": x, "y": y,
                          "g": [tag_index[tag] for tag in term.tags], "n": g.degree(t), "u": self.urls.terms[t]})
        links = [[index[u], index[v], type_index[k]] for u, v, k in sorted(g.edges(keys=True)) if k in type_index]
        used = {k for _, _, k in g.edges(keys=True)}
        data = {
            "version": 1,
            "nodes": nodes,
            "links": links,
            "types": [{"name": r.name, "label": r.label, "inverse": r.inverse_label, "color": r.color,
                       "used": r.name in used} for r in types],
            "tags": tags,
        }
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    # ------------------------------------------------------------------ finishing pages

    def term_for(self, src_uri: str) -> str | None:
        return self._term_by_src.get(src_uri)

    def headings(self, term_id: str) -> list[Heading]:
        if term_id not in self._headings:
            self._headings[term_id] = self.pages.headings(self.glossary.terms[term_id])
        return self._headings[term_id]

    def toc_tokens(self, src_uri: str) -> list[dict] | None:
        """A term page's table of contents (Python-Markdown toc tokens); None for other pages."""
        term_id = self.term_for(src_uri)
        if term_id is None:
            return None
        return self.pages.toc_tokens(self.headings(term_id))

    def term_meta(self, term_id: str) -> dict:
        return self.pages.meta(self.glossary.terms[term_id])

    def term_content(self, term_id: str, page_url: str) -> str:
        """A term page's title, lead and prose (what search indexes)."""
        return self.pages.content(self.glossary.terms[term_id], page_url, self.headings(term_id))

    def anchor_ids(self, term_id: str) -> set[str]:
        return {h.id for h in self.headings(term_id)}

    def render_page(self, src_uri: str, content: str, page_url: str) -> FinishedPage:
        """Before search indexes the page: resolve wiki links; fill a term page's slot if it has one.

        In a build, term pages are :class:`~sslgloss.site.termpage.TermPage` objects that
        write their content themselves; the slot is there for pages rendered from the
        generated Markdown (e.g. when another plugin replaced the page object).
        """
        term_id = self.term_for(src_uri)
        if term_id is not None and PAGE_SLOT in content:
            content = content.replace(PAGE_SLOT, self.term_content(term_id, page_url), 1)
        result = self.autolinker.link(content, lambda t: self.urls.term(t, page_url), own_id=term_id, mentions=False)
        unknown = []
        for target in dict.fromkeys(result.unknown_wikilinks):
            close = difflib.get_close_matches(target.casefold(), list(self.glossary.terms), n=1, cutoff=0.5)
            unknown.append((target, close[0] if close else None))
        return FinishedPage(result.html, unknown)

    def finish_page(self, src_uri: str, content: str, page_url: str) -> str:
        """After search has indexed the page: link first mentions, add a term page's generated blocks."""
        term_id = self.term_for(src_uri)
        result = self.autolinker.link(content, lambda t: self.urls.term(t, page_url), own_id=term_id,
                                      wikilinks=False)
        if term_id is None:
            return result.html
        return result.html + self.pages.deferred(self.glossary.terms[term_id], page_url, self.headings(term_id))

    @staticmethod
    def asset_files() -> dict[str, Path]:
        """src_uri -> packaged file, for the CSS and JavaScript the site needs."""
        return {ASSET_PREFIX + p.name: p for p in sorted(ASSETS.iterdir()) if p.suffix in (".js", ".css")}


def wikilink_line(source: str, target: str) -> int | None:
    """The line of ``source`` (a page's file, front matter included) where ``[[target`` first appears.

    >>> wikilink_line("---\\ntitle: X\\n---\\n\\nsee [[bret|BERT]]\\n", "bret")
    5
    """
    at = source.find("[[" + html.unescape(target))
    return source.count("\n", 0, at) + 1 if at >= 0 else None


def describe_unknown(where: str, target: str, closest: str | None) -> str:
    hint = f" - did you mean `[[{closest}]]`?" if closest else ""
    return f"{where}: unknown term `{html.unescape(target)}` in a [[...]] link{hint}"
