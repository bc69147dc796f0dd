"""EPUB: the publisher's e-book (EPUB 2 or 3) read into the canonical text.

The container and its package (OPF manifest, spine, nav or NCX, metadata) are
read with EbookLib, each XHTML document with lxml, which keeps every element's
source line, so a problem found later points into the reader's own file
("book.epub/OEBPS/ch03.xhtml:120") — see epub_package.py. The documents are
read in spine order as one stream of blocks (xhtml_blocks.py): headings,
paragraphs (a `<br>` keeps a verse line), figure captions; italics and bold
become `*...*` and `**...**`. This module finds the parts and the notes.

Parts are found by their headings, in the profile's order: a heading matches a
part whatever its case, apostrophes and punctuation, with or without a chapter
number in front ("Chapter 1: Winter Roads", "1 WINTER ROADS"); the nav's entry
for a document is the fallback when the document prints no heading element.
A document the nav lists under a title that is no part (acknowledgments,
index, a part-title page) is left out and counted.

Notes are followed by their links, never guessed from the text: a reference
is a link typed `noteref` (EPUB 3), or, in a book without such types, a link
whose text is a number and whose target is a note (when note and reference
link to each other, the earlier one in reading order is the reference). A
part's references are numbered 1, 2, 3 ... in reading order, whatever the
book prints, and the notes they point to are written in the same order under
the part's group, so each marker and its note agree by construction.
"""
from __future__ import annotations

import posixpath
import re
from collections import Counter
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from lxml import etree

from ...problems import Problem
from ..markers import superscript
from ..notes import normalize_name
from ..profile import PartSpec, Profile
from . import FormText, Place
from .epub_package import Doc, Package, open_package
from .xhtml_blocks import (HEADINGS, NUMBER_TEXT, REF, REF_END, REF_MARK, Blocks, Item, block_of, classes_of,
                           has_block_children, is_block, plain_text, tag_of, types_of)

_CHAPTER = re.compile(r"^(?:(?:chapter|part)\s+)?(\d+|[ivxlc]+(?=\W))[.:)]?\s+(.*)$", re.I)
_NOTE_NUMBER = re.compile(r"^[\[(]?(\d+)(?:[.)\]]|\s*[.:]\s)\s*")  # "12. ", "[12] ", "12) "
_LEFT_PUNCTUATION = re.compile(r"^[.:)\]]\s+")
BACK_MATTER = frozenset(("acknowledgments", "acknowledgements", "index", "bibliography", "select bibliography",
                         "notes", "endnotes", "sources", "further reading", "about the author",
                         "about the translator", "also by", "credits", "illustration credits", "permissions"))
ADJACENT = "\u200b"  # between two note markers with nothing between them in the book
_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}


@dataclass
class PartStart:
    """Where a part begins in the stream: its heading item (`printed`), or the first item of its nav entry."""

    spec: PartSpec
    index: int
    number: int | None  # the chapter number the book prints, if any
    printed: bool


@dataclass
class Ref:
    """A note reference: the link in the text and the note element it points to."""

    link: etree._Element
    doc: Doc
    target: etree._Element
    target_doc: Doc
    shown: str  # the number the book prints, e.g. "12" (may be "")


def read(data: bytes, name: str, profile: Profile) -> FormText:
    """The EPUB as canonical text; problems (DRM, damaged zip, missing part ...) instead of exceptions."""
    copy = FormText("epub", places=[])
    package = open_package(data, name, copy.problems)
    if package is None:
        return copy
    reader = Reader(package, name, profile, copy)
    reader.run()
    return copy


def normalize_heading(text: str) -> str:
    """A heading reduced to lower-case words: case, apostrophes, emphasis and punctuation do not count."""
    text = normalize_name(text).replace("'", "")
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def split_number(text: str) -> tuple[int | None, str]:
    """ "Chapter 1: Winter Roads" -> (1, "Winter Roads"); "IV. Title" -> (4, "Title"); else (None, text)."""
    match = _CHAPTER.match(text.strip())
    if not match:
        return None, text.strip()
    number, rest = match.groups()
    if number.isdigit():
        return int(number), rest
    if not text.strip().lower().startswith(("chapter", "part")):
        return None, text.strip()  # "I Was There": a roman numeral only after the word chapter
    value, last = 0, 0
    for char in reversed(number.lower()):
        digit = _ROMAN[char]
        value, last = (value - digit, last) if digit < last else (value + digit, digit)
    return value, rest


def _lone_number(text: str) -> int | None:
    """A chapter number printed on its own above the heading: "4", "Chapter 4", "Chapter IV"."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    if re.fullmatch(r"(?i)chapter\s+(\d+|[ivxlc]+)", text):
        return split_number(text + " x")[0]
    return None


def heading_match(text: str, spec: PartSpec) -> tuple[bool, int | None]:
    """Does a heading name this part (heading, title, or heading and subtitle)? And the number printed."""
    number, rest = split_number(text)
    wanted = {normalize_heading(spec.heading), normalize_heading(spec.title)}
    if spec.subtitle:
        wanted.add(normalize_heading(f"{spec.heading} {spec.subtitle}"))
    for candidate in (rest, text):
        if normalize_heading(candidate) in wanted:
            return True, number if candidate is rest else None
    return False, None


class Reader:
    """Reads one package into the canonical text of `copy` (a class: the tables of links are shared).

    `scan` is also what `reader profile` uses to draft a profile from an EPUB.
    """

    def __init__(self, package: Package, name: str, profile: Profile, copy: FormText):
        self.package, self.name, self.profile, self.copy = package, name, profile, copy
        self.docs = package.docs
        self.by_path = {doc.path: doc for doc in self.docs}
        self.refs: list[Ref] = []
        self.ref_of: dict[etree._Element, int] = {}  # link element -> index in refs
        self.skip: set[etree._Element] = set()  # note blocks, left out of the text stream
        self.lines: list[str] = []
        self.places: list[Place] = []
        self.counts: Counter = Counter()
        self.headings: dict[int, list[etree._Element]] = {}  # per notes document, in order
        self.resolved: dict[tuple[int, str], tuple[Doc, etree._Element] | None] = {}

    def where(self, doc: Doc, line: int | None) -> Place:
        return Place(f"{self.name}/{doc.path}", line or 1)

    def scan(self) -> tuple[list[Item], set[int]]:
        """The text stream of the reading order, and the notes documents (left out of it)."""
        self.find_refs()
        notes_docs = {ref.target_doc.index for ref in self.refs} - {ref.doc.index for ref in self.refs}
        stream: list[Item] = []
        for doc in self.docs:
            if doc.linear and doc.index not in notes_docs:
                stream.extend(Blocks(self, doc).items())
        return stream, notes_docs

    def run(self) -> None:
        stream, notes_docs = self.scan()
        found = self.find_parts(stream)
        if found is None:
            return
        self.write(stream, found, notes_docs)

    # references -------------------------------------------------------------------------------------

    def resolve(self, doc: Doc, href: str) -> tuple[Doc, etree._Element] | None:
        """The document and element a link points to (None: outside the book, or no such id)."""
        key = (doc.index, href)
        if key not in self.resolved:
            self.resolved[key] = self._resolve(doc, href)
        return self.resolved[key]

    def _resolve(self, doc: Doc, href: str) -> tuple[Doc, etree._Element] | None:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.fragment:
            return None
        target_doc = doc
        if parts.path:
            path = posixpath.normpath(posixpath.join(posixpath.dirname(doc.path), unquote(parts.path)))
            target_doc = self.by_path.get(path)
        if target_doc is None:
            return None
        element = target_doc.ids.get(unquote(parts.fragment))
        return (target_doc, element) if element is not None else None

    def find_refs(self) -> None:
        """Every note reference, by its link: typed noteref, else a number linked to a note."""
        candidates = []
        for doc in self.docs:
            for link in doc.root.iter("{*}a", "a"):
                href = link.get("href")
                if not href:
                    continue
                typed = "noteref" in types_of(link)
                shown = plain_text(link)
                number = NUMBER_TEXT.match(shown)
                if not (typed or number):
                    continue
                target = self.resolve(doc, href)
                if target is None:
                    if typed:
                        self.doubt(doc, link.sourceline, shown, "note reference whose target is missing", 0)
                    continue
                candidates.append((link, doc, target[0], target[1], typed, number.group(1) if number else ""))
        typed_docs = {c[1].index for c in candidates if c[4]}  # where references are typed, only those count
        back_matter = {doc.index for doc in self.docs if _first_heading(doc) in BACK_MATTER - {"notes", "endnotes"}}
        for link, doc, target_doc, target, typed, shown in candidates:
            if doc.index in typed_docs and not typed:
                continue
            if not typed:
                if "pagebreak" in types_of(target) or "backlink" in types_of(link) or doc.index in back_matter:
                    continue  # a page anchor, a way back, or a page number in the index
                back = self.points_back(target, target_doc, link)
                if back and (target_doc.index, target.sourceline or 0) < (doc.index, link.sourceline or 0):
                    continue  # a back-link from a note to its reference
                if not back and (target_doc is doc and (target.sourceline or 0) <= (link.sourceline or 0)
                                 or not self.looks_like_note(target, shown)):
                    continue
            self.ref_of[link] = len(self.refs)
            self.refs.append(Ref(link, doc, target, target_doc, shown))
        for ref in self.refs:
            self.skip.update(self.note_blocks(ref))

    @staticmethod
    def looks_like_note(target: etree._Element, shown: str) -> bool:
        """A plain link's target without a link back: a note if it starts with the number or is a list item."""
        block = target if is_block(target) else block_of(target)
        if block is None:
            return False
        words = types_of(block) | classes_of(block)
        if tag_of(block) in ("li", "aside", "dd") or any("note" in w for w in words):
            return True
        number = _NOTE_NUMBER.match(plain_text(block) + " ") or re.match(r"^[\[(]?(\d+)[\])]?\s", plain_text(block))
        return bool(number) and number.group(1) == shown

    def points_back(self, target: etree._Element, target_doc: Doc, link: etree._Element) -> bool:
        """Does the note at `target` link back to the block of `link`?"""
        block = block_of(target) if not is_block(target) else target
        home = block_of(link)
        links = [target] if tag_of(target) == "a" and target.get("href") else []
        links += [a for a in block.iter("{*}a", "a") if a.get("href")] if block is not None else []
        for other in links:
            found = self.resolve(target_doc, other.get("href"))
            if found and (found[1] is link or block_of(found[1]) is home):
                return True
        return False

    def note_blocks(self, ref: Ref) -> list[etree._Element]:
        """The elements that hold the note `ref` points to: its block, and paragraphs that continue it."""
        block = ref.target if is_block(ref.target) else block_of(ref.target)
        if block is None or tag_of(block) == "body":
            return []
        if has_block_children(block) or tag_of(block) in ("li", "aside", "dd"):
            return [block]
        blocks = [block]
        sibling = block.getnext()
        while sibling is not None and isinstance(sibling.tag, str) and tag_of(sibling) in ("p", "div", "blockquote"):
            if sibling.get("id") or self.holds_note_start(sibling):
                break
            blocks.append(sibling)
            sibling = sibling.getnext()
        return blocks

    def holds_note_start(self, element: etree._Element) -> bool:
        ids = {e.get("id") for e in element.iter() if isinstance(e.tag, str) and e.get("id")}
        if ids:
            return True
        return any("backlink" in types_of(a) or a in self.ref_of for a in element.iter("{*}a", "a"))

    # parts ------------------------------------------------------------------------------------------

    def find_parts(self, stream: list[Item]) -> list[PartStart] | None:
        """Where each part starts in the stream, in the profile's order (None: a part was not found)."""
        found = []
        position = 0
        nav_starts = self.nav_starts(stream)
        for spec in self.profile.parts:
            printed = True
            hit = self.first_heading(stream, position, spec, ("heading",))
            if hit is None:  # no heading element names it (a title set as an image): the nav's entry does
                hit = next(((i, heading_match(label, spec)[1]) for i, label in nav_starts
                            if i >= position and heading_match(label, spec)[0]), None)
                printed = hit is None
            if hit is None:
                hit = self.first_heading(stream, position, spec, ("para", "subtitle"))
            if hit is None:
                headings = [item.text for item in stream if item.kind == "heading"]
                listed = "; ".join(f'"{h}"' for h in headings[:40]) + (" ..." if len(headings) > 40 else "")
                self.copy.problems.append(Problem(self.name, 1, 1, (
                    f'no document of the EPUB has the heading of part "{spec.slug}" ("{spec.heading}")'),
                    f"Headings found in reading order: {listed or 'none'}. Set the part's `heading` in the profile "
                    f"({self.profile.path}:{spec.line}) to the one this EPUB prints.", "epub-part-not-found"))
                continue
            index, number = hit
            if printed and number is None and index > 0 and stream[index - 1].doc is stream[index].doc:
                number = _lone_number(stream[index - 1].text)
                if number is not None:
                    stream[index - 1].kind = "number"  # printed above the heading: not text of the part before
            found.append(PartStart(spec, index, number, printed))
            position = index + 1 if printed else index
        return None if self.copy.errors else found

    @staticmethod
    def first_heading(stream: list[Item], position: int, spec: PartSpec, kinds: tuple[str, ...]):
        """(index, printed number) of the first one-line item of `kinds` from `position` naming `spec`."""
        for i in range(position, len(stream)):
            item = stream[i]
            if item.kind in kinds and len(item.lines) == 1:
                ok, number = heading_match(item.text, spec)
                if ok:
                    return i, number
        return None

    def nav_starts(self, stream: list[Item]) -> list[tuple[int, str]]:
        """(stream index where a nav entry points, its label) in reading order."""
        first_of: dict[str, int] = {}
        for i, item in enumerate(stream):
            first_of.setdefault(item.doc.path, i)
        starts = []
        for label, path, fragment, _, _ in self.package.nav:
            doc = self.by_path.get(path)
            if doc is None:
                continue
            index = first_of.get(path)
            if fragment and fragment in doc.ids:
                line = doc.ids[fragment].sourceline or 0
                index = next((i for i, item in enumerate(stream) if item.doc is doc
                              and (item.element.sourceline or 0) >= line), index)
            if index is not None:
                starts.append((index, label))
        return sorted(starts)

    def outside_docs(self, found, stream: list[Item]) -> set[int]:
        """Documents the nav lists under a title that is no part, or headed as back matter ("Index").

        A document the nav does not list continues the one before it (publishers
        split long chapters into several files).
        """
        specs = [start.spec for start in found]
        matches = [any(heading_match(label, spec)[0] for spec in specs) for label, *_ in self.package.nav]
        first_headings: dict[int, str] = {}
        for item in stream:
            if item.kind == "heading":
                first_headings.setdefault(item.doc.index, normalize_heading(item.text))
        status = {index: False for index, heading in first_headings.items() if heading in BACK_MATTER}
        for k, (label, path, fragment, depth, ancestors) in enumerate(self.package.nav):
            doc = self.by_path.get(path)
            if doc is None or fragment and doc.index in status:
                continue
            inside = matches[k] or any(matches[a] for a in ancestors)
            status[doc.index] = status.get(doc.index, False) or inside
        outside, current = set(), False
        for doc in self.docs:
            current = not status[doc.index] if doc.index in status else current
            if current:
                outside.add(doc.index)
        return outside

    # writing ----------------------------------------------------------------------------------------

    def add(self, text: str, place: Place) -> None:
        self.lines.append(text)
        self.places.append(place)

    def block(self, lines: list[str], places: list[Place]) -> None:
        for text, place in zip(lines, places):
            self.add(text, place)
        self.add("", places[-1] if places else Place(self.name, 1))

    def write(self, stream: list[Item], found, notes_docs: set[int]) -> None:
        profile = self.profile
        outside = self.outside_docs(found, stream)
        outside -= {stream[start.index].doc.index for start in found}
        starts = [start.index for start in found]
        first = starts[0]
        opf = Place(f"{self.name}/{self.package.opf_path}", 1)
        self.title_page(stream[:first], opf)
        if profile.contents_heading:
            nav = Place(f"{self.name}/{self.package.nav_path or self.package.opf_path}", 1)
            self.block([profile.contents_heading], [nav])
            for position, start in enumerate(found, 1):
                spec, number = start.spec, start.number
                # the export's contents end each entry with its page; the reading position stands in for it,
                # so a title that ends in a number ("Patient Number 1") keeps it
                title = f"{number}. {spec.title}" if number is not None else spec.title
                self.block([f"{title} {position}"], [nav])
        numbered: dict[str, list[int]] = {}
        dropped_docs: set[int] = set()
        note_homes = {ref.target_doc.index for ref in self.refs}
        for k, start in enumerate(found):
            spec, number = start.spec, start.number
            end = starts[k + 1] if k + 1 < len(starts) else len(stream)
            heading = stream[start.index]
            self.block([f"{number} {spec.heading}" if number is not None else spec.heading],
                       [self.where(heading.doc, heading.sources[0] if start.printed else 1)])
            body = stream[start.index + (1 if start.printed else 0):end]
            if body and body[0].kind in ("heading", "subtitle") and spec.subtitle and \
                    normalize_heading(body[0].text) == normalize_heading(spec.subtitle):
                body[0].kind = "para"  # the layout skips the subtitle line after the heading
            order: list[int] = []
            for item in body:
                if item.doc.index in outside and item.kind != "caption":
                    dropped_docs.add(item.doc.index)
                    for match in REF_MARK.finditer(item.text):
                        self.doubtful_ref(int(match.group(1)), "note reference in a document outside the parts")
                    continue
                if item.kind == "number":
                    continue
                if item.kind == "heading" and item.doc.index in note_homes and \
                        normalize_heading(item.text) in ("notes", "endnotes", "footnotes"):
                    self.counts["notes headings in the text"] += 1  # over notes kept at a chapter's end
                    continue
                self.item(item, order)
            numbered[spec.slug] = order
        for item in stream[:first]:
            for line in item.lines:
                for match in REF_MARK.finditer(line):
                    self.doubtful_ref(int(match.group(1)), "note reference before the first part")
        self.copy.furniture.update({"documents outside the parts": len(dropped_docs)} if dropped_docs else {})
        self.notes(found, numbered)
        self.copy.text = "\n".join(self.lines) + "\n"
        self.copy.places = self.places + [self.places[-1]] if self.places else None
        self.copy.markers["link"] = sum(len(order) for order in numbered.values())
        self.copy.furniture.update({k: v for k, v in self.counts.items() if v})
        self.unreferenced_notes(notes_docs)

    def title_page(self, front: list[Item], opf: Place) -> None:
        """The title page's lines: the front-matter page with the translator line, else the metadata."""
        prefix = self.profile.translator_prefix.casefold()
        by_doc: dict[int, list[Item]] = {}
        for item in front:
            by_doc.setdefault(item.doc.index, []).append(item)
        for items in by_doc.values():
            if any(line.casefold().startswith(prefix) for item in items for line in item.lines):
                for item in items:
                    for line, source in zip(item.lines, item.sources):
                        self.block([REF_MARK.sub("", line)], [self.where(item.doc, source)])
                return
        meta = self.package.metadata
        title = (meta.get("title") or [("", {})])[0][0] or ""
        main, _, subtitle = title.partition(": ")
        lines = [main, subtitle] + [value for value, _ in meta.get("creator", [])]
        for value, attrs in meta.get("contributor", []):
            if any(v == "trl" for k, v in attrs.items() if k.endswith("role")):
                lines.append(f"{self.profile.translator_prefix}{value}")
        lines += [value for value, _ in meta.get("publisher", [])[:1]]
        for line in lines:
            if line and line.strip():
                self.block([line.strip()], [opf])

    def item(self, item: Item, order: list[int]) -> None:
        places = [self.where(item.doc, s) for s in item.sources]
        for digits in item.unlinked:
            self.doubt(item.doc, item.sources[0], digits,
                       f"a superscript number without a note link: written ^{digits}, not a note marker")
        if item.kind == "heading":
            self.block([self.profile.section_marker + self.markers(item.text, order)], places[:1])
        elif item.kind == "caption":
            if not _ends_with_credit(item.text, self.profile.plate_credit):
                self.doubt(item.doc, item.sources[0], item.text[:80],
                           "figure caption without the profile's plate credit: kept in the text")
            for line, place in zip(item.lines, places):
                self.block([self.markers(line, order)], [place])
        else:
            self.block([self.markers(line, order) for line in item.lines], places)

    def markers(self, line: str, order: list[int]) -> str:
        """Note references numbered 1, 2, 3 ... in the part's reading order (a second link to a note: left out)."""
        def number(match: re.Match) -> str:
            ref = int(match.group(1))
            target = self.refs[ref].target
            if any(self.refs[r].target is target for r in order):
                self.doubtful_ref(ref, "a second reference to the same note: left unlinked")
                return ""
            order.append(ref)
            return superscript(len(order))

        # two references side by side would read as one number ("¹²¹³"): a zero-width space keeps them apart
        return REF_MARK.sub(number, line.replace(REF_END + REF, REF_END + ADJACENT + REF))

    def doubt(self, doc: Doc, source: int | None, text: str, why: str, line: int | None = None) -> None:
        """A doubtful case for the report: where in the EPUB, what, why; `line`: the canonical line (next one)."""
        self.copy.doubtful.append({"line": len(self.lines) + 1 if line is None else line,
                                   "place": f"{self.name}/{doc.path}:{source or 1}", "text": text, "why": why})

    def doubtful_ref(self, ref: int, why: str) -> None:
        link = self.refs[ref]
        self.doubt(link.doc, link.link.sourceline, link.shown, why)

    def notes(self, found, numbered: dict[str, list[int]]) -> None:
        """NOTES, then each part's group line and its notes in the order of their markers."""
        profile = self.profile
        notes_place = next((self.where(self.refs[r].target_doc, 1) for order in numbered.values() for r in order),
                           Place(self.name, 1))
        self.block([profile.notes_heading], [notes_place])
        for start in found:
            spec = start.spec
            order = numbered[spec.slug]
            if not spec.notes:
                if order:
                    self.copy.problems.append(Problem(self.profile.path, spec.line or 1, 1, (
                        f'part "{spec.slug}" has {len(order)} note references in the EPUB, but the profile '
                        "gives it no `notes` group"),
                        f'Add `notes: "{spec.title}"` to the part in the profile.', "epub-notes-group"))
                continue
            group = self.group_heading(self.refs[order[0]]) if order else None
            self.block([spec.notes], [self.where(self.refs[order[0]].target_doc, group.sourceline) if group is not None
                                      else notes_place])
            for n, ref in enumerate(order, 1):
                self.note(n, self.refs[ref])

    def group_heading(self, ref: Ref) -> etree._Element | None:
        """The heading printed above the note `ref` points to in the notes document (its group's name)."""
        doc = ref.target_doc
        if doc.index not in self.headings:
            self.headings[doc.index] = [e for e in doc.root.iter() if isinstance(e.tag, str) and tag_of(e) in HEADINGS]
        line = ref.target.sourceline or 0
        return next((h for h in reversed(self.headings[doc.index]) if (h.sourceline or 0) <= line), None)

    def note(self, number: int, ref: Ref) -> None:
        paragraphs: list[tuple[str, int]] = []
        for block in self.note_blocks(ref):
            for item in Blocks(self, ref.target_doc, note=True).blocks_of(block):
                paragraphs.extend(zip(item.lines, item.sources))
        if paragraphs and ref.shown:
            first, source = paragraphs[0]
            shown = _NOTE_NUMBER.match(first)
            if shown and shown.group(1) == ref.shown:
                paragraphs[0] = (first[shown.end():], source)
        if paragraphs:  # the ". " a removed back-link number leaves
            paragraphs[0] = (_LEFT_PUNCTUATION.sub("", paragraphs[0][0]), paragraphs[0][1])
        paragraphs = [(REF_MARK.sub("", text), source) for text, source in paragraphs if REF_MARK.sub("", text).strip()]
        if not paragraphs:
            self.doubt(ref.target_doc, ref.target.sourceline, ref.shown, "the note this reference points to is empty")
            paragraphs = [("", ref.target.sourceline or 1)]
        lines = [f"{number}. {paragraphs[0][0]}"] + [text for text, _ in paragraphs[1:]]
        self.block(lines, [self.where(ref.target_doc, source) for _, source in paragraphs])

    def unreferenced_notes(self, notes_docs: set[int]) -> None:
        """Notes in a notes document that link back to the text but that no reference points to."""
        covered = {element for block in self.skip for element in block.iter()}
        for doc in self.docs:
            if doc.index not in notes_docs:
                continue
            for link in doc.root.iter("{*}a", "a"):
                if link.get("href") and ("backlink" in types_of(link) or NUMBER_TEXT.match(plain_text(link))):
                    block = block_of(link)
                    if block is not None and block not in covered and \
                            not any(a in covered for a in block.iterancestors()):
                        self.doubt(doc, block.sourceline, plain_text(block)[:80],
                                   "a note no reference in the text points to: left out", 0)


def _first_heading(doc: Doc) -> str:
    """The normalized text of the document's first heading ("" if none)."""
    heading = next((e for e in doc.root.iter() if isinstance(e.tag, str) and tag_of(e) in HEADINGS), None)
    return normalize_heading(plain_text(heading)) if heading is not None else ""


def _ends_with_credit(text: str, credit: str | None) -> bool:
    if not credit:
        return False
    norm = lambda s: " ".join(s.replace("**", "").split()).rstrip(".")  # noqa: E731
    return norm(text).endswith(norm(credit))
