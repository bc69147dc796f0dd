"""Structure rules on small invented editions: headings, numbers, notes, front matter."""
from __future__ import annotations

import subprocess
import sys

import pytest

from annotated_reader.importer import import_text, parse_profile
from annotated_reader.importer.frontmatter import parse_contents, parse_title_page
from annotated_reader.importer.model import Block, Line
from annotated_reader.importer.notes import parse_notes
from annotated_reader.importer.paragraphs import JoinRules
from annotated_reader.importer.source import blocks_of, split_lines

PROFILE = parse_profile("""
contents_heading: null
text: {abbreviations: [vol]}
parts:
  - {slug: opening, title: Opening, kind: front, heading: OPENING, notes: Opening}
  - {slug: roads, title: Roads, kind: chapter, number: 1, heading: ROADS, notes: Chapter 1. Roads}
""", "p.yml")


def edition(roads_heading: str, body: str = "The road was long.¹", notes: str = "1. A note.") -> str:
    return (f"OPENING\n\nA start.¹\n\n{roads_heading}\n\n{body}\n\nNOTES\n\nOpening\n\n1. First.\n\n"
            f"Chapter 1. Roads\n\n{notes}\n")


@pytest.mark.parametrize("heading, repaired", [
    ("1 ROADS", None),
    ("1. ROADS", None),
    ("1\n\nROADS", 'heading "ROADS" printed without its number: chapter 1, as the profile give it; the lone '
                   '"1" at line 5 is taken as its number'),
    ("ROADS", 'heading "ROADS" printed without its number: chapter 1, as the profile give it'),
])
def test_chapter_number_printed_or_supplied(heading, repaired):
    result = import_text(edition(heading), PROFILE, "e.txt")
    assert result.problems == []
    assert result.parts[1].number == 1
    assert "number: 1\n" in result.files["roads.md"]
    details = [r.detail for r in result.repairs if r.kind == "heading-number"]
    assert details == ([repaired] if repaired else [])
    assert "\n1\n" not in result.files["opening.md"]  # the lone number is not left in the part before


def test_printed_number_disagreeing_with_the_profile():
    result = import_text(edition("2 ROADS"), PROFILE, "e.txt")
    assert [p.text() for p in result.problems] == [
        'e.txt:5:1: error: [heading-number] heading of part "roads" is numbered 2, the profile says 1 '
        "Correct the part's `number` in the profile."]


def test_import_text_is_pure_and_reports_empty_text():
    result = import_text("  \n", PROFILE, "e.txt")
    assert not result.ok and result.files == {}
    assert result.problems[0].message == "the source text is empty"


def _notes(*texts: str) -> list[Block]:
    """Blocks as the importer makes them from texts separated by blank lines."""
    return blocks_of(split_lines("\n\n".join(texts)))


def test_notes_paragraphs_page_cuts_and_groups():
    repairs, problems = [], []
    section = parse_notes(_notes(
        "Opening",
        "1. First note.\n2. Second note, in",
        "two parts cut by a page.\nA second paragraph of note 2.",
        "A third paragraph.",
        "3. Ledgers, vol.",
        "4 (1868), fol. 9.",
        "Chapter 1. Roads",
        "1. Only note.",
    ), list(PROFILE.parts), JoinRules(frozenset({"vol"})), "e.txt", 1, repairs, problems)
    assert problems == []
    opening = section.notes["opening"]
    assert [(n.number, n.paragraphs) for n in opening] == [
        (1, ["First note."]),
        (2, ["Second note, in two parts cut by a page.", "A second paragraph of note 2.", "A third paragraph."]),
        (3, ["Ledgers, vol. 4 (1868), fol. 9."]),
    ]
    assert [n.number for n in section.notes["roads"]] == [1]
    assert [r.kind for r in repairs] == ["join", "join"]


def test_notes_problems():
    problems = []
    parse_notes(_notes("Stray text.", "Opening", "1. One.", "3. Three."), list(PROFILE.parts),
                JoinRules(), "e.txt", 9, [], problems)
    assert [p.text() for p in problems] == [
        'e.txt:1:1: error: [notes-orphan-text] text under NOTES before the first part\'s group heading '
        'The first group should read "Opening".',
        'e.txt:7:1: error: [notes-sequence] note numbered 3 under "Opening" where note 2 was expected '
        "Renumber the note or add the missing one.",
        'e.txt:9:1: error: [notes-group-missing] the notes of part "roads" are missing: no line under NOTES '
        "reads \"Chapter 1. Roads\" Check the export, or the part's `notes` in the profile (profile line 6).",
    ]


def test_title_page_prefers_mixed_case_and_profile_overrides():
    lines = [Line(i, t) for i, t in enumerate([
        "THE SALT ROAD", "Translated by Tomas Varga", "THE SALT ROAD", "A HISTORY OF CARAVANS", "MARTA ELLINGSEN",
        "Translated by TOMAS VARGA", "Harbor STREET PRESS", "Bergen", "2019"], 1)]
    profile = parse_profile("book: {city: Leeds}\ntitle_case: {small_words: [of]}\n"
                            "parts: [{slug: a, title: A, kind: front, heading: A}]\n")
    assert parse_title_page(lines, profile) == {
        "title": "The Salt Road", "subtitle": "A History of Caravans", "author": "Marta Ellingsen",
        "translator": "Tomas Varga", "publisher": "Harbor Street Press", "city": "Leeds", "year": 2019}


def test_contents_entries():
    entries = parse_contents([Line(1, "Preface ix"), Line(2, "1. WINTER ROADS 9"), Line(3, "Patient Number 1 189"),
                              Line(4, "Illustrations follow page 40")])
    assert [(e.title, e.number, e.page) for e in entries] == [
        ("Preface", None, "ix"), ("WINTER ROADS", 1, "9"), ("Patient Number 1", None, "189"),
        ("Illustrations follow page", None, "40")]


def test_core_does_not_import_mkdocs():
    code = "import sys, annotated_reader.importer, annotated_reader.cli; print('mkdocs' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"
