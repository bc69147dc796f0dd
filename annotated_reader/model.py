"""The plain data every stage passes along: parts, annotations, terms, people, events.

One word per concept: the book has *parts*; an *annotation* has an *anchor*;
a glossary *term* and a *person* have *forms* (the spellings that match); a
timeline *event* belongs to a part. Each record remembers where it was written
(`Place`) so that any later stage can report a problem on the right line.
"""
from __future__ import annotations

from dataclasses import dataclass, field

ANNOTATION_KINDS = (
    "context", "person", "place", "term", "source", "correction", "translation", "cross-reference",
)
TERM_CATEGORIES = (
    "institution", "security", "party", "economy", "military", "place", "archive", "ideology", "other",
)
MAX_QUOTE_WORDS = 12  # the copyright rule: an anchor quotes at most 12 words of the book


@dataclass(frozen=True)
class Place:
    """Where something was written: file, 1-based line and column."""

    file: str
    line: int = 1
    col: int = 1


@dataclass(frozen=True)
class Part:
    """A part of the book in reading order (preface, interlude, chapter, epilogue)."""

    slug: str
    title: str
    kind: str
    number: int | None = None

    @property
    def label(self) -> str:
        """'Chapter 2' for numbered chapters, 'Interlude' etc. otherwise."""
        if self.number is not None:
            return f"Chapter {self.number}"
        return {"front": "Front matter", "interlude": "Interlude", "epilogue": "Epilogue"}.get(self.kind, self.kind.title())


@dataclass(frozen=True)
class Anchor:
    """A W3C TextQuoteSelector with an optional occurrence index (1-based)."""

    quote: str
    prefix: str = ""
    suffix: str = ""
    occurrence: int | None = None
    near: int | None = None  # the paragraph (1-based, in the part) where it was last placed: breaks ties only


@dataclass
class Annotation:
    """Commentary anchored to one passage of one part."""

    id: str
    part: str
    anchor: Anchor
    kind: str
    body: str
    place: Place
    sources: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    author: str = ""
    quote_place: Place | None = None  # where the quote is written: anchoring problems point here


@dataclass
class PartLayer:
    """Everything contributors wrote about one part: synopsis, questions, annotations."""

    part: str
    place: Place
    synopsis: str = ""
    questions: list[str] = field(default_factory=list)
    annotations: list[Annotation] = field(default_factory=list)


@dataclass
class Term:
    """A glossary entry. `forms` always include the term itself."""

    id: str
    term: str
    short: str
    place: Place
    category: str = "other"
    russian: str = ""
    transliteration: str = ""
    forms: list[str] = field(default_factory=list)
    case_sensitive: bool = False
    long: str = ""
    see_also: list[str] = field(default_factory=list)
    in_text: bool = True  # false: explains the commentary only; the book never uses the word
    exclude: list[str] = field(default_factory=list)  # phrases where a form means something else: never linked
    sources: list[str] = field(default_factory=list)  # citations, above all for facts not from the book


@dataclass
class Person:
    """Someone who appears in the book. Forms match case-sensitively by default."""

    id: str
    name: str
    short: str
    place: Place
    full_name: str = ""
    forms: list[str] = field(default_factory=list)
    born: str = ""
    died: str = ""
    roles: list[str] = field(default_factory=list)
    long: str = ""
    case_sensitive: bool = True
    exclude: list[str] = field(default_factory=list)  # phrases where a form means someone or something else
    sources: list[str] = field(default_factory=list)  # citations, above all for facts not from the book

    @property
    def dates(self) -> str:
        if not (self.born or self.died):
            return ""
        return f"{self.born or '?'}–{self.died or ''}"


@dataclass
class Event:
    """A dated event on the timeline, told in `part`."""

    id: str
    date: str
    event: str
    part: str
    place: Place
    anchor: Anchor | None = None

    @property
    def year(self) -> int:
        return int(self.date[:4])


@dataclass
class PlaceEntry:
    """A place of the book on the map (annotations/places.yml): where it is today, and its names.

    A place with a glossary entry (`term`) is linked in the text through that entry; otherwise
    its own `forms` link it, with a place popup. `near` draws it with another place's marker.
    """

    id: str
    name: str
    modern: str
    country: str
    lat: float
    lon: float
    note: str
    place: Place
    term: str = ""
    forms: list[str] = field(default_factory=list)
    case_sensitive: bool = True
    exclude: list[str] = field(default_factory=list)
    near: str = ""

    @property
    def short(self) -> str:
        """What its popup shows, like a term's or a person's `short`."""
        return self.note

    @property
    def key(self) -> str:
        """The key its mentions are linked and counted under: its glossary entry's, or its own."""
        return f"term:{self.term}" if self.term else f"place:{self.id}"


@dataclass
class RouteStop:
    """One stop of Stalin's own movements: a dated timeline event and the place he was at."""

    event: str
    place_id: str
    place: Place


@dataclass
class Period:
    """A named stretch of years drawn over the timeline strip (the Civil War, NEP ...)."""

    name: str
    start: int
    end: int
    place: Place


@dataclass
class Layer:
    """All contributed data of one edition, loaded and validated."""

    parts: dict[str, PartLayer] = field(default_factory=dict)
    terms: list[Term] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    places: list[PlaceEntry] = field(default_factory=list)
    route: list[RouteStop] = field(default_factory=list)
    periods: list[Period] = field(default_factory=list)
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)  # part slug -> years it covers (timeline.yml)

    def annotations(self) -> list[Annotation]:
        return [a for layer in self.parts.values() for a in layer.annotations]
