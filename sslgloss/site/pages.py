"""Term pages: written as HTML by us, with only their front matter going through MkDocs' Markdown.

MkDocs renders a term page's Markdown (front matter and one slot comment, so
next to nothing) and :class:`TermPageBuilder` then writes the page itself: the
headings (with ids and permalinks as the site's ``toc`` extension would write
them) and the table of contents MkDocs and the search plugin read, the lead,
and each section's prose, rendered on its own and sanitised (see sanitize.py).
Writing the headings ourselves spares a second Markdown pass per page, which
cost as much as rendering the prose. The prose never passes through the page's
own Markdown, so nothing in it can break the page around it.

The page is built in two steps: :meth:`TermPageBuilder.content` (title, lead,
sections: what search indexes) when MkDocs renders the page, and
:meth:`TermPageBuilder.deferred` (the "Test yourself" block, the live demo, related terms with the local
graph, the learning path, the pages that mention the term, the references),
appended after the search plugin has read the page: those blocks are excluded
from search anyway, and keeping them out of its way spares it most of each
page's markup.
"""

from __future__ import annotations

import functools
import html
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import jinja2
from markdown.extensions.toc import slugify as default_slugify
from markdown.extensions.toc import unique
from markupsafe import Markup

from .. import graph as graph_queries
from .backlinks import MentionIndex
from .localgraph import Spoke, local_graph
from .search_words import search_keywords
from .sanitize import SectionRenderer
from .templating import environment

PAGE_SLOT = "<!--sslgloss:page-->"
# the generated blocks after the prose: (slot, heading, fixed id), in page order
BLOCKS = (("cloze", "Test yourself", "test-yourself"), ("demos", "Try it live", "try-it-live"),
          ("related", "Related terms", "related-terms"), ("path", "Learning path", "learning-path"),
          ("mentions", "Mentioned in", "mentioned-in"), ("references", "References", "references"))
MAX_BACKLINKS = 60
SHOWN_BACKLINKS = 6


def heading_text(text: str) -> str:
    """A section title made safe for a Markdown heading (untrusted files may name odd sections).

    >>> heading_text("Why it *matters* <b>")
    'Why it matters b'
    """
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s,'’()-]", "", text)).strip() or "Section"


def front_matter(meta: dict) -> str:
    """YAML front matter written as JSON values (valid YAML, and ~50x faster than yaml.safe_dump).

    >>> front_matter({"title": 'Q: "x"', "search": {"exclude": True}})
    '---\\ntitle: "Q: \\\\"x\\\\""\\nsearch: {"exclude": true}\\n---\\n\\n'
    """
    lines = [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in meta.items()]
    return "---\n" + "\n".join(lines) + "\n---\n\n"


def letter_of(title: str) -> str:
    """The index letter of a title: A-Z for Latin letters (accents dropped), '0-9' for digits, else the character.

    >>> letter_of("Élan"), letter_of("word2vec"), letter_of("2-gram"), letter_of("Жук")
    ('E', 'W', '0-9', 'Ж')
    """
    import unicodedata

    for ch in title.strip():
        if ch.isdigit():
            return "0-9"
        if ch.isalpha():
            base = unicodedata.normalize("NFKD", ch)[0].upper()
            return base if "A" <= base <= "Z" else ch.upper()
    return "#"


def slug(text: str) -> str:
    """An anchor/file name for a letter or tag (ASCII letters and digits kept, others hex-encoded)."""
    out = []
    for ch in text.lower():
        out.append(ch if (ch.isascii() and ch.isalnum()) or ch == "-" else f"u{ord(ch):04x}")
    return "".join(out) or "other"


@functools.lru_cache(maxsize=4096)
def _folders_of(from_url: str) -> tuple[str, ...]:
    folder = from_url if from_url.endswith("/") else from_url.rpartition("/")[0]
    return tuple(part for part in folder.split("/") if part)


def _relative_url(target: str, from_url: str) -> str:
    """MkDocs' get_relative_url for site URLs, 20x faster (it runs for every link of every page).

    >>> _relative_url("terms/bert/", "terms/gpt/"), _relative_url("", "terms/gpt/"), _relative_url("terms/a.html", "index.html")
    ('../bert/', '../../', 'terms/a.html')
    """
    here = _folders_of(from_url)
    *folders, leaf = target.split("/")
    common = 0
    while common < len(here) and common < len(folders) and here[common] == folders[common]:
        common += 1
    rel = "../" * (len(here) - common) + "".join(f + "/" for f in folders[common:]) + leaf
    return rel or "./"


@dataclass
class SiteUrls:
    """Site-relative URLs of the pages links point at (as MkDocs' File.url)."""

    terms: dict[str, str] = field(default_factory=dict)
    pages: dict[str, str] = field(default_factory=dict)  # "glossary", "tags", "tag:<tag>", "doc:<src_uri>", ...
    # the page being written links to the same terms from its text, its graph and its lists
    _from: str | None = field(default=None, init=False, repr=False, compare=False)
    _memo: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def relative(self, target: str | None, from_url: str) -> str:
        # "" is the site root (the home page's URL); None is a page that does not exist
        if target is None:
            return "#"
        if from_url != self._from:
            self._from, self._memo = from_url, {}
        found = self._memo.get(target)
        if found is None:
            found = self._memo[target] = _relative_url(target, from_url)
        return found

    def term(self, term_id: str, from_url: str) -> str:
        return self.relative(self.terms.get(term_id), from_url)

    def page(self, key: str, from_url: str) -> str:
        return self.relative(self.pages.get(key), from_url)


_TOC_NAMES = ("toc", "markdown.extensions.toc")


@dataclass(frozen=True)
class HeadingStyle:
    """How the site's ``toc`` extension writes headings (ids, permalinks, depth), so term pages match.

    >>> style = HeadingStyle.from_markdown_config(["toc"], {"toc": {"permalink": True}})
    >>> style.html(2, "why-it-matters", "Why it matters")
    '<h2 id="why-it-matters">Why it matters<a class="headerlink" href="#why-it-matters" title="Permanent link">&para;</a></h2>'
    """

    toc: bool = False  # without the toc extension MkDocs shows no table of contents
    permalink: bool | str = False
    permalink_class: str = "headerlink"
    permalink_title: str = "Permanent link"
    permalink_leading: bool = False
    slugify: Callable[[str, str], str] = default_slugify
    separator: str = "-"
    base_level: int = 0
    toc_top: int = 1
    toc_bottom: int = 6

    @classmethod
    def from_markdown_config(cls, extensions: Iterable[Any], configs: Mapping[str, Any]) -> HeadingStyle:
        options: dict | None = None
        for ext in extensions:
            if isinstance(ext, str) and ext in _TOC_NAMES:
                options = dict(configs.get(ext) or {})
            elif type(ext).__name__ == "TocExtension":
                options = {k: v[0] for k, v in ext.config.items()}
        if options is None:
            return cls()
        depth = options.get("toc_depth", 6)
        if isinstance(depth, str) and "-" in depth:
            top, bottom = (int(x) for x in depth.split("-"))
        else:
            top, bottom = 1, int(depth)
        permalink = options.get("permalink", False)
        return cls(toc=True, permalink=permalink if permalink not in (None, "") else False,
                   permalink_class=options.get("permalink_class", "headerlink"),
                   permalink_title=options.get("permalink_title", "Permanent link"),
                   permalink_leading=bool(options.get("permalink_leading", False)),
                   slugify=options.get("slugify") or default_slugify, separator=options.get("separator", "-"),
                   base_level=int(options.get("baselevel", 1)) - 1, toc_top=top, toc_bottom=bottom)

    def level(self, level: int) -> int:
        return min(6, level + self.base_level)

    def in_toc(self, level: int) -> bool:
        return self.toc and self.toc_top <= self.level(level) <= self.toc_bottom

    def html(self, level: int, heading_id: str, text_html: str) -> str:
        tag = f"h{self.level(level)}"
        if self.permalink is False:
            inner = text_html
        else:
            mark = "&para;" if self.permalink is True else html.escape(str(self.permalink), quote=False)
            title = f' title="{html.escape(self.permalink_title)}"' if self.permalink_title else ""
            link = f'<a class="{html.escape(self.permalink_class)}" href="#{html.escape(heading_id)}"{title}>{mark}</a>'
            inner = link + text_html if self.permalink_leading else text_html + link
        return f'<{tag} id="{html.escape(heading_id)}">{inner}</{tag}>'


@dataclass(frozen=True)
class Heading:
    """A ``##`` heading of a term page: ``slot`` is "section:<i>" or one of BLOCKS."""

    slot: str
    id: str
    text: str


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


class TermLink(NamedTuple):
    """A link to a term page, as the templates print it (``term_link`` in ``sslgloss/macros.html``)."""

    href: str  # relative to the page it is on
    id: str
    title: str
    summary: str = ""


class TermPageBuilder:
    """Builds the skeleton, the headings and the HTML of each term page.

    The HTML comes from the ``sslgloss/term-*.html`` templates of ``templates`` (by
    default the packaged ones, see :mod:`sslgloss.site.templating`); this class
    works out what they show.
    """

    def __init__(self, glossary, renderer: SectionRenderer, urls: SiteUrls, mentions: MentionIndex | None = None,
                 demo_slots=None, headings: HeadingStyle | None = None, templates: jinja2.Environment | None = None,
                 cloze=None):
        self.glossary = glossary
        self.renderer = renderer
        self.urls = urls
        self.mentions = mentions
        self.demo_slots, self.cloze = demo_slots, cloze  # cloze: the "Test yourself" blocks (cloze_block.py)
        self.style = headings or HeadingStyle(toc=True)
        env = templates or environment()
        self._templates = {name: env.get_template(f"sslgloss/term-{name}.html")
                           for name in ("content", "cloze", "demos", "related", "path", "mentions", "references")}
        self._label_colors: dict[str, tuple[str, str]] = {}
        for rtype in glossary.relation_types:
            self._label_colors.setdefault(rtype.label, (rtype.color, rtype.name))
            if rtype.inverse_label:
                self._label_colors.setdefault(rtype.inverse_label, (rtype.color, rtype.name))

    # ------------------------------------------------------------------ skeleton and headings

    @staticmethod
    def meta(term) -> dict:
        """The page's metadata (MkDocs' ``page.meta``): title, description, search boost and keywords.

        mkdocs-material's search gives a page's ``tags`` the highest weight of its fields (10^6
        against 10^3 for titles), so the words of the term's names go there (:func:`search_keywords`):
        searching an alias, an abbreviation or a plural finds the term's page before the pages
        that only mention it. The site
        has no tags plugin, so they show nowhere else (sslgloss.css hides them in results).
        """
        return {
            "title": html.escape(term.title),  # templates print it unescaped
            "description": html.escape(term.summary),
            "sslgloss_term": term.id,
            "search": {"boost": 2},
            "tags": search_keywords(term.title, term.aliases),
        }

    def markdown(self, term) -> str:
        """The page's Markdown: its metadata as front matter, and a slot for the HTML written later."""
        return front_matter(self.meta(term)) + PAGE_SLOT + "\n"

    def headings(self, term) -> list[Heading]:
        """The page's ``##`` headings in order: the prose sections, then the generated blocks it has."""
        shown = {
            "cloze": self.cloze is not None and bool(self.cloze.blanks(term)),
            "demos": bool(term.demos),
            "related": True,
            "path": len(graph_queries.learning_path(self.glossary, term.id)) > 1,
            "mentions": self.mentions is not None and self.mentions.has_mentions(term.id),
            "references": bool(term.references),
        }
        used = {fixed for slot, _, fixed in BLOCKS if shown[slot]}  # fixed ids win, sections step aside
        out = []
        for i, title in enumerate(term.sections):
            text = heading_text(title)
            out.append(Heading(f"section:{i}", unique(self.style.slugify(text, self.style.separator), used), text))
        out += [Heading(slot, fixed, text) for slot, text, fixed in BLOCKS if shown[slot]]
        return out

    def toc_tokens(self, headings: list[Heading]) -> list[dict]:
        """The table of contents as Python-Markdown's toc extension reports it (mkdocs ``get_toc`` input)."""
        return [{"level": self.style.level(2), "id": h.id, "name": html.escape(h.text), "children": []}
                for h in headings if self.style.in_toc(2)]

    # ------------------------------------------------------------------ the page

    def _heading_html(self, heading: Heading) -> Markup:
        return Markup(self.style.html(2, heading.id, html.escape(heading.text)))

    def content(self, term, page_url: str, headings: list[Heading] | None = None) -> str:
        """Title, lead and prose sections: the part of the page search indexes."""
        headings = headings if headings is not None else self.headings(term)
        rendered = self.renderer.render_all(list(term.sections.values()))
        sections = [(self._heading_html(h), Markup(rendered[int(h.slot[8:])]))
                    for h in headings if h.slot.startswith("section:")]
        return self._templates["content"].render(term=term, lead=self._lead(term, page_url), sections=sections)

    def deferred(self, term, page_url: str, headings: list[Heading] | None = None) -> str:
        """The generated blocks after the prose, each under its heading (not indexed by search)."""
        headings = headings if headings is not None else self.headings(term)
        parts = []
        for heading in headings:
            if not heading.slot.startswith("section:"):
                block = getattr(self, f"_{heading.slot}")(term, page_url)
                parts.append(f"{self._heading_html(heading)}\n{block}\n")
        return "".join(parts)

    def _link(self, term_id: str, page_url: str) -> TermLink:
        term = self.glossary.terms[term_id]
        return TermLink(self.urls.term(term_id, page_url), term_id, term.title)

    def _sort_key(self, term_id: str) -> str:
        return self.glossary.terms[term_id].title.casefold()

    def _lead(self, term, page_url: str) -> dict:
        letter = letter_of(term.title)
        return {
            "glossary_url": self.urls.page("glossary", page_url),
            "letter": letter,
            "letter_anchor": slug(letter),
            "tags": [(t, self.urls.page("tag:" + t, page_url)) for t in term.tags],
            "plugin": term.plugin if term.plugin and term.plugin != "core" else None,
        }

    def _related(self, term, page_url: str) -> str:
        groups, spokes = [], []
        degree = self.glossary.graph.degree
        for label, ids in graph_queries.related_groups(self.glossary, term.id):
            color, _name = self._label_colors.get(label, ("#888888", ""))
            links = [self._link(i, page_url) for i in sorted(ids, key=self._sort_key)]
            groups.append({"color": color, "label": _capital(label), "links": links})
            spokes += [Spoke(i, self.glossary.terms[i].title, label, color, degree(i)) for i in ids]
        graph = local_graph(term.title, spokes, lambda i: self.urls.term(i, page_url))
        return self._templates["related"].render(title=term.title, term_id=term.id, groups=groups, graph=graph,
                                                 graph_url=self.urls.page("graph", page_url))

    def _path(self, term, page_url: str) -> str:
        steps = [self._link(step, page_url) for step in graph_queries.learning_path(self.glossary, term.id)]
        return self._templates["path"].render(term_id=term.id, steps=steps)

    def _mentions(self, term, page_url: str) -> str:
        found = self.mentions.mentions_of(term.id) if self.mentions else []
        listed = []
        for backlink in found[:MAX_BACKLINKS]:
            if backlink.source.startswith("term:"):
                term_id = backlink.source[5:]
                href = self.urls.term(term_id, page_url)
            else:
                term_id = None
                href = self.urls.page("doc:" + backlink.source, page_url)
            listed.append({"href": href, "term_id": term_id, "title": backlink.title,
                           "sentence": Markup(backlink.sentence_html)})
        return self._templates["mentions"].render(
            shown=listed[:SHOWN_BACKLINKS], rest=listed[SHOWN_BACKLINKS:], more=len(found) - SHOWN_BACKLINKS,
            beyond=max(len(found) - MAX_BACKLINKS, 0))

    def _demos(self, term, page_url: str) -> str:
        if not self.demo_slots:
            return ""
        return self._templates["demos"].render(slot=Markup(self.demo_slots.render(term, term.path or term.id)))

    def _cloze(self, term, page_url: str) -> str:
        return self._templates["cloze"].render(**self.cloze.context(term))

    def _references(self, term, page_url: str) -> str:
        return self._templates["references"].render(references=term.references)
