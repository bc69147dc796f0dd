"""The PDF form: a typeset book printed by Chromium (made at test time) imports to the paragraph text's chapters.

bookforms/pdf.py prints the paragraph-text import as a book (running heads,
page numbers, first-line indents, hyphenated line ends, superscript markers,
verse, plates, notes in smaller type); reading it back must give the same
Markdown parts and Illustrations page, every note linked by the markers'
size and rise, and the furniture dropped and counted. A PDF from another
producer (PDFium's own writer: whole-line text objects in standard fonts) is
read by the same rules. Broken PDFs (a scan, a password, a truncated or damaged
file, HTML posing as a PDF) give one clear problem and write nothing. On the
real book (READER_SOURCE) the import is compared in words, notes and the
placements of all annotations. Tests that print need Chromium and Playwright
and are skipped, with the reason, without them; the others run anywhere.
"""
from __future__ import annotations

import io
from pathlib import Path

import pytest

from annotated_reader.importer import ImportFailed, import_book, import_text, read_copy
from annotated_reader.importer.forms import detect_form
from annotated_reader.importer.forms.pdf import read
from annotated_reader.importer.progress import reporting, terminal_bar
from bookforms import import_form, mini_book, real_book, words_within  # noqa: F401 (fixtures)
from bookforms.pdf import book_html, print_html, skip_reason

chromium = pytest.mark.skipif(bool(skip_reason()), reason=skip_reason() or "-")  # prints the book's PDF

MD_FILES = ("preface.md", "merchants-ledger.md", "winter-roads.md", "salt-tax.md", "last-caravan.md",
            "illustrations.md")
PIXEL = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGA"
         "hKmMIQAAAABJRU5ErkJggg==")


def _failed(source: Path, tmp_path: Path, profile_path: Path):
    """Import `source` as `reader import` does; return its problems and what was written."""
    out = tmp_path / "out"
    with pytest.raises(ImportFailed) as failure:
        import_book(source, out, profile_path)
    return failure.value.problems, (sorted(p.name for p in out.iterdir()) if out.exists() else [])


@chromium
@pytest.mark.parametrize("options", [{}, {"folio": "head"}], ids=["folio-foot", "folio-head"])
def test_mini_pdf_imports_to_the_same_markdown(mini_book, options):
    """Page numbers below the text, or on the running head's line: both dropped, the same book read."""
    path = mini_book.form("pdf", **options)
    assert detect_form(path.read_bytes()) == "pdf"
    copy, result = import_form(path, mini_book.profile)
    assert copy.problems == [] and result.errors == []
    for name in MD_FILES:
        assert result.files[name] == mini_book.result.files[name], name
    assert result.report["notes_linked"] == result.report["notes_total"] == 23
    assert result.report["words_out"] == mini_book.result.report["words_out"]
    assert copy.markers == {"size": 23}  # every marker known by its size and rise
    # "salt-" / "merchants" at a line end: kept, as the book spells it elsewhere, and listed to check
    assert copy.joins["keep-hyphen"] == 1 and copy.joins["wrapped"] > 40
    assert [r["detail"] for r in copy.repairs] == ['"salt-" + "merchants" -> "salt-merchants" '
                                                  "(hyphenated form seen 1×, joined 0×)"]
    # a running head and a page number on every page but the title page, CONTENTS and the plates, all dropped
    import pypdfium2

    heads = len(pypdfium2.PdfDocument(path)) - 2 - len(mini_book.result.captions)
    assert copy.furniture == {"running_heads": heads, "page_numbers": heads}
    body = copy.text.split("\n1 WINTER ROADS\n")[1].split("\n")
    assert not [line for line in body if line.isdigit() or line in ("Winter Roads", "The Salt Road")]


@chromium
def test_places_point_into_the_pdf_pages(mini_book):
    copy, _ = import_form(mini_book.form("pdf"), mini_book.profile)
    lines = copy.text.split("\n")
    heading = lines.index("1 WINTER ROADS") + 1
    place = copy.place(heading)
    assert place.file.endswith("book.pdf#page=5") and place.line >= 1
    notes = copy.place(lines.index("NOTES") + 1)
    assert int(notes.file.rsplit("=", 1)[1]) > int(place.file.rsplit("=", 1)[1])


@chromium
def test_a_pipeline_problem_is_placed_on_the_pdf_page(mini_book, tmp_path):
    """A marker without its note (the NOTES page torn out) is reported at the PDF page and line of its part."""
    path = mini_book.form("pdf")
    copy = read(path.read_bytes(), "book.pdf", mini_book.profile)
    cut = copy.text.index("NOTES")
    copy.text = copy.text[:cut]
    result = import_text(copy.text, mini_book.profile, "book.pdf")
    problems = [copy.relocate(p) for p in result.errors]
    assert problems and all(p.file.startswith("book.pdf#page=") for p in problems)


@chromium
def test_the_book_in_the_pdf_is_what_import_book_writes(mini_book, tmp_path):
    out = tmp_path / "book"
    report = import_book(mini_book.form("pdf"), out, mini_book.profile_path)
    assert report["form"]["name"] == "pdf" and report["form"]["detected"]
    assert report["form"]["furniture"]["page_numbers"] > 0 and report["form"]["markers"] == {"size": 23}
    for name in MD_FILES:
        assert (out / name).read_text(encoding="utf-8") == mini_book.result.files[name], name


@chromium
def test_a_raised_small_letter_is_listed_as_doubtful_not_linked(mini_book, tmp_path):
    """Only raised, smaller digits are markers; a raised letter (a footnote "a") is kept and listed."""
    html = book_html(mini_book.result, mini_book.profile)
    assert html.count("the widow of") == 1
    path = tmp_path / "lettered.pdf"
    print_html(html.replace("the widow of", "the widow<sup>a</sup> of"), path)
    copy = read(path.read_bytes(), "lettered.pdf", mini_book.profile)
    assert copy.problems == [] and copy.markers == {"size": 23}
    [doubt] = copy.doubtful
    assert doubt["text"] == "a" and doubt["place"].startswith("lettered.pdf#page=")
    assert "widowa of" in copy.text.split("\n")[doubt["line"] - 1]


def _pdfium_book(path: Path, pages: int = 3) -> None:
    """A PDF from another producer: PDFium's own writer, standard Times fonts, one text object per line run.

    Each page: a running head (alternating) and a centred page number, 10.5 pt lines
    of which every seventh is indented (a new paragraph), a superscript "1" raised
    after the fourth line's last word, and on one line an italic word. Page 1 opens
    with the part heading PREFACE in 17 pt.
    """
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    pdf = pdfium.PdfDocument.new()
    fonts = {style: raw.FPDFText_LoadStandardFont(pdf.raw, name) for style, name in
             (("r", b"Times-Roman"), ("i", b"Times-Italic"))}

    def put(page, style, size, text, x, y) -> float:
        obj = raw.FPDFPageObj_CreateTextObj(pdf.raw, fonts[style], size)
        data = (text + "\0").encode("utf-16-le")
        raw.FPDFText_SetText(obj, ctypes.cast(ctypes.create_string_buffer(data, len(data)),
                                              ctypes.POINTER(raw.FPDF_WCHAR)))
        raw.FPDFPageObj_Transform(obj, 1, 0, 0, 1, x, y)
        raw.FPDFPage_InsertObject(page.raw, obj)
        left, bottom, right, top = (ctypes.c_float() for _ in range(4))
        raw.FPDFPageObj_GetBounds(obj, left, bottom, right, top)
        return right.value

    n = 0  # lines so far: paragraphs run on across pages
    for number in range(pages):
        page = pdf.new_page(432, 648)
        put(page, "i", 8, "Invented Book" if number % 2 else "Preface", 60, 610)
        put(page, "r", 9, str(number + 1), 212, 30)
        y = 560
        if number == 0:
            put(page, "r", 17, "PREFACE", 170, 520)
            y = 470
        for k in range(40):
            x = 75 if n % 7 == 0 else 60
            end = put(page, "r", 10.5, f"Line {k} on page {number + 1} with words enough to pass for prose", x, y)
            n += 1
            if k == 3:
                put(page, "r", 6.5, "1", end + 0.3, y + 4)
            if k == 4:
                put(page, "i", 10.5, "emphasis", end + 2.6, y)
            y -= 14
            if y < 60:
                break
        raw.FPDFPage_GenerateContent(page.raw)
    pdf.save(str(path))


def test_a_pdf_from_another_producer_reads_the_same_way(mini_book, tmp_path):
    """Not only Chromium's PDFs: whole-line text objects in standard fonts give the same kind of text."""
    path = tmp_path / "other.pdf"
    _pdfium_book(path)
    copy = read(path.read_bytes(), "other.pdf", mini_book.profile)
    assert copy.problems == []
    assert copy.furniture == {"running_heads": 3, "page_numbers": 3}
    assert copy.markers == {"size": 3}
    blocks = copy.text.split("PREFACE\n\n", 1)[1].strip().split("\n\n")
    assert all(block.startswith("Line ") and "\n" not in block for block in blocks)
    assert [block.split()[1] for block in blocks][:3] == ["0", "7", "14"]  # a paragraph at each indent
    assert "pass for prose¹ Line 4" in copy.text and "prose *emphasis* Line 5" in copy.text
    # a page cut: the paragraph goes on from the last line of page 1 (line 29) to the first of page 2
    assert "Line 29 on page 1 with words enough to pass for prose Line 0 on page 2" in copy.text


# -- broken PDFs: one clear problem, nothing written ----------------------------------------

@chromium
def test_a_scan_without_text_layer_asks_for_ocr(mini_book, tmp_path):
    scan = tmp_path / "scan.pdf"
    print_html(f'<!DOCTYPE html><html><body><img src="{PIXEL}" style="width:5in;height:7in">'
               f'<img src="{PIXEL}" style="width:5in;height:7in"></body></html>', scan)
    problems, written = _failed(scan, tmp_path, mini_book.profile_path)
    assert [p.id for p in problems] == ["pdf-no-text"] and written == []
    assert "scan" in problems[0].message and "ocrmypdf" in problems[0].hint


def test_a_password_protected_pdf_is_refused(mini_book, tmp_path):
    pypdf = pytest.importorskip("pypdf", reason="pypdf (a test dependency) writes the encrypted PDF")
    _pdfium_book(tmp_path / "open.pdf")
    writer = pypdf.PdfWriter(clone_from=str(tmp_path / "open.pdf"))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    locked = tmp_path / "locked.pdf"
    with locked.open("wb") as handle:
        writer.write(handle)
    problems, written = _failed(locked, tmp_path, mini_book.profile_path)
    assert [p.id for p in problems] == ["pdf-password"] and written == []
    assert "password" in problems[0].message and "qpdf --decrypt" in problems[0].hint


def test_a_truncated_pdf_is_refused(mini_book, tmp_path):
    _pdfium_book(tmp_path / "whole.pdf")
    data = (tmp_path / "whole.pdf").read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(data[: len(data) // 2])
    problems, written = _failed(cut, tmp_path, mini_book.profile_path)
    assert [p.id for p in problems] == ["pdf-truncated"] and written == []
    assert "cut short" in problems[0].message and str(len(data) // 2) in problems[0].message


def test_a_damaged_pdf_is_refused(mini_book, tmp_path):
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n")
    problems, written = _failed(damaged, tmp_path, mini_book.profile_path)
    assert [p.id for p in problems] == ["pdf-damaged"] and written == []


def test_html_read_as_a_pdf_says_it_is_html(mini_book):
    page = b"<!DOCTYPE html>\n<html><head><title>Download</title></head><body>Sign in</body></html>\n"
    copy, _ = read_copy(page, "book.pdf", mini_book.profile, "pdf")
    assert [p.id for p in copy.errors] == ["pdf-not-pdf"]
    assert "HTML page" in copy.errors[0].message


# -- progress: reported to whoever asked, a bar only on a terminal ---------------------------

def test_progress_is_reported_per_page_and_quiet_off_a_terminal(mini_book, tmp_path):
    _pdfium_book(tmp_path / "book.pdf", pages=4)
    seen = []
    with reporting(lambda done, total, what: seen.append((done, total, what))):
        read((tmp_path / "book.pdf").read_bytes(), "book.pdf", mini_book.profile)
    assert seen == [(1, 4, "pages"), (2, 4, "pages"), (3, 4, "pages"), (4, 4, "pages")]
    assert terminal_bar(io.StringIO()) is None  # a pipe, a file, a test: no bar


def test_a_terminal_gets_a_progress_bar(mini_book, tmp_path):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    _pdfium_book(tmp_path / "book.pdf")
    stream = Terminal()
    with reporting(terminal_bar(stream)):
        read((tmp_path / "book.pdf").read_bytes(), "book.pdf", mini_book.profile)
    assert "pages/s" in stream.getvalue() and "%|" in stream.getvalue()  # a tqdm bar counting pages


# -- the real book ---------------------------------------------------------------------------

@chromium
@pytest.mark.real_text
def test_real_pdf_gives_the_same_book(real_book):
    copy, result = real_book.import_form("pdf")
    assert copy.problems == [] and result.errors == []
    assert len(result.parts) == 15
    assert words_within(result, real_book.result) <= 0.002
    assert result.report["notes_linked"] == result.report["notes_total"] == 873
    assert copy.markers == {"size": 873}
    assert copy.furniture["page_numbers"] > 300 and copy.furniture["running_heads"] > 300
    different = [name for name in real_book.result.files
                 if name.endswith(".md") and result.files.get(name) != real_book.result.files[name]]
    assert different == []  # every part and the Illustrations page, to the byte


@chromium
@pytest.mark.real_text
def test_real_pdf_places_every_annotation_on_the_same_passage(real_book, tmp_path):
    from bookforms.compare import compare_placements

    diff = compare_placements(real_book, real_book.form("pdf"), tmp_path)
    assert diff.reference.placed == diff.reference.annotations
    assert diff.form.placed == diff.form.annotations == diff.reference.annotations
    assert diff.same, (diff.moved[:3], diff.lost[:3], diff.gained[:3])
