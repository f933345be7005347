"""Cut the glossary into the passages that search ranks: summaries and section paragraphs.

A passage is what a result shows to a reader, so it is plain text (no
Markdown, no code) and short enough for the sentence encoder to read whole:
all-MiniLM-L6-v2 was trained on inputs of up to 128 word pieces, so long
sections are split at paragraph boundaries into chunks of about
``max_words`` words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable

SUMMARY = "Summary"
MAX_WORDS = 110  # ~150 word pieces: inside what MiniLM was trained on
MIN_WORDS = 6  # shorter leftovers (a lone "For example:") say nothing on their own


@dataclass(frozen=True)
class Passage:
    """A piece of one term's text that search can return."""

    term_id: str
    title: str
    section: str  # "Summary" or a section title such as "Definition"
    text: str  # plain text shown to the reader
    encoded: str  # what the sentence encoder reads
    keywords: str  # what BM25 indexes

    def as_dict(self) -> dict[str, str]:
        return {"term_id": self.term_id, "title": self.title, "section": self.section, "text": self.text}


_FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.S | re.M)
_WIKILINK = re.compile(r"\[\[([a-z0-9-]+)(?:\|([^\]]+))?\]\]")
_MDLINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_INLINE_CODE = re.compile(r"`([^`]*)`")
_EMPHASIS = [  # bold before italics; the markers must hug the text, as Markdown requires
    re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*"),
    re.compile(r"(?<!\w)__(?=\S)(.+?)(?<=\S)__(?!\w)"),
    re.compile(r"(?<![*\w])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![*\w])"),
    re.compile(r"(?<!\w)_(?=\S)(.+?)(?<=\S)_(?!\w)"),
]
_HEADING = re.compile(r"^#{1,6}\s+", re.M)
_TABLE_RULE = re.compile(r"^[ \t]*\|?[ \t]*:?-{2,}[^\n]*\n?", re.M)
_TABLE_ROW = re.compile(r"^[ \t]*\|(.*?)\|?[ \t]*$", re.M)  # "| a | b |" -> "a, b."


def markdown_to_text(markdown: str, titles: dict[str, str] | None = None) -> str:
    """Reduce term Markdown to readable plain text; code blocks are dropped.

    >>> markdown_to_text("Uses **[[bert|BERT]]** and `torch`; see [docs](https://x.org).")
    'Uses BERT and torch; see docs.'
    """
    titles = titles or {}
    text = _FENCE.sub("", markdown)
    text = _WIKILINK.sub(lambda m: m.group(2) or titles.get(m.group(1), m.group(1).replace("-", " ")), text)
    text = _MDLINK.sub(r"\1", text)
    text = _INLINE_CODE.sub(r"\1", text)
    for emphasis in _EMPHASIS:
        text = emphasis.sub(r"\1", text)
    text = _HEADING.sub("", text)
    text = _TABLE_RULE.sub("", text)
    text = _TABLE_ROW.sub(lambda m: ", ".join(c.strip() for c in m.group(1).split("|")) + ".", text)
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]
    return "\n".join(lines).strip()


def _words(text: str) -> int:
    return len(text.split())


def _split_long(paragraph: str, max_words: int) -> list[str]:
    """Split one over-long paragraph at sentence ends into chunks of at most ~max_words."""
    sentences = re.split(r"(?<=[.!?])(?<!\b\d\.)\s+", paragraph)  # "2. Online path" is a list item, not an end
    chunks: list[str] = []
    current: list[str] = []
    for sentence in sentences:
        if current and _words(" ".join(current + [sentence])) > max_words:
            chunks.append(" ".join(current))
            current = []
        current.append(sentence)
    if current:
        chunks.append(" ".join(current))
    return chunks


def chunk_section(text: str, max_words: int = MAX_WORDS) -> list[str]:
    """Group a section's paragraphs into chunks of about ``max_words`` words.

    Short sections stay whole; paragraphs are never merged past the limit, and a
    single paragraph longer than the limit is split between sentences.

    >>> chunk_section("a b c d e f g\\n\\nh i j k l m n", max_words=10)
    ['a b c d e f g', 'h i j k l m n']
    >>> chunk_section("a b c\\n\\nd e f", max_words=10)
    ['a b c\\nd e f']
    """
    paragraphs: list[str] = []
    for paragraph in (" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()):
        if paragraphs and paragraphs[-1].endswith(":"):  # "Take one photo:" belongs with what it introduces
            paragraphs[-1] += "\n" + paragraph
        else:
            paragraphs.append(paragraph)
    pieces: list[str] = []
    for paragraph in paragraphs:
        pieces.extend(_split_long(paragraph, max_words) if _words(paragraph) > max_words else [paragraph])
    chunks: list[str] = []
    for piece in pieces:
        if chunks and _words(chunks[-1]) + _words(piece) <= max_words:
            chunks[-1] = chunks[-1] + "\n" + piece
        else:
            chunks.append(piece)
    # a tiny trailing chunk ("For example:") reads better attached to its neighbour
    if len(chunks) > 1 and _words(chunks[-1]) < MIN_WORDS:
        tail = chunks.pop()
        chunks[-1] = chunks[-1] + "\n" + tail
    return chunks


def term_passages(term: Any, titles: dict[str, str] | None = None, max_words: int = MAX_WORDS) -> list[Passage]:
    """The passages of one term: its summary, then each section's chunks in order.

    What the encoder reads was chosen on the question set (``sslgloss search-eval``):
    the summary as it is (a self-contained gloss; putting the title and aliases in
    front pulled its vector towards the name and cost 0.08 recall@1), and each
    section chunk after "Title: ", because chunks often speak of the term as "it"
    (without the title: -0.03). BM25 also gets the title and aliases of the summary,
    so that an abbreviation such as "MLM" finds its term.
    """
    aliases = list(getattr(term, "aliases", []) or [])
    summary = " ".join(str(term.summary).split())
    names = " ".join([term.title, *aliases])
    passages = [Passage(term.id, term.title, SUMMARY, summary, summary, f"{names}: {summary}")]
    for section, body in (getattr(term, "sections", {}) or {}).items():
        for chunk in chunk_section(markdown_to_text(body, titles), max_words):
            if _words(chunk) >= MIN_WORDS:
                indexed = f"{term.title}: {chunk}"
                passages.append(Passage(term.id, term.title, section, chunk, indexed, indexed))
    return passages


def glossary_passages(terms: Iterable[Any], max_words: int = MAX_WORDS) -> list[Passage]:
    """Every term's passages, in term order."""
    terms = list(terms)
    titles = {t.id: t.title for t in terms}
    return [p for t in terms for p in term_passages(t, titles, max_words)]
