"""Places (annotations/places.yml): the schema and `reader check` catch bad coordinates and links;
place forms link in the text with popups; the layer holds enough checked places."""
from __future__ import annotations

from pathlib import Path

import pytest

from annotated_reader.check import run_check
from annotated_reader.edition import Edition
from annotated_reader.load import load_layer
from annotated_reader.book import load_book
from minibook import ANNOTATIONS, GLOSSARY, PEOPLE, TIMELINE, make_project

ROOT = Path(__file__).resolve().parents[1]

PLACES = """\
places:
  - id: saltby
    name: Saltby
    forms: [Saltby]
    modern: Saltby
    country: Nowhere
    lat: 55.5
    lon: 37.5
    note: An invented harbour town.
  - id: kremlin
    name: Kremlin
    term: politburo
    modern: The Kremlin
    country: Nowhere
    lat: 55.75
    lon: 37.62
    near: saltby
    note: Invented for the test.
route:
  - {event: grain-meeting, place: saltby}
"""


def problems(tmp_path, places: str, annotations: str = ANNOTATIONS) -> list[str]:
    files = {"glossary.yml": GLOSSARY, "people.yml": PEOPLE, "timeline.yml": TIMELINE, "mini-chapter.yml": annotations,
             "places.yml": places}
    return [p.text() for p in run_check(make_project(tmp_path, annotations=files)).problems]


def test_a_valid_places_file_has_no_problems(tmp_path):
    assert problems(tmp_path, PLACES) == []


@pytest.mark.parametrize("bad, where, message", [
    ("lat: 155.5", "annotations/places.yml:7:10:", "places/0/lat is 155.5, outside -90..90."),
    ("lon: -237.5", "annotations/places.yml:8:10:", "places/0/lon is -237.5, outside -180..180."),
])
def test_coordinates_out_of_range_are_errors_with_their_place(tmp_path, bad, where, message):
    key = bad.split(":")[0]
    original = next(line for line in PLACES.splitlines() if line.strip().startswith(key + ":")).strip()
    found = problems(tmp_path, PLACES.replace(original, bad, 1))
    assert len(found) == 1, found
    assert found[0].startswith(where + " error: [saltby] " + message)
    assert "latitude and longitude are not swapped" in found[0]


def test_coordinates_must_be_numbers(tmp_path):
    found = problems(tmp_path, PLACES.replace("lat: 55.5", 'lat: "55.5 N"', 1))
    assert any("places/0/lat must be a number, not text." in p for p in found), found


@pytest.mark.parametrize("change, message", [
    (("term: politburo", "term: polit"), '`term: polit` names no glossary entry. Did you mean "politburo"?'),
    (("near: saltby", "near: saltbay"), '`near: saltbay` names no place. Did you mean "saltby"?'),
    (("{event: grain-meeting, place: saltby}", "{event: grain-meeting, place: nowhere}"), 'the route names unknown place "nowhere".'),
    (("{event: grain-meeting, place: saltby}", "{event: grain-meting, place: saltby}"), 'the route names unknown event "grain-meting".'),
    (("id: kremlin", "id: saltby"), 'duplicate place id "saltby"'),
    (("forms: [Saltby]", "forms: [Ivanov]"), 'the form "Ivanov" is already claimed by "ivanov"'),
    (("    term: politburo\n", "    term: politburo\n    forms: [Kremlin]\n"), 'has both `term: politburo` and `forms`'),
])
def test_check_names_the_mistake(tmp_path, change, message):
    found = problems(tmp_path, PLACES.replace(*change, 1))
    assert any(message in p and p.startswith("annotations/places.yml:") for p in found), found


def test_an_unknown_place_link_in_a_body_points_to_nothing(tmp_path):
    body = ANNOTATIONS.replace("See [the other part](part:other-chapter).", "See [Saltby](place:saltbi).")
    found = problems(tmp_path, PLACES, body)
    assert any('the link "place:saltbi" points to nothing.' in p and 'Did you mean "saltby"?' in p for p in found), found


def test_place_forms_link_with_a_popup_and_glossary_places_are_not_linked_twice(tmp_path):
    chapter = ANNOTATIONS.replace("See [the other part](part:other-chapter).", "Saltby harbour, seen from the Politburo.")
    files = {"glossary.yml": GLOSSARY, "people.yml": PEOPLE, "timeline.yml": TIMELINE, "mini-chapter.yml": chapter,
             "places.yml": PLACES}
    root = make_project(tmp_path, text=False, annotations=files)
    edition = Edition.open(root, root / "docs")
    html, keys = edition.decorate_companion("mini-chapter", "<h1>x</h1>" + edition.companion_markdown("mini-chapter"))
    assert "place:saltby" in keys and "term:politburo" in keys
    assert 'href="@/places.md#place-saltby" data-tip="place-saltby" id="use-place-saltby"' in html
    assert html.count('data-tip="term-politburo"') >= 1 and "place-kremlin" not in html  # the glossary entry links it
    tip = edition.tips_html(keys)
    assert '<template id="tip-place-saltby">' in tip and "An invented harbour town." in tip and "places.md#place-saltby" in tip


def test_the_layer_has_enough_places_each_checked():
    book = load_book(ROOT, ROOT / "docs" / "book")
    layer, found = load_layer(ROOT / "annotations", book.parts, ROOT)
    mine = [p for p in found if p.file.endswith("places.yml")]
    assert mine == []
    assert len(layer.places) >= 60
    assert len(layer.route) >= 15
    by_id = {p.id: p for p in layer.places}
    # Sign and magnitude of a few coordinates: every place of the book is north of the equator, and
    # only London lies west of Greenwich.
    assert all(p.lat > 0 for p in layer.places)
    assert [p.id for p in layer.places if p.lon < 0] == ["london"]
    assert by_id["tiflis"].term == "tiflis" and not by_id["tiflis"].forms  # linked through the glossary, once


def test_a_place_form_that_a_glossary_entry_of_the_same_id_has_is_caught(tmp_path):
    places = PLACES.replace("id: saltby", "id: politburo").replace("forms: [Saltby]", "forms: [Politburo]").replace(
        "near: saltby", "near: politburo").replace("place: saltby", "place: politburo")
    found = problems(tmp_path, places)
    assert any('the form "Politburo" is already claimed by the term "politburo".' in p and "`term: politburo`" in p
               for p in found), found
