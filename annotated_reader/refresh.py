"""`reader check --refresh`: heal the anchors a changed text displaced, as one diff to review.

After a corrected edition (or another export) is imported, some annotations and timeline events
are still placed but with a warning: their quote or context changed. Both carry the same `anchor:`
on a part's text, so both are refreshed by the same code: exactly those anchors are rewritten to
the current text — the quote as the text now reads, `prefix`/`suffix` (only where the anchor had
them) to the words now around it, and `near:` (the paragraph it was found in) — so the next edition
starts from the current wording and its last known place. Orphans are listed, never rewritten:
nobody knows where they belong. (Glossary, people and places entries have no anchors.)

Files are edited in place, value by value (PyYAML node marks give the exact characters), so
comments, key order, quoting and every untouched line stay as they were and the diff shows only
the anchors that changed. A rewritten anchor must place exactly where the old one was placed, or
it is left alone and reported.
"""
from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .anchor import SEAM, Match, Normalized, match_quote, normalize, normalize_context, normalize_quote
from .load import quote_words
from .model import MAX_QUOTE_WORDS, Anchor, Annotation, Event, Place
from .problems import Problem
from .textmap import TextMap

Anchored = Annotation | Event  # a record with an `anchor:` in a part: both have id, part, anchor and place
LISTS = {"annotations": "annotation", "events": "timeline event"}  # the YAML lists that hold anchored records


@dataclass
class Rewrite:
    """New values for one record's anchor: only the keys that change."""

    record: Anchored
    values: dict[str, str | int]


@dataclass
class Refresh:
    """What `refresh` did: the diff per file, rewrites, and the anchors it had to leave alone."""

    rewrites: list[Rewrite] = field(default_factory=list)
    diffs: dict[str, str] = field(default_factory=dict)  # file -> unified diff
    problems: list[Problem] = field(default_factory=list)


def rewrite_for(record: Anchored, tm: TextMap, norm: Normalized | None = None) -> Rewrite | Problem | None:
    """The anchor rewritten to the current text of its page, or why it cannot be; None: nothing to do
    (no anchor, placed as written, or not placed at all: an orphan is never rewritten).
    `norm`: `normalize(tm.reading)`, when the caller has it already (once per part, not per anchor)."""
    anchor = record.anchor
    if anchor is None:
        return None
    norm = normalize(tm.reading) if norm is None else norm
    placed = match_quote(norm, anchor)
    if not isinstance(placed, Match) or not placed.changed:
        return None
    reading = tm.reading
    quote = " ".join(reading[placed.start:placed.end].split())
    values: dict[str, str | int] = {}
    if normalize_quote(quote) != normalize_quote(anchor.quote):
        values["quote"] = quote
    if anchor.prefix:  # as many words as before; seam punctuation only if the old prefix had it
        before = reading[:placed.start]
        before = before.rstrip(SEAM) if anchor.prefix.strip()[-1:].isalnum() else before
        prefix = " ".join(before.split()[-len(anchor.prefix.split()):])
        if normalize_context(prefix) != normalize_context(anchor.prefix):
            values["prefix"] = prefix
    if anchor.suffix:
        after = reading[placed.end:]
        after = after.lstrip(SEAM) if anchor.suffix.strip()[:1].isalnum() else after
        suffix = " ".join(after.split()[:len(anchor.suffix.split())])
        if normalize_context(suffix) != normalize_context(anchor.suffix):
            values["suffix"] = suffix
    values["near"] = placed.paragraph
    where = _where(record)
    if quote_words(quote) > MAX_QUOTE_WORDS:
        return Problem(where.file, where.line, where.col,
                       f"not refreshed: the passage now has {quote_words(quote)} words: “{quote}”.",
                       f"Shorten the quote by hand to at most {MAX_QUOTE_WORDS} words of it.", record.id, "warning")
    new = Anchor(str(values.get("quote", anchor.quote)), str(values.get("prefix", anchor.prefix)),
                 str(values.get("suffix", anchor.suffix)), anchor.occurrence, int(values["near"]))
    check = match_quote(norm, new)
    if not isinstance(check, Match) or check.changed or (check.start, check.end) != (placed.start, placed.end):
        return Problem(where.file, where.line, where.col,
                       f"not refreshed: the rewritten anchor would not place exactly on “{quote}”.",
                       "Update the anchor by hand (add a `prefix:` or `suffix:` if the quote now repeats).",
                       record.id, "warning")
    return Rewrite(record, values)


def _where(record: Anchored) -> Place:
    """Where a problem with the record's anchor points: an annotation's quote, an event's entry."""
    return (record.quote_place if isinstance(record, Annotation) else None) or record.place


def refresh(root: Path, pages: dict[str, TextMap], records: list[Anchored], write: bool = True) -> Refresh:
    """Rewrite, in their files, the anchors that were placed on changed text (see the module doc).

    `records`: the annotations and timeline events to consider (events without an anchor are skipped).
    """
    result = Refresh()
    by_file: dict[str, list[Rewrite]] = {}
    norms: dict[str, Normalized] = {}
    for record in records:
        tm = pages.get(record.part)
        if tm is None:
            continue
        if record.part not in norms:
            norms[record.part] = normalize(tm.reading)
        outcome = rewrite_for(record, tm, norms[record.part])
        if isinstance(outcome, Problem):
            result.problems.append(outcome)
        elif outcome is not None:
            by_file.setdefault(record.place.file, []).append(outcome)
    for name, rewrites in sorted(by_file.items()):
        path = root / name
        old = path.read_text(encoding="utf-8")
        try:
            new = rewrite_yaml(old, {r.record.id: r.values for r in rewrites})
        except ValueError as refused:
            result.problems.append(Problem(name, 1, 1, f"not refreshed: {refused}", "Update these anchors by hand."))
            continue
        result.rewrites.extend(rewrites)
        result.diffs[name] = "".join(difflib.unified_diff(old.splitlines(True), new.splitlines(True),
                                                          f"a/{name}", f"b/{name}"))
        if write:
            path.write_text(new, encoding="utf-8")
    return result


def rewrite_yaml(text: str, changes: dict[str, dict[str, str | int]]) -> str:
    """Set anchor keys of the annotations (or timeline events) with these ids, editing only the
    characters of those values.

    Existing values are replaced where they stand (same quoting style when possible); a missing key
    is added on a line of its own after the anchor's last line (or inside `{...}` for a flow mapping).
    Raises ValueError when a value cannot be edited in place (a multi-line scalar).
    """
    root = yaml.compose(text, Loader=yaml.SafeLoader)  # nodes only: nothing is constructed
    edits: list[tuple[int, int, str]] = []
    for noun, item in ((noun, item) for key, noun in LISTS.items() for item in _items(root, key)):
        ident = _value(item, "id")
        if ident is None or ident.value not in changes:
            continue
        anchor = _value(item, "anchor")
        if not isinstance(anchor, yaml.MappingNode):
            raise ValueError(f'{noun} "{ident.value}" has no anchor mapping')
        flow = anchor.flow_style
        for key, value in changes[ident.value].items():
            node = _value(anchor, key)
            if node is not None:
                if node.start_mark.line != node.end_mark.line:
                    raise ValueError(f'the {key} of "{ident.value}" spans several lines')
                edits.append((node.start_mark.index, node.end_mark.index, _scalar(value, node.style, flow)))
            elif flow:
                close = anchor.end_mark.index - 1
                if text[close] != "}":
                    raise ValueError(f'the anchor of "{ident.value}" is not a plain {{...}} mapping')
                edits.append((close, close, f", {key}: {_scalar(value, None, True)}"))
            else:
                last = anchor.value[-1][1]
                line_end = text.find("\n", last.end_mark.index)
                line_end = len(text) if line_end < 0 else line_end + 1
                indent = " " * anchor.value[0][0].start_mark.column
                newline = "" if text.endswith("\n") or line_end < len(text) else "\n"
                edits.append((line_end, line_end, f"{newline}{indent}{key}: {_scalar(value, None, False)}\n"))
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text


def _items(root: yaml.Node | None, key: str) -> list[yaml.MappingNode]:
    seq = _value(root, key) if isinstance(root, yaml.MappingNode) else None
    return [n for n in seq.value if isinstance(n, yaml.MappingNode)] if isinstance(seq, yaml.SequenceNode) else []


def _value(mapping: yaml.Node | None, key: str) -> yaml.Node | None:
    if not isinstance(mapping, yaml.MappingNode):
        return None
    return next((v for k, v in mapping.value if isinstance(k, yaml.ScalarNode) and k.value == key), None)


def _scalar(value: str | int, style: str | None, flow: bool) -> str:
    """`value` as YAML source: plain when that reads back the same, else in the old quoting style."""
    if isinstance(value, int):
        return str(value)
    if style == "'":
        return "'" + value.replace("'", "''") + "'"
    if style != '"' and _plain_ok(value, flow):
        return value
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def _plain_ok(value: str, flow: bool) -> bool:
    if not value or value != value.strip() or (flow and any(c in value for c in ",[]{}")):
        return False
    try:
        return yaml.safe_load(f"k: {value}\n") == {"k": value}
    except yaml.YAMLError:
        return False
