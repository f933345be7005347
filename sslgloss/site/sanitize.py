"""Rendering untrusted term prose: each section on its own, then sanitised with nh3.

Term files come from plugins anyone can publish, so their prose is untrusted.
Each section is rendered to HTML separately (an unclosed code fence, a broken
table or a stray ``<div>`` cannot leak into the next section or into the
page around it), then cleaned with nh3 (ammonia): a conservative set of tags,
no scripts or styles, no event handlers, no ``javascript:`` or ``data:`` URLs,
no iframes, no ids (an id could clobber the theme's own, e.g. ``__config``).
The site owner may trust their plugins with ``allow_raw_html: true``.

Rendering is the largest cost of a term page, so rendered prose is kept by
content hash (:class:`ProseCache`): in memory across ``mkdocs serve`` rebuilds
and in one file in the cache folder across builds.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from importlib import metadata
from pathlib import Path
from typing import Any, Iterable, Mapping

import markdown
import nh3

from ..storage import try_atomic_write

PROSE_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "details", "div", "dl", "dt",
    "em", "figcaption", "figure", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p",
    "pre", "q", "s", "samp", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "u", "ul", "var",
})
_CLASSED = ("div", "span", "code", "pre", "p", "details", "summary", "table", "ol", "ul", "li", "dl")
PROSE_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start", "class"},
    "td": {"colspan", "rowspan", "style"},
    "th": {"colspan", "rowspan", "scope", "style"},
    "details": {"open", "class"},
    **{tag: {"class"} for tag in _CLASSED if tag not in ("ol", "details")},
}
# Removed together with their content, not just unwrapped.
DROP_WITH_CONTENT = frozenset({"script", "style", "iframe", "object", "embed", "template", "noscript", "textarea",
                               "select", "svg", "math"})

# Python-Markdown extensions that are safe and meaningful for isolated term prose. Left out on
# purpose: toc (ids), footnotes and tabbed (need ids across sections), emoji (inline SVG),
# snippets (reads files from disk), arithmatex (needs a script).
SAFE_EXTENSIONS = frozenset({
    "tables", "fenced_code", "admonition", "attr_list", "def_list", "abbr", "md_in_html", "sane_lists", "smarty",
    "nl2br", "codehilite",
    "markdown.extensions.tables", "markdown.extensions.fenced_code", "markdown.extensions.admonition",
    "markdown.extensions.attr_list", "markdown.extensions.def_list", "markdown.extensions.abbr",
    "markdown.extensions.md_in_html", "markdown.extensions.sane_lists", "markdown.extensions.smarty",
    "markdown.extensions.codehilite",
    "pymdownx.superfences", "pymdownx.highlight", "pymdownx.inlinehilite", "pymdownx.details", "pymdownx.betterem",
    "pymdownx.mark", "pymdownx.tilde", "pymdownx.caret", "pymdownx.keys", "pymdownx.smartsymbols",
    "pymdownx.saneheaders", "pymdownx.magiclink", "pymdownx.escapeall", "pymdownx.tasklist",
})


class Sanitizer:
    """Cleans HTML from term prose (conservative) or passes it through when raw HTML is allowed.

    >>> Sanitizer().clean('<p onclick="x()">Hi<script>alert(1)</script> <a href="javascript:alert(1)">x</a></p>')
    '<p>Hi <a rel="noopener noreferrer">x</a></p>'
    """

    def __init__(self, allow_raw_html: bool = False):
        self.allow_raw_html = allow_raw_html
        self._cleaner = nh3.Cleaner(
            tags=set(PROSE_TAGS),
            clean_content_tags=set(DROP_WITH_CONTENT),
            attributes={k: set(v) for k, v in PROSE_ATTRIBUTES.items()},
            url_schemes={"http", "https", "mailto"},
            filter_style_properties={"text-align"},  # what Markdown tables put on cells
            link_rel="noopener noreferrer",
            strip_comments=True,
        )

    def clean(self, fragment: str) -> str:
        if self.allow_raw_html:
            return fragment
        return self._cleaner.clean(fragment)


def _fallback_attribute(tag: str, attr: str, value: str) -> str | None:
    """Demo fallbacks may show images as data URIs, but only images, only on <img>."""
    if attr in ("href", "src") and value.strip().lower().startswith("data:"):
        if tag == "img" and attr == "src" and value.strip().lower().startswith("data:image/"):
            return value
        return None
    return value


class FallbackSanitizer:
    """Cleans the static result a demo plugin computed: like prose, plus inline styles for bars and images."""

    def __init__(self) -> None:
        attributes = {k: set(v) | {"style", "class"} for k, v in PROSE_ATTRIBUTES.items()}
        for tag in PROSE_TAGS:
            attributes.setdefault(tag, set()).update({"style", "class", "title"})
        attributes["meter"] = {"value", "min", "max", "low", "high", "optimum"}
        attributes["progress"] = {"value", "max"}
        self._cleaner = nh3.Cleaner(
            tags=set(PROSE_TAGS) | {"meter", "progress", "h2", "section", "figure", "figcaption"},
            clean_content_tags=set(DROP_WITH_CONTENT),
            attributes=attributes,
            attribute_filter=_fallback_attribute,
            url_schemes={"http", "https", "mailto", "data"},
            filter_style_properties={
                "width", "height", "max-width", "min-width", "background", "background-color", "color",
                "opacity", "text-align", "font-weight", "font-style", "font-size", "display", "gap", "margin",
                "padding", "border", "border-radius", "vertical-align", "white-space", "image-rendering",
                "grid-template-columns", "flex", "flex-wrap", "align-items", "justify-content",
            },
            strip_comments=True,
        )

    def clean(self, fragment: str) -> str:
        return self._cleaner.clean(fragment)


def safe_extensions(extensions: Iterable[Any], configs: Mapping[str, Any]) -> tuple[list[Any], dict[str, Any]]:
    """The subset of the site's Markdown extensions used for term prose, with their configs."""
    chosen: list[Any] = []
    for ext in extensions:
        name = ext if isinstance(ext, str) else f"{type(ext).__module__}"
        if isinstance(ext, str) and ext in SAFE_EXTENSIONS:
            chosen.append(ext)
        elif not isinstance(ext, str) and name in SAFE_EXTENSIONS:
            chosen.append(ext)
    chosen_names = {e for e in chosen if isinstance(e, str)}
    chosen_configs = {k: v for k, v in configs.items() if k in chosen_names}
    if isinstance(chosen_configs.get("pymdownx.highlight"), Mapping):  # line anchors need ids, which prose may not have
        chosen_configs["pymdownx.highlight"] = {k: v for k, v in chosen_configs["pymdownx.highlight"].items()
                                                if k != "anchor_linenums"}
    return chosen, chosen_configs


CACHE_VERSION = "2"


class ProseCache:
    """Rendered sections by content hash, kept in memory and (when ``path`` is set) in a JSON file.

    :meth:`save` writes only the entries used since the last save, so the file holds the
    current glossary and does not grow with every edit.
    """

    def __init__(self, path: Path | None = None):
        self.path = path
        self._entries: dict[str, list[str]] | None = None
        self._used: set[str] = set()
        self._added = False

    def _load(self) -> dict[str, list[str]]:
        if self._entries is None:
            self._entries = {}
            if self.path is not None:
                try:
                    stored = json.loads(self.path.read_text(encoding="utf-8"))
                    if stored.get("version") == CACHE_VERSION:
                        self._entries = stored["entries"]
                except (OSError, ValueError, KeyError, AttributeError):
                    pass  # a missing or damaged cache only costs time
        return self._entries

    def get(self, key: str) -> list[str] | None:
        found = self._load().get(key)
        if found is not None:
            self._used.add(key)
        return found

    def put(self, key: str, value: list[str]) -> None:
        self._load()[key] = value
        self._used.add(key)
        self._added = True

    def save(self) -> None:
        """Keep what this build used (in memory and on disk); forget the rest."""
        entries = self._load()
        changed = self._added or len(self._used) != len(entries)
        self._entries = {k: entries[k] for k in self._used if k in entries}
        self._used, self._added = set(), False
        if not changed or self.path is None:
            return
        try_atomic_write(self.path, json.dumps({"version": CACHE_VERSION, "entries": self._entries},
                                               ensure_ascii=False))


def _versions(*names: str) -> str:
    out = []
    for name in names:
        try:
            out.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            out.append(f"{name}=-")
    return ",".join(out)


class SectionRenderer:
    """Markdown -> sanitised HTML, one section at a time, with one reused Markdown instance.

    >>> r = SectionRenderer()
    >>> r.render("| a |\\n|---|\\n| <b onmouseover=x>1</b> |")
    '<table>\\n<thead>\\n<tr>\\n<th>a</th>\\n</tr>\\n</thead>\\n<tbody>\\n<tr>\\n<td><b>1</b></td>\\n</tr>\\n</tbody>\\n</table>'
    """

    def __init__(self, extensions: Iterable[Any] = ("tables", "fenced_code"), configs: Mapping[str, Any] | None = None,
                 sanitizer: Sanitizer | None = None, cache: ProseCache | None = None):
        exts, cfgs = safe_extensions(extensions, configs or {})
        self._md = markdown.Markdown(extensions=exts, extension_configs=cfgs)
        self.sanitizer = sanitizer or Sanitizer()
        self._token = secrets.token_hex(8)
        self.cache = cache
        # what the output depends on besides the text; a config holding objects without a
        # stable repr (addresses) only makes the disk cache miss, never return wrong HTML
        signature = repr((CACHE_VERSION, [e if isinstance(e, str) else type(e).__module__ for e in exts],
                          sorted(cfgs.items()), self.sanitizer.allow_raw_html,
                          _versions("markdown", "pymdown-extensions", "nh3", "pygments")))
        self._signature = hashlib.sha256(signature.encode()).hexdigest()[:16]

    def render(self, text: str) -> str:
        html = self._md.reset().convert(text)
        return self.sanitizer.clean(html)

    def render_all(self, texts: list[str]) -> list[str]:
        """Render several sections, each isolated from the others, in one Markdown pass when possible.

        The sections are joined with separator paragraphs that no term can contain (a random
        token per renderer). If every separator comes out as its own top-level paragraph, no
        section reached into the next one and the output is split there; otherwise (an
        unclosed fence or HTML block swallowed a separator) each section is rendered alone.
        Either way every section is sanitised on its own, so open tags cannot leak either.
        """
        if self.cache is None:
            return self._render_all(texts)
        digest = hashlib.sha256(self._signature.encode())
        for text in texts:
            digest.update(b"\0" + text.encode())
        key = digest.hexdigest()[:32]
        found = self.cache.get(key)
        if found is None or len(found) != len(texts):
            found = self._render_all(texts)
            self.cache.put(key, found)
        return list(found)

    def _render_all(self, texts: list[str]) -> list[str]:
        if len(texts) < 2:
            return [self.render(t) for t in texts]
        separators = [f"sslglossseparator{self._token}n{i}" for i in range(len(texts) - 1)]
        joined = texts[0] + "".join(f"\n\n{sep}\n\n{text}" for sep, text in zip(separators, texts[1:]))
        html = self._md.reset().convert(joined)
        parts = re.split(rf"<p>sslglossseparator{self._token}n\d+</p>\n?", html)
        if len(parts) != len(texts) or html.count(f"sslglossseparator{self._token}") != len(separators):
            return [self.render(t) for t in texts]
        return [self.sanitizer.clean(part.strip()) for part in parts]
