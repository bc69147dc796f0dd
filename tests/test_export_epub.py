"""`reader export epub`: a valid EPUB 3 whose notes, annotations and glossary links all resolve.

The structure tests open the package with zipfile + lxml on the original fixture
project. epubcheck (Debian's package) validates the fixture's reader and
companion editions, the companion edition of this repository's own annotations,
and, with READER_SOURCE, the reader edition of the real book (imported into a
tmp dir; nothing of it is kept).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from annotated_reader.cli import main
from annotated_reader.export import build_exports
from annotated_reader.export.epub import write_epub
from annotated_reader.export.identity import Identity
from annotated_reader.export.placed import place_edition
from test_export_jsonld import export_project

REPO = Path(__file__).resolve().parents[1]
NS = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops",
      "opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


def make_epub(root: Path, *extra: str, out: Path | None = None) -> Path:
    out = out or root / "out.epub"
    assert main(["export", "epub", "--root", str(root), "--out", str(out), *extra]) == 0
    return out


class Package:
    """An EPUB opened for inspection: the OPF and every XHTML document parsed."""

    def __init__(self, path: Path):
        self.zip = zipfile.ZipFile(path)
        self.names = self.zip.namelist()
        self.opf = etree.fromstring(self.zip.read("EPUB/package.opf"))
        self.docs = {name[5:]: etree.fromstring(self.zip.read(name)) for name in self.names if name.endswith(".xhtml")}
        self.ids = {name: set(tree.xpath("//@id")) for name, tree in self.docs.items()}

    def links(self, xpath: str = "//x:a[@href]"):
        for name, tree in self.docs.items():
            for link in tree.xpath(xpath, namespaces=NS):
                yield name, link

    def resolves(self, name: str, href: str) -> bool:
        file, _, fragment = href.partition("#")
        file = file or name
        return file in self.ids and (not fragment or fragment in self.ids[file])

    def epub_type(self, value: str):
        for name, tree in self.docs.items():
            for element in tree.iter():
                if value in (element.get(EPUB_TYPE) or "").split():
                    yield name, element


def check_structure(package: Package) -> None:
    """What every export must satisfy, whatever its content."""
    assert package.names[0] == "mimetype"
    info = package.zip.getinfo("mimetype")
    assert info.compress_type == zipfile.ZIP_STORED and package.zip.read("mimetype") == b"application/epub+zip"
    for name, link in package.links():
        href = link.get("href")
        if not re.match(r"^[a-z]+:", href):
            assert package.resolves(name, href), f"{name}: dangling link {href}"
    for name, ref in package.epub_type("noteref"):
        assert package.resolves(name, ref.get("href")), f"{name}: noteref {ref.get('href')} resolves to nothing"
    manifest = {item.get("href") for item in package.opf.iterfind(".//opf:item", NS)}
    assert set(package.docs) <= manifest and "nav.xhtml" in manifest
    for name, tree in package.docs.items():
        ids = tree.xpath("//@id")
        assert len(ids) == len(set(ids)), f"{name}: duplicate ids"


# -- the fixture project --------------------------------------------------------------------------

def test_reader_edition_notes_annotations_and_terms(tmp_path, monkeypatch):
    package = Package(make_epub(export_project(tmp_path, monkeypatch)))
    check_structure(package)
    harbour = package.docs["the-harbour.xhtml"]
    # endnotes: three markers, three asides, each linked both ways
    refs = [a for name, a in package.epub_type("noteref") if name == "the-harbour.xhtml" and a.get("href").startswith("#note-")]
    assert [a.get("href") for a in refs] == ["#note-1", "#note-2", "#note-3"]
    notes = harbour.xpath("//x:aside[@epub:type='endnote'][starts-with(@id, 'note-')]", namespaces=NS)
    assert [n.get("id") for n in notes] == ["note-1", "note-2", "note-3"]
    assert notes[1].xpath("count(x:p)", namespaces=NS) == 2  # a note of two paragraphs stays whole
    assert notes[0].xpath("string(x:p/x:a[@role='doc-backlink']/@href)", namespaces=NS) == "#noteref-1"
    # annotations: placed ones get a noteref after the passage, an aside at the end, and a way back
    annrefs = [a for name, a in package.epub_type("noteref") if name == "the-harbour.xhtml" and a.get("href").startswith("#ann-")]
    assert [a.text for a in annrefs] == ["A1", "A2", "A3", "A4", "A5"]
    assert [a.get("href") for a in annrefs][:2] == ["#ann-harbour-lind", "#ann-harbour-guild-protest"]
    assert harbour.xpath("string(//x:span[@class='hl'][1])", namespaces=NS) == "Marta Lind came to Saltby"
    aside = harbour.xpath("//x:aside[@id='ann-harbour-lind']", namespaces=NS)[0]
    assert aside.get(EPUB_TYPE) == "endnote"
    assert aside.xpath("string(.//x:a[@role='doc-backlink']/@href)", namespaces=NS) == "#annref-harbour-lind"
    # the orphan is listed, unlinked, under its own heading
    assert harbour.xpath("//x:div[@id='ann-harbour-orphan'][contains(@class, 'unplaced')]", namespaces=NS)
    # a term and a person, linked at their first mention in the part only
    term_links = [a.get("href") for a in harbour.xpath("//x:a[contains(@class, 'gloss')]", namespaces=NS)]
    assert term_links.count("people.xhtml#person-marta-lind") == 1
    assert term_links.count("glossary.xhtml#term-harbourmaster") == 1
    assert "glossary.xhtml#term-sloop" in term_links
    # the event anchored in the text is a target of the timeline
    timeline = package.docs["timeline.xhtml"]
    assert timeline.xpath("//x:li[@id='event-lind-appointed']/x:span[@class='event-part']/x:a/@href", namespaces=NS) == ["the-harbour.xhtml#event-lind-appointed"]
    assert timeline.xpath("//x:li[@id='event-lamp-bought']/x:span[@class='event-part']/x:a/@href", namespaces=NS) == ["the-storm.xhtml"]
    # the reading guide follows the annotations
    assert harbour.xpath("string(//x:section[@class='guide']/x:h2)", namespaces=NS) == "Reading guide"


def test_glossary_document(tmp_path, monkeypatch):
    package = Package(make_epub(export_project(tmp_path, monkeypatch)))
    glossary = package.docs["glossary.xhtml"]
    assert glossary.xpath("//x:section[@epub:type='glossary']/x:dl[@epub:type='glossary']", namespaces=NS)
    terms = glossary.xpath("//x:dt[@epub:type='glossterm']", namespaces=NS)
    assert [t.get("id") for t in terms] == ["term-guild", "term-harbourmaster", "term-sloop"]  # sorted by term
    for term in terms:
        assert term.xpath("x:dfn", namespaces=NS), "each glossterm holds its dfn"
        definition = term.getnext()
        assert definition.tag == "{http://www.w3.org/1999/xhtml}dd" and definition.get(EPUB_TYPE) == "glossdef"
    guild = terms[0]
    assert guild.xpath("string(x:span[@lang='ru']/@xml:lang)", namespaces=NS) == "ru"
    # every term the text links to exists, and every entry links back to where it is used
    used = {a.get("href").split("#")[1] for _, a in package.links() if a.get("href", "").startswith("glossary.xhtml#")}
    assert used <= package.ids["glossary.xhtml"]
    appears = glossary.xpath("//x:dd[preceding-sibling::x:dt[1]/@id='term-harbourmaster']//x:p[@class='appears']/x:a/@href", namespaces=NS)
    assert appears == ["foreword.xhtml#use-term-harbourmaster", "the-harbour.xhtml#use-term-harbourmaster"]
    assert package.docs["people.xhtml"].xpath("//x:dt[@id='person-marta-lind']", namespaces=NS)


def test_glossary_and_people_sources(tmp_path, monkeypatch):
    """Entries that name their sources show them in the EPUB as on the site's reference pages; links in them resolve."""
    root = export_project(tmp_path, monkeypatch)
    annotations = root / "annotations"
    people = (annotations / "people.yml").read_text(encoding="utf-8")
    glossary = (annotations / "glossary.yml").read_text(encoding="utf-8")
    short = "    short: Saltby's first woman harbourmaster.\n"
    assert short in people
    (annotations / "people.yml").write_text(people.replace(short, short + (
        '    sources:\n      - "Outside the book: *An Invented Register* (1999), p. 3."\n'
        '      - "The [Guild](term:guild) minutes of 1902."\n')), encoding="utf-8")
    term = "    see_also: [guild]\n"
    assert term in glossary
    (annotations / "glossary.yml").write_text(glossary.replace(term, term + (
        '    sources:\n      - "*Harbour Law* (1899), section 4."\n')), encoding="utf-8")
    path = make_epub(root)
    package = Package(path)
    check_structure(package)  # the source's term link resolves inside the package
    lind = package.docs["people.xhtml"].xpath(
        "//x:dd[preceding-sibling::x:dt[1]/@id='person-marta-lind']/x:p[@class='sources']", namespaces=NS)
    assert len(lind) == 1
    assert " ".join(etree.tostring(lind[0], method="text", encoding="unicode").split()) == (
        "Sources: Outside the book: An Invented Register (1999), p. 3.; The Guild minutes of 1902.")
    assert lind[0].xpath("x:em/text()", namespaces=NS) == ["An Invented Register"]
    assert lind[0].xpath("x:a/@href", namespaces=NS) == ["glossary.xhtml#term-guild"]
    glossary_doc = package.docs["glossary.xhtml"]
    sources = glossary_doc.xpath("//x:p[@class='sources']", namespaces=NS)
    assert len(sources) == 1  # only the entry that names sources
    assert sources[0].xpath("string(ancestor::x:dd/preceding-sibling::x:dt[1]/@id)", namespaces=NS) == "term-harbourmaster"
    assert sources[0].xpath("x:em/text()", namespaces=NS) == ["Harbour Law"]
    errors, warnings, output = epubcheck(path)
    assert (errors, warnings) == (0, 0), output


def test_navigation_and_metadata(tmp_path, monkeypatch):
    root = export_project(tmp_path, monkeypatch)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    package = Package(make_epub(root))
    nav = package.docs["nav.xhtml"]
    toc = nav.xpath("//x:nav[@epub:type='toc']/x:ol/x:li", namespaces=NS)
    assert [li.xpath("string(x:a)", namespaces=NS) for li in toc] == [
        "Foreword", "1. The Harbour", "The Storm & After", "Illustrations", "Glossary", "People", "Timeline"]
    assert toc[1].xpath("x:ol/x:li/x:a/@href", namespaces=NS) == ["the-harbour.xhtml#s-the-moorings", "the-harbour.xhtml#s-the-lamp"]
    assert nav.xpath("//x:nav[@epub:type='landmarks']//x:a/@epub:type", namespaces=NS) == ["toc", "bodymatter", "glossary"]
    meta = package.opf.find("opf:metadata", NS)
    text = lambda path: [e.text for e in meta.iterfind(path, NS)]  # noqa: E731
    assert text("dc:identifier") == [Identity("harbour-almanac").edition_uuid("full")]
    assert text("dc:title") == ["The Harbour Almanac: A Small Town Chronicle", "Annotated reader edition"]
    assert text("dc:creator") == ["Ada Testwright"]
    assert text("dc:contributor") == ["Piet Fixture", "annotated-reader contributors"]
    assert text("dc:publisher") == ["Example Press"] and text("dc:language") == ["en"] and text("dc:date") == ["2021"]
    roles = {m.get("refines"): m.text for m in meta.iterfind("opf:meta[@property='role']", NS)}
    assert roles == {"#author": "aut", "#translator": "trl", "#annotators": "ann"}
    assert text("opf:meta[@property='dcterms:modified']") == ["2023-11-14T22:13:20Z"]
    spine = [ref.get("idref") for ref in package.opf.iterfind(".//opf:itemref", NS)]
    assert spine[:3] == ["doc-title", "nav", "doc-foreword"] and spine[-3:] == ["doc-glossary", "doc-people", "doc-timeline"]


def test_companion_edition(tmp_path, monkeypatch):
    root = export_project(tmp_path, monkeypatch, text=False)
    path = make_epub(root)
    assert path.name == "out.epub"
    package = Package(path)
    check_structure(package)
    harbour = package.docs["the-harbour.xhtml"]
    assert not list(package.epub_type("noteref"))  # no text, so nothing to point from
    assert harbour.xpath("//x:div[@id='ann-harbour-orphan']", namespaces=NS)  # every annotation is listed
    assert harbour.xpath("count(//x:div[contains(@class, 'annotation')])", namespaces=NS) == 6
    assert harbour.xpath("string(//x:div[@id='ann-harbour-chains']//x:span[@class='quote'])", namespaces=NS) == "“Chains & patience, in that order.”"
    assert harbour.xpath("//x:li[@id='event-lind-appointed']", namespaces=NS)
    # terms linked in the synopsis, not inside the quotes
    assert harbour.xpath("//x:section[@class='synopsis']//x:a[@href='glossary.xhtml#term-harbourmaster']", namespaces=NS)
    meta = package.opf.find("opf:metadata", NS)
    assert [e.text for e in meta.iterfind("dc:title", NS)][1] == "Companion edition"
    assert not (root / "exports").exists()
    assert main(["export", "epub", "--root", str(root)]) == 0
    assert (root / "exports" / "harbour-almanac-companion.epub").is_file()


def test_bodies_are_escaped_and_safe(tmp_path, monkeypatch):
    package = Package(make_epub(export_project(tmp_path, monkeypatch)))
    raw = package.zip.read("EPUB/the-harbour.xhtml").decode("utf-8")
    assert "<script" not in raw and "javascript:" not in raw
    assert "Tides &amp; lamps" in raw and "x &lt; y" in raw
    assert package.zip.read("EPUB/nav.xhtml").decode("utf-8").count("The Storm &amp; After") == 1


def test_full_edition_needs_the_text(tmp_path, monkeypatch, capsys):
    root = export_project(tmp_path, monkeypatch, text=False)
    assert main(["export", "epub", "--root", str(root), "--edition", "full"]) == 1
    assert "error: no imported text, so the full edition cannot be made." in capsys.readouterr().err


def test_dangling_links_are_repaired_with_a_warning(tmp_path, monkeypatch, capsys):
    root = export_project(tmp_path, monkeypatch)
    storm = root / "annotations" / "the-storm.yml"
    storm.write_text(storm.read_text(encoding="utf-8").replace(
        "see [the winter before](ann:harbour-kestrel-paid)", "see [a term](term:no-such-term) and [a page](part:no-such-part)"),
        encoding="utf-8")
    package = Package(make_epub(root))
    check_structure(package)
    err = capsys.readouterr().err
    assert ('EPUB/the-storm.xhtml:1:1: warning: the link to "glossary.xhtml#term-no-such-term" has no target '
            "#term-no-such-term; it now opens glossary.xhtml.") in err
    assert 'warning: the link "a page" points to "#", which is not in this book; the link was removed.' in err


def test_epub_is_reproducible(tmp_path, monkeypatch):
    root = export_project(tmp_path, monkeypatch)  # without SOURCE_DATE_EPOCH: the inputs' dates
    assert make_epub(root, out=root / "a.epub").read_bytes() == make_epub(root, out=root / "b.epub").read_bytes()


def test_build_exports_writes_into_the_site(tmp_path, monkeypatch):
    root = export_project(tmp_path, monkeypatch)
    site = tmp_path / "site"
    written = build_exports(root, root / "docs", site, ["jsonld", "epub"], base_url="https://example.org/almanac/")
    assert written == [site / "downloads" / "annotations.jsonld", site / "downloads" / "harbour-almanac.epub"]
    assert '"id": "https://example.org/almanac/downloads/annotations.jsonld"' in written[0].read_text(encoding="utf-8")
    check_structure(Package(written[1]))
    assert build_exports(root, root / "docs", site, []) == []


# -- epubcheck ------------------------------------------------------------------------------------

def epubcheck_command() -> list[str] | None:
    """Debian installs epubcheck as an executable jar; run it with java when the kernel cannot."""
    found = shutil.which("epubcheck")
    if not found:
        return None
    with open(found, "rb") as handle:
        if handle.read(2) == b"PK":
            # C1 only and the serial GC: epubcheck is a short run, and this halves its CPU time
            return [shutil.which("java") or "java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                    "-jar", os.path.realpath(found)]
    return [found]


def epubcheck(path: Path) -> tuple[int, int, str]:
    """(errors, warnings, output) of epubcheck on `path`, or skip when it is not installed."""
    command = epubcheck_command()
    if command is None:
        pytest.skip("epubcheck is not installed (apt-get install -y epubcheck)")
    run = subprocess.run([*command, str(path)], capture_output=True, text=True, timeout=600)
    output = run.stdout + run.stderr
    counts = re.search(r"Messages: (\d+) fatals? / (\d+) errors? / (\d+) warnings?", output)
    assert counts, output
    fatals, errors, warnings = map(int, counts.groups())
    return fatals + errors, warnings, output


@pytest.mark.parametrize("text", [True, False], ids=["reader-edition", "companion"])
def test_epubcheck_fixture(tmp_path, monkeypatch, text):
    path = make_epub(export_project(tmp_path, monkeypatch, text))
    errors, warnings, output = epubcheck(path)
    assert (errors, warnings) == (0, 0), output


def test_epubcheck_companion_edition_of_this_repository(tmp_path, monkeypatch, capsys):
    """This repository's own annotations, as they are (contributed files may still have errors)."""
    monkeypatch.delenv("READER_PROFILE", raising=False)
    if not (REPO / "profiles" / "stalin-new-biography.yml").is_file():
        pytest.skip("profiles/stalin-new-biography.yml is missing")
    out = tmp_path / "companion.epub"
    started = time.perf_counter()
    assert main(["export", "epub", "--root", str(REPO), "--edition", "companion", "--out", str(out)]) == 0
    seconds = time.perf_counter() - started
    errors, warnings, output = epubcheck(out)
    assert errors == 0, output
    print(f"companion edition: {out.stat().st_size // 1024} KB in {seconds:.1f} s; epubcheck: {warnings} warning(s)")


@pytest.mark.real_text
def test_epubcheck_reader_edition_of_the_real_book(tmp_path, monkeypatch, real_import):
    """The real text, imported into a tmp dir (never kept): 0 errors, every noteref resolves."""
    book_dir, _report = real_import
    monkeypatch.delenv("READER_PROFILE", raising=False)
    root = tmp_path / "project"
    (root / "docs").mkdir(parents=True)
    shutil.copytree(book_dir, root / "docs" / "book")
    shutil.copytree(REPO / "annotations", root / "annotations")
    shutil.copytree(REPO / "profiles", root / "profiles")
    placed = place_edition(root)
    out = tmp_path / "reader.epub"
    result = write_epub(placed, Identity.of(placed.edition.book), out, "full")
    package = Package(out)
    check_structure(package)
    assert len(package.docs) >= len(placed.edition.book.parts) + 4
    assert result.placed >= 0.9 * result.annotations  # the layer is written on this text
    errors, warnings, output = epubcheck(out)
    assert errors == 0, output


def test_heading_permalinks_stay_out_of_the_text_and_the_table_of_contents():
    # A site build's pages carry toc permalinks; the exports reuse those pages.
    from annotated_reader.export.xhtml import convert

    fragment = convert('<h2 id="harbour">The Harbour<a class="headerlink" href="#harbour" title="Permanent link">¶</a></h2>'
                       "<p>Boats came in.</p>")
    assert fragment.sections == [("s-harbour", "The Harbour")]
    assert "¶" not in fragment.xhtml and 'id="s-harbour"' in fragment.xhtml
