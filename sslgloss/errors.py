"""Every error sslgloss raises on purpose, in one hierarchy.

Messages name what was wrong, where (file and line when there is one), and
what would have been valid, so that the CLI, the MkDocs plugin and the demos
can show them to a person as they are, without a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong (``error``) or worth a look (``warning``) in the glossary.

    >>> str(Problem("error", "unknown-target", "unknown target `x`", "a.md", 3))
    'a.md:3: error: unknown target `x`'
    """

    level: str  # "error" | "warning"
    code: str  # stable machine-readable kind, e.g. "unknown-target"
    message: str
    file: str | None = None
    line: int | None = None
    hint: str | None = None  # how to fix it, when we can tell

    @property
    def location(self) -> str:
        if self.file is None:
            return "<glossary>"
        return f"{self.file}:{self.line}" if self.line else self.file

    def __str__(self) -> str:
        text = f"{self.location}: {self.level}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text

    def as_dict(self) -> dict:
        return {
            "level": self.level,
            "code": self.code,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "hint": self.hint,
        }


class SslglossError(Exception):
    """Base class: an expected failure with a message meant for a person."""


class GlossaryError(SslglossError):
    """The glossary failed validation; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem], summary: str | None = None):
        self.problems = list(problems)
        errors = [p for p in self.problems if p.level == "error"]
        head = summary or f"the glossary has {len(errors)} error(s)"
        super().__init__(head + "\n" + "\n".join(f"  {p}" for p in self.problems))


class UnknownTermError(SslglossError, KeyError):
    """A term id that no loaded plugin defines."""

    def __init__(self, term_id: str, suggestions: list[str] | None = None):
        self.term_id = term_id
        self.suggestions = suggestions or []
        hint = f" - did you mean {', '.join(f'`{s}`' for s in self.suggestions)}?" if self.suggestions else ""
        super().__init__(f"unknown term `{term_id}`{hint}")

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return self.args[0]


class PluginLoadError(SslglossError):
    """A term plugin could not be imported or its hook failed."""


class ModelError(SslglossError):
    """A model, checkpoint or input to a model was unusable (say what to do instead)."""


class CheckpointError(ModelError):
    """A checkpoint is missing or corrupt; the message says how to train one."""


class InputError(SslglossError, ValueError):
    """User input to a model, search or demo was unusable (empty, no [MASK], out of range...)."""
