"""`sslgloss search` and `sslgloss search-eval` as a person uses them: clean output, clean errors."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from sslgloss.search.cli import COMMANDS, search, search_eval


@pytest.fixture
def run(engine):  # the engine fixture has warmed the model and the disk cache
    def invoke(command, *args):
        result = CliRunner().invoke(command, list(args), catch_exceptions=False)
        assert "Traceback" not in result.output
        return result

    return invoke


def test_commands_are_exported_for_the_main_cli():
    assert {c.name for c in COMMANDS} == {"search", "search-eval"}


def test_search_prints_ranked_terms_with_passages(run):
    result = run(search, "hide words in a sentence and guess them", "--k", "3")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("1. Masked Language Modeling (masked-language-modeling)  score 0.")
    assert sum(1 for line in lines if line[:2] in {"1.", "2.", "3."}) == 3


def test_unquoted_words_form_one_query(run):
    result = run(search, "predict", "the", "next", "word", "--k", "1", "--json")
    assert json.loads(result.stdout)["query"] == "predict the next word"


@pytest.mark.parametrize("mode", ["semantic", "keyword", "hybrid"])
def test_json_output(run, mode):
    result = run(search, "cosine of the angle between vectors", "--mode", mode, "--json", "-k", "4")
    data = json.loads(result.stdout)
    assert result.exit_code == 0 and data["mode"] == mode and len(data["results"]) == 4
    assert set(data["results"][0]) == {"term_id", "title", "passage", "section", "score"}
    assert data["results"][0]["term_id"] == "cosine-similarity"


@pytest.mark.parametrize("query", [[], [""], ["   "], ["\n"]])
def test_an_empty_query_is_a_clean_error(run, query):
    result = run(search, *query)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: the query is empty")


def test_a_megabyte_query_is_cut_with_a_notice(run):
    result = run(search, "learning without labels " * 45_000, "--json")  # ~1 MB
    assert result.exit_code == 0
    assert "note: the query is long" in result.stderr
    data = json.loads(result.stdout)
    assert data["truncated"] and len(data["query"]) <= 1000 and data["results"]


def test_k_zero_is_refused_and_a_huge_k_is_clamped(run, glossary):
    zero = run(search, "labels", "--k", "0")
    assert zero.exit_code == 2 and "Invalid value for '-k' / '--k'" in zero.stderr
    huge = run(search, "labels", "--k", "1000000000000", "--json")
    assert huge.exit_code == 0
    assert f"the glossary has {len(glossary.terms)} terms" in huge.stderr
    assert len(json.loads(huge.stdout)["results"]) == len(glossary.terms)
    not_a_number = run(search, "labels", "--k", "five")
    assert not_a_number.exit_code == 2 and "'five' is not a valid integer" in not_a_number.stderr


def test_an_unknown_mode_lists_the_choices(run):
    result = run(search, "labels", "--mode", "fuzzy")
    assert result.exit_code == 2
    assert "'fuzzy' is not one of 'semantic', 'keyword', 'hybrid'" in result.stderr


def test_keyword_search_with_no_matching_word_says_so(run):
    result = run(search, "zxqv", "--mode", "keyword")
    assert result.exit_code == 0 and "No term shares a word with the query" in result.stdout


def test_search_eval_prints_the_table(run, eval_report, monkeypatch):
    import sslgloss.search.evaluation as evaluation

    # the figures are checked in test_questions; here, what the command prints
    monkeypatch.setattr(evaluation, "evaluate", lambda engine=None, **_: eval_report)
    result = run(search_eval)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "questions over" in lines[0]
    assert lines[1].split() == ["questions", "mode", "recall@1", "recall@5", "MRR"]
    assert lines[2].split()[:3] == ["all", f"({lines[0].split()[0]})", "semantic"]
    assert [line.split()[0] for line in lines[3:5]] == ["keyword", "hybrid"]
    assert any(line.startswith("everyday (") for line in lines) and any(line.startswith("short (") for line in lines)
    data = json.loads(run(search_eval, "--json").stdout)
    assert set(data) >= {"questions", "modes", "styles", "per_question"}
