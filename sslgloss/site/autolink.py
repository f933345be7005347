"""Autolinking: turn mentions of term names, and ``[[id]]`` wiki links, into links to the terms.

Why HTML and not Markdown: the autolinker runs on the HTML of each page
(``on_page_content``) rather than on its Markdown. By then Python-Markdown has
decided what is a code span, a fenced or indented code block, a heading, a
link, a reference-style link, an autolink or a raw HTML attribute, with every
extension the site enables (superfences, admonitions, tables, md_in_html...).
A Markdown tokenizer would have to re-implement all of that and would get the
corner cases wrong (a backtick inside a link title, a fence inside a list, an
attribute list). On HTML the rule is simple and exact: only text between tags
is ever touched, and text inside ``<a>``, ``<code>``, ``<pre>``, headings,
``<script>``/``<style>`` and a few other elements is skipped. Tag attributes
are never looked at, so an attribute can never be rewritten.

Matching is one pass over each page with one compiled regular expression: the
linkable text of the page is joined (with a character no name contains) and
scanned once, and the anchors are spliced back into the HTML. All names
(titles and aliases) are put in a character trie which is turned into a
single alternation, so the regex engine branches on the next character instead
of trying every term in turn, and the longest name at a position wins
("semantic search" beats "semantic"). The scan runs on the lowercased text with
a case-sensitive regex, about twice as fast as asking the regex to ignore case. Case is ignored, except for names written
entirely in capitals (acronyms such as CLIP or BERT), which only match in
capitals, so that "a short clip" is not a link to CLIP. A regular plural of a
name matches too (s, es, and y -> ies). Spaces and hyphens inside a name are
interchangeable ("next word prediction" finds Next-Word Prediction). Only the
first mention of each term on a page becomes a link, and never on the term's
own page.

Both classes are plain Python, usable and tested without MkDocs.
"""

from __future__ import annotations

import bisect
import html
import re
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, Mapping

# Elements whose text is never linked: code, existing links, headings, raw text,
# form controls and embedded documents.
SKIP_TAGS = frozenset({
    "a", "code", "pre", "kbd", "samp", "var", "script", "style", "textarea", "title", "button", "select",
    "option", "label", "svg", "math", "iframe", "noscript", "template", "abbr", "dfn",
    "h1", "h2", "h3", "h4", "h5", "h6",
})
# Elements carrying one of these classes are skipped as a whole (our own generated
# lists, admonition titles, which read like headings).
SKIP_CLASSES = frozenset({"sslgloss-nolink", "admonition-title", "headerlink"})
VOID_TAGS = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
})

_TOKEN_RE = re.compile(
    r"<!--.*?-->"                    # comment
    r"|<![^>]*>"                     # doctype / CDATA-ish
    r"|<\?.*?\?>"                    # processing instruction
    r"|<(?P<close>/?)(?P<name>[A-Za-z][A-Za-z0-9:-]*)[^>\"']*(?:(?:\"[^\"]*\"|'[^']*')[^>\"']*)*>",  # tag, quotes may hold '>'
    re.DOTALL,
)
_CLASS_RE = re.compile(r"""\sclass\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
WIKILINK_RE = re.compile(r"\[\[([^\[\]|\n]+?)(?:\|([^\[\]\n]+?))?\]\]")
_SEP = object()  # a space or hyphen inside a name
_SEP_PATTERN = r"(?:[\s\u00a0]+|[\s\u00a0]*[-\u2010\u2011][\s\u00a0]*)"
_NORM_SEP_RE = re.compile(r"[\s\u00a0\-\u2010\u2011]+")
_WIKI_ANCHOR_RE = re.compile(r'<a class="sslgloss-term sslgloss-wikilink" href="[^"]*" data-term="([^"]*)"')
_JOIN = "\x00"  # joins the text pieces of a page for one scan; no name contains it, so no match spans two pieces


def normalise_name(text: str) -> str:
    """The lookup key of a name or of matched text: casefolded, runs of spaces/hyphens as one space."""
    return _NORM_SEP_RE.sub(" ", text.casefold()).strip()


def is_acronym(name: str) -> bool:
    """Names in capitals (BERT, CLIP, BM25) match case-sensitively.

    >>> is_acronym("CLIP"), is_acronym("MoCo"), is_acronym("MAE (Masked Autoencoder)")
    (True, False, False)
    """
    letters = [c for c in name if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _forms(name: str) -> list[str]:
    """The name and its irregular-ending plural (y -> ies); regular s/es is matched by the regex suffix."""
    forms = [name]
    if len(name) > 2 and name[-1] in "yY" and name[-2].lower() not in "aeiou" and name[-2].isalpha():
        forms.append(name[:-1] + ("IES" if name[-1] == "Y" else "ies"))
    return forms


def _tokens(form: str) -> list:
    out: list = []
    for ch in form:
        if ch.isspace() or ch in "-\u2010\u2011\u00a0":
            if out and out[-1] is _SEP:
                continue
            out.append(_SEP)
        else:
            out.append(ch)
    return out


def _trie_regex(node: dict) -> str:
    """A regex matching every path of the trie, longest alternatives first (greedy)."""
    terminal = None in node
    branches = []
    for token in sorted((k for k in node if k is not None), key=lambda k: ("" if k is _SEP else k)):
        piece = _SEP_PATTERN if token is _SEP else re.escape(token)
        branches.append(piece + _trie_regex(node[token]))
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if terminal:
        # optional and greedy: the longer name is tried first, the shorter one on backtrack
        return f"(?:{body})?"
    return body


@dataclass(frozen=True)
class Mention:
    """One mention of a term in a text: ``text[start:end]`` names ``term_id``."""

    start: int
    end: int
    term_id: str
    text: str


class TermMatcher:
    """Finds mentions of term names in text, with one compiled regex for all terms.

    ``names`` maps a term id to every name it may be mentioned by (title first, then aliases);
    names in ``exact`` (and names in capitals) match only as written.
    Names are matched as they appear in HTML text when ``html_escaped`` is true (``R&D`` is
    looked for as ``R&amp;D``), so the autolinker can work on raw HTML text without decoding it.

    >>> m = TermMatcher({"semantic-search": ["Semantic Search"], "ontology": ["Ontology"], "clip": ["CLIP"]})
    >>> [(x.text, x.term_id) for x in m.finditer("Semantic searches over ontologies, not a clip of CLIP.")]
    [('Semantic searches', 'semantic-search'), ('ontologies', 'ontology'), ('CLIP', 'clip')]
    """

    def __init__(self, names: Mapping[str, Iterable[str]], html_escaped: bool = False, exact: Iterable[str] = ()):
        exact = set(exact)  # names a term lists under `case_sensitive:`: matched as written, like acronyms
        self._folded: dict[str, str] = {}  # normalised form -> term id (case-insensitive names)
        self._exact: dict[str, str] = {}  # exact form with separators normalised -> term id (acronyms)
        self._memo: dict[str, str | None] = {}  # matched text -> term id
        trie: dict = {}
        for term_id, term_names in names.items():
            for name in term_names:
                name = name.strip()
                if not name:
                    continue
                sensitive = is_acronym(name) or name in exact
                if html_escaped:
                    name = html.escape(name, quote=False)
                for form in _forms(name):
                    if sensitive:
                        self._exact.setdefault(_NORM_SEP_RE.sub(" ", form).strip(), term_id)
                    else:
                        self._folded.setdefault(normalise_name(form), term_id)
                    node = trie
                    # lower(), not casefold(): the regex ignores case char by char ("ß" stays one char)
                    for token in _tokens(form.lower()):
                        node = node.setdefault(token, {})
                    node[None] = True
        self.empty = not trie
        body = _trie_regex(trie) if trie else "(?!)"  # the root is never terminal: names are not empty
        # (?<![\w-]): a name never starts inside a word or right after a hyphen
        # ("weakly-supervised learning" is not "supervised learning"); (?!\w) after:
        # "BERT-style" still mentions BERT.
        self._pattern = rf"(?<![\w\-&])(?P<name>{body})(?P<plural>e?s)?(?!\w)"
        # The trie holds lowercase names, so on lowercased text no case folding is needed.
        # A leading \b lets the engine reject most positions at once; it is only exact
        # when every name starts with a word character.
        starts_with_word = all(k is not _SEP and re.match(r"\w", k) for k in trie)
        self._lower_regex = re.compile((r"\b" if starts_with_word else "") + self._pattern)
        self._regex: re.Pattern | None = None

    @property
    def regex(self) -> re.Pattern:
        """The case-insensitive regex, for text whose lowercase form has another length (rare)."""
        if self._regex is None:
            self._regex = re.compile(self._pattern, re.IGNORECASE)
        return self._regex

    def _term_for(self, name: str) -> str | None:
        try:
            return self._memo[name]  # the same few spellings recur on every page
        except KeyError:
            pass
        found = self._folded.get(normalise_name(name))
        if found is None:
            found = self._exact.get(_NORM_SEP_RE.sub(" ", name).strip())
        if len(self._memo) > 100_000:
            self._memo.clear()
        self._memo[name] = found
        return found

    def finditer(self, text: str, start: int = 0) -> Iterator[Mention]:
        """Every mention, left to right; overlapping names are resolved longest-first."""
        if self.empty:
            return
        lowered = text.lower()
        if len(lowered) == len(text):  # positions agree: scan the lowercase text, read names from the original
            matches, original = self._lower_regex.finditer(lowered, start), True
        else:
            matches, original = self.regex.finditer(text, start), False
        term_for = self._term_for
        for match in matches:
            begin, end = match.span()
            name_end = match.end("name")
            term_id = term_for(text[begin:name_end] if original else match.group("name"))
            if term_id is None and name_end != end:
                # "classes" may be a name ending in "es" itself; try the whole match
                term_id = term_for(text[begin:end])
            if term_id is None:
                continue  # e.g. "clip" for the acronym CLIP
            yield Mention(begin, end, term_id, text[begin:end])


@dataclass
class LinkResult:
    """What one autolinking pass did to a page."""

    html: str
    linked: list[str] = field(default_factory=list)  # term ids linked, in order
    unknown_wikilinks: list[str] = field(default_factory=list)  # ids in [[...]] that name no term


def _class_of(tag: str) -> set[str]:
    match = _CLASS_RE.search(tag)
    if not match:
        return set()
    value = next(g for g in match.groups() if g is not None)
    return set(value.split())


def linkable_spans(source: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every piece of text in ``source`` that may be linked, in order.

    Text between tags, outside skipped elements (see SKIP_TAGS / SKIP_CLASSES).
    """
    spans: list[tuple[int, int]] = []
    skip_tag: str | None = None
    skip_depth = 0
    pos = 0
    for match in _TOKEN_RE.finditer(source):
        begin = match.start()
        if begin > pos and skip_tag is None:
            spans.append((pos, begin))
        pos = match.end()
        name = match.group("name")
        if name is None:
            continue  # comment, doctype, processing instruction
        if skip_tag is None:
            if match.group("close"):
                continue
            name = name.lower()
            if name in SKIP_TAGS or ("class" in match.group(0) and _class_of(match.group(0)) & SKIP_CLASSES):
                if not (name in VOID_TAGS or source[pos - 2] == "/"):
                    skip_tag, skip_depth = name, 1
        elif name.lower() == skip_tag and source[pos - 2] != "/":
            skip_depth += -1 if match.group("close") else 1
            if skip_depth == 0:
                skip_tag = None
    if pos < len(source) and skip_tag is None:
        spans.append((pos, len(source)))
    return spans


def iter_html_text(source: str) -> Iterator[tuple[bool, bool, str]]:
    """Split HTML into ``(is_text, linkable, chunk)`` pieces; joining every chunk gives back the input.

    ``linkable`` is false for text inside skipped elements (see SKIP_TAGS / SKIP_CLASSES).
    """
    linkable = set(linkable_spans(source))
    pos = 0
    for match in _TOKEN_RE.finditer(source):
        if match.start() > pos:
            yield True, (pos, match.start()) in linkable, source[pos:match.start()]
        pos = match.end()
        yield False, False, match.group(0)
    if pos < len(source):
        yield True, (pos, len(source)) in linkable, source[pos:]


class Autolinker:
    """Links term mentions and wiki links in the HTML of a page.

    ``titles`` maps term ids to titles (the text of a bare ``[[id]]``); ``url_for`` passed to
    :meth:`link` turns a term id into the URL to use from the page being linked.

    >>> linker = Autolinker(TermMatcher({"bert": ["BERT"]}, html_escaped=True), {"bert": "BERT"})
    >>> linker.link("<p>BERT and BERT, <code>BERT</code></p>", lambda i: i + ".html").html
    '<p><a class="sslgloss-term" href="bert.html" data-term="bert">BERT</a> and BERT, <code>BERT</code></p>'
    """

    def __init__(self, matcher: TermMatcher, titles: Mapping[str, str], autolink: bool = True):
        self.matcher = matcher
        self.titles = dict(titles)
        self.autolink = autolink
        self._ids_folded = {i.casefold(): i for i in self.titles}

    @staticmethod
    def anchor(term_id: str, href: str, text_html: str, extra_class: str = "") -> str:
        cls = "sslgloss-term" + (f" {extra_class}" if extra_class else "")
        return (f'<a class="{cls}" href="{html.escape(href, quote=True)}" '
                f'data-term="{html.escape(term_id, quote=True)}">{text_html}</a>')

    def resolve_wikilink(self, target: str) -> str | None:
        """The term id a ``[[target]]`` points at (ids are case-insensitive), or None."""
        target = html.unescape(target).strip()
        if target in self.titles:
            return target
        return self._ids_folded.get(target.casefold())

    def link(self, source: str, url_for: Callable[[str], str], own_id: str | None = None, *,
             wikilinks: bool = True, mentions: bool = True) -> LinkResult:
        """Resolve ``[[wiki links]]`` and link the first mention of each term.

        The site runs the two steps apart: wiki links before the search plugin reads
        the page (so search sees their text), mentions after it (so search does not
        parse a few dozen more tags per page). Either way a mention is linked only if
        no link to its term comes before it: a wiki link counts as the first mention.
        """
        result = LinkResult(html=source)
        if wikilinks and "[[" in source:
            result.html = self._link_wikilinks(result.html, url_for, {own_id} if own_id else set(), result)
        if mentions and self.autolink and not self.matcher.empty:
            result.html = self._link_mentions(result.html, url_for, own_id, result)
        return result

    def _link_wikilinks(self, source: str, url_for, done: set[str], result: LinkResult) -> str:
        out: list[str] = []
        pos = 0
        for start, end in linkable_spans(source):
            if "[[" not in source[start:end]:
                continue
            for wiki in WIKILINK_RE.finditer(source, start, end):
                out.append(source[pos:wiki.start()])
                pos = wiki.end()
                target, label = wiki.group(1), wiki.group(2)
                term_id = self.resolve_wikilink(target)
                if term_id is None:
                    result.unknown_wikilinks.append(html.unescape(target).strip())
                    shown = label if label is not None else target
                    out.append(f'<span class="sslgloss-broken-link" title="unknown term">{shown}</span>')
                    continue
                text_html = label.strip() if label is not None else html.escape(self.titles[term_id], quote=False)
                out.append(self.anchor(term_id, url_for(term_id), text_html, "sslgloss-wikilink"))
                if term_id not in done:
                    done.add(term_id)
                    result.linked.append(term_id)
        if not out:
            return source
        out.append(source[pos:])
        return "".join(out)

    def _link_mentions(self, source: str, url_for, own_id: str | None, result: LinkResult) -> str:
        spans = linkable_spans(source)
        if not spans:
            return source
        done: set[str] = {own_id} if own_id else set()
        # wiki links already on the page: their term is done for every mention after them
        wikis = [(m.start(), html.unescape(m.group(1))) for m in _WIKI_ANCHOR_RE.finditer(source)] \
            if "sslgloss-wikilink" in source else []
        next_wiki = 0
        # one scan over all the page's linkable text, joined; offsets map matches back to the HTML
        starts: list[int] = []
        length = 0
        for begin, end in spans:
            starts.append(length)
            length += end - begin + 1
        joined = _JOIN.join([source[begin:end] for begin, end in spans])
        out: list[str] = []
        pos = 0
        for mention in self.matcher.finditer(joined):
            k = bisect.bisect_right(starts, mention.start) - 1
            begin = spans[k][0] + mention.start - starts[k]
            while next_wiki < len(wikis) and wikis[next_wiki][0] < begin:
                done.add(wikis[next_wiki][1])
                next_wiki += 1
            if mention.term_id in done:
                continue
            done.add(mention.term_id)
            result.linked.append(mention.term_id)
            out.append(source[pos:begin])
            out.append(self.anchor(mention.term_id, url_for(mention.term_id), mention.text))
            pos = begin + mention.end - mention.start
        if not out:
            return source
        out.append(source[pos:])
        return "".join(out)
