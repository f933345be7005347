"""A term page as MkDocs sees it: a ``Page`` whose HTML we write instead of Python-Markdown.

MkDocs renders every page's Markdown with a fresh Python-Markdown instance, which
with this site's extensions costs about 1.4 ms a page before the first character
is converted, and parses its front matter with YAML. A term page has no Markdown
of its own (everything on it is built from the term file), so :class:`TermPage`
skips both: ``read_source`` takes the page's metadata as a dict and ``render``
asks the site for the HTML and the table of contents. Everything else is MkDocs'
``Page`` (URLs, navigation, the template, the search plugin, the plugin events,
which still run). Setting ``File.page`` to a ``Page`` subclass in ``on_files`` is
how mkdocs-material's blog plugin adds its pages too.

If another plugin gives the page Markdown (``on_page_read_source`` or
``on_page_markdown``), it is rendered the usual way and shown after the term.
"""

from __future__ import annotations

from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils import meta


class TermPage(Page):
    def __init__(self, file, config, site, term_id: str) -> None:
        super().__init__(None, file, config)
        self.site = site  # builder.GlossarySite
        self.term_id = term_id

    def read_source(self, config) -> None:
        source = config.plugins.on_page_read_source(page=self, config=config)
        if source is None:
            self.markdown, self.meta = "", self.site.term_meta(self.term_id)
        else:
            self.markdown, self.meta = meta.get_data(source)

    def render(self, config, files) -> None:
        extra = ""
        if self.markdown.strip():
            super().render(config, files)
            extra = self.content
        self.content = self.site.term_content(self.term_id, self.url) + extra
        self.toc = get_toc(self.site.toc_tokens(self.file.src_uri))
        self.present_anchor_ids = (self.present_anchor_ids or set()) | self.site.anchor_ids(self.term_id)
