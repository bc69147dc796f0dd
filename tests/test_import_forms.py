"""Forms in general: detection, --form, errors every form shares, --compare, and placements across forms.

Inputs are the ORIGINAL mini book (tests/fixtures/importer) and forms generated
from it at test time; the real-text test generates the wrapped form from
READER_SOURCE into a tmp folder.
"""
from __future__ import annotations

import io
import json
import zipfile

import pytest

from annotated_reader.cli import main
from annotated_reader.importer.forms import detect_form
from annotated_reader.importer.forms.text import html_problem
from bookforms import MINI_PROFILE, MINI_TEXT, mini_book, real_book  # noqa: F401 (fixtures)
from bookforms.compare import compare_placements

PROFILE = str(MINI_PROFILE)
HTML = b"<!DOCTYPE html>\n<html><head><title>Download expired</title></head><body>Log in.</body></html>\n"


def run(capsys, source, *extra: str) -> tuple[int, str, str]:
    out = source.parent / "out"
    code = main(["import", str(source), "--profile", PROFILE, "--out", str(out), *extra])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# -- detection --------------------------------------------------------------------------------------

def test_detection_by_content(mini_book):
    wrapped = mini_book.form("wrapped", page_lines=6).read_bytes()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/epub+zip")
    assert detect_form(MINI_TEXT.read_bytes()) == "text"
    assert detect_form(wrapped) == "wrapped"
    assert detect_form(buffer.getvalue()) == "epub"
    assert detect_form(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n") == "pdf"
    assert detect_form(b"   %PDF-1.4\n") == "pdf"


def test_the_report_says_which_form_was_found_and_what_was_dropped(tmp_path, capsys, mini_book):
    source = tmp_path / "book.txt"
    source.write_bytes(mini_book.form("wrapped", markers="plain", page_lines=6).read_bytes())
    code, out, err = run(capsys, source)
    assert code == 0, err
    assert "form: wrapped (detected)" in out
    assert "page furniture dropped: form_feeds" in out
    assert "note markers found by: sequence 23" in out
    report = json.loads((tmp_path / "out" / "import-report.json").read_text(encoding="utf-8"))
    assert report["form"]["name"] == "wrapped" and report["form"]["markers"] == {"sequence": 23}
    assert report["form"]["furniture"]["running_heads"] > 0 and report["form"]["doubtful"] == []


def test_form_option_overrides_the_guess(tmp_path, capsys, mini_book):
    source = tmp_path / "book.txt"
    source.write_bytes(mini_book.form("wrapped", page_lines=6).read_bytes())
    code, out, err = run(capsys, source, "--form", "text")
    assert code == 1  # read as paragraph text, the page furniture breaks the layout
    assert "nothing was written" in err
    code, out, err = run(capsys, source, "--form", "wrapped")
    assert code == 0 and "form: wrapped (as asked with --form)" in out


# -- errors every form shares ----------------------------------------------------------------------

@pytest.mark.parametrize("name", ["book.txt", "book.pdf", "book.epub"])
def test_zero_byte_file(tmp_path, capsys, name):
    source = tmp_path / name
    source.write_bytes(b"")
    code, out, err = run(capsys, source)
    assert code == 1
    assert f"{source}:1:1: error: [source-empty]" in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("name, what", [("book.pdf", "not a PDF"), ("book.epub", "not an EPUB"),
                                        ("book.txt", "not a text export of the book")])
def test_html_posing_as_the_book(tmp_path, capsys, name, what):
    source = tmp_path / name
    source.write_bytes(HTML)
    code, out, err = run(capsys, source)
    assert code == 1
    assert f"{source}:1:1: error: [source-html] the file is an HTML web page, {what}" in err
    assert "download the book itself again" in err
    assert "Traceback" not in err and not (tmp_path / "out").exists()


def test_html_detection_needs_a_page_not_a_mention():
    assert html_problem("The <html> tag was not yet invented in 1930.", "book.txt") is None
    assert html_problem("<?xml version='1.0'?>\n<!-- saved -->\n<html lang='en'>", "b.pdf") is not None


# -- --compare ---------------------------------------------------------------------------------------

def test_compare_shows_word_differences_part_by_part(tmp_path, capsys, mini_book):
    other = tmp_path / "other"
    assert main(["import", str(MINI_TEXT), "--profile", PROFILE, "--out", str(other)]) == 0
    edited = other / "winter-roads.md"
    edited.write_text(edited.read_text(encoding="utf-8").replace("long poles", "longer poles"), encoding="utf-8")
    capsys.readouterr()
    source = tmp_path / "wrapped" / "book.txt"
    source.parent.mkdir()
    source.write_bytes(mini_book.form("wrapped", page_lines=6).read_bytes())
    code, out, err = run(capsys, source, "--compare", str(other))
    assert code == 0, err
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines() if line.startswith(("winter", "preface"))}
    assert rows["winter-roads"][2:] == ["1", "2"]  # one change, one word out and one in
    assert rows["preface"][2:] == ["0", "0"]
    assert "…testing the ice with [-long-] {+longer+} poles Those who fell…" in out


def test_compare_with_a_folder_that_is_no_import(tmp_path, capsys):
    code, out, err = run(capsys, MINI_TEXT, "--compare", str(tmp_path))
    assert code == 1
    assert "[compare-folder] not an import folder: manifest.json is missing" in err


# -- placements: the same annotations on the same passages from every form ---------------------------

def test_mini_wrapped_places_annotations_on_the_same_passages(tmp_path, mini_book):
    diff = compare_placements(mini_book, mini_book.form("wrapped", markers="plain", page_lines=6), tmp_path)
    assert diff.reference.placed == diff.reference.annotations == 7
    assert diff.form.placed == 7 and diff.same, (diff.moved, diff.lost, diff.gained)


@pytest.mark.real_text
@pytest.mark.parametrize("markers", ["superscript", "plain"])
def test_real_wrapped_places_888_on_the_same_passages(tmp_path, real_book, markers):
    diff = compare_placements(real_book, real_book.form("wrapped", markers=markers, blank_lines=False), tmp_path)
    assert diff.reference.placed == diff.reference.annotations == 888
    assert diff.form.placed == 888
    assert diff.same, (diff.moved[:3], diff.lost[:3], diff.gained[:3])
    # the same passages; a few are spelled a hyphen apart where a line-end cut was repaired otherwise
    assert len(diff.respelled) <= 5, diff.respelled


def test_a_text_export_with_plain_digit_markers_is_linked_by_sequence(tmp_path, capsys):
    from annotated_reader.importer.markers import SUPERSCRIPTS

    source = tmp_path / "book.txt"
    source.write_text(MINI_TEXT.read_text(encoding="utf-8").translate(str.maketrans(SUPERSCRIPTS, "0123456789")),
                      encoding="utf-8")
    code, out, err = run(capsys, source)
    assert code == 0, err
    assert "form: text (detected)" in out and "note markers found by: sequence 23" in out
    assert "notes linked: 23/23" in out


@pytest.mark.real_text
def test_real_text_with_plain_digit_markers_gives_the_same_book(real_book):
    from annotated_reader.importer import import_text
    from annotated_reader.importer.markers import SUPERSCRIPTS

    text = real_book.source.read_text(encoding="utf-8").translate(str.maketrans(SUPERSCRIPTS, "0123456789"))
    result = import_text(text, real_book.profile, str(real_book.source), marker_style="plain")
    assert result.report["notes_linked"] == 873 and result.report["plain_markers"]["unlinked_notes"] == []
    assert result.report["repair_counts"]["marker"] == 1  # the print edition's slip, repaired as from superscripts
    differing = [name for name, content in real_book.result.files.items()
                 if name.endswith(".md") and result.files[name] != content]
    assert differing == []


def test_wrapped_text_in_a_legacy_encoding_is_a_problem_at_its_byte(tmp_path, capsys, mini_book):
    data = mini_book.form("wrapped", page_lines=6).read_bytes().replace("Brandt's".encode(), b"Brandt\x92s", 1)
    source = tmp_path / "book.txt"
    source.write_bytes(data)
    line = data[:data.index(b"\x92")].count(b"\n") + 1
    code, out, err = run(capsys, source, "--form", "wrapped")
    assert code == 1
    assert f"{source}:{line}:" in err and "[source-encoding]" in err and "iconv" in err
