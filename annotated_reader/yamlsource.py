"""Read untrusted YAML into plain data, remembering the line and column of every value.

Contributed files are untrusted. We never construct arbitrary objects: the file
is *composed* into nodes with PyYAML's SafeLoader, then converted here, which
lets us (a) reject every non-standard tag (`!!python/object` ...), (b) refuse
aliases outright, which makes alias bombs impossible instead of merely slow,
and (c) keep a `path -> (line, col)` map so schema errors can name their line.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .problems import Problem

# libyaml's composer when PyYAML has it (10x faster); both build the same nodes with the same marks.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_BYTES = 1_000_000  # an annotation file is text a person reviews; 1 MB is ~25x the largest we have

_STR, _INT, _FLOAT, _BOOL, _NULL = (f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null"))
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_SEQ, _MAP = "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"

PathKey = tuple  # keys and indexes from the document root, e.g. ("annotations", 3, "anchor")


@dataclass
class YamlDoc:
    """A parsed file: its data, where each value starts, and what went wrong."""

    file: str
    data: Any = None
    marks: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def where(self, path: PathKey, *, key: bool = False) -> tuple[int, int]:
        """Line and column of the value at `path` (or of its key), falling back to its parent."""
        table = self.key_marks if key else self.marks
        path = tuple(path)
        while path:
            if path in table:
                return table[path]
            if path in self.marks:
                return self.marks[path]
            path = path[:-1]
        return self.marks.get((), (1, 1))

    def problem(self, path: PathKey, message: str, hint: str = "", id: str = "", *, key: bool = False,
                severity: str = "error") -> Problem:
        line, col = self.where(path, key=key)
        return Problem(self.file, line, col, message, hint, id, severity)  # type: ignore[arg-type]


class _Refused(Exception):
    def __init__(self, node: yaml.Node, message: str, hint: str):
        super().__init__(message)
        self.node, self.message, self.hint = node, message, hint


def read_yaml(path: Path, display: str | None = None) -> YamlDoc:
    """Read and convert one YAML file; problems are collected, never raised."""
    name = display or str(path)
    doc = YamlDoc(name)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        doc.problems.append(Problem(name, 1, 1, f"cannot read the file: {exc.strerror}.", "Check the path and permissions."))
        return doc
    if len(raw) > MAX_BYTES:
        doc.problems.append(Problem(
            name, 1, 1, f"the file is {len(raw) / 1e6:.1f} MB; annotation files are limited to {MAX_BYTES / 1e6:.0f} MB.",
            "Split it, or check that it is the file you meant to add."))
        return doc
    return parse_yaml(raw, name, doc)


def parse_yaml(raw: bytes, name: str, doc: YamlDoc | None = None) -> YamlDoc:
    """Convert YAML bytes (UTF-8) into a YamlDoc."""
    doc = doc or YamlDoc(name)
    if raw.startswith(b"\xef\xbb\xbf"):
        doc.problems.append(Problem(name, 1, 1, "the file starts with a byte-order mark (BOM).",
                                    "Save it as UTF-8 without BOM; it was ignored this time.", severity="warning"))
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        doc.problems.append(Problem(name, line, col, f"the file is not valid UTF-8 (byte 0x{raw[exc.start]:02x}).",
                                    "Save the file with UTF-8 encoding."))
        return doc
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        doc.problems.append(_syntax_problem(name, text, exc))
        return doc
    except yaml.YAMLError as exc:  # pragma: no cover - PyYAML raises marked errors for syntax
        doc.problems.append(Problem(name, 1, 1, f"YAML error: {exc}", "Check the file's syntax."))
        return doc
    if node is None:
        doc.data = None
        return doc
    try:
        doc.data = _convert(node, (), doc, set())
    except _Refused as refused:
        mark = refused.node.start_mark
        doc.problems.append(Problem(name, mark.line + 1, mark.column + 1, refused.message, refused.hint))
        doc.data = None
    return doc


def _syntax_problem(name: str, text: str, exc: yaml.MarkedYAMLError) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    lines = text.splitlines()
    problem = (exc.problem or "syntax error").strip()
    text_line = lines[line - 1] if 0 < line <= len(lines) else ""
    if "\t" in text_line[: len(text_line) - len(text_line.lstrip())]:
        return Problem(name, line, col, "a tab character is used for indentation; YAML allows only spaces.",
                       "Replace the tab with spaces (2 per level).")
    context = f" ({exc.context.strip()})" if exc.context else ""
    return Problem(name, line, col, f"YAML syntax error: {problem}{context}.",
                   "Check indentation and quoting on this line and the one above; quote text that contains ': ' or starts with a special character.")


def _convert(node: yaml.Node, path: PathKey, doc: YamlDoc, seen: set[int]) -> Any:
    if id(node) in seen:
        raise _Refused(node, "YAML aliases (*name) are not allowed in contributed files.", "Write the value out in full.")
    seen.add(id(node))
    doc.marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node)
    if isinstance(node, yaml.SequenceNode):
        if node.tag != _SEQ:
            raise _Refused(node, f"the tag {_tag(node.tag)} is not allowed.", "Remove the tag; use plain YAML lists.")
        return [_convert(child, path + (i,), doc, seen) for i, child in enumerate(node.value)]
    if isinstance(node, yaml.MappingNode):
        if node.tag != _MAP:
            raise _Refused(node, f"the tag {_tag(node.tag)} is not allowed.", "Remove the tag; use plain YAML mappings.")
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise _Refused(key_node, "YAML merge keys (<<) are not allowed in contributed files.", "Write the keys out in full.")
            key = _scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, (str, int)):
                raise _Refused(key_node, "a mapping key must be a plain word.", "Use keys such as `id:` or `body:`.")
            key = str(key)
            if key in result:
                raise _Refused(key_node, f'the key "{key}" appears twice in this entry.', "Keep one of them.")
            doc.key_marks[path + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = _convert(value_node, path + (key,), doc, seen)
        return result
    raise _Refused(node, "unsupported YAML node.", "Use plain YAML.")  # pragma: no cover


def _tag(tag: str) -> str:
    return tag.replace("tag:yaml.org,2002:", "!!")


def _scalar(node: yaml.ScalarNode) -> Any:
    tag, value = node.tag, node.value
    if tag in (_STR, _TIMESTAMP):  # dates stay text: "1878-12-06" is what the author wrote
        return value
    if tag == _NULL:
        return None
    if tag == _BOOL:
        return value.lower() in ("true", "yes", "on")
    if tag == _INT:
        try:
            return int(value.replace("_", ""), 0) if not value.lstrip("+-").isdigit() else int(value)
        except ValueError:
            return value
    if tag == _FLOAT:
        try:
            return float(value)
        except ValueError:
            return value
    raise _Refused(node, f"the tag {_tag(tag)} is not allowed.", "Remove the tag; contributed files hold plain text, numbers and lists.")
