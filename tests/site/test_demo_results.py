"""Static demo results that no build waits for: keyed so unrelated edits keep them, shipped for the core glossary."""

from __future__ import annotations

import time
from pathlib import Path

from sslgloss.demos.embed import SHIPPED_RESULTS, DemoSlots, FallbackCache, terms_key
from sslgloss.plugins import DemoPage
from sslgloss.schema import DemoSpec


class FakeTerm:
    def __init__(self, *specs: DemoSpec):
        self.demos, self.path, self.id = list(specs), "terms/x.md", "x"


def make_slots(root: Path, fingerprint: str, calls: list, reads_glossary: bool, shipped: Path | None = None,
               notes: list | None = None) -> DemoSlots:
    def fallback(spec):
        calls.append(fingerprint)
        return f"<p>result for {fingerprint}</p>"

    demo = DemoPage(id="search", title="Search", script=Path("x.py"), fallback=fallback, reads_glossary=reads_glossary)
    cache = FallbackCache(root, fingerprint, terms_key(["a", "b"]), shipped=shipped)
    return DemoSlots([demo], "http://127.0.0.1:9999/", cache, warn=(notes if notes is not None else []).append,
                     note=(notes if notes is not None else []).append)


TERM = FakeTerm(DemoSpec(id="search", input="how do models learn"))


def test_a_demo_that_does_not_read_the_glossary_keeps_its_result_when_any_term_changes(tmp_path):
    calls: list = []
    make_slots(tmp_path, "text-1", calls, reads_glossary=False).prepare([TERM])
    later = make_slots(tmp_path, "text-2", calls, reads_glossary=False)  # someone edited a term
    later.prepare([TERM])
    assert calls == ["text-1"]
    assert "result for text-1" in later.render(TERM, "t.md")


def test_after_an_edit_the_build_shows_the_earlier_result_at_once_and_names_the_refresh(tmp_path):
    calls: list = []
    make_slots(tmp_path, "text-1", calls, reads_glossary=True).prepare([TERM])
    notes: list = []
    build = make_slots(tmp_path, "text-2", calls, reads_glossary=True, notes=notes)
    build.prepare([TERM])
    assert calls == ["text-1"], "a build must not wait on the model for an edit that kept the same terms"
    assert "result for text-1" in build.render(TERM, "t.md")
    assert any("sslgloss site demo-results" in n for n in notes)
    assert [state for _, _, state in build.outdated([TERM])] == ["stale"]
    assert build.refresh(build.outdated([TERM])) == 0 and calls == ["text-1", "text-2"]
    assert build.outdated([TERM]) == []


def test_serve_computes_missing_and_stale_results_in_the_background(tmp_path):
    calls: list = []
    serve = make_slots(tmp_path, "text-1", calls, reads_glossary=True)
    started = time.perf_counter()
    serve.prepare([TERM], background=True)
    assert "result for" not in serve.render(TERM, "t.md")  # nothing yet: the page says how to start the demo
    assert time.perf_counter() - started < 1.0
    deadline = time.monotonic() + 10
    while not make_slots(tmp_path, "text-1", [], reads_glossary=True).outdated([TERM]) == [] \
            and time.monotonic() < deadline:
        time.sleep(0.05)
    rebuilt = make_slots(tmp_path, "text-1", calls, reads_glossary=True)
    rebuilt.prepare([TERM], background=True)
    assert "result for text-1" in rebuilt.render(TERM, "t.md") and calls == ["text-1"]


def test_shipped_results_answer_before_anything_is_computed_and_are_never_written(tmp_path):
    shipped = tmp_path / "shipped"
    make_slots(shipped, "text-1", [], reads_glossary=True).prepare([TERM])
    before = sorted(p.name for p in shipped.iterdir())
    calls: list = []
    fresh_clone = make_slots(tmp_path / "cache", "text-1", calls, reads_glossary=True, shipped=shipped)
    fresh_clone.prepare([TERM])
    assert calls == [] and "result for text-1" in fresh_clone.render(TERM, "t.md")
    edited = make_slots(tmp_path / "cache", "text-2", calls, reads_glossary=True, shipped=shipped)
    edited.refresh(edited.outdated([TERM]))
    assert sorted(p.name for p in shipped.iterdir()) == before, "the package's folder is read-only"


def test_a_different_set_of_terms_never_shows_another_glossary_s_result(tmp_path):
    calls: list = []
    make_slots(tmp_path, "text-1", calls, reads_glossary=True).prepare([TERM])
    demo = DemoPage(id="search", title="Search", script=Path("x.py"), reads_glossary=True,
                    fallback=lambda spec: "<p>own terms</p>")
    other = DemoSlots([demo], "http://127.0.0.1:9999/", FallbackCache(tmp_path, "text-9", terms_key(["a", "c"])))
    other.prepare([TERM])
    assert "own terms" in other.render(TERM, "t.md")
def test_the_package_ships_a_result_for_every_demo_of_the_core_glossary():
    """What a fresh clone's first build shows without computing anything (`sslgloss site demo-results` writes them)."""
    from sslgloss.glossary import load_glossary

    glossary = load_glossary(entry_points=True)
    core = [t for t in glossary.terms.values() if t.plugin == "core"]
    slots = DemoSlots(glossary.demos, "http://127.0.0.1:8501", FallbackCache(
        Path("/nonexistent"), glossary.fingerprint, terms_key(t.id for t in core), shipped=SHIPPED_RESULTS))
    missing = [(spec.id, where) for spec, where, state in slots.outdated(core) if state == "missing"]
    assert core and not missing, f"run `sslgloss site demo-results`: no shipped result for {missing}"


def test_new_model_weights_make_the_static_results_outdated(tmp_path):
    """Retrained weights must not keep showing the old model's answers on term pages."""
    from sslgloss.demos.keys import models_signature

    weights = tmp_path / "ml" / "weights"
    weights.mkdir(parents=True)
    (weights / "masked.pt").write_bytes(b"first model")
    before = models_signature(tmp_path)
    assert models_signature(tmp_path) == before  # the same files, the same results
    (weights / "masked.pt").write_bytes(b"retrained model")
    assert models_signature(tmp_path) != before
