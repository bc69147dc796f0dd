"""Markers: superscript note numbers in the body, their repair, and their link to notes.

Markers run 1, 2, 3 ... within each part. OCR sometimes misreads one ("¹⁸⁸"
between ⁸⁷ and ⁸⁹); when the neighbours leave exactly one number possible, the
marker is repaired and the repair reported. Anything else (a marker without its
note, a note without its marker, a marker used twice) is a Problem: a footnote
that silently points to the wrong note is worse than a failed import.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ..problems import Problem
from .model import Line, Note, Paragraph, Repair

SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_RUN = re.compile(f"[{SUPERSCRIPTS}]+")
_TO_DIGITS = str.maketrans(SUPERSCRIPTS, "0123456789")
_TO_SUPER = str.maketrans("0123456789", SUPERSCRIPTS)


@dataclass
class Marker:
    """One superscript in the body: the number read, the number meant, and where it is."""

    raw: int
    line: int
    col: int
    number: int = 0

    def __post_init__(self) -> None:
        self.number = self.number or self.raw


def superscript(n: int) -> str:
    """123 -> "¹²³"."""
    return str(n).translate(_TO_SUPER)


def find_markers(lines: list[Line], raw: dict[int, str]) -> list[Marker]:
    """Markers in document order; columns are counted in the raw source line."""
    markers = []
    for line in lines:
        for match in _RUN.finditer(raw.get(line.number, line.text)):
            markers.append(Marker(int(match.group().translate(_TO_DIGITS)), line.number, match.start() + 1))
    return markers


def repair_sequence(markers: list[Marker], note_count: int, part_title: str) -> list[Repair]:
    """Renumber a marker that breaks 1, 2, 3 ... when its neighbours make the fix unambiguous.

    The fix is taken only if the next marker continues from the expected number
    (or, for the last marker, the part has exactly that many notes) and no other
    marker already carries it; otherwise the marker keeps its number and the
    linking step reports the mismatch.
    """
    repairs = []
    expected = 1
    raws = Counter(m.raw for m in markers)
    for i, marker in enumerate(markers):
        if marker.raw != expected:
            following = markers[i + 1].raw if i + 1 < len(markers) else None
            fits = following == expected + 1 if following is not None else note_count == expected
            if fits and raws[expected] == 0:
                marker.number = expected
                repairs.append(Repair("marker", marker.line, (
                    f'marker {superscript(marker.raw)} in "{part_title}" breaks the sequence '
                    f"{superscript(expected - 1) if expected > 1 else '(start)'} … {superscript(expected + 1)}; "
                    f"read as {superscript(expected)} (note {expected})")))
            else:
                expected = marker.raw
        expected += 1
    return repairs


def link(markers: list[Marker], notes: list[Note], source: str, part_title: str,
         notes_heading: str) -> tuple[int, list[Problem]]:
    """Check that every note has exactly one marker and every marker a note; count the links."""
    problems = []
    by_number = Counter(m.number for m in markers)
    note_numbers = {note.number for note in notes}
    reported: set[int] = set()
    for marker in markers:
        sup = superscript(marker.raw)
        if marker.number not in note_numbers:
            problems.append(Problem(source, marker.line, marker.col, (
                f'marker {sup} in part "{part_title}" has no note {marker.number} under '
                f'"{notes_heading}" in the notes'),
                "Check the superscript against the notes (an OCR slip?).", "marker-without-note"))
        elif by_number[marker.number] > 1 and marker.number not in reported:
            reported.add(marker.number)
            problems.append(Problem(source, marker.line, marker.col, (
                f'marker {sup} is used {by_number[marker.number]} times in part "{part_title}"'),
                "Each note has exactly one marker; check the superscripts.", "marker-duplicate"))
    for note in notes:
        if by_number[note.number] == 0:
            problems.append(Problem(source, note.line, 1, (
                f'note {note.number} of part "{part_title}" has no marker {superscript(note.number)} '
                "in the part's text"),
                "Check the note number, or the superscript in the text (an OCR slip?).",
                "note-without-marker"))
    linked = sum(1 for note in notes if by_number[note.number] == 1)
    return linked, problems


def apply_markers(paragraphs: list[Paragraph], markers: list[Marker]) -> None:
    """Replace the superscripts, in order, by `[^n]` with the (repaired) numbers."""
    queue = iter(markers)

    def replace(match: re.Match) -> str:
        marker = next(queue, None)
        number = marker.number if marker else int(match.group().translate(_TO_DIGITS))
        return f"[^{number}]"

    for paragraph in paragraphs:
        paragraph.lines = [_RUN.sub(replace, line) for line in paragraph.lines]
