"""Golden-file tests: the invented mini edition imported end to end.

tests/fixtures/importer/mini-edition.txt is ORIGINAL text in the export's
format, with every feature the real book has (page-cut paragraphs and words,
plates inside a paragraph, verse, an OCR-slipped marker, a heading without its
number, multi-paragraph notes cut by a page break). The produced files must
match tests/golden/importer/ exactly; `pytest --update-golden` rewrites them.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotated_reader.importer import import_book, import_text, load_profile

HERE = Path(__file__).parent / "fixtures" / "importer"
EDITION = HERE / "mini-edition.txt"
PROFILE = HERE / "mini-profile.yml"
FILES = ["preface.md", "merchants-ledger.md", "winter-roads.md", "salt-tax.md", "last-caravan.md",
         "illustrations.md", "manifest.json", "import-report.json"]


@pytest.fixture(scope="module")
def mini():
    profile = load_profile(PROFILE, "mini-profile.yml")
    return import_text(EDITION.read_text(encoding="utf-8"), profile, "mini-edition.txt")


def test_mini_edition_imports_without_problems(mini):
    assert mini.problems == []
    assert sorted(mini.files) == sorted(FILES)


@pytest.mark.parametrize("name", FILES)
def test_golden(mini, golden, name):
    golden(f"importer/{name}", mini.files[name])


def test_report_accounts_for_every_word_and_note(mini):
    report = mini.report
    assert report["notes_total"] == report["notes_linked"] == 23
    assert report["notes_unresolved"] == 0 and report["unresolved"] == []
    assert report["words_equal"] and report["words_in"] == report["words_out"]
    assert report["words_in_raw"] - report["hyphenated_words_rejoined"] == report["words_in"]
    assert report["plates"]["words_in"] == report["plates"]["words_out"]
    assert report["repair_counts"] == {"join": 10, "dehyphenate": 3, "keep-hyphen": 1, "marker": 1,
                                       "artefact": 12, "plates": 1, "heading-number": 1}


def test_manifest_lists_parts_in_reading_order(mini):
    manifest = json.loads(mini.files["manifest.json"])
    assert [p["slug"] for p in manifest["parts"]] == [
        "preface", "merchants-ledger", "winter-roads", "salt-tax", "last-caravan"]
    assert [p["number"] for p in manifest["parts"]] == [None, None, 1, 2, None]
    assert manifest["book"] == {"title": "The Salt Road", "subtitle": "A History of the Northern Caravans",
                                "author": "Marta K. Ellingsen", "translator": "Tomas Ruud Varga",
                                "publisher": "Harbor Street Press", "city": "Bergen and Leeds", "year": 2019}
    sections = manifest["parts"][2]["sections"]
    assert [s["id"] for s in sections] == ["the-frozen-fjord", "spring", "who-paid-the-nscs-tolls", "spring-2"]


def test_import_book_writes_the_files_and_removes_stale_ones(tmp_path):
    out = tmp_path / "book"
    out.mkdir()
    (out / "manifest.json").write_text(json.dumps({"parts": [{"file": "old-part.md"}]}), encoding="utf-8")
    (out / "old-part.md").write_text("stale", encoding="utf-8")
    (out / "notes-by-hand.md").write_text("not ours", encoding="utf-8")
    report = import_book(EDITION, out, PROFILE)
    assert report["words_equal"]
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES + ["notes-by-hand.md"])
