"""A tiny original book project for tests: profile, imported text, annotations.

All text here is written for the tests (the real book is copyrighted and never
committed). `make_project` lays it out like a real checkout in a tmp folder.
"""
from __future__ import annotations

import json
import textwrap
from pathlib import Path

PROFILE = """\
book:
  title: A Mini Book
  author: Test Author
parts:
  - {slug: mini-chapter, title: The Mini Chapter, kind: chapter, number: 1}
  - {slug: other-chapter, title: Other Chapter, kind: interlude}
"""

MINI_CHAPTER = """\
---
title: The Mini Chapter
part: mini-chapter
kind: chapter
number: 1
---

# The Mini Chapter

In the spring the *vozhd* raised the grain question again, and the commissar of supply
was summoned to the Kremlin.[^1] Nobody in the Politburo doubted what it meant.

## A Section {#a-section}

Later the commissar wrote to Comrade Ivanov about “quotas”—and about the kolkhozes that
had failed them. The Politburo’s answer came within a week.

Ivanov kept the letter for many years.

[^1]: An invented note about an invented meeting.
"""

OTHER_CHAPTER = """\
---
title: Other Chapter
part: other-chapter
kind: interlude
---

# Other Chapter

A short interlude that mentions the vozhd once more.
"""

GLOSSARY = """\
terms:
  - id: vozhd
    term: vozhd
    russian: вождь
    forms: [vozhda]
    short: The *leader*; see [Ivanov](person:ivanov).
  - id: politburo
    term: Politburo
    case_sensitive: true
    short: The party's top decision-making body.
  - id: kolkhoz
    term: kolkhoz
    forms: [kolkhozes]
    short: A collective farm.
"""

PEOPLE = """\
people:
  - id: ivanov
    name: Ivan Ivanov
    forms: [Ivanov, Comrade Ivanov]
    born: 1890
    died: "1938"
    short: An invented commissar.
"""

TIMELINE = """\
events:
  - id: grain-meeting
    date: "1928-01"
    event: The invented grain meeting.
    part: mini-chapter
    anchor: {quote: was summoned to the Kremlin}
"""

ANNOTATIONS = """\
part: mini-chapter
synopsis: An invented synopsis of the mini chapter.
questions:
  - Why does the grain question return?
annotations:
  - id: mini-grain
    anchor: {quote: the grain question}
    kind: context
    body: The grain question was *invented* for this test. See [the other part](part:other-chapter).
  - id: mini-letter
    anchor: {quote: the commissar, prefix: Later}
    kind: person
    body: The same commissar, now writing.
"""


def make_project(root: Path, *, text: bool = True, annotations: dict[str, str] | None = None) -> Path:
    """Write the mini project under `root` and return it."""
    (root / "profiles").mkdir(parents=True, exist_ok=True)
    (root / "profiles" / "stalin-new-biography.yml").write_text(PROFILE, encoding="utf-8")
    ann = root / "annotations"
    ann.mkdir(exist_ok=True)
    files = {"glossary.yml": GLOSSARY, "people.yml": PEOPLE, "timeline.yml": TIMELINE, "mini-chapter.yml": ANNOTATIONS}
    if annotations is not None:
        files = annotations
    for name, content in files.items():
        (ann / name).write_text(textwrap.dedent(content), encoding="utf-8")
    book = root / "docs" / "book"
    if text:
        book.mkdir(parents=True, exist_ok=True)
        (book / "mini-chapter.md").write_text(MINI_CHAPTER, encoding="utf-8")
        (book / "other-chapter.md").write_text(OTHER_CHAPTER, encoding="utf-8")
        (book / "manifest.json").write_text(json.dumps({"book": {"title": "A Mini Book"}, "parts": [
            {"slug": "mini-chapter", "title": "The Mini Chapter"}, {"slug": "other-chapter", "title": "Other Chapter"}]}),
            encoding="utf-8")
    else:
        (root / "docs").mkdir(parents=True, exist_ok=True)
    return root
