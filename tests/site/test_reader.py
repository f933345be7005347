"""The site as a reader meets it, on a laptop (1366×900) and a phone (390×844), in headless Chromium.

Search finds a term by its abbreviation; no page is wider than a phone; previews and graph
labels stay on screen; the home page shows its three ways in on the first screen and starts
where the learning paths start; the graph's search, the A–Z letters and `sslgloss serve`'s
shutdown behave. The site is the session's build of the real glossary (conftest.browser_site);
nothing here assumes how many terms it has.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from site_helpers import REPO, free_port

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def open_at(browser, browser_site):
    """open_at(path, viewport, touch=False) -> a page on the built site; every context is closed afterwards."""
    contexts = []

    def opener(path: str, viewport: dict, touch: bool = False):
        context = browser.new_context(viewport=viewport, has_touch=touch, is_mobile=touch)
        contexts.append(context)
        pg = context.new_page()
        pg.set_default_timeout(15_000)
        pg.goto(browser_site.url + path)
        pg.wait_for_function("() => window.sslgloss && window.document$ !== undefined")
        return pg

    yield opener
    for context in contexts:
        context.close()


@pytest.fixture(scope="module")
def graph_data(browser_site):
    return json.loads((browser_site.dir / "assets" / "sslgloss" / "graph.json").read_text(encoding="utf-8"))


def _term_named(graph_data, name: str) -> dict:
    found = [n for n in graph_data["nodes"] if name.casefold() in (a.casefold() for a in [n["t"], *n["a"]])]
    assert len(found) == 1, f"{name!r} should name exactly one term, names {[n['id'] for n in found]}"
    return found[0]


# --------------------------------------------------------------------------- site search

def _type_in_search(pg, text: str, phone: bool = False):
    """Open the search box (on a phone through the header's search button) and type ``text`` key by key."""
    if phone:
        pg.locator("label.md-header__button[for='__search']").click()
    box = pg.locator("input.md-search__input")
    box.click()
    pg.wait_for_function("document.querySelector('.md-search-result__meta').textContent.includes('Type')")
    box.press_sequentially(text)
    return box


@pytest.mark.parametrize(("query", "name"), [
    ("SSL", "SSL"), ("MLM", "MLM"), ("BYOL", "BYOL"), ("byol", "BYOL"), ("BERT", "BERT"),
    ("masked autoencoder", "masked autoencoder"), ("next word", "Next-Word Prediction"),
    ("knowledge graphs", "Knowledge Graph")])
def test_search_gives_the_term_first_with_its_summary(open_at, graph_data, query, name):
    pg = open_at("", LAPTOP)
    _type_in_search(pg, query)
    words = query.lower().split()
    pg.wait_for_function("""(words) => { const a = document.querySelector('.md-search-result__item a');
        const h = a && new URL(a.href).searchParams.get('h') || '';
        return words.every(w => h.includes(w.replace(/s$/, ''))); }""", arg=words)
    first = pg.locator(".md-search-result__item").first.locator("article").first
    term = _term_named(graph_data, name)
    assert first.locator("h1").inner_text() == term["t"]
    snippet = " ".join(first.inner_text().split()[len(term["t"].split()):])
    assert snippet.startswith(" ".join(term["s"].split()[:6])), f"the snippet is not the summary: {snippet[:120]}"
    assert snippet.endswith(" ".join(term["s"].split()[-3:])), f"more than the summary shows: {snippet[-160:]}"


# --------------------------------------------------------------------------- phone

def _sample_pages(browser_site, graph_data, count: int = 20) -> list[str]:
    """Every hand-written and index page (up to half the sample), then term pages spread over the A–Z."""
    fixed = ["", "glossary/", "tags/", "graph/", "learning-paths/", "demos/", "about-ssl/", "models/", "deploy/",
             "contributing/"]
    fixed = [p for p in fixed if (browser_site.dir / p / "index.html").exists()][: count // 2]
    terms = sorted(n["u"] for n in graph_data["nodes"] if not n["id"].startswith("hostile"))
    step = len(terms) / (count - len(fixed))
    return fixed + [terms[int(i * step)] for i in range(count - len(fixed))]


def test_no_page_is_wider_than_a_phone(open_at, browser_site, graph_data):
    pages = _sample_pages(browser_site, graph_data)
    assert len(pages) == 20
    pg = open_at("", PHONE, touch=True)
    too_wide = {}
    for path in pages:
        pg.goto(browser_site.url + path)
        pg.wait_for_load_state("load")
        width = pg.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide[path or "home"] = width
    assert not too_wide, f"pages wider than {PHONE['width']} px: {too_wide}"


def test_a_tapped_preview_stays_inside_a_phone_screen(open_at):
    pg = open_at("terms/self-supervised-learning/", PHONE, touch=True)
    # the link furthest right on the first screens: the preview is placed from its left edge
    index = pg.evaluate("""() => { let best = 0, right = 0;
        document.querySelectorAll('.sslgloss-prose a.sslgloss-term').forEach((a, i) => {
          const r = a.getBoundingClientRect(); if (r.top < 3000 && r.right > right) { right = r.right; best = i; } });
        return best; }""")
    link = pg.locator(".sslgloss-prose a.sslgloss-term").nth(index)
    link.scroll_into_view_if_needed()
    link.tap()
    preview = pg.locator(".sslgloss-preview")
    preview.wait_for(state="visible")
    box = preview.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    assert pg.locator(".sslgloss-preview__open").bounding_box()["x"] + 10 <= PHONE["width"]


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_local_graph_names_are_never_cut_off(open_at, graph_data, viewport):
    pg = open_at("", viewport)
    best_connected = sorted(graph_data["nodes"], key=lambda n: -n["n"])[:6]
    for node in best_connected:
        pg.goto(pg.evaluate("window.sslgloss.siteRoot") + node["u"])
        outside = pg.evaluate("""() => { const g = document.querySelector('.sslgloss-local-graph');
            const box = g.getBoundingClientRect(); const out = [];
            g.querySelectorAll('.sslgloss-lg-label, .sslgloss-lg-center').forEach(a => {
              const r = a.getBoundingClientRect();
              if (r.width && (r.left < box.left - 0.5 || r.right > box.right + 0.5)) out.push(a.textContent); });
            return out; }""")
        assert not outside, f"{node['id']}: names reaching past the graph's edge: {outside}"


def test_the_global_graph_fills_a_phone_and_moves_with_a_finger(open_at, graph_data):
    pg = open_at("graph/", PHONE, touch=True)
    pg.wait_for_selector("[data-sslgloss-ready]")
    graph = "document.querySelector('[data-sslgloss-graph]').sslglossGraph"
    canvas = pg.locator(".sslgloss-graph__stage canvas").bounding_box()
    spread = pg.evaluate(f"""(ids) => {{ const ps = ids.map(id => {graph}.positionOf(id));
        const xs = ps.map(p => p.x), ys = ps.map(p => p.y);
        return [Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys)]; }}""",
                         [n["id"] for n in graph_data["nodes"]])
    assert spread[0] >= 0.7 * canvas["width"] and spread[1] >= 0.7 * canvas["height"], (spread, canvas)

    pg.locator(".sslgloss-graph__stage canvas").scroll_into_view_if_needed()
    canvas = pg.locator(".sslgloss-graph__stage canvas").bounding_box()
    cdp = pg.context.new_cdp_session(pg)
    mid = {"x": canvas["x"] + canvas["width"] / 2, "y": canvas["y"] + canvas["height"] / 2}

    def touch(kind: str, points: list[tuple[float, float]]):
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": [
            {"x": x, "y": y, "id": i} for i, (x, y) in enumerate(points)]})

    a, b = graph_data["nodes"][0]["id"], graph_data["nodes"][-1]["id"]
    before = pg.evaluate(f"{graph}.positionOf('{a}')")
    touch("touchStart", [(mid["x"], mid["y"])])
    for step in range(1, 6):
        touch("touchMove", [(mid["x"] + 12 * step, mid["y"] + 8 * step)])
    touch("touchEnd", [])
    pg.wait_for_timeout(100)
    after = pg.evaluate(f"{graph}.positionOf('{a}')")
    assert after["x"] - before["x"] == pytest.approx(60, abs=3) and after["y"] - before["y"] == pytest.approx(40, abs=3)

    def gap() -> float:
        p, q = pg.evaluate(f"[{graph}.positionOf('{a}'), {graph}.positionOf('{b}')]")
        return ((p["x"] - q["x"]) ** 2 + (p["y"] - q["y"]) ** 2) ** 0.5

    apart = gap()
    touch("touchStart", [(mid["x"] - 20, mid["y"]), (mid["x"] + 20, mid["y"])])
    for step in range(1, 6):
        touch("touchMove", [(mid["x"] - 20 - 10 * step, mid["y"]), (mid["x"] + 20 + 10 * step, mid["y"])])
    touch("touchEnd", [])
    pg.wait_for_timeout(100)
    assert gap() > 1.5 * apart, "pinching out did not zoom in"


# --------------------------------------------------------------------------- home page

@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_home_page_shows_three_ways_in_on_the_first_screen(open_at, viewport):
    pg = open_at("", viewport)
    tagline = pg.locator(".sslgloss-tagline")
    assert tagline.bounding_box()["y"] < viewport["height"] / 2
    links = pg.locator(".sslgloss-ways li > p:last-child a")  # each card ends with its link
    assert links.count() == 3
    for i in range(3):
        box = links.nth(i).bounding_box()
        assert box["y"] + box["height"] <= viewport["height"], f"{links.nth(i).inner_text()} is below the fold"
    assert pg.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


def test_home_page_starts_where_the_learning_paths_start(open_at, browser_site):
    from sslgloss import graph as graph_queries
    from sslgloss.glossary import load_glossary

    start_ids = set(graph_queries.stages(load_glossary())[0])
    pg = open_at("", LAPTOP)
    start = pg.locator(".sslgloss-ways a[data-start]")
    named = start.get_attribute("data-start")
    assert named in start_ids, f"the home page starts at {named}; the learning paths start at {sorted(start_ids)}"
    title = json.loads((browser_site.dir / "assets" / "sslgloss" / "terms.json").read_text())["terms"][named]["t"]
    assert title in start.inner_text()
    start.click()
    pg.wait_for_url("**/learning-paths/")
    pg.wait_for_selector(".sslgloss-stage")  # instant navigation changes the address before the content
    first_stage = pg.locator(".sslgloss-stage").first
    assert first_stage.locator(f'a[data-term="{named}"]').count() == 1


# --------------------------------------------------------------------------- graph search, A–Z, serve

def test_graph_search_enter_shows_then_opens_the_title_match(open_at):
    pg = open_at("graph/", LAPTOP)
    pg.wait_for_selector("[data-sslgloss-ready]")
    pg.fill(".sslgloss-graph__controls input", "contrast")
    pg.keyboard.press("Enter")
    card = pg.locator(".sslgloss-graph__card-title")
    card.wait_for(state="visible")
    assert card.inner_text() == "Contrastive Learning"
    pg.keyboard.press("Enter")
    pg.wait_for_url("**/terms/contrastive-learning/")


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_a_to_z_letter_lands_below_the_sticky_letter_bar(open_at, viewport):
    pg = open_at("glossary/", viewport)
    letters = pg.locator(".sslgloss-letters a")
    for i in (1, letters.count() // 2, letters.count() - 1):
        anchor = letters.nth(i).get_attribute("href").rpartition("#")[2]
        letters.nth(i).click()
        pg.wait_for_timeout(300)
        heading_top = pg.evaluate(f"document.getElementById('{anchor}').getBoundingClientRect().top")
        bar_bottom = pg.evaluate("document.querySelector('.sslgloss-letters').getBoundingClientRect().bottom")
        assert bar_bottom <= heading_top < viewport["height"] - 40, (anchor, bar_bottom, heading_top)


def test_a_to_z_entries_have_no_preview_repeating_their_summary(open_at):
    pg = open_at("glossary/", LAPTOP)
    pg.locator("ul.sslgloss-entries a").nth(3).hover()
    pg.wait_for_timeout(600)
    assert pg.locator(".sslgloss-preview:visible").count() == 0


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.parametrize("when", ["preparing", "serving"])
def test_sigterm_to_serve_leaves_no_process(tmp_path, when):
    """SIGTERM to `sslgloss serve` alone, as a service manager sends it, ends the site, the demos'
    preparation (a child that trains models on an empty cache) and the demo server: no process of its
    group is left, and no port listening."""
    from sslgloss.demos.server import group_alive, wait_http
    from sslgloss.extras import demos_installed

    if when == "serving" and not demos_installed():
        pytest.skip("the demo server needs the demos extra")
    port, demos_port = free_port(), free_port()
    # "preparing": an empty cache, so the preparation is still training when the signal comes
    env = {**os.environ, "SSLGLOSS_SITE_FALLBACKS": "0", "SSLGLOSS_CACHE": str(tmp_path / "cache")}
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "sslgloss.cli", "serve", "--port", str(port),
                             "--demos-port", str(demos_port)] + (["--no-prepare"] if when == "serving" else []),
                            cwd=REPO, env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    ports = [port] + ([demos_port] if demos_installed() else [])
    try:
        wait_http(f"http://127.0.0.1:{port}/", 180, proc)
        if when == "serving":
            wait_http(f"http://127.0.0.1:{demos_port}/_stcore/health", 120, proc)
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        deadline = time.monotonic() + 15
        while (group_alive(proc.pid) or any(_listening(p) for p in ports)) and time.monotonic() < deadline:
            time.sleep(0.2)
        output = (tmp_path / "serve.log").read_text()[-2000:]
        assert not [p for p in ports if _listening(p)], output
        assert not group_alive(proc.pid), output
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # whatever the test started, if the shutdown failed
        except ProcessLookupError:
            pass
        log.close()


def test_a_phone_reaches_a_terms_demo_from_the_first_screen(open_at):
    pg = open_at("terms/masked-language-modeling/", PHONE, touch=True)
    jump = pg.locator(".sslgloss-jump a")
    box = jump.bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"], "the jump to the demo is below the first screen"
    jump.tap()
    pg.wait_for_timeout(500)
    demo = pg.locator(".sslgloss-demo").first.bounding_box()
    assert 0 <= demo["y"] < PHONE["height"] / 2, demo


# --------------------------------------------------------------------------- search by meaning

@pytest.fixture(scope="module")
def meaning_index():
    from site_helpers import FIXTURES

    from sslgloss import load_glossary
    from sslgloss.site.meaning import glossary_index

    return glossary_index(load_glossary(term_dirs=[str(FIXTURES / "hostile")]))  # what browser_site was built from


def test_the_browser_ranks_by_meaning_exactly_as_the_measured_python(open_at, meaning_index):
    from sslgloss.search.evaluation import load_learner_questions

    questions = [q.text for q in load_learner_questions("all")][::8]  # 20 questions from both parts
    pg = open_at("", LAPTOP)
    pg.wait_for_function("() => window.sslglossMeaning")
    ranked = pg.evaluate("""async (qs) => { const out = [];
        for (const q of qs) out.push(await window.sslglossMeaning.rank(q)); return out; }""", questions)
    for question, browser in zip(questions, ranked):
        assert browser[:10] == meaning_index.rank(question)[:10], question


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_a_question_shows_the_terms_closest_in_meaning_above_the_keyword_results(open_at, graph_data,
                                                                                  meaning_index, viewport):
    question = "which method hides parts of a picture and rebuilds them"
    pg = open_at("", viewport, touch=viewport is PHONE)
    _type_in_search(pg, question, phone=viewport is PHONE)
    pg.wait_for_selector(".sslgloss-meaning:not([hidden]) a")
    expected = meaning_index.rank(question)[:3]
    titles = {n["id"]: n["t"] for n in graph_data["nodes"]}
    shown = pg.locator(".sslgloss-meaning a strong").all_inner_texts()
    assert shown == [titles[t] for t in expected]
    block, keyword = pg.locator(".sslgloss-meaning").bounding_box(), pg.locator(".md-search-result__list").bounding_box()
    assert block["y"] < keyword["y"]
    assert block["x"] >= 0 and block["x"] + block["width"] <= viewport["width"]
    pg.locator(".sslgloss-meaning a").first.click()
    pg.wait_for_function("""(t) => { const h = document.querySelector('.md-content h1');
                                      return h && h.textContent.trim() === t; }""", arg=titles[expected[0]])


def test_clearing_the_search_box_clears_the_meaning_block(open_at):
    pg = open_at("", LAPTOP)
    box = _type_in_search(pg, "how do models learn without labels")
    pg.wait_for_selector(".sslgloss-meaning:not([hidden]) a")
    pg.locator(".md-search__form button[type=reset]").click()
    pg.wait_for_selector(".sslgloss-meaning", state="hidden")
    assert box.input_value() == ""


def test_a_name_shows_no_meaning_block(open_at):
    pg = open_at("", LAPTOP)
    _type_in_search(pg, "SSL")
    pg.wait_for_selector(".md-search-result__item")
    pg.wait_for_timeout(400)  # past the block's debounce
    assert not pg.locator(".sslgloss-meaning:not([hidden])").count()
