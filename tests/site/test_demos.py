"""The demo slot of term pages: live iframe URL, static fallback, its cache and its failures."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from sslgloss.plugins import DemoPage
from sslgloss.schema import DemoSpec
from sslgloss.demos.embed import DemoSlots, FallbackCache

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


# ---------------------------------------------------------------------- the slot's markup and its offline state

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def offline_block(html: str) -> str:
    return html[html.index('<div class="sslgloss-demo__offline">'):]


def test_the_offline_block_shows_the_static_result_then_how_to_start_and_no_link_to_the_server(tmp_path):
    def fallback(spec):
        return '<div class="sslgloss-fallback"><p>figures</p><a href="../bert/">BERT</a></div>'

    s = slots(tmp_path, fallback, [])
    term = FakeTerm(DemoSpec(id="masking", input="x [MASK]"))
    html = s.render(term, "t.md")
    offline = offline_block(html)
    assert "127.0.0.1:9999" not in offline and "Open in a new tab" not in offline
    assert re.findall(r'href="([^"]+)"', offline) == ["../bert/"]  # only the static result's own links
    assert offline.index("sslgloss-demo__static") < offline.index("make serve") < offline.index("Check again")
    assert "sslgloss demos" in offline and "Preset input" not in offline  # the static result shows its input
    # the "Open in a new tab" link is in the bar, and the stylesheet shows it only while the demo is live
    css = (Path(__file__).parents[2] / "sslgloss/site/assets/sslgloss.css").read_text()
    assert '.sslgloss-demo:not([data-state="live"]) .sslgloss-demo__open { display: none; }' in css


def test_everything_user_provided_in_the_slot_is_escaped(tmp_path):
    demo = DemoPage(id="masking", title=f"Masking {HOSTILE}", script=Path("x.py"), fallback=None)
    s = DemoSlots([demo], "http://127.0.0.1:9999/", None, fallbacks=False)
    html = s.render(FakeTerm(DemoSpec(id="masking", input=HOSTILE, params={"k": f'3" onload="{HOSTILE}'})), "t.md")
    assert "<script" not in html and "<img" not in html and 'onload="' not in html
    assert "Preset input: <q>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert 'title="Masking &lt;script&gt;' in html


def test_the_slot_comes_from_a_template_that_a_custom_dir_overrides(tmp_path):
    from sslgloss.site.templating import environment

    term = FakeTerm(DemoSpec(id="masking", input="A <b>"))
    packaged = slots(tmp_path / "a", lambda spec: "<p>static</p>", []).render(term, "t.md")
    assert packaged.startswith('<div class="sslgloss-demo" data-state="checking" data-demo="masking"')
    custom = tmp_path / "overrides"
    (custom / "sslgloss").mkdir(parents=True)
    (custom / "sslgloss" / "demo-slot.html").write_text(
        '<section class="my-demo" data-health="{{ health_url }}">{{ title }}: {{ preset_input }}{{ static }}</section>')
    demo = DemoPage(id="masking", title="Masking", script=Path("x.py"), fallback=lambda spec: "<p>static</p>")
    mine = DemoSlots([demo], "http://127.0.0.1:9999/", FallbackCache(tmp_path / "b", "fp1"),
                     templates=environment(str(custom)))
    html = mine.render(term, "t.md")
    assert html == ('<section class="my-demo" data-health="http://127.0.0.1:9999/_stcore/health">'
                    "Masking: A &lt;b&gt;<p>static</p></section>")


@pytest.fixture
def override_fallback(tmp_path, monkeypatch):
    """A fallback module (run in the worker) that renders one of the static-result templates."""
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "site_test_templated.py").write_text(
        "from sslgloss.demos.static import error_fragment\n\n"
        "def show(spec):\n    return error_fragment('masking', 'from the template', spec.input)\n")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(package), os.environ.get("PYTHONPATH", "")]))


def test_a_custom_dir_overrides_the_static_results_in_the_worker_too(tmp_path, override_fallback):
    from sslgloss.site.templating import environment

    custom = tmp_path / "overrides"
    (custom / "sslgloss").mkdir(parents=True)
    (custom / "sslgloss" / "demo-static-error.html").write_text(
        '<div class="overridden">{{ message }} ({{ input_text }})</div>')
    demo = DemoPage(id="masking", title="Masking", script=Path("x.py"), fallback="site_test_templated:show")
    term = FakeTerm(DemoSpec(id="masking", input="hi <there>"))
    warnings: list[str] = []
    packaged = DemoSlots([demo], "http://127.0.0.1:9999/", FallbackCache(tmp_path / "cache", "fp1"),
                         warn=warnings.append)
    packaged.prepare([term])
    assert '<p class="sslgloss-fallback-error">from the template</p>' in packaged.render(term, "t.md")
    mine = DemoSlots([demo], "http://127.0.0.1:9999/", FallbackCache(tmp_path / "cache", "fp1"),
                     warn=warnings.append, templates=environment(str(custom)))
    mine.prepare([term])  # same cache folder: the override is part of the key, so this is computed anew
    assert '<div class="overridden">from the template (hi &lt;there&gt;)</div>' in mine.render(term, "t.md")
    assert not warnings
