"""An edition with each imported part rendered and its annotations placed, once, for the exports.

Both exports need what `reader check` computes: the part's HTML as the site
renders it (render.BOOK_EXTENSIONS, front matter stripped), its text map and
the placement of its annotations. Without an imported text there is nothing
to place and `parts` is empty: the exports fall back to the companion edition.
"""
from __future__ import annotations

import bisect
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..book import DEFAULT_PROFILE
from ..check import strip_front_matter
from ..edition import Edition, Options, Placement
from ..problems import Problem
from ..render import render_book_markdown
from ..textmap import TextMap, text_map


@dataclass
class PlacedPart:
    """One imported part: its rendered HTML, text map and placement."""

    slug: str
    html: str
    tm: TextMap
    placement: Placement

    def reading_position(self, start: int, end: int) -> tuple[int, int]:
        """A span of `tm.text` (what Edition.place returns) as a span of `tm.reading` (what anchors match on).

        `reading_offsets` is sorted but not strictly: a block separator added to the reading
        text shares the offset of the character after it, so take the last index of each.
        """
        offsets = self.tm.reading_offsets
        return bisect.bisect_right(offsets, start) - 1, bisect.bisect_right(offsets, end - 1)


@dataclass
class PlacedEdition:
    """The edition plus its placed parts (empty for the companion edition) and every problem met."""

    edition: Edition
    parts: dict[str, PlacedPart] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)  # of the inputs, as `reader check` reports them
    notes: list[Problem] = field(default_factory=list)  # about the export itself: always shown
    illustrations: str | None = None  # rendered HTML of book/illustrations.md, when imported

    @property
    def has_text(self) -> bool:
        return self.edition.book.has_text


def place_edition(root: Path, docs_dir: Path | None = None, options: Options | None = None,
                  edition: Edition | None = None) -> PlacedEdition:
    """Load annotations/ and the profile (or take the `edition` a site build has loaded); render and place every part.

    Parts the site build has already placed (`Edition.placed_pages`) are reused as they are: their HTML
    differs from `render_book_markdown` only by the heading permalinks, which the text map skips and
    the XHTML converter drops.
    """
    edition = edition or Edition.open(root, docs_dir or root / "docs", options)
    result = PlacedEdition(edition, problems=list(edition.problems))
    book = edition.book
    if not (book.meta or {}).get("title"):
        profile = os.environ.get("READER_PROFILE") or str(root / DEFAULT_PROFILE)
        result.notes.append(Problem(profile, 1, 1, "the book has no title: the profile's `book:` gives none and no imported "
                                    "text has a title page; the exports say \"Untitled\".",
                                    "Add `book: {title: ..., author: ..., translator: ..., publisher: ..., year: ...}` "
                                    "to the profile, so the companion edition is described too.", severity="warning"))
    if not book.has_text:
        return result
    for part in book.parts:
        if part.slug in edition.placed_pages:  # a site build placed it already: the same text, placed the same way
            html, tm, placement = edition.placed_pages[part.slug]
            result.problems.extend(placement.problems)
            result.parts[part.slug] = PlacedPart(part.slug, html, tm, placement)
            continue
        markdown = book.part_markdown(part.slug)
        if markdown is None:
            result.problems.append(Problem(str(book.text_dir / f"{part.slug}.md"), 1, 1,
                                           f'the imported text has no file for part "{part.slug}"; the part is left out.',
                                           "Run `reader import` again with your copy of the book."))
            continue
        html = render_book_markdown(strip_front_matter(markdown))
        tm = text_map(html)
        placement = edition.place(part.slug, tm)
        edition.orphans[part.slug] = placement.orphans
        result.problems.extend(placement.problems)
        result.parts[part.slug] = PlacedPart(part.slug, html, tm, placement)
    illustrations = book.text_dir / "illustrations.md"
    if illustrations.is_file():
        result.illustrations = render_book_markdown(strip_front_matter(illustrations.read_text(encoding="utf-8")))
    return result
