"""Notes: the NOTES section, split into each part's numbered endnotes.

Under NOTES the export groups notes under each part's name ("Preface",
"Chapter 1. Before the Revolution"; apostrophes vary, so names are compared
with ' and ’ unified). A note starts with "n. " where n is the next number of
its group. Any other line belongs to the current note: inside a block it starts
a new paragraph (the print edition set each paragraph on its own line); after a
blank line it either continues the last paragraph across a page break (the
same rule as body text) or starts a new one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..problems import Problem
from .model import Block, Note, Repair
from .paragraphs import JoinRules, continues, ends_sentence, join_text
from .profile import PartSpec

_NOTE = re.compile(r"^(\d+)\.\s+(\S.*)$")
_MAX_SKIP = 20  # a number this far ahead of the expected one is a misnumbered note, not text


def normalize_name(text: str) -> str:
    """Compare part names regardless of apostrophe style, case, emphasis and spacing."""
    text = text.replace("’", "'").replace("‘", "'").replace("*", "")
    return " ".join(text.casefold().split())


@dataclass
class NotesSection:
    """The notes of each part (by slug), with the line of each group heading found."""

    notes: dict[str, list[Note]] = field(default_factory=dict)
    group_lines: dict[str, int] = field(default_factory=dict)


def parse_notes(blocks: list[Block], parts: list[PartSpec], rules: JoinRules, source: str,
                heading_line: int, repairs: list[Repair], problems: list[Problem]) -> NotesSection:
    """Split the blocks after the NOTES heading into per-part notes."""
    groups = [(normalize_name(p.notes), p) for p in parts if p.notes]
    section = NotesSection({p.slug: [] for p in parts})
    position = 0  # groups are searched in reading order
    current: PartSpec | None = None
    note: Note | None = None
    expected = 1
    for block in blocks:
        for index, line in enumerate(block.lines):
            text = line.text
            found = _group(text, groups, position) if index == 0 else None
            if found is not None:
                position, current = found + 1, groups[found][1]
                section.group_lines[current.slug] = line.number
                note, expected = None, 1
                continue
            match = _NOTE.match(text)
            number = int(match.group(1)) if match else 0
            if current is None:
                problems.append(Problem(source, line.number, 1, (
                    "text under NOTES before the first part's group heading"),
                    f'The first group should read "{groups[0][1].notes if groups else "?"}".',
                    "notes-orphan-text"))
                continue
            if match and number == expected:
                note = Note(number, [match.group(2)], line.number)
                section.notes[current.slug].append(note)
                expected += 1
                continue
            after_end = note is None or ends_sentence(note.paragraphs[-1], rules.abbreviations)
            if match and after_end and 0 < number <= expected + _MAX_SKIP and not _has(section, current, number):
                problems.append(Problem(source, line.number, 1, (
                    f'note numbered {number} under "{current.notes}" where note {expected} was expected'),
                    "Renumber the note or add the missing one.", "notes-sequence"))
                note = Note(number, [match.group(2)], line.number)
                section.notes[current.slug].append(note)
                expected = number + 1
                continue
            if note is None:
                problems.append(Problem(source, line.number, 1, (
                    f'text under "{current.notes}" before its first note'),
                    'A note starts with its number, as in "1. ".', "notes-orphan-text"))
                continue
            if index == 0 and continues(note.paragraphs[-1], text, rules, openings=False):
                note.paragraphs[-1] = join_text(note.paragraphs[-1], text, rules, line.number, repairs)
            else:
                note.paragraphs.append(text)
    for _, part in groups:
        if part.slug not in section.group_lines:
            problems.append(Problem(source, heading_line, 1, (
                f'the notes of part "{part.slug}" are missing: no line under NOTES reads "{part.notes}"'),
                f"Check the export, or the part's `notes` in the profile ({_where(part)}).",
                "notes-group-missing"))
    return section


def _group(text: str, groups: list[tuple[str, PartSpec]], position: int) -> int | None:
    name = normalize_name(text)
    for i in range(position, len(groups)):
        if groups[i][0] == name:
            return i
    return None


def _has(section: NotesSection, part: PartSpec, number: int) -> bool:
    return any(n.number == number for n in section.notes[part.slug])


def _where(part: PartSpec) -> str:
    return f"profile line {part.line}" if part.line else "profile"
