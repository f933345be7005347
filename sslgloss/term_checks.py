"""Checks on a term's content that go beyond its schema, each reported with file and line.

- names that would hijack the site's autolinks (a common English word or a
  name shorter than 3 characters as a title or alias);
- placeholder prose left over from the ``new-term`` or ``new-plugin`` skeletons;
- ``[[wiki links]]`` to ids no term has;
- demos no plugin registers, and demo parameters the demo does not read;
- (``validate`` only) terms whose text gives their "Test yourself" block no sentence.

``validate`` runs them all, so it reports everything the site build would (and a little more).
"""

from __future__ import annotations

import difflib
import functools
import re
from typing import Iterable

from .errors import Problem
from .site.autolink import WIKILINK_RE, is_acronym  # the site's own rules, so validate agrees with the build
from .text import stop_words

MIN_NAME_CHARS = 3
_CODE_SPAN_RE = re.compile(r"(`+)(?:(?!\1).)+?\1")


def check_names(term, rel: str) -> list[Problem]:
    """A title or alias that is a common word or shorter than 3 characters would link unrelated text site-wide.

    Such a name is allowed when it only matches as written: in capitals (an acronym) or
    listed under the term's ``case_sensitive:``.
    """
    problems = []
    names = [(("title",), "title", term.title)] + [(("aliases", i), "alias", a) for i, a in enumerate(term.aliases)]
    own = {name for _loc, _kind, name in names}
    for i, name in enumerate(term.case_sensitive):
        if name not in own:
            close = difflib.get_close_matches(name, list(own), n=1)
            problems.append(Problem("error", "case-sensitive", f"`case_sensitive` lists `{name}`, which is neither "
                                    f"the title nor an alias", rel, term.line_of("case_sensitive", i),
                                    f"did you mean `{close[0]}`?" if close else "list names exactly as written above"))
    exact = set(term.case_sensitive)
    for loc, kind, name in names:
        if name in exact or is_acronym(name):
            continue
        key = " ".join(name.casefold().split())
        if len(key) < MIN_NAME_CHARS:
            why = f"is shorter than {MIN_NAME_CHARS} characters"
        elif key in stop_words():
            why = "is a common English word"
        else:
            continue
        problems.append(Problem("error", "hijacking-name",
                                f"{kind} `{name}` {why}: every `{key}` on every page would link to `{term.id}`",
                                rel, term.line_of(*loc),
                                "remove it, write it in capitals if it is an acronym, or list it under "
                                "`case_sensitive:` so it only matches as written"))
    return problems


def body_wikilinks(body: str, first_line: int) -> list[tuple[str, int]]:
    """``(target, line)`` of every ``[[target]]`` / ``[[target|text]]`` outside code in a Markdown body."""
    found = []
    fence: str | None = None
    for offset, line in enumerate(body.split("\n")):
        stripped = line.strip()
        if fence:
            if stripped.startswith(fence):
                fence = None
            continue
        if stripped.startswith(("```", "~~~")):
            fence = stripped[:3]
            continue
        if "[[" not in line or line.startswith(("    ", "\t")):
            continue
        text = _CODE_SPAN_RE.sub(lambda m: " " * len(m.group(0)), line)
        found += [(m.group(1).strip(), first_line + offset) for m in WIKILINK_RE.finditer(text)]
    return found


def check_wikilinks(terms: dict) -> list[Problem]:
    """Every ``[[id]]`` in a term's prose names a loaded term (ids are case-insensitive, as on the site)."""
    folded = {t.casefold(): t for t in terms}
    problems = []
    for term in terms.values():
        for target, line in getattr(term, "wikilinks", ()):
            if target in terms or target.casefold() in folded:
                continue
            close = difflib.get_close_matches(target.casefold(), list(terms), n=1, cutoff=0.5)
            problems.append(Problem("error", "unknown-wikilink", f"unknown term `{target}` in a [[...]] link",
                                    term.path, line, f"did you mean `[[{close[0]}]]`?" if close else
                                    "link to a term id; `sslgloss terms` lists them"))
    return problems


def check_demos(terms: dict, demos: Iterable) -> list[Problem]:
    """Every demo a term embeds is registered by a plugin, with parameters that demo reads."""
    registered = {d.id: d for d in demos}
    problems = []
    for term in terms.values():
        for i, spec in enumerate(term.demos):
            demo = registered.get(spec.id)
            if demo is None:
                close = difflib.get_close_matches(spec.id, list(registered), n=1)
                hint = (f"did you mean `{close[0]}`?" if close else
                        f"registered demos: {', '.join(registered)}" if registered else
                        "no installed plugin registers a demo")
                problems.append(Problem("error", "unknown-demo", f"unknown demo `{spec.id}`", term.path,
                                        term.line_of("demos", i, "id"), hint))
                continue
            accepted = getattr(demo, "params", None)
            if accepted is None:
                continue  # the demo does not declare its parameters
            for name in spec.params:
                if name in accepted:
                    continue
                close = difflib.get_close_matches(name, list(accepted), n=1)
                hint = (f"did you mean `{close[0]}`?" if close else
                        f"it reads: {', '.join(accepted)}" if accepted else "it reads no parameters")
                if name == "input":
                    hint = "write `input:` beside `id:`, not under `params:`"
                problems.append(Problem("error", "unknown-demo-param",
                                        f"demo `{spec.id}` has no parameter `{name}`", term.path,
                                        term.line_of("demos", i, "params", name), hint))
    return problems


@functools.cache
def _placeholder_patterns() -> tuple[re.Pattern, ...]:
    from .scaffold import PLACEHOLDER_PROSE

    return tuple(re.compile(re.escape(text).replace(re.escape("{title}"), ".*?"), re.DOTALL)
                 for text in PLACEHOLDER_PROSE)


def check_placeholders(summary: str, sections: dict[str, str], lines: dict[str, int], summary_line: int,
                       rel: str) -> list[Problem]:
    """Warnings for text the skeletons wrote that is still there (so ``validate --strict`` fails)."""
    problems = []
    places = [("summary", summary, summary_line)] + [(f"section `## {title}`", text, lines.get(title, 1))
                                                      for title, text in sections.items()]
    for where, text, line in places:
        if any(p.search(text or "") for p in _placeholder_patterns()):
            problems.append(Problem("warning", "placeholder", f"{where} still has the skeleton's placeholder text",
                                    rel, line, "replace it with your own words"))
    return problems


def check_cloze(glossary) -> list[Problem]:
    """A warning for every term whose page would have no "Test yourself" sentence (see sslgloss/site/cloze.py).

    Only ``validate`` runs it (so ``--strict`` fails on it), and only on a glossary without errors: a site
    build still builds such a page, without the block. A term whose prose is still the skeleton's is left to
    the placeholder warning.
    """
    from .site.cloze import MAX_WORDS, MIN_WORDS, ClozeIndex

    index = ClozeIndex.of(glossary)
    problems = []
    for term in glossary.terms.values():
        if index.blanks(term.id) or any(p.search(text) for p in _placeholder_patterns()
                                        for text in term.sections.values()):
            continue
        problems.append(Problem("warning", "no-cloze", f"term `{term.id}` gives its \"Test yourself\" block no "
                                "sentence to hide a word from", term.path, term.line_of("cloze") if ("cloze",) in
                                term.lines else term.body_line,
                                f"add `cloze:` sentences, or write prose sentences of {MIN_WORDS}-{MAX_WORDS} words "
                                "that name other terms"))
    return problems
