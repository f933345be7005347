"""The sslgloss MkDocs plugin: the glossary becomes pages, links, previews and a graph.

Event order (MkDocs 1.6):

- ``on_config``: add our CSS/JS, make sure ``attr_list`` is on, and point
  ``site_dir`` at a staging folder (see atomic.py);
- ``on_pre_build``: load every term plugin; any error fails the build with
  every problem listed (file:line), warnings go to the log so ``--strict`` fails;
- ``on_files``: the site generator (generate.py ``prepare_site``, the same one
  ``sslgloss site generate`` runs for other engines) scans all prose for mentions; add one generated page per term
  (a :class:`~sslgloss.site.termpage.TermPage`, which MkDocs renders without
  Markdown), the index and tag pages, the assets and the JSON the front end reads;
- ``on_page_content`` (term pages have their title, lead, prose and table of
  contents by now): resolve ``[[wiki links]]``;
- ``on_page_context`` (after the search plugin has indexed the page): link the
  first mention of each term, add the blocks search does not index (related
  terms, mentions...) to term pages;
- ``on_post_build`` (last of all plugins): swap the staging folder into place;
- ``on_build_error``: throw the staging folder away; the old site stays.

Each method is a few lines; the work is in builder.GlossarySite and the classes it uses.
The HTML comes from Jinja templates that the theme's ``custom_dir`` can override (see templating.py).
"""

from __future__ import annotations

import logging
import os

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.toc import get_toc
from mkdocs.utils import CountHandler

from .atomic import StagedSiteDir
from .builder import ASSET_PREFIX, GlossarySite, describe_unknown, term_src_uri, wikilink_line
from .config import TERM_DIRS_ENV, SslglossConfig
from .generate import ASSETS_CSS, ASSETS_JS, prepare_site, site_options, url_function
from ..storage import cache_dir
from .sanitize import ProseCache
from .termpage import TermPage

log = get_plugin_logger("sslgloss")

NOT_IN_NAV_PREFIXES = ("terms/", "tags/")


class SslglossPlugin(BasePlugin[SslglossConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.command = "build"
        self.dirty = False
        self.site: GlossarySite | None = None
        self.glossary = None
        self.stage: StagedSiteDir | None = None
        self.final_site_dir: str | None = None
        self.warnings: CountHandler | None = None
        self.prose_cache: ProseCache | None = None
        self._mkdocs_config = None

    def on_startup(self, *, command, dirty) -> None:
        self.command, self.dirty = command, dirty

    @event_priority(100)  # first, so every other plugin sees the staging site_dir
    def on_config(self, config):
        if not self.config.enabled:
            return config
        self._mkdocs_config = config
        for name in ASSETS_CSS:
            if ASSET_PREFIX + name not in config.extra_css:
                config.extra_css.append(ASSET_PREFIX + name)
        for name in ASSETS_JS:
            if ASSET_PREFIX + name not in [str(s) for s in config.extra_javascript]:
                config.extra_javascript.append(ASSET_PREFIX + name)
        if "attr_list" not in config.markdown_extensions:
            config.markdown_extensions.append("attr_list")  # generated headings carry ids and search flags
        self._discard_stage()
        if self.config.atomic_build and self.command != "serve" and not self.dirty:
            self.final_site_dir = config.site_dir
            for leftover in StagedSiteDir.leftovers(config.site_dir):
                log.debug(f"removing a staging folder left by an interrupted build: {leftover}")
                _rmtree(leftover)
            self.stage = StagedSiteDir(config.site_dir)
            config.site_dir = self.stage.path
            log.debug(f"building into {self.stage.path}; it replaces {self.final_site_dir} once the build succeeds")
        if config.strict:
            self.warnings = CountHandler()
            self.warnings.setLevel(logging.WARNING)
            logging.getLogger("mkdocs").addHandler(self.warnings)
        return config

    def on_pre_build(self, *, config) -> None:
        if not self.config.enabled:
            return
        from ..glossary import load_glossary

        glossary = load_glossary(term_dirs=self._term_dirs(config), entry_points=self.config.entry_points)
        if glossary.errors:
            listing = "\n".join(f"  {p}" for p in glossary.errors)
            command = " ".join(["sslgloss validate", *(f"--terms-dir {os.path.relpath(d)}" for d in
                                                        self._term_dirs(config))])
            raise PluginError(f"sslgloss: the glossary has {len(glossary.errors)} error(s); "
                              f"fix them and build again (`{command}` lists the same):\n{listing}")
        for problem in glossary.warnings:
            log.warning(str(problem))
        self.glossary = glossary

    def on_files(self, files: Files, *, config) -> Files:
        if not self.config.enabled:
            return files

        prose_path = cache_dir("site") / "prose.json"
        if self.prose_cache is None or self.prose_cache.path != prose_path:
            self.prose_cache = ProseCache(prose_path)  # kept across `mkdocs serve` rebuilds
        site = prepare_site(self.glossary, site_options(self.config, config),
                            url_function(config.site_dir, config.use_directory_urls),
                            [(f.src_uri, f.content_string) for f in files.documentation_pages()],
                            background=self.command == "serve",  # a reader waiting on a rebuild never waits on a model
                            warn=log.warning, prose_cache=self.prose_cache)
        for src_uri, markdown in site.generated_pages().items():
            hidden = src_uri.startswith(NOT_IN_NAV_PREFIXES)
            file = File.generated(config, src_uri, content=markdown,
                                  inclusion=InclusionLevel.NOT_IN_NAV if hidden else InclusionLevel.UNDEFINED)
            self._add(files, file)
            term_id = site.term_for(src_uri)
            if term_id is not None:
                TermPage(file, config, site, term_id)  # becomes file.page; MkDocs' nav keeps it
        for src_uri, path in site.asset_files().items():
            self._add(files, File.generated(config, src_uri, abs_src_path=str(path)))
        self._add(files, File.generated(config, ASSET_PREFIX + "terms.json", content=site.terms_json()))
        self._add(files, File.generated(config, ASSET_PREFIX + "graph.json", content=site.graph_json()))
        self._add(files, File.generated(config, ASSET_PREFIX + "meaning.json", content=site.meaning_json()))
        self.site = site
        return files

    @staticmethod
    def _add(files: Files, file: File) -> None:
        existing = files.get_file_from_path(file.src_uri)
        if existing is not None:
            log.warning(f"docs/{file.src_uri} is replaced by the page sslgloss generates there; rename or remove it")
            files.remove(existing)
        files.append(file)

    def on_page_content(self, html: str, *, page, config, files) -> str:
        if not self.config.enabled or self.site is None:
            return html
        src_uri = page.file.src_uri
        rendered = self.site.render_page(src_uri, html, page.url)
        term_id = self.site.term_for(src_uri)
        if term_id is not None and not isinstance(page, TermPage):  # rendered from its Markdown after all
            page.toc = get_toc(self.site.toc_tokens(src_uri))
            page.present_anchor_ids = (page.present_anchor_ids or set()) | self.site.anchor_ids(term_id)
        if rendered.unknown_wikilinks:  # term files are checked (with lines) by validate; here, hand-written pages
            where = self.glossary.terms[term_id].path if term_id else f"docs/{src_uri}"
            source = "" if term_id else page.file.content_string
            for target, closest in rendered.unknown_wikilinks:
                line = wikilink_line(source, target)
                log.warning(describe_unknown(f"{where}:{line}" if line else where, target, closest))
        return rendered.html

    @event_priority(-50)  # after the search plugin has indexed the page
    def on_page_context(self, context, *, page, config, nav):
        if self.config.enabled and self.site is not None:
            page.content = self.site.finish_page(page.file.src_uri, page.content, page.url)
        return context

    def on_serve(self, server, *, config, builder):
        """Rebuild when a term file changes: watch every term plugin's folders and the ``term_dirs``.

        The plugin instance lives across rebuilds (MkDocs keeps plugins that have
        ``on_startup``); each rebuild reloads the glossary from the files (``on_pre_build``)
        and builds the site anew, so an edited, added or removed term shows up.
        """
        if self.config.enabled:
            for folder in watched_folders(self.glossary, self._term_dirs(config)):
                server.watch(folder)
        return server

    def _term_dirs(self, config) -> list[str]:
        base = os.path.dirname(config.config_file_path or ".")
        extra = [d for d in os.environ.get(TERM_DIRS_ENV, "").split(os.pathsep) if d]  # `sslgloss serve --terms-dir`
        return [os.path.normpath(os.path.join(base, d)) for d in [*self.config.term_dirs, *extra]]

    @event_priority(-100)  # last, after the search plugin has written its index
    def on_post_build(self, *, config) -> None:
        if self.prose_cache is not None and self.site is not None:
            self.prose_cache.save()
        if self.stage is None:
            return
        if config.strict and self.warnings is not None and self.warnings.get_counts():
            log.info(f"warnings in strict mode: {self.final_site_dir} was left as it was")
            self._discard_stage()
        else:
            self.stage.commit()
            log.debug(f"the new site is in {self.final_site_dir}")
            self.stage = None
        config.site_dir = self.final_site_dir  # e.g. for gh-deploy, which reads it after the build
        self._detach_counter()

    def on_build_error(self, *, error) -> None:
        if self.stage is not None and self.final_site_dir:
            log.info(f"the build failed: {self.final_site_dir} was left as it was")
        self._discard_stage()
        if self._mkdocs_config is not None and self.final_site_dir:
            self._mkdocs_config.site_dir = self.final_site_dir
        self._detach_counter()

    def on_shutdown(self) -> None:
        self._discard_stage()

    def _discard_stage(self) -> None:
        if self.stage is not None:
            self.stage.discard()
            self.stage = None

    def _detach_counter(self) -> None:
        if self.warnings is not None:
            logging.getLogger("mkdocs").removeHandler(self.warnings)
            self.warnings = None


def watched_folders(glossary, term_dirs: list[str]) -> list[str]:
    """Folders to watch for term changes: ``term_dirs`` and the folders holding any plugin's term files.

    Nested folders are dropped (watching is recursive), so each change triggers one rebuild.
    """
    found = {os.path.abspath(d) for d in term_dirs if os.path.isdir(d)}
    if glossary is not None:
        for info in glossary.plugins.values():
            found.update(os.path.abspath(os.path.dirname(f)) for f in info.term_files)
    watched: list[str] = []
    for folder in sorted(found):
        if not any(folder.startswith(parent.rstrip(os.sep) + os.sep) for parent in watched):
            watched.append(folder)
    return watched


def _rmtree(path) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)


__all__ = ["SslglossPlugin", "term_src_uri", "watched_folders"]
