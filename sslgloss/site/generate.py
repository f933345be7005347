"""Site generation as its own step: the glossary's pages as files any Markdown engine can build.

:func:`prepare_site` is the one place a :class:`~sslgloss.site.builder.GlossarySite` is
made from a glossary, the site's settings and its hand-written pages. The MkDocs plugin
calls it in memory during ``mkdocs build``/``serve`` and hands MkDocs the pages one event
at a time (so search indexes a term's prose but not its generated blocks);
:func:`generate` calls it too and writes every page out whole, for engines that run no
MkDocs plugin (Zensical reads the same ``mkdocs.yml`` but ignores ``plugins:``):

- ``docs/``: the hand-written pages (``[[wiki links]]`` turned into Markdown links),
  each generated page (term pages, the A–Z index, tags, learning paths, demos) as Markdown
  whose headings are Markdown (so the engine builds the table of contents) and whose
  blocks are the HTML the MkDocs build shows, and ``assets/sslgloss/`` (CSS, JavaScript,
  ``terms.json``, ``graph.json``);
- ``mkdocs.yml``: ``INHERIT`` of the project's configuration plus the assets, with
  ``docs_dir`` and ``site_dir`` inside the folder.

The URLs are the MkDocs build's: both use ``use_directory_urls`` from the same file.
"""

from __future__ import annotations

import html
import os
import posixpath
import re
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import SslglossError
from ..storage import cache_dir
from .builder import ASSET_PREFIX, GlossarySite, SiteOptions, describe_unknown, term_src_uri

ASSETS_CSS = ("sslgloss.css", "cloze.css")
ASSETS_JS = ("sslgloss.js", "graph.js", "cloze.js", "meaning.js")
_HEADING_RE = re.compile(r'<h([2-6]) id="([^"]+)">(.*?)</h\1>', re.DOTALL)
_PERMALINK_RE = re.compile(r'<a class="[^"]*" href="#[^"]*"[^>]*>.*?</a>', re.DOTALL)
_TAG_RE = re.compile(r"<[^>]+>")
_WIKILINK_RE = re.compile(r"\[\[([^\[\]|]+)(?:\|([^\[\]]+))?\]\]")
_CODE_RE = re.compile(r"(```.*?```|`[^`\n]*`)", re.DOTALL)


def site_options(plugin_config, mkdocs_config) -> SiteOptions:
    """The builder's options from the ``sslgloss`` plugin's settings and MkDocs' own."""
    return SiteOptions(
        demos_url=plugin_config.demos_url, allow_raw_html=plugin_config.allow_raw_html,
        autolink=plugin_config.autolink, graph_layout_seed=plugin_config.graph_layout_seed,
        demo_fallbacks=plugin_config.demo_fallbacks and os.environ.get("SSLGLOSS_SITE_FALLBACKS", "1") != "0",
        demo_fallback_timeout=plugin_config.demo_fallback_timeout,
        markdown_extensions=list(mkdocs_config.markdown_extensions), mdx_configs=dict(mkdocs_config.mdx_configs),
        custom_dir=mkdocs_config.theme.custom_dir,
    )


def prepare_site(glossary, options: SiteOptions, url_of: Callable[[str], str], docs: Iterable[tuple[str, str]],
                 *, background: bool = False, warn: Callable[[str], None] | None = None,
                 prose_cache=None) -> GlossarySite:
    """A site for ``glossary`` that knows the hand-written ``docs`` (src_uri, Markdown) and has its demo results."""
    from ..demos.embed import SHIPPED_RESULTS, FallbackCache, terms_key

    cache = FallbackCache(cache_dir("site") / "demo-fallbacks", glossary.fingerprint, terms_key(glossary.terms),
                          shipped=SHIPPED_RESULTS)
    site = GlossarySite(glossary, options, url_of, cache, warn=warn, prose_cache=prose_cache)
    for src_uri, markdown in docs:
        site.add_doc_page(src_uri, markdown)
    site.scan_terms()
    site.prepare_demos(background=background)
    return site


def url_function(site_dir: str, use_directory_urls: bool) -> Callable[[str], str]:
    from mkdocs.structure.files import File

    return lambda src_uri: File(src_uri, None, site_dir, use_directory_urls).url


# ---------------------------------------------------------------------- whole pages, for any engine

def markdown_headings(page_html: str) -> str:
    """HTML with its ``<h2>``–``<h6>`` turned into Markdown headings with the same ids, the rest left as HTML.

    The engine then lists the headings in its table of contents; every other block stays
    raw HTML, which Python-Markdown passes through untouched.

    >>> markdown_headings('<div>a</div>\\n<h2 id="why">Why <a class="headerlink" href="#why">&para;</a></h2><p>b</p>')
    '<div>a</div>\\n\\n## Why { #why }\\n\\n<p>b</p>'
    """
    def heading(match: re.Match) -> str:
        text = html.unescape(_TAG_RE.sub("", _PERMALINK_RE.sub("", match.group(3)))).strip()
        text = re.sub(r"[\\`*_{}\[\]<>#|]", "", text)
        return f"\n\n{'#' * int(match.group(1))} {text} {{ #{match.group(2)} }}\n\n"

    return re.sub(r"\n{3,}", "\n\n", _HEADING_RE.sub(heading, page_html))


def standalone_term_page(site: GlossarySite, term_id: str, page_url: str,
                         src_of_url: dict[str, str]) -> tuple[str, list[str]]:
    """A term page as one Markdown file: front matter, then everything the MkDocs build shows."""
    from .pages import front_matter

    src_uri = term_src_uri(term_id)
    rendered = site.render_page(src_uri, site.term_content(term_id, page_url), page_url)
    where = site.glossary.terms[term_id].path
    problems = [describe_unknown(where, target, closest) for target, closest in rendered.unknown_wikilinks]
    body = source_relative_links(site.finish_page(src_uri, rendered.html, page_url), page_url, src_uri, src_of_url)
    return front_matter(site.term_meta(term_id)) + markdown_headings(body) + "\n", problems


_LINK_RE = re.compile(r'\b(href|src)="([^"]*)"')


def source_relative_links(page_html: str, page_url: str, page_src: str, src_of_url: dict[str, str]) -> str:
    """Links written for the page's URL rewritten relative to its source file, as engines that read links that way expect.

    Zensical resolves every relative link (raw HTML included) from the page's *source* file,
    as MkDocs does for Markdown links: ``../bert/`` on ``terms/gpt.md`` would leave the
    ``terms/`` folder. So a link to a page becomes a link to that page's ``.md`` file and a
    link to any other file its path from the source's folder.

    >>> source_relative_links('<a href="../bert/#x">B</a><img src="../../assets/a.png">', "terms/gpt/",
    ...                       "terms/gpt.md", {"terms/bert/": "terms/bert.md"})
    '<a href="bert.md#x">B</a><img src="../assets/a.png">'
    """
    from urllib.parse import urljoin, urlsplit

    here = posixpath.dirname(page_src) or "."

    def rewrite(match: re.Match) -> str:
        attr, value = match.groups()
        if not value or value.startswith(("#", "/", "data:", "mailto:", "javascript:")) or "://" in value:
            return match.group(0)
        parts = urlsplit(urljoin("http://site/" + page_url, value))
        site_path = parts.path.lstrip("/")
        target = src_of_url.get(site_path, site_path)
        rel = posixpath.relpath(target, here) if target else posixpath.relpath("index.md", here)
        suffix = ("?" + parts.query if parts.query else "") + ("#" + parts.fragment if parts.fragment else "")
        return f'{attr}="{rel}{suffix}"'

    return _LINK_RE.sub(rewrite, page_html)


def resolve_wikilinks(markdown: str, src_uri: str, titles: dict[str, str], where: str) -> tuple[str, list[str]]:
    """A hand-written page's ``[[id]]`` and ``[[id|words]]`` as Markdown links (code spans left alone).

    >>> resolve_wikilinks("# Home\\n\\n[[bert|It]], `[[x]]` and [[bret]]", "index.md", {"bert": "BERT"}, "docs/index.md")
    ('# Home\\n\\n[It](terms/bert.md), `[[x]]` and bret', ['docs/index.md:3: unknown term `bret` in a [[...]] link - did you mean `[[bert]]`?'])
    """
    import difflib

    problems: list[str] = []
    here = posixpath.dirname(src_uri)
    offset = 0  # where the part being linked starts in the page

    def link(match: re.Match) -> str:
        target, words = match.group(1).strip(), match.group(2)
        if target not in titles:
            close = difflib.get_close_matches(target, list(titles), n=1, cutoff=0.5)
            line = markdown.count("\n", 0, offset + match.start()) + 1
            problems.append(describe_unknown(f"{where}:{line}", target, close[0] if close else None))
            return words or target
        return f"[{words or titles[target]}]({posixpath.relpath(term_src_uri(target), here or '.')})"

    out = []
    for i, part in enumerate(_CODE_RE.split(markdown)):
        out.append(part if i % 2 else _WIKILINK_RE.sub(link, part))
        offset += len(part)
    return "".join(out), problems


@dataclass
class Generated:
    folder: Path
    site_dir: str  # where the configuration builds the site (its ``site_dir``)
    pages: int = 0
    files: int = 0
    problems: list[str] = field(default_factory=list)


def _derived_config(config_file: Path, folder: Path) -> str:
    parent = os.path.relpath(config_file.resolve(), folder.resolve())
    lines = [
        "# Written by `sslgloss site generate`: the project's configuration, with the glossary's pages",
        "# already generated into docs/ (for engines that run no MkDocs plugin, such as Zensical).",
        f"INHERIT: {parent}",
        "docs_dir: docs",
        "site_dir: site",
        "extra_css:",
        *[f"  - {ASSET_PREFIX}{name}" for name in ASSETS_CSS],
        "extra_javascript:",
        *[f"  - {ASSET_PREFIX}{name}" for name in ASSETS_JS],
    ]
    return "\n".join(lines) + "\n"


def generate(config_file: Path, out: Path, *, echo: Callable[[str], None] = print) -> Generated:
    """Write the whole site's sources (pages, assets, a configuration) into ``out``; see the module docstring."""
    from mkdocs.config import load_config
    from mkdocs.exceptions import ConfigurationError

    from ..glossary import load_glossary
    from ..storage import atomic_write

    try:
        config = load_config(config_file=str(config_file))
    except (ConfigurationError, OSError) as exc:
        raise SslglossError(f"{config_file}: cannot read the site configuration ({exc})") from None
    plugin = config.plugins.get("sslgloss")
    if plugin is None:
        raise SslglossError(f"{config_file}: no `sslgloss` plugin under `plugins:`; nothing to generate")
    from .config import TERM_DIRS_ENV

    base = config_file.resolve().parent
    extra = [d for d in os.environ.get(TERM_DIRS_ENV, "").split(os.pathsep) if d]  # as `sslgloss serve --terms-dir`
    glossary = load_glossary(term_dirs=[os.path.normpath(base / d) for d in [*plugin.config.term_dirs, *extra]],
                             entry_points=plugin.config.entry_points)
    if glossary.errors:
        listing = "\n".join(f"  {p}" for p in glossary.errors)
        raise SslglossError(f"the glossary has {len(glossary.errors)} error(s); fix them first:\n{listing}")
    docs_dir = Path(config.docs_dir)
    sources = sorted(p for p in docs_dir.rglob("*") if p.is_file())
    docs = {p.relative_to(docs_dir).as_posix(): p.read_text(encoding="utf-8") for p in sources if p.suffix == ".md"}
    url_of = url_function(config.site_dir, config.use_directory_urls)
    site = prepare_site(glossary, site_options(plugin.config, config), url_of, docs.items(),
                        warn=lambda message: echo(f"warning: {message}"))
    result = Generated(out, config.site_dir)
    target = out / "docs"
    if target.exists():
        shutil.rmtree(target)
    titles = {t: term.title for t, term in glossary.terms.items()}

    def write(src_uri: str, text: str) -> None:
        atomic_write(target / src_uri, text)
        result.files += 1

    generated = site.generated_pages()
    src_of_url = {url_of(src): src for src in [*generated, *docs]}
    for path in sources:
        src_uri = path.relative_to(docs_dir).as_posix()
        if src_uri in generated:
            result.problems.append(f"docs/{src_uri} is replaced by the page sslgloss generates there")
        elif src_uri in docs:
            text, problems = resolve_wikilinks(docs[src_uri], src_uri, titles, f"docs/{src_uri}")
            result.problems += problems
            write(src_uri, text)
        else:
            (target / src_uri).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target / src_uri)
            result.files += 1
    for src_uri, markdown in generated.items():
        term_id = site.term_for(src_uri)
        if term_id is not None:
            markdown, problems = standalone_term_page(site, term_id, url_of(src_uri), src_of_url)
            result.problems += problems
        else:
            markdown = source_relative_links(markdown, url_of(src_uri), src_uri, src_of_url)
        write(src_uri, markdown)
        result.pages += 1
    for src_uri, path in site.asset_files().items():
        write(src_uri, path.read_text(encoding="utf-8"))
    write(ASSET_PREFIX + "terms.json", site.terms_json())
    write(ASSET_PREFIX + "graph.json", site.graph_json())
    write(ASSET_PREFIX + "meaning.json", site.meaning_json())
    atomic_write(out / "mkdocs.yml", _derived_config(config_file, out))
    return result
