"""Model: the plain data the import stages pass to one another.

Stages are pure functions over these dataclasses, so each rule can be tested on
a few invented lines and the whole import can run on a string without files.
Every piece keeps the 1-based source line it came from: repairs and problems
point back into the export, where a contributor can check them.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..problems import Problem
from .profile import PartSpec

REPAIR_KINDS = ("join", "dehyphenate", "keep-hyphen", "marker", "artefact", "plates", "heading-number")


@dataclass(frozen=True)
class Line:
    """One line of the source, with its 1-based number; `text` is already cleaned of artefacts."""

    number: int
    text: str


@dataclass
class Block:
    """Consecutive non-blank lines: a paragraph, or a piece of one cut by a page break."""

    lines: list[Line]

    @property
    def start(self) -> int:
        return self.lines[0].number

    @property
    def text(self) -> str:
        return " ".join(line.text for line in self.lines)


@dataclass(frozen=True)
class Repair:
    """Something the importer changed on purpose; listed in the report so nothing changes silently."""

    kind: str
    line: int
    detail: str

    def as_dict(self) -> dict:
        return {"kind": self.kind, "line": self.line, "detail": self.detail}


@dataclass
class Paragraph:
    """Body text; several `lines` mean a verse, letter or diary block whose line breaks are kept."""

    lines: list[str]
    line: int


@dataclass(frozen=True)
class Heading:
    """A section heading inside a part, already in title case, with a stable id unique in the part."""

    title: str
    id: str
    line: int


@dataclass
class Note:
    """An endnote of one part: its number and one or more paragraphs."""

    number: int
    paragraphs: list[str]
    line: int


@dataclass
class Caption:
    """One photo-plate caption for the Illustrations page; `lines` become hard-broken lines."""

    lines: list[str]
    line: int


@dataclass
class Part:
    """A part as imported: its profile entry, number, body items and linked notes."""

    spec: PartSpec
    number: int | None
    heading_line: int
    items: list[Paragraph | Heading] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    notes_linked: int = 0

    @property
    def paragraphs(self) -> list[Paragraph]:
        return [item for item in self.items if isinstance(item, Paragraph)]

    @property
    def headings(self) -> list[Heading]:
        return [item for item in self.items if isinstance(item, Heading)]


@dataclass
class ImportResult:
    """All an import produced: parts, captions, metadata, repairs, problems, files and report."""

    source_name: str
    book: dict
    parts: list[Part] = field(default_factory=list)
    captions: list[Caption] = field(default_factory=list)
    repairs: list[Repair] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)
    report: dict = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors
