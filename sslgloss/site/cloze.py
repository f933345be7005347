"""Test yourself: the sentences a term page hides a word from, and the answers it accepts.

A term page asks the reader to fill a blank in a sentence of the term's own text,
and shows the masked language model's guesses for the same blank (the very task
the site explains). This module chooses the blanks; it is pure and fast (no
model), so ``sslgloss validate`` and every site build can run it.

- **Sentences** come from the term's prose (code, tables, formulas and sentences
  under 8 or over 40 words are skipped: see cloze_text.py), or from the term's own
  ``cloze:`` front matter, which comes first.
- **The blank** is the sentence's most telling word: the name of a related term
  first, then the name of any other term, then a word of a related term's name,
  then a word this term's text repeats and few other terms use. Never a stop
  word, a proper name, a word the sentence says twice, or the term's own name.
- **Answers**: the hidden word is right in any case, with or without hyphens; its
  plural or singular, its British or American spelling, the other names of the term
  it names and the author's ``accept:`` words are *close* (:func:`close_answers`).

The choice is deterministic: the same text gives the same blanks, in the same order.

>>> scores = WordScores(named={"embeddings": "embedding"}.get, related={"embedding"}, own={"contrastive", "learning"})
>>> [b.answer for b in auto_blanks(["Contrastive learning pulls the embeddings of two views of one "
...     "image together and pushes other images away."], scores)]
['embeddings']
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from .autolink import is_acronym
from .cloze_text import (MAX_WORDS, MIN_WORDS, WORD_RE, answer_key, fold, hideable, singular, spellings,
                         term_sentences, words_of)
from .search_words import plural

__all__ = ["MAX_WORDS", "MIN_WORDS", "Blank", "ClozeIndex", "WordScores", "answer_key", "auto_blanks",
           "check_author_blank", "close_answers", "singular", "spellings", "term_sentences"]

BLANKS_PER_TERM = 5
MIN_TERMS_FOR_RARITY = 20
# what a word must be to be hidden, and how telling each kind is
SCORE_RELATED_NAME, SCORE_NAME, SCORE_NAME_WORD, SCORE_KEY_WORD, SCORE_COMMON_KEY = 6, 4, 3, 2, 1


@dataclass(frozen=True)
class Blank:
    """A sentence with one word hidden: ``before`` + ``answer`` + ``after``."""

    before: str
    answer: str
    after: str
    accept: tuple[str, ...] = ()  # the author's other acceptable answers
    author: bool = False  # from the term's ``cloze:`` front matter
    names: tuple[str, ...] = field(default=(), compare=False)  # other names of the term the answer names

    @property
    def sentence(self) -> str:
        return self.before + self.answer + self.after

    @property
    def masked(self) -> str:
        """The sentence as the masked model reads it."""
        return f"{self.before}[MASK]{self.after}"

    @property
    def key(self) -> str:
        """The sentence with the blank marked: what the model's guesses are stored under."""
        return f"{self.before}[[{self.answer}]]{self.after}"


@dataclass
class WordScores:
    """How telling each word of one term's text is as a blank (:meth:`score`); see the module docstring.

    ``named``: the id of the term a word names, or None; ``related``: the ids of the term's
    neighbours; ``own``: folded words of its own names (never hidden); ``name_words``: folded
    words of related terms' longer names; ``summary``: folded words of its summary; ``counts``:
    how often its text uses each folded word; ``rarity``: folded word -> share of the glossary's
    terms that use it; ``lowercase``: words the glossary writes in lowercase somewhere (so a
    capitalised one at the start of a sentence is not a proper name).
    """

    named: Callable[[str], str | None]
    related: set[str] = field(default_factory=set)
    own: set[str] = field(default_factory=set)
    name_words: frozenset[str] = frozenset()
    summary: frozenset[str] = frozenset()
    counts: Counter = field(default_factory=Counter)
    rarity: dict[str, float] = field(default_factory=dict)
    lowercase: frozenset[str] = frozenset()

    def score(self, word: str, first: bool) -> int | None:
        folded = fold(word)
        if folded in self.own or hideable(word) or "'" in word or "’" in word:
            return None
        term_id = self.named(word)
        rarity = self.rarity.get(folded, 0.0)
        if term_id is not None:  # the name of a term: the glossary's own vocabulary
            score = SCORE_RELATED_NAME if term_id in self.related else SCORE_NAME
            return score - (rarity > 0.3)  # a name half the glossary uses says less about this term
        if word[0].isupper() and not word.isupper() and (not first or word.lower() not in self.lowercase):
            return None  # a proper name (a person, a place, a company): a guess, not a recall
        if folded in self.name_words and rarity <= 0.3:
            return SCORE_NAME_WORD
        if rarity > 0.25 or folded.endswith(("ly", "ed")):
            return None  # widespread words, adverbs and past participles say little about this term
        if folded in self.summary:
            return SCORE_KEY_WORD
        return SCORE_COMMON_KEY if self.counts[folded] >= 3 else None


def auto_blanks(sentences: list[str], scores: WordScores, limit: int = BLANKS_PER_TERM) -> list[Blank]:
    """The best blank of each sentence, the most telling first, at most one per answer."""
    found = []
    for position, sentence in enumerate(sentences):
        matches = words_of(sentence)
        seen = Counter(fold(m.group(0)) for m in matches)
        best = None
        for index, match in enumerate(matches):
            score = scores.score(match.group(0), index == 0) if seen[fold(match.group(0))] == 1 else None
            if score is None:
                continue
            if sentence[match.end():match.end() + 1] in ",)" or sentence[:match.start()].endswith((", ", "(")):
                score -= 2  # one item of a list or an aside: a guess among siblings, not the point of the sentence
            if best is None or score > best[0]:
                best = (score, match)
        if best is not None:
            length = len(sentence.split())
            fit = 0 if 12 <= length <= 30 else 1  # a sentence a reader takes in at a glance comes first
            found.append((-best[0], fit, position, sentence, best[1]))
    out, answers = [], set()
    for _, _, _, sentence, match in sorted(found, key=lambda f: f[:3]):
        folded = fold(match.group(0))
        if folded in answers:
            continue
        answers.add(folded)
        out.append(Blank(sentence[:match.start()], match.group(0), sentence[match.end():]))
        if len(out) == limit:
            break
    return out


def author_blank(sentence: str, blank: str, accept=()) -> Blank:
    """A blank from front matter (already checked by :func:`check_author_blank`)."""
    match = next(m for m in words_of(sentence) if m.group(0) == blank)
    return Blank(sentence[:match.start()], blank, sentence[match.end():], tuple(accept), author=True)


def check_author_blank(sentence: str, blank: str) -> str | None:
    """What is wrong with a front-matter blank, in plain words, or None.

    >>> check_author_blank("BERT reads the whole sentence at once.", "sentence")
    >>> check_author_blank("BERT reads the whole sentence at once.", "the")
    'blank `the` is a common word; hide a word that says something about the term'
    """
    if not WORD_RE.fullmatch(blank):
        return f"blank `{blank}` must be a single word (letters, digits, hyphens)"
    if hideable(blank) == "it is a common word":
        return f"blank `{blank}` is a common word; hide a word that says something about the term"
    found = [m for m in words_of(sentence) if m.group(0) == blank]
    if not found:
        close = [m.group(0) for m in words_of(sentence) if m.group(0).lower() == blank.lower()]
        return f"blank `{blank}` is not a word of the sentence" + (f" (it has `{close[0]}`)" if close else "")
    times = sum(1 for m in words_of(sentence) if m.group(0).lower() == blank.lower())  # the other would tell
    if times > 1:
        return f"blank `{blank}` appears {times} times in the sentence; hide a word it says once"
    return None


class ClozeIndex:
    """Everything blank selection needs from a glossary, worked out once (``ClozeIndex.of(glossary)``)."""

    def __init__(self, glossary):
        self.glossary = glossary
        terms = glossary.terms
        self.titles = {t: term.title for t, term in terms.items()}
        self.names: dict[str, str] = {}  # folded one-word names -> term id
        self.exact: dict[str, str] = {}  # acronyms and case-sensitive names, as written -> term id
        for term_id, term in terms.items():
            for name in term.names:
                if not WORD_RE.fullmatch(name):
                    continue
                if is_acronym(name) or name in term.case_sensitive:
                    self.exact.setdefault(name, term_id)
                    continue
                for form in (name, *spellings(name.lower())):
                    self.names.setdefault(fold(form), term_id)
        self.sentences = {t: term_sentences(term, self.titles) for t, term in terms.items()}
        self.counts: dict[str, Counter] = {}
        used: Counter = Counter()
        lowercase: set[str] = set()
        for term_id, term in terms.items():
            raw = Counter(m.group(0) for text in term.sections.values() for m in WORD_RE.finditer(text))
            lowercase.update(w for w in raw if w.islower())
            words: Counter = Counter()
            for word, n in raw.items():
                words[fold(word)] += n
            self.counts[term_id] = words
            used.update(words.keys())
        self.lowercase = frozenset(lowercase)
        # in a handful of terms every word is "common": rarity only says something in a glossary of some size
        self.rarity = {w: n / len(terms) for w, n in used.items()} if len(terms) >= MIN_TERMS_FOR_RARITY else {}
        self._memo: dict[str, list[Blank]] = {}

    @classmethod
    def of(cls, glossary) -> ClozeIndex:
        """The index of ``glossary``, memoised on it."""
        if "cloze" not in glossary.cache:
            glossary.cache["cloze"] = cls(glossary)
        return glossary.cache["cloze"]

    def named(self, word: str) -> str | None:
        """The id of the term ``word`` names (a title or one-word alias, any plural or spelling), or None."""
        return self.exact.get(word) or self.names.get(fold(word))

    def related(self, term_id: str) -> set[str]:
        graph = self.glossary.graph
        return set(graph.successors(term_id)) | set(graph.predecessors(term_id))

    def blanks(self, term_id: str) -> list[Blank]:
        """The term's blanks: its ``cloze:`` sentences first, then chosen ones, at most BLANKS_PER_TERM in all."""
        if term_id in self._memo:
            return self._memo[term_id]
        term = self.glossary.terms[term_id]
        out = [author_blank(spec.sentence, spec.blank, spec.accept) for spec in getattr(term, "cloze", ())
               if check_author_blank(spec.sentence, spec.blank) is None]
        related = self.related(term_id)
        own = {fold(w) for w in WORD_RE.findall(term.title)} | {fold(n) for n in term.aliases if WORD_RE.fullmatch(n)}
        own |= {fold(s) for w in own for s in spellings(w)}
        name_words = frozenset(fold(w) for r in related for name in self.glossary.terms[r].names
                               for w in WORD_RE.findall(name)) - own
        scores = WordScores(self.named, related, own, name_words, frozenset(fold(w) for w in
                            WORD_RE.findall(term.summary)), self.counts[term_id], self.rarity, self.lowercase)
        taken = {answer_key(singular(b.answer)) for b in out}
        chosen = auto_blanks([s for s in self.sentences[term_id] if s not in {b.sentence for b in out}], scores,
                             limit=BLANKS_PER_TERM + len(taken))
        out += [b for b in chosen if answer_key(singular(b.answer)) not in taken][:max(0, BLANKS_PER_TERM - len(out))]
        out = [self._with_names(b) for b in out]
        self._memo[term_id] = out
        return out

    def _with_names(self, blank: Blank) -> Blank:
        named = self.named(blank.answer)
        if named is None:
            return blank
        others = tuple(n for n in self.glossary.terms[named].names if answer_key(n) != answer_key(blank.answer))
        return Blank(blank.before, blank.answer, blank.after, blank.accept, blank.author, others)


def close_answers(blank: Blank) -> list[tuple[str, str]]:
    """(answer, why) pairs a reader's guess may match to count as close; never the answer itself.

    >>> close_answers(Blank("A ", "tokeniser", " splits text.", names=("tokenizer",)))
    [('tokenisers', 'plural'), ('tokenizer', 'spelling'), ('tokenizers', 'spelling')]
    """
    answer = blank.answer
    forms: list[tuple[str, str]] = []
    number = plural(answer) or (singular(answer) if singular(answer) != answer else None)
    if number:
        forms.append((number, "plural" if number != singular(answer) else "singular"))
    for word in (answer, number):
        forms += [(w, "spelling") for w in spellings(word.lower())] if word else []
    for name in blank.names:
        forms.append((name, "alias"))
        forms += [(plural(name), "alias")] if plural(name) else []
    forms += [(word, "synonym") for word in blank.accept]
    out, keys = [], {answer_key(answer)}
    for form, why in forms:
        if answer_key(form) not in keys:
            keys.add(answer_key(form))
            out.append((form, why))
    return out
