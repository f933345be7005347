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

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import Problem

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

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _as_list(value: Any) -> Any:
    """Accept a single string where a list is expected (``tags: nlp``)."""
    return [value] if isinstance(value, str) else value


class Reference(BaseModel):
    """A source a term cites: paper, book or official documentation."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    title: str = Field(min_length=1)
    authors: str = Field(min_length=1)
    year: int = Field(ge=1500, le=2100)
    url: str = Field(pattern=r"^https?://\S+$")
    venue: str | None = None
    note: str | None = None


class DemoSpec(BaseModel):
    """A live demo a term page embeds, with the input the page presets."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=ID_PATTERN)
    input: str | None = None
    params: dict[str, str] = Field(default_factory=dict)


class TermMeta(BaseModel):
    """The front matter of a term file."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    id: str = Field(pattern=ID_PATTERN, max_length=100)
    title: str = Field(min_length=1, max_length=200)
    aliases: list[str] = Field(default_factory=list)
    summary: str = Field(min_length=1)
    tags: list[str] = Field(default_factory=list)
    relations: dict[str, list[str]] = Field(default_factory=dict)
    demos: list[DemoSpec] = Field(default_factory=list)
    references: list[Reference] = Field(default_factory=list)

    _listify = field_validator("aliases", "tags", mode="before")(_as_list)

    @field_validator("relations", mode="before")
    @classmethod
    def _relation_lists(cls, value: Any) -> Any:
        if value is None:
            return {}
        if isinstance(value, dict):
            return {k: ([] if v is None else _as_list(v)) for k, v in value.items()}
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

    _listify = field_validator("tags", mode="before")(_as_list)
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


def _node_lines(node: yaml.Node, offset: int, path: tuple = (), out: dict | None = None) -> dict[tuple, int]:
    """Map every key path in a composed YAML tree to its 1-based file line."""
    out = {} if out is None else out
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            out[path + (key,)] = key_node.start_mark.line + offset
            _node_lines(value_node, offset, path + (key,), out)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            out[path + (i,)] = item.start_mark.line + offset
            _node_lines(item, offset, path + (i,), out)
    return out


_SCALARS = {
    "tag:yaml.org,2002:str": str,
    "tag:yaml.org,2002:int": None,
    "tag:yaml.org,2002:float": None,
    "tag:yaml.org,2002:bool": None,
    "tag:yaml.org,2002:null": None,
}
_generic = yaml.SafeLoader("")


def _construct(node: yaml.Node) -> Any:
    """Python values from a composed YAML tree.

    Equivalent to SafeLoader's constructor for what front matter contains, but a
    plain recursion: the generic constructor was most of the load time at 5,000 terms.
    """
    if isinstance(node, yaml.ScalarNode):
        if node.tag == "tag:yaml.org,2002:str":
            return node.value
        return _generic.construct_object(node, deep=True)
    if isinstance(node, yaml.SequenceNode):
        return [_construct(item) for item in node.value]
    if isinstance(node, yaml.MappingNode):
        out = {}
        for key_node, value_node in node.value:
            key = _construct(key_node)
            if isinstance(key, (list, dict)):
                raise yaml.constructor.ConstructorError(None, None, "a mapping key must be a plain value",
                                                        key_node.start_mark)
            out[key] = _construct(value_node)
        return out
    return _generic.construct_object(node, deep=True)


def _format_validation_error(err: dict, lines: dict[tuple, int], data: dict) -> tuple[str, int, str | None]:
    loc = tuple(err["loc"])
    where = ".".join(str(p) for p in loc)
    line = 1
    for end in range(len(loc), 0, -1):
        if loc[:end] in lines:
            line = lines[loc[:end]]
            break
    kind = err["type"]
    hint = None
    if kind == "missing":
        msg = f"missing required field `{where}`"
        hint = "every term needs id, title and summary"
    elif kind == "extra_forbidden":
        field = str(loc[-1])
        parent = TermMeta
        if len(loc) > 1 and loc[0] == "references":
            parent = Reference
        elif len(loc) > 1 and loc[0] == "demos":
            parent = DemoSpec
        known = list(parent.model_fields)
        close = difflib.get_close_matches(field, known, n=1)
        msg = f"unknown field `{where}`"
        hint = f"did you mean `{close[0]}`?" if close else f"valid fields: {', '.join(known)}"
    elif kind == "string_pattern_mismatch" and loc[-1] == "id":
        msg = f"`{where}` `{err.get('input')}` must be lowercase kebab-case"
        hint = "e.g. `masked-image-modeling`"
    else:
        value = err.get("input")
        shown = repr(value) if not isinstance(value, (dict, list)) else type(value).__name__
        if len(shown) > 60:
            shown = shown[:57] + "..."
        text = err["msg"].removeprefix("Value error, ")
        msg = f"`{where}`: {text} (got {shown})"
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
        loader = _Loader(front)
        try:
            node = loader.get_single_node()
            data = _construct(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 2 if mark else 1
        detail = getattr(exc, "problem", None) or str(exc).split("\n")[0]
        context, context_mark = getattr(exc, "context", None), getattr(exc, "context_mark", None)
        if context and context_mark is not None and context_mark.line + 2 != line:
            opened = context.removeprefix("while parsing ").removeprefix("while scanning ").removeprefix("a ")
            detail += f" (the {opened} opened on line {context_mark.line + 2})"
        return error("yaml", f"malformed YAML in front matter: {detail}", line)
    if not isinstance(data, dict):
        return error("front-matter-not-mapping", f"the front matter must be a mapping of fields, got {type(data).__name__}", 2)
    key_lines = _node_lines(node, offset=2)
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
    # already validated as TermMeta: build without validating a second time
    term = Term.model_construct(**dict(meta), sections=sections, path=rel, plugin="", body_line=body_first,
                                lines=key_lines)
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
