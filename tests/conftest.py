"""Shared fixtures: paths of the fixture folders and a helper to write term files."""

from __future__ import annotations

from pathlib import Path

import pytest

TESTS = Path(__file__).parent
FIXTURES = TESTS / "fixtures"
REPO = TESTS.parent
SECTIONS = ("Definition", "Example", "Origins", "Context and usage", "Why it matters", "In practice")


def term_text(term_id: str, title: str | None = None, relations: str = "{}", aliases: str = "[]",
              extra: str = "", references: bool = True, body: str | None = None) -> str:
    """A valid term file (unless the arguments make it invalid)."""
    title = title or term_id.replace("-", " ").title()
    refs = ('references:\n  - {title: "A book", authors: "A. Author", year: 2020, url: "https://example.org/b"}\n'
            if references else "references: []\n")
    if body is None:
        body = "".join(f"## {s}\n\nSome words about {title} for {s.lower()}.\n\n" for s in SECTIONS)
    return (f"---\nid: {term_id}\ntitle: {title}\naliases: {aliases}\nsummary: About {title}.\ntags: [test]\n"
            f"relations: {relations}\n{extra}{refs}---\n{body}")


@pytest.fixture
def write_terms(tmp_path):
    """write_terms({"a": text, ...}, folder="x") -> folder path."""

    def write(files: dict[str, str | bytes], folder: str = "terms") -> Path:
        d = tmp_path / folder
        d.mkdir(parents=True, exist_ok=True)
        for name, content in files.items():
            path = d / (name if name.endswith(".md") else f"{name}.md")
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        return d

    return write
