"""Untrusted term prose: what survives sanitising and what does not."""

from __future__ import annotations

import json

import pytest

from sslgloss.site.sanitize import FallbackSanitizer, Sanitizer, SectionRenderer


@pytest.mark.parametrize("source, forbidden", [
    ("<script>alert(1)</script>hi", "<script"),
    ('<img src="x.png" onerror="alert(1)">', "onerror"),
    ('<a href="javascript:alert(1)">x</a>', "javascript:"),
    ('<a href="JaVaScRiPt:alert(1)">x</a>', "alert"),
    ('<iframe src="https://evil.example"></iframe>', "<iframe"),
    ('<div onmouseover="x()">a</div>', "onmouseover"),
    ('<svg onload="x()"><circle/></svg>', "<svg"),
    ("<style>body{display:none}</style>", "display:none"),
    ('<form action="https://x"><input name="q"></form>', "<input"),
    ('<a href="data:text/html,<script>alert(1)</script>">x</a>', "data:"),
    ('<p id="__config">x</p>', "__config"),
], ids=["script", "onerror", "javascript-url", "mixed-case-scheme", "iframe", "handler", "svg", "style", "form",
        "data-url", "id-clobbering"])
def test_dangerous_html_is_removed(source, forbidden):
    assert forbidden not in Sanitizer().clean(source)


def test_prose_formatting_survives():
    html = SectionRenderer(["tables", "fenced_code"]).render(
        "Some **bold**, a [link](https://example.org) and `code`.\n\n| a | b |\n|:-|-:|\n| 1 | 2 |\n")
    for kept in ("<strong>bold</strong>", 'href="https://example.org"', "<code>code</code>", "<table>",
                 'style="text-align:left"'):
        assert kept in html


def test_raw_html_can_be_trusted():
    assert Sanitizer(allow_raw_html=True).clean("<script>x</script>") == "<script>x</script>"


def test_sections_render_in_isolation():
    renderer = SectionRenderer(["fenced_code", "tables"])
    assert "</div>" in renderer.render("<div>never closed")
    assert renderer.render("after") == "<p>after</p>"


def test_demo_fallbacks_may_use_styles_and_data_images_only():
    clean = FallbackSanitizer().clean(
        '<div style="width: 40%; position: fixed"><img src="data:image/png;base64,AAAA">'
        '<a href="data:text/html,x">y</a></div>')
    assert "width:40%" in clean and "position" not in clean
    assert 'src="data:image/png;base64,AAAA"' in clean
    assert "data:text/html" not in clean


@pytest.mark.parametrize("sections", [
    ["One *a*.", "Two\n\n| x |\n|---|\n| y |", "- three"],
    ["```python\nnever closed", "Second section.", "Third."],
    ["<div>open div", "Second.", "Third."],
    ["> quote", "!!! note\n    inside", "Last `code`."],
], ids=["plain", "unclosed-fence", "unclosed-div", "blocks"])
def test_sections_rendered_together_equal_sections_rendered_alone(sections):
    renderer = SectionRenderer(["fenced_code", "tables", "admonition"])
    assert renderer.render_all(sections) == [renderer.render(s) for s in sections]


def test_rendered_prose_is_kept_by_content_across_builds(tmp_path):
    from sslgloss.site.sanitize import ProseCache

    path = tmp_path / "prose.json"
    first = SectionRenderer(cache=ProseCache(path))
    rendered = first.render_all(["**bold**", "| a |\n|---|\n| 1 |"])
    first.cache.save()
    again = SectionRenderer(cache=ProseCache(path))  # a new build reads the file
    calls = []
    again._render_all = lambda texts: calls.append(texts) or ["<p>new</p>"] * len(texts)
    assert again.render_all(["**bold**", "| a |\n|---|\n| 1 |"]) == rendered and not calls
    assert again.render_all(["**bold** changed", "x"]) == ["<p>new</p>"] * 2 and len(calls) == 1
    again.cache.save()
    assert len(json.loads(path.read_text())["entries"]) == 2
    again.render_all(["**bold** changed", "x"])
    again.cache.save()  # only what this build used is kept
    assert len(json.loads(path.read_text())["entries"]) == 1
