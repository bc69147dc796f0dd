"""Whole-site builds: the companion edition from a fresh clone, and the reader edition from the real text."""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest

from annotated_reader.book import load_book
from annotated_reader.export import build_exports
from annotated_reader.load import load_layer
from htmlcheck import article, misnested
from sitebuild import ROOT, build, copy_project

BOOK = load_book(ROOT, ROOT / "no-such-dir")
LAYER, _ = load_layer(ROOT / "annotations", BOOK.parts, ROOT)


@pytest.fixture(scope="module")
def companion(tmp_path_factory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("companion"))
    result = build(project)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "WARNING" not in result.stderr, result.stderr
    return project / "site"


@pytest.fixture(scope="module")
def reader_site(tmp_path_factory, real_import) -> Path:
    out_dir, _ = real_import
    project = copy_project(tmp_path_factory.mktemp("reader"), out_dir)
    result = build(project)
    assert result.returncode == 0, result.stderr[-3000:]
    return project / "site"


def test_companion_part_pages_hold_synopsis_and_annotations(companion):
    for slug, part in LAYER.parts.items():
        html = (companion / "book" / f"{slug}.html").read_text(encoding="utf-8")
        assert "Companion edition." in html
        first_sentence = re.sub(r"[*\[\]]|\(part:[^)]*\)", "", part.synopsis).split(".")[0].split()[:6]
        assert " ".join(first_sentence)[:30] in re.sub(r"<[^>]+>", "", html).replace("\n", " ")
        for ann in part.annotations:
            assert f'id="ann-{ann.id}"' in html, ann.id


def test_companion_has_reference_pages_and_downloads(companion):
    glossary = (companion / "glossary.html").read_text(encoding="utf-8")
    assert all(f'id="term-{t.id}"' in glossary for t in LAYER.terms)
    people = (companion / "people.html").read_text(encoding="utf-8")
    assert all(f'id="person-{p.id}"' in people for p in LAYER.people)
    timeline = (companion / "timeline.html").read_text(encoding="utf-8")
    assert all(f'id="event-{e.id}"' in timeline for e in LAYER.events)
    with zipfile.ZipFile(companion / "downloads" / "annotated-reader-offline.zip") as archive:
        names = archive.namelist()
    assert "annotated-reader-offline/index.html" in names and "annotated-reader-offline/search/reader-index.js" in names
    assert (companion / "downloads" / "stalin-new-biography-companion.epub").stat().st_size > 0
    home = (companion / "index.html").read_text(encoding="utf-8")
    assert 'href="downloads/stalin-new-biography-companion.epub"' in home


def _standalone_exports(site: Path, tmp_path: Path) -> dict[str, bytes]:
    """What `build_exports` writes for the same project with a freshly loaded edition: file name -> bytes."""
    project = site.parent
    return {path.name: path.read_bytes() for path in build_exports(project, project / "docs", tmp_path, ["jsonld", "epub"])}


def _epub_members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: re.sub(rb"<meta property=\"dcterms:modified\">[^<]*</meta>", b"", archive.read(name))
                for name in archive.namelist()}


def _assert_same_exports(site: Path, tmp_path: Path) -> None:
    # The build hands its loaded edition and placed pages to the exports; the result must not depend on that.
    standalone = _standalone_exports(site, tmp_path)
    for name, data in standalone.items():
        built = (site / "downloads" / name).read_bytes()
        if name.endswith(".epub"):
            assert _epub_members(built) == _epub_members(data), name
        else:
            assert built == data, name


def test_companion_build_exports_what_the_standalone_export_writes(companion, tmp_path):
    _assert_same_exports(companion, tmp_path)


@pytest.mark.real_text
def test_reader_build_exports_what_the_standalone_export_writes(reader_site, tmp_path):
    _assert_same_exports(reader_site, tmp_path)


def test_no_page_refers_to_another_origin(companion):
    pattern = re.compile(r'(?:src|href)="(https?:)?//(?!www\.w3\.org)[^"]+"')
    for page in companion.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for tag in re.findall(r"<(?:script|link|img)\b[^>]*>", html):
            assert not pattern.search(tag), (page.name, tag)


def test_companion_pages_are_well_nested(companion):
    for page in sorted(companion.rglob("*.html")):
        assert misnested(article(page.read_text(encoding="utf-8"))) == [], page.name


@pytest.mark.real_text
def test_reader_pages_are_well_nested(reader_site):
    # Highlights, triggers and markers are inserted into the imported text; a misnested pair once
    # left search's parser with every later element open (quadratic indexing, garbled sections).
    for page in sorted(reader_site.rglob("*.html")):
        assert misnested(article(page.read_text(encoding="utf-8"))) == [], page.name


@pytest.mark.real_text
def test_reader_edition_places_every_annotation(reader_site):
    for slug, part in LAYER.parts.items():
        html = (reader_site / "book" / f"{slug}.html").read_text(encoding="utf-8")
        assert "Reader edition." in html
        for ann in part.annotations:
            assert f'id="ann-{ann.id}"' in html and f'href="#note-{ann.id}"' in html, ann.id
    unplaced = (reader_site / "unplaced.html").read_text(encoding="utf-8")
    assert "Every annotation was placed on its passage." in unplaced


@pytest.mark.real_text
@pytest.mark.parametrize("term", ["vozhd", "nomenklatura", "politburo"])
def test_every_occurrence_of_key_terms_is_a_trigger(reader_site, real_import, term):
    entry = next(t for t in LAYER.terms if t.id == term)
    forms = "|".join(re.escape(f).replace("'", "['’]") for f in sorted(entry.forms, key=len, reverse=True))
    pattern = re.compile(rf"(?<!\w)(?:{forms})(?:['’]s)?(?!\w)", 0 if entry.case_sensitive else re.I)
    out_dir, _ = real_import
    occurrences = triggers = 0
    for part in BOOK.parts:
        markdown = (out_dir / f"{part.slug}.md").read_text(encoding="utf-8")
        body = "\n".join(line for line in markdown.splitlines() if not line.startswith(("#", "title:")))
        occurrences += len(pattern.findall(body.replace("*", "")))
        html = (reader_site / "book" / f"{part.slug}.html").read_text(encoding="utf-8")
        article = html.split('<section class="ra-notes"')[0].split("</details>", 1)[-1]
        triggers += article.count(f'data-tip="term-{term}"')
    assert occurrences > 10
    assert triggers == occurrences, (term, triggers, occurrences)
