"""The hooks a term plugin may implement.

A term plugin is a Python distribution with an entry point in the group
``sslgloss`` that points at a module (or object) carrying ``@hookimpl``
functions. The core glossary (``sslgloss.core``) is such a plugin too.
Every hook here is listed, with its signature, in docs/contributing/hooks.md;
a test fails when one is missing there.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pluggy

PROJECT = "sslgloss"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


# ---------------------------------------------------------------------- what the hooks take

@dataclass
class DemoPage:
    """A page of the Streamlit demo app, contributed by a plugin."""

    id: str
    title: str
    script: Path
    terms: list[str] = field(default_factory=list)
    icon: str | None = None
    fallback: str | Callable[..., str] | None = None
    plugin: str = ""
    reads_glossary: bool = False  # its static result depends on the glossary's text (it is recomputed after edits)
    # the URL parameters the page reads besides ``input`` (a term's ``demos: params:`` is checked against them);
    # None: not declared, any name is accepted
    params: tuple[str, ...] | None = None

    def fallback_function(self) -> Callable[..., str] | None:
        """Resolve ``fallback`` (a callable or "module:function") lazily."""
        if self.fallback is None or callable(self.fallback):
            return self.fallback
        module, _, attr = self.fallback.partition(":")
        return getattr(importlib.import_module(module), attr)


# ---------------------------------------------------------------------- the hooks


@hookspec
def register_terms(register):
    """Register term files.

    Call ``register(path)`` with a folder (every ``*.md`` file in it, recursively,
    is a term file, or an extension file if its front matter has ``extends:``) or
    with a single ``.md`` file. Paths may be ``pathlib.Path`` objects or strings.
    """


@hookspec
def register_relation_types(register):
    """Register extra relation types.

    Call ``register(sslgloss.RelationType(name, label, inverse_name, inverse_label,
    symmetric=False, acyclic=False, color="#888888"))`` once per type. A name that
    another plugin already defines is an error naming both plugins.
    """


@hookspec
def register_demos(register):
    """Register live demo pages for the Streamlit app.

    Call ``register(sslgloss.DemoPage(id, title, script, terms=[...], icon=None,
    fallback=None))``: ``script`` is the path of a Streamlit page file; ``terms`` the
    term ids the demo illustrates; ``fallback`` an optional ``"module:function"``
    (or callable) taking the term's ``DemoSpec`` and returning an HTML fragment
    computed by the same model, shown when the demo server cannot be reached.
    """
