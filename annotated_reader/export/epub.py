"""The edition as an EPUB 3: the reader edition with the imported text, or the companion edition.

Plain zip and templates (annotated_reader/templates/epub/) rather than EbookLib:
every byte of the package is ours, so the file is reproducible (fixed order,
fixed zip dates, `dcterms:modified` from the inputs, not the clock) and what
epubcheck sees is what the templates say.

- One XHTML document per part. With the text: the part as the site renders it,
  its endnotes as `epub:type="noteref"` links to `<aside epub:type="endnote">`,
  each placed annotation as a highlighted passage followed by a noteref (A1, A2 …)
  to its note in the part's "Annotations" section, the first mention of each
  glossary term and person linked to the glossary / people documents, and the
  reading guide (synopsis, questions). Without the text: the companion page
  (synopsis, questions, events, annotations with their quotes).
- Back matter: a glossary (`<dl epub:type="glossary">`, `<dt epub:type="glossterm">`
  with the `<dfn>`, `<dd epub:type="glossdef">`), people, timeline; the title page;
  a navigation document mirroring the parts and their sections, with landmarks.
- Every fragment goes through xhtml.convert (well-formed XML, escaped). A final
  pass checks every internal link against the ids of the package and repairs a
  dangling one (fragment dropped, or link unwrapped) with a warning, so a typo in
  a contributed link never makes an invalid book.
"""
from __future__ import annotations

import bisect
import os
import re
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from html import escape
from pathlib import Path

from jinja2 import Environment, FileSystemLoader
from lxml import etree

from ..anchor import Match
from ..edition import Edition
from ..model import Annotation, Part, Person, Term
from ..problems import Problem
from ..render import TEMPLATES, markdown_to_html, resolve_links
from ..textmap import Insert, TextMap, apply, closing, opening, text_map
from .identity import Identity, book_title
from .placed import PlacedEdition, PlacedPart
from .xhtml import convert, unwrap

MEDIA_TYPE = "application/epub+zip"
CONTAINER = """<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
<rootfiles>
<rootfile full-path="EPUB/package.opf" media-type="application/oebps-package+xml"/>
</rootfiles>
</container>
"""
SEMANTICS = {"front": "preface", "chapter": "chapter", "interlude": "chapter", "epilogue": "epilogue"}
BACK_MATTER = ("glossary", "people", "timeline", "places")
AFTER_CLOSINGS = 1 << 30  # an Insert width that sorts after every real closing tag at the same offset


@dataclass
class Document:
    """One content document of the package."""

    name: str  # file name inside EPUB/, e.g. "preface.xhtml"
    title: str
    matter: str  # frontmatter | bodymatter | backmatter
    content: str = ""  # the XHTML of <body>
    sections: list[tuple[str, str]] = field(default_factory=list)
    nav_label: str = ""
    linear: bool = True

    @property
    def item(self) -> str:
        return "doc-" + self.name.rsplit(".", 1)[0]


@dataclass
class EpubResult:
    """What was written, and what the reader of the report should know."""

    path: Path
    kind: str  # full | companion
    files: int
    annotations: int
    placed: int
    problems: list[Problem] = field(default_factory=list)


def environment() -> Environment:
    """The EPUB templates, autoescaped whatever their extension (they hold contributed text)."""
    return Environment(loader=FileSystemLoader(str(TEMPLATES / "epub")), autoescape=True,
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


class EpubBuilder:
    """Builds the package's documents from a placed edition."""

    def __init__(self, placed: PlacedEdition, identity: Identity, kind: str):
        self.placed, self.identity, self.kind = placed, identity, kind
        self.edition: Edition = placed.edition
        self.book = self.edition.book
        self.env = environment()
        self.problems: list[Problem] = []
        self.usage: dict[str, Counter] = defaultdict(Counter)  # "term:x" -> part slug -> count
        self.placed_events: dict[str, str] = {}
        self.placed_count = 0
        if kind == "full":
            self.parts = [p for p in self.book.parts if p.slug in placed.parts]
        else:
            self.parts = list(self.book.parts)
        self.slugs = {p.slug for p in self.parts}
        self.images: dict[str, str] = {}  # file name under EPUB/images/ -> SVG (the map and the timeline strip)

    # -- links ---------------------------------------------------------------------------------

    def resolve(self, src: str) -> str | None:
        """A site page (`book/x.md`, `glossary.md` ...) as a document of this package, or None."""
        if src.startswith("book/") and src.endswith(".md"):
            slug = src[5:-3]
            return f"{slug}.xhtml" if slug in self.slugs else None
        name = src[:-3] if src.endswith(".md") else src
        return f"{name}.xhtml" if name in BACK_MATTER else None

    def body(self, markdown: str, inline: bool = False) -> str:
        return resolve_links(markdown_to_html(markdown, self.edition.annotation_parts, inline=inline), self.resolve)

    def sources(self, entry: Annotation | Term | Person) -> list[str]:
        """An annotation's, glossary term's or person's `sources`, as on the site's pages."""
        return [self.body(source, inline=True) for source in entry.sources]

    # -- documents -----------------------------------------------------------------------------

    def documents(self) -> list[Document]:
        docs = []
        for part in self.parts:
            docs.append(self.full_part(part) if self.kind == "full" else self.companion_part(part))
        if self.kind == "full" and self.placed.illustrations:
            fragment = convert(self.env.get_template("illustrations.html").render(text=self.placed.illustrations))
            docs.append(Document("illustrations.xhtml", "Illustrations", "bodymatter", fragment.xhtml,
                                 nav_label="Illustrations"))
        docs += [self.glossary(), self.people(), self.timeline()]
        if self.edition.layer.places:
            docs.append(self.places())
        return [self.title_page(), *docs]

    def full_part(self, part: Part) -> Document:
        placed: PlacedPart = self.placed.parts[part.slug]
        tm, placement = placed.tm, placed.placement
        inserts: list[Insert] = []
        boundaries: set[int] = set()
        for number, (ann, match) in enumerate(placement.matches, start=1):
            inserts += _highlight(tm, ann, match, number)
            boundaries.update((match.start, match.end))
        for event, match in placement.events:
            spans = tm.source_spans(match.start, match.end)
            if spans:
                inserts.append(opening(spans[0][0], 0, f'<span id="event-{event.id}"></span>'))
                self.placed_events[event.id] = part.slug
        inserts += self.link_terms(tm, part.slug, boundaries)
        text = apply(placed.html, inserts)
        if "<h1" not in text:
            text = f"<h1>{_escape(part.title)}</h1>\n{text}"
        layer = self.edition.layer.parts.get(part.slug)
        orphans = [o.annotation for o in placement.orphans if o.annotation]
        self.placed_count += len(placement.matches)
        html = self.env.get_template("part.html").render(
            part=part, semantics=SEMANTICS.get(part.kind, "chapter"), label=_label(part), text=text,
            items=[(n, a, self.body(a.body), self.sources(a)) for n, (a, _) in enumerate(placement.matches, 1)],
            orphans=[(a, self.body(a.body), self.sources(a)) for a in orphans],
            synopsis=self.body(layer.synopsis) if layer and layer.synopsis else "",
            questions=[self.body(q, inline=True) for q in (layer.questions if layer else [])])
        fragment = convert(html)
        return Document(f"{part.slug}.xhtml", part.title, "bodymatter", fragment.xhtml, fragment.sections, _nav_label(part))

    def companion_part(self, part: Part) -> Document:
        layer = self.edition.layer.parts.get(part.slug)
        annotations = layer.annotations if layer else []
        events = [e for e in self.edition.layer.events if e.part == part.slug]
        for event in events:
            self.placed_events[event.id] = part.slug
        html = self.env.get_template("companion.html").render(
            part=part, semantics=SEMANTICS.get(part.kind, "chapter"), label=_label(part),
            synopsis=self.body(layer.synopsis) if layer and layer.synopsis else "",
            questions=[self.body(q, inline=True) for q in (layer.questions if layer else [])],
            events=[(e, self.body(e.event, inline=True)) for e in events],
            items=[(n, a, self.body(a.body), self.sources(a)) for n, a in enumerate(annotations, 1)])
        tm = text_map(html, skip=lambda tag, attrs: bool({"quote", "annotation-head"} & set((attrs.get("class") or "").split())))
        html = apply(html, self.link_terms(tm, part.slug, set()))
        fragment = convert(html)
        return Document(f"{part.slug}.xhtml", part.title, "bodymatter", fragment.xhtml, fragment.sections, _nav_label(part))

    def link_terms(self, tm: TextMap, slug: str, boundaries: set[int]) -> list[Insert]:
        """Link the first mention in the part of each term and person; count every mention.

        The same one-pass lookup as the site (terms.TermIndex via Edition.index), but the
        first occurrence per part only: an e-reader shows links as underlines, and one per
        part is enough to reach the entry.
        """
        inserts: list[Insert] = []
        seen: set[str] = set()
        edges = sorted(boundaries)
        for run, hits in zip(tm.runs, self.edition.term_hits(tm)):  # the site's own finds, when it linked this text map
            if run.skipped:
                continue
            for hit in hits:
                start, end = run.start + hit.start, run.start + hit.end
                edge = bisect.bisect_right(edges, start)
                if edge < len(edges) and edges[edge] < end:
                    continue  # would cross a highlight's edge and break the nesting
                self.usage[hit.key][slug] += 1
                if hit.key in seen:
                    continue
                seen.add(hit.key)
                kind, ident = hit.key.split(":", 1)
                target = {"term": f"glossary.xhtml#term-{ident}", "person": f"people.xhtml#person-{ident}"}.get(
                    kind, f"places.xhtml#place-{ident}")
                a, b = tm.source_spans(start, end)[0]
                inserts.append(opening(a, b - a, f'<a class="gloss {kind}" href="{target}" id="use-{kind}-{ident}">', depth=1))
                inserts.append(closing(b, b - a, "</a>", depth=1))
        return inserts

    def _appearances(self, key: str) -> list[tuple[str, str, int]]:
        counts = self.usage.get(key, Counter())
        kind, ident = key.split(":", 1)
        return [(f"{p.slug}.xhtml#use-{kind}-{ident}", p.title, counts[p.slug]) for p in self.parts if counts[p.slug]]

    def glossary(self) -> Document:
        terms = sorted(self.edition.layer.terms, key=lambda t: t.term.casefold())
        names = {t.id: t.term for t in terms}
        entries = [(t, self.body(t.short), self.body(t.long) if t.long else "", self._appearances(f"term:{t.id}"),
                    self.sources(t)) for t in terms]
        html = self.env.get_template("glossary.html").render(entries=entries, names=names)
        return Document("glossary.xhtml", "Glossary", "backmatter", convert(html).xhtml, nav_label="Glossary")

    def people(self) -> Document:
        people = sorted(self.edition.layer.people, key=lambda p: ((p.name.split() or [p.id])[-1].casefold(), p.name))
        entries = [(p, self.body(p.short), self.body(p.long) if p.long else "", self._appearances(f"person:{p.id}"),
                    self.sources(p)) for p in people]
        html = self.env.get_template("people.html").render(entries=entries)
        return Document("people.xhtml", "People", "backmatter", convert(html).xhtml, nav_label="People")

    def timeline(self) -> Document:
        by_year: dict[int, list] = defaultdict(list)
        for event in sorted(self.edition.layer.events, key=lambda e: e.date):
            part = self.book.part(event.part)
            href = title = ""
            if part and part.slug in self.slugs:
                href = f"{part.slug}.xhtml" + (f"#event-{event.id}" if event.id in self.placed_events else "")
                title = part.title
            by_year[event.year].append((event, self.body(event.event, inline=True), href, title))
        if self.edition.layer.events:
            self.images["timeline.svg"] = self.edition.figures.timeline_strip_html(standalone=True)
        html = self.env.get_template("timeline.html").render(years=sorted(by_year.items()), strip="timeline.svg" in self.images)
        return Document("timeline.xhtml", "Timeline", "backmatter", convert(html).xhtml, nav_label="Timeline")

    def places(self) -> Document:
        """The places with today's names, countries and coordinates; the map as an image above the list."""
        figures = self.edition.figures
        self.images["places-map.svg"] = figures.places_html(standalone=True, usage=self.usage)  # the parts counted above
        entries = []
        for place in sorted(self.edition.layer.places, key=lambda p: p.name.casefold()):
            term = self.edition.terms.get(place.term) if place.term else None
            entries.append((place, self.body(place.note), term.forms if term else place.forms, self._appearances(place.key),
                            term))
        html = self.env.get_template("places.html").render(entries=entries, atlas=figures.has_atlas)
        return Document("places.xhtml", "Places", "backmatter", convert(html).xhtml, nav_label="Places")

    def title_page(self) -> Document:
        meta = self.book.meta or {}
        annotations = len(self.edition.layer.annotations())
        counts = (f"{annotations} annotations, {len(self.edition.layer.terms)} glossary terms, "
                  f"{len(self.edition.layer.people)} people and {len(self.edition.layer.events)} dated events.")
        title = str(meta.get("title") or book_title(self.book))
        subtitle = str(meta.get("subtitle") or "")
        html = self.env.get_template("title.html").render(
            title=title, subtitle=subtitle if subtitle.casefold() not in title.casefold() else "",
            author=meta.get("author"), translator=meta.get("translator"), publisher=meta.get("publisher"),
            year=meta.get("year"), kind=self.kind, counts=counts)
        return Document("title.xhtml", book_title(self.book), "frontmatter", convert(html).xhtml)

    # -- package -------------------------------------------------------------------------------

    def package(self, modified: datetime) -> dict[str, bytes]:
        """Every file of the EPUB, in zip order (mimetype first)."""
        documents = self.documents()
        texts = {doc.name: self.env.get_template("document.xhtml").render(title=doc.title, matter=doc.matter, content=doc.content)
                 for doc in documents}
        texts = self._check_links(texts)
        meta = self.book.meta or {}
        first_part = next((d.name for d in documents if d.matter == "bodymatter"), "")
        nav = self.env.get_template("nav.xhtml").render(
            entries=[{"href": d.name, "label": d.nav_label, "sections": d.sections} for d in documents if d.nav_label],
            bodymatter=first_part)
        edition_title = "Annotated reader edition" if self.kind == "full" else "Companion edition"
        description = (f"{edition_title} of {book_title(self.book)}"
                       + (f" by {meta['author']}" if meta.get("author") else "")
                       + (": the text of your own copy with endnotes, annotations, glossary, people and timeline."
                          if self.kind == "full" else
                          ": synopses, discussion questions, annotations, glossary, people and timeline, without the book's text."))
        opf = self.env.get_template("package.opf").render(
            identifier=self.identity.edition_uuid(self.kind), title=book_title(self.book), edition_title=edition_title,
            author=meta.get("author"), translator=meta.get("translator"), publisher=meta.get("publisher"),
            year=meta.get("year"), source=self.identity.book, description=description,
            rights=("The book's text is under copyright; this file was made from the reader's own copy "
                    "for personal use and must not be shared.") if self.kind == "full" else "",
            modified=modified.strftime("%Y-%m-%dT%H:%M:%SZ"), documents=documents, images=sorted(self.images))
        files = {"mimetype": MEDIA_TYPE.encode("ascii"), "META-INF/container.xml": CONTAINER.encode("utf-8"),
                 "EPUB/package.opf": opf.encode("utf-8"), "EPUB/nav.xhtml": nav.encode("utf-8"),
                 "EPUB/style.css": (TEMPLATES / "epub" / "style.css").read_bytes()}
        for doc in documents:
            files[f"EPUB/{doc.name}"] = texts[doc.name].encode("utf-8")
        for name, svg in sorted(self.images.items()):
            files[f"EPUB/images/{name}"] = svg.encode("utf-8")
        for name, data in files.items():
            if name.endswith((".xhtml", ".opf", ".xml", ".svg")):
                _well_formed(name, data)
        return files

    def _check_links(self, texts: dict[str, str]) -> dict[str, str]:
        """Repair internal links whose target does not exist (and warn): a broken book helps no one."""
        trees = {name: etree.fromstring(text.encode("utf-8")) for name, text in texts.items()}
        ids = {name: set(tree.xpath("//@id")) for name, tree in trees.items()}
        ns = {"x": "http://www.w3.org/1999/xhtml"}
        out = {}
        for name, tree in trees.items():
            changed = False
            for link in tree.xpath("//x:a[@href]", namespaces=ns):
                href = link.get("href")
                if re.match(r"^[a-z][a-z0-9+.-]*:", href, re.IGNORECASE):
                    continue  # http:, https:, mailto:
                file, _, fragment = href.partition("#")
                file = file or name
                if href != "#" and file in ids and (not fragment or fragment in ids[file]):
                    continue  # "#" is what render.resolve_links leaves for a page the book lacks
                changed = True
                text = "".join(link.itertext())
                if file in ids and file != name and fragment:
                    link.set("href", file)
                    self.problems.append(Problem(f"EPUB/{name}", 1, 1, f'the link to "{href}" has no target #{fragment}; it now opens {file}.',
                                                 "Check the link in the annotation files (reader check).", severity="warning"))
                else:
                    unwrap(link)
                    self.problems.append(Problem(f"EPUB/{name}", 1, 1, f'the link "{text}" points to "{href}", which is not in this book; the link was removed.',
                                                 "Links to pages the EPUB lacks (or to missing entries) cannot be followed.", severity="warning"))
            out[name] = _serialize(tree) if changed else texts[name]
        return out


def _highlight(tm: TextMap, ann: Annotation, match: Match, number: int) -> list[Insert]:
    """The passage wrapped in spans, then a noteref to the annotation (after the passage, as a note marker)."""
    spans = tm.source_spans(match.start, match.end)
    inserts = []
    for a, b in spans:
        inserts.append(opening(a, b - a, '<span class="hl">'))
        inserts.append(closing(b, b - a, "</span>"))
    end = spans[-1][1]
    marker = (f'<sup class="annref"><a id="annref-{ann.id}" href="#ann-{ann.id}" data-epub-type="noteref" '
              f'role="doc-noteref" class="annref">A{number}</a></sup>')
    # After every closing tag at that offset (a term link may end with the passage), so the
    # noteref never lands inside another link; before any opening tag there.
    inserts.append(closing(end, AFTER_CLOSINGS, marker))
    return inserts


def _label(part: Part) -> str:
    return f"Chapter {part.number}" if part.number is not None else ""


def _nav_label(part: Part) -> str:
    return f"{part.number}. {part.title}" if part.number is not None else part.title


def _escape(text: str) -> str:
    return escape(text, quote=False)


def _serialize(tree) -> str:
    body = etree.tostring(tree, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n' + body + "\n"


def _well_formed(name: str, data: bytes) -> None:
    try:
        etree.fromstring(data)
    except etree.XMLSyntaxError as exc:  # a bug in the export, not in the input: say where
        raise RuntimeError(f"annotated-reader made a malformed {name}: {exc}") from exc


def modified_time(root: Path, placed: PlacedEdition) -> datetime:
    """`dcterms:modified`: SOURCE_DATE_EPOCH when set (reproducible builds), else the newest input file."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), timezone.utc)
    inputs = list((root / "annotations").glob("*.yml"))
    if placed.has_text and placed.edition.book.text_dir:
        inputs += list(placed.edition.book.text_dir.glob("*.md"))
    newest = max((p.stat().st_mtime for p in inputs if p.is_file()), default=0.0)
    return datetime.fromtimestamp(max(int(newest), 315532800), timezone.utc)  # zip dates start in 1980


def write_epub(placed: PlacedEdition, identity: Identity, out: Path, kind: str = "auto",
               modified: datetime | None = None, root: Path | None = None) -> EpubResult:
    """Build and write the EPUB; `kind` is full, companion or auto (full when the text is imported)."""
    if kind == "auto":
        kind = "full" if placed.parts else "companion"
    builder = EpubBuilder(placed, identity, kind)
    when = modified or modified_time(root or placed.edition.root, placed)
    files = builder.package(when)
    out.parent.mkdir(parents=True, exist_ok=True)
    stamp = when.timetuple()[:6]
    tmp = out.with_name(out.name + ".tmp")
    with zipfile.ZipFile(tmp, "w") as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data, compresslevel=9 if name != "mimetype" else None)
    tmp.replace(out)
    annotations = len(placed.edition.layer.annotations())
    return EpubResult(out, kind, len(files), annotations, builder.placed_count, builder.problems)
