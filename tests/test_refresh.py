"""`reader check --refresh`: anchors placed on changed text are rewritten as a minimal diff; orphans never.

Annotations and timeline events carry the same anchors and are refreshed by the same code, with the
same guarantees; glossary, people and places entries have no anchors.
"""
from __future__ import annotations

import textwrap

import pytest

from annotated_reader.cli import main
from annotated_reader.refresh import rewrite_yaml
from minibook import PEOPLE, make_project

ORIGINAL = """\
---
title: The Mini Chapter
---

# The Mini Chapter

In the spring the vozhd raised the grain question again, and the commissar of supply was summoned to the Kremlin.

Later the commissar wrote to Comrade Ivanov about the quotas. The answer came within a week.

Ivanov kept the letter for many years, although he was told to burn it.
"""

# A corrected printing: a word's ending, a conjunction, a spelling, and one passage reworded.
EDITED = (ORIGINAL.replace("the grain question again", "the grain questions again")
          .replace("years, although he", "years, though he")
          .replace("the Kremlin.", "the Kremlyn.")
          .replace("Later the commissar", "Afterwards the commissar"))

LAYER = """\
part: mini-chapter
annotations:
  # the grain question recurs in later chapters
  - id: grain
    anchor:
      quote: the grain question   # keep it short
    kind: context
    body: Grain.
  - id: letter
    anchor:
      quote: "kept the letter for many years"
      prefix: Ivanov
      suffix: although he
    kind: context
    body: The letter.
  - id: commissar
    anchor: {quote: the commissar, prefix: Later}
    kind: person
    body: The commissar.
  - id: kremlin
    anchor: {quote: summoned to the Kremlin}
    kind: place
    body: The Kremlin.
"""

# What --refresh makes of it on EDITED: three anchors' values, and nothing else (the comments, the
# quoting and the orphan stay as they were).
REFRESHED = (
    LAYER.replace("      quote: the grain question   # keep it short\n",
                  "      quote: the grain questions   # keep it short\n      near: 2\n")
    .replace("      suffix: although he\n", "      suffix: though he\n      near: 4\n")
    .replace("{quote: summoned to the Kremlin}", "{quote: summoned to the Kremlyn, near: 2}"))


# Events anchored like the annotations above: a quote reworded, a context moved (flow and block
# mappings), an orphan (its prefix is gone), and an event with no anchor at all.
TIMELINE = """\
# Invented events of the mini book.
events:
  - id: summons
    date: "1928-01"
    event: The commissar is summoned.
    part: mini-chapter
    anchor: {quote: was summoned to the Kremlin}  # the meeting itself
  - id: report
    date: "1928-02"
    event: The commissar reports to Ivanov.
    part: mini-chapter
    anchor:
      quote: wrote to Comrade Ivanov
      prefix: Later the commissar
  - id: kept
    date: 1929
    event: Ivanov keeps the letter.
    part: mini-chapter
    anchor:
      # the years he kept it, not the letter
      quote: "for many years"
      suffix: although he was told
  - id: lost
    date: 1930
    event: The commissar is heard of no more.
    part: mini-chapter
    anchor: {quote: the commissar, prefix: Later}
  - id: unanchored
    date: 1931
    event: Nothing in the text.
    part: mini-chapter
"""

# What --refresh makes of it: three anchors' values, and nothing else.
TIMELINE_REFRESHED = (
    TIMELINE.replace("{quote: was summoned to the Kremlin}", "{quote: was summoned to the Kremlyn, near: 2}")
    .replace("      prefix: Later the commissar\n", "      prefix: Afterwards the commissar\n      near: 3\n")
    .replace("      suffix: although he was told\n", "      suffix: though he was told\n      near: 4\n"))

GLOSSARY = "terms:\n  - id: vozhd\n    term: vozhd\n    short: The leader.\n"


def project(tmp_path, text: str, timeline: str | None = None):
    files = {"glossary.yml": GLOSSARY, "people.yml": PEOPLE, "mini-chapter.yml": LAYER}
    root = make_project(tmp_path, annotations=files | ({"timeline.yml": timeline} if timeline else {}))
    (root / "docs/book/mini-chapter.md").write_text(text, encoding="utf-8")
    return root


def event_spans(root) -> dict[str, tuple[int, int, bool]]:
    """Event id -> where its anchor places on the imported mini chapter, and whether on changed text."""
    from annotated_reader.check import run_check

    result = run_check(root)
    placement = result.edition.place("mini-chapter", result.pages["mini-chapter"])
    return {e.id: (m.start, m.end, m.changed) for e, m in placement.events}


def test_refresh_rewrites_only_the_changed_anchors_in_place(tmp_path, capsys):
    root = project(tmp_path, EDITED)
    assert main(["check", "--root", str(root)]) == 1  # the reworded passage's annotation is an orphan (an error)
    err = capsys.readouterr().err
    assert "3/4 annotations placed, 1 unplaced" in err and "3 warning(s)" in err
    main(["check", "--root", str(root), "--refresh"])
    out, err = capsys.readouterr()
    assert (root / "annotations/mini-chapter.yml").read_text(encoding="utf-8") == REFRESHED
    assert out.startswith("--- a/annotations/mini-chapter.yml\n+++ b/annotations/mini-chapter.yml")  # the diff to review
    assert "3 anchor(s) rewritten in 1 file(s)" in err and "1 unplaced" in err
    main(["check", "--root", str(root)])
    err = capsys.readouterr().err
    assert "3/4 annotations placed, 1 unplaced" in err and "0 warning(s)" in err  # healed; the orphan stays listed


def test_refresh_rewrites_timeline_event_anchors_like_annotations(tmp_path, capsys):
    root = project(tmp_path, EDITED, TIMELINE)
    before = event_spans(root)
    assert sorted(before) == ["kept", "report", "summons"] and all(changed for *_, changed in before.values())
    capsys.readouterr()
    main(["check", "--root", str(root)])
    err = capsys.readouterr().err
    assert "3/4 timeline anchors placed, 1 unplaced" in err and "6 warning(s)" in err  # 3 annotations, 3 events
    warned = {line.split("[")[1].split("]")[0] for line in err.splitlines() if line.startswith("annotations/timeline.yml:")
              and ": warning: [" in line}
    assert warned == {"summons", "report", "kept"} and "error: [lost]" in err

    main(["check", "--root", str(root), "--refresh"])
    out, err = capsys.readouterr()
    # the quote reworded, the prefix and the suffix moved, near: added; the comments, the orphan and
    # the event without an anchor stay as they were, character for character
    assert (root / "annotations/timeline.yml").read_text(encoding="utf-8") == TIMELINE_REFRESHED
    assert (root / "annotations/mini-chapter.yml").read_text(encoding="utf-8") == REFRESHED
    assert "+++ b/annotations/timeline.yml" in out
    assert "6 anchor(s) rewritten in 2 file(s) (3 annotation(s), 3 timeline event(s)" in err
    assert "1 unplaced annotation(s) and 1 unplaced timeline anchor(s)" in err

    assert {ident: (start, end) for ident, (start, end, _) in event_spans(root).items()} == \
        {ident: (start, end) for ident, (start, end, _) in before.items()}  # exactly where they were
    main(["check", "--root", str(root)])
    err = capsys.readouterr().err
    assert "3/4 timeline anchors placed, 1 unplaced" in err and "0 warning(s)" in err and "error: [lost]" in err


def test_an_event_anchor_that_cannot_be_rewritten_is_left_alone_and_reported(tmp_path, capsys):
    timeline = ("events:\n  - id: long\n    date: 1928\n    event: A long quote.\n    part: mini-chapter\n"
                "    anchor:\n      quote: the vozhd raised the grain question again, and the commissar of supply\n")
    root = project(tmp_path, ORIGINAL.replace("raised the grain", "raised anew the grain"), timeline)  # 12 words -> 13
    main(["check", "--root", str(root), "--refresh"])
    out, err = capsys.readouterr()
    assert (root / "annotations/timeline.yml").read_text(encoding="utf-8") == timeline and out == ""
    assert "annotations/timeline.yml:2:5: warning: [long] not refreshed: the passage now has 13 words" in err
    assert "0 anchor(s) rewritten" in err


def test_refresh_on_unchanged_text_changes_nothing(tmp_path, capsys):
    root = project(tmp_path, ORIGINAL, TIMELINE)
    assert main(["check", "--root", str(root), "--refresh"]) == 0
    assert (root / "annotations/mini-chapter.yml").read_text(encoding="utf-8") == LAYER
    assert (root / "annotations/timeline.yml").read_text(encoding="utf-8") == TIMELINE
    assert "0 anchor(s) rewritten" in capsys.readouterr().err


@pytest.mark.parametrize("source, values, expected", [
    # a value that needs quotes gets them; the old quoting style is kept
    ("annotations:\n  - id: a\n    anchor:\n      quote: x\n", {"quote": "a: b"}, 'annotations:\n  - id: a\n    anchor:\n      quote: "a: b"\n'),
    ("annotations:\n  - id: a\n    anchor:\n      quote: 'x'\n", {"quote": "it's"}, "annotations:\n  - id: a\n    anchor:\n      quote: 'it''s'\n"),
    ("annotations:\n  - id: a\n    anchor: {quote: x}\n", {"quote": "x, y", "near": 3}, 'annotations:\n  - id: a\n    anchor: {quote: "x, y", near: 3}\n'),
    # no final newline: the new key still gets a line of its own
    ("annotations:\n  - id: a\n    anchor:\n      quote: x", {"near": 7}, "annotations:\n  - id: a\n    anchor:\n      quote: x\n      near: 7\n"),
    # an existing near is replaced where it stands
    ("annotations:\n  - id: a\n    anchor:\n      near: 1\n      quote: x\n", {"near": 9}, "annotations:\n  - id: a\n    anchor:\n      near: 9\n      quote: x\n"),
    # a timeline event's anchor, the same way; its comment stays
    ("events:\n  - id: a\n    date: 1917\n    anchor: {quote: x}  # why\n", {"quote": "y", "near": 2},
     "events:\n  - id: a\n    date: 1917\n    anchor: {quote: y, near: 2}  # why\n"),
])
def test_rewrite_yaml_edits_values_in_place(source, values, expected):
    assert rewrite_yaml(source, {"a": values}) == expected


def test_rewrite_yaml_refuses_a_multi_line_value():
    source = textwrap.dedent("""\
        annotations:
          - id: a
            anchor:
              quote: >-
                two
                lines
        """)
    with pytest.raises(ValueError, match="several lines"):
        rewrite_yaml(source, {"a": {"quote": "one"}})


def test_rewrite_yaml_names_an_event_without_an_anchor_mapping():
    with pytest.raises(ValueError, match='timeline event "a" has no anchor mapping'):
        rewrite_yaml("events:\n  - id: a\n    anchor: x\n", {"a": {"near": 1}})


def anchored(edition, slug: str, tm) -> dict:
    """Annotation and event id -> the paragraph and words it is placed on: where `heavy_edit` changes words."""
    from annotated_reader.anchor import PARAGRAPH
    from test_reanchoring import Placed, _plain, placements

    found = placements(edition, slug, tm)
    for event, match in edition.place(slug, tm).events:
        left, right = tm.text.rfind(PARAGRAPH, 0, match.start) + 1, tm.text.find(PARAGRAPH, match.end)
        found[f"event:{event.id}"] = Placed(_plain(tm.text[left:right]), tm.text[match.start:match.end])
    return found


@pytest.mark.real_text
def test_refresh_heals_the_real_layer_after_a_corrected_edition(real_import, tmp_path):
    """Heavier edits of the real text, then --refresh on a copy of the layer (annotations and timeline):
    the same places, no warnings left, orphans untouched."""
    import shutil
    from pathlib import Path

    from annotated_reader.edition import Edition
    from annotated_reader.model import Event
    from annotated_reader.refresh import refresh
    from test_reanchoring import heavy_edit, original_page, page

    root = Path(__file__).resolve().parents[1]
    out_dir, _ = real_import
    shutil.copytree(root / "annotations", tmp_path / "annotations")
    shutil.copytree(root / "profiles", tmp_path / "profiles")
    edition = Edition.open(root, root / "no-such-docs")
    edit, pages = heavy_edit(seed=13), {}
    for part in edition.book.parts:
        markdown = (out_dir / f"{part.slug}.md").read_text(encoding="utf-8")
        edited, _ = edit(part.slug, markdown, anchored(edition, part.slug, original_page(markdown)))
        pages[part.slug] = page(edited)
    before = {slug: edition.place(slug, tm) for slug, tm in pages.items()}
    warned = {("ann", a.id) for p in before.values() for a, m in p.matches if m.changed}
    warned |= {("event", e.id) for p in before.values() for e, m in p.events if m.changed}
    done = refresh(tmp_path, pages, [*edition.layer.annotations(), *edition.layer.events])
    rewritten = {("event" if isinstance(r.record, Event) else "ann", r.record.id) for r in done.rewrites}
    refused = {("event" if p.file.endswith("timeline.yml") else "ann", p.id) for p in done.problems}
    assert len(warned) >= 40 and sum(kind == "event" for kind, _ in rewritten) >= 5
    assert rewritten | refused == warned and not rewritten & refused
    changed_lines = sum(1 for d in done.diffs.values() for line in d.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---"))
    assert changed_lines <= 4 * len(done.rewrites)  # a quote, a prefix/suffix and a near per anchor: nothing else

    healed = Edition.open(tmp_path, tmp_path / "no-such-docs")
    for slug, tm in pages.items():
        after = healed.place(slug, tm)
        assert [p.id for p in after.problems if p.severity == "warning"] == [p.id for p in done.problems if p.file.endswith(f"{slug}.yml")]
        assert {a.id: (m.start, m.end) for a, m in after.matches} == {a.id: (m.start, m.end) for a, m in before[slug].matches}
        assert [o.id for o in after.orphans] == [o.id for o in before[slug].orphans]  # listed, never rewritten
        # events: exactly where they were; still on changed text only where refresh refused; orphans stay orphans
        assert {e.id: (m.start, m.end) for e, m in after.events} == {e.id: (m.start, m.end) for e, m in before[slug].events}
        assert {e.id for e, m in after.events if m.changed} == {i for kind, i in refused if kind == "event"} & {e.id for e, _ in after.events}
