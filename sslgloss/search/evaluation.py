"""How well each search mode answers learners' questions: recall@1, recall@5 and MRR.

Two question sets. The **learner set** (``sslgloss/evalsets/search.yaml``) was written
outside the project, as a newcomer types, in a ``dev`` part (looked at while tuning)
and a ``test`` part (not looked at; the figures we report): see its header. The
**project set** (``questions.yaml``, below) was written for this project and avoids
the names of the terms they expect, so they measure search by meaning rather
than by name. They come in three styles: "everyday" (a newcomer's question
in plain words), "short" (a few words typed into a search box), one of each
per term, and "jargon" (the field's own vocabulary and names). Figures are
reported for each style and for all questions together. A question counts as answered at rank r when any of its
acceptable terms is at rank r; questions whose terms are not in the glossary
(e.g. a glossary still being written) are skipped and counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError
from .engine import MODES, SearchEngine, get_engine

QUESTIONS_FILE = "questions.yaml"
STYLES = ("everyday", "short", "jargon")
LEARNER_PARTS = ("dev", "test")
SETS = ("learner", "project")


@dataclass(frozen=True)
class Question:
    text: str
    expected: tuple[str, ...]  # acceptable term ids, best first
    style: str = "everyday"  # one of STYLES


def load_questions(path: Path | None = None) -> list[Question]:
    """The evaluation questions, from ``path`` or the packaged ``questions.yaml``."""
    if path is None:
        text = resources.files(__package__).joinpath(QUESTIONS_FILE).read_text(encoding="utf-8")
        where = QUESTIONS_FILE
    else:
        text, where = Path(path).read_text(encoding="utf-8"), str(path)
    try:
        data = yaml.safe_load(text)
        questions = [Question(str(item["q"]), tuple(item["expected"]), style)
                     for style in STYLES for item in data.get(style) or []]
    except (yaml.YAMLError, KeyError, TypeError, AttributeError) as exc:
        raise InputError(f"{where}: expected lists `{'`, `'.join(STYLES)}` of "
                         f"{{q: ..., expected: [term-id, ...]}} ({exc})") from None
    if not questions:
        raise InputError(f"{where} holds no questions under any of `{'`, `'.join(STYLES)}`")
    return questions


def learner_file() -> Path:
    """The learner-style search set, with its ``dev`` and ``test`` parts."""
    from .. import evalsets

    return Path(evalsets.__file__).with_name("search.yaml")


def load_learner_questions(part: str = "test", path: Path | None = None) -> list[Question]:
    """Questions of the learner set's ``part`` ("dev", "test" or "all"); a question's style is its part."""
    parts = LEARNER_PARTS if part == "all" else (part,)
    if any(p not in LEARNER_PARTS for p in parts):
        raise InputError(f"unknown part `{part}` of the learner set; choose dev, test or all")
    path = Path(path) if path is not None else learner_file()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        questions = [Question(str(item["q"]), tuple(item["expected"]), p) for p in parts for item in data.get(p) or []]
    except OSError as exc:
        raise InputError(f"the learner search set is missing: {path} ({exc.strerror})") from None
    except (yaml.YAMLError, KeyError, TypeError, AttributeError) as exc:
        raise InputError(f"{path}: expected lists `dev` and `test` of {{q: ..., expected: [term-id, ...]}} ({exc})") from None
    if not questions:
        raise InputError(f"{path} holds no questions under `{'`, `'.join(parts)}`")
    return questions


def first_hit(ranking: list[str], expected: tuple[str, ...]) -> int | None:
    """1-based rank of the first acceptable term in ``ranking``, None if absent.

    >>> first_hit(["a", "b", "c"], ("c", "b")), first_hit(["a"], ("z",))
    (2, None)
    """
    wanted = set(expected)
    return next((rank for rank, term in enumerate(ranking, start=1) if term in wanted), None)


def summarise(ranks: list[int | None], recall_at: tuple[int, ...] = (1, 5)) -> dict[str, float]:
    """recall at each cut-off of ``recall_at`` and mean reciprocal rank (a miss counts 0) over questions.

    >>> summarise([1, 3, None, 6])
    {'recall@1': 0.25, 'recall@5': 0.5, 'mrr': 0.375}
    >>> summarise([1, 3, None, 6], recall_at=(3,))
    {'recall@3': 0.5, 'mrr': 0.375}
    """
    n = len(ranks) or 1
    figures = {f"recall@{cut}": sum(1 for r in ranks if r is not None and r <= cut) / n for cut in recall_at}
    return {**figures, "mrr": sum(1 / r for r in ranks if r is not None) / n}


def evaluate(glossary: Any = None, engine: SearchEngine | None = None, questions: list[Question] | None = None) -> dict:
    """Score every search mode on the question set.

    Returns ``{"questions": n_used, "skipped": n, "terms": n,
    "modes": {mode: {"recall@1", "recall@5", "mrr"}}`` (all questions),
    ``"styles": {style: {"questions": n, "modes": {...}}}`` and
    ``"per_question": [{"q", "style", "expected", "ranks": {mode: rank or None}}]}``.
    """
    engine = engine or get_engine(glossary)
    questions = load_questions() if questions is None else questions
    known = set(engine.term_ids)
    used = [q for q in questions if any(t in known for t in q.expected)]
    per_question = []
    embeddings = engine.embed_queries([q.text for q in used]) if used else []
    for question, embedding in zip(used, embeddings):
        ranks = {mode: first_hit([r.term_id for r in engine.rank(question.text, mode, embedding)], question.expected)
                 for mode in MODES}
        per_question.append({"q": question.text, "style": question.style, "expected": list(question.expected),
                             "ranks": ranks})

    def figures(rows: list[dict]) -> dict:
        return {mode: summarise([row["ranks"][mode] for row in rows]) for mode in MODES}

    styles = {}
    for style in dict.fromkeys(row["style"] for row in per_question):
        rows = [row for row in per_question if row["style"] == style]
        if rows:
            styles[style] = {"questions": len(rows), "modes": figures(rows)}
    return {
        "questions": len(used),
        "skipped": len(questions) - len(used),
        "terms": len(known),
        "modes": figures(per_question),
        "styles": styles,
        "per_question": per_question,
    }
