"""The core glossary, shipped as a term plugin like any other (entry point ``core``).

Its terms are the Markdown files in ``sslgloss/terms/``; its demos are listed
in ``sslgloss/demos/catalog.py`` with the rest of the demo code.
"""

from __future__ import annotations

from pathlib import Path

from .demos.catalog import register_demos  # noqa: F401  (a hook implementation of this plugin)
from .hookspecs import hookimpl

TERMS_DIR = Path(__file__).resolve().parent / "terms"


@hookimpl
def register_terms(register):
    register(TERMS_DIR)
