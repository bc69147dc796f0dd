"""An edition: the book plus its annotation layer, placed and rendered once per build.

`Edition` is what the MkDocs hooks (and any future site generator) talk to.
It loads and validates the contributed files once, anchors each part's
annotations on the HTML text the reader sees, links terms and people in one
pass, and renders everything through templates. It never imports mkdocs.
"""
from __future__ import annotations

import bisect
import hashlib
import re
import time
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .anchor import Failure, Match, changed_warning, explain, match_quote, normalize
from .book import Book, load_book
from .figures import Figures
from .load import load_layer, loaded_bytes
from .model import Annotation, Event, Layer, Person, Term
from .problems import Problem
from .render import markdown_to_html, template
from .terms import Hit, TermIndex
from .textmap import TextMap, apply, closing, opening, text_map

LINK_POLICIES = ("first-per-section", "first-per-page", "all")
IN_THIS_PART = 8  # how many people and terms the "In this part" box shows


@dataclass
class Orphan:
    """An annotation (or event) that could not be placed, and why."""

    id: str
    part: str
    quote: str
    reason: str
    message: str
    hint: str
    annotation: Annotation | None = None


@dataclass
class Placement:
    """Where one part's annotations and event anchors landed, in TextMap.text coordinates."""

    matches: list[tuple[Annotation, Match]] = field(default_factory=list)
    events: list[tuple[Event, Match]] = field(default_factory=list)
    orphans: list[Orphan] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Options:
    """The `extra.reader` settings of mkdocs.yml."""

    link_policy: str = "first-per-section"  # first-per-section | first-per-page | all
    link_people: bool = True
    link_terms: bool = True  # false: no term/person triggers at all (the benchmark's baseline for linking)
    exports: list[str] = field(default_factory=list)  # jsonld, epub: written into downloads/ by the build
    minify: bool = True  # false: our docs/assets JS and CSS are served as written (for debugging in the browser)

    def __post_init__(self) -> None:
        if self.link_policy not in LINK_POLICIES:
            raise ValueError(f"extra.reader.link_policy must be one of {', '.join(LINK_POLICIES)}, not {self.link_policy!r}")


class Edition:
    """The book, its layer, and the per-build state the hooks need."""

    def __init__(self, root: Path, book: Book, layer: Layer, problems: list[Problem], options: Options | None = None):
        self.root, self.book, self.layer = root, book, layer
        self.problems = problems
        self.options = options or Options()
        self.terms = {t.id: t for t in layer.terms}
        self.people = {p.id: p for p in layer.people}
        self.annotation_parts = {a.id: a.part for a in layer.annotations()}
        linked = [*layer.terms, *(layer.people if self.options.link_people else [])]
        entries = [(f"{'term' if isinstance(e, Term) else 'person'}:{e.id}", e.forms, e.case_sensitive) for e in linked]
        self.places = {p.id: p for p in layer.places}
        own_places = [p for p in layer.places if p.forms and not p.term]  # the others link through their glossary entry
        entries += [(p.key, p.forms, p.case_sensitive) for p in own_places]
        entries += [(None, e.exclude, e.case_sensitive) for e in [*linked, *own_places] if e.exclude]  # stop phrases
        self.index = TermIndex(entries)
        self.usage: dict[str, Counter] = defaultdict(Counter)  # key -> part slug -> count
        self.orphans: dict[str, list[Orphan]] = {}
        self.placed_events: dict[str, str] = {}  # event id -> part slug, when anchored
        self.part_problems: dict[str, list[Problem]] = {}  # anchoring problems found while building pages
        # slug -> (page HTML as the site rendered it, its text map, placement): the exports reuse them
        self.placed_pages: dict[str, tuple[str, TextMap, Placement]] = {}
        self._triggers: dict[tuple[str, bool, bool], str] = {}  # trigger tags and popups, made once per build
        self._tips: dict[str, str] = {}
        self._hits: dict[int, tuple[TextMap, list[list[Hit]]]] = {}  # id(text map) -> (it, its runs' hits): term_hits
        self.timings: Counter = Counter()  # seconds per stage, so the benchmark can point at a regression
        self.figures = Figures(self)  # maps and timeline strips
        self.part_cache: dict | None = None  # slug -> last decorated page; set by the hooks while serving
        self._shared_inputs: str | None = None

    @classmethod
    def open(cls, root: Path, docs_dir: Path, options: Options | None = None) -> "Edition":
        start = time.perf_counter()
        book = load_book(root, docs_dir / "book")
        layer, problems = load_layer(root / "annotations", book.parts, root)
        edition = cls(root, book, layer, problems, options)
        edition.timings["load"] += time.perf_counter() - start
        return edition

    @contextmanager
    def timed(self, stage: str):
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings[stage] += time.perf_counter() - start

    def markdown_texts(self) -> list[tuple[str, bool]]:
        """Every contributed Markdown text the site's pages render, with whether it is rendered inline:
        what the hooks give render.render_ahead when a build starts."""
        layer, texts = self.layer, []
        for part in layer.parts.values():
            texts += [(part.synopsis, False), *((q, True) for q in part.questions)]
            for ann in part.annotations:
                texts += [(ann.body, False), *((source, True) for source in ann.sources)]
        for entry in [*layer.terms, *layer.people]:
            texts += [(entry.short, False), (entry.long, False), *((source, True) for source in entry.sources)]
        texts += [(event.event, True) for event in layer.events]
        texts += [(place.note, False) for place in layer.places]
        return texts

    # -- placing -----------------------------------------------------------------------------

    def place(self, slug: str, tm: TextMap) -> Placement:
        """Anchor the part's annotations and event anchors on the visible text of its page."""
        result = Placement()
        norm = normalize(tm.reading)
        part_layer = self.layer.parts.get(slug)
        taken: list[tuple[int, int, str]] = []
        for ann in part_layer.annotations if part_layer else []:
            placed = match_quote(norm, ann.anchor)
            where = ann.quote_place or ann.place
            if isinstance(placed, Failure):
                message, hint = explain(placed, ann.anchor)
                result.orphans.append(Orphan(ann.id, slug, ann.anchor.quote, placed.reason, message, hint, ann))
                result.problems.append(Problem(where.file, where.line, where.col, message, hint, ann.id))
                continue
            start, end = tm.reading_span(placed.start, placed.end)
            clash = next((t for t in taken if start < t[1] and t[0] < end), None)
            if clash:
                message = f'the anchor overlaps the anchor of "{clash[2]}".'
                hint = "Anchors in one part must not overlap: shorten one of the quotes."
                result.orphans.append(Orphan(ann.id, slug, ann.anchor.quote, "overlap", message, hint, ann))
                result.problems.append(Problem(where.file, where.line, where.col, message, hint, ann.id))
                continue
            if placed.changed:
                message, hint = changed_warning(ann.anchor, placed, tm.text[start:end])
                result.problems.append(Problem(where.file, where.line, where.col, message, hint, ann.id, "warning"))
            taken.append((start, end, ann.id))
            result.matches.append((ann, Match(start, end, placed.method, placed.score, placed.paragraph)))
        for event in self.layer.events:
            if event.part != slug or not event.anchor:
                continue
            placed = match_quote(norm, event.anchor)
            if isinstance(placed, Failure):
                message, hint = explain(placed, event.anchor)
                result.problems.append(Problem(event.place.file, event.place.line, event.place.col, message, hint, event.id))
                continue
            start, end = tm.reading_span(placed.start, placed.end)
            if placed.changed:  # as for an annotation: `reader check --refresh` heals it
                message, hint = changed_warning(event.anchor, placed, tm.text[start:end])
                result.problems.append(Problem(event.place.file, event.place.line, event.place.col, message, hint,
                                               event.id, "warning"))
            result.events.append((event, Match(start, end, placed.method, placed.score, placed.paragraph)))
        result.matches.sort(key=lambda pair: pair[1].start)
        return result

    # -- pages -------------------------------------------------------------------------------

    def decorate_part(self, slug: str, html: str) -> tuple[str, set[str]]:
        """The full reader page of an imported part: highlights, markers, term triggers, notes list.

        Returns the new HTML (with `@/` link placeholders) and the popup keys it uses. With a
        `part_cache` (the hooks give one while `mkdocs serve` runs), a part whose inputs did not
        change since the last build is taken from it, with everything decorating it recorded.
        """
        if self.part_cache is None:
            return self._decorate_part(slug, html)
        key = self._part_inputs(slug, html)
        hit = self.part_cache.get(slug)
        if hit and hit[0] == key:
            _, page, keys, usage, placed, events = hit
        else:
            page, keys = self._decorate_part(slug, html)
            usage = {k: self.usage[k][slug] for k in keys}
            events = [e for e, s in self.placed_events.items() if s == slug]
            self.part_cache[slug] = (key, page, frozenset(keys), usage, self.placed_pages[slug], events)
            return page, keys
        for k, n in usage.items():
            self.usage[k][slug] = n
        self.placed_events.update(dict.fromkeys(events, slug))
        self.placed_pages[slug] = placed
        self.orphans[slug] = placed[2].orphans
        self.part_problems[slug] = placed[2].problems
        return page, set(keys)

    def _part_inputs(self, slug: str, html: str) -> str:
        """A digest of everything a part's page is made from: its HTML, its annotation file, the shared
        files (glossary, people, places, timeline), the options, and the parts of the annotations it links.

        The annotation file counts as the layer was loaded from it (the bytes load.py kept), not as it is
        now: a file saved during a build would otherwise pair the old page with the new bytes, and the
        rebuild the save starts would reuse the old page. A part without a layer (no file, or a file
        with errors) has no annotations, whatever the file holds."""
        digest = hashlib.sha1(html.encode("utf-8"))
        part = self.layer.parts.get(slug)
        text = loaded_bytes(self.root / "annotations" / Path(part.place.file).name, part.place.file) if part else b""
        digest.update(text)
        digest.update(self.shared_inputs().encode("ascii"))
        refs = sorted(set(re.findall(rb"ann:([a-z0-9-]+)", text)))
        digest.update(repr([(r, self.annotation_parts.get(r.decode())) for r in refs]).encode("utf-8"))
        return digest.hexdigest()

    def shared_inputs(self) -> str:
        """A digest of what every page is made from: the files that are not a part's (glossary, people,
        places, timeline), the options, and which part holds each annotation (`ann:` links)."""
        if self._shared_inputs is None:
            slugs = set(self.book.slugs)
            shared = hashlib.sha1(repr(self.options).encode("utf-8"))
            for path in sorted((self.root / "annotations").glob("*.y*ml")):
                if path.stem not in slugs:
                    shared.update(path.name.encode("utf-8") + path.read_bytes())
            shared.update(repr(sorted(self.annotation_parts.items())).encode("utf-8"))
            self._shared_inputs = shared.hexdigest()
        return self._shared_inputs

    def _decorate_part(self, slug: str, html: str) -> tuple[str, set[str]]:
        with self.timed("anchor"):
            tm = text_map(html)
            placement = self.place(slug, tm)
        self.orphans[slug] = placement.orphans
        self.placed_pages[slug] = (html, tm, placement)
        self.part_problems[slug] = placement.problems
        inserts = []
        boundaries: set[int] = set()
        for number, (ann, match) in enumerate(placement.matches, start=1):
            spans = tm.source_spans(match.start, match.end)
            boundaries.update((match.start, match.end))
            for i, (a, b) in enumerate(spans):
                ident = f' id="ann-{ann.id}"' if i == 0 else ""
                inserts.append(opening(a, b - a, f'<mark class="ra-hl" data-ann="{ann.id}"{ident}>'))
                inserts.append(closing(b, b - a, "</mark>"))
            end = spans[-1][1]
            marker = template("marker.html").render(ann=ann, number=number).strip()
            inserts.append(closing(end, 1 << 30, marker))  # after every closing tag at that offset
        for event, match in placement.events:
            spans = tm.source_spans(match.start, match.end)
            if spans:
                inserts.append(opening(spans[0][0], 0, f'<span class="ra-event" id="event-{event.id}"></span>'))
                self.placed_events[event.id] = slug
        inserts.extend(_paragraph_ids(html))
        with self.timed("link"):
            keys, link_inserts = self.link_terms(tm, slug, sorted(boundaries))
        inserts.extend(link_inserts)
        with self.timed("render"):
            body = apply(html, inserts)
            top = self._part_header(slug, keys, edition="full")
            notes = template("notes.html").render(items=[(n, a, self._annotation_html(a), self._sources_html(a)) for n, (a, _) in enumerate(placement.matches, 1)],
                                                  orphans=placement.orphans)
        return _after_h1(body, top.strip()) + notes, keys  # stripped: the notes code rebuilds the reading text around it

    def link_terms(self, tm: TextMap, slug: str, boundaries: list[int]):
        """Term and person triggers for every linkable run; `boundaries` (sorted) are highlight edges."""
        inserts: list = []
        if not self.options.link_terms:
            return set(), inserts
        seen_section: set[tuple[str, int]] = set()
        counts: Counter = Counter()  # key -> uses on this page; also the keys seen so far
        policy = self.options.link_policy
        trigger = self._trigger
        for run, hits in zip(tm.runs, self.term_hits(tm)):  # endnotes are linked too: they are text the reader reads
            for hit in hits:
                start, end = run.start + hit.start, run.start + hit.end
                edge = bisect.bisect_right(boundaries, start)
                if edge < len(boundaries) and boundaries[edge] < end:
                    continue  # would cross a highlight's edge and break the nesting
                key = hit.key
                first_on_page = key not in counts
                counts[key] += 1
                if policy == "first-per-section":
                    first = (key, run.section) not in seen_section
                    seen_section.add((key, run.section))
                else:
                    first = policy == "all" or first_on_page
                a, b = tm.source_offset(run, start), tm.source_offset(run, end)
                inserts.append(opening(a, b - a, trigger(key, first, first_on_page), depth=1))  # inside a highlight
                inserts.append(closing(b, b - a, "</a>", depth=1))  # of exactly the same words
        for key, n in counts.items():
            self.usage[key][slug] += n
        return set(counts), inserts

    def term_hits(self, tm: TextMap) -> list[list[Hit]]:
        """The forms found in each run of `tm` (none in a run that is not linkable), found once per text
        map: the EPUB links the very text maps the site's parts were linked on (placed_pages)."""
        cached = self._hits.get(id(tm))
        if cached and cached[0] is tm:
            return cached[1]
        find, text = self.index.find, tm.text
        hits = [list(find(text[run.start:run.end])) if run.linkable else [] for run in tm.runs]
        self._hits[id(tm)] = (tm, hits)
        return hits

    def _trigger(self, key: str, first: bool, first_on_page: bool) -> str:
        cached = self._triggers.get((key, first, first_on_page))  # three variants per entry, used thousands of times
        if cached:
            return cached
        kind, ident = key.split(":", 1)
        href = {"term": f"@/glossary.md#term-{ident}", "person": f"@/people.md#person-{ident}"}.get(kind, f"@/places.md#place-{ident}")
        classes = "ra-term" + {"person": " ra-person", "place": " ra-place"}.get(kind, "") + ("" if first else " ra-term--repeat")
        anchor = f' id="use-{kind}-{ident}"' if first_on_page else ""
        tag = self._triggers[key, first, first_on_page] = f'<a class="{classes}" href="{href}" data-tip="{kind}-{ident}"{anchor}>'
        return tag

    def _part_header(self, slug: str, keys: set[str], edition: str) -> str:
        part = self.book.part(slug)
        part_layer = self.layer.parts.get(slug)
        counts = self.usage
        people = sorted((k for k in keys if k.startswith("person:")), key=lambda k: (-counts[k][slug], k))[:IN_THIS_PART]
        terms = sorted((k for k in keys if k.startswith("term:")), key=lambda k: (-counts[k][slug], k))[:IN_THIS_PART]
        return template("part_header.html").render(
            part=part, edition=edition, book=self.book, layer=part_layer,
            synopsis=markdown_to_html(part_layer.synopsis, self.annotation_parts) if part_layer else "",
            questions=[markdown_to_html(q, self.annotation_parts, inline=True) for q in (part_layer.questions if part_layer else [])],
            people=[self.people[k.split(":", 1)[1]] for k in people],
            terms=[self.terms[k.split(":", 1)[1]] for k in terms],
            figures=self.figures.part_html(slug, keys, edition))

    def _annotation_html(self, ann: Annotation) -> str:
        return markdown_to_html(ann.body, self.annotation_parts)

    def _sources_html(self, entry: Annotation | Term | Person) -> list[str]:
        """The citations of an annotation, a glossary entry or a person."""
        return [markdown_to_html(source, self.annotation_parts, inline=True) for source in entry.sources]

    def companion_markdown(self, slug: str) -> str:
        """The study-guide page of a part when no text was imported (front matter + HTML)."""
        part = self.book.part(slug)
        part_layer = self.layer.parts.get(slug)
        annotations = part_layer.annotations if part_layer else []
        events = [e for e in self.layer.events if e.part == slug]
        return template("companion.md").render(
            part=part, book=self.book, layer=part_layer,
            synopsis=markdown_to_html(part_layer.synopsis, self.annotation_parts) if part_layer else "",
            questions=[markdown_to_html(q, self.annotation_parts, inline=True) for q in (part_layer.questions if part_layer else [])],
            items=[(n, a, self._annotation_html(a), self._sources_html(a)) for n, a in enumerate(annotations, 1)],
            events=[(e, markdown_to_html(e.event, self.annotation_parts, inline=True)) for e in events])

    def decorate_companion(self, slug: str, html: str) -> tuple[str, set[str]]:
        """Companion pages get term triggers in their prose, and the key people/terms box."""
        with self.timed("link"):
            tm = text_map(html, skip=lambda tag, attrs: "ra-quote" in (attrs.get("class") or ""))
            keys, inserts = self.link_terms(tm, slug, [])
        with self.timed("render"):
            body = apply(html, inserts)
            return _after_h1(body, self._part_header(slug, keys, edition="companion")), keys

    # -- reference pages ---------------------------------------------------------------------

    def glossary_html(self) -> str:
        terms = sorted(self.layer.terms, key=lambda t: t.term.casefold())
        return template("glossary.html").render(
            entries=[(t, markdown_to_html(t.short, self.annotation_parts), markdown_to_html(t.long, self.annotation_parts),
                      self._appearances(f"term:{t.id}"), self._sources_html(t)) for t in terms],
            letters=_letters(t.term for t in terms), terms=self.terms, has_text=self.book.has_text)

    def people_html(self) -> str:
        people = sorted(self.layer.people, key=_surname_key)
        return template("people.html").render(
            entries=[(p, markdown_to_html(p.short, self.annotation_parts), markdown_to_html(p.long, self.annotation_parts),
                      self._appearances(f"person:{p.id}"), self._sources_html(p)) for p in people],
            letters=_letters(_surname_key(p) for p in people), has_text=self.book.has_text)

    def timeline_html(self) -> str:
        events = sorted(self.layer.events, key=lambda e: e.date)
        by_year: dict[int, list] = defaultdict(list)
        for event in events:
            by_year[event.year].append((event, markdown_to_html(event.event, self.annotation_parts, inline=True),
                                        self.book.part(event.part), event.id in self.placed_events))
        return self.figures.timeline_strip_html() + template("timeline.html").render(years=sorted(by_year.items()))

    def places_html(self) -> str:
        return self.figures.places_html()

    def unplaced_html(self) -> str:
        orphans = [o for slug in self.book.slugs for o in self.orphans.get(slug, [])]
        return template("unplaced.html").render(orphans=orphans, has_text=self.book.has_text, book=self.book,
                                                 render=lambda a: self._annotation_html(a))

    def _appearances(self, key: str) -> list[tuple]:
        counts = self.usage.get(key, Counter())
        return [(part, counts[part.slug]) for part in self.book.parts if counts[part.slug]]

    def tips_html(self, keys: set[str]) -> str:
        """Popup contents for the triggers of one page, as <template>s (never indexed by search)."""
        return template("tips.html").render(tips=[tip for tip in map(self._tip, sorted(keys)) if tip])

    def _tip(self, key: str) -> str:
        """One entry's popup, rendered once per build: most entries appear on many pages."""
        if key not in self._tips:
            kind, ident = key.split(":", 1)
            entry = {"term": self.terms, "person": self.people, "place": self.places}[kind].get(ident)
            self._tips[key] = template("tip.html").render(
                kind=kind, entry=entry, short=markdown_to_html(entry.short, self.annotation_parts)) if entry else ""
        return self._tips[key]

    def nav(self) -> list:
        """MkDocs-style nav built from the profile, so the part order lives in one place."""
        book = [{_nav_title(p): f"book/{p.slug}.md"} for p in self.book.parts]
        if self.book.has_text:
            book.append({"Illustrations": "book/illustrations.md"})
        return [{"Home": "index.md"}, {"The book": book}, {"Glossary": "glossary.md"}, {"People": "people.md"},
                {"Timeline": "timeline.md"}, {"Places": "places.md"}, {"Unplaced annotations": "unplaced.md"},
                {"Contributing": "contributing.md"}]


def _nav_title(part) -> str:
    return f"{part.number}. {part.title}" if part.number else part.title


def _surname_key(person: Person) -> str:
    name = person.name.split()
    return (name[-1] if name else person.id).casefold()


def _letters(keys) -> list[str]:
    return sorted({k[:1].upper() for k in keys if k})


_P_TAG = re.compile(r"<p>")
_TRIGGER = re.compile(r'<a class="ra-term[^"]*"[^>]*>([^<]*)</a>')  # a trigger wraps one text run: no tags inside
_NOTES_START = re.compile(r'<div class="footnote"')


def _paragraph_ids(html: str):
    """`id="p-N"` on body paragraphs: stable permalinks that do not move when annotations change."""
    stop = _NOTES_START.search(html)
    limit = stop.start() if stop else len(html)
    return [opening(m.start() + 2, 0, f' id="p-{n}"') for n, m in enumerate(_P_TAG.finditer(html, 0, limit), 1)]


def _after_h1(html: str, insert: str) -> str:
    end = html.find("</h1>")
    if end < 0:
        return insert + html
    end += len("</h1>")
    return html[:end] + insert + html[end:]


def without_triggers(html: str) -> str:
    """The page with its term and person triggers unwrapped: the same text, thousands fewer tags.

    A site's search indexer needs the words, not the popup links around them; parsing
    10,000 extra `<a>` tags was most of what term linking cost a build.
    """
    return _TRIGGER.sub(r"\1", html)
