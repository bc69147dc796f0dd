"""The annotation layer for Khlevniuk's Stalin: counts and rules, from the data itself.

Counts are computed from the files (not hard-coded in strings); the anchoring
test runs on the real text when READER_SOURCE is set, importing it into a tmp copy.
"""
from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import pytest

from annotated_reader.book import load_book
from annotated_reader.check import run_check
from annotated_reader.load import load_layer

ROOT = Path(__file__).resolve().parents[1]
BOOK = load_book(ROOT, ROOT / "no-such-dir")  # the profile only: no text needed
LAYER, PROBLEMS = load_layer(ROOT / "annotations", BOOK.parts, ROOT)
WORDS = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


def test_files_load_without_errors():
    assert [p.text() for p in PROBLEMS if p.severity == "error"] == []


def test_every_file_names_its_schema():
    for path in sorted((ROOT / "annotations").glob("*.yml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        kind = path.stem if path.stem in ("glossary", "people", "timeline", "places") else "part"
        assert first == f"# yaml-language-server: $schema=../annotated_reader/schema/{kind}.schema.json", path.name


def test_counts_hold():
    assert len(LAYER.terms) >= 120
    assert len(LAYER.people) >= 150
    assert len(LAYER.events) >= 80
    assert len(LAYER.annotations()) >= 300


def test_every_part_has_notes_synopsis_and_questions():
    assert set(LAYER.parts) == set(BOOK.slugs)
    for slug, part in LAYER.parts.items():
        assert len(part.annotations) >= 10, slug
        assert 150 <= len(WORDS.findall(part.synopsis)) <= 300, slug
        assert 3 <= len(part.questions) <= 5, slug


def test_annotation_kinds_are_varied_in_every_part():
    for slug, part in LAYER.parts.items():
        kinds = Counter(a.kind for a in part.annotations)
        assert len(kinds) >= 3, (slug, kinds)


def test_timeline_spans_the_life_and_every_event_has_a_part():
    years = [e.year for e in LAYER.events]
    assert min(years) == 1878 and max(years) == 1953
    assert {e.part for e in LAYER.events} <= set(BOOK.slugs)


def test_glossary_covers_the_terms_the_user_named():
    ids = {t.id for t in LAYER.terms}
    for term in ("nomenklatura", "vozhd", "politburo", "nkvd", "kolkhoz", "kulak", "nep", "cheka", "ogpu", "gulag",
                 "edinonachalie", "raikom", "obkom", "sovnarkom", "stavka", "rgaspi", "aprf", "near-dacha"):
        assert term in ids, term


@pytest.mark.real_text
def test_every_annotation_resolves_on_the_real_text(tmp_path, real_import):
    out_dir, _ = real_import
    root = tmp_path / "project"
    for name in ("annotations", "profiles"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copytree(out_dir, root / "docs" / "book")
    result = run_check(root)
    assert result.has_text
    assert [p.text() for p in result.problems] == []  # no errors, and no warnings either
    assert result.orphans == 0
    assert result.placed == result.annotations == len(LAYER.annotations())
    assert not [p for p in result.problems if "fuzzily" in p.message]  # every anchor exact, none re-anchored
