"""`sslgloss new-plugin`: a term plugin package that installs and passes its own test.

The generated package is the shortest path from "I want to add terms" to a
published plugin: a pyproject with the entry point, a hook module, one example
term linked to core terms, a test, and a README saying what to do next.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from .errors import SslglossError

PYPROJECT = '''[build-system]
requires = ["setuptools>=61"]
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

[tool.setuptools.package-data]
{module} = ["terms/*.md"]
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
  An example term of the {title} plugin; replace it with your first real term.
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
## Definition

Say here what the term is, in one clear sentence, then what sets it apart from its neighbours in the graph.

## Example

Walk through one concrete case, step by step, with real sentences, numbers or pictures.

## Origins

Who introduced the idea, when, and in which paper or system.

## Context and usage

Where the term appears and which other terms it is used with.

## Why it matters

Why a learner or a practitioner should care about it.

## In practice

Libraries, typical settings, pitfalls, and how to try it in a few lines of code.
'''

TEST = '''"""The plugin's own check: it loads, validates, and links into the core glossary."""

from sslgloss import learning_path, load_glossary


def test_plugin_terms_load_without_errors():
    glossary = load_glossary()
    assert [str(p) for p in glossary.errors] == []
    mine = [t for t in glossary.terms.values() if t.plugin == "{name}"]
    assert [t.id for t in mine] == ["{term_id}"]


def test_plugin_terms_have_a_learning_path_from_machine_learning():
    glossary = load_glossary()
    assert learning_path(glossary, "{term_id}")[0] == "machine-learning"
'''

README = '''# sslgloss-{name}

{title} terms for the [sslgloss](https://pypi.org/project/sslgloss/) glossary.

## Develop

```bash
pip install -e '.[test]'          # into the same environment as sslgloss
sslgloss plugins                  # lists `{name}` with its term count
sslgloss validate                 # every problem with file:line
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


def new_plugin(raw_name: str, directory: Path) -> Path:
    """Write the package `sslgloss-<name>/` into ``directory``; refuses to overwrite."""
    from . import __version__

    name = plugin_name(raw_name)
    module = "sslgloss_" + name.replace("-", "_")
    title = name.replace("-", " ").title()
    root = Path(directory) / f"sslgloss-{name}"
    if root.exists():
        raise SslglossError(f"{root} already exists; not overwriting it")
    term_id = f"{name}-example"
    values = {"name": name, "module": module, "title": title, "version": ".".join(__version__.split(".")[:2]),
              "term_id": term_id, "term_title": json.dumps(f"{title} Example", ensure_ascii=False)}
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
