"""Hard-wrapped text as `pdftotext` (without -layout) makes it from a printed book.

Written from the `import_text` result of the paragraph text, so the printed
book is the imported one: the title page and contents as the source has them,
then each part from a new page, lines of `width` columns filled greedily, long
words hyphenated at line ends (and compounds broken at their hyphen), pages of
`page_lines` lines separated by form feeds, each page with a running head
(alternating the book's title and the part's title, none on a part's opening
page) and its number at the foot; plates on pages of their own; the notes at
the end. Markers are superscripts or, as most extractors give them, plain
digits glued to the text; paragraphs are separated by blank lines or, as
pdftotext often gives them, not at all; `form_feeds=False` saves the pages
without form feeds, as some "Save as text" exports do; `indent` opens each
paragraph with that many spaces, as exports that keep the first-line indent do.
"""
from __future__ import annotations

import re
from pathlib import Path

from annotated_reader.importer.markers import superscript
from annotated_reader.importer.model import Heading, ImportResult
from annotated_reader.importer.profile import Profile

_FOOTNOTE = re.compile(r"\[\^(\d+)\]")
_SPLITTABLE = re.compile(r"^([a-z]{4,})([a-z]{3,}[,.;:]?)$")


def make(result: ImportResult, profile: Profile, out_dir: Path, *, markers: str = "superscript",
         blank_lines: bool = True, width: int = 70, page_lines: int = 44, furniture: bool = True,
         form_feeds: bool = True, indent: int = 0, name: str = "book.txt") -> Path:
    """Write the book as wrapped text into `out_dir`/`name` and return its path."""
    marker = superscript if markers == "superscript" else str
    title = (result.book.get("title") or "").strip() or profile.parts[0].title
    pages = Pages(width, page_lines, furniture, blank_lines, form_feeds)
    opening = " " * indent
    source_lines = Path(result.source_name).read_text(encoding="utf-8").split("\n")
    first_heading = result.parts[0].heading_line
    front = source_lines[:first_heading - 1]
    while front and (not front[-1].strip() or front[-1].strip().isdigit()):
        front.pop()  # a lone chapter number above the first heading belongs to the part
    pages.new_page(head=None)
    for line in front:
        if line.strip():
            pages.add_block([line.strip()])
    placed = sorted(result.captions, key=lambda c: c.line)
    for k, part in enumerate(result.parts):
        spec = part.spec
        pages.new_page(head=None)
        heading = f"{part.number} {spec.heading}" if part.number is not None else spec.heading
        pages.add_block([heading])
        if spec.subtitle:
            pages.add_block([spec.subtitle])
        pages.heads = (title, spec.title)
        end = result.parts[k + 1].heading_line if k + 1 < len(result.parts) else float("inf")
        for item in part.items:
            if isinstance(item, Heading):
                pages.add_block([f"{profile.section_marker}{item.title.upper()}"])
                continue
            lines = [_FOOTNOTE.sub(lambda m: marker(int(m.group(1))), line) for line in item.lines]
            pages.add_block(lines, opening)
            while placed and part.heading_line < placed[0].line < end and _after(placed[0].line, item, part):
                _plate(pages, placed.pop(0))
        while placed and placed[0].line < end:
            _plate(pages, placed.pop(0))
    pages.new_page(head=None)
    pages.heads = (title, "Notes")
    pages.add_block([profile.notes_heading])
    for part in result.parts:
        if not part.notes:
            continue
        pages.add_block([part.spec.notes])
        for note in part.notes:
            first, *rest = note.paragraphs
            pages.add_block([f"{note.number}. {first}", *rest])
    path = out_dir / name
    path.write_text(pages.text(), encoding="utf-8")
    return path


def _plate(pages: "Pages", caption) -> None:
    """A plate on a page of its own, its caption lines as printed; the text goes on after it."""
    pages.new_page(head=None)
    for line in caption.lines:  # each a block of its own, as the paragraph text has them
        pages.add_block([line])
    pages.new_page()


def _after(caption_line: int, item, part) -> bool:
    """Whether a caption's source line comes before the paragraph after `item` (so it follows `item`)."""
    following = [p.line for p in part.paragraphs if p.line > item.line]
    return not following or caption_line < following[0]


class Pages:
    """Lines laid into pages: body lines, then furniture added when a page is closed."""

    def __init__(self, width: int, page_lines: int, furniture: bool, blank_lines: bool, form_feeds: bool = True):
        self.width, self.page_lines, self.furniture, self.blank_lines = width, page_lines, furniture, blank_lines
        self.form_feeds = form_feeds
        self.pages: list[tuple[str | None, list[str]]] = []
        self.heads: tuple[str, str] = ("", "")

    def new_page(self, head: str | bool | None = True) -> None:
        """Start a page; `head=None` for a page without running head (a part's opening, a plate)."""
        if self.pages and not any(self.pages[-1][1]):
            self.pages.pop()
        number = len(self.pages) + 1
        running = None if head is None else self.heads[number % 2]
        self.pages.append((running, []))

    def add_block(self, lines: list[str], opening: str = "") -> None:
        """A block's lines, each wrapped; `opening` indents the paragraph's first line."""
        body = self.pages[-1][1]
        if body and self.blank_lines:
            body.append("")
        for k, line in enumerate(lines):
            for j, wrapped in enumerate(wrap(line, self.width)):
                if len(self.pages[-1][1]) >= self.page_lines:
                    self.new_page()
                self.pages[-1][1].append(opening + wrapped if k == j == 0 else wrapped)

    def text(self) -> str:
        out = []
        for number, (head, body) in enumerate(self.pages, 1):
            while body and not body[0]:
                body.pop(0)
            lines = []
            if self.furniture and head:
                lines += [head, ""]
            lines += body
            if self.furniture:
                lines += ["", str(number)]
            out.append("\n".join(lines))
        return ("\n\f" if self.form_feeds else "\n").join(out) + "\n"


def wrap(line: str, width: int) -> list[str]:
    """Fill greedily; a long lower-case word is hyphenated at the line end, a compound broken at its hyphen."""
    lines: list[str] = []
    current = ""
    for word in line.split():
        if not current:
            current = word
            continue
        if len(current) + 1 + len(word) <= width:
            current += " " + word
            continue
        room = width - len(current) - 1
        head, tail = _split(word, room)
        if head:
            lines.append(f"{current} {head}")
            current = tail
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines


def _split(word: str, room: int) -> tuple[str, str]:
    """(`left-`, rest) with `left-` at most `room` long, or ("", word) when the word is not split."""
    if "-" in word.strip("-"):
        cut = word.rfind("-", 0, room)
        if cut > 0 and word[cut + 1:cut + 2].isalpha() and word[cut - 1].isalpha():
            return word[:cut + 1], word[cut + 1:]
        return "", word
    match = _SPLITTABLE.match(word)
    if not match or room < 4:
        return "", word
    cut = min(room - 1, len(word) - 3 - (len(word) - len(word.rstrip(",.;:"))))
    if cut < 3:
        return "", word
    return word[:cut] + "-", word[cut:]
