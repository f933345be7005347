"""The contributor docs stay true to the code."""

from __future__ import annotations

import inspect
import re

from sslgloss import hookspecs
from sslgloss.relations import CORE_RELATION_TYPES
from tests.conftest import REPO

HOOKS_PAGE = REPO / "docs" / "contributing" / "hooks.md"
TERM_PAGE = REPO / "docs" / "contributing" / "add-a-term.md"


def test_every_hook_is_documented_with_its_signature():
    text = HOOKS_PAGE.read_text()
    hooks = [name for name, fn in inspect.getmembers(hookspecs, inspect.isfunction)
             if getattr(fn, "sslgloss_spec", None) is not None]
    assert hooks, "no hook specs found"
    for name in hooks:
        signature = f"{name}{inspect.signature(getattr(hookspecs, name))}"
        assert f"## `{signature}`" in text, f"{signature} missing from {HOOKS_PAGE.name}"


def test_every_core_relation_type_is_in_the_term_format_page():
    text = TERM_PAGE.read_text()
    for rtype in CORE_RELATION_TYPES:
        assert re.search(rf"\| `{rtype.name}` \|", text), rtype.name
        if rtype.inverse_name:
            assert f"`{rtype.inverse_name}`" in text
