"""Maps and timeline strips: the projection puts places where they belong, and in a built site
(companion, and reader when the text is at hand) every marker, band and tick links to an anchor
that exists."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin

import pytest

from annotated_reader import geomap
from annotated_reader.book import load_book
from annotated_reader.load import load_layer
from sitebuild import ROOT, build, copy_project


def layer_places():
    book = load_book(ROOT, ROOT / "docs" / "book")
    layer, _ = load_layer(ROOT / "annotations", book.parts, ROOT)
    return {p.id: p for p in layer.places}


def test_the_projection_keeps_known_places_in_order():
    places = layer_places()
    frame = geomap.extent_frame(960)
    at = {name: frame.point(places[name].lon, places[name].lat) for name in ("gori", "moscow", "kureika", "achinsk", "berlin")}
    assert at["gori"][1] > at["moscow"][1]          # Gori is south of Moscow (SVG y grows down)
    assert at["kureika"][1] < at["achinsk"][1]      # Kureika is north of Achinsk
    assert at["berlin"][0] < at["moscow"][0]        # Berlin is west of Moscow
    assert all(frame.contains(*(places[n].lon, places[n].lat)) for n in at)
    assert not frame.contains(places["beijing"].lon, places["beijing"].lat)  # beyond the map's edge


def test_the_conic_is_north_up_on_its_central_meridian_and_conformal():
    cone = geomap.PROJECTION
    x, _ = cone.project(cone.lon0, 60.0)
    assert abs(float(x)) < 1e-12
    # Conformal: a small step east and a small step north stretch by the same factor.
    lat, lon, d = 55.0, 70.0, 1e-4
    x0, y0 = cone.project(lon, lat)
    xe, ye = cone.project(lon + d, lat)
    xn, yn = cone.project(lon, lat + d)
    import math
    east = math.hypot(float(xe - x0), float(ye - y0)) / math.cos(math.radians(lat))
    north = math.hypot(float(xn - x0), float(yn - y0))
    assert east == pytest.approx(north, rel=1e-3)


def test_labels_never_overlap_and_drop_when_there_is_no_room():
    points = [("a", 50, 50), ("b", 53, 50), ("c", 56, 52), ("d", 200, 100)]
    labels = geomap.place_labels(points, 300, 150, 12, 4)
    boxes = []
    for name, label in labels.items():
        if label is None:
            continue
        w = 0.58 * 12 * len(name)
        left = {"start": label.x, "end": label.x - w, "middle": label.x - w / 2}[label.anchor]
        boxes.append((left, label.y - 12, left + w, label.y))
    assert labels["d"] is not None
    assert not any(geomap._overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:])


class _Links(HTMLParser):
    """ids of a page, and the hrefs of links inside our SVG figures."""

    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.figure_links: list[str] = []
        self.mentions: list[str] = []
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and (a.get("href") or "").startswith("book/") and "#use-" in a["href"]:
            self.mentions.append(a["href"])  # the Places page's "Mentioned in" links
        if tag == "svg" and (a.get("class") or "").split()[:1] in (["ra-map"], ["ra-strip"]):
            self.depth += 1
        elif tag == "svg" and self.depth:
            self.depth += 1
        if tag == "a" and self.depth and "href" in a:
            self.figure_links.append(a["href"])

    def handle_endtag(self, tag):
        if tag == "svg" and self.depth:
            self.depth -= 1


def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def check_links(site: Path) -> dict[str, int]:
    parsed: dict[Path, _Links] = {}
    counts = {}
    pages = [site / "places.html", site / "timeline.html", *sorted((site / "book").glob("*.html"))]
    for page in pages:
        links = parsed.setdefault(page, _parse(page))
        counts[page.relative_to(site).as_posix()] = len(links.figure_links)
        for href in links.figure_links + links.mentions:
            assert not re.match(r"^[a-z]+:", href), f"{page.name}: {href} leaves the site"
            url = urljoin(page.as_uri(), href)
            target, _, fragment = url.partition("#")
            path = Path(unquote(target.removeprefix("file://")))
            assert path.is_file(), f"{page.name}: {href} -> no such page"
            if fragment:
                ids = parsed.setdefault(path, _parse(path)).ids
                assert fragment in ids, f"{page.name}: {href} -> no #{fragment} there"
    return counts


def _check_site(site: Path, full: bool) -> None:
    counts = check_links(site)
    places = (site / "places.html").read_text(encoding="utf-8")
    assert counts["places.html"] >= 50 and places.count('class="ra-map-place"') == counts["places.html"]
    assert len(_parse(site / "places.html").mentions) >= 60  # checked like the markers
    assert 'class="ra-map-land"' in places and "today's borders" in places
    assert counts["timeline.html"] >= 200  # 201 events and the parts' bands
    assert counts["book/before-the-revolution.html"] >= 10
    html = (site / "book" / "before-the-revolution.html").read_text(encoding="utf-8")
    assert 'id="map-before-the-revolution"' in html and 'ra-strip-current' in html
    assert ("Mentioned in:" if full else "Named in the annotations of:") in places


def test_companion_site_figures_link_to_existing_anchors(tmp_path):
    if not (ROOT / geomap.ATLAS).is_file():
        pytest.skip("node_modules/world-atlas is missing: run `npm ci`")
    project = copy_project(tmp_path / "companion")
    done = build(project)
    assert done.returncode == 0, done.stderr[-3000:]
    _check_site(project / "site", full=False)


@pytest.mark.real_text
def test_reader_site_figures_link_to_existing_anchors(tmp_path, real_import):
    if not (ROOT / geomap.ATLAS).is_file():
        pytest.skip("node_modules/world-atlas is missing: run `npm ci`")
    book_dir, _ = real_import
    project = copy_project(tmp_path / "reader", book_dir)
    done = build(project)
    assert done.returncode == 0, done.stderr[-3000:]
    _check_site(project / "site", full=True)


def test_without_world_atlas_the_maps_say_so_and_the_list_stays(tmp_path):
    from annotated_reader.edition import Edition
    project = copy_project(tmp_path / "fresh")
    if (project / "node_modules").exists():
        (project / "node_modules").unlink()
    edition = Edition.open(project, project / "docs")
    html = edition.places_html()
    assert "node_modules/world-atlas is missing" in html and "npm ci" in html
    assert 'class="ra-map-land"' not in html and html.count('class="ra-map-place"') >= 50
    assert 'id="place-kureika"' in html


def test_the_epub_has_the_map_and_the_strip_as_images_with_text_equivalents(tmp_path, monkeypatch):
    import zipfile

    from annotated_reader.cli import main
    monkeypatch.delenv("READER_PROFILE", raising=False)
    if not (ROOT / geomap.ATLAS).is_file():
        pytest.skip("node_modules/world-atlas is missing: run `npm ci`")
    out = tmp_path / "companion.epub"
    assert main(["export", "epub", "--root", str(ROOT), "--edition", "companion", "--out", str(out)]) == 0
    with zipfile.ZipFile(out) as epub:
        names = set(epub.namelist())
        opf = epub.read("EPUB/package.opf").decode()
        places = epub.read("EPUB/places.xhtml").decode()
        timeline = epub.read("EPUB/timeline.xhtml").decode()
        svg = epub.read("EPUB/images/places-map.svg").decode()
    assert {"EPUB/images/places-map.svg", "EPUB/images/timeline.svg"} <= names
    assert 'href="images/places-map.svg" media-type="image/svg+xml"' in opf
    assert '<img src="images/places-map.svg" alt="' in places and places.count("<dt id=\"place-") >= 60
    assert '<img src="images/timeline.svg" alt="' in timeline
    assert svg.startswith("<svg") and 'role="img"' in svg and "<title" in svg and "<a " not in svg


def test_the_strip_draws_every_event_in_order_the_periods_and_the_chapters():
    from annotated_reader.timeline_strip import BIRTH, decimal_year, draw, part_spans
    book = load_book(ROOT, ROOT / "docs" / "book")
    layer, _ = load_layer(ROOT / "annotations", book.parts, ROOT)
    strip = draw(layer, book.parts, width=960, ident="t", event_href=lambda e: f"#event-{e.id}",
                 part_href=lambda p: f"@/book/{p.slug}.md")
    assert len(strip.ticks) == len(layer.events) >= 200
    assert [t.x for t in strip.ticks] == sorted(t.x for t in strip.ticks)
    assert {t.href for t in strip.ticks} == {f"#event-{e.id}" for e in layer.events}
    assert [p.label for p in strip.periods if p.label][:3] == ["Revolution", "Civil War", "NEP"]
    chapters = [b for b in strip.bands if "ra-strip-chapter" in b.cls]
    assert len(chapters) == sum(1 for p in book.parts if p.kind == "chapter")
    assert len({b.y for b in chapters}) == 1  # one lane, in reading order
    assert [b.x for b in chapters] == sorted(b.x for b in chapters)
    spans = part_spans(layer, book.parts)
    assert spans["before-the-revolution"] == (1878, 1917) and spans["family"][0] < spans["family"][1]
    assert [age for _, age in strip.ages] == [10, 20, 30, 40, 50, 60, 70]
    x10 = dict((age, x) for x, age in strip.ages)[10]
    x1878 = dict((year, x) for x, year in strip.years)[1878]
    per_year = (strip.width - 12) / (1953 + 1 - 1878)
    assert x10 - x1878 == pytest.approx((BIRTH + 10 - 1878) * per_year)
    assert decimal_year("1917-10-25") == pytest.approx(1917 + 9 / 12 + 24.5 / 365)
