"""The EPUB form: a publisher-style EPUB (made at test time) imports to the paragraph text's chapters.

The EPUBs are written by bookforms/epub.py from the paragraph-text import, in
three variants (EPUB 3 with typed note references, plain links, EPUB 2 with an
NCX only), so the same book must come back: the same Markdown parts, the same
Illustrations page, every note linked by following its link. Broken EPUBs
(DRM, truncated, a missing spine document or table of contents, zero bytes)
give one clear problem and write nothing; an EPUB that only lacks an image, a
font or a stylesheet imports the same Markdown, with a warning naming the file.
On the real book (READER_SOURCE) the placements of all annotations are
compared with the paragraph text's.
"""
from __future__ import annotations

import re
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from annotated_reader.importer import ImportFailed, import_book, load_profile, parse_profile
from annotated_reader.importer.forms import detect_form
from annotated_reader.importer.forms.epub import heading_match, read, split_number
from bookforms import import_form, mini_book, real_book, words_within  # noqa: F401 (fixtures)
from bookforms.epub import VARIANTS

MD_FILES = ("preface.md", "merchants-ledger.md", "winter-roads.md", "salt-tax.md", "last-caravan.md",
            "illustrations.md")


def _rewrite(source: Path, target: Path, change) -> Path:
    """A copy of the EPUB `source` with each member passed through `change(name, bytes) -> bytes | None`."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = change(info.filename, old.read(info.filename))
            if data is not None:
                new.writestr(info, data, compress_type=info.compress_type)
    return target


def _failed(source: Path, tmp_path: Path, profile_path: Path):
    """Import `source` with `reader import`'s function; return its problems and what was written."""
    out = tmp_path / "out"
    with pytest.raises(ImportFailed) as failure:
        import_book(source, out, profile_path)
    return failure.value.problems, (sorted(p.name for p in out.iterdir()) if out.exists() else [])


@pytest.mark.parametrize("variant", VARIANTS)
def test_mini_epub_imports_to_the_same_markdown(mini_book, variant):
    path = mini_book.form("epub", variant=variant)
    assert detect_form(path.read_bytes()) == "epub"
    copy, result = import_form(path, mini_book.profile)
    assert copy.problems == [] and result.problems == []
    for name in MD_FILES:
        assert result.files[name] == mini_book.result.files[name], name
    assert result.report["notes_linked"] == result.report["notes_total"] == 23
    assert result.report["words_out"] == mini_book.result.report["words_out"]
    assert result.report["words_equal"]
    assert copy.markers == {"link": 23}  # every marker found by following its link
    assert copy.furniture == {"documents outside the parts": 1}  # the acknowledgments page
    assert copy.doubtful == []


@pytest.mark.parametrize("variant", VARIANTS)
def test_canonical_lines_point_into_the_epub_documents(mini_book, variant):
    path = mini_book.form("epub", variant=variant)
    copy, _ = import_form(path, mini_book.profile)
    lines = copy.text.split("\n")
    with zipfile.ZipFile(path) as archive:
        for wanted, document, text in (("1 WINTER ROADS", "03-winter-roads.xhtml", "Winter Roads"),
                                       ("■ The Frozen Fjord", "03-winter-roads.xhtml", "The Frozen Fjord"),
                                       ("Chapter 2. The Salt Tax", "notes.xhtml", "Chapter 2. The Salt Tax")):
            place = copy.place(lines.index(wanted) + 1)
            assert place.file == f"{path}/OEBPS/text/{document}"
            source_line = archive.read(f"OEBPS/text/{document}").decode().split("\n")[place.line - 1]
            assert text in source_line


def test_pipeline_problems_are_relocated_into_the_epub(mini_book, tmp_path):
    """A chapter number the profile contradicts is reported at the heading's line in the EPUB document."""
    epub = mini_book.form("epub", variant="epub2")
    misnumbered = _rewrite(epub, tmp_path / "book.epub", lambda name, data: data.replace(
        b"<h1>Chapter 2: The Salt Tax</h1>", b"<h1>Chapter 3: The Salt Tax</h1>"))
    problems, written = _failed(misnumbered, tmp_path, mini_book.profile_path)
    assert written == []
    heading = next(p for p in problems if p.id == "heading-number")
    assert heading.file == f"{misnumbered}/OEBPS/text/04-salt-tax.xhtml"
    with zipfile.ZipFile(misnumbered) as archive:
        lines = archive.read("OEBPS/text/04-salt-tax.xhtml").decode().split("\n")
    assert "Chapter 3: The Salt Tax" in lines[heading.line - 1]


def test_markers_are_numbered_by_link_not_by_what_the_book_prints(mini_book, tmp_path):
    """Book-wide printed numbers (101, 102 ...) still give 1, 2, 3 ... per part, each with its own note."""
    epub = mini_book.form("epub", variant="plain")
    renumber = lambda name, data: re.sub(rb'">(\d+)</a></sup>', lambda m: b'">' + str(int(m.group(1)) + 100).encode()
                                         + b"</a></sup>", data)  # noqa: E731
    changed = _rewrite(epub, tmp_path / "book.epub", lambda name, data: renumber(name, data)
                       if "/text/0" in name else data)
    copy, result = import_form(changed, mini_book.profile)
    assert result.problems == []
    assert result.files["winter-roads.md"] == mini_book.result.files["winter-roads.md"]


def test_a_note_no_reference_points_to_is_listed(mini_book, tmp_path):
    epub = mini_book.form("epub", variant="epub3")
    dropped = _rewrite(epub, tmp_path / "book.epub", lambda name, data: re.sub(
        rb'<a epub:type="noteref"[^>]*id="last-caravan-ref2"[^>]*><sup>2</sup></a>', b"", data))
    copy, result = import_form(dropped, mini_book.profile)
    assert result.problems == []
    assert result.report["parts"][-1]["notes_linked"] == 1
    assert [d["why"] for d in copy.doubtful] == ["a note no reference in the text points to: left out"]
    assert "accession register" in copy.doubtful[0]["text"]
    file, line = copy.doubtful[0]["place"].rsplit(":", 1)
    assert file == f"{dropped}/OEBPS/text/notes.xhtml"
    with zipfile.ZipFile(dropped) as archive:
        assert "accession register" in archive.read("OEBPS/text/notes.xhtml").decode().split("\n")[int(line) - 1]


def test_back_matter_left_out_by_its_heading_when_the_nav_omits_it(mini_book, tmp_path):
    """Without a nav entry, the acknowledgments page is still no continuation of the last part."""
    epub = mini_book.form("epub", variant="epub3")
    unlisted = _rewrite(epub, tmp_path / "book.epub", lambda name, data: re.sub(
        rb'<li><a href="text/acknowledgments.xhtml">Acknowledgments</a></li>|<navPoint id="np7".*?</navPoint>', b"",
        data) if name.endswith(("nav.xhtml", "toc.ncx")) else data)
    copy, result = import_form(unlisted, mini_book.profile)
    assert b"Acknowledgments" not in zipfile.ZipFile(unlisted).read("OEBPS/nav.xhtml")
    assert result.problems == [] and copy.furniture == {"documents outside the parts": 1}
    assert result.files["last-caravan.md"] == mini_book.result.files["last-caravan.md"]


def test_a_heading_set_as_an_image_is_found_by_the_nav(mini_book, tmp_path):
    epub = mini_book.form("epub", variant="epub3")
    imaged = _rewrite(epub, tmp_path / "book.epub", lambda name, data: data.replace(
        b'<h1 class="chapter-title"><span class="chapter-number">2</span> The Salt Tax</h1>',
        b'<h1 class="chapter-title"><img src="../images/plate.png" alt="2 The Salt Tax"/></h1>'))
    assert b"<span class=\"chapter-number\">2</span>" not in zipfile.ZipFile(imaged).read("OEBPS/text/04-salt-tax.xhtml")
    copy, result = import_form(imaged, mini_book.profile)
    assert copy.problems == [] and result.problems == []
    assert result.files["salt-tax.md"] == mini_book.result.files["salt-tax.md"]  # its first paragraph kept
    assert result.parts[3].number == 2  # from the nav's "2. The Salt Tax"


def test_font_obfuscation_is_not_drm(mini_book, tmp_path):
    epub = mini_book.form("epub", variant="epub3")
    encryption = (b'<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" '
                  b'xmlns:enc="http://www.w3.org/2001/04/xmlenc#"><enc:EncryptedData>'
                  b'<enc:EncryptionMethod Algorithm="http://www.idpf.org/2008/embedding"/>'
                  b'<enc:CipherData><enc:CipherReference URI="OEBPS/fonts/serif.otf"/></enc:CipherData>'
                  b"</enc:EncryptedData></encryption>")
    fonts = _with_member(epub, tmp_path / "book.epub", "META-INF/encryption.xml", encryption)
    copy, result = import_form(fonts, mini_book.profile)
    assert copy.problems == [] and result.ok


def _with_member(source: Path, target: Path, name: str, data: bytes) -> Path:
    _rewrite(source, target, lambda n, d: d)
    with zipfile.ZipFile(target, "a") as archive:
        archive.writestr(name, data)
    return target


DRM = (b'<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" '
       b'xmlns:enc="http://www.w3.org/2001/04/xmlenc#"><enc:EncryptedData>'
       b'<enc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/>'
       b'<enc:CipherData><enc:CipherReference URI="OEBPS/text/03-winter-roads.xhtml"/></enc:CipherData>'
       b"</enc:EncryptedData></encryption>")


@pytest.mark.parametrize("member, data, detail", [
    ("META-INF/encryption.xml", DRM, "OEBPS/text/03-winter-roads.xhtml"),
    ("META-INF/rights.xml", b'<rights xmlns="http://ns.adobe.com/adept"/>', "Adobe ADEPT")])
def test_drm_is_said_so(mini_book, tmp_path, member, data, detail):
    drm = _with_member(mini_book.form("epub", variant="epub3"), tmp_path / "book.epub", member, data)
    problems, written = _failed(drm, tmp_path, mini_book.profile_path)
    assert [p.id for p in problems] == ["epub-drm"] and written == []
    assert "protected by DRM" in problems[0].message and detail in problems[0].message
    assert "DRM-free" in problems[0].hint and problems[0].file == str(drm)


def test_truncated_epub(mini_book, tmp_path):
    data = mini_book.form("epub", variant="epub3").read_bytes()
    truncated = tmp_path / "book.epub"
    truncated.write_bytes(data[: len(data) * 2 // 3])
    problems, written = _failed(truncated, tmp_path, mini_book.profile_path)
    assert [p.id for p in problems] == ["epub-damaged"] and written == []
    assert "truncated" in problems[0].message and "again" in problems[0].hint


@pytest.mark.parametrize("variant", ["epub2", "epub3"])
def test_missing_spine_item(mini_book, tmp_path, variant):
    """A missing XHTML document holds text: refused, at the manifest line that lists it, with how to fix it."""
    missing = _rewrite(mini_book.form("epub", variant=variant), tmp_path / "book.epub",
                       lambda name, data: None if name.endswith(("04-salt-tax.xhtml", "plate.png")) else data)
    problems, written = _failed(missing, tmp_path, mini_book.profile_path)
    assert [p.id for p in problems] == ["epub-missing-file"] and written == []  # the image alone would pass
    assert '"OEBPS/text/04-salt-tax.xhtml"' in problems[0].message
    assert "holds text" in problems[0].hint and "download or copy the EPUB again" in problems[0].hint
    assert problems[0].file == f"{missing}/OEBPS/content.opf"
    with zipfile.ZipFile(missing) as archive:
        opf = archive.read("OEBPS/content.opf").decode().split("\n")
    assert 'href="text/04-salt-tax.xhtml"' in opf[problems[0].line - 1]


# -- a copy that lacks a file the text does not need: imported, with a warning naming it -------------

@pytest.mark.parametrize("variant, lacking, members", [
    ("epub3", "image", ["images/plate.png"]),
    ("epub2", "image", ["images/plate.png"]),
    ("plain", "font,css", ["styles/book.css", "fonts/serif.otf"]),
    ("epub2", "font,css,image", ["styles/book.css", "images/plate.png", "fonts/serif.otf"])])
def test_a_missing_image_font_or_stylesheet_is_only_a_warning(mini_book, variant, lacking, members):
    complete = mini_book.form("epub", variant=variant, font=True)
    lacks = mini_book.form("epub", variant=variant, font=True, lacking=lacking)
    with zipfile.ZipFile(complete) as whole, zipfile.ZipFile(lacks) as part:
        assert {f"OEBPS/{m}" for m in members} <= set(whole.namelist()) - set(part.namelist())
        assert whole.read("OEBPS/content.opf") == part.read("OEBPS/content.opf")  # still listed
    copy, result = import_form(lacks, mini_book.profile)
    _, reference = import_form(complete, mini_book.profile)
    assert copy.errors == [] and result.problems == []
    markdown = [name for name in reference.files if name.endswith(".md")]
    assert markdown and all(result.files[name] == reference.files[name] for name in markdown)
    assert [(p.severity, p.id, p.file) for p in copy.problems] == [
        ("warning", "epub-missing-resource", f"{lacks}/OEBPS/{m}") for m in members]
    assert all(f'"OEBPS/{m}"' in p.message and "not needed" in p.message for p, m in zip(copy.problems, members))


def test_the_import_report_and_summary_name_the_missing_image(mini_book, tmp_path, capsys):
    import json

    from annotated_reader.cli import main

    source = tmp_path / "book.epub"
    source.write_bytes(mini_book.form("epub", variant="epub3", lacking="image").read_bytes())
    out = tmp_path / "out"
    code = main(["import", str(source), "--profile", str(mini_book.profile_path), "--out", str(out)])
    printed = capsys.readouterr()
    assert code == 0, printed.err
    assert f"warning: {source}/OEBPS/images/plate.png: " in printed.out and "not needed" in printed.out
    report = json.loads((out / "import-report.json").read_text(encoding="utf-8"))
    assert [(w["file"], w["id"]) for w in report["form"]["warnings"]] == [
        (f"{source}/OEBPS/images/plate.png", "epub-missing-resource")]
    for name in MD_FILES:
        assert (out / name).read_text(encoding="utf-8") == mini_book.result.files[name], name


@pytest.mark.parametrize("variant, member, needed", [
    ("epub3", "OEBPS/nav.xhtml", True),  # the table of contents the import reads
    ("epub2", "OEBPS/toc.ncx", True),  # EPUB 2: the NCX is the table of contents
    ("epub3", "OEBPS/toc.ncx", False)])  # EPUB 3 reads the nav: its NCX is not needed
def test_a_missing_table_of_contents_is_an_error_only_where_it_is_read(mini_book, tmp_path, variant, member, needed):
    missing = _rewrite(mini_book.form("epub", variant=variant), tmp_path / "book.epub",
                       lambda name, data: None if name == member else data)
    copy, result = import_form(missing, mini_book.profile)
    if needed:
        assert [(p.id, p.severity) for p in copy.problems] == [("epub-missing-file", "error")]
        assert f'"{member}"' in copy.problems[0].message and "table of contents" in copy.problems[0].hint
        assert copy.problems[0].file == f"{missing}/OEBPS/content.opf"
    else:
        assert [(p.id, p.file) for p in copy.problems] == [("epub-missing-resource", f"{missing}/{member}")]
        assert result.problems == [] and result.files["winter-roads.md"] == mini_book.result.files["winter-roads.md"]


def test_spine_item_not_in_the_manifest(mini_book, tmp_path):
    missing = _rewrite(mini_book.form("epub", variant="epub3"), tmp_path / "book.epub",
                       lambda name, data: data.replace(b'<itemref idref="doc3"/>', b'<itemref idref="chapter-two"/>')
                       if name.endswith(".opf") else data)
    problems, written = _failed(missing, tmp_path, mini_book.profile_path)
    assert [p.id for p in problems] == ["epub-missing-spine-item"] and written == []
    assert '"chapter-two"' in problems[0].message


@pytest.mark.parametrize("data, ident", [(b"", "source-empty"), (b"PK\x03\x04" + b"\x00" * 40, "epub-damaged"),
                                         (b"just some text, not a book", "epub-not-zip")])
def test_not_an_epub(mini_book, data, ident):
    copy = read(data, "book.epub", mini_book.profile)
    assert [p.id for p in copy.errors] == [ident] and copy.text == ""


def test_zero_bytes_write_nothing(mini_book, tmp_path):
    empty = tmp_path / "book.epub"
    empty.write_bytes(b"")
    problems, written = _failed(empty, tmp_path, mini_book.profile_path)
    assert len(problems) == 1 and "empty" in problems[0].message and written == []


def test_zip_that_is_no_epub(mini_book, tmp_path):
    other = tmp_path / "notes.zip"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("readme.txt", "hello")
    copy = read(other.read_bytes(), str(other), mini_book.profile)
    assert [p.id for p in copy.errors] == ["epub-not-epub"]


def test_part_not_found_names_it_and_lists_the_headings(mini_book):
    text = mini_book.profile_path.read_text(encoding="utf-8").replace("heading: THE SALT TAX", "heading: THE SALT DUTY")
    text = text.replace("title: The Salt Tax", "title: The Salt Duty")
    profile = parse_profile(text, "mini-profile.yml")
    copy = read(mini_book.form("epub", variant="epub3").read_bytes(), "book.epub", profile)
    assert [p.id for p in copy.errors] == ["epub-part-not-found"]
    problem = copy.errors[0]
    assert '"salt-tax"' in problem.message and '"THE SALT DUTY"' in problem.message
    assert '"1 Winter Roads"' in problem.hint and '"2 The Salt Tax"' in problem.hint and "mini-profile.yml:" in problem.hint


def test_heading_matching_rules():
    profile = load_profile(Path(__file__).parent / "fixtures" / "importer" / "mini-profile.yml")
    ledger, roads, caravan = profile.parts[1], profile.parts[2], profile.parts[4]
    assert heading_match("The Merchant’s Ledger", ledger) == (True, None)
    assert heading_match("THE MERCHANTS LEDGER", ledger) == (True, None)
    assert heading_match("Chapter 1: Winter Roads", roads) == (True, 1)
    assert heading_match("1. WINTER ROADS", roads) == (True, 1)
    assert heading_match("Winter", roads) == (False, None)
    assert heading_match("The Last Caravan: Roads, Rulers, and Riders", caravan) == (True, None)
    assert split_number("Chapter IV. Terror") == (4, "Terror")
    assert split_number("I Was There") == (None, "I Was There")


@pytest.mark.parametrize("variant", VARIANTS)
def test_mini_epub_places_annotations_on_the_same_passages(mini_book, tmp_path, variant):
    from bookforms.compare import compare_placements

    diff = compare_placements(mini_book, mini_book.form("epub", variant=variant), tmp_path)
    assert diff.reference.placed == diff.reference.annotations == 7
    assert diff.form.placed == 7 and diff.same, (diff.moved, diff.lost, diff.gained)


@pytest.mark.real_text
@pytest.mark.parametrize("variant", VARIANTS)
def test_real_epub_same_parts_words_and_notes(real_book, variant):
    copy, result = real_book.import_form("epub", variant=variant)
    assert copy.errors == [] and result.errors == []
    assert len(result.parts) == 15
    assert words_within(result, real_book.result) <= 0.002
    assert result.report["notes_linked"] == result.report["notes_total"] == 873
    assert copy.markers == {"link": 873}
    different = [name for name in real_book.result.files if name.endswith(".md")
                 and result.files.get(name) != real_book.result.files[name]]
    assert different == []


@pytest.mark.real_text
def test_real_epub_without_its_image_imports_byte_identical(real_book):
    copy, result = real_book.import_form("epub", variant="epub3", lacking="image")
    _, complete = real_book.import_form("epub", variant="epub3")
    assert copy.errors == [] and result.errors == []
    assert [(p.id, p.file.rsplit("/", 2)[1:]) for p in copy.problems] == [
        ("epub-missing-resource", ["images", "plate.png"])]
    markdown = [name for name in complete.files if name.endswith(".md")]
    assert len(markdown) == 16 and [n for n in markdown if result.files[n] != complete.files[n]] == []


@pytest.mark.real_text
def test_real_epub_places_every_annotation_on_the_same_passage(real_book, tmp_path):
    from bookforms.compare import compare_placements

    diff = compare_placements(real_book, real_book.form("epub", variant="epub3"), tmp_path)
    assert diff.reference.placed == diff.reference.annotations
    assert diff.form.placed == diff.reference.placed
    assert diff.same, (diff.moved[:3], diff.lost[:3], diff.gained[:3])


QUIRKS_PROFILE = """\
contents_heading: null
notes_heading: NOTES
parts:
  - {slug: frost-fair, title: The Frost Fair, kind: chapter, number: 1, heading: THE FROST FAIR, notes: Chapter 1}
  - {slug: thaw, title: The Thaw, kind: chapter, number: 2, heading: THE THAW, notes: Chapter 2}
"""


def _page(body: str, typed: bool = True) -> str:
    ns = ' xmlns:epub="http://www.idpf.org/2007/ops"' if typed else ""
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml"{ns}>\n'
            f"<head><title>t</title></head>\n<body>\n{body}\n</body>\n</html>\n")


QUIRKS = {
    "part1.xhtml": _page("<h1>Part One</h1>"),
    "ch01.xhtml": _page('<h1 class="ct"><span>Chapter 1</span><br/>The Frost Fair</h1>\n'
                        "<p>The river froze&nbsp;solid in the first week, and the stalls went up on the ice "
                        '<a id="page_8"/>before any\u00adone had tested it.<a id="r1" href="notes.xhtml#n1"><sup>1</sup>'
                        '</a><span class="pagenum" id="p9">9</span></p>\n'
                        "<p><i>Skate to the bridge,<br/>\nskate to the tower,</i><br/>\nthe children sang.</p>"),
    "ch01b.xhtml": _page('<div epub:type="pagebreak" title="11"></div><p>By February the fair had<span '
                         'epub:type="pagebreak" title="12"/> a printing press of its own.<a id="r2" '
                         'href="notes.xhtml#n2"><sup>2</sup></a></p>\n<p>It printed ballads and almanacs.'
                         '<a id="r3" href="notes.xhtml#n3"><sup>3</sup></a><a id="r4" href="notes.xhtml#n4">'
                         '<sup>4</sup></a></p>'),
    "part2.xhtml": _page("<h1>Part Two</h1>\n<p>In which the ice goes.</p>"),
    "ch02.xhtml": _page('<h1>2. The Thaw</h1>\n<p>The floes covered 3 km² of the harbour, 10<sup>4</sup> tons of '
                        'ice.</p>\n<p>The ice went in a single night.<a epub:type="noteref" '
                        'href="#fn1">*</a></p>\n<section epub:type="footnotes"><h2>Notes</h2><aside epub:type="footnote" '
                        'id="fn1"><p>A night in early March, by the almanac.</p></aside></section>'),
    "notes.xhtml": _page('<h1>Notes</h1>\n<h2>Chapter 1</h2>\n<p><a id="n1" href="ch01.xhtml#r1">1</a> '
                         'Almanac of the frost year, p. 4.</p>\n<p><a id="n2" href="ch01b.xhtml#r2">2</a> '
                         "Printer's ledger, fol. 9; see note <a href=\"#n1\">1</a>.</p>\n<p>A second paragraph of that note.</p>\n"
                         '<p><a id="n3" href="ch01b.xhtml#r3">3</a> Ledger, fol. 10.</p>\n'
                         '<p><a id="n4" href="ch01b.xhtml#r4">4</a> Ledger, fol. 11.</p>', typed=False),
    "index.xhtml": _page('<h1>Index</h1>\n<p>fair, on the ice, <a href="ch01.xhtml#page_8">8</a>, '
                         '<a href="ch01.xhtml#p9">9</a></p>', typed=False),
}
QUIRKS_NAV = ('<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml" '
              'xmlns:epub="http://www.idpf.org/2007/ops"><head><title>n</title></head><body>'
              '<nav epub:type="toc"><ol><li><a href="part1.xhtml">Part One</a><ol>'
              '<li><a href="ch01.xhtml">1. The Frost Fair</a></li></ol></li><li><a href="part2.xhtml">Part Two</a>'
              '<ol><li><a href="ch02.xhtml">2. The Thaw</a></li></ol></li>'
              '<li><a href="notes.xhtml">Notes</a></li></ol></nav></body></html>')


def test_publisher_quirks(tmp_path):
    """Part-title page, a chapter split over two files, same-document footnotes, entities, emphasis over <br>."""
    path = tmp_path / "quirks.epub"
    names = list(QUIRKS)
    manifest = "".join(f'<item id="d{k}" href="{n}" media-type="application/xhtml+xml"/>' for k, n in enumerate(names))
    spine = "".join(f'<itemref idref="d{k}"/>' for k in range(len(names)))
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/epub+zip")
        archive.writestr("META-INF/container.xml", (
            '<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
            '<rootfile full-path="book.opf" media-type="application/oebps-package+xml"/></rootfiles></container>'))
        archive.writestr("book.opf", (
            '<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id"><metadata '
            'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:identifier id="id">x</dc:identifier>'
            "<dc:title>Frost</dc:title><dc:language>en</dc:language></metadata><manifest>"
            f'<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>{manifest}'
            f"</manifest><spine>{spine}</spine></package>"))
        archive.writestr("nav.xhtml", QUIRKS_NAV)
        for name, content in QUIRKS.items():
            archive.writestr(name, content)
    profile = parse_profile(QUIRKS_PROFILE, "quirks.yml")
    copy, result = import_form(path, profile)
    assert copy.problems == [] and result.problems == [], [p.text() for p in result.problems]
    # the page of part two (part one's is front matter) and the index; the print edition's page markers
    assert copy.furniture == {"documents outside the parts": 2, "page markers": 3, "notes headings in the text": 1}
    assert copy.markers == {"link": 5}
    frost, thaw = result.files["frost-fair.md"], result.files["thaw.md"]
    assert "froze\u00a0solid" in frost and "before anyone had tested it.[^1]\n" in frost  # index links: no notes
    assert "*Skate to the bridge,*  \n*skate to the tower,*  \nthe children sang." in frost
    assert "printing press of its own.[^2]" in frost  # the chapter's second file
    assert "ballads and almanacs.[^3]\u200b[^4]" in frost  # two markers side by side stay two
    assert "[^2]: Printer's ledger, fol. 9; see note 1.\n\n    A second paragraph of that note." in frost
    assert "## Notes" not in thaw
    assert "Part One" not in frost + thaw and "Part Two" not in frost + thaw and "ice goes" not in frost
    assert "in a single night.[^1]" in thaw and "[^1]: A night in early March, by the almanac." in thaw
    assert [p.number for p in result.parts] == [1, 2]
    assert "covered 3 km^2 of the harbour, 10^4 tons" in thaw  # superscripts no link makes a note marker
    assert [(d["text"], d["place"].rsplit("/", 1)[1]) for d in copy.doubtful] == [("4", "ch02.xhtml:6"),
                                                                                   ("²", "ch02.xhtml:6")]


def test_no_traceback_for_any_damage(mini_book, tmp_path):
    """Each member removed, each document garbled, the file cut anywhere: a FormText every time, never an exception."""
    epub = mini_book.form("epub", variant="epub3")
    with zipfile.ZipFile(epub) as archive:
        members = archive.namelist()
    cases = []
    for k, member in enumerate(members):
        cases.append(_rewrite(epub, tmp_path / f"without-{k}.epub", lambda n, d, m=member: None if n == m else d))
        cases.append(_rewrite(epub, tmp_path / f"garbled-{k}.epub", lambda n, d, m=member: (
            b"<html><body><p>\x00 <<< &bogus; <i>unclosed" if n == m else d)))
    data = epub.read_bytes()
    for cut in range(0, len(data), max(1, len(data) // 23)):
        (tmp_path / f"cut-{cut}.epub").write_bytes(data[:cut])
        cases.append(tmp_path / f"cut-{cut}.epub")
    outcomes = Counter()
    for case in cases:
        copy, result = import_form(case, mini_book.profile, form="epub")
        problems = copy.problems + result.problems
        assert all(p.message and p.file for p in problems)
        outcomes["error" if copy.errors or result.errors else "imported"] += 1
    assert outcomes["error"] > 0 and outcomes["imported"] > 0  # the css, the image, the acknowledgments page
