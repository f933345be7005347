"""Backlinks by mention: which pages mention a term, and the sentence that does.

Every term's prose and every hand-written page is scanned once, with the
autolinker's :class:`~sslgloss.site.autolink.TermMatcher`, before any page is
rendered, so that each term page can list "Mentioned in" with context. The
Markdown is reduced to plain prose first: code (fenced and inline), headings,
raw HTML tags, link targets and emphasis markers are dropped, so a mention in
code or a heading is not a mention, as for autolinks. ``[[id]]`` and
``[[id|text]]`` count as mentions of ``id``. Each page is matched in one regex
pass over all its paragraphs, and a sentence is cut out only for the first
mention of each term.
"""

from __future__ import annotations

import bisect
import functools
import html
import re
from dataclasses import dataclass
from typing import Iterable, Mapping

from .autolink import TermMatcher

MAX_SENTENCE = 240
_BLANK = "\x00"  # stands for text that is not matchable (code, wiki link labels); no name contains it
_PARAGRAPH_JOIN = "\n\x00\n"
_FENCE_OPEN_RE = re.compile(r"^\s*(`{3,}|~{3,})")
_LIST_ITEM_RE = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_TABLE_RULE_RE = re.compile(r"^\s*\|?\s*:?-{2,}")
_INLINE_RE = re.compile(
    r"(?P<code>(`+)(?P<code_text>.+?)\2)"
    r"|(?P<wiki>\[\[(?P<wiki_id>[^\[\]|\n]+?)(?:\|(?P<wiki_text>[^\[\]\n]+?))?\]\])"
    r"|(?P<link>!?\[(?P<link_text>[^\]]*)\]\([^)]*\))"
    r"|(?P<tag></?[A-Za-z][^>]*>)"
    r"|(?P<emph>\*{1,3}|(?<!\w)_{1,3}|_{1,3}(?!\w))"
)
_HAS_MARKUP_RE = re.compile(r"[`\[<*_]")  # a paragraph without these is its own plain text
_SENTENCE_END_RE = re.compile(r"(?<=[.!?])[\"”')\]]*\s+(?=[\"“'(\[]?[A-Z0-9])")


@functools.lru_cache(maxsize=4096)
def _sentence_boundaries(plain: str) -> tuple[list[int], list[int]]:
    """Starts and ends of the gaps between sentences (a paragraph is cut for each term it mentions)."""
    found = [m.span() for m in _SENTENCE_END_RE.finditer(plain)]
    return [a for a, _ in found], [b for _, b in found]


@dataclass(frozen=True)
class Backlink:
    """A page that mentions a term, and where: ``paragraph[start:end]`` is its first mention."""

    source: str  # "term:<id>" for a term page, else the src_uri of a hand-written page
    title: str
    paragraph: str  # plain text
    start: int
    end: int

    @property
    def sentence_html(self) -> str:
        """The sentence of the mention, as HTML with the mention in <mark> (cut only when shown)."""
        return MentionIndex._sentence_html(self.paragraph, self.start, self.end)


def _paragraphs(markdown: str) -> Iterable[str]:
    """Plain blocks of prose: no code fences, headings, admonition markers, raw HTML lines or table rules."""
    fence: str | None = None
    block: list[str] = []
    for line in markdown.splitlines():
        if fence is not None:
            if line.strip().startswith(fence):
                fence = None
            continue
        stripped = line.strip()
        opened = _FENCE_OPEN_RE.match(line)
        new_block = (opened or not stripped or stripped.startswith(("#", "!!!", "???", "<", "|"))
                     or _TABLE_RULE_RE.match(line) or _LIST_ITEM_RE.match(line))
        if new_block and block:
            yield " ".join(block)
            block = []
        if opened:
            fence = opened.group(1)[:3]
        elif stripped.startswith("|") and not _TABLE_RULE_RE.match(line):
            yield stripped.replace("|", " ; ")  # a table row reads as one sentence-ish line
        elif stripped and not new_block:
            block.append(stripped)
        elif _LIST_ITEM_RE.match(line):
            block.append(_LIST_ITEM_RE.sub("", line).strip())
    if block:
        yield " ".join(block)


class MentionIndex:
    """Collects, for every term, the pages that mention it (first sentence per page)."""

    def __init__(self, matcher: TermMatcher, titles: Mapping[str, str]):
        self.matcher = matcher
        self.titles = dict(titles)
        self._ids_folded = {i.casefold(): i for i in self.titles}
        self._by_target: dict[str, dict[str, Backlink]] = {}

    def add_page(self, source: str, title: str, markdown: str, own_id: str | None = None) -> None:
        """Scan one page's Markdown; ``own_id`` is the term the page is about (not a backlink to itself)."""
        plains: list[str] = []
        matchable: list[str] = []
        found: list[tuple[int, int, int, str]] = []  # (paragraph, start, end, term id)
        for k, paragraph in enumerate(_paragraphs(markdown)):
            plain, match_text, wikis = self._plain(paragraph)
            plains.append(plain)
            matchable.append(match_text)
            found += [(k, start, end, target) for start, end, target in wikis]
        if not plains:
            return
        offsets, length = [], 0
        for text in matchable:
            offsets.append(length)
            length += len(text) + len(_PARAGRAPH_JOIN)
        for m in self.matcher.finditer(_PARAGRAPH_JOIN.join(matchable)):
            k = bisect.bisect_right(offsets, m.start) - 1
            found.append((k, m.start - offsets[k], m.end - offsets[k], m.term_id))
        found.sort()
        for k, start, end, target in found:
            if target == own_id:
                continue
            pages = self._by_target.setdefault(target, {})
            if source not in pages:
                pages[source] = Backlink(source, title, plains[k], start, end)

    def mentions_of(self, term_id: str) -> list[Backlink]:
        """Pages mentioning ``term_id``: term pages first, then others, each by title."""
        found = self._by_target.get(term_id, {})
        return sorted(found.values(), key=lambda b: (not b.source.startswith("term:"), b.title.casefold()))

    def has_mentions(self, term_id: str) -> bool:
        return bool(self._by_target.get(term_id))

    def _plain(self, paragraph: str) -> tuple[str, str, list[tuple[int, int, str]]]:
        """The paragraph as plain text; the same with unmatchable parts blanked; wiki links as (start, end, id)."""
        if not _HAS_MARKUP_RE.search(paragraph):
            return paragraph, paragraph, []
        plain: list[str] = []
        match_text: list[str] = []
        wikis: list[tuple[int, int, str]] = []
        length = 0
        pos = 0
        for m in _INLINE_RE.finditer(paragraph):
            if m.start() > pos:
                chunk = paragraph[pos:m.start()]
                plain.append(chunk)
                match_text.append(chunk)
                length += len(chunk)
            pos = m.end()
            if m.group("code"):
                chunk, matchable = m.group("code_text"), False
            elif m.group("wiki"):
                target = self._ids_folded.get(m.group("wiki_id").strip().casefold())
                chunk = m.group("wiki_text") or (self.titles.get(target) if target else m.group("wiki_id"))
                matchable = False
                if target:
                    wikis.append((length, length + len(chunk), target))
            elif m.group("link"):
                chunk, matchable = m.group("link_text"), True
            else:
                continue  # a tag or an emphasis marker: dropped
            plain.append(chunk)
            match_text.append(chunk if matchable else _BLANK * len(chunk))
            length += len(chunk)
        if pos < len(paragraph):
            plain.append(paragraph[pos:])
            match_text.append(paragraph[pos:])
        return "".join(plain), "".join(match_text), wikis

    @staticmethod
    def _sentence_html(plain: str, start: int, end: int) -> str:
        starts, ends = _sentence_boundaries(plain)
        i = bisect.bisect_right(ends, start) - 1
        s_start = ends[i] if i >= 0 else 0
        j = bisect.bisect_left(starts, end)
        s_end = starts[j] if j < len(starts) else len(plain)
        lead, tail = "", ""
        if s_end - s_start > MAX_SENTENCE:
            half = (MAX_SENTENCE - (end - start)) // 2
            new_start = max(s_start, start - half)
            new_end = min(s_end, end + half)
            if new_start > s_start:
                new_start = plain.find(" ", new_start, start) + 1 or new_start
                lead = "… "
            if new_end < s_end:
                cut = plain.rfind(" ", end, new_end)
                new_end = cut if cut > 0 else new_end
                tail = " …"
            s_start, s_end = new_start, new_end
        esc = html.escape
        return (lead + esc(plain[s_start:start].lstrip()) + "<mark>" + esc(plain[start:end]) + "</mark>" +
                esc(plain[end:s_end].rstrip()) + tail)
