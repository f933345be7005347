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
:meth:`TermPageBuilder.deferred` (the live demo, related terms with the local
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
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping

from markdown.extensions.toc import slugify as default_slugify
from markdown.extensions.toc import unique

from .backlinks import MentionIndex
from .localgraph import Spoke, local_graph_svg
from .sanitize import SectionRenderer

PAGE_SLOT = "<!--sslgloss:page-->"
# the generated blocks after the prose: (slot, heading, fixed id), in page order
BLOCKS = (("demos", "Try it live", "try-it-live"), ("related", "Related terms", "related-terms"),
          ("path", "Learning path", "learning-path"), ("mentions", "Mentioned in", "mentioned-in"),
          ("references", "References", "references"))
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
    def from_markdown_config(cls, extensions: Iterable[Any], configs: Mapping[str, Any]) -> "HeadingStyle":
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


class TermPageBuilder:
    """Builds the skeleton, the headings and the HTML of each term page."""

    def __init__(self, glossary, renderer: SectionRenderer, urls: SiteUrls, mentions: MentionIndex | None = None,
                 demo_slots=None, learning_path: Callable[[str], list[str]] | None = None,
                 neighbours: Callable[[str], list[tuple[str, list[str]]]] | None = None,
                 headings: HeadingStyle | None = None):
        from .. import graph as graph_queries

        self.glossary = glossary
        self.renderer = renderer
        self.urls = urls
        self.mentions = mentions
        self.demo_slots = demo_slots
        self.learning_path = learning_path or (lambda t: graph_queries.learning_path(glossary, t))
        self.neighbours = neighbours or (lambda t: graph_queries.neighbours(glossary, t))
        self.style = headings or HeadingStyle(toc=True)
        self._titles_html: dict[str, str] = {}
        self._label_colors: dict[str, tuple[str, str]] = {}
        for rtype in glossary.relation_types:
            self._label_colors.setdefault(rtype.label, (rtype.color, rtype.name))
            if rtype.inverse_label:
                self._label_colors.setdefault(rtype.inverse_label, (rtype.color, rtype.name))

    # ------------------------------------------------------------------ skeleton and headings

    @staticmethod
    def meta(term) -> dict:
        """The page's metadata (MkDocs' ``page.meta``): title, description, search boost."""
        return {
            "title": html.escape(term.title),  # templates print it unescaped
            "description": html.escape(term.summary),
            "sslgloss_term": term.id,
            "search": {"boost": 2},
        }

    def markdown(self, term) -> str:
        """The page's Markdown: its metadata as front matter, and a slot for the HTML written later."""
        return front_matter(self.meta(term)) + PAGE_SLOT + "\n"

    def headings(self, term) -> list[Heading]:
        """The page's ``##`` headings in order: the prose sections, then the generated blocks it has."""
        shown = {
            "demos": bool(term.demos),
            "related": True,
            "path": len(self.learning_path(term.id)) > 1,
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

    def content(self, term, page_url: str, headings: list[Heading] | None = None) -> str:
        """Title, lead and prose sections: the part of the page search indexes."""
        headings = headings if headings is not None else self.headings(term)
        rendered = self.renderer.render_all(list(term.sections.values()))
        parts = [f"<h1>{html.escape(term.title)}</h1>\n", self._lead(term, page_url), "\n"]
        for heading in headings:
            if heading.slot.startswith("section:"):
                prose = rendered[int(heading.slot[8:])]
                parts.append(f'{self.style.html(2, heading.id, html.escape(heading.text))}\n'
                             f'<div class="sslgloss-prose">{prose}</div>\n')
        return "".join(parts)

    def deferred(self, term, page_url: str, headings: list[Heading] | None = None) -> str:
        """The generated blocks after the prose, each under its heading (not indexed by search)."""
        headings = headings if headings is not None else self.headings(term)
        parts = []
        for heading in headings:
            if not heading.slot.startswith("section:"):
                block = getattr(self, f"_{heading.slot}")(term, page_url)
                parts.append(f"{self.style.html(2, heading.id, html.escape(heading.text))}\n{block}\n")
        return "".join(parts)

    def _title_html(self, term_id: str) -> str:
        found = self._titles_html.get(term_id)
        if found is None:
            found = self._titles_html[term_id] = html.escape(self.glossary.terms[term_id].title)
        return found

    def _term_link(self, term_id: str, page_url: str, cls: str = "sslgloss-chip") -> str:
        return (f'<a class="{cls}" href="{html.escape(self.urls.term(term_id, page_url))}" '
                f'data-term="{html.escape(term_id)}">{self._title_html(term_id)}</a>')

    def _sort_key(self, term_id: str) -> str:
        return self.glossary.terms[term_id].title.casefold()

    def _lead(self, term, page_url: str) -> str:
        esc = html.escape
        letter = letter_of(term.title)
        crumbs = (f'<nav class="sslgloss-crumbs" aria-label="Breadcrumb"><a href="{esc(self.urls.page("glossary", page_url))}">'
                  f'Glossary</a> › <a href="{esc(self.urls.page("glossary", page_url))}#{slug(letter)}">{esc(letter)}</a></nav>')
        facts = []
        if term.aliases:
            facts.append("<dt>Also known as</dt><dd>" + ", ".join(f"<span>{esc(a)}</span>" for a in term.aliases) + "</dd>")
        if term.tags:
            chips = " ".join(f'<a class="sslgloss-tag" href="{esc(self.urls.page("tag:" + t, page_url))}">{esc(t)}</a>'
                             for t in term.tags)
            facts.append(f"<dt>Tags</dt><dd>{chips}</dd>")
        if term.plugin and term.plugin != "core":
            facts.append(f"<dt>From plugin</dt><dd><code>{esc(term.plugin)}</code></dd>")
        facts_html = f'<dl class="sslgloss-facts sslgloss-nolink">{"".join(facts)}</dl>' if facts else ""
        return (f'<div class="sslgloss-lead">{crumbs}<p class="sslgloss-summary">{esc(term.summary)}</p>'
                f"{facts_html}</div>")

    def _related(self, term, page_url: str) -> str:
        esc = html.escape
        groups = self.neighbours(term.id)
        if not groups:
            return '<p class="sslgloss-empty">No related terms yet.</p>'
        rows, spokes = [], []
        degree = self.glossary.graph.degree
        for label, ids in groups:
            color, _name = self._label_colors.get(label, ("#888888", ""))
            links = " ".join(self._term_link(i, page_url) for i in sorted(ids, key=self._sort_key))
            rows.append(f'<div><dt><span class="sslgloss-swatch" style="background:{esc(color)}"></span>'
                        f"{esc(_capital(label))}</dt><dd>{links}</dd></div>")
            spokes += [Spoke(i, self.glossary.terms[i].title, label, color, degree(i)) for i in ids]
        svg = local_graph_svg(term.title, spokes, lambda i: self.urls.term(i, page_url))
        figure = (f'<figure class="sslgloss-local">{svg}<figcaption>{esc(term.title)} and its neighbours. '
                  f'<a href="{esc(self.urls.page("graph", page_url))}#{esc(term.id)}">See it in the whole graph</a>'
                  f"</figcaption></figure>") if svg else ""
        return (f'<div class="sslgloss-related sslgloss-nolink">{figure}'
                f'<dl class="sslgloss-groups">{"".join(rows)}</dl></div>')

    def _path(self, term, page_url: str) -> str:
        steps = self.learning_path(term.id)
        items = []
        for i, step in enumerate(steps):
            if step == term.id:
                items.append(f'<li aria-current="page"><span class="sslgloss-path__here">{html.escape(term.title)}</span></li>')
            else:
                items.append(f"<li>{self._term_link(step, page_url, 'sslgloss-path__link')}</li>")
        return (f'<div class="sslgloss-nolink"><p class="sslgloss-path__intro">Read these first, in this order '
                f"({len(steps) - 1} prerequisite{'s' if len(steps) != 2 else ''}):</p>"
                f'<ol class="sslgloss-path">{"".join(items)}</ol></div>')

    def _mentions(self, term, page_url: str) -> str:
        found = self.mentions.mentions_of(term.id) if self.mentions else []
        items = []
        for backlink in found[:MAX_BACKLINKS]:
            if backlink.source.startswith("term:"):
                href = self.urls.term(backlink.source[5:], page_url)
                data = f' data-term="{html.escape(backlink.source[5:])}"'
            else:
                href = self.urls.page("doc:" + backlink.source, page_url)
                data = ""
            items.append(f'<li><a href="{html.escape(href)}"{data}>{html.escape(backlink.title)}</a>'
                         f'<blockquote>{backlink.sentence_html}</blockquote></li>')
        first, rest = items[:SHOWN_BACKLINKS], items[SHOWN_BACKLINKS:]
        out = f'<ul class="sslgloss-mentions">{"".join(first)}</ul>'
        if rest:
            more = len(found) - SHOWN_BACKLINKS
            out += (f'<details class="sslgloss-more"><summary>{more} more page{"s" if more != 1 else ""}</summary>'
                    f'<ul class="sslgloss-mentions">{"".join(rest)}</ul>'
                    + (f"<p>…and {len(found) - MAX_BACKLINKS} more.</p>" if len(found) > MAX_BACKLINKS else "")
                    + "</details>")
        return f'<div class="sslgloss-nolink">{out}</div>'

    def _demos(self, term, page_url: str) -> str:
        if not self.demo_slots:
            return ""
        return f'<div class="sslgloss-demos sslgloss-nolink">{self.demo_slots.render(term, term.path or term.id)}</div>'

    def _references(self, term, page_url: str) -> str:
        esc = html.escape
        items = []
        for ref in term.references:
            venue = f" <span class=\"sslgloss-ref__venue\">{esc(ref.venue)}.</span>" if ref.venue else ""
            items.append(f'<li><span class="sslgloss-ref__authors">{esc(ref.authors)}</span> '
                         f'<span class="sslgloss-ref__year">({ref.year}).</span> '
                         f'<a class="sslgloss-ref__title" href="{esc(ref.url)}" rel="noopener noreferrer">{esc(ref.title)}</a>.'
                         f"{venue}</li>")
        return f'<ol class="sslgloss-refs sslgloss-nolink">{"".join(items)}</ol>'
