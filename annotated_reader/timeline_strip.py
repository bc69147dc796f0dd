"""The drawn timeline: an SVG strip of the years 1878–1953 with periods, parts and events.

Above the timeline's list (which stays the text equivalent) and, small, on each part page.
The strip has four rows: the named periods (timeline.yml `periods`), the book's parts as
bands over the years they cover (timeline.yml `spans`, or the years of the part's events),
the events as ticks, and an axis of years with Stalin's age. Every band and tick is a link.
Geometry is computed here; templates/strip.html writes the SVG.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .model import Event, Layer, Part, Period, Place
from .problems import Problem, did_you_mean
from .yamlsource import YamlDoc

FIRST, LAST = 1878, 1953
BIRTH = 1878 + 342 / 365  # 6 December 1878 (Old Style), as the book dates it
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def timeline_extras(doc: YamlDoc, slugs: list[str], problems: list[Problem]) -> tuple[list[Period], dict[str, tuple[int, int]]]:
    """`periods` and `spans` of a timeline.yml that passed its schema."""
    periods, spans = [], {}
    for i, raw in enumerate(doc.data.get("periods", [])):
        line, col = doc.where(("periods", i))
        if raw["from"] > raw["to"]:
            problems.append(doc.problem(("periods", i, "from"), f'the period "{raw["name"]}" ends ({raw["to"]}) before it begins ({raw["from"]}).',
                                        "Swap `from` and `to`."))
            continue
        periods.append(Period(raw["name"], raw["from"], raw["to"], Place(doc.file, line, col)))
    for i, raw in enumerate(doc.data.get("spans", [])):
        if raw["part"] not in slugs:
            problems.append(doc.problem(("spans", i, "part"), f'unknown part "{raw["part"]}".',
                                        did_you_mean(raw["part"], slugs) or f"Parts: {', '.join(slugs)}."))
        elif raw["from"] > raw["to"]:
            problems.append(doc.problem(("spans", i, "from"), f'the span of "{raw["part"]}" ends before it begins.', "Swap `from` and `to`."))
        elif raw["part"] in spans:
            problems.append(doc.problem(("spans", i, "part"), f'the part "{raw["part"]}" has a span already.', "Keep one."))
        else:
            spans[raw["part"]] = (raw["from"], raw["to"])
    return periods, spans


def part_spans(layer: Layer, parts: list[Part]) -> dict[str, tuple[int, int]]:
    """The years each part covers: its `spans` entry, else the years of its events."""
    spans = {}
    for part in parts:
        years = [e.year for e in layer.events if e.part == part.slug]
        if part.slug in layer.spans:
            spans[part.slug] = layer.spans[part.slug]
        elif years:
            spans[part.slug] = (min(years), max(years))
    return spans


def decimal_year(date: str) -> float:
    """'1917-10-25' -> 1917.81: the middle of the month or day the date names."""
    bits = [int(b) for b in date.split("-")]
    year = bits[0]
    if len(bits) == 1:
        return year + 0.5
    if len(bits) == 2:
        return year + (bits[1] - 0.5) / 12
    return year + (bits[1] - 1) / 12 + (bits[2] - 0.5) / 365


def plain(text: str) -> str:
    """Event text for a tooltip: Markdown links and emphasis reduced to their words."""
    return _LINK.sub(r"\1", text).replace("*", "")


@dataclass
class Band:
    x: float
    width: float
    y: float
    height: float
    label: str
    title: str
    href: str
    cls: str = ""
    text_x: float = 0
    text_y: float = 0
    show_label: bool = True


@dataclass
class Tick:
    x: float
    href: str
    title: str
    ident: str


@dataclass
class Strip:
    """Everything strip.html draws, in viewBox units."""

    ident: str
    width: int
    height: int
    title: str
    desc: str
    periods: list[Band] = field(default_factory=list)
    bands: list[Band] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    tick_y: float = 0
    tick_h: float = 0
    axis_y: float = 0
    years: list[tuple[float, int]] = field(default_factory=list)
    ages: list[tuple[float, int]] = field(default_factory=list)
    highlight: Band | None = None
    font: float = 11
    period_font: float = 11


def draw(layer: Layer, parts: list[Part], *, width: int, ident: str, event_href, part_href, highlight: str = "",
         events: list[Event] | None = None, compact: bool = False, font: float = 11) -> Strip:
    """Lay out the strip. `event_href(event)` and `part_href(part)` give the links (placeholders)."""
    pad = 6
    span = LAST + 1 - FIRST
    x = lambda year: pad + (year - FIRST) / span * (width - 2 * pad)  # noqa: E731
    spans = part_spans(layer, parts)
    strip = Strip(ident, width, 0, "", "", font=font)
    y = 2.0
    # Periods: a band each, names in two rows so neighbours never collide.
    row_ends = [-1e9, -1e9]
    pfont = strip.period_font = font * (0.85 if compact else 1)  # the small strip has little room for names
    for period in layer.periods:
        x0, x1 = x(period.start), x(period.end + 1)
        w = 0.56 * pfont * len(period.name)
        cx = (x0 + x1) / 2
        left = max(pad, min(cx - w / 2, width - pad - w))
        row = next((r for r in (0, 1) if left > row_ends[r] + 4), None)  # no room in either row: the name stays in the tooltip
        if row is not None:
            row_ends[row] = left + w
        strip.periods.append(Band(x0, x1 - x0, y + 2 * font + 4, 5, period.name if row is not None else "",
                                  f"{period.name}, {period.start}–{period.end}", "", "ra-strip-period",
                                  left + w / 2, y + font * ((row or 0) + 1) + (row or 0) * 2))
    y += 2 * font + 14
    # Parts: chapters in the first lane, the other parts in as few lanes as fit.
    lanes: list[float] = []
    lane_h = font + 6 if not compact else font + 4
    ordered = sorted((p for p in parts if p.slug in spans), key=lambda p: (p.kind != "chapter", spans[p.slug][0]))
    for part in ordered:
        if compact and part.kind != "chapter" and part.slug != highlight:
            continue
        start, end = spans[part.slug]
        x0, x1 = x(start), x(end + 1)
        if part.kind == "chapter":
            lane = 0
        else:
            lane = next((i for i in range(1, len(lanes)) if x0 >= lanes[i] + 1), max(len(lanes), 1))
        while len(lanes) <= lane:
            lanes.append(-1e9)
        lanes[lane] = max(lanes[lane], x1)
        label = part.title
        fits = 0.56 * font * len(label) + 6 <= x1 - x0
        years = f"{start}–{end}" if end != start else f"{start}"
        band = Band(x0, x1 - x0, y + lane * (lane_h + 2), lane_h, label, f"{part.label}: {part.title} ({years})",
                    part_href(part), "ra-strip-part ra-strip-" + part.kind + (" ra-strip-current" if part.slug == highlight else ""),
                    x0 + 4, y + lane * (lane_h + 2) + lane_h - 4, fits)
        strip.bands.append(band)
        if part.slug == highlight:
            strip.highlight = Band(x0, x1 - x0, 0, 0, part.title, years, "")
    y += max(len(lanes), 1) * (lane_h + 2) + 4
    # Events.
    strip.tick_y, strip.tick_h = y, 14
    chosen = layer.events if events is None else events
    for event in sorted(chosen, key=lambda e: (decimal_year(e.date), e.date)):  # left to right, also for Tab
        strip.ticks.append(Tick(round(x(decimal_year(event.date)), 1), event_href(event), f"{event.date}: {plain(event.event)}", event.id))
    y += 18
    strip.axis_y = y
    first_decade = (FIRST // 10 + 1) * 10
    years = [FIRST, *range(first_decade, LAST, 10 if not compact else 25), LAST]
    gap = 4 * font  # a year label is four digits wide, plus a space
    strip.years = [(x(year), year) for year in years if year in (FIRST, LAST) or (x(year) - x(FIRST) > gap and x(LAST) - x(year) > gap)]
    strip.ages = [(x(BIRTH + age), age) for age in range(10, 75, 10 if not compact else 20)]
    strip.height = int(y + 2 * font + 12)
    if strip.highlight:
        strip.highlight.y, strip.highlight.height = 0, strip.height
    return strip
