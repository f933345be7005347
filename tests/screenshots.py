"""Screenshots of the site for a person to look at (not a test): term pages with their demos, at laptop
and phone sizes, light and dark.

    .venv/bin/python tests/screenshots.py --site http://127.0.0.1:8000/ [--out tests/artifacts/screens]

Start the site first (``make serve``, or ``sslgloss serve --no-demos`` to see the pages with the demo
server stopped). Each picture is named ``<page>-<laptop|phone>-<light|dark>.png``; a second one,
``...-demo.png``, shows the demo block alone. Debian's /usr/bin/chromium is driven by Playwright.
"""

from __future__ import annotations

import argparse
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
SIZES = {"laptop": (1366, 900), "phone": (390, 844)}
PAGES = ["", "terms/masked-language-modeling/", "terms/next-word-prediction/", "terms/semantic-search/",
         "terms/masked-image-modeling/", "terms/audio-representation-learning/", "terms/sentiment-analysis/",
         "graph/"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", default="http://127.0.0.1:8000/")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "artifacts" / "screens")
    parser.add_argument("--pages", nargs="*", default=PAGES)
    parser.add_argument("--wait", type=float, default=8.0, help="seconds for a live demo to draw its answer")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for size, (width, height) in SIZES.items():
            for scheme in ("light", "dark"):
                context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
                page = context.new_page()
                for path in args.pages:
                    name = (path.strip("/").split("/")[-1] or "home") + f"-{size}-{scheme}"
                    page.goto(args.site.rstrip("/") + "/" + path)
                    page.wait_for_timeout(800)
                    page.screenshot(path=str(args.out / f"{name}.png"))
                    demo = page.locator(".sslgloss-demo").first
                    if demo.count():
                        demo.scroll_into_view_if_needed()
                        page.wait_for_timeout(args.wait * 1000)
                        demo.screenshot(path=str(args.out / f"{name}-demo.png"))
                    print(name)
                context.close()
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
