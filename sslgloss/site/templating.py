"""The Jinja templates that write the site's generated HTML, and the one environment that loads them.

Python works out what a generated page or block shows (URLs, titles, groups,
positions); a template in ``sslgloss/site/templates/sslgloss/`` writes the markup:

- ``sslgloss/term-content.html``: a term page's title, lead and prose sections;
- ``sslgloss/term-lead.html``: breadcrumbs, summary, aliases, tags, plugin;
- ``sslgloss/term-cloze.html``: the "Test yourself" block (sentences with a word hidden, the
  masked model's guesses); ``progress.html``: the reader's progress on the index pages;
- ``sslgloss/term-demos.html``: the "Try it live" block around the demo slot;
- ``sslgloss/term-related.html``: related terms by relation, with the local graph;
- ``sslgloss/local-graph.html``: the small graph (SVG spokes, HTML labels);
- ``sslgloss/term-path.html``: the term's learning path;
- ``sslgloss/term-mentions.html``: the pages that mention the term, with the sentence;
- ``sslgloss/term-references.html``: the references;
- ``sslgloss/glossary-index.html``, ``tags-index.html``, ``tag-page.html``,
  ``learning-paths.html``, ``demos-page.html``: the generated pages' bodies, in
  Markdown with HTML blocks (their ``##`` headings make the table of contents);
- ``sslgloss/macros.html``: ``term_link`` and ``entry_list``, used by the page bodies.

**Overriding a template.** As with mkdocs-material's partials, a site replaces
any of them by putting a file with the same relative path in its theme's
``custom_dir``::

    theme:
      name: material
      custom_dir: overrides      # overrides/sslgloss/term-path.html replaces the packaged one

Templates are looked up in ``custom_dir`` first, then in the package, so an
override may ``{% include %}`` or ``{% import %}`` the packaged templates it does
not replace. Each packaged template starts with a comment listing the variables
it receives. Everything a template prints is HTML-escaped (term files are
untrusted) unless Python marked it as HTML already (rendered prose, the demo
slot, headings); undefined variables are an error, so a typo in an override
fails the build instead of printing nothing.
"""

from __future__ import annotations

import functools
import html
from pathlib import Path

import jinja2
from markupsafe import Markup

TEMPLATES = Path(__file__).parent / "templates"  # holds sslgloss/*.html, the paths overrides use


def _escape(value):
    """Print values the way the rest of the site escapes them (``html.escape``: ``&quot;``, ``&#x27;``).

    Jinja's own escaping writes ``&#34;``; the page titles MkDocs prints come from
    ``html.escape``, and one spelling keeps the pages (and the tests) consistent.
    """
    if type(value) is str:  # nearly every value: skip Markup's slower constructor
        return _markup(html.escape(value))
    if hasattr(value, "__html__"):
        return value
    return _markup(html.escape(str(value)))


def _markup(text: str) -> Markup:
    return str.__new__(Markup, text)


def _make(dirs: tuple[str, ...]) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader([*dirs, str(TEMPLATES)]),
        autoescape=True,  # every template is HTML (the page templates, HTML inside Markdown)
        finalize=_escape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@functools.cache
def _packaged() -> jinja2.Environment:
    return _make(())


def environment(custom_dir: str | None = None) -> jinja2.Environment:
    """The environment that renders the generated HTML: ``custom_dir`` (if any) first, then the packaged templates.

    Without a ``custom_dir`` the environment is shared (templates compile once per
    process). With one, each call makes a new environment, so a template added to
    ``custom_dir`` during ``mkdocs serve`` is used by the next rebuild.
    """
    if not custom_dir:
        return _packaged()
    return _make((str(custom_dir),))


__all__ = ["TEMPLATES", "environment"]
