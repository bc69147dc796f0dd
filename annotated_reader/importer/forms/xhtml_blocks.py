"""XHTML blocks: a document's body as blocks of canonical text (headings, paragraphs, captions).

A body is walked as containers and leaves: a block element whose children are
all inline is one block; text loose in a container between its blocks is a
paragraph of its own. Inline content becomes the canonical text's Markdown:
`<i>`/`<em>` -> `*...*`, `<b>`/`<strong>` -> `**...**` (closed and reopened
around a `<br>`, which keeps a verse line), soft hyphens dropped, whitespace
collapsed. Note references and the note blocks themselves are known to the
reader (forms/epub.py) by their links; here a reference leaves a placeholder
the reader numbers per part, and a note block is left out of the text.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lxml import etree

from ..markers import SUPERSCRIPTS
from .epub_package import Doc

if TYPE_CHECKING:
    from .epub import Reader  # the tables of links the blocks consult (references, note blocks, targets)

OPS_TYPE = "{http://www.idpf.org/2007/ops}type"
BLOCK_TAGS = frozenset("""p div blockquote section article aside figure figcaption ul ol li h1 h2 h3 h4 h5 h6
    table thead tbody tfoot tr td th pre header footer hr nav dl dt dd main body center address""".split())
HEADINGS = frozenset("h1 h2 h3 h4 h5 h6".split())
ITALIC = frozenset("i em cite dfn var".split())
BOLD = frozenset("b strong".split())
PAGE_NUMBER_CLASSES = frozenset("pagebreak pagenum page-number pagenumber".split())  # the print edition's page
FIGURE_CLASSES = frozenset("figure plate illustration".split())
SKIP = frozenset("script style head title nav img svg math audio video object iframe rt rp".split())

# Sentinels in rendered text (control characters never occur in XML text).
I_OPEN, I_CLOSE, B_OPEN, B_CLOSE, BREAK, REF, REF_END = "\x01", "\x02", "\x03", "\x04", "\x07", "\x05", "\x06"
REF_MARK = re.compile(f"{REF}(\\d+){REF_END}")
_SPACE = re.compile(r"[ \t\r\n\f]+")
_SUPERSCRIPT = re.compile(f"[{SUPERSCRIPTS}]+")
_TO_DIGITS = str.maketrans(SUPERSCRIPTS, "0123456789")
NUMBER_TEXT = re.compile(r"^[\[(]?\s*(\d{1,4})\s*[\])]?\.?$")


@dataclass
class Item:
    """A block of the stream: kind heading, subtitle, para or caption; its lines and their source lines."""

    kind: str
    lines: list[str]
    sources: list[int]
    doc: Doc
    element: etree._Element
    unlinked: list[str] = field(default_factory=list)  # superscript digits here that are no note reference

    @property
    def text(self) -> str:
        return " ".join(self.lines)


def tag_of(element: etree._Element) -> str:
    tag = element.tag
    return _tag_name(tag) if isinstance(tag, str) else ""


@functools.lru_cache(maxsize=512)
def _tag_name(tag: str) -> str:
    """"{http://www.w3.org/1999/xhtml}P" -> "p" (a book has few distinct tags, so this is cached)."""
    return tag.rsplit("}", 1)[-1].lower()


def types_of(element: etree._Element) -> set[str]:
    """epub:type and ARIA role words ("noteref", "doc-noteref" -> "noteref")."""
    words = (element.get(OPS_TYPE) or element.get("epub:type") or "").split() + (element.get("role") or "").split()
    return {w.removeprefix("doc-") for w in words}


def classes_of(element: etree._Element) -> set[str]:
    return set((element.get("class") or "").lower().split())


def is_block(element: etree._Element) -> bool:
    return tag_of(element) in BLOCK_TAGS


def block_of(element: etree._Element) -> etree._Element:
    while element is not None and not is_block(element):
        element = element.getparent()
    return element


def has_block_children(element: etree._Element) -> bool:
    return any(is_block(child) for child in element if isinstance(child.tag, str))


def plain_text(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


class Blocks:
    """One document as blocks (Items); inline content rendered to canonical text."""

    def __init__(self, reader: Reader, doc: Doc, note: bool = False):
        self.reader, self.doc, self.note = reader, doc, note
        self.out: list[Item] = []

    def items(self) -> list[Item]:
        body = next((e for e in self.doc.root.iter("{*}body", "body")), self.doc.root)
        self.container(body)
        return self.out

    def blocks_of(self, element: etree._Element) -> list[Item]:
        if has_block_children(element):
            self.container(element)
        else:
            self.leaf(element, "para")
        return self.out

    def container(self, element: etree._Element) -> None:
        """Each block child in turn; inline content between them (text loose in the container) is a paragraph."""
        run: list = [element.text] if element.text else []
        for child in element:
            if not isinstance(child.tag, str):  # a comment: only its tail is text
                run.append(child.tail)
                continue
            skipped = self.skipped(child)
            if not is_block(child):
                run += [child.tail] if skipped else [child, child.tail]
                continue
            self.inline_run(run, element)
            run = [child.tail] if child.tail else []
            if not skipped:
                self.block(child)
        self.inline_run(run, element)

    def skipped(self, element: etree._Element) -> bool:
        if element in self.reader.skip and not self.note:
            return True
        name = tag_of(element)
        if name in SKIP or (name == "aside" and types_of(element) & {"footnote", "endnote", "rearnote", "note"}
                            and not self.note):
            return True
        if "pagebreak" in types_of(element) or classes_of(element) & PAGE_NUMBER_CLASSES:
            self.reader.counts["page markers"] += 0 if self.note else 1
            return True
        return False

    def block(self, element: etree._Element) -> None:
        name = tag_of(element)
        if name == "figure" or classes_of(element) & FIGURE_CLASSES:
            before = len(self.out)
            self.blocks_of(element)  # the caption's paragraphs (an image has no text)
            for item in self.out[before:]:
                item.kind = "caption"
            return
        if name == "hr":
            return
        if has_block_children(element):
            self.container(element)
            return
        kind = "para"
        if name in HEADINGS and not self.note:
            kind = "heading"
        if {"subtitle"} & (types_of(element) | classes_of(element)):
            kind = "subtitle"
        self.leaf(element, kind)

    def leaf(self, element: etree._Element, kind: str) -> None:
        self.emit([element.text] + [x for child in element for x in (child, child.tail)], element, kind)

    def inline_run(self, run: list, parent: etree._Element) -> None:
        if any(isinstance(x, etree._Element) or (x and x.strip()) for x in run):
            first = next((x for x in run if isinstance(x, etree._Element)), parent)
            self.emit(run, first, "para")

    def emit(self, pieces: list, element: etree._Element, kind: str) -> None:
        inline = Inline(self)
        text = inline.render(pieces)
        if not self.note and _SUPERSCRIPT.search(text):
            # the canonical text's superscripts are note markers; one the book does not link is written "^2"
            inline.unlinked += _SUPERSCRIPT.findall(text)
            text = _SUPERSCRIPT.sub(lambda m: "^" + m.group().translate(_TO_DIGITS), text)
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
        self.out.append(Item(kind, [line for line, _ in kept], [s for _, s in kept], self.doc, element,
                             inline.unlinked))


class Inline:
    """Inline content to text with emphasis, line-break and reference sentinels."""

    def __init__(self, stream: Blocks):
        self.stream = stream
        self.reader = stream.reader
        self.parts: list[str] = []
        self.breaks: list[int] = []  # the source line of each <br>
        self.unlinked: list[str] = []  # <sup> digits and superscript characters without a note link
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
        name = tag_of(element)
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
        if self.stream.skipped(element):
            return
        if name == "a" and self.stream.note and element.get("href") and self.is_backlink(element):
            return
        if name == "sup" and len(element) == 1 and element[0] in self.reader.ref_of and not (element.text or "").strip():
            self.element(element[0])
            return
        if name == "sup" and not self.stream.note and plain_text(element).isdigit():
            self.unlinked.append(plain_text(element))  # no note marker: written "m^2", as plain text can
            self.parts.append("^")
        opens = closes = ""
        if name in ITALIC or "italic" in classes_of(element):
            self.italic += 1
            opens, closes = (I_OPEN, I_CLOSE) if self.italic == 1 else ("", "")
        elif name in BOLD or "bold" in classes_of(element):
            self.bold += 1
            opens, closes = (B_OPEN, B_CLOSE) if self.bold == 1 else ("", "")
        self.parts.append(opens)
        self.text(element.text)
        for child in element:
            self.element(child)
            self.text(child.tail)
        self.parts.append(closes)
        if name in ITALIC or "italic" in classes_of(element):
            self.italic -= 1
        elif name in BOLD or "bold" in classes_of(element):
            self.bold -= 1

    def is_backlink(self, link: etree._Element) -> bool:
        """A link in a note back to its reference (dropped with its "1." or "↩"); "see note 12" links stay."""
        if "backlink" in types_of(link):
            return True
        found = self.reader.resolve(self.stream.doc, link.get("href"))
        if not found:
            return False
        target = found[1]
        home = target if is_block(target) else block_of(target)
        refs = self.reader.ref_of
        return target in refs or (home is not None and any(a in refs for a in home.iter("{*}a", "a")))


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
