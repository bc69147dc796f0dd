"""HTML fragments (Python-Markdown, nh3) as well-formed XHTML with EPUB 3 note semantics.

EPUB content documents are XML: `<br>` must be `<br/>`, every `&` escaped, and
`epub:type` lives in the OPS namespace. Rather than hoping each fragment is
already XML, every fragment goes through one path: parse it leniently (lxml's
HTML parser), fix the tree, serialize it as XML. `epub:type` is carried through
the HTML stage as `data-epub-type` (an HTML parser has no namespaces) and
renamed on output.

Python-Markdown's footnotes become EPUB notes: each `<sup id="fnref:N">` marker
an `<a epub:type="noteref">` to `#note-N`, and the `<div class="footnote">` list
a `<section epub:type="endnotes">` of `<aside epub:type="endnote" id="note-N">`,
each opening with a backlink to its marker. Heading ids get an `s-` prefix so
they can never collide with the ids the export itself assigns (`note-1`, ...).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape

from lxml import etree
from lxml import html as lxml_html

EPUB_NS = "http://www.idpf.org/2007/ops"
XHTML_NS = "http://www.w3.org/1999/xhtml"
PLACEHOLDER = "data-epub-type"
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_FNREF = re.compile(r"^fnref(\d*):(.+)$")
_FN = re.compile(r"^fn:(.+)$")


@dataclass
class Fragment:
    """An XHTML fragment and the sections (h2) it contains, for the navigation document."""

    xhtml: str
    sections: list[tuple[str, str]] = field(default_factory=list)  # (id, title)
    notes: int = 0


def convert(html: str, *, notes_title: str = "Notes") -> Fragment:
    """Convert an HTML fragment to XHTML; footnotes become EPUB noterefs and endnotes."""
    root = lxml_html.fragment_fromstring(html or "", create_parent="div")
    _strip_comments(root)
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for name in [n for n in element.attrib if not _valid_attribute(n)]:
            del element.attrib[name]
    for link in [a for a in root.iter("a") if not a.get("href")]:
        # An <a> without href (nh3 drops a `javascript:` URL) is not valid EPUB: keep its text.
        if link.get("id"):
            link.tag = "span"
            link.attrib.pop("rel", None)
        else:
            unwrap(link)
    notes = _footnotes(root, notes_title)
    sections = []
    for heading in root.iter(*HEADINGS):
        for link in list(heading.iter("a")):  # permalinks first: their ¶ must not enter the table of contents
            if "headerlink" in (link.get("class") or ""):
                _drop(link)
        ident = heading.get("id")
        if ident:
            heading.set("id", f"s-{ident}")
            if heading.tag == "h2":
                sections.append((f"s-{ident}", _text(heading)))
    return Fragment(serialize(root), sections, notes)


def serialize(root) -> str:
    """The children of `root` as XML text, `data-epub-type` and `data-xml-lang` renamed to `epub:type`, `xml:lang`."""
    parts = [escape(root.text or "", quote=False)]
    for child in root:
        parts.append(etree.tostring(child, method="xml", encoding="unicode", with_tail=True))
    return _epub_type("".join(parts))


def _epub_type(xml: str) -> str:
    xml = re.sub(r'(<[^<>]*?\s)data-epub-type=', r"\1epub:type=", xml)
    return re.sub(r'(<[^<>]*?\s)data-xml-lang=', r"\1xml:lang=", xml)


def _valid_attribute(name: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.-]*", name))


def _strip_comments(root) -> None:
    for comment in root.xpath("//comment()"):
        _drop(comment)


def _footnotes(root, title: str) -> int:
    """Python-Markdown footnotes -> EPUB noterefs and an endnotes section. Returns the note count."""
    for sup in list(root.iter("sup")):
        match = _FNREF.match(sup.get("id") or "")
        link = sup.find("a")
        if not match or link is None:
            continue
        repeat, number = match.group(1), match.group(2)
        del sup.attrib["id"]
        link.attrib.clear()
        link.set("id", f"noteref-{number}" + (f"-{repeat}" if repeat else ""))
        link.set("href", f"#note-{number}")
        link.set(PLACEHOLDER, "noteref")
        link.set("role", "doc-noteref")
        link.set("class", "noteref")
    count = 0
    for block in [d for d in root.iter("div") if "footnote" in (d.get("class") or "").split()]:
        section = etree.Element("section")
        section.set(PLACEHOLDER, "endnotes")
        section.set("role", "doc-endnotes")
        section.set("class", "endnotes")
        heading = etree.SubElement(section, "h2")
        heading.text = title
        for item in block.iter("li"):
            match = _FN.match(item.get("id") or "")
            if not match:
                continue
            number = match.group(1)
            count += 1
            aside = etree.SubElement(section, "aside")
            aside.set("id", f"note-{number}")
            aside.set(PLACEHOLDER, "endnote")
            aside.set("class", "endnote")
            for back in [a for a in item.iter("a") if "footnote-backref" in (a.get("class") or "")]:
                _drop_backref(back)
            aside.text = item.text
            for child in list(item):
                aside.append(child)
            backlink = etree.Element("a")
            backlink.set("href", f"#noteref-{number}")
            backlink.set("role", "doc-backlink")
            backlink.set("class", "note-number")
            backlink.text = f"{number}."
            first = aside[0] if len(aside) and aside[0].tag == "p" else None
            target = first if first is not None else aside
            backlink.tail = " " + (target.text or "").lstrip()
            target.text = None
            target.insert(0, backlink)
        parent = block.getparent()
        section.tail = block.tail
        parent.replace(block, section)
    return count


def _drop_backref(link) -> None:
    """Remove a `↩` backref and the no-break space Python-Markdown puts before it."""
    _drop(link, strip="\xa0 ")


def _drop(element, strip: str = "") -> None:
    """Remove an element and its content, keeping the text after it (`strip`: characters to trim before it)."""
    if element.getparent() is None:
        return
    _append_before(element, element.tail or "", strip)
    element.getparent().remove(element)


def unwrap(element) -> None:
    """Replace an element by its content (text and children), keeping its tail."""
    parent = element.getparent()
    _append_before(element, element.text or "")
    children = list(element)
    index = parent.index(element)
    for offset, child in enumerate(children):
        parent.insert(index + offset, child)
    if children:
        children[-1].tail = (children[-1].tail or "") + (element.tail or "")
    else:
        _append_before(element, element.tail or "")
    parent.remove(element)


def _append_before(element, text: str, strip: str = "") -> None:
    """Add `text` to what precedes `element`: its previous sibling's tail, or else its parent's text."""
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "").rstrip(strip) + text  # rstrip("") strips nothing
    else:
        parent = element.getparent()
        parent.text = (parent.text or "").rstrip(strip) + text


def _text(element) -> str:
    return re.sub(r"\s+", " ", "".join(element.itertext())).strip()
