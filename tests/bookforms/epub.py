"""A publisher-style EPUB of a book, written from the `import_text` result of its paragraph text.

Laid out the way publishers ship e-books, not the way `reader export epub`
does: a title page, one XHTML document per part, an acknowledgments page the
profile does not know, all notes in one notes document grouped under each
part's name, figures with captions where the plates fell, a nav document and
an NCX. Variants:

- ``epub3``: EPUB 3, references typed ``epub:type="noteref"`` (<a><sup>n</sup></a>),
  notes as typed list items with back-links, chapter numbers in a span of the heading;
- ``plain``: EPUB 3 without any epub:type on notes: <sup><a href>n</a></sup> and
  notes as paragraphs whose number links back, continued by untagged paragraphs,
  "Chapter n" printed above the heading, full titles in the heading;
- ``epub2``: EPUB 2 (XHTML 1.1, NCX only, no nav document), plain links, notes
  without back-links, plates as <div class="figure"> with a caption paragraph.

Options for readers' damaged copies: ``font=True`` embeds a font (manifest
item, ``@font-face`` in the stylesheet); ``lacking="image,css"`` leaves those
files (``image``, ``font``, ``css``, or a member path under OEBPS/) out of the zip
while the manifest still lists them, as a converter that strips images does.
Without options the output is the plain publisher's EPUB.

The zip is written with zipfile, `mimetype` first and stored. Only ever
written into tmp folders at test time: the real book's EPUB is never committed.
"""
from __future__ import annotations

import html
import re
import struct
import zipfile
import zlib
from pathlib import Path

from annotated_reader.importer.model import Heading, ImportResult
from annotated_reader.importer.profile import Profile

VARIANTS = ("epub3", "plain", "epub2")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"\*(.+?)\*")
_FOOTNOTE = re.compile(r"\[\^(\d+)\]")
ACKNOWLEDGMENTS = ("The author thanks the keepers of the toll-house ledgers, who answered every letter, "
                   "and the readers who found the mistakes that remain.")


LACKABLE = {"image": "images/plate.png", "font": "fonts/serif.otf", "css": "styles/book.css"}


def make(result: ImportResult, profile: Profile, out_dir: Path, *, variant: str = "epub3",
         name: str = "book.epub", font: bool = False, lacking: str = "") -> Path:
    """Write the book as an EPUB into `out_dir`/`name` and return its path.

    `font` embeds a font; `lacking` ("image,font,css" or paths under OEBPS/)
    names files the manifest lists but the zip leaves out.
    """
    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {VARIANTS}")
    book = _Book(result, profile, variant, font)
    files = book.files()
    left_out = {LACKABLE.get(word.strip(), word.strip()) for word in lacking.split(",") if word.strip()}
    if left_out - set(files):
        raise ValueError(f"lacking names files this EPUB does not have: {sorted(left_out - set(files))}")
    path = out_dir / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/container.xml", CONTAINER)
        for file_name, content in files.items():
            if file_name not in left_out:
                archive.writestr(f"OEBPS/{file_name}", content)
    return path


CONTAINER = """<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles>
</container>
"""


def png() -> bytes:
    """A 1x1 grey PNG: the plates' stand-in image."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\x80")) + \
        chunk(b"IEND", b"")


class _Book:
    def __init__(self, result: ImportResult, profile: Profile, variant: str, font: bool = False):
        self.result, self.profile, self.variant, self.font = result, profile, variant, font
        self.epub3 = variant != "epub2"
        self.typed = variant == "epub3"
        self.docs = [(f"text/{k + 1:02d}-{part.spec.slug}.xhtml", part) for k, part in enumerate(result.parts)]
        self.file_of = {part.spec.slug: path for path, part in self.docs}

    # documents -------------------------------------------------------------------------------------

    def page(self, title: str, body: list[str]) -> str:
        if self.epub3:
            head = ('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n<html xmlns="http://www.w3.org/1999/xhtml" '
                    'xmlns:epub="http://www.idpf.org/2007/ops" lang="en" xml:lang="en">')
        else:
            head = ('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.1//EN" '
                    '"http://www.w3.org/TR/xhtml11/DTD/xhtml11.dtd">\n<html xmlns="http://www.w3.org/1999/xhtml" '
                    'xml:lang="en">')
        return "\n".join([head, f"<head><title>{html.escape(title)}</title>",
                          '<link rel="stylesheet" type="text/css" href="../styles/book.css"/></head>', "<body>",
                          *body, "</body>", "</html>", ""])

    def inline(self, text: str, slug: str | None = None) -> str:
        text = html.escape(text, quote=False)
        text = _BOLD.sub(r"<b>\1</b>", text)
        text = _ITALIC.sub(r"<i>\1</i>", text)
        if slug is not None:
            text = _FOOTNOTE.sub(lambda m: self.noteref(slug, int(m.group(1))), text)
        return text

    def noteref(self, slug: str, n: int) -> str:
        target = f"notes.xhtml#{slug}-note{n}"
        if self.typed:
            return f'<a epub:type="noteref" role="doc-noteref" id="{slug}-ref{n}" href="{target}"><sup>{n}</sup></a>'
        if self.variant == "plain":
            return f'<sup><a id="{slug}-ref{n}" href="{target}">{n}</a></sup>'
        return f'<a class="noteref" id="{slug}-ref{n}" href="{target}"><sup>{n}</sup></a>'

    def titlepage(self) -> str:
        book = self.result.book
        lines = [f'<h1 class="title">{html.escape(book.get("title") or "")}</h1>']
        if book.get("subtitle"):
            lines.append(f'<p class="subtitle">{html.escape(book["subtitle"])}</p>')
        if book.get("author"):
            lines.append(f'<p class="author">{html.escape(book["author"])}</p>')
        if book.get("translator"):
            lines.append(f'<p class="translator">{html.escape(self.profile.translator_prefix + book["translator"])}</p>')
        for key in ("publisher", "city", "year"):
            if book.get(key):
                lines.append(f'<p class="{key}">{html.escape(str(book[key]))}</p>')
        return self.page("Title Page", lines)

    def heading(self, part) -> list[str]:
        spec = part.spec
        main, _, rest = spec.title.partition(": ")
        if self.variant == "epub3":
            number = f'<span class="chapter-number">{part.number}</span> ' if part.number is not None else ""
            out = [f'<h1 class="chapter-title">{number}{html.escape(main if spec.subtitle else spec.title)}</h1>']
            if spec.subtitle:
                out.append(f'<p class="subtitle" epub:type="subtitle">{self.inline(spec.subtitle)}</p>')
            return out
        if self.variant == "plain":
            number = [f'<p class="chapter-number">Chapter {part.number}</p>'] if part.number is not None else []
            return number + [f'<h1 class="chapter-title">{html.escape(spec.title)}</h1>']
        prefix = f"Chapter {part.number}: " if part.number is not None else ""
        return [f"<h1>{html.escape(prefix + spec.title)}</h1>"]

    def part(self, part) -> str:
        slug = part.spec.slug
        body = [f'<section epub:type="{_section_type(part.spec.kind)}" id="{slug}">' if self.epub3
                else f'<div class="{part.spec.kind}" id="{slug}">']
        body += self.heading(part)
        plates = self.plates_after(part)
        for k, item in enumerate(part.items):
            if isinstance(item, Heading):
                body.append(f"<h2>{self.inline(item.title)}</h2>")
            else:
                body.append("<p>" + "<br/>\n".join(self.inline(line, slug) for line in item.lines) + "</p>")
            for caption_index, caption in plates.get(k, []):
                body += self.figure(caption_index, caption)
        body.append("</section>" if self.epub3 else "</div>")
        return self.page(part.spec.title, body)

    def plates_after(self, part) -> dict[int, list]:
        """Captions by the index of the part item they follow (plates fell inside that paragraph)."""
        parts = self.result.parts
        k = parts.index(part)
        end = parts[k + 1].heading_line if k + 1 < len(parts) else float("inf")
        out: dict[int, list] = {}
        for index, caption in enumerate(self.result.captions):
            if part.heading_line < caption.line < end:
                before = [i for i, item in enumerate(part.items) if item.line < caption.line]
                out.setdefault(before[-1] if before else 0, []).append((index, caption))
        return out

    def figure(self, index: int, caption) -> list[str]:
        image = f'<img src="../images/plate.png" alt="Plate {index + 1}"/>'
        text = "<br/>\n".join(self.inline(line) for line in caption.lines)
        if self.epub3:
            return [f'<figure id="plate-{index + 1}">', image, f"<figcaption>{text}</figcaption>", "</figure>"]
        return [f'<div class="figure" id="plate-{index + 1}">', image, f'<p class="caption">{text}</p>', "</div>"]

    def notes(self) -> str:
        body = ['<section epub:type="endnotes" role="doc-endnotes">' if self.typed else '<div class="notes">',
                "<h1>Notes</h1>"]
        for path, part in self.docs:
            if not part.notes:
                continue
            slug = part.spec.slug
            body.append(f'<h2 id="notes-{slug}">{html.escape(part.spec.notes or part.spec.title)}</h2>')
            if self.typed:
                body.append("<ol>")
            for note in part.notes:
                ident, back = f"{slug}-note{note.number}", f"{path.removeprefix('text/')}#{slug}-ref{note.number}"
                first, *rest = [self.inline(p) for p in note.paragraphs]
                if self.typed:
                    paragraphs = "".join(f"<p>{p}</p>" for p in rest)
                    body.append(f'<li epub:type="endnote" role="doc-endnote" id="{ident}"><p>{first} '
                                f'<a role="doc-backlink" href="{back}">↩</a></p>{paragraphs}</li>')
                    continue
                if self.variant == "plain":
                    body.append(f'<p class="note" id="{ident}"><a href="{back}">{note.number}</a>. {first}</p>')
                else:
                    body.append(f'<p class="note" id="{ident}"><span class="num">{note.number}.</span> {first}</p>')
                body += [f'<p class="note-continued">{p}</p>' for p in rest]
            if self.typed:
                body.append("</ol>")
        body.append("</section>" if self.typed else "</div>")
        return self.page("Notes", body)

    def acknowledgments(self) -> str:
        return self.page("Acknowledgments", ["<h1>Acknowledgments</h1>", f"<p>{html.escape(ACKNOWLEDGMENTS)}</p>"])

    # package ---------------------------------------------------------------------------------------

    def toc(self) -> list[tuple[str, str]]:
        entries = [("Title Page", "text/titlepage.xhtml")]
        for path, part in self.docs:
            label = f"{part.number}. {part.spec.title}" if part.number is not None else part.spec.title
            entries.append((label, path))
        return entries + [("Acknowledgments", "text/acknowledgments.xhtml"), ("Notes", "text/notes.xhtml")]

    def nav(self) -> str:
        items = "\n".join(f'<li><a href="{href}">{html.escape(label)}</a></li>' for label, href in self.toc())
        return ('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n<html xmlns="http://www.w3.org/1999/xhtml" '
                'xmlns:epub="http://www.idpf.org/2007/ops" lang="en" xml:lang="en">\n<head><title>Contents</title></head>\n'
                f'<body>\n<nav epub:type="toc" id="toc"><h1>Contents</h1>\n<ol>\n{items}\n</ol></nav>\n</body>\n</html>\n')

    def ncx(self) -> str:
        points = "\n".join(
            f'<navPoint id="np{k}" playOrder="{k}"><navLabel><text>{html.escape(label)}</text></navLabel>'
            f'<content src="{href}"/></navPoint>' for k, (label, href) in enumerate(self.toc(), 1))
        title = html.escape(self.result.book.get("title") or "")
        return ('<?xml version="1.0" encoding="utf-8"?>\n<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1">\n'
                '<head><meta name="dtb:uid" content="urn:uuid:00000000-0000-4000-8000-000000000012"/></head>\n'
                f"<docTitle><text>{title}</text></docTitle>\n<navMap>\n{points}\n</navMap>\n</ncx>\n")

    def opf(self, documents: list[str]) -> str:
        book = self.result.book
        meta = [f"<dc:title>{html.escape(book.get('title') or '')}</dc:title>",
                f"<dc:creator>{html.escape(book.get('author') or '')}</dc:creator>",
                "<dc:language>en</dc:language>",
                '<dc:identifier id="bookid">urn:uuid:00000000-0000-4000-8000-000000000012</dc:identifier>']
        if book.get("publisher"):
            meta.append(f"<dc:publisher>{html.escape(book['publisher'])}</dc:publisher>")
        if self.epub3:
            meta.append('<meta property="dcterms:modified">2026-01-01T00:00:00Z</meta>')
        elif book.get("translator"):
            meta.append(f'<dc:contributor opf:role="trl">{html.escape(book["translator"])}</dc:contributor>')
        items = ['<item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>',
                 '<item id="css" href="styles/book.css" media-type="text/css"/>',
                 '<item id="plate" href="images/plate.png" media-type="image/png"/>']
        if self.font:
            items.append('<item id="font" href="fonts/serif.otf" media-type="font/otf"/>')
        if self.epub3:
            items.append('<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>')
        for k, path in enumerate(documents):
            items.append(f'<item id="doc{k}" href="{path}" media-type="application/xhtml+xml"/>')
        spine = "\n".join(f'<itemref idref="doc{k}"/>' for k in range(len(documents)))
        version = "3.0" if self.epub3 else "2.0"
        return (f'<?xml version="1.0" encoding="utf-8"?>\n<package xmlns="http://www.idpf.org/2007/opf" '
                f'version="{version}" unique-identifier="bookid">\n<metadata xmlns:dc="http://purl.org/dc/elements/1.1/" '
                f'xmlns:opf="http://www.idpf.org/2007/opf">\n' + "\n".join(meta) + "\n</metadata>\n<manifest>\n"
                + "\n".join(items) + f'\n</manifest>\n<spine toc="ncx">\n{spine}\n</spine>\n</package>\n')

    def files(self) -> dict[str, str | bytes]:
        files: dict[str, str | bytes] = {"text/titlepage.xhtml": self.titlepage()}
        for path, part in self.docs:
            files[path] = self.part(part)
        files["text/acknowledgments.xhtml"] = self.acknowledgments()
        files["text/notes.xhtml"] = self.notes()
        documents = list(files)
        files["toc.ncx"] = self.ncx()
        if self.epub3:
            files["nav.xhtml"] = self.nav()
        files["styles/book.css"] = "body { font-family: serif; } sup { font-size: 0.7em; }\n"
        if self.font:
            files["styles/book.css"] = ('@font-face { font-family: "Book Serif"; src: url(../fonts/serif.otf); }\n'
                                        + files["styles/book.css"].replace("serif;", '"Book Serif", serif;'))
            files["fonts/serif.otf"] = b"OTTO" + bytes(60)  # a font's signature: the import never reads it
        files["images/plate.png"] = png()
        files["content.opf"] = self.opf(documents)
        return files


def _section_type(kind: str) -> str:
    return {"front": "preface", "chapter": "chapter", "interlude": "chapter", "epilogue": "epilogue"}.get(kind, "chapter")
