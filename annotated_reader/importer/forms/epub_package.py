"""EPUB package: the zip container, DRM, and what EbookLib reads of the OPF (spine, nav or NCX, metadata).

Every way a file can fail to be a readable EPUB — empty, not a zip, a zip
cut short, DRM, no container, a file the manifest lists but the zip lacks, a
spine item the manifest lacks — is a Problem that says so and how to get a
good copy; EbookLib's own exceptions never reach the user. Each document is
parsed with lxml as stored, so every element keeps its source line.
"""
from __future__ import annotations

import html.entities
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from io import BytesIO
from urllib.parse import unquote

from lxml import etree
from lxml import html as lxml_html

from ...problems import Problem

# Font obfuscation (IDPF, Adobe) is allowed in DRM-free books: only these algorithms are not DRM.
FONT_OBFUSCATION = ("http://www.idpf.org/2008/embedding", "http://ns.adobe.com/pdf/enc#RC")
_ENTITY = re.compile(rb"&([A-Za-z][A-Za-z0-9]*);")


@dataclass
class Doc:
    """One XHTML document of the book: where it is in the zip and in the spine, and its tree."""

    index: int
    path: str  # in the zip, e.g. OEBPS/text/ch03.xhtml
    root: etree._Element
    linear: bool
    ids: dict[str, etree._Element] = field(default_factory=dict)


@dataclass
class Package:
    """What EbookLib read: the spine's documents, the nav entries and the metadata."""

    docs: list[Doc]
    nav: list[tuple[str, str, str | None, int, tuple[int, ...]]]  # (label, doc path, fragment, depth, ancestors)
    metadata: dict[str, list[tuple[str, dict]]]
    opf_path: str
    nav_path: str | None


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
    return _load(data, name, problems)


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


def _load(data: bytes, name: str, problems: list[Problem]) -> Package | None:
    """EbookLib's reading of the package: the spine's XHTML documents parsed, the nav (or NCX) flattened."""
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
        if isinstance(item, epub.EpubNav):
            nav_path = path
            continue
        if not item.media_type or "html" not in item.media_type:
            continue
        docs.append(Doc(len(docs), path, parse_document(item.content), linear != "no"))  # as stored
    for item in book.get_items():
        if isinstance(item, epub.EpubNav):
            nav_path = nav_path or posixpath.normpath(posixpath.join(opf_dir, item.file_name))
    if any(p.severity == "error" for p in problems):
        return None
    for doc in docs:
        for element in doc.root.iter():
            ident = element.get("id") if isinstance(element.tag, str) else None
            if ident:
                doc.ids.setdefault(ident, element)
            elif isinstance(element.tag, str) and etree.QName(element).localname == "a" and element.get("name"):
                doc.ids.setdefault(element.get("name"), element)
    metadata = dict(book.metadata.get(epub.NAMESPACES["DC"]) or {})
    return Package(docs, nav_entries(book.toc or [], opf_dir), metadata, reader.opf_file, nav_path)


def nav_entries(toc: list, opf_dir: str) -> list[tuple[str, str, str | None, int, tuple[int, ...]]]:
    """EbookLib's table of contents (nested Links and Sections) flattened in reading order.

    Each entry: (label, document path in the zip, fragment, depth, indexes of its ancestors).
    """
    entries: list[tuple[str, str, str | None, int, tuple[int, ...]]] = []

    def walk(items: list, depth: int, ancestors: tuple[int, ...]) -> None:
        for item in items:
            section, children = item if isinstance(item, tuple) else (item, [])
            path, _, fragment = (getattr(section, "href", "") or "").partition("#")
            full = posixpath.normpath(posixpath.join(opf_dir, unquote(path))) if path else ""
            entries.append(((getattr(section, "title", "") or "").strip(), full, fragment or None, depth, ancestors))
            walk(children, depth + 1, ancestors + (len(entries) - 1,))

    walk(toc, 0, ())
    return entries


def parse_document(content: bytes) -> etree._Element:
    """An XHTML document's tree; HTML entities (&nbsp;) are kept, a document that is not XML is read as HTML."""
    def entity(match: re.Match) -> bytes:
        name = match.group(1).decode("ascii")
        if name in ("amp", "lt", "gt", "quot", "apos") or name not in html.entities.name2codepoint:
            return match.group(0)
        return b"&#%d;" % html.entities.name2codepoint[name]  # a character reference: right in any encoding

    content = _ENTITY.sub(entity, content)
    try:
        return etree.fromstring(content, _xml_parser())
    except etree.XMLSyntaxError:
        pass
    try:
        return lxml_html.document_fromstring(content)
    except (etree.ParserError, ValueError):  # nothing to read (an empty file): an empty document
        return etree.Element("html")


def _xml_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, load_dtd=False)
