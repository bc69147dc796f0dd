"""Readers' notes (a browser export) added to `annotations/<part>.yml` as new entries.

A reader's notes come from the site's "My notes" panel (docs/assets/notes/notes.js), whose
export is a W3C collection like `reader export jsonld` writes, its `generator` named
notes.GENERATOR. They are not the layer coming back: each note becomes a *new* annotation.

- Its id is fresh, made from the first words of its quote, unique in the book.
- Its author is `--author` when given, else the export's `creator`.
- Its anchor is placed first, as `reader check` will: a note whose anchor no longer places
  exactly (the text changed since it was written), or that overlaps an annotation of the part, is
  reported and not written. So `reader check` passes after an import.
- It is appended to the part file *as text*: every existing line (synopsis, questions, other
  entries, comments, quoting) stays as it was, and the pull request's diff shows only the new entries.
"""
from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import jsonschema
import yaml

from ..anchor import CHANGED, Failure, explain, match_quote, normalize
from ..load import schema
from ..model import Anchor
from ..notes import GENERATOR
from ..problems import Problem
from ..yamlsource import parse_yaml
from .jsonld import ReadResult
from .partfile import HEADER, ImportPlan, _entry_text, annotations_block, existing_lines

ID_WORDS = 5  # words of the quote in a fresh id: enough to recognise the passage, short enough to type


def is_notes_export(raw: bytes) -> bool:
    """Did a reader's browser write this file (the site's "Export my notes")?"""
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return False
    generator = data.get("generator") if isinstance(data, dict) else None
    return isinstance(generator, dict) and generator.get("name") == GENERATOR


def fresh_id(quote: str, taken: set[str]) -> str:
    """`the-first-five-words` of the quote (ASCII), with -2, -3 ... when taken."""
    ascii_text = unicodedata.normalize("NFKD", quote).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", ascii_text)[:ID_WORDS]
    base = "-".join(words) or "note"
    ident, n = base, 1
    while ident in taken:
        n += 1
        ident = f"{base}-{n}"
    taken.add(ident)
    return ident


def plan_notes(read: ReadResult, placed, out_dir: Path, author: str = "") -> tuple[ImportPlan, list[Problem], list[str]]:
    """The part files with the notes appended, the notes reported instead of written, and the new ids."""
    plan = ImportPlan(problems=list(read.problems))
    skipped: list[Problem] = []
    if plan.problems:
        return plan, skipped, []
    edition = placed.edition
    taken = {a.id for a in edition.layer.annotations()}
    by_part: dict[str, list[dict]] = {}
    new_ids: list[str] = []
    spans: dict[str, list[tuple[int, int, str]]] = {}
    for imported in read.annotations:
        record, part = dict(imported.record), imported.part
        anchor = Anchor(**{k: record["anchor"][k] for k in ("quote", "prefix", "suffix", "occurrence") if k in record["anchor"]})
        here = placed.parts.get(part)
        if here is None:
            skipped.append(read.places.problem(imported.path, f'the note on "{anchor.quote}" is for part "{part}", which has no imported text here.',
                                               "Import your copy of the book (`reader import`), then import the notes again.", imported.id))
            continue
        if part not in spans:
            spans[part] = [(m.start, m.end, a.id) for a, m in here.placement.matches]
        match = match_quote(normalize(here.tm.reading), anchor)
        if isinstance(match, Failure) or match.method in CHANGED:
            message, hint = explain(match, anchor) if isinstance(match, Failure) else (
                f'the quote "{anchor.quote}" no longer reads as the note was written (the text changed).', "")
            skipped.append(read.places.problem(imported.path, f"not written: {message}",
                                               (hint + " " if hint else "") + "Fix the note's quote to the text as it is now, or add it by hand.",
                                               imported.id))
            continue
        start, end = here.tm.reading_span(match.start, match.end)
        clash = next((s for s in spans[part] if start < s[1] and s[0] < end), None)
        if clash:
            skipped.append(read.places.problem(imported.path, f'not written: the note on "{anchor.quote}" overlaps the annotation "{clash[2]}".',
                                               "Anchors in one part must not overlap: shorten the note's quote (in the site, or in the file) "
                                               "so it leaves the annotated words out, and import again.", imported.id))
            continue
        ident = fresh_id(anchor.quote, taken)
        spans[part].append((start, end, ident))
        record["id"] = ident
        if author:
            record["author"] = author
        by_part.setdefault(part, []).append(record)
        new_ids.append(ident)
    validator = jsonschema.Draft202012Validator(schema("part"))
    for slug in [s for s in edition.book.slugs if s in by_part]:
        path = out_dir / f"{slug}.yml"
        existing = path.read_text(encoding="utf-8") if path.is_file() else None
        text, reason = append_entries(slug, by_part[slug], existing)
        if text is None:
            plan.problems.append(Problem(str(path), 1, 1, f"{reason}.", "Fix the file (`reader check` says how), then import again."))
            continue
        for error in validator.iter_errors(yaml.safe_load(text)):
            plan.problems.append(Problem(str(path), 1, 1, f"{'/'.join(map(str, error.absolute_path))}: {error.message}.",
                                         "See docs/contributing.md for what an annotation may hold."))
        plan.counts[path] = len(by_part[slug])
        plan.writes[path] = text
    return plan, skipped, new_ids


def append_entries(slug: str, records: list[dict], existing: str | None) -> tuple[str | None, str]:
    """The file's text with `records` appended to its annotations list; every existing line kept as it is."""
    if existing is None:
        return f"{HEADER}part: {slug}\n{annotations_block(records)}", ""
    doc, lines = existing_lines(existing, slug)
    if lines is None:
        return None, doc
    if "annotations" not in doc.data:
        return "".join(lines) + annotations_block(records), ""
    old = doc.data["annotations"]
    start = doc.key_marks[("annotations",)][0] - 1
    if old is None:  # `annotations:` with nothing under it
        old = []
        dash, end = 2, start + 1
        lines[start] = lines[start].rstrip() + "\n"
    elif isinstance(old, list) and old and ("annotations", 0) in doc.marks and doc.marks[("annotations", 0)][0] - 1 > start:
        first = lines[doc.marks[("annotations", 0)][0] - 1]
        dash = first.find("-")
        tops = sorted(line for (key, *rest), (line, col) in doc.key_marks.items() if not rest and line - 1 > start)
        end = tops[0] - 1 if tops else len(lines)
        while end > start + 1 and (not lines[end - 1].strip() or _comment_at(lines[end - 1], dash)):
            end -= 1  # blank lines and comments after the last entry stay after the new ones
    else:
        return None, "its `annotations:` is not a block list (`- id: ...` entries on their own lines), so entries cannot be appended as text"
    added = "".join(_entry_text(r, dash) for r in records)
    text = "".join(lines[:end]) + added + "".join(lines[end:])
    after = parse_yaml(text.encode("utf-8"), slug).data
    entries = after.get("annotations") if isinstance(after, dict) else None
    if not isinstance(entries, list) or [e.get("id") for e in entries[len(old):]] != [r["id"] for r in records]:
        return None, "the new entries could not be appended after its last annotation (its layout is unusual)"
    return text, ""


def _comment_at(line: str, dash: int) -> bool:
    """A comment line outside any entry's text: no deeper than the entries' dashes (deeper, it may be body text)."""
    stripped = line.lstrip()
    return stripped.startswith("#") and len(line) - len(stripped) <= dash
