"""`sslgloss search` and `sslgloss search-eval` as a person uses them: clean output, clean errors."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from sslgloss.search.cli import COMMANDS, search, search_eval, search_train


@pytest.fixture
def run(engine):  # the engine fixture has warmed the model and the disk cache
    def invoke(command, *args):
        result = CliRunner().invoke(command, list(args), catch_exceptions=False)
        assert "Traceback" not in result.output
        return result

    return invoke


def test_commands_are_exported_for_the_main_cli():
    assert {c.name for c in COMMANDS} == {"search", "search-eval", "search-train"}


def test_search_prints_ranked_terms_with_passages(run):
    result = run(search, "hide words in a sentence and guess them", "--k", "3")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith(("1. Masked Language Modeling (masked-language-modeling)  score 0.",
                                "1. Whole-Word Masking (whole-word-masking)  score 0."))
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
    monkeypatch.setattr(evaluation, "evaluate", lambda engine=None, **_: dict(eval_report))
    result = run(search_eval, "--set", "project")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "questions over" in lines[0] and "project set" in lines[0]
    assert lines[1].split() == ["encoder", "questions", "mode", "recall@1", "recall@5", "MRR"]
    assert lines[2].split()[:4] == ["adapted", "all", f"({lines[0].split()[0]})", "semantic"]
    assert [line.split()[1] for line in lines[3:5]] == ["keyword", "hybrid"]
    assert any(line.startswith("adapted  everyday (") for line in lines)
    # the base encoder's table follows; keyword search does not use an encoder, so it is not repeated
    base = [line for line in lines if line.startswith("base")]
    assert base and not any("keyword" in line for line in base)
    data = json.loads(run(search_eval, "--set", "project", "--json").stdout)
    assert set(data) >= {"questions", "modes", "styles", "per_question", "encoders"}
    assert set(data["encoders"]) == {"adapted", "base"}


def test_search_eval_reads_the_learner_set_by_part(run, monkeypatch):
    import sslgloss.search.evaluation as evaluation

    seen = {}

    def fake(engine=None, questions=None):
        seen["styles"] = {q.style for q in questions}
        return {"questions": len(questions), "skipped": 0, "terms": 68, "per_question": [], "styles": {},
                "modes": {m: {"recall@1": 0.5, "recall@5": 0.9, "mrr": 0.6} for m in ("semantic", "keyword", "hybrid")}}

    monkeypatch.setattr(evaluation, "evaluate", fake)
    result = run(search_eval, "--part", "dev", "--encoder", "base")
    assert result.exit_code == 0 and seen["styles"] == {"dev"}
    assert "(learner set, dev part)" in result.stdout.splitlines()[0]
    assert [line.split()[0] for line in result.stdout.splitlines()[2:]] == ["base"] * 3
    run(search_eval, "--encoder", "base")
    assert seen["styles"] == {"test"}  # the default: the held-out part


def test_search_train_reports_cached_weights(run, monkeypatch):
    from sslgloss.search import adapt

    class Enc:
        key = "all-MiniLM-L6-v2-0.1.0-adaptedabc"

    monkeypatch.setattr(adapt, "build_adapted",
                        lambda glossary, force=False, progress=None: (Enc(), {"trained": False, "path": "/x.safetensors"}))
    result = run(search_train)
    assert result.exit_code == 0 and "already adapted to this glossary" in result.stdout
    data = json.loads(run(search_train, "--json").stdout)
    assert data["encoder"] == Enc.key and data["trained"] is False
