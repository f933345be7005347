"""The demo slot of term pages: live iframe URL, static fallback, its cache and its failures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sslgloss.plugins import DemoPage
from sslgloss.schema import DemoSpec
from sslgloss.site.demos import DemoSlots, FallbackCache

from site_helpers import FIXTURES


class FakeTerm:
    def __init__(self, *specs: DemoSpec, path: str = "terms/x.md"):
        self.demos = list(specs)
        self.path = path
        self.id = "x"


@pytest.fixture
def worker_path(monkeypatch):
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(FIXTURES / "fallback_pkg"), os.environ.get("PYTHONPATH", "")]))


def slots(tmp_path, fallback, warnings, timeout=60.0):
    demo = DemoPage(id="masking", title="Masking", script=Path("x.py"), fallback=fallback)
    return DemoSlots([demo], "http://127.0.0.1:9999/", FallbackCache(tmp_path / "cache", "fp1"),
                     warn=warnings.append, timeout=timeout)


def test_the_slot_embeds_the_live_demo_and_a_sanitised_static_result(tmp_path):
    calls = []

    def fallback(spec):
        calls.append(spec.input)
        return f"<p>static: {spec.input}</p><img src=x onerror=alert(1)>"

    warnings: list[str] = []
    s = slots(tmp_path, fallback, warnings)
    term = FakeTerm(DemoSpec(id="masking", input="A [MASK] & more"))
    s.prepare([term])
    html = s.render(term, "terms/x.md")
    assert 'data-src="http://127.0.0.1:9999/masking?embed=true&amp;input=A+%5BMASK%5D+%26+more"' in html
    assert 'data-health="http://127.0.0.1:9999/_stcore/health"' in html
    assert "<p>static: A [MASK] &amp; more</p>" in html and "onerror" not in html
    assert "make serve" in html and not warnings
    again = slots(tmp_path, fallback, warnings)  # a new build: the disk cache answers
    again.prepare([term])
    assert calls == ["A [MASK] & more"]


def test_a_failing_fallback_is_a_warning_and_the_slot_says_how_to_start_the_demos(tmp_path):
    def fallback(spec):
        raise RuntimeError("model not trained")

    warnings: list[str] = []
    s = slots(tmp_path, fallback, warnings)
    term = FakeTerm(DemoSpec(id="masking", input="x"), path="sslgloss/terms/bert.md")
    s.prepare([term])
    html = s.render(term, "sslgloss/terms/bert.md")
    assert warnings == ["demo `masking` on sslgloss/terms/bert.md: no static result (RuntimeError: model not "
                        "trained); the page shows how to start the live demo instead"]
    assert "sslgloss-demo__static" not in html and "make serve" in html


def test_named_fallbacks_run_in_a_worker_with_a_time_limit(tmp_path, worker_path):
    warnings: list[str] = []
    good = slots(tmp_path / "a", "site_test_fallbacks:ok", warnings)
    term = FakeTerm(DemoSpec(id="masking", input="hello"))
    good.prepare([term])
    html = good.render(term, "t.md")
    assert "static result for hello" in html and "__pwned" not in html and not warnings
    slow = slots(tmp_path / "b", "site_test_fallbacks:slow", warnings, timeout=3)
    slow.prepare([term])
    boom = slots(tmp_path / "c", "site_test_fallbacks:boom", warnings)
    boom.prepare([term])
    assert "took more than 3 s" in warnings[0]
    assert "ValueError: no checkpoint for this demo" in warnings[1]
