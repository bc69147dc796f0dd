"""`reader import-annotations` of a reader's notes (the site's "Export my notes"): new entries, appended as text.

Runs on the ORIGINAL mini book (tests/minibook.py); the notes are written here the way
docs/assets/notes/notes.js exports them.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotated_reader.cli import main
from annotated_reader.export.notes import append_entries, fresh_id
from annotated_reader.notes import GENERATOR

from minibook import ANNOTATIONS, make_project

BOOK = "urn:annotated-reader:stalin-new-biography"


def note(ident: str, part: str, quote: str, body: str, prefix: str = "", kind: str = "context", creator: str = "",
         tags: tuple = ()) -> dict:
    selector = {"type": "TextQuoteSelector", "exact": quote}
    if prefix:
        selector["prefix"] = prefix
    item = {"id": f"{BOOK}:ann:note-{ident}", "type": "Annotation", "motivation": "commenting", "schema:genre": kind,
            "body": [{"type": "TextualBody", "purpose": "commenting", "format": "text/html", "language": "en",
                      "value": f"<p>{body}</p>", "schema:text": body + "\n"}]
            + [{"type": "TextualBody", "purpose": "tagging", "value": t} for t in tags],
            "target": {"source": f"{BOOK}#{part}", "selector": [selector, {"type": "TextPositionSelector", "start": 0, "end": 1}]},
            "created": "2026-12-01T10:00:00.000Z"}
    if creator:
        item["creator"] = {"type": "Person", "name": creator}
    return item


def notes_file(path: Path, items: list[dict]) -> Path:
    path.write_text(json.dumps({"@context": "http://www.w3.org/ns/anno.jsonld", "id": f"{BOOK}:reader-notes",
                                "type": "AnnotationCollection", "generator": {"type": "Software", "name": GENERATOR},
                                "total": len(items), "first": {"id": f"{BOOK}:reader-notes:page:1", "type": "AnnotationPage",
                                                               "startIndex": 0, "items": items}}), encoding="utf-8")
    return path


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.delenv("READER_PROFILE", raising=False)
    return make_project(tmp_path / "mini")


def test_notes_become_new_entries_and_check_passes(project, tmp_path, capsys):
    before = (project / "annotations" / "mini-chapter.yml").read_text(encoding="utf-8")
    path = notes_file(tmp_path / "my-notes.jsonld", [
        note("a1", "mini-chapter", "Nobody in the Politburo doubted", "My own remark on the doubt.", tags=("doubt",)),
        note("b2", "mini-chapter", "Ivanov", "Which Ivanov? [A link](https://example.org/ivanov).", prefix="Comrade",
             kind="person", creator="Reader From The Export"),
        note("c3", "other-chapter", "A short interlude", "An interlude note.")])
    assert main(["import-annotations", str(path), "--root", str(project), "--author", "Test Contributor"]) == 0
    out = capsys.readouterr().out
    assert "added 3 as new annotations" in out
    after = (project / "annotations" / "mini-chapter.yml").read_text(encoding="utf-8")
    assert after.startswith(before), "existing lines must stay exactly as they were"
    added = after[len(before):]
    assert "id: nobody-in-the-politburo-doubted\n" in added and "id: ivanov\n" in added
    assert added.count("author: Test Contributor") == 2 and "Reader From The Export" not in added  # --author wins
    assert "prefix: Comrade" in added and "tags: [doubt]" in added
    created = (project / "annotations" / "other-chapter.yml").read_text(encoding="utf-8")
    assert created.splitlines()[1] == "part: other-chapter" and "id: a-short-interlude" in created
    assert main(["check", "--root", str(project)]) == 0, capsys.readouterr()


def test_author_comes_from_the_export_without_the_option(project, tmp_path, capsys):
    path = notes_file(tmp_path / "n.jsonld", [note("x", "mini-chapter", "Nobody in the Politburo doubted", "Text.", creator="Ann Reader")])
    assert main(["import-annotations", str(path), "--root", str(project)]) == 0
    assert "author: Ann Reader" in (project / "annotations" / "mini-chapter.yml").read_text(encoding="utf-8")


def test_a_note_that_no_longer_places_or_overlaps_is_reported_not_written(project, tmp_path, capsys):
    before = (project / "annotations" / "mini-chapter.yml").read_text(encoding="utf-8")
    path = notes_file(tmp_path / "n.jsonld", [
        note("gone", "mini-chapter", "the tractor question", "Text that changed."),
        note("over", "mini-chapter", "raised the grain question again", "Overlaps mini-grain."),
        note("fine", "mini-chapter", "kept the letter for many years", "Placed.")])
    assert main(["import-annotations", str(path), "--root", str(project)]) == 0
    captured = capsys.readouterr()
    assert "not written" in captured.err and 'overlaps the annotation "mini-grain"' in captured.err
    assert "the tractor question" in captured.err and "n.jsonld:" in captured.err
    assert "2 not written" in captured.out
    after = (project / "annotations" / "mini-chapter.yml").read_text(encoding="utf-8")
    assert after.startswith(before) and "tractor" not in after and "Overlaps" not in after
    assert "id: kept-the-letter-for-many" in after
    assert main(["check", "--root", str(project)]) == 0


def test_only_unplaceable_notes_exit_with_problems(project, tmp_path, capsys):
    path = notes_file(tmp_path / "n.jsonld", [note("gone", "mini-chapter", "the tractor question", "Changed.")])
    assert main(["import-annotations", str(path), "--root", str(project)]) == 1
    assert "added 0" in capsys.readouterr().out


def test_fresh_ids_are_unique_and_plain():
    taken = {"the-grain-question"}
    assert fresh_id("The grain question", taken) == "the-grain-question-2"
    assert fresh_id("Café “déjà” vu — again and again and again", taken) == "cafe-deja-vu-again-and"
    assert fresh_id("…", taken) == "note"


def test_entries_go_before_later_keys_and_keep_comments():
    existing = ("part: mini-chapter\n# a comment on the list\nannotations:\n    - id: first\n      anchor: {quote: x}\n"
                "      kind: context\n      body: |\n        Body.\n        # not a comment: body text\n\n# about questions\n"
                "questions:\n  - Why?\n")
    text, reason = append_entries("mini-chapter", [{"id": "new-one", "anchor": {"quote": "y"}, "kind": "term", "body": "New.\n"}], existing)
    assert reason == ""
    assert text.startswith(existing.split("\n# about questions")[0])
    assert "    - id: new-one\n" in text and text.index("new-one") < text.index("# about questions") < text.index("questions:")
    empty, _ = append_entries("mini-chapter", [{"id": "n", "anchor": {"quote": "y"}, "kind": "term", "body": "B"}], "part: mini-chapter\nannotations:\n")
    assert "annotations:\n  - id: n\n" in empty
    flow, why = append_entries("mini-chapter", [{"id": "n", "anchor": {"quote": "y"}, "kind": "term", "body": "B"}],
                               "part: mini-chapter\nannotations: [{id: a, anchor: {quote: q}, kind: term, body: b}]\n")
    assert flow is None and "block list" in why


def test_the_layers_own_export_is_still_a_replace_not_an_append(project, tmp_path, capsys):
    out = tmp_path / "layer.jsonld"
    assert main(["export", "jsonld", "--root", str(project), "--out", str(out)]) == 0
    assert main(["import-annotations", str(out), "--root", str(project)]) == 0
    assert (project / "annotations" / "mini-chapter.yml").read_text(encoding="utf-8").count("- id:") == ANNOTATIONS.count("- id:")
