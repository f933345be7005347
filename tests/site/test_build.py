"""MkDocs builds with the sslgloss plugin: the real site, broken plugins, atomic swaps, URL styles."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from site_helpers import FIXTURES, GRAPH_SMALL, REPO, build, write_project

MKDOCS = [sys.executable, "-m", "mkdocs"]


def run_mkdocs(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, SSLGLOSS_SITE_FALLBACKS="0", NO_MKDOCS_2_WARNING="1", NO_COLOR="1")
    return subprocess.run([*MKDOCS, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def real_site(tmp_path_factory):
    out = tmp_path_factory.mktemp("real") / "site"
    done = run_mkdocs("build", "--strict", "-f", str(REPO / "mkdocs.yml"), "-d", str(out), cwd=REPO)
    assert done.returncode == 0, done.stdout + done.stderr
    return out


def test_real_site_builds_strict_with_a_page_per_term(real_site):
    from sslgloss import load_glossary

    glossary = load_glossary()
    for term_id in glossary.terms:
        assert (real_site / "terms" / term_id / "index.html").is_file()
    for page in ("glossary", "tags", "graph", "learning-paths", "demos", "about-ssl", "contributing"):
        assert (real_site / page / "index.html").is_file()
    assert not list(real_site.parent.glob(".site.building-*")), "the staging folder was left behind"


def test_terms_are_not_in_the_navigation(real_site):
    html = (real_site / "terms" / "bert" / "index.html").read_text(encoding="utf-8")
    primary = re.search(r'<nav class="md-nav md-nav--primary".*?</nav>\s*</div>', html, re.S).group(0)
    assert "Glossary A–Z" in primary and "/terms/" not in primary and "../transformer/" not in primary
    assert len(html) < 150_000  # no page carries a nav of every term


def test_term_pages_list_their_sections_in_the_table_of_contents(real_site):
    html = (real_site / "terms" / "bert" / "index.html").read_text(encoding="utf-8")
    toc = html[html.index('aria-label="Table of contents"'):]
    entries = re.findall(r'<a href="#([^"]+)" class="md-nav__link">\s*<span class="md-ellipsis">\s*([^<]+?)\s*</span>', toc)
    assert entries[:3] == [("definition", "Definition"), ("example", "Example"), ("origins", "Origins")]
    assert ("related-terms", "Related terms") in entries and entries[-1] == ("references", "References")
    for anchor, _ in entries:  # every entry leads to a heading on the page
        assert f'id="{anchor}"' in html


def test_search_index_finds_terms_by_alias_and_summary(real_site):
    index = json.loads((real_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    bert = [d for d in index["docs"] if d["location"] == "terms/bert/"]
    assert bert and bert[0]["title"] == "BERT"
    # the words of its names are the page's search tags (material's search weighs tags most), the summary its snippet
    assert {"bert", "bidirectional", "encoder", "representations", "transformers"} <= set(bert[0]["tags"])
    assert bert[0]["text"].startswith("<p>Google") and "encoder-only" in bert[0]["text"]
    assert not [d for d in index["docs"] if d["location"].startswith("glossary/")]  # the index page is excluded


def test_term_pages_embed_the_demo_with_its_input(real_site):
    html = (real_site / "terms" / "bert" / "index.html").read_text(encoding="utf-8")
    assert ('data-src="http://127.0.0.1:8501/masking?embed=true&amp;input=The+capital+of+France+is+%5BMASK%5D."'
            in html)
    assert "make serve" in html and 'data-health="http://127.0.0.1:8501/_stcore/health"' in html


def test_hostile_prose_is_sanitised(browser_site):
    html = (browser_site.dir / "terms" / "hostile-prose" / "index.html").read_text(encoding="utf-8")
    body = html[html.index("<h1>"):html.index("</article>")]
    for bad in ("window.__pwned", "onerror", "javascript:", "<iframe", "onmouseover", "<object", "ontoggle",
                "display: none !important"):
        assert bad not in body
    assert "Text after a form." in body and "A normal paragraph with" in body  # prose after the tricks survives
    assert body.index('id="context-and-usage"') > body.index("an unclosed div")  # the div stayed in its section


def test_odd_titles_render_and_link(browser_site):
    html = (browser_site.dir / "terms" / "odd-title" / "index.html").read_text(encoding="utf-8")
    assert "<title>Q&amp;A &quot;Quoted&quot; &lt;Models&gt; 自己教師あり - sslgloss</title>" in html
    assert "<h1>Q&amp;A &quot;Quoted&quot; &lt;Models&gt; 自己教師あり</h1>" in html
    other = (browser_site.dir / "terms" / "hostile-prose" / "index.html").read_text(encoding="utf-8")
    assert 'href="../odd-title/" data-term="odd-title">Q&amp;A &quot;Quoted&quot; &lt;Models&gt; 自己教師あり</a>' in other


def test_a_broken_plugin_fails_with_every_problem_and_keeps_the_old_site(tmp_path):
    good = write_project(tmp_path / "good", term_dirs=[str(GRAPH_SMALL)])
    site = tmp_path / "site"
    build(good, site)
    before = sorted(p.relative_to(site) for p in site.rglob("*"))
    bad = write_project(tmp_path / "bad", term_dirs=[str(GRAPH_SMALL), str(FIXTURES / "broken")])
    done = run_mkdocs("build", "-f", str(bad), "-d", str(site), cwd=tmp_path)
    assert done.returncode == 1
    output = done.stdout + done.stderr
    for expected in ("bad-one.md:8: error: unknown target `no-such-term`", "bad-two.md:6: error: `bad-two` relates to itself",
                     "bad-one.md:11: error: missing sections", "bad-two.md:8: error: missing sections"):
        assert expected in output
    assert "Traceback" not in output
    assert sorted(p.relative_to(site) for p in site.rglob("*")) == before
    assert not list(tmp_path.glob(".site.*"))


def test_an_unknown_wiki_link_fails_strict_naming_the_page_and_the_closest_id(tmp_path):
    project = write_project(tmp_path, term_dirs=[str(GRAPH_SMALL)],
                            docs={"index.md": "# Home\n", "notes/about.md": "# About\n\nSee [[alhpa]].\n"})
    site = tmp_path / "site"
    site.mkdir()
    (site / "keep.txt").write_text("the previous site")
    done = run_mkdocs("build", "--strict", "-f", str(project), "-d", str(site), cwd=tmp_path)
    assert done.returncode == 1
    assert "docs/notes/about.md:3: unknown term `alhpa` in a [[...]] link - did you mean `[[alpha]]`?" in done.stdout + done.stderr
    assert [p.name for p in site.iterdir()] == ["keep.txt"]
    relaxed = run_mkdocs("build", "-f", str(project), "-d", str(site), cwd=tmp_path)
    assert relaxed.returncode == 0 and (site / "terms" / "alpha" / "index.html").is_file()


@pytest.mark.parametrize("directory_urls", [True, False])
def test_links_resolve_with_either_url_style(tmp_path, directory_urls):
    project = write_project(tmp_path, term_dirs=[str(GRAPH_SMALL)], nav=True,
                            docs={"index.md": "# Home\n\nStart with Alpha, then [[gamma|the third one]].\n"})
    site = tmp_path / "site"
    build(project, site, use_directory_urls=directory_urls)
    pages = [p for p in site.rglob("*.html")]
    checked = 0
    for page in pages:
        for href in re.findall(r'<a [^>]*class="sslgloss-[^"]*"[^>]*href="([^"#]+)"', page.read_text(encoding="utf-8")) + \
                re.findall(r'<a [^>]*href="([^"#]+)"[^>]*data-term=', page.read_text(encoding="utf-8")):
            if href.startswith("http"):
                continue
            target = (page.parent / href).resolve()
            if target.is_dir():
                target = target / "index.html"
            assert target.is_file(), f"{page.relative_to(site)} links to missing {href}"
            checked += 1
    assert checked > 30
    home = (site / "index.html").read_text(encoding="utf-8")
    expected = "terms/alpha/" if directory_urls else "terms/alpha.html"
    assert f'href="{expected}" data-term="alpha">Alpha</a>' in home


def test_a_killed_builds_staging_folder_is_a_leftover_but_a_running_builds_is_not(tmp_path):
    """The next build deletes what a killed build left next to site/, never a folder another build is filling."""
    import subprocess

    from sslgloss.site.atomic import StagedSiteDir

    ended = subprocess.Popen(["true"])
    ended.wait()  # its process id now belongs to no running process
    dead = tmp_path / f".site.building-{ended.pid}-abc123"
    running = tmp_path / f".site.building-{os.getppid()}-def456"  # the process that started pytest: alive
    dead.mkdir()
    running.mkdir()
    assert StagedSiteDir.leftovers(str(tmp_path / "site")) == [dead]


def test_a_template_in_the_themes_custom_dir_replaces_the_packaged_one(tmp_path):
    import yaml

    project = write_project(tmp_path, term_dirs=[str(GRAPH_SMALL)])
    config = yaml.safe_load(project.read_text(encoding="utf-8"))
    config["theme"]["custom_dir"] = "overrides"
    project.write_text(yaml.safe_dump(config), encoding="utf-8")
    override = tmp_path / "overrides" / "sslgloss" / "term-references.html"
    override.parent.mkdir(parents=True)
    override.write_text('<ul class="my-refs">{% for ref in references %}<li>{{ ref.title }} {{ "<b>" }}</li>'
                        "{% endfor %}</ul>\n", encoding="utf-8")
    site = tmp_path / "site"
    build(project, site)
    gamma = (site / "terms" / "gamma" / "index.html").read_text(encoding="utf-8")
    assert '<ul class="my-refs"><li>A book &lt;b&gt;</li></ul>' in gamma  # the override, escaping as ever
    assert 'class="sslgloss-refs' not in gamma
    assert '<ol class="sslgloss-path">' in gamma  # the templates it does not override are the packaged ones
    assert not (site / "sslgloss").exists()  # templates are not published as files
