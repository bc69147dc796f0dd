"""Forms: the shapes a reader's own copy of the book arrives in, and one reader per shape.

Readers own the book as the publisher's EPUB, a PDF, a hard-wrapped text that a
PDF extractor made, or the paragraph-per-line text export. Each form's reader
turns its file into the *canonical text*: the paragraph-per-line export the
pipeline already reads (blocks separated by blank lines, "■ " section headings,
superscript note markers, a NOTES section grouped by part). Everything after
that — paragraph joins, hyphen repair, note linking, plates, Markdown, the
report and its words-in = words-out balance — is one pipeline for every form,
so the same book gives the same chapters whatever form it came in, and the
same annotations land on the same passages.

A reader never raises on bad input: it returns a `FormText` whose `problems`
say where (``file:line:col``; for a PDF ``book.pdf#page=N:line:1``) and how to
fix it. `places` maps each canonical line back to where it came from, so the
pipeline's problems point into the reader's own file, not into text they never saw.
"""
from __future__ import annotations

import importlib
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from io import BytesIO

from ...problems import Problem
from ..profile import Profile

FORMS = ("text", "wrapped", "epub", "pdf")
"""`text`: paragraph-per-line export; `wrapped`: hard-wrapped lines (pdftotext, "Save as text")."""

MARKER_STYLES = ("superscript", "plain")
"""How the canonical text carries note markers: superscript digits, or plain digits glued to the text."""


@dataclass(frozen=True)
class Place:
    """Where a canonical line came from in the reader's file: a file (or file#page=N) and a line there."""

    file: str
    line: int


@dataclass
class FormText:
    """A reader's copy as canonical text, with what the reader dropped, found and could not decide."""

    form: str
    text: str = ""
    places: list[Place] | None = None  # one per canonical line; None: the lines are the file's own
    marker_style: str = "superscript"
    furniture: dict[str, int] = field(default_factory=dict)  # dropped page furniture, by kind
    markers: dict[str, int] = field(default_factory=dict)  # markers found, by how: superscript, link ...
    doubtful: list[dict] = field(default_factory=list)  # {"line", "place", "text", "why"}
    joins: dict[str, int] = field(default_factory=dict)  # lines the reader joined, by kind: wrapped, dehyphenate ...
    repairs: list[dict] = field(default_factory=list)  # {"kind", "file", "line", "detail"}: decisions to check
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def place(self, line: int) -> Place | None:
        """The reader's-file place of canonical line `line` (1-based), if the reader kept one."""
        if self.places is None or not 1 <= line <= len(self.places):
            return None
        return self.places[line - 1]

    def relocate(self, problem: Problem) -> Problem:
        """`problem` (about a canonical line) pointed at the reader's own file instead."""
        place = self.place(problem.line)
        if place is None:
            return problem
        # a canonical line may join several of the file's lines, so only the line is kept
        return Problem(place.file, place.line, 1, problem.message, problem.hint, problem.id, problem.severity)


Reader = Callable[[bytes, str, Profile], FormText]
"""`read(data, name, profile)`: a form's reader; `name` is how problems name the file."""

_READERS = {"text": "text", "wrapped": "wrapped", "epub": "epub", "pdf": "pdf"}


def detect_form(data: bytes) -> str:
    """Guess the form from the bytes: EPUB by its zip `mimetype`, PDF by `%PDF`, else text by line lengths.

    A zip that is not an EPUB is still called "epub" so its reader can say what
    is wrong with it, rather than the text reader calling it "not UTF-8".
    """
    head = data[:1024].lstrip()
    if data[:4] == b"PK\x03\x04" or _is_zip(data):
        return "epub"
    if head.startswith(b"%PDF"):
        return "pdf"
    from .text import looks_wrapped

    return "wrapped" if looks_wrapped(data) else "text"


def reader_for(form: str) -> Reader:
    """The `read` function of `form` (one module per form, imported only when used)."""
    module = importlib.import_module(f"{__name__}.{_READERS[form]}")
    return module.read


def _is_zip(data: bytes) -> bool:
    try:
        return zipfile.is_zipfile(BytesIO(data))
    except (OSError, ValueError):
        return False
