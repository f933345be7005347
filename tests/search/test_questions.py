"""The evaluation questions, and what they show: meaning beats keywords on a learner's wording."""

from __future__ import annotations

import re

import pytest

from sslgloss.search import evaluate, load_questions


def _words(text: str) -> str:
    """Lowercase, hyphens as spaces, plurals folded: how a name is looked for in a question."""
    return " ".join(w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w
                    for w in re.findall(r"[a-z0-9]+", text.lower()))


@pytest.fixture(scope="module")
def report(engine):
    return evaluate(engine=engine)


def test_there_are_enough_questions_and_every_answer_is_a_glossary_term(glossary):
    questions = load_questions()
    assert len(questions) >= 40
    assert len({q.text for q in questions}) == len(questions)
    unknown = {t for q in questions for t in q.expected} - set(glossary.terms)
    assert not unknown, f"questions.yaml expects terms the glossary lacks: {sorted(unknown)}"


def test_no_question_names_its_answer(glossary):
    """A question that contains the term's title or an alias would test spelling, not meaning."""
    offenders = []
    for question in load_questions():
        text = f" {_words(question.text)} "
        for term_id in question.expected[:1]:
            term = glossary.terms[term_id]
            for name in term.names:
                if f" {_words(name)} " in text:
                    offenders.append(f"{question.text!r} names {term_id} ({name!r})")
    assert not offenders, "\n".join(offenders)


def test_semantic_and_hybrid_search_beat_keywords(report):
    modes = report["modes"]
    assert report["questions"] >= 40 and report["skipped"] == 0
    for mode in ("semantic", "hybrid"):
        assert modes[mode]["mrr"] > modes["keyword"]["mrr"]
        assert modes[mode]["recall@1"] > modes["keyword"]["recall@1"]
        assert modes[mode]["recall@5"] >= 0.85


def test_the_report_lists_each_question(report):
    row = report["per_question"][0]
    assert set(row) == {"q", "expected", "ranks"} and set(row["ranks"]) == {"semantic", "keyword", "hybrid"}
