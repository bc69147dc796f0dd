"""Placements compared: does `reader check` put every annotation on the same passage from two imports?

`placements(book_dir, project)` lays a copy of this project (or, for the mini
book, a small project with ORIGINAL annotations on it) in a tmp folder with
`book_dir` as docs/book, runs `reader check` there (check.run_check, the same
anchoring as the site build) and returns the placed count and, for each placed
annotation, the passage it landed on. `compare_placements` does that for a
form's import and the paragraph-text import and lists what differs.
"""
from __future__ import annotations

import json
import shutil
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from annotated_reader.check import run_check, strip_front_matter
from annotated_reader.importer import import_book
from annotated_reader.render import render_book_markdown
from annotated_reader.textmap import text_map

from . import BookCase

# Annotations on the ORIGINAL mini book (fixtures/importer/mini-edition.txt), for the companion run.
MINI_ANNOTATIONS = {
    "winter-roads.yml": """\
        part: winter-roads
        annotations:
          - id: salt-fjord-poles
            anchor: {quote: testing the ice with long poles}
            kind: context
            body: The poles spread a driver's weight if the ice gave way.
          - id: salt-song
            anchor: {quote: Keep your pole in your hand}
            kind: context
            body: The song's advice repeats the drivers' own practice.
          - id: salt-auction
            anchor: {quote: sold at auction in 1931 by the widow of Henrik Dahl}
            kind: context
            body: The letters survived by chance, in a chest of drawers.
          - id: salt-wages
            anchor: {quote: under a separate heading for men of the road}
            kind: context
            body: A heading that a page break cut in the print edition.
        """,
    "salt-tax.yml": """\
        part: salt-tax
        annotations:
          - id: salt-red-ledger
            anchor: {quote: bound in red}
            kind: context
            body: The colour marked the tax ledger apart from the toll ledger.
          - id: salt-petition
            anchor: {quote: signed with a cross}
            kind: context
            body: Most drivers could not write.
        """,
    "merchants-ledger.yml": """\
        part: merchants-ledger
        annotations:
          - id: salt-merchants-groups
            anchor: {quote: the salt-merchants came through in larger groups}
            kind: context
            body: A compound cut at its hyphen by a page break in the print edition.
        """,
}


@dataclass
class Placements:
    """What `reader check` placed on one import: counts and each annotation's passage."""

    annotations: int
    placed: int
    passages: dict[tuple[str, str], str]  # (part, annotation id) -> the text it landed on
    errors: list[str] = field(default_factory=list)


@dataclass
class PlacementDiff:
    form: Placements
    reference: Placements
    moved: list[tuple[str, str, str, str]]  # (part, id, reference passage, form passage)
    lost: list[tuple[str, str]]  # placed on the reference only
    gained: list[tuple[str, str]]  # placed on the form only
    respelled: list[tuple[str, str, str, str]] = field(default_factory=list)  # same passage, a hyphen apart

    @property
    def same(self) -> bool:
        return not (self.moved or self.lost or self.gained)


def make_project(book: BookCase, book_dir: Path, target: Path) -> Path:
    """A project in `target` with `book_dir` as its imported text: this checkout's, or the mini one."""
    if book.name == "real":
        from sitebuild import copy_project

        return copy_project(target, book_dir)
    (target / "profiles").mkdir(parents=True)
    (target / "profiles" / "stalin-new-biography.yml").write_text(
        book.profile_path.read_text(encoding="utf-8"), encoding="utf-8")
    (target / "annotations").mkdir()
    for name, content in MINI_ANNOTATIONS.items():
        (target / "annotations" / name).write_text(textwrap.dedent(content), encoding="utf-8")
    (target / "docs").mkdir()
    shutil.copytree(book_dir, target / "docs" / "book")
    return target


def placements(project: Path) -> Placements:
    """Run `reader check` on `project` and read where each annotation landed."""
    checked = run_check(project, project / "docs")
    edition = checked.edition
    passages = {}
    for part in edition.book.parts:
        markdown = edition.book.part_markdown(part.slug)
        if markdown is None:
            continue
        tm = text_map(render_book_markdown(strip_front_matter(markdown)))
        for ann, match in edition.place(part.slug, tm).matches:
            passages[(part.slug, ann.id)] = " ".join(tm.text[match.start:match.end].split())
    return Placements(checked.annotations, checked.placed, passages, [p.text() for p in checked.errors])


def import_into(book: BookCase, source: Path, target: Path, form: str | None = None) -> Path:
    """`reader import` of `source` (any form) into `target`/book; returns that folder."""
    out = target / "book"
    import_book(source, out, book.profile_path, form=form)
    return out


def compare_placements(book: BookCase, form_file: Path, tmp: Path, form: str | None = None) -> PlacementDiff:
    """Import `form_file` and the paragraph text into tmp projects; compare what `reader check` places."""
    reference = placements(make_project(book, import_into(book, book.source, tmp / "ref-import"), tmp / "ref"))
    found = placements(make_project(book, import_into(book, form_file, tmp / "form-import", form), tmp / "form"))
    both = [(part, ident, text, found.passages[(part, ident)])
            for (part, ident), text in reference.passages.items() if (part, ident) in found.passages]
    moved = [entry for entry in both if _letters(entry[2]) != _letters(entry[3])]
    respelled = [entry for entry in both if entry[2] != entry[3] and entry not in moved]
    lost = sorted(set(reference.passages) - set(found.passages))
    gained = sorted(set(found.passages) - set(reference.passages))
    return PlacementDiff(found, reference, moved, lost, gained, respelled)


def _letters(text: str) -> str:
    """A passage's letters and digits: a hyphen repaired otherwise ("non-political") is the same passage."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def manifest_parts(book_dir: Path) -> list[str]:
    return [p["slug"] for p in json.loads((book_dir / "manifest.json").read_text(encoding="utf-8"))["parts"]]
