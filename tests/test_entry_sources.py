"""Glossary and people entries name their sources: loaded, link-checked and shown on the reference pages."""
from __future__ import annotations

from annotated_reader.check import run_check
from annotated_reader.edition import Edition
from minibook import ANNOTATIONS, GLOSSARY, PEOPLE, TIMELINE, make_project

SOURCED_PEOPLE = PEOPLE + """\
    sources:
      - "Outside the book: *An Invented Register* (1999), p. 3."
"""
SOURCED_GLOSSARY = GLOSSARY.replace("    short: A collective farm.\n", """\
    short: A collective farm.
    sources:
      - "See the [grain meeting](event:grain-meeting) and *Kolkhoz Statistics* (1940)."
""")


def project(tmp_path, glossary=SOURCED_GLOSSARY, people=SOURCED_PEOPLE):
    return make_project(tmp_path, annotations={"glossary.yml": glossary, "people.yml": people,
                                               "timeline.yml": TIMELINE, "mini-chapter.yml": ANNOTATIONS})


def test_sources_are_shown_under_the_entries(tmp_path):
    edition = Edition.open(project(tmp_path), tmp_path / "docs")
    assert [p.text() for p in edition.problems if p.severity == "error"] == []
    people = edition.people_html()
    assert '<span class="ra-sources-label">Sources:</span> Outside the book: <em>An Invented Register</em> (1999), p. 3.' in people
    glossary = edition.glossary_html()
    assert "<em>Kolkhoz Statistics</em> (1940)" in glossary
    assert glossary.count('class="ra-sources"') == 1  # only the entry that names sources


def test_a_link_in_sources_must_point_somewhere(tmp_path):
    broken = SOURCED_GLOSSARY.replace("event:grain-meeting", "event:grain-meting")
    result = run_check(project(tmp_path, glossary=broken))
    assert [p.message for p in result.errors] == ['the link "event:grain-meting" points to nothing.']
