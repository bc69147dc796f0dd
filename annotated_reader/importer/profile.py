"""Profile: the book-specific facts the importer needs, read from a YAML file.

Another book exported the same way needs a new profile, not new code, so every
fact that belongs to one edition (its part list and headings, its plate credit,
its page artefacts, its title-case exceptions) lives here. The profile is a
contributor-edited file: validation collects every mistake with `file:line:col`
(PyYAML nodes carry their marks) instead of stopping at the first.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from yaml.constructor import SafeConstructor

from ..problems import Problem, did_you_mean

KINDS = ("front", "interlude", "chapter", "epilogue")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class PartSpec:
    """One part of the book as the profile declares it (THE contract other code relies on)."""

    slug: str
    title: str
    kind: str
    heading: str
    number: int | None = None
    subtitle: str | None = None
    notes: str | None = None
    line: int = 0  # where the part is declared in the profile, for messages


@dataclass(frozen=True)
class Profile:
    """Everything book-specific; defaults fit a plain-text export of a print edition."""

    parts: tuple[PartSpec, ...]
    path: str = "<profile>"
    book: dict[str, object] = field(default_factory=dict)
    contents_heading: str | None = "CONTENTS"
    contents_skip: tuple[str, ...] = ()
    notes_heading: str = "NOTES"
    section_marker: str = "■ "
    translator_prefix: str = "Translated by "
    artefact_lines: tuple[str, ...] = ()
    plate_credit: str | None = None
    plate_max_gap: int = 6
    abbreviations: tuple[str, ...] = ()
    line_start_artefacts: tuple[str, ...] = ("- ",)
    hyphen_default: str = "join"
    short_block_words: int = 6
    small_words: tuple[str, ...] = ()
    acronyms: tuple[str, ...] = ()


# key -> (type, required); "strs" is a list of strings.
_TOP = {
    "book": ("map", False), "parts": ("list", True), "contents_heading": ("str?", False),
    "contents_skip": ("strs", False), "notes_heading": ("str", False), "section_marker": ("str", False),
    "translator_prefix": ("str", False), "artefact_lines": ("strs", False), "plates": ("map", False),
    "text": ("map", False), "title_case": ("map", False),
}
_PART = {
    "slug": ("str", True), "title": ("str", True), "kind": ("str", True), "heading": ("str", True),
    "number": ("int", False), "subtitle": ("str", False), "notes": ("str", False),
}
_BOOK = {k: ("scalar", False) for k in ("title", "subtitle", "author", "translator", "publisher", "city", "year")}
_PLATES = {"credit": ("str", True), "max_gap": ("int", False)}
_TEXT = {"abbreviations": ("strs", False), "line_start_artefacts": ("strs", False),
         "hyphen_default": ("str", False), "short_block_words": ("int", False)}
_TITLE_CASE = {"small_words": ("strs", False), "acronyms": ("strs", False)}


class ProfileError(Exception):
    """The profile cannot be used; `.problems` says where and why."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s) in the profile")
        self.problems = problems


def load_profile(path: Path, display: str | None = None) -> Profile:
    """Read and validate a profile file; raise ProfileError listing every problem found."""
    name = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProfileError([Problem(name, 1, 1, "the profile does not exist",
                                    "Pass --profile PATH, or create profiles/<book>.yml.", "profile-missing")])
    except (OSError, UnicodeDecodeError) as error:
        raise ProfileError([Problem(name, 1, 1, f"the profile cannot be read: {error}", "", "profile-read")])
    return parse_profile(text, name)


def parse_profile(text: str, name: str = "<profile>") -> Profile:
    """Validate profile YAML given as a string (tests build profiles this way)."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = getattr(error, "problem", None) or str(error)
        raise ProfileError([Problem(name, line, col, f"the profile is not valid YAML: {problem}",
                                    "", "profile-yaml")])
    reader = _Reader(name)
    if root is None:
        raise ProfileError([Problem(name, 1, 1, "the profile is empty", "It needs at least `parts:`.",
                                    "profile-empty")])
    top = reader.mapping(root, _TOP, "profile")
    if top is None:
        raise ProfileError(reader.problems)
    parts = _parts(reader, top.get("parts"))
    plates = reader.mapping(top["plates"], _PLATES, "plates") if "plates" in top else {}
    text_opts = reader.mapping(top["text"], _TEXT, "text") if "text" in top else {}
    case = reader.mapping(top["title_case"], _TITLE_CASE, "title_case") if "title_case" in top else {}
    book = reader.mapping(top["book"], _BOOK, "book") if "book" in top else {}
    hyphen = (text_opts or {}).get("hyphen_default", "join")
    if hyphen not in ("join", "keep"):
        node = _node_of(top["text"], "hyphen_default")
        reader.error(node, f'text.hyphen_default must be "join" or "keep", not "{hyphen}"', "profile-value")
    if reader.problems:
        raise ProfileError(reader.problems)
    opts = {k: v for k, v in top.items() if k in _TOP and _TOP[k][0] in ("str", "str?", "strs")}
    opts = {k: reader.value(v) for k, v in opts.items()}
    for key in ("contents_skip", "artefact_lines"):
        if key in opts:
            opts[key] = tuple(opts[key])
    plates, text_opts, case = plates or {}, text_opts or {}, case or {}
    return Profile(
        parts=tuple(parts), path=name, book=dict(book or {}), **opts,
        plate_credit=plates.get("credit"), plate_max_gap=plates.get("max_gap", 6),
        abbreviations=tuple(text_opts.get("abbreviations", ())), hyphen_default=hyphen,
        line_start_artefacts=tuple(text_opts.get("line_start_artefacts", ("- ",))),
        short_block_words=text_opts.get("short_block_words", 6),
        small_words=tuple(case.get("small_words", ())), acronyms=tuple(case.get("acronyms", ())),
    )


def _parts(reader: _Reader, node: yaml.Node | None) -> list[PartSpec]:
    if node is None:
        return []
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        reader.error(node, "`parts` must be a non-empty list of parts", "profile-type")
        return []
    parts, seen = [], {}
    for i, item in enumerate(node.value):
        where = f"parts[{i}]"
        data = reader.mapping(item, _PART, where)
        if data is None:
            continue
        if "slug" in data and not SLUG.match(data["slug"]):
            reader.error(_node_of(item, "slug"), f'{where}: slug "{data["slug"]}" must be lower-case words '
                         "joined by hyphens (it becomes the file name)", "profile-value")
        if data.get("slug") in seen:
            reader.error(_node_of(item, "slug"), f'{where}: slug "{data["slug"]}" is already used by '
                         f"parts[{seen[data['slug']]}]", "profile-duplicate")
        seen.setdefault(data.get("slug"), i)
        kind = data.get("kind")
        if kind is not None and kind not in KINDS:
            hint = did_you_mean(kind, KINDS)
            reader.error(_node_of(item, "kind"), f'{where}: kind "{kind}" is not one of {", ".join(KINDS)}',
                         "profile-value", hint)
        if kind == "chapter" and _node_of(item, "number") is item:
            reader.error(item, f"{where}: a chapter needs a `number`", "profile-key")
        if all(k in data for k in ("slug", "title", "kind", "heading")):
            parts.append(PartSpec(line=item.start_mark.line + 1, **data))
    return parts


def _node_of(mapping: yaml.Node, key: str) -> yaml.Node:
    for k, v in getattr(mapping, "value", []):
        if getattr(k, "value", None) == key:
            return v
    return mapping


class _Reader:
    """Turns YAML nodes into plain values, recording a located problem for each mismatch."""

    def __init__(self, name: str):
        self.name = name
        self.problems: list[Problem] = []
        self._constructor = SafeConstructor()

    def error(self, node: yaml.Node | None, message: str, ident: str, hint: str = "") -> None:
        line, col = (node.start_mark.line + 1, node.start_mark.column + 1) if node is not None else (1, 1)
        self.problems.append(Problem(self.name, line, col, message, hint, ident))

    def value(self, node: yaml.Node):
        return self._constructor.construct_object(node, deep=True)

    def mapping(self, node: yaml.Node, schema: dict[str, tuple[str, bool]], where: str) -> dict | None:
        """Check a mapping's keys and value types; return {key: value} (top level keeps nodes)."""
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"`{where}` must be a mapping of keys to values", "profile-type")
            return None
        out: dict = {}
        for key_node, value_node in node.value:
            key = key_node.value
            if key not in schema:
                self.error(key_node, f'unknown key "{key}" in {where}', "profile-key",
                           did_you_mean(key, schema))
                continue
            expected = schema[key][0]
            if where == "profile":  # keep the node: nested mappings are read with their own schema
                before = len(self.problems)
                self._typed(value_node, expected, key)
                if len(self.problems) == before:
                    out[key] = value_node
                continue
            value = self._typed(value_node, expected, f"{where}.{key}")
            if value is not None:
                out[key] = value
        for key, (_, required) in schema.items():
            if required and key not in out and not any(k.value == key for k, _ in node.value):
                self.error(node, f'{where}: missing key "{key}"', "profile-key")
        return out

    def _typed(self, node: yaml.Node, expected: str, where: str):
        if expected in ("map", "list"):
            kind = yaml.MappingNode if expected == "map" else yaml.SequenceNode
            if not isinstance(node, kind):
                self.error(node, f"`{where}` must be a {'mapping' if expected == 'map' else 'list'}",
                           "profile-type")
                return None
            return node
        if expected == "strs" and isinstance(node, yaml.SequenceNode):
            return self._strings(node, where)
        value = self.value(node)
        ok = {
            "str": isinstance(value, str) and value != "",
            "str?": value is None or (isinstance(value, str) and value != ""),
            "int": isinstance(value, int) and not isinstance(value, bool),
            "scalar": isinstance(value, (str, int)) and not isinstance(value, bool),
            "strs": isinstance(value, list) and all(isinstance(v, str) and v for v in value),
        }[expected]
        if not ok:
            words = {"str": "a non-empty string", "str?": "a string or null", "int": "an integer",
                     "scalar": "a string or a number", "strs": "a list of non-empty strings"}[expected]
            self.error(node, f"`{where}` must be {words}, not {_describe(value)}", "profile-type")
            return None
        return value


    def _strings(self, node: yaml.SequenceNode, where: str) -> list[str] | None:
        """A list of strings, naming each bad item (YAML 1.1 reads a bare no/on/yes as a boolean)."""
        values, ok = [], True
        for i, item in enumerate(node.value):
            value = self.value(item)
            if isinstance(value, str) and value:
                values.append(value)
                continue
            ok = False
            hint = f'Quote it: "{item.value}".' if isinstance(item, yaml.ScalarNode) and item.value else ""
            self.error(item, f"`{where}[{i}]` must be a non-empty string, not {_describe(value)}",
                       "profile-type", hint)
        return values if ok else None


def _describe(value: object) -> str:
    if value is None:
        return "empty"
    if isinstance(value, str):
        return f'"{value}"' if value else "an empty string"
    return {bool: "a boolean", int: "an integer", float: "a number", list: "a list", dict: "a mapping"}.get(
        type(value), type(value).__name__)
