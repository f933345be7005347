"""The site's search box on learners' questions, in headless Chromium: keywords (lunr) against
"Closest in meaning" (static word vectors, sslgloss/site/meaning.py), and how long each takes.

Builds the site (mkdocs.yml) into a temporary folder, serves it, types each question of the
learner set's part into the search box and reads what a reader sees:

- keywords: the first three result pages (mkdocs-material's lunr search);
- meaning: the three terms of the "Closest in meaning" block;
- the time from the last key to the block showing, for the first question (which fetches
  meaning.json) and for the rest (median).

    .venv/bin/python benchmarks/bench_site_search.py --part test
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def term_of(href: str) -> str | None:
    parts = [p for p in href.split("#")[0].split("/") if p]
    return parts[parts.index("terms") + 1] if "terms" in parts[:-1] else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=["dev", "test", "all"], default="test")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    from sslgloss.search.evaluation import first_hit, load_learner_questions

    questions = load_learner_questions(args.part)
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        env = {**os.environ, "SSLGLOSS_SITE_FALLBACKS": "0", "NO_MKDOCS_2_WARNING": "1"}
        subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(REPO / "mkdocs.yml"), "-d", str(site)],
                       check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        handler = functools.partial(QuietHandler, directory=str(site))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        ranks: dict[str, list] = {"keywords (lunr)": [], "closest in meaning": []}
        waits: list[float] = []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1366, "height": 900})
            page.goto(url)
            page.wait_for_function("() => window.sslglossMeaning")
            box = page.locator("input.md-search__input")
            box.click()
            for question in questions:
                box.fill("")
                page.wait_for_timeout(200)
                box.fill(question.text[:-1])
                box.press(question.text[-1])  # material's search listens to keys, not to filled text
                start = time.perf_counter()
                page.wait_for_function("(q) => { const b = document.querySelector('.sslgloss-meaning');"
                                       " return b && b.dataset.query === q; }", arg=question.text)
                waits.append(time.perf_counter() - start)
                page.wait_for_function("() => document.querySelectorAll('.md-search-result__item').length > 0"
                                       " || /No matching/.test(document.querySelector('.md-search-result__meta')"
                                       ".textContent)")
                keyword = page.eval_on_selector_all(".md-search-result__item > a", "as => as.map(a => a.href)")
                meaning = page.eval_on_selector_all(".sslgloss-meaning a", "as => as.map(a => a.dataset.termId)")
                ranks["keywords (lunr)"].append(first_hit([term_of(h) or "" for h in keyword[:3]], question.expected))
                ranks["closest in meaning"].append(first_hit(meaning[:3], question.expected))
            browser.close()
        server.shutdown()
    n = len(questions)
    print(f"{n} learner questions ({args.part} part), as a reader sees them in the search box (1366x900)")
    for name, found in ranks.items():
        top1 = sum(1 for r in found if r == 1) / n
        top3 = sum(1 for r in found if r is not None) / n
        print(f"  {name:<20} right term first {top1:.3f}   in the first three {top3:.3f}")
    print(f"  typing to 'Closest in meaning': first question {waits[0] * 1000:.0f} ms (fetches meaning.json), "
          f"then median {statistics.median(waits[1:]) * 1000:.0f} ms (includes the 120 ms typing pause)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
