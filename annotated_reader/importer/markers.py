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
         notes_heading: str, missing: str = "error") -> tuple[int, list[Problem]]:
    """Check that every note has exactly one marker and every marker a note; count the links.

    `missing` is the severity of a note without a marker: "warning" when the
    markers were plain digits, of which only the certain ones were taken.
    """
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
                "Check the note number, or the superscript in the text (an OCR slip?)." if missing == "error" else
                "Its marker is a plain number the import could not tell from the text around it; "
                "see the doubtful markers in import-report.json.",
                "note-without-marker", missing))
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


# -- plain digits -------------------------------------------------------------------------------
# Extractors often give a note marker as plain digits glued to the text ("power.12", "holdings),7").
# Digits are also years, times (4:30), ratios (1.5:1), page numbers, so a digit run is taken as a
# marker only where the part's 1, 2, 3 ... sequence and its note count leave no other reading.

_PLAIN = re.compile(r"(?<=[^\W\d_]|[.,;:!?)\]”’\"'*…])([1-9]\d{0,2})(?=[\s,;:.)\]—”’\"'*]|$)")
_DECIMAL_BEFORE = re.compile(r"(?:^|[^\d])\d{1,2}[.,]$")  # "1.5", "2,500": a number, not a marker after it
_TIME_BEFORE = re.compile(r"\d[:.]$")  # "4:30", "1.5:1"


@dataclass
class PlainCandidate:
    """A digit run glued to the text that may be a note marker."""

    value: int
    line: int
    col: int  # 1-based, in the line
    text: str  # a few characters around it, for the report
    weak: bool = False  # reads as the end of a number too ("52.7.17", "5:45.6"): taken only to fill a gap


def plain_candidates(lines: list[Line]) -> list[PlainCandidate]:
    """Digit runs glued to a word or to closing punctuation, in document order; numbers are left out."""
    found = []
    for line in lines:
        text = line.text
        for match in _PLAIN.finditer(text):
            before = text[max(0, match.start() - 12):match.start()]  # enough to tell a number, and fast
            if before.endswith(":") and _TIME_BEFORE.search(before):
                continue  # 4:30, 1.5:1
            weak = bool(_DECIMAL_BEFORE.search(before)) or (
                before.endswith((".", ",")) and before[-2:-1].isdigit() and not _year_before(before))
            found.append(PlainCandidate(int(match.group(1)), line.number, match.start() + 1,
                                        text[max(0, match.start() - 30):match.end() + 10], weak))
    return found


def _year_before(before: str) -> bool:
    """"…in 1931.12": a year ends the sentence, then the marker (3 or 4 digits before the point)."""
    digits = len(before[:-1]) - len(before[:-1].rstrip("0123456789"))
    return digits >= 3


def choose_sequence(candidates: list[PlainCandidate], note_count: int) -> tuple[dict[int, int], dict[int, str]]:
    """Which candidates are the markers 1..note_count: ({candidate index: note}, {doubtful index: why}).

    1. A note number carried by exactly one candidate anchors it; anchors out
       of order (the longest increasing run is kept) are dropped.
    2. Between two placed markers, a number carried by exactly one candidate in
       that window is placed; repeated until nothing changes. Digits that also
       read as the end of a number ("52.7.17", "5:45.6") join only now, to fill
       the gaps left, so they never compete with a clean candidate.
    3. A single missing number whose window holds exactly one unplaced clean
       candidate that differs from it by one digit (an extractor's slip, "15"
       for 5, "188" for 88) is placed there; the pipeline then repairs and
       reports it as it does a misread superscript.
    Everything else stays text. A candidate carrying the number of a note left
    without a marker is doubtful and returned with the reason; the others (a
    number already placed, or above the note count) are numbers of the text.
    """
    by_value: dict[int, list[int]] = {}
    for i, cand in enumerate(candidates):
        if 1 <= cand.value <= note_count and not cand.weak:
            by_value.setdefault(cand.value, []).append(i)
    anchors = sorted((v, idx[0]) for v, idx in by_value.items() if len(idx) == 1)
    placed = dict(_increasing(anchors))  # note -> candidate index
    _fill_windows(placed, by_value, note_count, len(candidates))
    for i, cand in enumerate(candidates):  # then digits that also read as a number's end, for the gaps
        if 1 <= cand.value <= note_count and cand.weak and cand.value not in placed:
            by_value.setdefault(cand.value, []).append(i)
    _fill_windows(placed, by_value, note_count, len(candidates))
    taken = set(placed.values())
    for value in range(1, note_count + 1):
        if value in placed:
            continue
        lo, hi = _window(placed, value, len(candidates))
        if lo < 0 and value != 1 or hi >= len(candidates) and value != note_count:
            continue  # a neighbour is missing too: the window is not closed
        window = [i for i in range(lo + 1, hi) if i not in taken]
        if any(candidates[i].value == value for i in window):
            continue  # the number itself is there, more than once: doubtful, not a slip
        inside = [i for i in window if not candidates[i].weak and _one_digit_off(candidates[i].value, value)]
        if len(inside) == 1:
            placed[value] = inside[0]
            taken.add(inside[0])
    chosen = {i: value for value, i in placed.items()}
    why = {}  # only candidates that may be a missing note's marker are doubtful; the rest are numbers
    for i, cand in enumerate(candidates):
        if i not in chosen and 1 <= cand.value <= note_count and cand.value not in placed:
            lo, hi = _window(placed, cand.value, len(candidates))
            where = "out of order" if not lo < i < hi else "in more than one place"
            why[i] = f"{cand.value} may be the marker of note {cand.value}, but it fits the sequence {where}"
    return chosen, why


def _fill_windows(placed: dict[int, int], by_value: dict[int, list[int]], note_count: int, size: int) -> None:
    """Place each missing note whose number only one candidate carries between its placed neighbours."""
    changed = True
    while changed:
        changed = False
        for value in range(1, note_count + 1):
            if value in placed:
                continue
            lo, hi = _window(placed, value, size)
            inside = [i for i in by_value.get(value, []) if lo < i < hi]
            if len(inside) == 1:
                placed[value] = inside[0]
                changed = True


def _increasing(anchors: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest run of (note, index) pairs whose indexes increase with the note numbers."""
    if not anchors:
        return []
    import bisect

    tails: list[int] = []  # index values ending runs of each length
    tail_at: list[int] = []  # position in anchors of that tail
    back = [-1] * len(anchors)
    for k, (_, index) in enumerate(anchors):
        pos = bisect.bisect_left(tails, index)
        if pos == len(tails):
            tails.append(index)
            tail_at.append(k)
        else:
            tails[pos], tail_at[pos] = index, k
        back[k] = tail_at[pos - 1] if pos else -1
    run, k = [], tail_at[-1]
    while k >= 0:
        run.append(anchors[k])
        k = back[k]
    return run[::-1]


def _window(placed: dict[int, int], value: int, size: int) -> tuple[int, int]:
    """The candidate indexes strictly between the nearest placed notes below and above `value`."""
    lower = [placed[v] for v in placed if v < value]
    upper = [placed[v] for v in placed if v > value]
    return (max(lower) if lower else -1), (min(upper) if upper else size)


def _one_digit_off(found: int, wanted: int) -> bool:
    """"15" for 5, "88" for 8, "18" for 88: one digit added, dropped or changed."""
    a, b = str(found), str(wanted)
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    short, long = sorted((a, b), key=len)
    return len(long) - len(short) == 1 and any(long[:k] + long[k + 1:] == short for k in range(len(long)))


def to_superscripts(lines: dict[int, str], chosen: list[PlainCandidate]) -> dict[int, str]:
    """The lines ({number: text}) with the chosen candidates written as superscript digits."""
    out = dict(lines)
    for cand in sorted(chosen, key=lambda c: (c.line, -c.col)):
        line = out[cand.line]
        start = cand.col - 1
        out[cand.line] = line[:start] + superscript(cand.value) + line[start + len(str(cand.value)):]
    return out
