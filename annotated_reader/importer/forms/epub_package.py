"""EPUB package: the zip container, DRM, and what EbookLib reads of the OPF (spine, nav or NCX, metadata).

Every way a file can fail to be a readable EPUB — empty, not a zip, a zip
cut short, DRM, no container, a document the manifest lists but the zip lacks,
a spine item the manifest lacks — is a Problem that says so and how to get a
good copy; EbookLib's own exceptions never reach the user. Each document is
parsed with lxml as stored, so every element keeps its source line.

Readers' EPUBs often lack a file the import never reads: an image or a font
a conversion tool stripped, a stylesheet a partial sync left behind. The text
is all in the XHTML documents, so such a file is only a warning naming it;
a missing XHTML document (it holds text), or the nav or NCX the import reads,
is still an error.
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

from ebooklib import epub
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
    reader = _LenientReader(data)
    try:
        book = reader.load()
    except KeyError as error:  # the package itself (the OPF) is missing
        missing = re.search(r"named '([^']+)'", str(error))
        path = missing.group(1) if missing else str(error)
        problems.append(Problem(f"{name}/{reader.opf_file or 'META-INF/container.xml'}", 1, 1, (
            f'the EPUB lists "{path}" in its package, but the archive does not contain it'),
            "The EPUB is incomplete: download or copy it again.", "epub-missing-file"))
        return None
    except Exception as error:  # EbookLib raises many kinds on a malformed package; none is a bug of ours
        if not _missing_files(reader, name, problems):  # else an empty stand-in for the nav or NCX broke it
            problems.append(Problem(f"{name}/{reader.opf_file or 'META-INF/container.xml'}", 1, 1, (
                f"the EPUB's package cannot be read: {error}"),
                "Check the EPUB with epubcheck, or download it again.", "epub-package"))
        return None
    if _missing_files(reader, name, problems):
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


class _LenientReader(epub.EpubReader):
    """EbookLib's reader, lending an empty stand-in for each file the manifest lists but the zip lacks.

    EbookLib reads every manifest item while loading and stops at the first one
    missing (KeyError); this one goes on and lists them in `missing` (zip paths,
    in manifest order), so `_missing_files` decides which the import needed.
    The container and the OPF are read as before: without them there is no package.
    """

    def __init__(self, data: bytes):
        super().__init__(BytesIO(data), {"ignore_ncx": True})
        self.missing: list[str] = []

    def read_file(self, name: str) -> bytes:
        try:
            return super().read_file(name)
        except KeyError:
            path = posixpath.normpath(name)
            if path in ("META-INF/container.xml", posixpath.normpath(self.opf_file or ".")):
                raise
            if path not in self.missing:
                self.missing.append(path)
            return b""


def _missing_files(reader: _LenientReader, name: str, problems: list[Problem]) -> bool:
    """A problem for each file the zip lacks; True if one of them was needed (an error), else only warnings.

    Needed: an XHTML document (it holds text), or the table of contents the
    import reads (the nav; the NCX when there is no nav). Anything else — an
    image, a font, a stylesheet — only leaves the book's look, never its text.
    """
    items = {posixpath.normpath(posixpath.join(reader.opf_dir, item.file_name or "")): item
             for item in reader.book.get_items()}
    has_nav = any(isinstance(item, epub.EpubNav) for item in items.values())
    opf = f"{name}/{reader.opf_file}"
    needed = False
    for path in reader.missing:
        item = items.get(path)
        media_type = (item.media_type if item is not None else "") or "unknown type"
        listed = f'the EPUB lists "{path}" in its package, but the archive does not contain it'
        if item is None or "html" in media_type or isinstance(item, epub.EpubNcx) and not has_nav:
            needed = True
            toc = isinstance(item, (epub.EpubNav, epub.EpubNcx))
            why = ("It is the book's table of contents, which the import reads to find the chapters"
                   if toc else "It holds text of the book, so the import cannot go on without it")
            problems.append(Problem(opf, _manifest_line(reader, path), 1, listed, (
                f"{why}: download or copy the EPUB again, or export it again from the tool that made it."),
                "epub-missing-file"))
            continue
        problems.append(Problem(f"{name}/{path}", 1, 1, (
            f"{listed}: {_kind(media_type)} ({media_type}), not needed for the text, which is all in the "
            "XHTML documents"), "The import went on without it; nothing of the text is lost.",
            "epub-missing-resource", "warning"))
    return needed


def _kind(media_type: str) -> str:
    """What a missing non-text file is, for the warning: an image, a font, a stylesheet ..."""
    if media_type.startswith("image/"):
        return "an image"
    if media_type.startswith("font/") or any(w in media_type for w in ("font", "opentype", "woff")):
        return "a font"
    if media_type == "text/css":
        return "a stylesheet"
    if "ncx" in media_type:
        return "the EPUB 2 table of contents, which the nav document replaces"
    return "a file"


def _manifest_line(reader: _LenientReader, path: str) -> int:
    """The OPF line of the manifest item for `path` (1 if not found)."""
    for element in reader.container.iter("{*}item"):
        href = element.get("href") or ""
        if posixpath.normpath(posixpath.join(reader.opf_dir, unquote(href))) == path:
            return element.sourceline or 1
    return 1


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
