"""`reader profile`: a profile drafted from a book's EPUB navigation or text contents loads and imports the book.

The mini book's hand-written profile (fixtures/importer/mini-profile.yml) is
the reference: a draft must find the same parts in the same order with the same
numbers, headings, subtitles and notes groups, guess the kinds it cannot know
(and say so in a comment), and import the book it was drafted from to the same
Markdown as the hand-written profile.
"""
from __future__ import annotations

import pytest

from annotated_reader.cli import main
from annotated_reader.importer import load_profile, parse_profile
from annotated_reader.importer.draft_profile import draft_profile
from annotated_reader.importer.notes import normalize_name
from bookforms import import_form, mini_book, real_book  # noqa: F401 (fixtures)
from bookforms.epub import VARIANTS


def _facts(profile):
    return [(p.kind, p.number, normalize_name(p.heading), normalize_name(p.subtitle or ""), normalize_name(p.notes or ""))
            for p in profile.parts]


def _draft(path):
    text, problems = draft_profile(path.read_bytes(), str(path))
    assert problems == [] and text is not None
    return text, parse_profile(text, "draft.yml")


def test_draft_from_the_text_matches_the_hand_written_profile(mini_book):
    text, profile = _draft(mini_book.source)
    assert _facts(profile) == _facts(mini_book.profile)
    assert [p.slug for p in profile.parts] == [p.slug for p in mini_book.profile.parts]
    assert profile.plate_credit == mini_book.profile.plate_credit
    assert set(profile.contents_skip) == set(mini_book.profile.contents_skip)
    assert "kind: interlude  # CHECK" in text  # a guessed kind says so


def test_draft_from_the_text_imports_the_text(mini_book):
    _, profile = _draft(mini_book.source)
    copy, result = import_form(mini_book.source, profile)
    assert result.problems == []
    assert result.report["notes_linked"] == 23
    for name, content in mini_book.result.files.items():
        if name.endswith(".md"):
            assert result.files[name] == content, name


@pytest.mark.parametrize("variant", VARIANTS)
def test_draft_from_the_epub_imports_the_epub(mini_book, variant):
    path = mini_book.form("epub", variant=variant)
    text, profile = _draft(path)
    expected = _facts(mini_book.profile)
    if variant != "epub3":  # these print the full title as the heading, without a subtitle line
        expected[-1] = ("epilogue", None, "the last caravan: roads, rulers, and riders", "", "the last caravan")
    assert _facts(profile) == expected
    assert "Acknowledgments" in profile.contents_skip
    copy, result = import_form(path, profile)
    assert copy.problems == [] and result.problems == []
    assert result.report["notes_linked"] == 23
    for name, content in mini_book.result.files.items():
        if name.endswith(".md"):
            assert result.files[name] == content, name


@pytest.mark.parametrize("options", [{}, {"markers": "plain", "blank_lines": False}])
def test_draft_from_wrapped_text_imports_it(mini_book, options):
    """A hard-wrapped text is unwrapped first, so running heads never pass for part headings."""
    path = mini_book.form("wrapped", **options)
    _, profile = _draft(path)
    assert _facts(profile) == _facts(mini_book.profile)
    copy, result = import_form(path, profile)
    _, reference = import_form(path, mini_book.profile)  # the same file with the hand-written profile
    assert result.problems == [] and len(result.parts) == 5
    for name, content in reference.files.items():
        if name.endswith(".md"):
            assert result.files[name] == content, name


def test_reader_profile_writes_once_and_never_overwrites(mini_book, tmp_path, capsys):
    out = tmp_path / "draft.yml"
    assert main(["profile", str(mini_book.form("epub", variant="epub3")), "--out", str(out)]) == 0
    drafted = out.read_text(encoding="utf-8")
    profile = load_profile(out)  # the written draft loads as it is and imports the book it came from
    assert _facts(profile) == _facts(mini_book.profile)
    assert import_form(mini_book.form("epub", variant="epub3"), profile)[1].report["notes_linked"] == 23
    assert main(["profile", str(mini_book.source), "--out", str(out)]) == 1
    assert "[profile-exists]" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == drafted


@pytest.mark.parametrize("out", [None, "draft.yml"])
def test_reader_profile_shows_the_warnings_reader_import_shows(mini_book, tmp_path, capsys, out):
    """A copy that lacks a file its text does not need (here the plate's image) is still drafted from,
    and `reader profile` names what is missing as `reader import` does: file:line:col warnings, on
    stderr (stdout, without --out, is the draft alone)."""
    source = tmp_path / "book.epub"
    source.write_bytes(mini_book.form("epub", variant="epub3", lacking="image").read_bytes())
    assert main(["profile", str(source)] + (["--out", str(tmp_path / out)] if out else [])) == 0
    printed = capsys.readouterr()
    expected = [p.text() for p in import_form(source, mini_book.profile)[0].problems]  # what the import finds
    assert len(expected) == 1 and expected[0].startswith(f"{source}/OEBPS/images/plate.png:1:1: warning: "
                                                         "[epub-missing-resource] ")
    assert [line for line in printed.err.splitlines() if ": warning: " in line] == expected
    drafted = (tmp_path / out).read_text(encoding="utf-8") if out else printed.out
    assert _facts(parse_profile(drafted, "draft.yml")) == _facts(mini_book.profile)


@pytest.mark.parametrize("data, ident", [(b"%PDF-1.7\n", "profile-draft-form"),
                                         (b"PK\x03\x04" + b"\x00" * 30, "epub-damaged"),
                                         (b"A text\n\nwithout any contents list.\n", "profile-draft-contents")])
def test_what_cannot_be_drafted_is_said(data, ident, tmp_path, capsys):
    source = tmp_path / "book.bin"
    source.write_bytes(data)
    assert main(["profile", str(source)]) == 1
    assert f"[{ident}]" in capsys.readouterr().err


@pytest.mark.real_text
def test_real_drafts_import_the_real_book(real_book):
    _, from_text = _draft(real_book.source)
    assert len(from_text.parts) == 15
    assert _facts(from_text) == _facts(real_book.profile)  # kinds guessed right too
    _, result = import_form(real_book.source, from_text)
    assert result.problems == [] and result.report["notes_linked"] == 873
    assert result.report["words_out"] == real_book.result.report["words_out"]
    epub = real_book.form("epub", variant="epub3")
    _, from_epub = _draft(epub)
    assert _facts(from_epub) == _facts(real_book.profile)
    copy, result = import_form(epub, from_epub)
    assert copy.problems == [] and result.problems == []
    assert len(result.parts) == 15 and result.report["notes_linked"] == 873
