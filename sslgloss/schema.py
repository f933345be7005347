"""The term file: one Markdown file with YAML front matter, parsed and checked.

``parse_term_file`` never raises for bad content: it returns the term (or
None) and a list of :class:`~sslgloss.errors.Problem`, each naming the file
and the line, so that a contributor sees every problem at once.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from . import references
from .errors import Problem
from .frontmatter import FrontMatterError, load_front_matter
from .term_checks import body_wikilinks, check_names, check_placeholders

SECTION_TITLES: tuple[str, ...] = (
    "Definition",
    "Example",
    "Origins",
    "Context and usage",
    "Why it matters",
    "In practice",
)
MAX_FILE_BYTES = 1_000_000  # a term is a page, not a book; larger files are a mistake
MAX_SUMMARY_CHARS = 300
ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
_ID_RE = re.compile(ID_PATTERN)



class Reference(BaseModel):
    """A source a term cites: paper, book, standard or documentation page.

    Only ``title`` is required: a book may have no URL, an institutional page no
    authors. Whatever is given is checked (see :mod:`sslgloss.references`).
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    title: str = Field(min_length=1)
    authors: str | None = None
    year: int | None = None
    url: str | None = None
    doi: str | None = None
    isbn: str | None = None
    venue: str | None = None
    note: str | None = None

    _authors = field_validator("authors", mode="before")(references.join_authors)
    _year = field_validator("year")(references.check_year)
    _url = field_validator("url")(references.check_url)
    _doi = field_validator("doi")(references.check_doi)
    _isbn = field_validator("isbn", mode="before")(references.check_isbn)


class DemoSpec(BaseModel):
    """A live demo a term page embeds, with the input the page presets."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=ID_PATTERN)
    input: str | None = None
    params: dict[str, str] = Field(default_factory=dict)

    @field_validator("params", mode="before")
    @classmethod
    def _scalar_params(cls, value: Any) -> Any:
        """``k: 5`` and ``k: "5"`` are the same URL parameter."""
        if isinstance(value, dict):
            return {k: (str(v).lower() if isinstance(v, bool) else str(v) if isinstance(v, (int, float)) else v)
                    for k, v in value.items()}
        return value


class ClozeSpec(BaseModel):
    """A sentence of the page's "Test yourself" block, with the word hidden from it (see sslgloss/site/cloze.py)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    sentence: str = Field(min_length=1, max_length=400)
    blank: str = Field(min_length=1, max_length=60)
    accept: list[str] = Field(default_factory=list)  # other answers that count as close (synonyms)

    @model_validator(mode="after")
    def _blank_in_sentence(self) -> "ClozeSpec":
        from .site.cloze import check_author_blank

        problem = check_author_blank(self.sentence, self.blank)
        if problem:
            raise ValueError(problem)
        return self


class TermMeta(BaseModel):
    """The front matter of a term file."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    id: str = Field(pattern=ID_PATTERN, max_length=100)
    title: str = Field(min_length=1, max_length=200)
    aliases: list[str] = Field(default_factory=list)
    # names (title or aliases) that match only as written: a short or common word may then be a name
    case_sensitive: list[str] = Field(default_factory=list)
    summary: str = Field(min_length=1)
    tags: list[str] = Field(default_factory=list)
    relations: dict[str, list[str]] = Field(default_factory=dict)
    demos: list[DemoSpec] = Field(default_factory=list)
    references: list[Reference] = Field(default_factory=list)
    cloze: list[ClozeSpec] = Field(default_factory=list)

    @field_validator("relations", mode="before")
    @classmethod
    def _relation_lists(cls, value: Any) -> Any:
        """An empty ``requires:`` is an empty list; a single string is not a list (an error, as for tags)."""
        if value is None:
            return {}
        if isinstance(value, dict):
            return {k: ([] if v is None else v) for k, v in value.items()}
        return value

    @field_validator("tags")
    @classmethod
    def _tags_are_slugs(cls, value: list[str]) -> list[str]:
        for tag in value:
            if not _ID_RE.match(tag):
                raise ValueError(f"tag `{tag}` must be lowercase kebab-case, e.g. `pretext-task`")
        return value

    @field_validator("aliases")
    @classmethod
    def _aliases_not_blank(cls, value: list[str]) -> list[str]:
        cleaned = [a.strip() for a in value]
        if any(not a for a in cleaned):
            raise ValueError("an alias is empty")
        return cleaned


class Extension(BaseModel):
    """A file that adds relations (and tags) to a term another plugin owns: ``extends: <id>``.

    A plugin may extend any term but never redefine it: titles, summaries and
    sections stay with the plugin that owns the term.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    extends: str = Field(pattern=ID_PATTERN)
    relations: dict[str, list[str]] = Field(default_factory=dict)
    tags: list[str] = Field(default_factory=list)
    path: str = ""
    plugin: str = ""
    lines: dict[tuple, int] = Field(default_factory=dict, repr=False, exclude=True)

    _relation_lists = field_validator("relations", mode="before")(TermMeta._relation_lists.__func__)

    def line_of(self, *loc: Any) -> int:
        for end in range(len(loc), 0, -1):
            if loc[:end] in self.lines:
                return self.lines[loc[:end]]
        return 1


class Term(TermMeta):
    """A parsed term: front matter plus its sections and where it came from."""

    sections: dict[str, str] = Field(default_factory=dict)
    path: str = ""
    plugin: str = ""
    body_line: int = 1
    # line numbers of front-matter values, keyed like pydantic's error locations:
    # ("relations", "uses", 0) -> 12. Used to point at a bad relation target.
    lines: dict[tuple, int] = Field(default_factory=dict, repr=False, exclude=True)
    # (target, line) of every [[wiki link]] in the prose, checked against the loaded ids
    wikilinks: list[tuple[str, int]] = Field(default_factory=list, repr=False, exclude=True)

    def line_of(self, *loc: Any) -> int:
        """The best line for a location: the deepest known prefix of ``loc``."""
        for end in range(len(loc), 0, -1):
            if loc[:end] in self.lines:
                return self.lines[loc[:end]]
        return 1

    @property
    def names(self) -> list[str]:
        """Title then aliases: every way the prose may mention this term."""
        return [self.title, *self.aliases]


# --------------------------------------------------------------------------- parsing


_NEEDS = {"references": "every reference needs a title", "demos": "every demo needs an id",
          "cloze": "every cloze sentence needs `sentence` and `blank`"}
_LIST_EXAMPLES = {"tags": "tags: [nlp]", "aliases": "aliases: [MLM]", "case_sensitive": "case_sensitive: [Go]",
                  "references": "references: [{title: ...}]", "demos": "demos: [{id: masking}]",
                  "cloze": "cloze: [{sentence: ..., blank: ...}]"}
_KINDS = {"string_type": "must be text", "list_type": "must be a list", "dict_type": "must be a mapping",
          "model_type": "must be a mapping of fields", "model_attributes_type": "must be a mapping of fields",
          "int_parsing": "must be a whole number", "int_type": "must be a whole number",
          "int_from_float": "must be a whole number", "string_too_short": "is empty"}


def _shown(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return "a mapping" if isinstance(value, dict) else "a list"
    shown = repr(value)
    return shown[:57] + "..." if len(shown) > 60 else shown


def _format_validation_error(err: dict, lines: dict[tuple, int], data: dict) -> tuple[str, int, str | None]:
    """One of pydantic's errors as ``(message, line, hint)`` in our words."""
    loc = tuple(err["loc"])
    where = ".".join(str(p) for p in loc)
    line = next((lines[loc[:end]] for end in range(len(loc), 0, -1) if loc[:end] in lines), 1)
    kind, value, hint = err["type"], err.get("input"), None
    parent = {"references": Reference, "demos": DemoSpec, "cloze": ClozeSpec}.get(loc[0]) if len(loc) > 1 else None
    if kind == "missing":
        msg, hint = f"missing required field `{where}`", _NEEDS.get(loc[0], "every term needs id, title and summary")
    elif kind == "extra_forbidden":
        known = list((parent or TermMeta).model_fields)
        close = difflib.get_close_matches(str(loc[-1]), known, n=1)
        msg = f"unknown field `{where}`"
        hint = f"did you mean `{close[0]}`?" if close else f"valid fields: {', '.join(known)}"
    elif kind == "string_pattern_mismatch" and loc[-1] == "id":
        msg, hint = f"`{where}` `{value}` must be lowercase kebab-case", "e.g. `masked-image-modeling`"
    elif kind == "value_error":
        msg = f"`{where}`: " + err["msg"].removeprefix("Value error, ")
    elif kind == "string_too_long":
        msg = f"`{where}` is longer than {err.get('ctx', {}).get('max_length')} characters"
    elif kind in _KINDS:
        msg = f"`{where}` {_KINDS[kind]} (got {_shown(value)})"
        if kind == "list_type":
            example = _LIST_EXAMPLES.get(str(loc[0])) if len(loc) == 1 else f"{loc[-1]}: [term-id]"
            hint = f"write `{example}`" if example else None
    else:  # a kind front matter rarely meets: say what and where, without the validator's wording
        msg = f"`{where}` has a value of the wrong kind (got {_shown(value)})"
    return msg, line, hint


def _split_sections(body: str, first_line: int, rel: str) -> tuple[dict[str, str], dict[str, int], list[Problem]]:
    """Split the Markdown body on ``## `` headings outside code fences."""
    problems: list[Problem] = []
    sections: dict[str, list[str]] = {}
    heading_lines: dict[str, int] = {}
    current: str | None = None
    fence: str | None = None
    preamble: list[tuple[int, str]] = []
    for offset, line in enumerate(body.split("\n")):
        lineno = first_line + offset
        stripped = line.strip()
        if fence:
            if stripped.startswith(fence):
                fence = None
        elif stripped.startswith("```") or stripped.startswith("~~~"):
            fence = stripped[:3]
        elif line.startswith("## "):
            title = line[3:].strip().rstrip("#").strip()
            if title in sections:
                problems.append(Problem("error", "duplicate-section", f"section `{title}` appears twice", rel, lineno))
            current = title
            sections[current] = []
            heading_lines[current] = lineno
            continue
        elif line.startswith("# ") and current is None:
            problems.append(Problem("warning", "title-heading", "a `# ` title heading is not needed: the site adds the title", rel, lineno))
            continue
        if current is None:
            if stripped:
                preamble.append((lineno, stripped))
        else:
            sections[current].append(line)
    if preamble:
        problems.append(Problem("error", "text-before-sections", "text before the first `## ` section", rel, preamble[0][0],
                                hint="start the body with `## Definition`"))
    return {k: "\n".join(v).strip() for k, v in sections.items()}, heading_lines, problems


def _parse_extension(data: dict, key_lines: dict[tuple, int], rel: str) -> tuple[Extension | None, list[Problem]]:
    problems = []
    owned = [k for k in data if k in TermMeta.model_fields and k not in ("relations", "tags")]
    for key in owned:
        problems.append(Problem("error", "extension-redefines",
                                f"an extension file cannot set `{key}`: it may only add `relations` and `tags` "
                                f"to `{data.get('extends')}`", rel, key_lines.get((key,), 2),
                                "to change the term itself, edit it in the plugin that owns it"))
    clean = {k: v for k, v in data.items() if k not in owned}
    try:
        ext = Extension.model_validate(clean)
    except ValidationError as exc:
        for err in exc.errors():
            msg, line, hint = _format_validation_error(err, key_lines, clean)
            problems.append(Problem("error", "schema", msg, rel, line, hint))
        return None, problems
    if problems:
        return None, problems
    ext.path, ext.lines = rel, key_lines
    return ext, problems


def parse_term_text(text: str, rel: str) -> tuple[Term | Extension | None, list[Problem]]:
    """Parse the text of one term (or extension) file. ``rel`` is the path shown in messages."""
    problems: list[Problem] = []

    def error(code: str, message: str, line: int = 1, hint: str | None = None) -> tuple[None, list[Problem]]:
        problems.append(Problem("error", code, message, rel, line, hint))
        return None, problems

    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    if not text.strip():
        return error("empty-file", "the file is empty", hint="run `sslgloss new-term \"Title\"` for a skeleton")
    lines = text.split("\n")
    if lines[0].strip() != "---":
        return error("no-front-matter", "the file must start with a `---` line opening the YAML front matter")
    close = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
    if close is None:
        return error("unclosed-front-matter", "the front matter opened on line 1 is never closed with a `---` line")
    front = "\n".join(lines[1:close])
    for i, line in enumerate(lines[1:close], start=2):
        if line.startswith("\t") or re.match(r"^ *\t", line):
            problems.append(Problem("error", "tab-indent", "a tab is used for indentation in the front matter", rel, i,
                                    "YAML allows spaces only"))
    if problems:
        return None, problems
    try:
        data, key_lines = load_front_matter(front, offset=2)
    except FrontMatterError as exc:
        return error(exc.code, exc.message, exc.line, exc.hint)
    if not isinstance(data, dict):
        return error("front-matter-not-mapping", f"the front matter must be a mapping of fields, got {type(data).__name__}", 2)
    if "extends" in data:
        return _parse_extension(data, key_lines, rel)

    try:
        meta = TermMeta.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            msg, line, hint = _format_validation_error(err, key_lines, data)
            problems.append(Problem("error", "schema", msg, rel, line, hint))
        meta = None

    body_first = close + 2
    body = "\n".join(lines[close + 1:])
    sections, heading_lines, section_problems = _split_sections(body, body_first, rel)
    problems.extend(section_problems)
    found = [s for s in sections if s in SECTION_TITLES]
    missing = [t for t in SECTION_TITLES if t not in sections]
    if missing:
        line = heading_lines.get(found[-1], body_first) if found else body_first
        names = ", ".join(f"`## {t}`" for t in missing)
        problems.append(Problem("error", "missing-section", f"missing section{'s' if len(missing) > 1 else ''} {names}",
                                rel, line, f"every term has, in order: {', '.join(SECTION_TITLES)}"))
    for title in SECTION_TITLES:
        if title in sections and not sections[title].strip():
            problems.append(Problem("error", "empty-section", f"section `## {title}` is empty", rel, heading_lines[title]))
    order = [s for s in SECTION_TITLES if s in sections]
    if found != order:
        first_bad = next(a for a, b in zip(found, order) if a != b)
        problems.append(Problem("error", "section-order", f"section `## {first_bad}` is out of order", rel,
                                heading_lines[first_bad], f"sections in order: {', '.join(SECTION_TITLES)}"))
    for title in sections:
        if title not in SECTION_TITLES:
            close_match = difflib.get_close_matches(title, SECTION_TITLES, n=1)
            problems.append(Problem("warning", "unknown-section", f"unknown section `## {title}`", rel, heading_lines[title],
                                    f"did you mean `{close_match[0]}`?" if close_match else None))

    if meta is None:
        return None, problems
    stem = Path(rel).stem
    if meta.id != stem:
        problems.append(Problem("error", "id-filename", f"id `{meta.id}` does not match the file name `{stem}.md`",
                                rel, key_lines.get(("id",), 2), f"rename the file to `{meta.id}.md` or change the id"))
    if len(meta.summary) > MAX_SUMMARY_CHARS:
        problems.append(Problem("warning", "long-summary",
                                f"summary has {len(meta.summary)} characters; keep it under {MAX_SUMMARY_CHARS} for previews",
                                rel, key_lines.get(("summary",), 2)))
    if not meta.references:
        problems.append(Problem("warning", "no-references", "the term cites no references", rel,
                                key_lines.get(("references",), 2), "add at least one paper, book or documentation page"))
    problems += check_placeholders(meta.summary, sections, heading_lines, key_lines.get(("summary",), 2), rel)
    # already validated as TermMeta: build without validating a second time
    term = Term.model_construct(**dict(meta), sections=sections, path=rel, plugin="", body_line=body_first,
                                lines=key_lines, wikilinks=body_wikilinks(body, body_first))
    problems += check_names(term, rel)
    return term, problems


def parse_term_file(path: Path, rel: str | None = None) -> tuple[Term | Extension | None, list[Problem]]:
    """Read and parse one term file; every problem names ``rel`` (default: the path)."""
    rel = rel or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, [Problem("error", "file-too-large",
                                  f"the file is {size / 1e6:.1f} MB; a term file may be at most {MAX_FILE_BYTES / 1e6:.0f} MB",
                                  rel, 1, "split it into several terms")]
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem("error", "unreadable", f"cannot read the file: {exc.strerror or exc}", rel, None)]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem("error", "encoding", f"the file is not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})",
                              rel, line, "save the file as UTF-8")]
    return parse_term_text(text, rel)
