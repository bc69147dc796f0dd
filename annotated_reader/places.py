"""Places of the book (annotations/places.yml): records, their checks, and which part names which.

A place is a point on today's map with the names the book and history gave it. Places that
already have a glossary entry (Tiflis, Tsaritsyn, the Kremlin ...) name it with `term:` and
are linked in the text through it, so a name never gets two popups; the others bring their
own `forms` and are linked as `place:<id>`. Either way a place's mentions are counted under
one key (`PlaceEntry.key`), which is all the maps need to know where it occurs.
"""
from __future__ import annotations

from collections import Counter
from typing import Iterable

from .model import Layer, Place, PlaceEntry, RouteStop
from .problems import Problem, did_you_mean
from .yamlsource import YamlDoc


def place_records(doc: YamlDoc) -> tuple[list[PlaceEntry], list[RouteStop]]:
    """The entries and route of a places.yml that passed its schema."""
    places = []
    for i, raw in enumerate(doc.data["places"]):
        line, col = doc.where(("places", i))
        places.append(PlaceEntry(
            raw["id"], raw["name"], raw["modern"], raw["country"], float(raw["lat"]), float(raw["lon"]), raw["note"],
            Place(doc.file, line, col), raw.get("term", ""), list(dict.fromkeys(raw.get("forms", []))),
            bool(raw.get("case_sensitive", True)), list(raw.get("exclude", [])), raw.get("near", "")))
    route = []
    for i, raw in enumerate(doc.data.get("route", [])):
        line, col = doc.where(("route", i))
        route.append(RouteStop(raw["event"], raw["place"], Place(doc.file, line, col)))
    return places, route


def check_places(layer: Layer) -> list[Problem]:
    """What the schema cannot see: duplicates, links to entries that do not exist, and the route."""
    problems: list[Problem] = []
    terms = {t.id for t in layer.terms}
    events = {e.id: e for e in layer.events}
    ids: dict[str, Place] = {}
    claimed: dict[str, str] = {}  # glossary term -> the place that names it

    def problem(where: Place, message: str, hint: str, ident: str, severity: str = "error") -> None:
        problems.append(Problem(where.file, where.line, where.col, message, hint, ident, severity))  # type: ignore[arg-type]

    for p in layer.places:
        if p.id in ids:
            other = ids[p.id]
            problem(p.place, f'duplicate place id "{p.id}" (first used at {other.file}:{other.line}).',
                    "Ids must be unique: choose another one.", p.id)
            continue
        ids[p.id] = p.place
    by_id = {p.id: p for p in layer.places}
    for p in layer.places:
        if p.term and p.forms:
            problem(p.place, f'the place "{p.id}" has both `term: {p.term}` and `forms`.',
                    "A place with a glossary entry is linked through that entry's forms: remove `forms` here "
                    "(or add the spelling to the glossary entry).", p.id)
        if p.term and p.term not in terms:
            problem(p.place, f'`term: {p.term}` names no glossary entry.',
                    did_you_mean(p.term, terms) or "Use the id of a term in glossary.yml, or list `forms` instead.", p.id)
        if p.term in claimed:
            problem(p.place, f'the glossary entry "{p.term}" is already the place "{claimed[p.term]}".',
                    "One glossary entry maps to one place.", p.id)
        elif p.term:
            claimed[p.term] = p.id
        if not p.term and not p.forms:
            problem(p.place, f'the place "{p.id}" has neither `term` nor `forms`, so the text never links it.',
                    "Add `forms:` with the spellings the book uses, or `term:` with its glossary entry.", p.id, "warning")
        if p.near:
            host = by_id.get(p.near)
            if host is None:
                problem(p.place, f'`near: {p.near}` names no place.', did_you_mean(p.near, by_id) or "Use the id of a place in this file.", p.id)
            elif host.near or host.id == p.id:
                problem(p.place, f'`near: {p.near}` names a place that is itself drawn near another.',
                        f"Name the place whose marker is drawn: `near: {host.near or host.id}`.", p.id)
    # A place's own form must not be a glossary or people form, even under the same id (load.cross_check
    # compares ids only, and "gorki" the term and "gorki" the place would pass it).
    others = {form.replace("’", "'").casefold(): f"{kind} \"{e.id}\"" for kind, entries in (("term", layer.terms), ("person", layer.people))
              for e in entries for form in e.forms}
    for p in layer.places:
        for form in p.forms:
            owner = others.get(form.replace("’", "'").casefold())
            if owner:
                problem(p.place, f'the form "{form}" is already claimed by the {owner}.',
                        f"If the entry is this place, write `term: {owner.split(chr(34))[1]}` instead of `forms`"
                        if owner.startswith("term") else "A form may link to one entry only: use a longer form.", p.id)
    seen: Counter = Counter()
    for stop in layer.route:
        seen[stop.event] += 1
        if stop.event not in events:
            problem(stop.place, f'the route names unknown event "{stop.event}".',
                    did_you_mean(stop.event, events) or "Use the id of an event in timeline.yml.", stop.event)
        if stop.place_id not in by_id:
            problem(stop.place, f'the route names unknown place "{stop.place_id}".',
                    did_you_mean(stop.place_id, by_id) or "Use the id of a place in places.yml.", stop.event)
        if seen[stop.event] == 2:
            problem(stop.place, f'the event "{stop.event}" is a stop of the route twice.', "Remove one of them.", stop.event)
    return problems


def marker_place(place: PlaceEntry, by_id: dict[str, PlaceEntry]) -> PlaceEntry:
    """The place whose marker shows `place` (itself, or the place it is drawn `near`)."""
    return by_id.get(place.near, place) if place.near else place


def places_in(keys: Iterable[str], places: list[PlaceEntry]) -> list[PlaceEntry]:
    """The places whose link keys occur in `keys` (the triggers of one page)."""
    found = set(keys)
    return [p for p in places if p.key in found]


def route_points(layer: Layer) -> list[tuple[str, PlaceEntry]]:
    """The route's stops as (date, marker place), in date order, each stop once; unknown names dropped.

    Consecutive stops at the same marker are merged: the line shows moves, not stays.
    """
    events = {e.id: e for e in layer.events}
    by_id = {p.id: p for p in layer.places}
    stops = sorted(((events[s.event].date, marker_place(by_id[s.place_id], by_id)) for s in layer.route
                    if s.event in events and s.place_id in by_id), key=lambda stop: stop[0])
    points: list[tuple[str, PlaceEntry]] = []
    for date, place in stops:
        if not points or points[-1][1].id != place.id:
            points.append((date, place))
    return points
