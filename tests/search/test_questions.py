"""The evaluation questions, and what they show: meaning beats keywords on a learner's wording."""

from __future__ import annotations

import re

from sslgloss.search import load_questions


def _words(text: str) -> str:
    """Lowercase, hyphens as spaces, plurals folded: how a name is looked for in a question."""
    return " ".join(w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w
                    for w in re.findall(r"[a-z0-9]+", text.lower()))


def test_there_are_enough_questions_and_every_answer_is_a_glossary_term(glossary):
    questions = load_questions()
    everyday = [q for q in questions if q.style == "everyday"]
    assert len(everyday) >= 40 and {q.style for q in questions} == {"everyday", "short", "jargon"}
    assert len({q.text for q in questions}) == len(questions)
    unknown = {t for q in questions for t in q.expected} - set(glossary.terms)
    assert not unknown, f"questions.yaml expects terms the glossary lacks: {sorted(unknown)}"
    # every term can be asked about in plain words
    assert {q.expected[0] for q in everyday} == set(glossary.terms)


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


def test_meaning_beats_keywords(eval_report):
    report = eval_report
    """Semantic and hybrid search beat BM25 on a learner's wording, in sentences and in a few
    words. (On jargon, keyword search is as good: the rare technical words are in the
    term's text. The figures: `sslgloss search-eval`.)"""
    assert report["questions"] >= 100 and report["skipped"] == 0
    styles = report["styles"]
    for figures in (report["modes"], styles["everyday"]["modes"], styles["short"]["modes"]):
        for mode in ("semantic", "hybrid"):
            assert figures[mode]["mrr"] > figures["keyword"]["mrr"]
            assert figures[mode]["recall@5"] >= figures["keyword"]["recall@5"]
    for mode in ("semantic", "hybrid"):
        assert report["modes"][mode]["recall@1"] > report["modes"]["keyword"]["recall@1"]
        assert report["modes"][mode]["recall@5"] >= 0.9


def test_the_report_lists_each_question(eval_report):
    row = eval_report["per_question"][0]
    assert set(row) == {"q", "style", "expected", "ranks"} and set(row["ranks"]) == {"semantic", "keyword", "hybrid"}


def test_the_learner_set_has_a_dev_and_a_test_part_over_glossary_terms(glossary):
    from sslgloss.search.evaluation import load_learner_questions

    dev, test = load_learner_questions("dev"), load_learner_questions("test")
    assert len(dev) >= 40 and len(test) >= 40
    assert {q.style for q in dev} == {"dev"} and {q.style for q in test} == {"test"}
    assert not {q.text for q in dev} & {q.text for q in test}
    assert len(load_learner_questions("all")) == len(dev) + len(test)
    unknown = {t for q in dev + test for t in q.expected} - set(glossary.terms)
    assert not unknown, f"search.yaml expects terms the glossary lacks: {sorted(unknown)}"


def test_a_bad_part_or_file_is_a_clean_error(tmp_path):
    import pytest

    from sslgloss.errors import InputError
    from sslgloss.search.evaluation import load_learner_questions

    with pytest.raises(InputError, match="choose dev, test or all"):
        load_learner_questions("train")
    with pytest.raises(InputError, match="missing"):
        load_learner_questions("dev", tmp_path / "nope.yaml")
    (tmp_path / "bad.yaml").write_text("dev: [{question: x}]\n")
    with pytest.raises(InputError, match="expected lists `dev` and `test`"):
        load_learner_questions("dev", tmp_path / "bad.yaml")
