"""The training corpus: Jane Austen's novels read from the Debian package's R data files, and the split."""

from pathlib import Path

import pytest

from sslgloss.errors import ModelError
from sslgloss.ml import corpus as corpus_mod
from sslgloss.ml.corpus import austen_lines, build_corpus, is_heldout, novel_paragraphs, split_sentences


def test_sentences_do_not_end_at_titles_or_inside_quotes():
    text = 'Mr. Darcy bowed to Mrs. Bennet. "Is it far?" she asked. "Not very." Dr. Grant smiled.'
    assert split_sentences(text) == [
        "Mr. Darcy bowed to Mrs. Bennet.",
        '"Is it far?" she asked.',
        '"Not very."',
        "Dr. Grant smiled.",
    ]


def test_paragraphs_join_wrapped_lines_and_drop_headings():
    lines = ["CHAPTER 1", "", "It was a fine morning, and the", "_whole_ party walked--slowly.", "", "THE END", ""]
    assert novel_paragraphs(lines) == ["It was a fine morning, and the whole party walked -- slowly."]


@pytest.fixture(scope="module")
def novels():
    try:
        return austen_lines()
    except ModelError as exc:  # pragma: no cover - `make setup` unpacks them; say so plainly if it did not
        pytest.fail(f"the setup did not install Jane Austen's novels: {exc}")


def test_austen_novels_are_read_as_sentences(novels):
    assert len(novels) > 25_000  # six novels, ~0.7 M words
    assert any(line.startswith("It is a truth universally acknowledged") for line in novels)
    assert not any(line.upper().startswith("CHAPTER") for line in novels)
    assert all(len(line.split()) >= 3 for line in novels)


def test_corpus_counts_each_source_and_keeps_held_out_lines_out_of_training(novels):
    corpus = build_corpus(include_wordnet=False, include_glossary=False, austen_repeat=2)
    assert corpus.sources == {"jane-austen": len(novels)}
    held = set(corpus.heldout)
    assert held and all(is_heldout(line) for line in held)
    assert not held & set(corpus.train)
    assert len(corpus.train) == 2 * (len(novels) - len(corpus.heldout))  # repeated twice, held-out once


def test_missing_novels_say_how_to_install_them(tmp_path):
    with pytest.raises(ModelError, match="r-cran-janeaustenr"):
        austen_lines(tmp_path)


def test_corrupt_r_data_is_reported_with_its_directory(tmp_path: Path):
    (tmp_path / "Rdata.rdb").write_bytes(b"not R data")
    (tmp_path / "Rdata.rdx").write_bytes(b"not gzip either")
    with pytest.raises(ModelError, match=str(tmp_path)):
        austen_lines(tmp_path)


def test_data_files_of_another_package_are_refused(tmp_path, monkeypatch):
    (tmp_path / "Rdata.rdb").write_bytes(b"")
    monkeypatch.setattr(corpus_mod, "read_r_lazyload", lambda directory: {"words": ["a", "b"]})
    with pytest.raises(ModelError, match="lacks the novels"):
        austen_lines(tmp_path)


def test_environment_variable_points_at_the_data(tmp_path, monkeypatch):
    monkeypatch.setenv("SSLGLOSS_AUSTEN_DIR", str(tmp_path))
    assert corpus_mod.austen_data_dirs()[0] == tmp_path


def test_wordnet_lines_carry_no_headwords_to_copy():
    # With "cat, true cat: ..." in front, the masked model learned to answer by copying a word of the line.
    raw = '02121620 05 n 02 cat 0 true_cat 0 000 | feline mammal usually having thick soft fur; "the cat purred"  '
    assert corpus_mod.parse_wordnet_line(raw) == 'feline mammal usually having thick soft fur; "the cat purred"'
    assert corpus_mod.parse_wordnet_line(raw, headwords=True).startswith("cat, true cat: feline")
