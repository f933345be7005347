"""The "Test yourself" block in headless Chromium, on the built site with no demo server running:
verdicts, the model's guesses, progress that survives a reload and shows in the indexes, the forget
button, the keyboard, instant navigation, and the "Ask the model live" link once a server answers."""

from __future__ import annotations

import json
import re
import socketserver
import threading

import pytest
from playwright.sync_api import expect

from test_browser import _StubDemos, open_page, page  # noqa: F401  (`page`: a page that may log no console error)

pytestmark = pytest.mark.browser


@pytest.fixture
def tab(page):  # noqa: F811
    return page

STORE = "sslgloss.cloze.v1"


def shown_item(pg):
    return pg.locator(".sslgloss-cloze__item:not([hidden])")


def answer(pg, text: str):
    item = shown_item(pg)
    item.get_by_label("Your word for the gap").fill(text)
    item.get_by_role("button", name="Check").click()
    return item.locator(".sslgloss-cloze__verdict")


def answered(pg) -> dict:
    return pg.evaluate(f"JSON.parse(localStorage.getItem('{STORE}') || '{{\"terms\": {{}}}}').terms")


def test_wrong_close_and_right_answers_get_their_verdict_beside_the_models_guesses(tab, browser_site):
    open_page(tab, browser_site, "terms/bert/")
    tab.evaluate("localStorage.clear()")
    item = shown_item(tab)
    hidden_word = item.get_attribute("data-answer")
    close_form, why = json.loads(item.get_attribute("data-close"))[0]
    assert item.locator(".sslgloss-cloze__reveal").evaluate("d => d.open") is False
    assert item.locator(".sslgloss-cloze__guesses").is_hidden()  # the model's guesses would give it away

    verdict = answer(tab, "zebra crossing")
    expect(verdict).to_have_text(f"Not this time: the hidden word is “{hidden_word}”.")
    assert verdict.get_attribute("data-verdict") == "wrong" and answered(tab) == {}
    guesses = item.locator(".sslgloss-cloze__guesses li")
    expect(guesses).to_have_count(5)
    assert re.fullmatch(r"\d+\.\d%|<0\.1%", guesses.first.locator(".sslgloss-fallback-bar__value").inner_text())
    assert item.locator(".sslgloss-cloze__answer mark").inner_text() == hidden_word
    assert item.locator(".sslgloss-cloze__note").inner_text().startswith(("Its first", "The hidden word", "It did"))

    verdict = answer(tab, close_form.upper())
    expect(verdict).to_contain_text(f"Close: the text says “{hidden_word}”")
    assert verdict.get_attribute("data-verdict") == "close" and "bert" in answered(tab)

    expect(answer(tab, f"  {hidden_word.lower()} ")).to_have_text(f"Right: the hidden word is “{hidden_word}”.")
    expect(tab.locator(".sslgloss-cloze__done")).to_have_text("✓ You have answered a question on this term.")


def test_peeking_at_the_answer_first_does_not_count(tab, browser_site):
    open_page(tab, browser_site, "terms/word2vec/")
    tab.evaluate("localStorage.clear()")
    item = shown_item(tab)
    item.get_by_text("Show the answer").click()
    verdict = answer(tab, item.get_attribute("data-answer"))
    expect(verdict).to_contain_text("You had seen the answer, so it does not count.")
    assert answered(tab) == {}


def test_progress_survives_a_reload_shows_in_the_indexes_and_the_forget_button_clears_it(tab, browser_site):
    open_page(tab, browser_site, "terms/bert/")
    tab.evaluate("localStorage.clear()")
    answer(tab, shown_item(tab).get_attribute("data-answer"))
    tab.reload()
    tab.wait_for_function("() => window.sslglossCloze !== undefined")
    expect(tab.locator(".sslgloss-cloze__done")).to_have_text("✓ You have answered a question on this term.")

    tab.locator(".sslgloss-crumbs a", has_text="Glossary").click()  # instant navigation
    tab.wait_for_url(re.compile(r"/glossary/$"))
    bert = tab.locator("ul.sslgloss-entries a[data-term='bert']")
    expect(bert.locator(".sslgloss-done-mark")).to_be_visible()
    expect(bert).to_have_accessible_name("BERT (answered)")
    assert tab.locator(".sslgloss-done-mark").count() == 1  # only the term answered
    summary = tab.locator("[data-sslgloss-progress]")
    total = len(json.loads(tab.evaluate(f"fetch('{browser_site.url}assets/sslgloss/terms.json')"
                                         ".then(r => r.text())"))["terms"])
    expect(summary).to_contain_text(f"“Test yourself” answered on 1 of {total} terms (marked ✓).")

    open_page(tab, browser_site, "learning-paths/")
    expect(tab.locator(".sslgloss-stage a[data-term='bert'] .sslgloss-done-mark")).to_be_visible()
    tab.get_by_role("button", name="Forget my progress").click()
    expect(tab.locator(".sslgloss-done-mark")).to_have_count(0)
    expect(tab.locator("[data-sslgloss-progress]")).to_be_hidden()
    assert answered(tab) == {}
    open_page(tab, browser_site, "terms/bert/")
    expect(tab.locator(".sslgloss-cloze__done")).to_have_text("")


def test_keyboard_only_check_then_another_one(tab, browser_site):
    open_page(tab, browser_site, "terms/contrastive-learning/")
    first = tab.locator(".sslgloss-cloze__item").first
    first_answer = first.get_attribute("data-answer")
    field = first.get_by_label("Your word for the gap")  # a labelled input, described by the sentence
    assert tab.locator("#" + field.get_attribute("aria-describedby")).inner_text() == \
        first.locator(".sslgloss-cloze__sentence").inner_text()
    assert first.locator(".sslgloss-cloze__verdict").get_attribute("role") == "status"
    field.focus()
    tab.keyboard.type("nothing like it")
    tab.keyboard.press("Enter")
    expect(first.locator(".sslgloss-cloze__verdict")).to_contain_text("Not this time")
    count = tab.locator(".sslgloss-cloze__item").count()
    assert count >= 3
    tab.locator(".sslgloss-cloze__next").focus()
    tab.keyboard.press("Enter")
    expect(tab.locator(".sslgloss-cloze__count")).to_have_text(f"Sentence 2 of {count}")
    second = shown_item(tab)
    assert first.is_hidden() and second.get_attribute("data-answer") != first_answer
    assert tab.evaluate("document.activeElement.id") == second.locator("input").get_attribute("id")
    for _ in range(count - 1):
        tab.locator(".sslgloss-cloze__next").click()
    expect(tab.locator(".sslgloss-cloze__count")).to_have_text(f"Sentence 1 of {count}")  # round again


def test_the_block_works_after_instant_navigation(tab, browser_site):
    open_page(tab, browser_site, "glossary/")
    tab.locator("ul.sslgloss-entries a", has_text=re.compile(r"^Word2vec$")).click()
    tab.wait_for_url(re.compile(r"/terms/word2vec/(#.*)?$"))
    assert tab.evaluate("performance.getEntriesByType('navigation').length") == 1  # no full reload
    expect(shown_item(tab).locator(".sslgloss-cloze__form")).to_be_visible()
    expect(answer(tab, "zebra crossing")).to_contain_text("Not this time")


def test_a_term_without_computed_guesses_still_has_its_test(tab, browser_site):
    open_page(tab, browser_site, "terms/odd-title/")  # a fixture term: no shipped guesses, none computed
    item = shown_item(tab)
    expect(answer(tab, item.get_attribute("data-answer"))).to_contain_text("Right")
    assert item.locator(".sslgloss-cloze__guesses").count() == 0
    expect(item.locator(".sslgloss-cloze__note")).to_have_text(
        "The masked model's guesses for this sentence were not computed when this site was built.")


def test_ask_the_model_live_appears_only_while_the_demo_server_answers(tab, browser_site):
    open_page(tab, browser_site, "terms/bert/")
    answer(tab, "zebra crossing")
    live = shown_item(tab).locator(".sslgloss-cloze__live")
    tab.wait_for_timeout(500)  # the probe is refused at once
    assert live.is_hidden()
    socketserver.TCPServer.allow_reuse_address = True
    stub = socketserver.ThreadingTCPServer(("127.0.0.1", browser_site.demos_port), _StubDemos)
    threading.Thread(target=stub.serve_forever, daemon=True).start()
    try:
        tab.reload()
        answer(tab, "zebra crossing")
        link = shown_item(tab).locator(".sslgloss-cloze__live a")
        expect(link).to_be_visible()
        href = link.get_attribute("href")
        assert href.startswith(f"{browser_site.demos_url}/masking?input=") and "%5BMASK%5D" in href
    finally:
        stub.shutdown()
        stub.server_close()
