"""The masking demo in a real browser: what a learner sees after changing the text more than once.

AppTest does not run Streamlit's frontend, so it cannot see widget values the browser sends back, nor
click a tab. `benchmarks/bench_demos.py` once found the "Text to mask" box of the "Mask at random" tab
coming back empty (and that tab showing an error) once the main input had been changed while the first
run of a cold server was still going; widgets in tabs get their start values through `value=`. Tabs now
compute only when open (a click reruns the page and writes `?tab=` to the URL), so this test opens the
tab as a learner does, changes the main text twice, and checks both tabs still show the right content.
"""

from __future__ import annotations


def _settle(page) -> None:
    page.wait_for_timeout(1500)
    page.wait_for_function("() => !document.querySelector('[data-testid=stStatusWidget]')", timeout=60_000)


def _errors(page) -> list[str]:
    return [e.inner_text() for e in page.locator('[data-testid="stAlert"]').all()
            if "error" in (e.get_attribute("class") or "") or "rror" in e.inner_text()[:12]]


def test_changing_the_masking_text_twice_keeps_every_tab_working(browser, demo_server):
    page = browser.new_page()
    try:
        page.goto(demo_server.url + "/masking?embed=true&input=The+cat+sat+on+the+%5BMASK%5D.")
        page.wait_for_selector("text=best guess", timeout=120_000)
        _settle(page)
        page.get_by_role("tab", name="Mask at random").click()  # a hidden tab computes when it is opened
        page.wait_for_selector('[data-testid="stTextArea"] textarea', timeout=60_000)
        _settle(page)
        sentence = page.locator('[data-testid="stTextArea"] textarea').first.input_value()
        assert sentence, "the 'Text to mask' box starts empty"
        assert "tab=Mask+at+random" in page.url or "tab=Mask%20at%20random" in page.url  # the URL says which tab
        box = page.locator('[data-testid="stTextInput"] input').first
        for text in ("Paris is the capital of [MASK].", "She drank a cup of [MASK]."):
            box.fill(text)
            box.press("Enter")
            _settle(page)
            assert not _errors(page), _errors(page)
            assert page.locator('[data-testid="stTextArea"] textarea').first.input_value() == sentence
        page.get_by_role("tab", name="Fill in the blank").click()
        page.wait_for_selector("text=best guess", timeout=60_000)
        _settle(page)
        assert "She drank a cup of" in page.inner_text("body")
        assert not _errors(page), _errors(page)
    finally:
        page.close()
