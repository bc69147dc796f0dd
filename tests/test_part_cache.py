"""Edition.part_cache (what `mkdocs serve` keeps between rebuilds): a part is decorated again exactly
when what it is made from changed, judged by its annotation file as the layer was loaded from it.

Each "build" here opens a new Edition on the mini project, as every serve rebuild does, and shares
one part_cache; tests/test_serve_cache.py does the same through MkDocs on the real text.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from annotated_reader.check import strip_front_matter
from annotated_reader.edition import Edition
from annotated_reader.render import render_book_markdown
from minibook import ANNOTATIONS, GLOSSARY, PEOPLE, TIMELINE, make_project

SLUG = "mini-chapter"


class Builds:
    """Builds of one project that share a part cache, counting the parts decorated afresh."""

    def __init__(self, root: Path, monkeypatch):
        self.root, self.cache, self.decorated = root, {}, 0
        self.html = render_book_markdown(strip_front_matter((root / f"docs/book/{SLUG}.md").read_text(encoding="utf-8")))
        decorate = Edition._decorate_part

        def counted(edition, slug, html):
            self.decorated += 1
            return decorate(edition, slug, html)
        monkeypatch.setattr(Edition, "_decorate_part", counted)

    def open(self) -> Edition:
        edition = Edition.open(self.root, self.root / "docs")
        edition.part_cache = self.cache
        return edition

    def build(self, edition: Edition | None = None) -> str:
        page, _ = (edition or self.open()).decorate_part(SLUG, self.html)
        return page


def project(tmp_path: Path, name: str = f"{SLUG}.yml") -> Path:
    return make_project(tmp_path, annotations={"glossary.yml": GLOSSARY, "people.yml": PEOPLE, "timeline.yml": TIMELINE,
                                               name: ANNOTATIONS})


@pytest.mark.parametrize("name", [f"{SLUG}.yml", f"{SLUG}.yaml"])
def test_an_unchanged_part_is_reused_and_a_changed_one_decorated_again(tmp_path, monkeypatch, name):
    root = project(tmp_path, name)
    builds = Builds(root, monkeypatch)
    first = builds.build()
    assert "was <em>invented</em> for this test" in first and builds.decorated == 1
    assert builds.build() == first and builds.decorated == 1, "nothing changed: the part is reused"
    path = root / "annotations" / name
    path.write_text(path.read_text(encoding="utf-8").replace("for this test", "for this zqxcache test"), encoding="utf-8")
    assert "zqxcache" in builds.build() and builds.decorated == 2


def test_a_moved_annotation_updates_the_lines_its_problems_name(tmp_path, monkeypatch):
    root = project(tmp_path)
    path = root / "annotations" / f"{SLUG}.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("the grain question}", "the zqx question}"), encoding="utf-8")
    builds = Builds(root, monkeypatch)
    edition = builds.open()
    builds.build(edition)
    line = edition.part_problems[SLUG][0].line
    path.write_text("# a comment line\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    edition = builds.open()
    builds.build(edition)
    assert edition.part_problems[SLUG][0].line == line + 1


def test_a_file_saved_during_a_build_is_shown_by_the_next(tmp_path, monkeypatch):
    """The page is made from the file as it was loaded: were its key the file as it is when the part is
    decorated, a save in between would pair the old page with the new file, and the rebuild that the
    save starts would reuse the old page."""
    root = project(tmp_path)
    builds = Builds(root, monkeypatch)
    edition = builds.open()  # loads the annotations
    path = root / "annotations" / f"{SLUG}.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("for this test", "for this zqxsaved test"), encoding="utf-8")
    assert "zqxsaved" not in builds.build(edition)
    assert "zqxsaved" in builds.build()


def test_a_removed_or_broken_file_leaves_the_part_without_annotations_and_a_fixed_one_brings_them_back(tmp_path, monkeypatch):
    root = project(tmp_path)
    builds = Builds(root, monkeypatch)
    path = root / "annotations" / f"{SLUG}.yml"
    assert 'data-ann="mini-grain"' in builds.build()
    path.write_text(ANNOTATIONS.replace("annotations:", "annotations: [", 1), encoding="utf-8")  # a YAML error
    assert 'data-ann="mini-grain"' not in builds.build()
    path.unlink()
    assert 'data-ann="mini-grain"' not in builds.build()
    path.write_text(ANNOTATIONS, encoding="utf-8")
    assert 'data-ann="mini-grain"' in builds.build()
