"""The "Test yourself" block: which word is hidden, which answers count, the `cloze:` front matter,
the masked model's guesses (shipped, cached by sentence, never waited for), and the block on a term page."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from sslgloss import load_glossary
from sslgloss.cli import main
from sslgloss.site import cloze_block
from sslgloss.site.builder import GlossarySite, SiteOptions
from sslgloss.site.cloze import ClozeIndex, answer_key, close_answers, singular, term_sentences
from sslgloss.site.cloze_text import split_sentences
from sslgloss.site.cloze_block import ClozeBlocks, GuessStore
from sslgloss.text import stop_words
from tests.conftest import NO_PLUGINS, ONLY_CORE, SECTIONS, term_text


@pytest.fixture(scope="module")
def core():
    glossary = load_glossary()
    assert not glossary.errors
    return glossary


def prose(*sentences: str) -> str:
    """A term body whose Definition holds ``sentences`` and whose other sections say nothing usable."""
    return "".join(f"## {s}\n\n{' '.join(sentences) if s == 'Definition' else 'Short.'}\n\n" for s in SECTIONS)


# ---------------------------------------------------------------------- which word is hidden


def test_every_core_term_gets_three_to_five_blanks_of_its_own_sentences(core):
    index = ClozeIndex.of(core)
    for term in core.terms.values():
        blanks = index.blanks(term.id)
        assert 3 <= len(blanks) <= 5, (term.id, [b.answer for b in blanks])
        sentences = term_sentences(term, index.titles)
        own = {answer_key(n) for n in term.names}
        for blank in blanks:
            assert blank.sentence in sentences
            assert blank.answer.lower() not in stop_words(), (term.id, blank.answer)
            assert answer_key(blank.answer) not in own, (term.id, blank.answer)
            assert re.search(rf"\b{re.escape(blank.answer)}\b", blank.sentence)
            assert blank.masked.count("[MASK]") == 1 and blank.answer not in blank.masked.split()
        answers = [answer_key(singular(b.answer)) for b in blanks]
        assert len(set(answers)) == len(answers), (term.id, answers)  # never the same word twice


def test_blanks_are_the_same_on_every_load(core):
    again = load_glossary()
    first, second = ClozeIndex(core), ClozeIndex(again)
    assert {t: first.blanks(t) for t in core.terms} == {t: second.blanks(t) for t in again.terms}


def test_a_related_terms_name_is_hidden_before_the_pages_other_words(write_terms):
    folder = write_terms({
        "pretext-task": term_text("pretext-task", "Pretext Task", aliases="[pretext]", body=prose(
            "A pretext task is a puzzle invented so that a network learns from unlabelled pictures.")),
        "spin-guess": term_text("spin-guess", "Spin Guess", relations="{is_a: [pretext-task]}", body=prose(
            "Spin guessing turns every photograph into a labelled example for free by rotating it.",
            "This pretext asks the network which of four rotations a photograph went through.")),
    })
    glossary = load_glossary(term_dirs=[str(folder)], entry_points=False)
    blanks = ClozeIndex.of(glossary).blanks("spin-guess")
    assert blanks[0].answer == "pretext"  # names the related term, so it comes first
    assert "Spin" not in [b.answer for b in blanks] and "guessing" not in [b.answer for b in blanks]


def test_sentences_leave_out_code_tables_formulas_and_lists_of_links():
    markdown = (
        "Masked models read both sides of a gap (e.g. BERT, as Devlin et al. showed in 2019). "
        "The loss is `cross_entropy(logits, y)` on masked positions only, nothing else at all.\n\n"
        "| model | score |\n|---|---|\n| a | 1 |\n\n```python\nprint('not prose at all, though it is long')\n```\n\n"
        "- A list item that is a proper sentence of more than eight words.\n"
        "The probability is $p(x) = 0.5$ for every one of the tokens in the sentence.\n")
    from sslgloss.site.cloze_text import paragraphs, usable

    found = [s for p in paragraphs(markdown) for s in split_sentences(p) if usable(s)]
    assert found == ["Masked models read both sides of a gap (e.g. BERT, as Devlin et al. showed in 2019).",
                     "A list item that is a proper sentence of more than eight words."]


# ---------------------------------------------------------------------- which answers count


@pytest.mark.parametrize("answer, guess, why", [
    ("embeddings", "embedding", "singular"),
    ("ontology", "ontologies", "plural"),
    ("tokenisation", "tokenization", "spelling"),
    ("labelled", "labeled", "spelling"),
    ("modelling", "modeling", "spelling"),
    ("colour", "color", "spelling"),
    ("normalised", "normalized", "spelling"),
])
def test_plurals_and_spellings_are_close(answer, guess, why):
    from sslgloss.site.cloze import Blank

    found = dict((answer_key(form), reason) for form, reason in close_answers(Blank("A ", answer, " here.")))
    assert found.get(answer_key(guess)) == why


def test_the_other_names_of_a_term_are_close_and_a_different_word_is_not(core):
    index = ClozeIndex.of(core)
    blank = next(b for t in core.terms for b in index.blanks(t) if b.answer == "MAE")
    close = {answer_key(form): why for form, why in close_answers(blank)}
    assert close[answer_key("masked autoencoder")] == "alias"
    assert answer_key("autoencoder") not in close and answer_key("BERT") not in close
    assert answer_key("MAE") not in close  # the answer itself is right, not close


def test_case_hyphens_and_accents_do_not_make_an_answer_wrong():
    assert answer_key("Fine-Tuning") == answer_key("fine tuning") == answer_key("finetuning")
    assert answer_key("naïve") == answer_key("naive")
    assert answer_key("pretraining") != answer_key("pretrained")


# ---------------------------------------------------------------------- front matter


AUTHORED = ('cloze:\n  - {sentence: "A spin guesser learns where skies and floors belong by undoing rotations.", '
            'blank: rotations, accept: [turns]}\n')


def test_cloze_sentences_from_front_matter_come_first_with_their_accepted_words(write_terms):
    folder = write_terms({"spin-guess": term_text("spin-guess", "Spin Guess", extra=AUTHORED)})
    glossary = load_glossary(term_dirs=[str(folder)], entry_points=False)
    assert not glossary.errors
    first = ClozeIndex.of(glossary).blanks("spin-guess")[0]
    assert (first.answer, first.author) == ("rotations", True)
    assert first.before == "A spin guesser learns where skies and floors belong by undoing "
    assert ("turns", "synonym") in close_answers(first)


@pytest.mark.parametrize("entry, line, message", [
    ('  - {sentence: "A spin guesser learns where skies belong.", blank: the}\n', 9,
     "`cloze.0`: blank `the` is a common word"),
    ('  - {sentence: "A spin guesser learns where skies belong.", blank: floors}\n', 9,
     "`cloze.0`: blank `floors` is not a word of the sentence"),
    ('  - {sentence: "Skies are skies.", blank: skies}\n', 9, "appears 2 times in the sentence"),
    ('  - {sentence: "A spin guesser learns.", blank: spin guesser}\n', 9, "must be a single word"),
    ('  - {sentence: "A spin guesser learns.", blank: spin, acept: [x]}\n', 9,
     "unknown field `cloze.0.acept` (did you mean `accept`?)"),
    ('  - {blank: spin}\n', 9, "missing required field `cloze.0.sentence`"),
    ('  - "A spin guesser learns."\n', 9, "`cloze.0` must be a mapping of fields"),
])
def test_bad_cloze_entries_are_reported_at_their_line(write_terms, entry, line, message):
    folder = write_terms({"spin-guess": term_text("spin-guess", "Spin Guess", extra="cloze:\n" + entry)})
    problems = load_glossary(term_dirs=[str(folder)], entry_points=False).errors
    found = [p for p in problems if message in str(p)]
    assert found, [str(p) for p in problems]
    assert found[0].line == line and found[0].file.endswith("spin-guess.md")


def test_validate_strict_fails_on_a_term_without_a_usable_sentence(write_terms):
    folder = write_terms({"spin-guess": term_text("spin-guess", "Spin Guess")})  # every sentence is too short
    runner = CliRunner()
    env = {"SSLGLOSS_DISABLE_PLUGINS": NO_PLUGINS}
    loose = runner.invoke(main, ["validate", "--terms-dir", str(folder)], env=env)
    strict = runner.invoke(main, ["validate", "--strict", "--terms-dir", str(folder)], env=env)
    warning = "spin-guess.md:11: warning: term `spin-guess` gives its \"Test yourself\" block no sentence"
    assert loose.exit_code == 0 and warning in loose.output
    assert strict.exit_code == 1 and warning in strict.output
    authored = write_terms({"spin-guess": term_text("spin-guess", "Spin Guess", extra=AUTHORED)}, folder="ok")
    assert "Test yourself" not in runner.invoke(main, ["validate", "--terms-dir", str(authored)], env=env).output


# ---------------------------------------------------------------------- the model's guesses


def test_the_shipped_guesses_cover_every_core_blank_so_a_build_computes_nothing(core):
    blocks = ClozeBlocks(core, "http://127.0.0.1:8501", GuessStore(None))
    assert blocks.missing(core.terms.values()) == []
    shipped = json.loads(cloze_block.SHIPPED_GUESSES.read_text(encoding="utf-8"))["guesses"]
    assert set(shipped) == set(cloze_block.core_blanks(core))  # nothing left from sentences that changed
    assert all(len(entry["guesses"]) == 5 for entry in shipped.values())


def test_the_refresh_command_checks_the_shipped_guesses_and_names_what_is_missing(tmp_path):
    runner = CliRunner()
    env = {"SSLGLOSS_DISABLE_PLUGINS": ONLY_CORE}
    current = runner.invoke(main, ["site", "cloze", "--check"], env=env)
    assert current.exit_code == 0, current.output
    empty = runner.invoke(main, ["site", "cloze", "--check", "--out", str(tmp_path / "g.json")], env=env)
    assert empty.exit_code == 1 and "missing: " in empty.output and "[MASK]" in empty.output
    assert empty.output.rstrip().endswith("sentence(s) have no guesses; `sslgloss site cloze` computes them")


def test_without_the_model_the_block_works_without_its_column(write_terms, tmp_path, monkeypatch):
    folder = write_terms({"spin-guess": term_text("spin-guess", "Spin Guess", extra=AUTHORED)})
    glossary = load_glossary(term_dirs=[str(folder)], entry_points=False)
    notes = []
    monkeypatch.setattr(cloze_block, "demos_installed", lambda: False)
    monkeypatch.setattr(cloze_block, "run_worker", lambda *a: pytest.fail("the build ran the model"))
    blocks = ClozeBlocks(glossary, "http://127.0.0.1:8501", GuessStore(tmp_path / "g.json"), note=notes.append)
    blocks.prepare(glossary.terms.values())
    assert "pip install 'sslgloss[demos]'" in notes[0]
    html = render_block(glossary, blocks, "spin-guess")
    assert "were not computed when this site was built" in html
    assert "sslgloss-fallback-bar" not in html and 'data-answer="rotations"' in html


def test_a_build_computes_missing_guesses_once_and_keeps_them_by_sentence(write_terms, tmp_path):
    pytest.importorskip("torch")
    folder = write_terms({"spin-guess": term_text("spin-guess", "Spin Guess", extra=AUTHORED)})
    glossary = load_glossary(term_dirs=[str(folder)], entry_points=False)
    local = tmp_path / "guesses.json"
    warnings = []
    blocks = ClozeBlocks(glossary, "http://127.0.0.1:8501", GuessStore(local, shipped=None), warn=warnings.append)
    blocks.prepare(glossary.terms.values())
    assert not warnings and blocks.missing(glossary.terms.values()) == []
    html = render_block(glossary, blocks, "spin-guess")
    assert html.count("sslgloss-fallback-bar__label") == 5 and "The masked language model" in html
    # another section changes: the sentence's guesses are still there, nothing to compute
    (folder / "spin-guess.md").write_text(term_text("spin-guess", "Spin Guess", extra=AUTHORED).replace(
        "for origins.", "for its origins."), encoding="utf-8")
    edited = load_glossary(term_dirs=[str(folder)], entry_points=False)
    assert edited.fingerprint != glossary.fingerprint
    later = ClozeBlocks(edited, "http://127.0.0.1:8501", GuessStore(local, shipped=None))
    assert later.missing(edited.terms.values()) == []


def test_a_fallbacks_off_build_never_runs_the_model(write_terms, tmp_path, monkeypatch):
    folder = write_terms({"spin-guess": term_text("spin-guess", "Spin Guess", extra=AUTHORED)})
    glossary = load_glossary(term_dirs=[str(folder)], entry_points=False)
    monkeypatch.setattr(cloze_block, "run_worker", lambda *a: pytest.fail("the build ran the model"))
    ClozeBlocks(glossary, "http://x", GuessStore(tmp_path / "g.json"), fallbacks=False).prepare(glossary.terms.values())


# ---------------------------------------------------------------------- the block on the page


def render_block(glossary, blocks: ClozeBlocks, term_id: str) -> str:
    from sslgloss.site.templating import environment

    return environment().get_template("sslgloss/term-cloze.html").render(**blocks.context(glossary.terms[term_id]))


def test_the_block_follows_the_prose_with_every_sentence_and_the_models_guesses(core):
    site = GlossarySite(core, SiteOptions(demo_fallbacks=False), lambda src: src.removesuffix(".md") + "/")
    site.scan_terms()
    site.generated_pages()
    headings = [h.text for h in site.headings("bert")]
    assert headings[headings.index("In practice") + 1] == "Test yourself"
    html = site.pages.deferred(core.terms["bert"], "terms/bert/", site.headings("bert"))
    block = html[html.index('<div class="sslgloss-cloze'):html.index('id="try-it-live"')]
    blanks = ClozeIndex.of(core).blanks("bert")
    assert re.findall(r'data-answer="([^"]+)"', block) == [b.answer for b in blanks]
    items = re.findall(r'<div class="sslgloss-cloze__item"[^>]*>', block)
    assert len(items) == len(blanks) and [i.endswith(" hidden>") for i in items] == [False] + [True] * (len(items) - 1)
    assert block.count("sslgloss-fallback-bar__label") == 5 * len(blanks)
    assert "\n\n" not in block  # one HTML block for the Markdown other engines read
    assert '<label for="sslgloss-cloze-guess-1">' in block and 'role="status"' in block
    assert "masking?input=" in block and "%5BMASK%5D" in block  # "Ask the model live" (shown while it is up)


def test_the_pages_written_for_other_engines_carry_the_block_and_its_assets(tmp_path):
    from site_helpers import REPO
    generate = pytest.importorskip("sslgloss.site.generate").generate  # the writer for other engines

    generate(REPO / "mkdocs.yml", tmp_path, echo=lambda message: None)
    markdown = (tmp_path / "docs" / "terms" / "bert.md").read_text(encoding="utf-8")
    assert "\n## Test yourself { #test-yourself }\n" in markdown
    block = markdown[markdown.index('<div class="sslgloss-cloze'):markdown.index("## Try it live")]
    assert "\n\n" not in block.strip()  # Python-Markdown passes it through as one HTML block
    config = (tmp_path / "mkdocs.yml").read_text(encoding="utf-8")
    assert "assets/sslgloss/cloze.js" in config and "assets/sslgloss/cloze.css" in config
    assert (tmp_path / "docs" / "assets" / "sslgloss" / "cloze.js").is_file()
