"""How well each search mode answers learners' questions: recall@1, recall@5 and MRR.

The questions (``questions.yaml``) were written for this project and avoid
the words of the terms they expect, so they measure search by meaning rather
than by name. A question counts as answered at rank r when any of its
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


@dataclass(frozen=True)
class Question:
    text: str
    expected: tuple[str, ...]  # acceptable term ids, best first


def load_questions(path: Path | None = None) -> list[Question]:
    """The evaluation questions, from ``path`` or the packaged ``questions.yaml``."""
    if path is None:
        text = resources.files(__package__).joinpath(QUESTIONS_FILE).read_text(encoding="utf-8")
        where = QUESTIONS_FILE
    else:
        text, where = Path(path).read_text(encoding="utf-8"), str(path)
    try:
        data = yaml.safe_load(text)
        questions = [Question(str(item["q"]), tuple(item["expected"])) for item in data["questions"]]
    except (yaml.YAMLError, KeyError, TypeError) as exc:
        raise InputError(f"{where}: expected `questions:` as a list of {{q: ..., expected: [term-id, ...]}} ({exc})") from None
    return questions


def first_hit(ranking: list[str], expected: tuple[str, ...]) -> int | None:
    """1-based rank of the first acceptable term in ``ranking``, None if absent.

    >>> first_hit(["a", "b", "c"], ("c", "b")), first_hit(["a"], ("z",))
    (2, None)
    """
    wanted = set(expected)
    return next((rank for rank, term in enumerate(ranking, start=1) if term in wanted), None)


def summarise(ranks: list[int | None]) -> dict[str, float]:
    """recall@1, recall@5 and mean reciprocal rank (a miss counts 0) over questions.

    >>> summarise([1, 3, None, 6])
    {'recall@1': 0.25, 'recall@5': 0.5, 'mrr': 0.375}
    """
    n = len(ranks) or 1
    return {
        "recall@1": sum(1 for r in ranks if r == 1) / n,
        "recall@5": sum(1 for r in ranks if r is not None and r <= 5) / n,
        "mrr": sum(1 / r for r in ranks if r is not None) / n,
    }


def evaluate(glossary: Any = None, engine: SearchEngine | None = None, questions: list[Question] | None = None) -> dict:
    """Score every search mode on the question set.

    Returns ``{"questions": n_used, "skipped": n, "modes": {mode: {"recall@1", "recall@5", "mrr"}},
    "per_question": [{"q", "expected", "ranks": {mode: rank or None}}]}``.
    """
    engine = engine or get_engine(glossary)
    questions = load_questions() if questions is None else questions
    known = set(engine.term_ids)
    used = [q for q in questions if any(t in known for t in q.expected)]
    ranks: dict[str, list[int | None]] = {mode: [] for mode in MODES}
    per_question = []
    for question in used:
        row = {"q": question.text, "expected": list(question.expected), "ranks": {}}
        for mode in MODES:
            rank = first_hit([r.term_id for r in engine.rank(question.text, mode)], question.expected)
            ranks[mode].append(rank)
            row["ranks"][mode] = rank
        per_question.append(row)
    return {
        "questions": len(used),
        "skipped": len(questions) - len(used),
        "terms": len(known),
        "modes": {mode: summarise(ranks[mode]) for mode in MODES},
        "per_question": per_question,
    }
