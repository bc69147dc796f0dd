"""The edition's drawn figures: the Places page map, each part's small map, the timeline strips.

Pure functions of the edition's layer and the mention counts of the document they are drawn
for (the site's pages, or the EPUB's own), rendered through templates (map.html, strip.html, places.html). Every marker, band and tick is a link
to an anchor the site has; the text lists next to them are the equivalent for readers who
do not look at pictures. Without world-atlas (a fresh clone before `npm ci`) the maps are
drawn without outlines and say so in their caption.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from . import geomap
from .model import PlaceEntry
from .places import marker_place, places_in, route_points
from .render import markdown_to_html, template
from .timeline_strip import draw, part_spans

PAGE_WIDTH, PART_WIDTH, PART_ASPECT = 960, 320, 0.62
# Colours of the figures as stand-alone SVG files (the EPUB's images), where the site's CSS does not reach.
STANDALONE_CSS = (
    "svg{font-family:sans-serif}.ra-map-sea{fill:#dce9f2}.ra-map-grid{fill:none;stroke:#8a8175;stroke-width:.4;opacity:.35}"
    ".ra-map-land{fill:#f6f1e7;stroke:#8a8175;stroke-width:.6}.ra-map-borders{fill:none;stroke:#8a8175;stroke-width:.5;"
    "stroke-dasharray:3 2}.ra-map-route{fill:none;stroke:#b3261e;stroke-width:1.6;opacity:.5}.ra-map-marker{fill:#b3261e;"
    "stroke:#fff}text{fill:#222}.ra-map text{paint-order:stroke;stroke:#f6f1e7;stroke-width:3px}.ra-strip-period rect{fill:#777}"
    ".ra-strip-part rect{fill:#eee;stroke:#bbb;stroke-width:.5}.ra-strip-chapter rect{fill:#ccc}.ra-strip-tick rect{fill:#b3261e}"
    ".ra-strip-axis{stroke:#222}.ra-strip-age{fill:#666;font-style:italic}")
EXTENT_WORDS = "London and the Yenisei, Tehran and the Arctic coast"  # geomap.EXTENT in words
ATLAS_HINT = ("node_modules/world-atlas is missing, so the maps are drawn without country outlines. "
              "Run `npm ci` (or `bash scripts/setup`) and build again.")


@dataclass
class Marker:
    """One dot on a map: a place and the places drawn with it."""

    place: PlaceEntry
    x: float
    y: float
    href: str
    title: str
    label: geomap.Label | None = None
    with_: list[PlaceEntry] = field(default_factory=list)


class Figures:
    """Draws the figures of one edition; `usage` is the edition's key -> part -> count."""

    def __init__(self, edition):
        self.edition = edition
        self.layer = edition.layer
        self.by_id = {p.id: p for p in self.layer.places}
        self.atlas = edition.root / geomap.ATLAS

    @property
    def has_atlas(self) -> bool:
        return self.atlas.is_file()

    def _outlines(self, frame: geomap.Frame, tolerance: float) -> geomap.Outlines | None:
        try:
            return geomap.outlines(frame, self.atlas.resolve(), tolerance)
        except geomap.AtlasMissing:
            return None

    def _markers(self, places: list[PlaceEntry], frame: geomap.Frame, href, font: float, radius: float,
                 mentions: Callable[[PlaceEntry], int]) -> list[Marker]:
        """Markers for `places` (near-places folded into their host), most-mentioned first, labelled.

        The order decides which labels win a clash, so `mentions` must be counts of what the figure
        is drawn for, complete when it is drawn: an EPUB drawn from the site build's counts once
        labelled other places than the same EPUB written by `reader export`, which has none.
        """
        groups: dict[str, list[PlaceEntry]] = {}
        for place in places:
            host = marker_place(place, self.by_id)
            groups.setdefault(host.id, []).append(place)
        markers = []
        for host_id, members in groups.items():
            host = self.by_id[host_id]
            if not frame.contains(host.lon, host.lat, margin=2):
                continue
            x, y = frame.point(host.lon, host.lat)
            others = [p for p in members if p.id != host.id]
            title = host.name + (f" (with {', '.join(p.name for p in others)})" if others else "") + f" — today {host.modern}, {host.country}"
            markers.append(Marker(host, round(x, 1), round(y, 1), href(host, members), title, None, others))
        markers.sort(key=lambda m: (-sum(mentions(p) for p in [m.place, *m.with_]), m.place.name))
        labels = geomap.place_labels([(m.place.id, m.x, m.y) for m in markers], frame.width, frame.height, font, radius)
        for m in markers:
            m.label = labels[m.place.id]
        return markers

    # -- the Places page --------------------------------------------------------------------

    def places_html(self, standalone: bool = False, usage: dict[str, Counter] | None = None) -> str:
        """The Places page body; `standalone`: only the map, as an SVG file without links (EPUB).

        `usage` (key -> part slug -> mentions) ranks the labels: the EPUB gives its own; by default
        the site's, which the build completes before it renders the reference pages.
        """
        edition = self.edition
        usage = edition.usage if usage is None else usage
        frame = geomap.extent_frame(PAGE_WIDTH)
        markers = self._markers(self.layer.places, frame, lambda host, members: f"#place-{host.id}", font=12, radius=4.5,
                                mentions=lambda p: sum(usage.get(p.key, Counter()).values()))
        on_map = {m.place.id for m in markers} | {p.id for m in markers for p in m.with_}
        route = [(date, place, frame.point(place.lon, place.lat)) for date, place in route_points(self.layer)
                 if frame.contains(place.lon, place.lat)]
        events = {e.id: e for e in self.layer.events}
        route_events = sorted(((events[s.event], self.by_id[s.place_id]) for s in self.layer.route
                               if s.event in events and s.place_id in self.by_id), key=lambda pair: pair[0].date)
        svg = template("map.html").render(
            ident="places-map", frame=frame, outlines=self._outlines(frame, 0.8), markers=markers,
            graticule=geomap.graticule(frame), font=12, radius=4.5,
            route=" ".join(f"{x:.0f},{y:.0f}" for _, _, (x, y) in route),
            title="Map of the places in the book",
            desc=f"{len(markers)} places between {EXTENT_WORDS}, on today's borders; a line traces Stalin's own "
                 f"movements in {len(route)} stops from Gori to the near dacha. The list below gives every place.",
            standalone=STANDALONE_CSS if standalone else "")
        if standalone:
            return svg
        entries = []
        for place in sorted(self.layer.places, key=lambda p: p.name.casefold()):
            term = edition.terms.get(place.term) if place.term else None
            forms = term.forms if term else place.forms
            counts = edition.usage.get(place.key, Counter())
            appears = [(part, counts[part.slug]) for part in edition.book.parts if counts[part.slug]]
            host = marker_place(place, self.by_id)
            entries.append((place, markdown_to_html(place.note, edition.annotation_parts), forms, appears,
                            place.id in on_map, host if host.id != place.id else None, term))
        return template("places.html").render(
            svg=svg, entries=entries, has_text=edition.book.has_text, route=route_events,
            atlas_hint=None if self.has_atlas else ATLAS_HINT, key_kind=lambda p: p.key.replace(":", "-", 1))

    # -- part pages -------------------------------------------------------------------------

    def part_html(self, slug: str, keys: set[str], edition_kind: str) -> str:
        """The small map of the places the part mentions, and the small strip with its span."""
        places = places_in(keys, self.layer.places)
        parts = self.edition.book.parts
        map_svg = ""
        points = [(marker_place(p, self.by_id).lon, marker_place(p, self.by_id).lat) for p in places]
        whole = geomap.extent_frame(PART_WIDTH)
        points = [pt for pt in points if whole.contains(*pt)]
        if points:
            frame = geomap.fitted_frame(points, PART_WIDTH, PART_ASPECT)

            def href(host: PlaceEntry, members: list[PlaceEntry]) -> str:
                """The first mention on this page of the marker's place, or of a place drawn with it."""
                first = host if host in members else members[0]
                return "#use-" + first.key.replace(":", "-", 1)

            usage = self.edition.usage  # this part's own mentions: complete (linked before the header is made)
            markers = self._markers(places, frame, href, font=10, radius=3.5,
                                    mentions=lambda p: usage.get(p.key, Counter())[slug])
            if markers:
                part = self.edition.book.part(slug)
                map_svg = template("map.html").render(
                    ident=f"map-{slug}", frame=frame, outlines=self._outlines(frame, 0.9), markers=markers, graticule="",
                    font=10, radius=3.5, route="", title=f"Places in {part.title}",
                    desc=f"{len(markers)} places this part mentions: "
                         + ", ".join(m.place.name for m in markers) + ". Each links to its first mention on this page.")
        strip_svg = ""
        if slug in part_spans(self.layer, parts):
            placed = self.edition.placed_events
            events = [e for e in self.layer.events if e.part == slug]

            def event_href(event) -> str:
                if edition_kind == "companion" or event.id in placed:
                    return f"#event-{event.id}"
                return f"@/timeline.md#event-{event.id}"

            strip = draw(self.layer, parts, width=480, ident=f"strip-{slug}", highlight=slug, events=events, compact=True,
                         font=10, event_href=event_href, part_href=lambda p: f"@/book/{p.slug}.md")
            strip.title = f"{self.edition.book.part(slug).title} on the timeline"
            span = strip.highlight
            strip.desc = (f"The years 1878–1953 with the book's chapters; this part covers {span.title if span else ''}. "
                          f"Ticks mark its {len(events)} dated event{'s' if len(events) != 1 else ''}. The full timeline lists every event.")
            strip_svg = template("strip.html").render(strip=strip)
        if not (map_svg or strip_svg):
            return ""
        return template("part_figures.html").render(map=map_svg, strip=strip_svg, atlas_hint=None if self.has_atlas else ATLAS_HINT)

    # -- the timeline page ------------------------------------------------------------------

    def timeline_strip_html(self, standalone: bool = False) -> str:
        strip = draw(self.layer, self.edition.book.parts, width=PAGE_WIDTH, ident="timeline-strip",
                     event_href=lambda e: f"#event-{e.id}", part_href=lambda p: f"@/book/{p.slug}.md")
        strip.title = "Timeline 1878–1953"
        strip.desc = (f"The years from Stalin's birth to his death, with his age, the main periods, the book's parts as bands "
                      f"over the years they cover, and {len(strip.ticks)} events as ticks. The list below gives every event.")
        return template("strip.html").render(strip=strip, standalone=STANDALONE_CSS if standalone else "")

