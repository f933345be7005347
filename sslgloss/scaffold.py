"""Skeletons for contributors: a term file (`sslgloss new-term`) and a plugin package (`sslgloss new-plugin`).

The generated package is the shortest path from "I want to add terms" to a
published plugin: a pyproject with the entry point, a hook module, one example
term linked to core terms, tests that read the plugin's own terms, and a README
saying what to do next. The placeholder prose of both skeletons is listed once,
in :data:`PLACEHOLDER_PROSE`, so that ``validate --strict`` can tell when some is left.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from .errors import SslglossError

RESERVED_NAMES = frozenset({"core"})  # the core glossary's plugin name

# What the skeletons write where a contributor's words belong; `{title}` stands for the term's title.
SUMMARY_PLACEHOLDER = "One or two plain sentences saying what {title} is (shown in previews, the index and search)."
EXAMPLE_SUMMARY = "An example term of the {title} plugin; replace it with your first real term."
SECTION_PLACEHOLDERS = {
    "Definition": "Say what {title} is in one clear sentence, then what makes it different from its neighbours.",
    "Example": "Walk through one concrete case step by step, with real sentences, numbers or images.",
    "Origins": "Who introduced the idea, when, and how it developed.",
    "Context and usage": "Where the term appears and what it is used together with.",
    "Why it matters": "Why a learner or practitioner should care.",
    "In practice": "Libraries, typical settings, pitfalls, and how to try it.",
}
PLACEHOLDER_PROSE = (SUMMARY_PLACEHOLDER, EXAMPLE_SUMMARY, *SECTION_PLACEHOLDERS.values())


def _body(title: str) -> str:
    return "".join(f"## {name}\n\n{text.format(title=title)}\n\n" for name, text in SECTION_PLACEHOLDERS.items())


SKELETON = """---
id: {id}
title: {title_yaml}
aliases: []           # other names; a short or common word must be in capitals (MAE) or in case_sensitive
summary: >-
  {summary}
tags: []
relations:
  requires: []        # prerequisites, e.g. [machine-learning]
  is_a: []            # the more general term, e.g. [pretext-task]
  related_to: []
demos: []
references: []        # - {{title: "...", authors: "...", year: 2020, url: "https://..."}}  (only title is required)
---
"""


def term_skeleton(term_id: str, title: str) -> str:
    """The text `sslgloss new-term` writes: every field and section, placeholder prose to replace."""
    return SKELETON.format(id=term_id, title_yaml=json.dumps(title, ensure_ascii=False),
                           summary=SUMMARY_PLACEHOLDER.format(title=title)) + _body(title).rstrip("\n") + "\n"

PYPROJECT = '''[build-system]
requires = ["setuptools>=64"]
build-backend = "setuptools.build_meta"

[project]
name = "sslgloss-{name}"
version = "0.1.0"
description = "{title} terms for the sslgloss glossary."
readme = "README.md"
requires-python = ">=3.11"
dependencies = ["sslgloss>={version}"]

[project.optional-dependencies]
test = ["pytest"]

# This entry point is how sslgloss finds the plugin once it is installed.
[project.entry-points.sslgloss]
{name} = "{module}"

[tool.setuptools]
packages = ["{module}"]

# The term files are data: every *.md under terms/, in sub-folders too.
[tool.setuptools.package-data]
{module} = ["terms/**/*.md"]

[tool.pytest.ini_options]
testpaths = ["tests"]
'''

MODULE = '''"""{title}: an sslgloss term plugin.

sslgloss calls these hooks after `pip install`; see the hooks reference in the
sslgloss docs (Contributing > Hooks) for every hook and its signature.
"""

from pathlib import Path

from sslgloss import hookimpl

# The sslgloss versions this plugin works with; older ones refuse it with a clear message.
SSLGLOSS_REQUIRES = ">={version}"


@hookimpl
def register_terms(register):
    register(Path(__file__).parent / "terms")
'''

TERM = '''---
id: {term_id}
title: {term_title}
aliases: []
summary: >-
  {example_summary}
tags: [{name}]
relations:
  requires: [self-supervised-learning]
  uses: [embedding]
  related_to: [pretext-task]
demos: []
references:
  - {{title: "Self-supervised learning: The dark matter of intelligence", authors: "Yann LeCun, Ishan Misra", year: 2021, url: "https://ai.meta.com/blog/self-supervised-learning-the-dark-matter-of-intelligence/"}}
  - {{title: "Deep Learning", authors: "Ian Goodfellow, Yoshua Bengio, Aaron Courville", year: 2016, url: "https://www.deeplearningbook.org/"}}
---
{example_body}'''

TEST = '''"""The plugin's own checks: its terms load without errors and each of its term files is one of its terms.

The tests read the term files in {module}/terms/, so they keep working as you add,
rename or replace terms.
"""

from pathlib import Path

import pytest

from sslgloss import load_glossary

PLUGIN = "{name}"
TERMS = Path(__file__).resolve().parents[1] / "{module}" / "terms"


def own_term_ids():
    """The ids of this plugin's terms: the file names, except extension files (`extends:`)."""
    ids = set()
    for path in TERMS.rglob("*.md"):
        front = path.read_text(encoding="utf-8").split("\\n---", 1)[0]
        if not path.name.startswith((".", "_")) and "\\nextends:" not in front:
            ids.add(path.stem)
    return ids


@pytest.fixture(scope="module")
def glossary():
    return load_glossary()


def test_the_plugin_loads_without_errors(glossary):
    """No error in this plugin's files or about this plugin (other plugins' problems are theirs to fix)."""
    import {module}

    installed = Path({module}.__file__).resolve().parent
    mine = [p for p in glossary.errors if f"plugin `{{PLUGIN}}`" in p.message
            or (p.file and installed in Path(p.file).resolve().parents)]
    assert [str(p) for p in mine] == []


def test_every_term_file_is_a_term_of_this_plugin(glossary):
    mine = {{t.id for t in glossary.terms.values() if t.plugin == PLUGIN}}
    assert own_term_ids(), f"no term files in {{TERMS}}"
    assert mine == own_term_ids()
'''

README = '''# sslgloss-{name}

{title} terms for the [sslgloss](https://pypi.org/project/sslgloss/) glossary.

## Develop

```bash
pip install -e '.[test]'          # into the same environment as sslgloss
sslgloss plugins                  # lists `{name}` with its hooks and term count
sslgloss terms --tag {name}       # its term ids and titles
sslgloss validate --strict        # every problem with file:line (the example's placeholders too)
sslgloss new-term "My Term" --dir {module}/terms
pytest                            # the plugin's own test
```

The site picks the plugin up after installation with no other change: run
`mkdocs serve` (or `make serve`) in the sslgloss checkout and open
`terms/{term_id}/`.

## Publish

```bash
python -m build && twine upload dist/*
```
'''


def plugin_name(raw: str) -> str:
    """A plugin name from what the user typed.

    >>> plugin_name("Speech SSL")
    'speech-ssl'
    """
    name = re.sub(r"[^a-z0-9]+", "-", raw.strip().lower()).strip("-")
    name = name.removeprefix("sslgloss-")
    if not name:
        raise SslglossError(f"cannot make a plugin name from `{raw}`; use letters and digits, e.g. `speech`")
    return name


def _refuse_taken(name: str) -> None:
    """A plugin name must not be reserved nor already installed: the second of two same-named plugins is refused."""
    if name in RESERVED_NAMES:
        raise SslglossError(f"`{name}` is the name of sslgloss's own glossary and cannot name a plugin; "
                            f"choose another, e.g. `{name}-extras`")
    import importlib.metadata as md

    for ep in md.entry_points(group="sslgloss"):
        if ep.name == name:
            dist = getattr(ep, "dist", None)
            owner = f" by {dist.metadata['Name']} {dist.version}" if dist is not None else ""
            raise SslglossError(f"a plugin named `{name}` is already installed{owner}; choose another name, "
                                f"e.g. `{name}-extras`")


def new_plugin(raw_name: str, directory: Path) -> Path:
    """Write the package `sslgloss-<name>/` into ``directory``; refuses to overwrite."""
    from . import __version__

    name = plugin_name(raw_name)
    _refuse_taken(name)
    module = "sslgloss_" + name.replace("-", "_")
    title = name.replace("-", " ").title()
    root = Path(directory) / f"sslgloss-{name}"
    if root.exists():
        raise SslglossError(f"{root} already exists; not overwriting it")
    term_id = f"{name}-example"
    values = {"name": name, "module": module, "title": title, "version": ".".join(__version__.split(".")[:2]),
              "term_id": term_id, "term_title": json.dumps(f"{title} Example", ensure_ascii=False),
              "example_summary": EXAMPLE_SUMMARY.format(title=title),
              "example_body": _body(f"{title} Example").rstrip("\n") + "\n"}
    files = {
        "pyproject.toml": PYPROJECT,
        f"{module}/__init__.py": MODULE,
        f"{module}/terms/{term_id}.md": TERM,
        "tests/test_plugin.py": TEST,
        "README.md": README,
    }
    for rel, template in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(template.format(**values), encoding="utf-8")
    return root
