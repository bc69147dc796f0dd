"""Plates: the photo captions the export drops into the middle of a paragraph.

A print edition binds its photographs on separate plates; the export inserts
their captions wherever the plates fell, here inside a paragraph of chapter 4.
Captions are recognised by the credit line that closes them (the profile's
`plates.credit`, e.g. an archive's name; line wraps, bold and a missing final
period are tolerated). The plates run from the first credit to the last, as
long as credits are at most `max_gap` blocks apart and no heading intervenes;
a credit printed alone takes the caption block before it. The lifted captions
go to the Illustrations page and the paragraph around them is rejoined.
"""
from __future__ import annotations

from collections.abc import Callable

from .model import Block, Caption, Repair


def lift_plates(blocks: list[Block], credit: str | None, max_gap: int, is_heading: Callable[[Block], bool],
                repairs: list[Repair]) -> tuple[list[Block], list[Caption], list[Block]]:
    """Return (body blocks without plates, captions, the lifted blocks)."""
    if not credit:
        return blocks, [], []
    wanted = _norm(credit).rstrip(".")
    marks = [i for i, block in enumerate(blocks) if _norm(block.text).rstrip(".").endswith(wanted)]
    regions: list[list[int]] = []
    for i in marks:
        if regions and i - regions[-1][-1] - 1 <= max_gap and not any(
                is_heading(blocks[j]) for j in range(regions[-1][-1] + 1, i)):
            regions[-1].append(i)
        else:
            regions.append([i])
    lifted: set[int] = set()
    captions: list[Caption] = []
    lifted_blocks: list[Block] = []
    for region in regions:
        first, last = region[0], region[-1]
        if _norm(blocks[first].text).rstrip(".") == wanted and first > 0 and not is_heading(blocks[first - 1]):
            first -= 1  # a credit alone closes the caption printed just before it
        group = blocks[first:last + 1]
        found = _captions(group, wanted)
        captions.extend(found)
        lifted_blocks.extend(group)
        lifted.update(range(first, last + 1))
        repairs.append(Repair("plates", group[0].start, (
            f"{len(found)} plate captions (lines {group[0].start}–{group[-1].lines[-1].number}) lifted "
            "out of the text to the Illustrations page")))
    return [b for i, b in enumerate(blocks) if i not in lifted], captions, lifted_blocks


def _captions(group: list[Block], wanted: str) -> list[Caption]:
    """Split a plates region into captions, each closed by a credit; a lone credit joins its line."""
    captions: list[Caption] = []
    lines: list[str] = []
    start = 0
    for block in group:
        text = " ".join(line.text.strip() for line in block.lines)
        if not lines:
            start = block.start
        if _norm(text).rstrip(".") == wanted and lines:
            lines[-1] = f"{lines[-1]} {text}"
        else:
            lines.append(text)
        if _norm(text).rstrip(".").endswith(wanted):
            captions.append(Caption(lines, start))
            lines = []
    if lines:
        captions.append(Caption(lines, start))
    return captions


def _norm(text: str) -> str:
    return " ".join(text.replace("**", "").split())
