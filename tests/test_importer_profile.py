"""The book profile: validation with file:line problems, and the part contract of the real profile."""
from __future__ import annotations

from pathlib import Path

import pytest

from annotated_reader.importer import default_profile_path, load_profile
from annotated_reader.importer.profile import ProfileError, parse_profile

PART = "parts:\n  - {slug: a, title: A, kind: front, heading: A}\n"


@pytest.mark.parametrize("text, expected", [
    ("parts: [\n  - slug: a\n", ["p.yml:2:3: error: [profile-yaml] the profile is not valid YAML: expected the "
                                 "node content, but found '-'"]),
    ("", ["p.yml:1:1: error: [profile-empty] the profile is empty It needs at least `parts:`."]),
    ("- a\n", ["p.yml:1:1: error: [profile-type] `profile` must be a mapping of keys to values"]),
    ("partz: []\n", ['p.yml:1:1: error: [profile-key] unknown key "partz" in profile Did you mean "parts"?',
                     'p.yml:1:1: error: [profile-key] profile: missing key "parts"']),
    ("parts:\n  - slug: preface\n    title: Preface\n    kind: front\n",
     ['p.yml:2:5: error: [profile-key] parts[0]: missing key "heading"']),
    ("parts:\n  - {slug: Preface Part, title: P, kind: front, heading: P}\n",
     ['p.yml:2:12: error: [profile-value] parts[0]: slug "Preface Part" must be lower-case words joined by '
      "hyphens (it becomes the file name)"]),
    (PART + "  - {slug: a, title: B, kind: front, heading: B}\n",
     ['p.yml:3:12: error: [profile-duplicate] parts[1]: slug "a" is already used by parts[0]']),
    ("parts:\n  - {slug: a, title: A, kind: chapter, heading: A}\n",
     ["p.yml:2:5: error: [profile-key] parts[0]: a chapter needs a `number`"]),
    ("parts:\n  - {slug: a, title: A, kind: chapter, heading: A, number: one}\n",
     ['p.yml:2:60: error: [profile-type] `parts[0].number` must be an integer, not "one"']),
    ("parts:\n  - {slug: a, title: A, kind: chaptre, heading: A, number: 1}\n",
     ['p.yml:2:31: error: [profile-value] parts[0]: kind "chaptre" is not one of front, interlude, chapter, '
      'epilogue Did you mean "chapter"?']),
    ("text:\n  abbreviations: [no, p]\n" + PART,
     ['p.yml:2:19: error: [profile-type] `text.abbreviations[0]` must be a non-empty string, not a boolean '
      'Quote it: "no".']),
    ("text:\n  hyphen_default: maybe\n" + PART,
     ['p.yml:2:19: error: [profile-value] text.hyphen_default must be "join" or "keep", not "maybe"']),
    ("plates: {max_gap: 3}\n" + PART, ['p.yml:1:9: error: [profile-key] plates: missing key "credit"']),
    ("notes_heading: 7\n" + PART, ["p.yml:1:16: error: [profile-type] `notes_heading` must be a non-empty "
                                   "string, not an integer"]),
])
def test_broken_profiles_name_file_line_and_column(text, expected):
    with pytest.raises(ProfileError) as failure:
        parse_profile(text, "p.yml")
    assert [p.text() for p in failure.value.problems] == expected


def test_missing_profile_file(tmp_path):
    with pytest.raises(ProfileError) as failure:
        load_profile(tmp_path / "none.yml", "none.yml")
    assert [p.text() for p in failure.value.problems] == [
        "none.yml:1:1: error: [profile-missing] the profile does not exist "
        "Pass --profile PATH, or create profiles/<book>.yml."]


def test_defaults_of_a_minimal_profile():
    profile = parse_profile(PART, "p.yml")
    assert profile.notes_heading == "NOTES" and profile.section_marker == "■ "
    assert profile.line_start_artefacts == ("- ",) and profile.hyphen_default == "join"
    assert profile.parts[0].line == 2


CONTRACT = [
    ("preface", "Preface", "front", None),
    ("seats-of-power", "The Seats of Stalin’s Power", "interlude", None),
    ("before-the-revolution", "Before the Revolution", "chapter", 1),
    ("bulwarks-of-power", "The Bulwarks of Stalin’s Power", "interlude", None),
    ("in-lenins-shadow", "In Lenin’s Shadow", "chapter", 2),
    ("world-of-reading", "A World of Reading and Contemplation", "interlude", None),
    ("his-revolution", "His Revolution", "chapter", 3),
    ("trepidation", "Trepidation in the Inner Circle", "interlude", None),
    ("terror-and-impending-war", "Terror and Impending War", "chapter", 4),
    ("patient-number-1", "Patient Number 1", "interlude", None),
    ("stalin-at-war", "Stalin at War", "chapter", 5),
    ("family", "Family", "interlude", None),
    ("the-generalissimo", "The Generalissimo", "chapter", 6),
    ("dictatorship-collapses", "The Dictatorship Collapses", "interlude", None),
    ("the-funeral", "The Funeral: The Vozhd, the System, and the People", "epilogue", None),
]


def test_book_profile_holds_the_part_contract():
    path = default_profile_path()
    assert path == Path(__file__).resolve().parents[1] / "profiles" / "stalin-new-biography.yml"
    profile = load_profile(path)
    assert [(p.slug, p.title, p.kind, p.number) for p in profile.parts] == CONTRACT
    assert all(p.notes for p in profile.parts)
