"""`reader export jsonld` and `reader import-annotations`: W3C Web Annotations out and back.

Runs on an original fixture project (tests/fixtures/export/project: an invented
book, its parts, annotations, glossary, people and timeline), never on book text.
"""
from __future__ import annotations

import difflib
import json
import shutil
from pathlib import Path

import jsonschema
import pytest

from annotated_reader.anchor import normalize_quote
from annotated_reader.cli import main
from annotated_reader.export.identity import Identity, annotation_id, part_of
from annotated_reader.export.jsonld import KIND_MOTIVATION, collection, dumps, read_collection
from annotated_reader.export.placed import place_edition
from annotated_reader.load import load_layer
from annotated_reader.model import ANNOTATION_KINDS

FIXTURE = Path(__file__).parent / "fixtures" / "export"
PROJECT = FIXTURE / "project"
SLUGS = ["foreword", "the-harbour", "the-storm"]


def export_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: bool = True) -> Path:
    """Lay the fixture project out like a checkout (docs/book only when `text`) and point READER_PROFILE at it."""
    root = tmp_path / "project"
    shutil.copytree(PROJECT / "annotations", root / "annotations")
    (root / "docs").mkdir(parents=True)
    if text:  # the fixture keeps its text outside docs/book/, which .gitignore excludes everywhere
        shutil.copytree(PROJECT / "text", root / "docs" / "book")
    monkeypatch.setenv("READER_PROFILE", str(PROJECT / "harbour-almanac.yml"))
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    return root


def export(root: Path, *extra: str, out: Path | None = None) -> dict:
    out = out or root / "exports" / "annotations.jsonld"
    assert main(["export", "jsonld", "--root", str(root), "--out", str(out), *extra]) == 0
    return json.loads(out.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def schema() -> jsonschema.Draft202012Validator:
    data = json.loads((FIXTURE / "web-annotation.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(data)
    return jsonschema.Draft202012Validator(data)


# -- the export -------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [True, False], ids=["full", "companion"])
def test_export_validates_against_the_web_annotation_schema(tmp_path, monkeypatch, schema, text):
    data = export(export_project(tmp_path, monkeypatch, text))
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in schema.iter_errors(data)]
    assert errors == []
    assert data["total"] == len(data["first"]["items"]) == 9


def test_collection_carries_the_book(tmp_path, monkeypatch):
    data = export(export_project(tmp_path, monkeypatch))
    assert data["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert data["id"] == "urn:annotated-reader:harbour-almanac:annotations"
    assert data["label"] == "Annotations to The Harbour Almanac: A Small Town Chronicle"
    assert data["schema:about"] == {
        "id": "urn:annotated-reader:harbour-almanac", "type": "schema:Book",
        "schema:name": "The Harbour Almanac: A Small Town Chronicle", "schema:author": "Ada Testwright",
        "schema:translator": "Piet Fixture", "schema:publisher": "Example Press", "schema:datePublished": "2021"}
    first = data["first"]
    assert (first["id"], first["type"], first["startIndex"]) == ("urn:annotated-reader:harbour-almanac:annotations:page:1", "AnnotationPage", 0)
    # reading order: parts in profile order, annotations in file order
    assert [item["id"].rsplit(":", 1)[1] for item in first["items"]] == [
        "foreword-ledger", "harbour-lind", "harbour-guild-protest", "harbour-chains", "harbour-kestrel-paid",
        "harbour-lamp-would-do", "harbour-orphan", "storm-kestrel", "storm-gazette"]


def test_one_annotation_in_full(tmp_path, monkeypatch):
    items = export(export_project(tmp_path, monkeypatch))["first"]["items"]
    lind = next(i for i in items if i["id"].endswith(":harbour-lind"))
    assert lind == {
        "id": "urn:annotated-reader:harbour-almanac:ann:harbour-lind",
        "type": "Annotation",
        "motivation": "identifying",
        "schema:genre": "person",
        "creator": {"type": "Person", "name": "Ada Testwright"},
        "body": [
            {"type": "TextualBody", "purpose": "identifying", "format": "text/html", "language": "en",
             "value": "<p>Marta Lind served until 1931. Her appointment is on the\ntimeline.</p>",
             "schema:text": "[Marta Lind](person:marta-lind) served until 1931. Her appointment is on the\n"
                            "[timeline](event:lind-appointed).\n"},
            {"type": "TextualBody", "purpose": "tagging", "value": "people"},
            {"type": "TextualBody", "purpose": "tagging", "value": "saltby"},
        ],
        "target": {"source": "urn:annotated-reader:harbour-almanac#the-harbour", "selector": [
            {"type": "TextQuoteSelector", "exact": "Marta Lind came to Saltby"},
            {"type": "TextPositionSelector", "start": 14, "end": 39},
        ]},
        "schema:citation": ["Saltby council minutes, 1902", "*The Harbour Almanac*, ch. 1"],
    }


def test_selectors_keep_the_contributors_anchor(tmp_path, monkeypatch):
    items = {i["id"].rsplit(":", 1)[1]: i for i in export(export_project(tmp_path, monkeypatch))["first"]["items"]}
    quote = lambda ident: items[ident]["target"]["selector"][0]  # noqa: E731
    assert quote("harbour-guild-protest") == {"type": "TextQuoteSelector", "exact": "the Guild of Pilots", "suffix": "protested at once"}
    assert quote("harbour-kestrel-paid") == {"type": "TextQuoteSelector", "exact": "the Guild paid", "prefix": "anyway, and"}
    assert quote("harbour-lamp-would-do") == {"type": "TextQuoteSelector", "exact": "old lamp would do", "schema:position": 2}
    # an orphan keeps its quote but gets no position
    assert items["harbour-orphan"]["target"]["selector"] == [{"type": "TextQuoteSelector", "exact": "a lighthouse of glass"}]


def test_positions_select_the_quote_in_the_reading_text(tmp_path, monkeypatch):
    root = export_project(tmp_path, monkeypatch)
    items = export(root)["first"]["items"]
    placed = place_edition(root)
    checked = 0
    for item in items:
        selectors = item["target"]["selector"]
        if len(selectors) < 2:
            continue
        part = part_of(item["target"]["source"])
        reading = placed.parts[part].tm.reading
        start, end = selectors[1]["start"], selectors[1]["end"]
        assert normalize_quote(reading[start:end]) == normalize_quote(selectors[0]["exact"])
        assert reading[start] not in "\u2029 " and reading[end - 1] not in "\u2029 "
        checked += 1
    assert checked == 8
    # the second "old lamp would do", not the first
    lamp = next(i for i in items if i["id"].endswith("harbour-lamp-would-do"))["target"]["selector"][1]
    reading = placed.parts["the-harbour"].tm.reading
    first = reading.find("old lamp would do")
    assert lamp["start"] > first >= 0


def test_motivation_and_purpose_follow_the_kind(tmp_path, monkeypatch):
    assert set(KIND_MOTIVATION) == set(ANNOTATION_KINDS)
    for item in export(export_project(tmp_path, monkeypatch))["first"]["items"]:
        assert item["motivation"] == KIND_MOTIVATION[item["schema:genre"]] == item["body"][0]["purpose"]


def test_bodies_are_sanitized_and_site_links_unwrapped(tmp_path, monkeypatch):
    items = {i["id"].rsplit(":", 1)[1]: i for i in export(export_project(tmp_path, monkeypatch))["first"]["items"]}
    body = items["harbour-lamp-would-do"]["body"][0]["value"]
    assert "<script" not in body and "javascript:" not in body and "alert('x')" not in body
    assert "x &lt; y" in body and "Tides &amp; lamps" in body
    assert 'href="@' not in json.dumps(items)  # no unresolved site placeholders
    assert items["harbour-guild-protest"]["body"][0]["value"].count("<a ") == 0


def test_base_url_makes_permalinks(tmp_path, monkeypatch):
    data = export(export_project(tmp_path, monkeypatch), "--base-url", "https://example.org/almanac")
    items = {annotation_id(i["id"]): i for i in data["first"]["items"]}
    assert data["id"] == "https://example.org/almanac/downloads/annotations.jsonld"
    assert items["harbour-lind"]["id"] == "https://example.org/almanac/book/the-harbour.html#ann-harbour-lind"
    assert items["harbour-lind"]["target"]["source"] == "urn:annotated-reader:harbour-almanac#the-harbour"
    assert ('<a href="https://example.org/almanac/glossary.html#term-guild" rel="noopener noreferrer">Guild</a>'
            in items["harbour-guild-protest"]["body"][0]["value"])
    assert ('href="https://example.org/almanac/book/the-storm.html#ann-storm-gazette"'
            in items["harbour-guild-protest"]["body"][0]["value"])


def test_export_is_deterministic(tmp_path, monkeypatch):
    root = export_project(tmp_path, monkeypatch)
    first = (root / "a.jsonld", root / "b.jsonld")
    export(root, out=first[0])
    export(root, out=first[1])
    assert first[0].read_bytes() == first[1].read_bytes()


def test_default_output_path_and_summary(tmp_path, monkeypatch, capsys):
    root = export_project(tmp_path, monkeypatch)
    assert main(["export", "jsonld", "--root", str(root)]) == 0
    assert (root / "exports" / "annotations.jsonld").is_file()
    out = capsys.readouterr().out
    assert f"wrote {root / 'exports' / 'annotations.jsonld'}: 9 annotations (8 with text positions)" in out
    assert "the inputs have 1 error(s)" in out  # the fixture's orphan


def test_strict_refuses_when_inputs_have_errors(tmp_path, monkeypatch, capsys):
    root = export_project(tmp_path, monkeypatch)
    assert main(["export", "jsonld", "--root", str(root), "--strict"]) == 1
    err = capsys.readouterr().err
    assert 'annotations/the-harbour.yml:58:14: error: [harbour-orphan] anchor "a lighthouse of glass" not found' in err
    assert not (root / "exports").exists()


def test_identity_round_trips():
    identity = Identity("harbour-almanac")
    assert annotation_id(identity.annotation("x-1", "the-harbour")) == "x-1"
    assert annotation_id(Identity("b", base_url="https://e.org/").annotation("x-1", "p")) == "x-1"
    assert part_of(identity.part("the-storm")) == "the-storm"
    assert part_of("https://e.org/book/the-storm.html") == "the-storm"
    assert Identity("b", isbn="9780000000002").book == "urn:isbn:9780000000002"
    assert identity.edition_uuid("full") == Identity("harbour-almanac").edition_uuid("full") != identity.edition_uuid("companion")


# -- the round trip ------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [True, False], ids=["full", "companion"])
def test_round_trip_export_import_export_is_identical(tmp_path, monkeypatch, capsys, text):
    root = export_project(tmp_path, monkeypatch, text)
    first = root / "first.jsonld"
    export(root, out=first)
    # into a fresh folder ...
    fresh = tmp_path / "fresh"
    assert main(["import-annotations", str(first), "--root", str(root), "--out-dir", str(fresh)]) == 0
    assert "9 annotations read" in capsys.readouterr().out
    # ... and over the project's own files (which keeps their synopsis and questions)
    assert main(["import-annotations", str(first), "--root", str(root), "--force"]) == 0
    second = root / "second.jsonld"
    export(root, out=second)
    assert second.read_text(encoding="utf-8") == first.read_text(encoding="utf-8")
    # the written files load as a layer equal to the original one
    parts = place_edition(root).edition.book.parts
    original, _ = load_layer(PROJECT / "annotations", parts)
    imported, problems = load_layer(fresh, parts)
    assert [p for p in problems if p.severity == "error" and "points to nothing" not in p.message] == []  # fresh/ has no glossary.yml
    strip = lambda a: (a.id, a.part, a.anchor, a.kind, a.body, a.sources, a.tags, a.author)  # noqa: E731
    assert [strip(a) for a in imported.annotations()] == [strip(a) for a in original.annotations()]


def test_import_keeps_everything_but_the_annotations_block(tmp_path, monkeypatch):
    root = export_project(tmp_path, monkeypatch)
    before = (root / "annotations" / "the-harbour.yml").read_text(encoding="utf-8")
    data = export(root)
    for item in data["first"]["items"]:
        if item["id"].endswith(":harbour-chains"):
            item["body"][0]["schema:text"] = "A proverb, rewritten in another tool.\n"
    changed = root / "changed.jsonld"
    changed.write_text(dumps(data), encoding="utf-8")
    assert main(["import-annotations", str(changed), "--root", str(root), "--force"]) == 0
    after = (root / "annotations" / "the-harbour.yml").read_text(encoding="utf-8")
    head = before[:before.index("annotations:\n")]
    assert after.startswith(head)  # header, synopsis, questions and the comment above the block
    assert "# Annotations in text order.\n" in after
    assert "    body: |\n      A proverb, rewritten in another tool.\n" in after
    assert "    body: A dialect proverb in the original ledger.\n" not in after
    # only the changed entry is rewritten (its quote loses the quotes it did not need);
    # the others keep their text as written, quotes and all
    assert '      quote: Chains & patience, in that order.\n' in after
    assert '      - "Saltby council minutes, 1902"\n' in after
    changed_lines = [line for line in difflib.ndiff(before.splitlines(), after.splitlines()) if line[:1] in "+-"]
    assert len(changed_lines) == 5, changed_lines
    # the other files were rewritten identically, so their text did not change at all
    assert (root / "annotations" / "the-storm.yml").read_text(encoding="utf-8") == (PROJECT / "annotations" / "the-storm.yml").read_text(encoding="utf-8")


def test_import_refuses_to_overwrite_without_force(tmp_path, monkeypatch, capsys):
    root = export_project(tmp_path, monkeypatch)
    data = export(root)
    data["first"]["items"] = [i for i in data["first"]["items"] if not i["id"].endswith(":storm-gazette")]
    source = root / "fewer.jsonld"
    source.write_text(dumps(data), encoding="utf-8")
    before = (root / "annotations" / "the-storm.yml").read_text(encoding="utf-8")
    assert main(["import-annotations", str(source), "--root", str(root)]) == 1
    err = capsys.readouterr().err
    assert (f"{root / 'annotations' / 'the-storm.yml'}:1:1: error: the file exists; importing would replace its "
            "2 annotation(s) with 1. Pass --force to replace them (the synopsis and questions are kept), "
            "or choose another --out-dir.") in err
    assert "nothing was written" in err
    assert (root / "annotations" / "the-storm.yml").read_text(encoding="utf-8") == before


def test_import_of_unchanged_files_needs_no_force(tmp_path, monkeypatch, capsys):
    root = export_project(tmp_path, monkeypatch)
    export(root)
    assert main(["import-annotations", str(root / "exports" / "annotations.jsonld"), "--root", str(root)]) == 0
    assert "wrote 0 file(s); 3 unchanged." in capsys.readouterr().out


# -- bad input ------------------------------------------------------------------------------------

def _collection(items: list) -> str:
    return json.dumps({"@context": "http://www.w3.org/ns/anno.jsonld", "type": "AnnotationCollection",
                       "id": "urn:x:annotations", "total": len(items),
                       "first": {"type": "AnnotationPage", "items": items}}, indent=2)


def _item(**changes) -> dict:
    item = {"id": "urn:annotated-reader:harbour-almanac:ann:new-one", "type": "Annotation", "motivation": "commenting",
            "body": [{"type": "TextualBody", "value": "A new note.", "format": "text/plain"}],
            "target": {"source": "urn:annotated-reader:harbour-almanac#the-storm",
                       "selector": [{"type": "TextQuoteSelector", "exact": "struck the mole"}]}}
    for key, value in changes.items():
        if value is None:
            item.pop(key, None)
        else:
            item[key] = value
    return item


BAD_INPUT = [
    ("not-json", '{"@context": "http://www.w3.org/ns/anno.jsonld",\n  "type": "AnnotationCollection",\n  oops\n}',
     "bad.jsonld:3:3: error: the file is not JSON: Expecting property name enclosed in double quotes. "
     "Give the JSON-LD file that `reader export jsonld` wrote (W3C Web Annotations)."),
    ("wrong-context", _collection([_item()]).replace("http://www.w3.org/ns/anno.jsonld", "https://schema.org/"),
     'bad.jsonld:2:15: error: the file has the @context "https://schema.org/"; W3C Web Annotations use '
     '"http://www.w3.org/ns/anno.jsonld". Set "@context": "http://www.w3.org/ns/anno.jsonld" '
     "(this does not look like a Web Annotation file)."),
    ("no-context", json.dumps({"type": "AnnotationCollection"}),
     'bad.jsonld:1:1: error: the file has no @context; W3C Web Annotations use "http://www.w3.org/ns/anno.jsonld".'),
    ("missing-target", _collection([_item(target=None)]),
     "bad.jsonld:9:7: error: [new-one] the annotation has no target. "
     'Add "target": {"source": "<book IRI>#<part>", "selector": {"type": "TextQuoteSelector", "exact": "..."}}.'),
    ("unknown-part", _collection([_item(target={"source": "urn:annotated-reader:harbour-almanac#the-storms",
                                                "selector": {"type": "TextQuoteSelector", "exact": "x"}})]),
     'error: [new-one] the target source "urn:annotated-reader:harbour-almanac#the-storms" names no part of this book. '
     'Did you mean "the-storm"?'),
    ("no-quote", _collection([_item(target={"source": "urn:annotated-reader:harbour-almanac#the-storm",
                                            "selector": [{"type": "TextPositionSelector", "start": 1, "end": 4}]})]),
     "error: [new-one] the target has no TextQuoteSelector."),
    ("long-quote", _collection([_item(target={"source": "urn:annotated-reader:harbour-almanac#the-storm", "selector": {
        "type": "TextQuoteSelector", "exact": "one two three four five six seven eight nine ten eleven twelve thirteen"}})]),
     "error: [new-one] the quote has 13 words; at most 12 are allowed."),
    ("bad-id", _collection([_item(id="https://hypothes.is/a/AbC123")]),
     'error: the annotation id "https://hypothes.is/a/AbC123" does not end with :ann:<id> or #ann-<id>.'),
    ("duplicate-id", _collection([_item(), _item()]),
     'error: [new-one] the annotation id "new-one" appears twice (first at line 9).'),
    ("no-body", _collection([_item(body=None)]), "error: [new-one] the annotation has no text body."),
    ("bad-kind", _collection([_item(**{"schema:genre": "persn"})]),
     'error: [new-one] "persn" is not an annotation kind. Did you mean "person"?'),
    ("a-list", "[1, 2]", "bad.jsonld:1:2: error: the file has no @context"),
    ("a-page", json.dumps({"@context": "http://www.w3.org/ns/anno.jsonld", "type": "AnnotationPage"}),
     "error: the annotation page has no `items` list."),
    ("remote-page", json.dumps({"@context": "http://www.w3.org/ns/anno.jsonld", "type": "AnnotationCollection",
                                "total": 3, "first": "https://example.org/page1"}),
     "error: the collection's page is not embedded in the file"),
]


@pytest.mark.parametrize("name,content,message", BAD_INPUT, ids=[c[0] for c in BAD_INPUT])
def test_import_reports_bad_input(tmp_path, monkeypatch, capsys, name, content, message):
    root = export_project(tmp_path, monkeypatch)
    before = {p.name: p.read_text(encoding="utf-8") for p in (root / "annotations").iterdir()}
    monkeypatch.chdir(root)
    Path("bad.jsonld").write_text(content, encoding="utf-8")
    assert main(["import-annotations", "bad.jsonld", "--out-dir", "out", "--force"]) == 1
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err and err.rstrip().endswith("nothing was written.")
    assert not Path("out").exists()
    assert {p.name: p.read_text(encoding="utf-8") for p in (root / "annotations").iterdir()} == before


def test_import_accepts_other_tools_annotations(tmp_path, monkeypatch):
    """A plain W3C annotation (HTML body, no extensions) becomes a context note with Markdown."""
    html = '<p>From <em>another</em> tool, with <a href="https://example.org/x">a link</a>.</p><ul><li>one</li></ul>'
    raw = json.dumps({"@context": "http://www.w3.org/ns/anno.jsonld", "id": "https://example.org/notes#ann-from-elsewhere",
                      "type": "Annotation", "motivation": "commenting", "creator": "Someone",
                      "body": {"type": "TextualBody", "value": html, "format": "text/html"},
                      "target": {"source": "https://example.org/book/the-storm.html",
                                 "selector": {"type": "TextQuoteSelector", "exact": "struck the mole", "prefix": "Kestrel"}}})
    result = read_collection(raw.encode(), "x.jsonld", SLUGS)
    assert result.problems == []
    [imported] = result.annotations
    assert (imported.id, imported.part) == ("from-elsewhere", "the-storm")
    assert imported.record == {
        "id": "from-elsewhere", "anchor": {"quote": "struck the mole", "prefix": "Kestrel"}, "kind": "context",
        "body": "From *another* tool, with [a link](https://example.org/x).\n\n- one\n", "author": "Someone"}


def test_export_in_process_matches_the_command(tmp_path, monkeypatch):
    root = export_project(tmp_path, monkeypatch)
    placed = place_edition(root)
    text = dumps(collection(placed, Identity.of(placed.edition.book)))
    export(root)
    assert text == (root / "exports" / "annotations.jsonld").read_text(encoding="utf-8")


def test_import_into_a_file_with_unindented_entries(tmp_path, monkeypatch):
    """`- id:` at the key's own column is valid YAML too; new entries must follow it."""
    root = export_project(tmp_path, monkeypatch)
    storm = root / "annotations" / "the-storm.yml"
    flat = storm.read_text(encoding="utf-8").replace("\n  ", "\n")
    storm.write_text(flat, encoding="utf-8")
    data = export(root)
    data["first"]["items"].append({**data["first"]["items"][-1], "id": "urn:annotated-reader:harbour-almanac:ann:storm-new"})
    source = root / "more.jsonld"
    source.write_text(dumps(data), encoding="utf-8")
    assert main(["import-annotations", str(source), "--root", str(root), "--force"]) == 0
    text = storm.read_text(encoding="utf-8")
    assert text.startswith(flat) and "\n- id: storm-new\n  anchor:\n    quote: which the town remembered\n" in text
    layer, problems = load_layer(root / "annotations", place_edition(root).edition.book.parts)
    assert [p for p in problems if p.severity == "error"] == []
    assert [a.id for a in layer.parts["the-storm"].annotations] == ["storm-kestrel", "storm-gazette", "storm-new"]
