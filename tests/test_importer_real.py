"""Acceptance tests on the real book (READER_SOURCE); skipped when the tester does not have it.

Nothing from the book is stored here: the tests read the tester's copy and the
import output in a tmp dir, and compare numbers and structure.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.real_text

CREDIT = "Russian State Archive of Social and Political History"
MKDOCS_YML = """site_name: import check
theme:
  name: material
markdown_extensions:
  - footnotes
  - attr_list
  - md_in_html
  - toc:
      permalink: true
"""


def _contents_titles(source: Path) -> list[str]:
    """Part titles as the book's CONTENTS lists them (without page numbers and non-parts)."""
    lines = source.read_text(encoding="utf-8").split("\n")
    start = lines.index("CONTENTS")
    end = lines.index("PREFACE", start)
    titles = []
    for line in lines[start + 1:end]:
        title = re.sub(r"\s+([ivxlcdm]+|\d+)$", "", line.strip())
        title = re.sub(r"^\d+\.\s+", "", title)
        if title and title not in {"Notes", "Acknowledgments", "Index", "Illustrations follow page"}:
            titles.append(title.casefold().replace("'", "’"))
    return titles


def test_fifteen_parts_in_the_contents_order(real_import, real_source):
    out, _ = real_import
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    titles = [p["title"].casefold() for p in manifest["parts"]]
    assert len(titles) == 15
    assert titles == _contents_titles(real_source)
    assert [p["number"] for p in manifest["parts"] if p["kind"] == "chapter"] == [1, 2, 3, 4, 5, 6]
    for part in manifest["parts"]:
        assert (out / part["file"]).is_file()


def test_every_note_linked_and_nothing_unresolved(real_import):
    _, report = real_import
    assert report["notes_total"] == 873
    assert report["notes_linked"] == 873
    assert report["notes_unresolved"] == 0
    assert report["unresolved"] == []


def test_words_in_equal_words_out(real_import):
    _, report = real_import
    assert report["words_equal"] is True
    assert report["words_in"] == report["words_out"] > 160_000
    assert report["plates"]["words_in"] == report["plates"]["words_out"]


def test_repairs_reported(real_import):
    _, report = real_import
    counts = report["repair_counts"]
    assert counts["marker"] == 1            # the OCR slip in chapter 2
    assert counts["plates"] == 1
    assert counts["heading-number"] == 1    # chapter 4's heading lacks its number
    assert 220 <= counts["join"] <= 300     # page cuts (lower-case and capitalised continuations)
    assert 45 <= counts["dehyphenate"] + counts["keep-hyphen"] <= 60
    assert report["artefacts"]["lines"] == 1


def test_no_page_artefact_in_the_output(real_import):
    out, _ = real_import
    for path in out.glob("*.md"):
        assert "intentionally left blank" not in path.read_text(encoding="utf-8").lower(), path.name


def test_plate_captions_lifted_out_of_chapter_4(real_import):
    out, report = real_import
    chapter = (out / "terror-and-impending-war.md").read_text(encoding="utf-8")
    assert CREDIT not in chapter
    captions = (out / "illustrations.md").read_text(encoding="utf-8").split("\n\n")[2:]
    assert len(captions) == report["plates"]["captions"] >= 15
    for caption in captions:
        first_line = caption.split("  \n")[0].replace("**", "")
        assert first_line[:40] not in chapter
    assert all(CREDIT in caption.replace("\n", " ") or caption.count("  \n") for caption in captions)


def test_chapter_4_has_its_number(real_import):
    out, _ = real_import
    text = (out / "terror-and-impending-war.md").read_text(encoding="utf-8")
    assert text.startswith('---\ntitle: "Terror and Impending War"\npart: terror-and-impending-war\n'
                           "kind: chapter\nnumber: 4\n---\n\n# Terror and Impending War\n")


def test_section_ids_and_title_case(real_import):
    out, _ = real_import
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    parts = {p["slug"]: p for p in manifest["parts"]}
    assert parts["in-lenins-shadow"]["sections"][0] == {"title": "Stalin in Lenin’s Revolution",
                                                       "id": "stalin-in-lenins-revolution"}
    assert parts["terror-and-impending-war"]["sections"][0]["title"] == "Was It All Yezhov’s Fault?"
    for part in parts.values():
        ids = [s["id"] for s in part["sections"]]
        assert len(ids) == len(set(ids))
        assert all(not s["title"].isupper() for s in part["sections"])


def test_mkdocs_build_strict_has_no_warnings(real_import, tmp_path):
    out, _ = real_import
    docs = tmp_path / "docs"
    docs.mkdir()
    for path in out.glob("*.md"):
        (docs / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=tmp_path, env=env,
                          capture_output=True, text=True)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert "WARNING" not in output, output
    html = (tmp_path / "site" / "stalin-at-war" / "index.html").read_text(encoding="utf-8")
    assert html.count('class="footnote-ref"') == 160
