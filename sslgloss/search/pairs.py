"""What the search encoder learns from: pairs of texts the glossary's structure gives for free.

A term's name and its summary, its summary and its definition, a sentence about
it with its names blanked out and its summary, another term's sentence that
mentions it (names blanked) and its summary: each pair means the same thing, and
no one labelled anything. :class:`Recipe` says which pairs, how many, and how
:mod:`.adapt` trains on them; :func:`batches` never puts one term twice in a
batch, since in-batch negatives would then push a pair away from itself.

>>> blank_names("Masked language modeling (MLM) hides words.", _names_pattern(["Masked language modeling", "MLM"]))
'it (it) hides words.'
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from dataclasses import asdict, dataclass, field
from typing import Any, Iterable

from .passages import MIN_WORDS, chunk_section, markdown_to_text

# bump when pair making or training changes in a way the recipe fields do not show
ADAPT_VERSION = 1
KINDS = ("name", "definition", "sentence", "mention")
ALL_KINDS = KINDS + ("span",)

@dataclass(frozen=True)
class Recipe:
    """Everything that decides the adapted weights (with the glossary and the base model)."""

    seed: int = 0
    # chosen on the learner set's dev part (sslgloss/evalsets/search.yaml; semantic recall@1): lr 2e-5 0.50,
    # 1e-4 0.60, 2e-4 0.60; two epochs 0.625 for twice the time; without mentions 0.56; with random
    # 4-8-word crops as extra anchors 0.54; 40 pairs per term at 64 word pieces 0.56 (base model 0.35)
    epochs: int = 1
    batch_size: int = 32
    lr: float = 1e-4
    warmup: float = 0.1  # fraction of the steps with a linearly rising learning rate
    weight_decay: float = 0.01
    max_seq_length: int = 128
    scale: float = 20.0  # MultipleNegativesRankingLoss: cosine x scale are the logits
    kinds: tuple[str, ...] = KINDS
    pairs_per_term: int = 20  # at most this many pairs per term and epoch (names and definitions first), 0: all;
    # popular terms are mentioned hundreds of times, and batches never hold a term twice
    max_steps: int = 0  # 0: no limit (tests use a handful)
    frozen_layers: int = 2  # the embeddings and this many lower Transformer layers stay as MiniLM learnt them
    threads: int = 1  # torch threads while training: one thread is reproducible and leaves cores to others

    def key(self) -> str:
        """12 hex digits naming this recipe (threads do not change the result's meaning, but are in it)."""
        data = json.dumps({"v": ADAPT_VERSION, **asdict(self)}, sort_keys=True)
        return hashlib.sha256(data.encode()).hexdigest()[:12]


DEFAULT_RECIPE = Recipe()


# ---------------------------------------------------------------------- pairs from the glossary's structure

@dataclass(frozen=True)
class Pair:
    anchor: str
    positive: str
    term_id: str  # the term the positive belongs to
    kind: str
    others: tuple[str, ...] = field(default=())  # other terms the anchor is about (kept out of its batch)


_SENTENCE_END = re.compile(r"(?<=[.!?])(?<!\b\d\.)(?<!\be\.g\.)(?<!\bi\.e\.)\s+(?=[A-Z\"'(])")


def _names_pattern(names: Iterable[str]) -> re.Pattern | None:
    names = sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True)
    if not names:
        return None
    alternatives = "|".join(re.escape(n).replace(r"\-", r"[-\s]?").replace(r"\ ", r"[-\s]") for n in names)
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?:e?s)?(?![\w-])", re.I)


def blank_names(text: str, pattern: re.Pattern | None) -> str:
    """``text`` with the term's own names replaced by "it", so that it describes the idea without naming it.

    >>> blank_names("BERT uses masked language models.", _names_pattern(["masked language model", "MLM"]))
    'BERT uses it.'
    """
    if pattern is None:
        return text
    return " ".join(pattern.sub("it", text).split())


def sentences(text: str) -> list[str]:
    """Plain-text sentences of a section (paragraphs re-joined, list items apart); tables and fragments dropped.

    >>> sentences("It learns from all\\nthat raw text. Then it is tuned.\\n\\n- a short one\\n- Cost: 5 x 7 GPU days for a model")
    ['It learns from all that raw text.', 'Cost: 5 x 7 GPU days for a model']
    """
    found = []
    for paragraph in re.split(r"\n\s*\n|\n(?=\s*(?:[-*+]|\d+[.)])\s)", text):
        paragraph = " ".join(paragraph.split())
        paragraph = re.sub(r"^(?:[-*+]|\d+[.)])\s+", "", paragraph)
        if not paragraph or paragraph.count(",") > 12:  # a flattened table
            continue
        for sentence in _SENTENCE_END.split(paragraph):
            words = len(sentence.split())
            if MIN_WORDS <= words <= 80 and not sentence.rstrip().endswith(":"):
                found.append(sentence.strip())
    return found


def training_pairs(terms: Iterable[Any], recipe: Recipe = DEFAULT_RECIPE, rng: random.Random | None = None) -> list[Pair]:
    """The (anchor, positive) pairs the glossary gives for free, in a deterministic order.

    Positives are written the way the engine encodes passages (a summary as it is; a
    section chunk after "Title: "), so training and search see the same texts. A
    mention is a sentence of one term that names another (what the site lists under
    "Mentioned in"); the other's names are blanked, so the sentence describes it
    without naming it.
    """
    rng = rng or random.Random(recipe.seed)
    terms = list(terms)
    titles = {t.id: t.title for t in terms}
    summaries = {t.id: " ".join(str(t.summary).split()) for t in terms}
    patterns = {t.id: _names_pattern([t.title, *(getattr(t, "aliases", []) or [])]) for t in terms}
    pairs: list[Pair] = []
    for term in terms:
        summary = summaries[term.id]
        sections = getattr(term, "sections", {}) or {}
        if "name" in recipe.kinds:
            pairs += [Pair(name, summary, term.id, "name") for name in [term.title, *(term.aliases or [])]]
        if "definition" in recipe.kinds:
            for chunk in chunk_section(markdown_to_text(sections.get("Definition", ""), titles)):
                if len(chunk.split()) >= MIN_WORDS:
                    pairs.append(Pair(summary, f"{term.title}: {chunk}", term.id, "definition"))
        for body in sections.values():
            for sentence in sentences(markdown_to_text(body, titles)):
                named = tuple(other for other, pattern in patterns.items()
                              if other != term.id and pattern is not None and pattern.search(sentence))
                if "sentence" in recipe.kinds:
                    blanked = blank_names(sentence, patterns[term.id])
                    if len(blanked.split()) >= MIN_WORDS:
                        pairs.append(Pair(blanked, summary, term.id, "sentence"))
                    if "span" in recipe.kinds and len(blanked.split()) > 8:
                        words = blanked.split()
                        size = rng.randint(4, 8)
                        at = rng.randrange(len(words) - size + 1)
                        pairs.append(Pair(" ".join(words[at:at + size]), summary, term.id, "span"))
                if "mention" in recipe.kinds:
                    for other in named:
                        blanked = blank_names(sentence, patterns[other])
                        pairs.append(Pair(blanked, summaries[other], other, "mention", (term.id,)))
    if not recipe.pairs_per_term:
        return pairs
    by_term: dict[str, list[Pair]] = {}
    for pair in pairs:
        by_term.setdefault(pair.term_id, []).append(pair)
    kept: list[Pair] = []
    for group in by_term.values():
        first = [p for p in group if p.kind in ("name", "definition")][: recipe.pairs_per_term]
        rest = [p for p in group if p.kind not in ("name", "definition")]
        room = recipe.pairs_per_term - len(first)
        kept += first + (rng.sample(rest, room) if len(rest) > room else rest)
    return kept


def batches(pairs: list[Pair], batch_size: int, rng: random.Random) -> list[list[Pair]]:
    """Shuffled batches in which no term appears twice (as a positive, or as the host of a mention).

    In-batch negatives are then truly other terms. Each batch takes one pair from each of
    the terms with the most pairs left, so batches stay full until the last few terms;
    batches of one pair (nothing to contrast with) are dropped.
    """
    queues: dict[str, list[Pair]] = {}
    for pair in pairs:
        queues.setdefault(pair.term_id, []).append(pair)
    for queue in queues.values():
        rng.shuffle(queue)
    tiebreak = {term: rng.random() for term in queues}
    done: list[list[Pair]] = []
    while queues:
        batch: list[Pair] = []
        used: set[str] = set()
        for term in sorted(queues, key=lambda t: (-len(queues[t]), tiebreak[t])):
            touched = {term, *queues[term][-1].others}
            if used & touched:
                continue
            batch.append(queues[term].pop())
            used |= touched
            if not queues[term]:
                del queues[term]
            if len(batch) == batch_size:
                break
        if len(batch) < 2:
            break
        done.append(batch)
    rng.shuffle(done)
    return done
