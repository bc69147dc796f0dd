"""Layout: where the title page, CONTENTS, each part and NOTES begin in the export.

Part headings are found in the profile's order, each after the one before, as
a one-line block reading the profile's `heading` (apostrophes unified), with an
optional chapter number in front ("1 BEFORE THE REVOLUTION"). A chapter whose
heading lacks its number (printed on a line of its own, or not at all) gets the
number from the profile, which the CONTENTS confirm, and the repair is reported.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..problems import Problem, did_you_mean
from .model import Block, Line, Repair
from .notes import normalize_name
from .profile import PartSpec, Profile

_NUMBERED = re.compile(r"^(\d+)\.?\s+(.*)$")


@dataclass
class PartPlace:
    """Where one part's heading was found and which blocks are its body."""

    spec: PartSpec
    heading_line: int
    number: int | None
    body: list[Block] = field(default_factory=list)


@dataclass
class Layout:
    """The export cut into its regions."""

    title_page: list[Line]
    contents: list[Line]
    contents_line: int | None
    parts: list[PartPlace]
    notes_line: int | None
    notes: list[Block]
    # chapters printed without their number: (part, heading line, line of a lone number above it)
    unnumbered: list[tuple[PartSpec, int, int | None]] = field(default_factory=list)


def find_layout(lines: list[Line], blocks: list[Block], profile: Profile, source: str,
                problems: list[Problem]) -> Layout:
    """Cut the export into title page, contents, parts and notes, reporting what is missing."""
    contents_line = _find_line(lines, profile.contents_heading) if profile.contents_heading else None
    start = _index_after(blocks, contents_line or 0)
    places: list[PartPlace] = []
    unnumbered: list[tuple[PartSpec, int, int | None]] = []
    heading_blocks: list[tuple[int, int]] = []  # (first block index of the heading, first body block)
    position = start
    for spec in profile.parts:
        found = _find_heading(blocks, position, spec)
        if found is None:
            after = blocks[position - 1].lines[-1].number if position > 0 else 1
            candidates = [b.text for b in blocks[position:] if len(b.lines) == 1 and b.text.isupper()]
            problems.append(Problem(source, after, 1, (
                f'heading "{spec.heading}" of part "{spec.slug}" not found after line {after}'),
                " ".join(x for x in (did_you_mean(spec.heading, candidates),
                                     f"The profile declares it at {profile.path}:{spec.line}.") if x),
                "heading-not-found"))
            continue
        index, printed_number = found
        first, body_start = index, index + 1
        number = spec.number
        if printed_number is not None and printed_number != spec.number:
            problems.append(Problem(source, blocks[index].start, 1, (
                f'heading of part "{spec.slug}" is numbered {printed_number}, the profile says '
                f"{spec.number if spec.number is not None else 'no number'}"),
                "Correct the part's `number` in the profile.", "heading-number"))
        elif printed_number is None and spec.number is not None:
            lone = index - 1 >= position and blocks[index - 1].text.strip() == str(spec.number)
            first = index - 1 if lone else index
            unnumbered.append((spec, blocks[index].start, blocks[index - 1].start if lone else None))
        if spec.subtitle and body_start < len(blocks) and \
                normalize_name(blocks[body_start].text) == normalize_name(spec.subtitle):
            body_start += 1
        places.append(PartPlace(spec, blocks[index].start, number))
        heading_blocks.append((first, body_start))
        position = body_start
    notes_index = next((i for i in range(position, len(blocks))
                        if len(blocks[i].lines) == 1 and blocks[i].text.strip() == profile.notes_heading), None)
    if notes_index is None:
        last = max((line.number for line in lines if line.text.strip()), default=1)
        problems.append(Problem(source, last, 1, (
            f'no {profile.notes_heading} section: no line after the last part reads "{profile.notes_heading}", '
            "so the note markers cannot be linked"),
            "Check that the export is complete, or set `notes_heading` in the profile.", "notes-missing"))
    end = notes_index if notes_index is not None else len(blocks)
    for k, place in enumerate(places):
        stop = heading_blocks[k + 1][0] if k + 1 < len(places) else end
        place.body = blocks[heading_blocks[k][1]:stop]
    first_part = places[0].heading_line if places else len(lines) + 1
    return Layout(
        title_page=[l for l in lines if l.number < (contents_line or first_part)],
        contents=[l for l in lines if contents_line and contents_line < l.number < first_part],
        contents_line=contents_line, parts=places,
        notes_line=blocks[notes_index].start if notes_index is not None else None,
        notes=blocks[notes_index + 1:] if notes_index is not None else [],
        unnumbered=unnumbered,
    )


def _find_heading(blocks: list[Block], position: int, spec: PartSpec) -> tuple[int, int | None] | None:
    """(block index, number printed in front of the heading or None)."""
    wanted = _apostrophes(spec.heading)  # case matters: body text may repeat the words
    for i in range(position, len(blocks)):
        if len(blocks[i].lines) != 1:
            continue
        text = _apostrophes(blocks[i].text.strip())
        if text == wanted:
            return i, None
        numbered = _NUMBERED.match(text)
        if numbered and numbered.group(2) == wanted:
            return i, int(numbered.group(1))
    return None


def _apostrophes(text: str) -> str:
    return text.replace("’", "'")


def number_repairs(layout: Layout, contents_numbers: dict[str, int]) -> list[Repair]:
    """Report each chapter number supplied for a heading printed without it."""
    repairs = []
    for spec, line, lone in layout.unnumbered:
        agree = contents_numbers.get(spec.slug) == spec.number
        witness = "the profile and the contents" if agree else "the profile"
        where = f'; the lone "{spec.number}" at line {lone} is taken as its number' if lone else ""
        repairs.append(Repair("heading-number", line, (
            f'heading "{spec.heading}" printed without its number: chapter {spec.number}, as '
            f"{witness} give it{where}")))
    return repairs


def _find_line(lines: list[Line], text: str) -> int | None:
    return next((line.number for line in lines if line.text.strip() == text), None)


def _index_after(blocks: list[Block], line: int) -> int:
    return next((i for i, b in enumerate(blocks) if b.start > line), len(blocks))
