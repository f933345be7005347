"""Reading a term file's YAML front matter as untrusted input.

Term files come from plugins anyone can publish, so their front matter is
parsed with a fixed budget: YAML anchors and aliases (``&name`` / ``*name``)
are refused before anything is composed or expanded (a 3 KB file of nested
aliases would otherwise expand to gigabytes), a key that appears twice in a
mapping is an error instead of silently keeping the last value, and every
error carries the file line it is about.
"""

from __future__ import annotations

from typing import Any

import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_generic = yaml.SafeLoader("")


class FrontMatterError(Exception):
    """The front matter is not YAML we accept; ``line`` is the 1-based line in the file."""

    def __init__(self, message: str, line: int, hint: str | None = None, code: str = "yaml"):
        super().__init__(message)
        self.message, self.line, self.hint, self.code = message, line, hint, code


def _refuse_anchors(front: str, offset: int) -> None:
    """Raise at the first anchor or alias, reading parser events only (nothing is built or expanded)."""
    if "&" not in front and "*" not in front:
        return  # neither can appear without its sign: the common case costs nothing
    loader = _Loader(front)
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.AliasEvent):
                raise FrontMatterError(f"YAML alias `*{event.anchor}` is not allowed in front matter",
                                       event.start_mark.line + offset, "write the value out in full", "yaml-alias")
            anchor = getattr(event, "anchor", None)
            if anchor is not None:
                raise FrontMatterError(f"YAML anchor `&{anchor}` is not allowed in front matter",
                                       event.start_mark.line + offset, "write the value out in full", "yaml-alias")
    finally:
        loader.dispose()


def _construct(node: yaml.Node, offset: int) -> Any:
    """Python values from a composed YAML tree, refusing duplicate keys.

    Equivalent to SafeLoader's constructor for what front matter contains, but a
    plain recursion: the generic constructor was most of the load time at 5,000 terms.
    """
    if isinstance(node, yaml.ScalarNode):
        if node.tag == "tag:yaml.org,2002:str":
            return node.value
        return _generic.construct_object(node, deep=True)
    if isinstance(node, yaml.SequenceNode):
        return [_construct(item, offset) for item in node.value]
    if isinstance(node, yaml.MappingNode):
        out: dict = {}
        first_line: dict = {}
        for key_node, value_node in node.value:
            key = _construct(key_node, offset)
            line = key_node.start_mark.line + offset
            if isinstance(key, (list, dict)):
                raise FrontMatterError("a mapping key must be a plain value", line)
            if key in out:
                raise FrontMatterError(f"key `{key}` appears twice in the same mapping (first on line {first_line[key]})",
                                       line, "keep one of them; YAML would silently use the last", "duplicate-key")
            first_line[key] = line
            out[key] = _construct(value_node, offset)
        return out
    return _generic.construct_object(node, deep=True)


def node_lines(node: yaml.Node, offset: int, path: tuple = (), out: dict | None = None) -> dict[tuple, int]:
    """Map every key path in a composed YAML tree to its 1-based file line.

    ``("relations", "uses", 0) -> 12``: the same shape as pydantic's error locations.
    """
    out = {} if out is None else out
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            out[path + (key,)] = key_node.start_mark.line + offset
            node_lines(value_node, offset, path + (key,), out)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            out[path + (i,)] = item.start_mark.line + offset
            node_lines(item, offset, path + (i,), out)
    return out


def _describe_yaml_error(exc: yaml.YAMLError, offset: int) -> FrontMatterError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + offset if mark else 1
    detail = getattr(exc, "problem", None) or str(exc).split("\n")[0]
    context, context_mark = getattr(exc, "context", None), getattr(exc, "context_mark", None)
    if context and context_mark is not None and context_mark.line + offset != line:
        opened = context.removeprefix("while parsing ").removeprefix("while scanning ").removeprefix("a ")
        detail += f" (the {opened} opened on line {context_mark.line + offset})"
    return FrontMatterError(f"malformed YAML in front matter: {detail}", line)


def load_front_matter(front: str, offset: int = 2) -> tuple[Any, dict[tuple, int]]:
    """``(data, key lines)`` of the front matter text; ``offset`` is the file line of its first line.

    Raises :class:`FrontMatterError` for malformed YAML, anchors, aliases and duplicate keys.
    """
    try:
        _refuse_anchors(front, offset)
        loader = _Loader(front)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
        if node is None:
            return None, {}
        return _construct(node, offset), node_lines(node, offset)
    except yaml.YAMLError as exc:
        raise _describe_yaml_error(exc, offset) from None
