"""Consistency of the annotation layer with itself: the slips a careful reader of the layer would catch.

Three checks, all warnings, none needs the book's text:

- **dates**: a timeline event's date must agree with what the entries that link it
  (`event:<id>`) say about it. In the clause around the link, a date given plainly
  ("on 9 August 1945") must fit the event's date; a date after "after", "since",
  "before", "until" or "by" must leave the event on the right side of it; a link to
  another event after "after"/"before" must respect the two events' order.
- **unlinked people**: a person with an entry, named in an annotation body but never
  linked there, is a missed link (names inside any link or *emphasis*, and exclude phrases, do not count).
- **variant spellings**: a person's name spelled otherwise than the entry's name
  (a variant listed in `forms`, or a transliteration variant such as "Budennyi" for
  "Budenny") makes the layer disagree with itself and with the book.

Dates are compared at the precision both sides have: "August 1945" fits "1945-08-09".
"""
from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass
from typing import Iterator

from .model import Event, Layer, Person, Place
from .problems import Problem
from .terms import TOKEN, TermIndex

MONTHS = {m: i for i, m in enumerate(("january", "february", "march", "april", "may", "june", "july", "august",
                                       "september", "october", "november", "december"), 1)}
_MONTH = "(?:" + "|".join(m.title() for m in MONTHS) + ")"
DATE = re.compile(
    rf"\b(?:(?P<day>[0-3]?\d)(?:\s*(?:–|-|and)\s*(?P<day2>[0-3]?\d))?\s+(?P<dmonth>{_MONTH})(?:\s+(?P<dyear>1[6-9]\d\d))?"
    rf"|(?P<month>{_MONTH})(?:\s*[–-]\s*(?P<month2>{_MONTH}))?\s+(?P<myear>1[6-9]\d\d)"
    rf"|(?P<year>1[6-9]\d\d)(?:\s*[–-]\s*(?P<until>1[6-9]\d\d|\d\d))?)\b")
ITALIC = re.compile(r"(?<![\w*])[*_](?!\s)[^*_\n]+?[*_](?!\w)")
NAME = re.compile(r"(?<![\w'’])[A-Z][^\W_]*(?:['’][^\W_]+)*")  # a capitalized word: names are spelled in Latin letters
QUOTED = re.compile(r'"[^"\n]*"|“[^”]*”')
LINK = re.compile(r"\[(?P<label>[^\]]*)\]\((?P<target>[^)\s]*)\)")
# a clause ends at a sentence's end, a semicolon, colon, comma, bracket or dash: a date further away is about something else
CLAUSE_END = re.compile(r"[.;:!?,()—]\s|[;()—]")
# "after 6 August", "before the bombing of 9 August": a relation word at most three words before the date;
# "by" and "until" only right before it ("signed by Yezhov on 30 July" gives a date, not a deadline)
RELATION = re.compile(r"\b(?:(?P<word>after|since|following|before|prior to)(?:\s+[\w'’-]+){0,3}|(?P<near>by|until))\s+$",
                      re.I)
LATER = {"after", "since", "following"}


@dataclass(frozen=True)
class Date:
    """A date or span as (year, month, day) tuples cut to the precision written: (1945,), (1945, 8), (1945, 8, 9)."""

    start: tuple
    end: tuple

    @classmethod
    def iso(cls, text: str) -> "Date":
        parts = tuple(int(p) for p in text.split("-"))
        return cls(parts, parts)

    def fits(self, when: tuple) -> bool:
        """Could the date `when` be meant? Compared at the precision both have."""
        n = min(len(self.start), len(when))
        return self.start[:n] <= when[:n] <= self.end[:n]

    def __str__(self) -> str:
        def one(d):
            return " ".join(str(p) for p in (d[2] if len(d) > 2 else None, MONTH_NAMES[d[1]] if len(d) > 1 else None, d[0]) if p)
        return one(self.start) if self.start == self.end else f"{one(self.start)}–{one(self.end)}"


MONTH_NAMES = {i: m.title() for m, i in MONTHS.items()}


def dates_in(text: str, year: int | None = None) -> Iterator[tuple[int, Date]]:
    """(offset, date) of each date or span written in `text`; a day and month without a year take `year`."""
    for m in DATE.finditer(text):
        if m["dmonth"]:
            y = int(m["dyear"]) if m["dyear"] else year
            if y is not None:
                month = MONTHS[m["dmonth"].lower()]
                yield m.start(), Date((y, month, int(m["day"])), (y, month, int(m["day2"] or m["day"])))
        elif m["month"]:
            y = int(m["myear"])
            yield m.start(), Date((y, MONTHS[m["month"].lower()]), (y, MONTHS[(m["month2"] or m["month"]).lower()]))
        else:
            y, until = int(m["year"]), m["until"]
            end = int(until if len(until or "") == 4 else m["year"][:2] + until) if until else y
            yield m.start(), Date((y,), (max(y, end),))


def clause_around(text: str, start: int, end: int) -> tuple[int, str]:
    """The clause holding [start, end): from the last clause break before it to the first after it."""
    begin = 0
    for m in CLAUSE_END.finditer(text, 0, start):
        if m.end() <= start:
            begin = m.end()
    stop = CLAUSE_END.search(text, end)
    return begin, text[begin:stop.start() if stop else len(text)]


def consistency_problems(layer: Layer) -> list[Problem]:
    return [*date_problems(layer), *people_problems(layer)]


# -- dates -------------------------------------------------------------------------------------

def _linking_texts(layer: Layer) -> Iterator[tuple[str, str, Place, str, Event | None]]:
    """(kind, id, place, text, event the text is about) of everything that can link an event."""
    for ann in layer.annotations():
        yield "annotation", ann.id, ann.place, ann.body, None
    for term in layer.terms:
        yield "glossary entry", term.id, term.place, term.short + "\n" + term.long, None
    for person in layer.people:
        yield "person", person.id, person.place, person.short + "\n" + person.long, None
    for event in layer.events:
        yield "event", event.id, event.place, event.event, event


def date_problems(layer: Layer) -> list[Problem]:
    events = {e.id: e for e in layer.events}
    problems = []
    for kind, ident, place, text, subject in _linking_texts(layer):
        visible, links = _visible(text)
        for start, end, target in links:
            scheme, _, target = target.partition(":")
            if scheme != "event" or target not in events or (subject and subject.id == target):
                continue
            begin, clause = clause_around(visible, start, end)
            problems += _clause_problems(kind, ident, place, events[target], clause, start - begin, subject)
    return problems


def _visible(text: str) -> tuple[str, list[tuple[int, int, str]]]:
    """The text as a reader sees it (links replaced by their labels) and where each link's label is."""
    out, links, last = [], [], 0
    for m in LINK.finditer(text):
        out.append(text[last:m.start()])
        start = sum(map(len, out))
        out.append(m["label"])
        links.append((start, start + len(m["label"]), m["target"]))
        last = m.end()
    out.append(text[last:])
    return "".join(out), links


def _when(event: Event) -> tuple:
    return Date.iso(event.date).start


def _later(when: tuple, than: tuple) -> bool:
    n = min(len(when), len(than))
    return when[:n] > than[:n]


def _clause_problems(kind: str, ident: str, place: Place, event: Event, clause: str, at: int,
                     subject: Event | None) -> list[Problem]:
    """The dates of one clause that links `event` (at offset `at`), in the text of `kind` `ident`.

    In another event's text (`subject`), the clause is about that event: "after [x](event:x)"
    orders the two, and its dates are the subject's own, not checked here.
    """
    problems = []
    if subject is not None:
        relation = RELATION.search(clause[:at])
        if relation:
            word = (relation["word"] or relation["near"]).lower()
            first, second = (event, subject) if word in LATER else (subject, event)  # first must not be later
            if _later(_when(first), _when(second)):
                problems.append(Problem(place.file, place.line, place.col,
                                        f'event "{subject.id}" ({subject.date}) says it came {word} event '
                                        f'"{event.id}" ({event.date}), but the timeline dates them the other way round.',
                                        "Correct the date of one of them, or the word that orders them.",
                                        subject.id, "warning"))
        return problems
    when, plain = _when(event), []
    for offset, date in dates_in(clause, when[0]):
        relation = RELATION.search(clause[:offset])
        if relation is None:
            plain.append(date)
            continue
        word = (relation["word"] or relation["near"]).lower()
        wrong = _later(date.start, when) if word in LATER else _later(when, date.end)
        if wrong:
            problems.append(_date_warning(kind, ident, place, event, f"says it happened {word} {date}"))
    if plain and not any(d.fits(when) for d in plain):
        problems.append(_date_warning(kind, ident, place, event,
                                      f"gives {' / '.join(map(str, plain))} in the clause that links it"))
    return problems


def _date_warning(kind: str, ident: str, place: Place, event: Event, what: str) -> Problem:
    return Problem(place.file, place.line, place.col,
                   f'timeline event "{event.id}" ({event.place.file}:{event.place.line}) is dated {event.date}, '
                   f'but {kind} "{ident}" {what}.',
                   "Check both against the book and correct the one that is wrong (the event's `date` or the entry's text).",
                   ident, "warning")


# -- people ------------------------------------------------------------------------------------

def people_problems(layer: Layer) -> list[Problem]:
    """Unlinked names and variant spellings of people in annotation bodies."""
    people = {p.id: p for p in layer.people}
    entries = [(f"person:{p.id}", p.forms, p.case_sensitive) for p in layer.people]
    entries += [(f"term:{t.id}", t.forms, t.case_sensitive) for t in layer.terms]  # "Kirov Works" is not Kirov
    entries += [(None, e.exclude, e.case_sensitive) for e in [*layer.people, *layer.terms] if e.exclude]
    index = TermIndex(entries)
    spellings = _spellings(layer.people, {w for t in layer.terms for f in t.forms for w in TOKEN.findall(f)})
    problems = []
    for ann in layer.annotations():
        linked = {m["target"].partition(":")[2] for m in LINK.finditer(ann.body) if m["target"].startswith("person:")}
        visible = LINK.sub(lambda m: "[" + m["label"] + "]" + " " * (len(m["target"]) + 2), ann.body)
        # names inside links are linked already; inside *emphasis* they are part of a title (*The Stalin–Kaganovich
        # Correspondence*) or a foreign phrase, where a link would break the title
        plain = ITALIC.sub(lambda m: " " * len(m.group()), LINK.sub(lambda m: " " * len(m.group()), ann.body))
        named: dict[str, str] = {}
        for hit in index.find(plain):
            kind, _, ident = hit.key.partition(":")
            if kind == "person" and ident not in linked:
                named.setdefault(ident, " ".join(plain[hit.start:hit.end].split()))
        for ident, said in named.items():
            person = people[ident]
            problems.append(Problem(ann.place.file, ann.place.line, ann.place.col,
                                    f'"{said}" has a people entry ({person.name}) but is not linked in this annotation.',
                                    f"Link the first mention: [{_strip_possessive(said)}](person:{ident}).", ann.id, "warning"))
        seen = set()
        for m in NAME.finditer(QUOTED.sub(lambda q: " " * len(q.group()), visible)):  # a quoted spelling is discussed, not used
            word = _strip_possessive(m.group())
            found = spellings.get(word) if word not in seen else []
            if found:
                seen.add(word)
                canonical = found[0][0]
                who = ", ".join(f'{person.name} ("{person.id}")' for _, person in found)
                problems.append(Problem(ann.place.file, ann.place.line, ann.place.col,
                                        f'"{word}" is a variant spelling of "{canonical}", the spelling of the people entry {who}.',
                                        f'Write "{canonical}" as the entry and the book do; to discuss a spelling, put it in quotation marks.',
                                        ann.id, "warning"))
    return problems


def _strip_possessive(word: str) -> str:
    return word[:-2] if word.endswith(("'s", "’s")) else word


def _canonical_words(person: Person) -> set[str]:
    return {w for w in TOKEN.findall(person.name + " " + person.full_name) if len(w) > 1}


def _surnames(person: Person) -> set[str]:
    """The last word of the name and of the full name: first names are shared by too many people to check."""
    words = [TOKEN.findall(re.sub(r"\(.*?\)", " ", text)) for text in (person.name, person.full_name)]
    return {w[-1] for w in words if w and len(w[-1]) > 3}


def _spellings(people: list[Person], other_words: set[str]) -> "_Spellings":
    """Variant spelling -> (canonical word, person), for words that are no one's canonical spelling.

    The variants are the words of `forms` close to, but not in, the name (listed variants), and
    transliterations of a name word not listed anywhere, found by key. A word that is the spelling of
    another person or of a glossary term ("Gorki" the estate, not "Gorky" the writer) is never a variant.
    """
    canonical = {p.id: _canonical_words(p) for p in people}
    every = set(other_words).union(*canonical.values())
    by_key: dict[str, list[tuple[str, Person]]] = {}
    for person in people:
        for word in _surnames(person):
            by_key.setdefault(_translit_key(word), []).append((word, person))
    listed: dict[str, list[tuple[str, Person]]] = {}
    for person in people:
        for form in person.forms:
            for word in TOKEN.findall(form):
                if word in every or len(word) < 4:
                    continue
                close = [c for c in sorted(_surnames(person)) if _translit_key(c) == _translit_key(word)
                         or difflib.SequenceMatcher(None, c.casefold(), word.casefold()).ratio() >= 0.75]
                if close:
                    listed.setdefault(word, []).append((close[0], person))
    return _Spellings(listed, by_key, every)


class _Spellings:
    """`get(word)`: the canonical spellings `word` is a variant of (empty for a canonical word)."""

    def __init__(self, listed, by_key, every):
        self.listed, self.by_key, self.every = listed, by_key, every

    def get(self, word: str) -> list[tuple[str, Person]]:
        if word in self.every:
            return []
        found = {p.id: (c, p) for c, p in self.by_key.get(_translit_key(word), [])}
        found.update({p.id: (c, p) for c, p in self.listed.get(word, [])})
        return list(found.values())


_KEY_RULES = [(re.compile(p), r) for p, r in (
    (r"['’ʹ]", ""), (r"dzh", "j"), (r"(yi|iy|ii|y)$", "i"), (r"ey", "ei"), (r"ya", "ia"), (r"yu", "iu"),
    (r"yo", "e"), (r"ye", "e"), (r"(.)\1", r"\1"))]


@functools.lru_cache(maxsize=None)
def _translit_key(word: str) -> str:
    """The same name in the usual English transliterations of Russian gets the same key (Budennyi, Budenny)."""
    key = word.casefold()
    for pattern, replacement in _KEY_RULES:
        key = pattern.sub(replacement, key)
    return key
