"""The search encoder teaches itself the glossary: pairs from its structure, batches, training, the cache, fallbacks."""

from __future__ import annotations

import logging
import random

import numpy as np
import pytest

from sslgloss.search import SearchEngine, adapt
from sslgloss.search import pairs as glossary_pairs
from sslgloss.search.semantic import load_encoder

from .conftest import TinyGlossary, make_term

TINY = adapt.with_recipe(batch_size=4, max_steps=2, pairs_per_term=6, max_seq_length=32)


@pytest.fixture
def terms():
    return [
        make_term("cats", "Cats", "Small furry animals that purr and chase mice.",
                  "Cats are kept as pets. Cats sleep most of the day and hunt small animals at night. "
                  "Unlike Dogs, cats rarely come when called."),
        make_term("dogs", "Dogs", "Loyal animals that bark and fetch sticks.",
                  "Dogs were the first animals people tamed. A dog can learn dozens of commands with patience."),
        make_term("ships", "Ships", "Large vessels that carry cargo across the sea.",
                  "Ships move most of the world's trade. A container ship can carry twenty thousand boxes."),
        make_term("trains", "Trains", "Vehicles that run on rails between stations.",
                  "Trains carry people and freight over land. A high-speed train can travel at 300 km per hour."),
    ]


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SSLGLOSS_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv(adapt.ENCODER_ENV, raising=False)
    monkeypatch.delenv(adapt.TRAIN_ENV, raising=False)
    adapt.forget_encoders()
    yield tmp_path / "cache" / "search"
    adapt.forget_encoders()


def test_pairs_come_from_the_glossary_structure(terms):
    pairs = glossary_pairs.training_pairs(terms, adapt.with_recipe(pairs_per_term=0))
    kinds = {p.kind for p in pairs}
    assert kinds == {"name", "definition", "sentence", "mention"}
    name = next(p for p in pairs if p.kind == "name" and p.term_id == "cats")
    assert (name.anchor, name.positive) == ("Cats", "Small furry animals that purr and chase mice.")
    definition = next(p for p in pairs if p.kind == "definition" and p.term_id == "ships")
    assert definition.positive.startswith("Ships: ")  # the way the engine encodes a section chunk
    # a sentence describes its term without naming it
    sentences = [p.anchor for p in pairs if p.kind == "sentence" and p.term_id == "cats"]
    assert "it sleep most of the day and hunt small animals at night." in sentences
    assert not any("cat" in s.lower().split() for s in sentences)
    # "Unlike Dogs, ..." in the cats' text is a mention of dogs, with the dogs' name blanked
    mention = next(p for p in pairs if p.kind == "mention")
    assert mention.term_id == "dogs" and mention.others == ("cats",) and "Dogs" not in mention.anchor


def test_pairs_per_term_are_capped_keeping_names_and_definitions(terms):
    pairs = glossary_pairs.training_pairs(terms, adapt.with_recipe(pairs_per_term=3))
    for term in terms:
        own = [p for p in pairs if p.term_id == term.id]
        assert len(own) <= 3 and own[0].kind == "name"


def test_pairs_are_deterministic_from_the_seed(terms):
    one = glossary_pairs.training_pairs(terms, adapt.with_recipe(pairs_per_term=3), random.Random(1))
    two = glossary_pairs.training_pairs(terms, adapt.with_recipe(pairs_per_term=3), random.Random(1))
    assert one == two


def test_no_batch_holds_a_term_twice(terms):
    pairs = glossary_pairs.training_pairs(terms, adapt.with_recipe(pairs_per_term=0))
    batches = glossary_pairs.batches(pairs, 3, random.Random(0))
    assert batches and all(2 <= len(b) <= 3 for b in batches)
    for batch in batches:
        touched = [t for p in batch for t in (p.term_id, *p.others)]
        assert len(touched) == len(set(touched))


@pytest.mark.parametrize("text, names, expected", [
    ("Masked language models hide words; MLM is one.", ["Masked Language Modeling", "masked language model", "MLM"],
     "it hide words; it is one."),
    ("Self-supervised learning needs no labels.", ["Self-Supervised Learning"], "it needs no labels."),
    ("self supervised learning needs no labels.", ["Self-Supervised Learning"], "it needs no labels."),
    ("A catalogue of cats.", ["Cat"], "A catalogue of it."),
])
def test_names_are_blanked_as_whole_words(text, names, expected):
    assert glossary_pairs.blank_names(text, glossary_pairs._names_pattern(names)) == expected


def test_the_recipe_names_the_weights(tmp_path):
    assert adapt.with_recipe().key() == adapt.DEFAULT_RECIPE.key()
    assert adapt.with_recipe(seed=1).key() != adapt.DEFAULT_RECIPE.key()
    a = adapt.adapted_file(tmp_path, "all-MiniLM-L6-v2-0.1.0", "fp1")
    assert a != adapt.adapted_file(tmp_path, "all-MiniLM-L6-v2-0.1.0", "fp2")
    assert a.suffix == ".safetensors" and a.parent == tmp_path


def test_training_changes_only_the_trained_layers_and_round_trips_through_the_file(cache, terms):
    """Tiny settings: two steps of four pairs. What is saved (float16) is what search then uses."""
    glossary = TinyGlossary(terms, "tinyfp")
    encoder, info = adapt.build_adapted(glossary, TINY)
    assert info["trained"] and info["steps"] == 2 and set(info["pairs"]) <= set(glossary_pairs.KINDS)
    path = cache / adapt.adapted_file(cache, load_encoder().key, "tinyfp", TINY).name
    assert path.is_file() and path.stat().st_size < 60e6  # float16, no embedding matrix
    base = load_encoder()
    assert encoder.key != base.key and "adapted" in encoder.key
    # the frozen embedding matrix is shared with the base model, not copied
    assert (encoder._model[0].auto_model.embeddings.word_embeddings.weight
            is base._model[0].auto_model.embeddings.word_embeddings.weight)
    text = ["a pet that purrs"]
    assert not np.allclose(encoder.encode(text), base.encode(text), atol=1e-4)
    again, info2 = adapt.build_adapted(glossary, TINY)  # now from the cache
    assert not info2["trained"]
    np.testing.assert_allclose(again.encode(text), encoder.encode(text), atol=1e-6)


def test_the_engine_uses_the_adapted_encoder_and_falls_back_with_a_message(cache, terms, monkeypatch, caplog):
    monkeypatch.setattr(adapt, "DEFAULT_RECIPE", TINY)
    glossary = TinyGlossary(terms, "tinyfp2")
    # no cached weights and training switched off: the base model, and the log says why
    monkeypatch.setenv(adapt.TRAIN_ENV, "0")
    with caplog.at_level(logging.WARNING, logger="sslgloss.search.adapt"):
        engine = SearchEngine.from_glossary(glossary)
        assert engine.encoder is load_encoder()
    assert "uses the base all-MiniLM-L6-v2" in caplog.text and "search-train" in caplog.text
    assert engine.search("a pet that purrs", k=1)[0].term_id == "cats"
    # once trained (here in-process, as `sslgloss search-train` does) a new process-wide lookup finds it
    adapt.forget_encoders()
    adapt.build_adapted(glossary)
    engine = SearchEngine.from_glossary(glossary)
    assert "adapted" in engine.encoder.key
    assert engine.search("a pet that purrs", k=1, mode="semantic")
    # $SSLGLOSS_SEARCH_ENCODER=base chooses the base model on purpose
    monkeypatch.setenv(adapt.ENCODER_ENV, "base")
    assert SearchEngine.from_glossary(glossary).encoder is load_encoder()


def test_a_failed_training_falls_back_to_the_base_model(cache, terms, monkeypatch, caplog):
    monkeypatch.setattr(adapt, "DEFAULT_RECIPE", TINY)

    def broken(*args, **kwargs):
        raise RuntimeError("out of memory")

    monkeypatch.setattr(adapt, "build_adapted", broken)
    with caplog.at_level(logging.WARNING, logger="sslgloss.search.adapt"):
        encoder = adapt.search_encoder(TinyGlossary(terms, "tinyfp3"))
    assert encoder is load_encoder()
    assert "adapting it to this glossary failed (RuntimeError: out of memory)" in caplog.text


def test_a_damaged_weights_file_is_trained_again(cache, terms, caplog):
    glossary = TinyGlossary(terms, "tinyfp4")
    adapt.build_adapted(glossary, TINY)
    path = adapt.adapted_file(cache, load_encoder().key, "tinyfp4", TINY)
    path.write_bytes(b"not safetensors")
    with caplog.at_level(logging.WARNING, logger="sslgloss.search.adapt"):
        _, info = adapt.build_adapted(glossary, TINY)
    assert info["trained"] and "unreadable" in caplog.text


def test_training_in_a_child_process(cache, terms):
    """What the engine does on first use: the child's memory goes back to the system when it ends."""
    glossary = TinyGlossary(terms, "tinyfp5")
    encoder, info = adapt.build_adapted(glossary, TINY, subprocess=True)
    assert info["trained"] and info["steps"] == 2 and "adapted" in encoder.key
    assert adapt.adapted_file(cache, load_encoder().key, "tinyfp5", TINY).is_file()


@pytest.mark.slow
def test_adapting_lifts_semantic_recall_on_the_learner_dev_questions(glossary, tmp_path, monkeypatch):
    """The full default recipe (a few minutes on one core): better than the base model on the dev part."""
    from sslgloss.search.evaluation import evaluate, load_learner_questions

    monkeypatch.setenv("SSLGLOSS_CACHE", str(tmp_path))
    adapt.forget_encoders()
    questions = load_learner_questions("dev")
    adapted, _ = adapt.build_adapted(glossary, subprocess=True)
    ours = evaluate(engine=SearchEngine.from_glossary(glossary, encoder_factory=lambda: adapted),
                    questions=questions)["modes"]
    base = evaluate(engine=SearchEngine.from_glossary(glossary, encoder_factory=load_encoder),
                    questions=questions)["modes"]
    assert ours["semantic"]["recall@1"] >= base["semantic"]["recall@1"] + 0.1
    assert ours["semantic"]["mrr"] > base["semantic"]["mrr"]
    assert ours["semantic"]["recall@1"] > ours["keyword"]["recall@1"]
