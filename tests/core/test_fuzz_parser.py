"""Fuzzing the term parser and validator: any text gives problems with file and line, never a crash.

The default run tries a few hundred inputs; `make test-slow` runs the same
properties with many more examples.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sslgloss.glossary import load_glossary
from sslgloss.schema import parse_term_text
from tests.conftest import term_text

VALID = term_text("fuzzed", "Fuzzed", relations="{uses: [other], is_a: [other]}", aliases="[fz]")
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check(text: str) -> None:
    term, problems = parse_term_text(text, "fuzzed.md")
    for problem in problems:
        assert problem.file == "fuzzed.md"
        assert isinstance(problem.line, int) and problem.line >= 1
        assert problem.message
    if term is None:
        assert any(p.level == "error" for p in problems)


@st.composite
def mutated(draw):
    """The valid file with a slice replaced, deleted or duplicated: near misses are the real risk."""
    text = VALID
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(text)))
        j = draw(st.integers(i, min(len(text), i + 40)))
        action = draw(st.sampled_from(["delete", "insert", "duplicate"]))
        if action == "delete":
            text = text[:i] + text[j:]
        elif action == "insert":
            text = text[:i] + draw(st.text(alphabet=st.sampled_from(list(":-[]{}#'\"\t\n |>&*!%@`,? \u00e9\u202e\x00")),
                                           max_size=12)) + text[i:]
        else:
            text = text[:j] + text[i:j] + text[j:]
    return text


@FAST
@given(st.text(max_size=400))
def test_any_text_is_reported_not_crashed(text):
    check(text)


@FAST
@given(st.text(max_size=300))
def test_any_front_matter_is_reported_not_crashed(front):
    check(f"---\n{front}\n---\n## Definition\nx\n")


@FAST
@given(mutated())
def test_mutated_valid_files_are_reported_not_crashed(text):
    check(text)


@pytest.mark.slow
@SLOW
@given(mutated())
def test_mutated_valid_files_slow(text):
    check(text)


@FAST
@given(st.binary(max_size=200))
def test_any_bytes_on_disk_give_problems_with_a_line(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("fuzz")
    (folder / "fuzzed.md").write_bytes(data)
    glossary = load_glossary([folder], entry_points=False)
    for problem in glossary.problems:
        assert problem.file and problem.file.endswith("fuzzed.md")
        assert problem.line is not None
