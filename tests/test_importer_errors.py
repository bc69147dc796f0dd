"""Error cases of `reader import`: each is a `file:line:col` problem, exit code 1, and no output.

The broken editions are made from the invented mini edition by small edits.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from annotated_reader.cli import main

HERE = Path(__file__).parent / "fixtures" / "importer"
EDITION = (HERE / "mini-edition.txt").read_text(encoding="utf-8")
PROFILE = str(HERE / "mini-profile.yml")
NOTHING_WRITTEN = "reader import: {n} problem(s); nothing was written."


def run(capsys, source: Path, *extra: str) -> tuple[int, list[str]]:
    out = source.parent / "out"
    code = main(["import", str(source), "--profile", PROFILE, "--out", str(out), *extra])
    err = capsys.readouterr().err.splitlines()
    assert not out.exists(), "a failed import must not write anything"
    return code, err


def edition(tmp_path: Path, old: str | None = None, new: str = "", *, data: bytes | None = None) -> Path:
    path = tmp_path / "book.txt"
    if data is not None:
        path.write_bytes(data)
    else:
        assert old is None or old in EDITION
        path.write_text(EDITION.replace(old, new) if old else EDITION, encoding="utf-8")
    return path


def test_missing_file(tmp_path, capsys):
    code, err = run(capsys, tmp_path / "nowhere.txt")
    assert code == 1
    assert err == [f"{tmp_path / 'nowhere.txt'}:1:1: error: [source-missing] the source text does not exist "
                   "Pass the path of your plain-text copy of the book: reader import PATH.",
                   NOTHING_WRITTEN.format(n=1)]


def test_empty_file(tmp_path, capsys):
    source = edition(tmp_path, data=b"\n  \n")
    code, err = run(capsys, source)
    assert code == 1
    assert err[0] == (f"{source}:1:1: error: [source-empty] the source text is empty "
                      "Export the book again; the import needs its full text.")


def test_non_utf8_file_names_offset_line_and_column(tmp_path, capsys):
    source = edition(tmp_path, data="THE SALT ROAD\nCaf\xe9 au lait\n".encode("latin-1"))
    code, err = run(capsys, source)
    assert code == 1
    assert err[0] == (f"{source}:2:4: error: [source-encoding] the source text is not UTF-8: byte 0xe9 at "
                      "offset 17 (line 2, column 4) cannot be decoded Save the export as UTF-8, e.g. "
                      "iconv -f cp1252 -t utf-8 book.txt > book-utf8.txt.")


# Edits of the mini edition that each make `reader import` refuse with one problem: its id -> the edit.
ONE_PROBLEM = {
    "notes-missing": ("\nNOTES\n", "\nAFTERWORD\n"),
    "note-without-marker": ("and then silence.⁸", "and then silence."),
    "marker-without-note": ("closed that spring.", "closed that spring.³"),
    "heading-not-found": ("\nTHE SALT TAX\n", "\nTHE SALT TAXES\n"),
    "contents-number": ("2. THE SALT TAX 31", "3. THE SALT TAX 31"),
}
# The problem each prints, word for word ({source}: the edited copy, {last}: its last line, {profile}: the profile).
PRINTED = """\
{source}:{last}:1: error: [notes-missing] no NOTES section: no line after the last part reads "NOTES", so the note markers cannot be linked Check that the export is complete, or set `notes_heading` in the profile.
{source}:196:1: error: [note-without-marker] note 8 of part "Winter Roads" has no marker ⁸ in the part's text Check the note number, or the superscript in the text (an OCR slip?).
{source}:166:165: error: [marker-without-note] marker ³ in part "The Last Caravan: Roads, Rulers, and Riders" has no note 3 under "The Last Caravan" in the notes Check the superscript against the notes (an OCR slip?).
{source}:70:1: error: [heading-not-found] heading "THE SALT TAX" of part "salt-tax" not found after line 70 Did you mean "THE SALT TAXES"? The profile declares it at {profile}:31.
{source}:34:1: error: [contents-number] the contents number "The Salt Tax" 3, the profile 2 Make the profile's `number` match the book.
"""


@pytest.mark.parametrize("ident", ONE_PROBLEM)
def test_one_problem_and_nothing_written(tmp_path, capsys, ident):
    source = edition(tmp_path, *ONE_PROBLEM[ident])
    code, err = run(capsys, source)
    last = len(source.read_text(encoding="utf-8").rstrip("\n").split("\n"))
    expected = next(line for line in PRINTED.splitlines() if f": error: [{ident}] " in line)
    assert code == 1
    assert err == [expected.format(source=source, last=last, profile=PROFILE), NOTHING_WRITTEN.format(n=1)]


def test_last_marker_misread_is_repaired_by_the_note_count(tmp_path, capsys):
    source = edition(tmp_path, "where they waited for a reader.²", "where they waited for a reader.²³")
    code = main(["import", str(source), "--profile", PROFILE, "--out", str(tmp_path / "out")])
    assert code == 0
    assert "marker 2," in capsys.readouterr().out


def test_missing_note_is_a_sequence_problem_and_an_orphan_marker(tmp_path, capsys):
    source = edition(tmp_path, "4. *Songs of the Road*, p. 18.\n", "")
    code, err = run(capsys, source)
    assert code == 1
    assert [line.split(": error: ")[1].split("]")[0] for line in err[:-1]] == [
        "[marker-without-note", "[notes-sequence"]


def test_broken_profile_is_reported_with_its_line(tmp_path, capsys):
    profile = tmp_path / "broken.yml"
    profile.write_text("parts:\n  - slug: preface\n    title: Preface\n    kind: prologue\n    heading: PREFACE\n",
                       encoding="utf-8")
    source = edition(tmp_path)
    code = main(["import", str(source), "--profile", str(profile), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err.splitlines()
    assert code == 1
    assert err == [f'{profile}:4:11: error: [profile-value] parts[0]: kind "prologue" is not one of front, '
                   "interlude, chapter, epilogue Did you mean \"epilogue\"?", NOTHING_WRITTEN.format(n=1)]


def test_unwritable_output_folder(tmp_path, capsys):
    blocker = tmp_path / "out"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    code = main(["import", str(edition(tmp_path)), "--profile", PROFILE, "--out", str(blocker)])
    assert code == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        f"{blocker}:1:1: error: [output-unwritable] the output folder cannot be written: File exists "
        "Pass --out with a folder you can write to.")


def test_success_prints_the_summary(tmp_path, capsys):
    source = edition(tmp_path)
    code = main(["import", str(source), "--profile", PROFILE, "--out", str(tmp_path / "out")])
    out = capsys.readouterr().out
    assert code == 0
    assert "notes linked: 23/23, unresolved: 0" in out
    assert "words in == words out: yes (1,024 = 1,024; 1,028 source words, 4 cut by a page break and rejoined)" \
        in out
    assert (tmp_path / "out" / "winter-roads.md").is_file()


@pytest.mark.parametrize("name, data", [("missing.txt", None), ("binary.txt", b"\xff\xfe\x00bad")])
def test_cli_subprocess_exits_1_without_traceback(tmp_path, name, data):
    source = tmp_path / name
    if data is not None:
        source.write_bytes(data)
    proc = subprocess.run([sys.executable, "-m", "annotated_reader.cli", "import", str(source), "--profile",
                           PROFILE, "--out", str(tmp_path / "out")], capture_output=True, text=True)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith(f"{source}:1:1: error: [source-")
    assert proc.stderr.rstrip().endswith(NOTHING_WRITTEN.format(n=1))
