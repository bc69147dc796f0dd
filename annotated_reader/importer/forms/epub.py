"""EPUB: the publisher's e-book (EPUB 2 or 3) read into the canonical text.

The container and its package (OPF manifest, spine, nav or NCX, metadata) are
read with EbookLib; each XHTML document with lxml, which keeps every element's
source line, so a problem found later points into the reader's own file
("book.epub/OEBPS/ch03.xhtml:120"). The documents are read in spine order as
one stream of blocks: headings, paragraphs (a `<br>` keeps a verse line),
figure captions; italics and bold become `*...*` and `**...**`.

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

import functools
import html.entities
import posixpath
import re
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass, field
from io import BytesIO
from urllib.parse import unquote, urlsplit

from lxml import etree
from lxml import html as lxml_html

from ...problems import Problem
from ..markers import superscript
from ..notes import normalize_name
from ..profile import PartSpec, Profile
from . import FormText, Place

XHTML = "http://www.w3.org/1999/xhtml"
OPS_TYPE = "{http://www.idpf.org/2007/ops}type"
BLOCK_TAGS = frozenset("""p div blockquote section article aside figure figcaption ul ol li h1 h2 h3 h4 h5 h6
    table thead tbody tfoot tr td th pre header footer hr nav dl dt dd main body center address""".split())
HEADINGS = frozenset("h1 h2 h3 h4 h5 h6".split())
ITALIC = frozenset("i em cite dfn var".split())
BOLD = frozenset("b strong".split())
FIGURE_CLASSES = frozenset("figure plate illustration".split())
SKIP = frozenset("script style head title nav img svg math audio video object iframe rt rp".split())
# Font obfuscation (IDPF, Adobe) is allowed in DRM-free books: only these algorithms are not DRM.
FONT_OBFUSCATION = ("http://www.idpf.org/2008/embedding", "http://ns.adobe.com/pdf/enc#RC")

# Sentinels in rendered text (control characters never occur in XML text).
I_OPEN, I_CLOSE, B_OPEN, B_CLOSE, BREAK, REF, REF_END = "\x01", "\x02", "\x03", "\x04", "\x07", "\x05", "\x06"
_REF = re.compile(f"{REF}(\\d+){REF_END}")
_SPACE = re.compile(r"[ \t\r\n\f]+")
_ENTITY = re.compile(rb"&([A-Za-z][A-Za-z0-9]*);")
_NUMBER_TEXT = re.compile(r"^[\[(]?\s*(\d{1,4})\s*[\])]?\.?$")
_CHAPTER = re.compile(r"^(?:(?:chapter|part)\s+)?(\d+|[ivxlc]+(?=\W))[.:)]?\s+(.*)$", re.I)
_NOTE_NUMBER = re.compile(r"^[\[(]?(\d+)(?:[.)\]]|\s*[.:]\s)\s*")  # "12. ", "[12] ", "12) "
_LEFT_PUNCTUATION = re.compile(r"^[.:)\]]\s+")
_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}


@dataclass
class Doc:
    """One XHTML document of the book: where it is in the zip and in the spine, and its tree."""

    index: int
    path: str  # in the zip, e.g. OEBPS/text/ch03.xhtml
    root: etree._Element
    linear: bool
    ids: dict[str, etree._Element] = field(default_factory=dict)


@dataclass
class Ref:
    """A note reference: the link in the text and the note element it points to."""

    link: etree._Element
    doc: Doc
    target: etree._Element
    target_doc: Doc
    shown: str  # the number the book prints, e.g. "12" (may be "")


@dataclass
class Item:
    """A block of the stream: kind heading, subtitle, para or caption; its lines and their source lines."""

    kind: str
    lines: list[str]
    sources: list[int]
    doc: Doc
    element: etree._Element

    @property
    def text(self) -> str:
        return " ".join(self.lines)


@dataclass
class Package:
    """What EbookLib read: the spine's documents, the nav entries and the metadata."""

    docs: list[Doc]
    nav: list[tuple[str, str, str | None, int, tuple[int, ...]]]  # (label, doc path, fragment, depth, ancestors)
    metadata: dict[str, list[tuple[str, dict]]]
    opf_path: str
    nav_path: str | None


def read(data: bytes, name: str, profile: Profile) -> FormText:
    """The EPUB as canonical text; problems (DRM, damaged zip, missing part ...) instead of exceptions."""
    copy = FormText("epub", places=[])
    package = open_package(data, name, copy.problems)
    if package is None:
        return copy
    reader = Reader(package, name, profile, copy)
    reader.run()
    return copy


# --- the container --------------------------------------------------------------------------------


def open_package(data: bytes, name: str, problems: list[Problem]) -> Package | None:
    """The EPUB's package, or None with the problem that prevents reading it."""
    def fail(message: str, hint: str, ident: str, where: str = name) -> None:
        problems.append(Problem(where, 1, 1, message, hint, ident))

    if not data:
        fail("the file is empty (0 bytes)", "Copy the EPUB again from where you got it.", "source-empty")
        return None
    try:
        archive = zipfile.ZipFile(BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        if data[:2] == b"PK":
            fail(f"the EPUB is damaged or truncated: its zip directory cannot be read ({error})",
                 "Download or copy the EPUB again; the file is incomplete.", "epub-damaged")
        else:
            fail("the file is not an EPUB: it is not a zip archive",
                 "Pass an .epub file, or use --form text / wrapped / pdf for another form.", "epub-not-zip")
        return None
    names = set(archive.namelist())
    drm = _drm(archive, names)
    if drm:
        fail(f"the EPUB is protected by DRM: {drm}, so its text cannot be read",
             "Import a DRM-free copy: many shops sell the book without DRM, or export it as text from the "
             "reading app you bought it in. annotated-reader does not remove DRM.", "epub-drm")
        return None
    if "META-INF/container.xml" not in names:
        fail("the zip archive is not an EPUB: it has no META-INF/container.xml",
             "Pass the book's .epub file; an EPUB always has META-INF/container.xml.", "epub-not-epub")
        return None
    try:
        bad = archive.testzip()
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as error:
        bad, detail = "?", str(error)
    else:
        detail = "its checksum does not match"
    if bad:
        fail(f"the EPUB is damaged: {bad} cannot be read ({detail})",
             "Download or copy the EPUB again; the file is incomplete.", "epub-damaged", f"{name}/{bad}")
        return None
    return _load(archive, data, name, problems)


def _drm(archive: zipfile.ZipFile, names: set[str]) -> str:
    """Why the book counts as DRM-protected, or "" (font obfuscation alone is not DRM)."""
    if "META-INF/rights.xml" in names:
        return "META-INF/rights.xml holds its licence (Adobe ADEPT)"
    if "META-INF/encryption.xml" not in names:
        return ""
    try:
        root = etree.fromstring(archive.read("META-INF/encryption.xml"), _xml_parser())
    except (etree.XMLSyntaxError, KeyError, zipfile.BadZipFile, zlib.error):
        return "META-INF/encryption.xml says its files are encrypted"
    encrypted = []
    for data in root.iter("{*}EncryptedData"):
        method = data.find("{*}EncryptionMethod")
        algorithm = method.get("Algorithm", "") if method is not None else ""
        reference = data.find(".//{*}CipherReference")
        uri = unquote(reference.get("URI", "")) if reference is not None else ""
        if algorithm not in FONT_OBFUSCATION:
            encrypted.append(uri)
    if not encrypted:
        return ""
    return (f"META-INF/encryption.xml encrypts {len(encrypted)} file(s)"
            + (f", e.g. {encrypted[0]}" if encrypted[0] else ""))


def _load(archive: zipfile.ZipFile, data: bytes, name: str, problems: list[Problem]) -> Package | None:
    from ebooklib import epub

    reader = epub.EpubReader(BytesIO(data), {"ignore_ncx": True})
    try:
        book = reader.load()
    except KeyError as error:
        missing = re.search(r"named '([^']+)'", str(error))
        path = missing.group(1) if missing else str(error)
        problems.append(Problem(f"{name}/{reader.opf_file or 'META-INF/container.xml'}", 1, 1, (
            f'the EPUB lists "{path}" in its package, but the archive does not contain it'),
            "The EPUB is incomplete: download or copy it again.", "epub-missing-file"))
        return None
    except Exception as error:  # EbookLib raises many kinds on a malformed package; none is a bug of ours
        problems.append(Problem(f"{name}/{reader.opf_file or 'META-INF/container.xml'}", 1, 1, (
            f"the EPUB's package cannot be read: {error}"),
            "Check the EPUB with epubcheck, or download it again.", "epub-package"))
        return None
    opf_dir = reader.opf_dir
    where = f"{name}/{reader.opf_file}"
    docs: list[Doc] = []
    nav_path = None
    for idref, linear in book.spine:
        item = book.get_item_with_id(idref)
        if item is None:
            problems.append(Problem(where, 1, 1, (
                f'the spine lists the item "{idref}", which the manifest does not have'),
                "The EPUB is damaged: download or copy it again.", "epub-missing-spine-item"))
            continue
        path = posixpath.normpath(posixpath.join(opf_dir, item.file_name))
        if item.__class__.__name__ == "EpubNav":
            nav_path = path
            continue
        if not item.media_type or "html" not in item.media_type:
            continue
        docs.append(Doc(len(docs), path, parse_document(item.content), linear != "no"))  # as stored
    for item in book.get_items():
        if item.__class__.__name__ == "EpubNav":
            nav_path = nav_path or posixpath.normpath(posixpath.join(opf_dir, item.file_name))
    if any(p.severity == "error" for p in problems):
        return None
    for doc in docs:
        for element in doc.root.iter():
            ident = element.get("id") if isinstance(element.tag, str) else None
            if ident:
                doc.ids.setdefault(ident, element)
            elif isinstance(element.tag, str) and _local(element) == "a" and element.get("name"):
                doc.ids.setdefault(element.get("name"), element)
    nav = []

    def walk(entries, depth: int, ancestors: tuple[int, ...]) -> None:
        for entry in entries:
            section, children = (entry if isinstance(entry, tuple) else (entry, []))
            href = getattr(section, "href", "") or ""
            path, _, fragment = href.partition("#")
            full = posixpath.normpath(posixpath.join(opf_dir, unquote(path))) if path else ""
            nav.append(((getattr(section, "title", "") or "").strip(), full, fragment or None, depth, ancestors))
            walk(children, depth + 1, ancestors + (len(nav) - 1,))

    walk(book.toc or [], 0, ())
    metadata = {key: value for key, value in (book.metadata.get(epub.NAMESPACES["DC"]) or {}).items()}
    return Package(docs, nav, metadata, reader.opf_file, nav_path)


def parse_document(content: bytes) -> etree._Element:
    """An XHTML document's tree; HTML entities (&nbsp;) are kept, a document that is not XML is read as HTML."""
    def entity(match: re.Match) -> bytes:
        name = match.group(1).decode("ascii")
        if name in ("amp", "lt", "gt", "quot", "apos") or name not in html.entities.name2codepoint:
            return match.group(0)
        return chr(html.entities.name2codepoint[name]).encode("utf-8")

    content = _ENTITY.sub(entity, content)
    try:
        return etree.fromstring(content, _xml_parser())
    except etree.XMLSyntaxError:
        return lxml_html.document_fromstring(content)


def _xml_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, load_dtd=False)


# --- elements ---------------------------------------------------------------------------------------


def _local(element: etree._Element) -> str:
    tag = element.tag
    return _local_name(tag) if isinstance(tag, str) else ""


@functools.lru_cache(maxsize=512)
def _local_name(tag: str) -> str:
    """"{http://www.w3.org/1999/xhtml}P" -> "p" (a book has few distinct tags, so this is cached)."""
    return tag.rsplit("}", 1)[-1].lower()


def _types(element: etree._Element) -> set[str]:
    """epub:type and ARIA role words ("noteref", "doc-noteref" -> "noteref")."""
    words = (element.get(OPS_TYPE) or element.get("epub:type") or "").split() + (element.get("role") or "").split()
    return {w.removeprefix("doc-") for w in words}


def _classes(element: etree._Element) -> set[str]:
    return set((element.get("class") or "").lower().split())


def _is_block(element: etree._Element) -> bool:
    return _local(element) in BLOCK_TAGS


def _block_of(element: etree._Element) -> etree._Element:
    while element is not None and not _is_block(element):
        element = element.getparent()
    return element


def _has_block_children(element: etree._Element) -> bool:
    return any(_is_block(child) for child in element if isinstance(child.tag, str))


def _plain(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


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


# --- the reader -------------------------------------------------------------------------------------


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
                stream.extend(_Stream(self, doc).items())
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
                typed = "noteref" in _types(link)
                shown = _plain(link)
                number = _NUMBER_TEXT.match(shown)
                if not (typed or number):
                    continue
                target = self.resolve(doc, href)
                if target is None:
                    if typed:
                        self.copy.doubtful.append({"line": 0, "place": f"{self.name}/{doc.path}:{link.sourceline}",
                                                   "text": shown, "why": "note reference whose target is missing"})
                    continue
                candidates.append((link, doc, target[0], target[1], typed, number.group(1) if number else ""))
        typed_docs = {c[1].index for c in candidates if c[4]}  # where references are typed, only those count
        for link, doc, target_doc, target, typed, shown in candidates:
            if doc.index in typed_docs and not typed:
                continue
            if not typed:
                if "pagebreak" in _types(target) or "backlink" in _types(link):
                    continue
                back = self.points_back(target, target_doc, link)
                if back and (target_doc.index, target.sourceline or 0) < (doc.index, link.sourceline or 0):
                    continue  # a back-link from a note to its reference
                if not back and target_doc is doc and (target.sourceline or 0) <= (link.sourceline or 0):
                    continue
            self.ref_of[link] = len(self.refs)
            self.refs.append(Ref(link, doc, target, target_doc, shown))
        for ref in self.refs:
            self.skip.update(self.note_blocks(ref))

    def points_back(self, target: etree._Element, target_doc: Doc, link: etree._Element) -> bool:
        """Does the note at `target` link back to the block of `link`?"""
        block = _block_of(target) if not _is_block(target) else target
        home = _block_of(link)
        links = [target] if _local(target) == "a" and target.get("href") else []
        links += [a for a in block.iter("{*}a", "a") if a.get("href")] if block is not None else []
        for other in links:
            found = self.resolve(target_doc, other.get("href"))
            if found and (found[1] is link or _block_of(found[1]) is home):
                return True
        return False

    def note_blocks(self, ref: Ref) -> list[etree._Element]:
        """The elements that hold the note `ref` points to: its block, and paragraphs that continue it."""
        block = ref.target if _is_block(ref.target) else _block_of(ref.target)
        if block is None or _local(block) == "body":
            return []
        if _has_block_children(block) or _local(block) in ("li", "aside", "dd"):
            return [block]
        blocks = [block]
        sibling = block.getnext()
        while sibling is not None and isinstance(sibling.tag, str) and _local(sibling) in ("p", "div", "blockquote"):
            if sibling.get("id") or self.holds_note_start(sibling):
                break
            blocks.append(sibling)
            sibling = sibling.getnext()
        return blocks

    def holds_note_start(self, element: etree._Element) -> bool:
        ids = {e.get("id") for e in element.iter() if isinstance(e.tag, str) and e.get("id")}
        if ids:
            return True
        return any("backlink" in _types(a) or a in self.ref_of for a in element.iter("{*}a", "a"))

    # parts ------------------------------------------------------------------------------------------

    def find_parts(self, stream: list[Item]) -> list[tuple[PartSpec, int, int | None]] | None:
        """(part, index of its heading item, printed number) for every part, in the profile's order."""
        found = []
        position = 0
        nav_starts = self.nav_starts(stream)
        for spec in self.profile.parts:
            hit = self.first_heading(stream, position, spec, ("heading",))
            if hit is None:
                hit = next(((i, heading_match(label, spec)[1]) for i, label in nav_starts
                            if i >= position and heading_match(label, spec)[0]), None)
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
            if number is None and index > 0 and stream[index - 1].doc is stream[index].doc:
                number = _lone_number(stream[index - 1].text)
                if number is not None:
                    stream[index - 1].kind = "number"  # printed above the heading: not text of the part before
            found.append((spec, index, number))
            position = index + 1
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
        first_of: dict[tuple[str, str | None], int] = {}
        for i, item in enumerate(stream):
            first_of.setdefault((item.doc.path, None), i)
        starts = []
        for label, path, fragment, depth, _ in self.package.nav:
            doc = self.by_path.get(path)
            if doc is None:
                continue
            index = first_of.get((path, None))
            if fragment and fragment in doc.ids:
                line = doc.ids[fragment].sourceline or 0
                index = next((i for i, item in enumerate(stream) if item.doc is doc
                              and (item.element.sourceline or 0) >= line), index)
            if index is not None:
                starts.append((index, label))
        return sorted(starts)

    def outside_docs(self, found) -> set[int]:
        """Documents the nav lists under a title that is no part (and documents following them unlisted)."""
        specs = [spec for spec, _, _ in found]
        matches = [any(heading_match(label, spec)[0] for spec in specs) for label, *_ in self.package.nav]
        status: dict[int, bool] = {}
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
        outside = self.outside_docs(found)
        heading_docs = {stream[i].doc.index for _, i, _ in found}
        outside -= heading_docs
        starts = [i for _, i, _ in found]
        first = starts[0]
        opf = Place(f"{self.name}/{self.package.opf_path}", 1)
        self.title_page(stream[:first], opf)
        if profile.contents_heading:
            nav = Place(f"{self.name}/{self.package.nav_path or self.package.opf_path}", 1)
            self.block([profile.contents_heading], [nav])
            for position, (spec, index, number) in enumerate(found, 1):
                # the export's contents end each entry with its page; the reading position stands in for it,
                # so a title that ends in a number ("Patient Number 1") keeps it
                title = f"{number}. {spec.title}" if number is not None else spec.title
                self.block([f"{title} {position}"], [nav])
        numbered: dict[str, list[int]] = {}
        dropped_docs: set[int] = set()
        for k, (spec, index, number) in enumerate(found):
            end = starts[k + 1] if k + 1 < len(starts) else len(stream)
            heading = stream[index]
            self.block([f"{number} {spec.heading}" if number is not None else spec.heading],
                       [self.where(heading.doc, heading.sources[0])])
            body = stream[index + 1:end]
            if body and body[0].kind in ("heading", "subtitle") and spec.subtitle and \
                    normalize_heading(body[0].text) == normalize_heading(spec.subtitle):
                body[0].kind = "para"  # the layout skips the subtitle line after the heading
            order: list[int] = []
            for item in body:
                if item.doc.index in outside and item.kind != "caption":
                    dropped_docs.add(item.doc.index)
                    continue
                if item.kind == "number":
                    continue
                self.item(item, order)
            numbered[spec.slug] = order
        for item in stream[:first]:
            for line in item.lines:
                for match in _REF.finditer(line):
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
                        self.block([_REF.sub("", line)], [self.where(item.doc, source)])
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
        if item.kind == "heading":
            self.block([self.profile.section_marker + self.markers(item.text, order)], places[:1])
        elif item.kind == "caption":
            if not _ends_with_credit(item.text, self.profile.plate_credit):
                self.copy.doubtful.append({"line": len(self.lines) + 1, "place": f"{places[0].file}:{places[0].line}",
                                           "text": item.text[:80],
                                           "why": "figure caption without the profile's plate credit: kept in the text"})
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

        return _REF.sub(number, line)

    def doubtful_ref(self, ref: int, why: str) -> None:
        link = self.refs[ref]
        self.copy.doubtful.append({"line": len(self.lines) + 1,
                                   "place": f"{self.name}/{link.doc.path}:{link.link.sourceline}",
                                   "text": link.shown, "why": why})

    def notes(self, found, numbered: dict[str, list[int]]) -> None:
        """NOTES, then each part's group line and its notes in the order of their markers."""
        profile = self.profile
        notes_place = next((self.where(self.refs[r].target_doc, 1) for order in numbered.values() for r in order),
                           Place(self.name, 1))
        self.block([profile.notes_heading], [notes_place])
        for spec, _, _ in found:
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
            self.headings[doc.index] = [e for e in doc.root.iter() if isinstance(e.tag, str) and _local(e) in HEADINGS]
        line = ref.target.sourceline or 0
        return next((h for h in reversed(self.headings[doc.index]) if (h.sourceline or 0) <= line), None)

    def note(self, number: int, ref: Ref) -> None:
        paragraphs: list[tuple[str, int]] = []
        for block in self.note_blocks(ref):
            for item in _Stream(self, ref.target_doc, note=True).blocks_of(block):
                paragraphs.extend(zip(item.lines, item.sources))
        if paragraphs and ref.shown:
            first, source = paragraphs[0]
            shown = _NOTE_NUMBER.match(first)
            if shown and shown.group(1) == ref.shown:
                paragraphs[0] = (first[shown.end():], source)
        if paragraphs:  # the ". " a removed back-link number leaves
            paragraphs[0] = (_LEFT_PUNCTUATION.sub("", paragraphs[0][0]), paragraphs[0][1])
        paragraphs = [(_REF.sub("", text), source) for text, source in paragraphs if _REF.sub("", text).strip()]
        if not paragraphs:
            self.copy.doubtful.append({"line": len(self.lines) + 1,
                                       "place": f"{self.name}/{ref.target_doc.path}:{ref.target.sourceline}",
                                       "text": ref.shown, "why": "the note this reference points to is empty"})
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
                if link.get("href") and ("backlink" in _types(link) or _NUMBER_TEXT.match(_plain(link))):
                    block = _block_of(link)
                    if block is not None and block not in covered and \
                            not any(a in covered for a in block.iterancestors()):
                        self.copy.doubtful.append({"line": 0, "place": f"{self.name}/{doc.path}:{block.sourceline}",
                                                   "text": _plain(block)[:80],
                                                   "why": "a note no reference in the text points to: left out"})


def _ends_with_credit(text: str, credit: str | None) -> bool:
    if not credit:
        return False
    norm = lambda s: " ".join(s.replace("**", "").split()).rstrip(".")  # noqa: E731
    return norm(text).endswith(norm(credit))


class _Stream:
    """One document as blocks (Items); inline content rendered to canonical text."""

    def __init__(self, reader: Reader, doc: Doc, note: bool = False):
        self.reader, self.doc, self.note = reader, doc, note
        self.out: list[Item] = []

    def items(self) -> list[Item]:
        body = next((e for e in self.doc.root.iter("{*}body", "body")), self.doc.root)
        self.container(body)
        return self.out

    def blocks_of(self, element: etree._Element) -> list[Item]:
        if _has_block_children(element):
            self.container(element)
        else:
            self.leaf(element, "para")
        return self.out

    def container(self, element: etree._Element) -> None:
        run: list = [element.text] if element.text else []
        for child in element:
            if not isinstance(child.tag, str):
                run.append(child.tail)
                continue
            if not _is_block(child) and not self.skipped(child):
                run.append(child)
                run.append(child.tail)
                continue
            self.inline_run(run, element)
            run = [child.tail] if child.tail else []
            if self.skipped(child):
                continue
            self.block(child)
        self.inline_run(run, element)

    def skipped(self, element: etree._Element) -> bool:
        if element in self.reader.skip and not self.note:
            return True
        name = _local(element)
        if name in SKIP or (name == "aside" and _types(element) & {"footnote", "endnote", "rearnote", "note"}
                            and not self.note):
            return True
        if "pagebreak" in _types(element):
            self.reader.counts["page markers"] += 0 if self.note else 1
            return True
        return False

    def block(self, element: etree._Element) -> None:
        name = _local(element)
        if name == "figure" or _classes(element) & FIGURE_CLASSES:
            before = len(self.out)
            self.blocks_of(element)  # the caption's paragraphs (an image has no text)
            for item in self.out[before:]:
                item.kind = "caption"
            return
        if name == "hr":
            return
        if _has_block_children(element):
            self.container(element)
            return
        kind = "para"
        if name in HEADINGS and not self.note:
            kind = "heading"
        if {"subtitle"} & (_types(element) | _classes(element)):
            kind = "subtitle"
        self.leaf(element, kind)

    def leaf(self, element: etree._Element, kind: str) -> None:
        self.emit([element.text] + [x for child in element for x in (child, child.tail)], element, kind)

    def inline_run(self, run: list, parent: etree._Element) -> None:
        if any(isinstance(x, etree._Element) or (x and x.strip()) for x in run):
            first = next((x for x in run if isinstance(x, etree._Element)), parent)
            self.emit(run, first, "para")

    def emit(self, pieces: list, element: etree._Element, kind: str) -> None:
        inline = _Inline(self)
        text = inline.render(pieces)
        sources = [element.sourceline or 1]
        breaks = iter(inline.breaks)
        lines = []
        for k, line in enumerate(_markdown(text).split(BREAK)):
            if k:
                sources.append(next(breaks, sources[-1]))
            lines.append(line.strip())
        kept = [(line, source) for line, source in zip(lines, sources) if line]
        if not kept:
            return
        if kind in ("heading", "subtitle"):
            kept = [(" ".join(line for line, _ in kept), kept[0][1])]
        self.out.append(Item(kind, [line for line, _ in kept], [s for _, s in kept], self.doc, element))


class _Inline:
    """Inline content to text with emphasis, line-break and reference sentinels."""

    def __init__(self, stream: _Stream):
        self.stream = stream
        self.reader = stream.reader
        self.parts: list[str] = []
        self.breaks: list[int] = []  # the source line of each <br>
        self.italic = self.bold = 0

    def render(self, pieces: list) -> str:
        for piece in pieces:
            if isinstance(piece, etree._Element):
                self.element(piece)
            elif piece:
                self.text(piece)
        text = "".join(self.parts).replace("\u00ad", "").replace("\u200b", "")  # soft hyphens, zero-width spaces
        return _SPACE.sub(" ", text)

    def text(self, text: str | None) -> None:
        if text:
            self.parts.append(text)

    def element(self, element: etree._Element) -> None:
        if not isinstance(element.tag, str):
            return
        name = _local(element)
        if name == "br":
            self.parts.append(BREAK)
            tail = element.tail or ""  # the next line starts where the text after the <br> does
            self.breaks.append((element.sourceline or 1) + tail[:len(tail) - len(tail.lstrip())].count("\n"))
            return
        ref = self.reader.ref_of.get(element)
        if ref is not None:
            if not self.stream.note:
                self.parts.append(f"{REF}{ref}{REF_END}")
            return
        if self.stream.skipped(element) and name not in ("a",):
            return
        if name == "a" and self.stream.note and element.get("href") and self.is_backlink(element):
            return
        if name == "sup" and len(element) == 1 and element[0] in self.reader.ref_of and not (element.text or "").strip():
            self.element(element[0])
            return
        opens = closes = ""
        if name in ITALIC or "italic" in _classes(element):
            self.italic += 1
            opens, closes = (I_OPEN, I_CLOSE) if self.italic == 1 else ("", "")
        elif name in BOLD or "bold" in _classes(element):
            self.bold += 1
            opens, closes = (B_OPEN, B_CLOSE) if self.bold == 1 else ("", "")
        self.parts.append(opens)
        self.text(element.text)
        for child in element:
            self.element(child)
            self.text(child.tail)
        self.parts.append(closes)
        if name in ITALIC or "italic" in _classes(element):
            self.italic -= 1
        elif name in BOLD or "bold" in _classes(element):
            self.bold -= 1

    def is_backlink(self, link: etree._Element) -> bool:
        if "backlink" in _types(link):
            return True
        found = self.reader.resolve(self.stream.doc, link.get("href"))
        return bool(found) and (found[1] in self.reader.ref_of or bool(_NUMBER_TEXT.match(_plain(link)) or
                                                                         _plain(link) in ("↩", "↑", "^", "Back")))


_EMPTY = re.compile(f"{I_OPEN}{I_CLOSE}|{B_OPEN}{B_CLOSE}|{I_CLOSE}{I_OPEN}|{B_CLOSE}{B_OPEN}")
_OPEN_SPACE = re.compile(f"([{I_OPEN}{B_OPEN}]+)(\\s+)")
_SPACE_CLOSE = re.compile(f"(\\s+)([{I_CLOSE}{B_CLOSE}]+)")
_SPACE_REF = re.compile(f"[ \t]+(?={REF})")
_SPACES = re.compile(" {2,}")


def _markdown(text: str) -> str:
    """Sentinels to Markdown: emphasis closed and reopened around line breaks, spaces moved outside it."""
    if REF in text:
        text = _SPACE_REF.sub("", text)
    if I_OPEN not in text and B_OPEN not in text:
        return text
    if BREAK in text:
        text = _reopen_at_breaks(text)
    previous = None
    while previous != text:
        previous = text
        text = _EMPTY.sub("", text)
        text = _OPEN_SPACE.sub(r"\2\1", text)
        text = _SPACE_CLOSE.sub(r"\2\1", text)
    text = text.replace(B_OPEN, "**").replace(B_CLOSE, "**").replace(I_OPEN, "*").replace(I_CLOSE, "*")
    return _SPACES.sub(" ", text)


def _reopen_at_breaks(text: str) -> str:
    """Emphasis open across a <br> is closed before it and opened again after it (Markdown needs it per line)."""
    out, italic, bold = [], False, False
    for char in text:
        if char == BREAK:
            out.append((I_CLOSE if italic else "") + (B_CLOSE if bold else "") + BREAK
                       + (B_OPEN if bold else "") + (I_OPEN if italic else ""))
            continue
        if char in (I_OPEN, I_CLOSE):
            italic = char == I_OPEN
        elif char in (B_OPEN, B_CLOSE):
            bold = char == B_OPEN
        out.append(char)
    return "".join(out)
