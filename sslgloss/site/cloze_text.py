"""Words and sentences of term prose, for the "Test yourself" blocks (sslgloss/site/cloze.py).

- the sentences of a term's Markdown a reader can fill in (:func:`term_sentences`);
- the words in them (:data:`WORD_RE`), which of them may be hidden (:func:`hideable`);
- the forms of a word a reader's answer may take: :func:`answer_key` (what two answers must share
  to be the same), :func:`singular` and :func:`spellings` (British and American).
"""

from __future__ import annotations

import functools
import re
import unicodedata

from ..text import stop_words

MIN_WORDS, MAX_WORDS = 8, 40
WORD_RE = re.compile(r"[^\W\d_][\w]*(?:[-'’][^\W_]+)*")
_ABBREVIATIONS = {"e.g", "i.e", "al", "vs", "cf", "etc", "fig", "approx", "dr", "mr", "mrs", "ms", "st", "no", "vol"}
_SPLIT_RE = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“(]?[A-Z0-9]|[a-z]+[A-Z0-9])")  # "... first. data2vec ..."
_UNWANTED = re.compile(r"[\[\]`|<>$={}\\#^~]|https?:|www\.|\.\.\.")
_FENCE_RE = re.compile(r"^\s*(```|~~~)")
_LIST_RE = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_WIKILINK_RE = re.compile(r"\[\[([^\[\]|]+)(?:\|([^\[\]]+))?\]\]")
_LINK_RE = re.compile(r"(?<!!)\[([^\[\]]+)\]\([^()\s]+\)")
_EMPHASIS_RE = re.compile(r"(\*\*|__|\*|_)(?=\S)(.+?)(?<=\S)\1")


def answer_key(text: str) -> str:
    """What two answers must share to be the same answer: letters and digits, lowercase, no accents.

    The page's script (cloze.js ``key``) computes the same.

    >>> answer_key("Fine-Tuning"), answer_key("naïve  Bayes")
    ('finetuning', 'naivebayes')
    """
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text.lower() if ch.isalnum() and not unicodedata.combining(ch))


def singular(word: str) -> str:
    """The singular of a regular English plural (the word itself if it does not look plural).

    >>> [singular(w) for w in ("embeddings", "ontologies", "approaches", "bias", "corpus", "analysis")]
    ['embedding', 'ontology', 'approach', 'bias', 'corpus', 'analysis']
    """
    lower = word.lower()
    if len(word) > 4 and lower.endswith("ies"):
        return word[:-3] + ("Y" if word[-3].isupper() else "y")
    if lower.endswith(("ches", "shes", "xes", "sses")):
        return word[:-2]
    if lower.endswith("s") and not lower.endswith(("ss", "us", "is", "ias")) and len(word) > 3:
        return word[:-1]
    return word


# British -> American and back: the regular patterns only; a few wrong "variants" (for -> four) cost nothing,
# since they are only ever compared with what a reader typed
_SPELLINGS = (
    (r"is(e|es|ed|ing|er|ers|ation|ations)$", r"iz\1"), (r"ys(e|es|ed|ing)$", r"yz\1"),
    (r"(?<=\w)our(s|ed|ing|ite|ites|hood|hoods)?$", r"or\1"), (r"(?<=[aeiou])ll(ed|ing|er|ers)$", r"l\1"),
    (r"(?<=\w)tre(s)?$", r"ter\1"), (r"(?<=\w)ogue(s)?$", r"og\1"), (r"(?<=def|lic|off)ence$", "ense"),
)
_AMERICAN = tuple((re.compile(a), b) for a, b in _SPELLINGS)
_BRITISH = (
    (re.compile(r"iz(e|es|ed|ing|er|ers|ation|ations)$"), r"is\1"), (re.compile(r"yz(e|es|ed|ing)$"), r"ys\1"),
    (re.compile(r"(?<=[^aeiou])or(s|ed|ing|ite|ites)?$"), r"our\1"),
    (re.compile(r"(?<=[aeiou])(?<!l)l(ed|ing|er|ers)$"), r"ll\1"), (re.compile(r"(?<=\w)ter(s)?$"), r"tre\1"),
    (re.compile(r"(?<=\w)og(s)?$"), r"ogue\1"), (re.compile(r"(?<=def|lic|off)ense$"), "ence"),
)


def spellings(word: str) -> list[str]:
    """The word's other spellings, British and American (regular patterns only).

    >>> spellings("tokenisation"), spellings("labelled"), spellings("modeling"), spellings("colour")
    (['tokenization'], ['labeled'], ['modelling'], ['color'])
    """
    out = []
    for pattern, repl in (*_AMERICAN, *_BRITISH):
        other = pattern.sub(repl, word)
        if other != word and other not in out:
            out.append(other)
    return out


# ---------------------------------------------------------------------- sentences


def _plain(text: str, titles: dict[str, str]) -> str:
    text = _WIKILINK_RE.sub(lambda m: m.group(2) or titles.get(m.group(1).strip(), m.group(1)), text)
    text = _LINK_RE.sub(r"\1", text)
    return _EMPHASIS_RE.sub(r"\2", text)


def paragraphs(markdown: str) -> list[str]:
    """The prose paragraphs and list items of a section's Markdown (code, tables, headings and HTML left out)."""
    out: list[list[str]] = []
    current: list[str] = []
    fence = None
    for line in markdown.split("\n"):
        if fence:
            fence = None if line.strip().startswith(fence) else fence
            continue
        found = _FENCE_RE.match(line)
        stripped = line.strip()
        if found:
            fence = found.group(1)
        if found or not stripped or stripped.startswith(("|", "#", "<", ">")) or line.startswith(("    ", "\t")):
            current = []
            continue
        if _LIST_RE.match(line) or not current:
            current = []
            out.append(current)
        current.append(_LIST_RE.sub("", stripped))
    return [" ".join(p) for p in out if p]


def split_sentences(paragraph: str) -> list[str]:
    """A paragraph's sentences (not split after "e.g.", "et al." or an initial).

    >>> split_sentences("Taylor (e.g. W. L. Taylor) wrote it in 1953. BERT came later! Why?")
    ['Taylor (e.g. W. L. Taylor) wrote it in 1953.', 'BERT came later!', 'Why?']
    """
    out, start = [], 0
    for match in _SPLIT_RE.finditer(paragraph):
        before = paragraph[start:match.start()].rstrip("\"”’)")
        last = before.rsplit(None, 1)[-1].strip("(\"“'‘").rstrip(".").lower() if before.strip() else ""
        if last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha()):
            continue
        out.append(paragraph[start:match.start()].strip())
        start = match.end()
    out.append(paragraph[start:].strip())
    return [s for s in out if s]


def usable(sentence: str) -> bool:
    """A sentence a reader can fill in: 8 to 40 words, ends like a statement, no code, markup or formulas."""
    words = len(sentence.split())
    return (MIN_WORDS <= words <= MAX_WORDS and sentence[-1] in ".!" and sentence[0].isupper()
            and not _UNWANTED.search(sentence))


def term_sentences(term, titles: dict[str, str]) -> list[str]:
    """Every usable sentence of a term's prose, in page order."""
    out = []
    for text in term.sections.values():
        for paragraph in paragraphs(text):
            out += [s for s in split_sentences(_plain(paragraph, titles)) if usable(s)]
    return out


def words_of(sentence: str) -> list[re.Match]:
    return list(WORD_RE.finditer(sentence))


@functools.lru_cache(maxsize=65536)  # a glossary has a few thousand distinct words, each met many times
def fold(word: str) -> str:
    return singular(word.lower().replace("’", "'"))


@functools.lru_cache(maxsize=65536)
def hideable(word: str) -> str | None:
    """Why ``word`` cannot be a blank, or None if it can.

    >>> hideable("the"), hideable("is"), hideable("embeddings"), hideable("GPT")
    ('it is a common word', 'it is a common word', None, None)
    """
    if any(ch.isdigit() for ch in word) and not any(ch.isalpha() for ch in word):
        return "it is a number"
    parts = [p for p in re.split(r"[-'’]", word.lower()) if p]
    if all(p in stop_words() for p in parts):
        return "it is a common word"
    acronym = sum(ch.isupper() for ch in word) >= 2 and word.upper() == word
    if len(word) < 4 and not acronym:
        return "it is shorter than 4 letters"
    return None
