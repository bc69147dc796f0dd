"""The search index: its documents, its encoding, and anchors that exist on the built pages."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from annotated_reader.book import load_book
from annotated_reader.load import load_layer
from annotated_reader.search import (CHARS, DIGITS, GLOBAL, INDEX_PATH, KINDS, MARKS, SEP, SKIP, STOP_WORDS, Document,
                                     anchors_coded, anchors_decoded, build_index, decode, documents_of, encode, front_coded,
                                     front_decoded, in_head, in_header, index_script, pack_bits, page_documents, part_documents,
                                     postings_decoded, runs_coded, runs_decoded, texts_of, unpack_bits, words)
from sitebuild import ROOT, build, copy_project

NODE = shutil.which("node")

BOOK = load_book(ROOT, ROOT / "no-such-dir")
LAYER, _ = load_layer(ROOT / "annotations", BOOK.parts, ROOT)

PART = """<h1 id="the-mini-chapter">The Mini Chapter</h1>
<p id="p-1">In spring the <em>vozhd</em> raised the grain question.<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup>
Nobody doubted it.<a class="ra-marker" href="#note-x" data-ann="x">7</a></p>
<h2 id="a-section">A Section<a class="headerlink" href="#a-section">&para;</a></h2>
<p id="p-2">The commissar&rsquo;s letter to Ivanov.</p>
<p>A paragraph the build did not number is not a document.</p>
<div class="footnote"><ol><li id="fn:1"><p>Archive file 12, sheet 3.&#160;<a class="footnote-backref" href="#fnref:1">&#8617;</a></p></li></ol></div>
"""


def load_index(site: Path) -> dict:
    script = (site / INDEX_PATH).read_text(encoding="utf-8")
    prefix = f"window.{GLOBAL}="
    assert script.startswith(prefix) and script.rstrip().endswith(";")
    return json.loads(script[len(prefix):].rstrip().rstrip(";"))


def postings(index: dict) -> dict[str, list[int]]:
    return dict(zip(front_decoded(index["words"]), postings_decoded(index)))


# -- pure pieces -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("The Vozhd's office", ["the", "vozhd", "office"]),
    ("Stalin’s dacha", ["stalin", "dacha"]),
    ("Iosif V. Dzhugashvili, 1878", ["iosif", "dzhugashvili", "1878"]),
    ("Münzenberg and Béria", ["munzenberg", "and", "beria"]),
    ("Царицын", ["царицын"]),
    ("under_score a-b", ["under", "score"]),
])
def test_words(text, expected):
    assert words(text) == expected


@pytest.mark.parametrize("numbers", [[], [0], [5], [0, 1, 2, 3], [31, 32, 33], [7, 1000, 1001, 70000, 70031]])
def test_numbers_round_trip(numbers):
    code = encode(numbers)
    assert decode(code) == numbers
    assert decode(encode(numbers[::-1], gaps=False), gaps=False) == numbers[::-1]
    assert '"' not in code and "\\" not in code and "," not in code and " " not in code


def test_small_gaps_take_one_character():
    assert len(encode(list(range(0, 3100, 30)))) == 104


def test_alphabets_are_written_as_themselves_in_json():
    for alphabet in (CHARS, MARKS, DIGITS, SEP):
        assert json.dumps(alphabet, ensure_ascii=False) == f'"{alphabet}"', alphabet
    assert len(DIGITS) ** 2 >= 2 ** 13 and len(set(DIGITS)) == len(DIGITS)
    assert not set(MARKS) & set("".join(words("Words are letters and digits: 1917, Ætna, Царицын, naïve.")))


def test_bits_round_trip():
    for bits in ("", "1", "0" * 13, "1" * 13, "1" + "0" * 25 + "1", "0110" * 40):
        packed = pack_bits(bits)
        assert len(packed) == 2 * -(-len(bits) // 13) and set(packed) <= set(DIGITS)
        assert unpack_bits(packed).startswith(bits) and set(unpack_bits(packed)[len(bits):]) <= {"0"}


def test_front_coding_round_trip():
    words_ = sorted(["stalin", "stalingrad", "stalinism", "beria", "beriia", "a" * 70, "a" * 71, "царицын", "1917"])
    assert front_decoded(front_coded(words_)) == words_
    assert front_coded(["stalin", "stalingrad", "stalinism"]) == "!stalin(grad(ism"
    assert front_decoded("") == []


def test_anchors_round_trip_and_numbered_runs_take_one_item():
    anchors = ["", "how-to-read", "p-1", "p-2", "p-3", "fn:1", "fn:2", "", "p-9", "p-10", "p-11", "p-09", "p-10",
               "ann-ch2-lenin", "ann-ch2-kamenev", "term-vozhd", "person-beria", "person-beria2", "place-x-1"]
    assert anchors_decoded(anchors_coded(anchors)) == anchors
    numbered = [f"p-{n}" for n in range(1, 1801)] + [f"fn:{n}" for n in range(1, 121)]
    assert anchors_coded(numbered) == "0p-1 +1799 0fn:1 +119"
    assert anchors_decoded(anchors_coded([])) == []


def test_runs_round_trip():
    meta = [(0, 0, 0), (0, 1, 0), (0, 1, 1), (0, 1, 1), (0, 1, 1), (2, 2, 2), (2, 2, 3), (2, 2, 4), (2, 2, 2), (0, 1, 1)]
    assert runs_decoded(runs_coded(meta)) == meta
    section = [(0, 3, 7)] * 500 + [(0, 3, n) for n in range(8, 200)]  # a section's paragraphs, then notes
    assert runs_decoded(runs_coded(section)) == section and len(runs_coded(section)) < 20


def synthetic_docs() -> list[Document]:
    """Documents whose postings take every path: words in one document, in runs, far apart, in every one."""
    docs = []
    for n in range(300):
        text = [f"common w{n % 7}x", "rare" + "abcdefghij"[n % 10] * (1 + n // 10) if n % 37 == 0 else "",
                "run" if 100 <= n < 160 else "", f"n{n}"]
        docs.append(Document("book", f"book/part{n // 100}.html", f"p-{n % 100 + 1}", f"Section {n // 25}", " ".join(text)))
    docs.append(Document("glossary", "glossary.html", "term-x", "A \x7f term", "Its \x7f text", "Forms"))
    return docs


def test_postings_round_trip_in_blocks():
    docs = synthetic_docs()
    index = build_index(docs)
    found = postings(index)
    assert len(found) > 3 * SKIP  # several blocks of `skip`
    expected: dict[str, list[int]] = {}
    for n, doc in enumerate(docs):
        for word in set(words(f"{doc.title} {doc.text} {doc.keys}")) - STOP_WORDS:
            expected.setdefault(word, []).append(n)
    assert found == expected
    assert len(decode(index["skip"])) == -(-len(found) // SKIP)
    assert documents_of(index)[-1][3:] == ("A  term", "Its  text")  # the separator never inside a text
    assert len(index["texts"]) == 2 and texts_of(index) == [d.text.replace(SEP, "") for d in docs]  # 256 + 45 texts


_ENGINE = """
const fs = require('fs');
const src = fs.readFileSync(process.argv[1], 'utf8');  // search.js up to its loading section: the engine
const lib = new Function('document', 'window', src.slice(src.indexOf('"use strict";'), src.indexOf('/* loading')) +
                         '\\nreturn { Engine: Engine };')({}, {});
const engine = new lib.Engine(JSON.parse(fs.readFileSync(0, 'utf8')));
const docs = engine.anchors.map((anchor, n) => [engine.data.kinds[engine.kind[n]], engine.data.pages[engine.page[n]][0],
                                               anchor, engine.data.titles[engine.title[n]], engine.data.texts[n]]);
const post = {};
engine.words.forEach((word, i) => { post[word] = engine.docs(i); });
process.stdout.write(JSON.stringify({ docs, post, hits: engine.search(process.argv[2]).hits.map(h => h[0]) }));
"""


@pytest.mark.skipif(not NODE, reason="node is not installed (bash scripts/setup installs it)")
def test_search_js_decodes_the_index_as_search_py_does():
    index = build_index(synthetic_docs())
    done = subprocess.run([NODE, "-e", _ENGINE, str(ROOT / "docs" / "assets" / "search.js"), "run common "],
                          input=json.dumps(index), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    engine = json.loads(done.stdout)
    assert [tuple(d) for d in engine["docs"]] == documents_of(index)
    assert engine["post"] == postings(index)
    assert sorted(engine["hits"]) == list(range(100, 160))


def test_documents_in_a_row_cost_next_to_nothing():
    index = build_index([Document("book", "a.html", f"p-{n}", "Stalin", "stalin") for n in range(1, 6501)]
                        + [Document("book", "a.html", "p-x", "Stalin", "stalin and zhukov")])
    assert postings(index) == {"stalin": list(range(6501)), "zhukov": [6500]}
    assert len(index["post"]) == 6  # gammas 6501 (25 bits) and 1 (1 bit), 6500 in 13 bits: 39 bits, 3 pairs


def test_part_documents_are_numbered_paragraphs_and_notes():
    docs = part_documents("book/mini.html", "The Mini Chapter", PART)
    assert [(d.anchor, d.title) for d in docs] == [("p-1", "The Mini Chapter"), ("p-2", "A Section"), ("fn:1", "Note 1")]
    assert docs[0].text == "In spring the vozhd raised the grain question. Nobody doubted it."  # no note or marker numbers
    assert docs[1].text == "The commissar’s letter to Ivanov."
    assert docs[2].text == "Archive file 12, sheet 3."
    assert {d.kind for d in docs} == {"book"} and {d.url for d in docs} == {"book/mini.html"}


def test_page_documents_are_sections():
    html = '<p>Welcome.</p>\n<h2 id="one">One</h2><p>First.</p><h3 id="two">Two</h3><p>Second.</p>'
    docs = page_documents("index.html", "Home", html)
    assert [(d.anchor, d.title, d.text) for d in docs] == [("", "Home", "Welcome."), ("one", "One", "First."),
                                                           ("two", "Two", "Second.")]


def test_index_postings_find_every_word_of_every_document():
    docs = [Document("book", "a.html", "p-1", "Part", "Beria met Stalin in Tsaritsyn."),
            Document("person", "people.html", "person-beria", "Lavrenty Beria", "A security chief.", "Beria Beriia"),
            Document("event", "timeline.html", "event-x", "1918", "Stalin in Tsaritsyn")]
    index = build_index(docs, [["beria", "beriia"]], {"a.html": "Part one"})
    found = postings(index)
    vocab = list(found)
    assert vocab == sorted(vocab) and not STOP_WORDS & set(vocab)
    for n, doc in enumerate(docs):
        for word in set(words(f"{doc.title} {doc.text} {doc.keys}")) - STOP_WORDS:
            assert n in found[word], (word, n)
    assert found["beriia"] == [1]  # a form: found, never shown
    assert index["syn"] == [["beria", "beriia"]]
    assert index["pages"][0] == ["a.html", "Part one"]
    assert documents_of(index) == [(d.kind, d.url, d.anchor, d.title, d.text) for d in docs]
    assert index_script(index).startswith(f"window.{GLOBAL}=")


def test_the_dialog_goes_at_the_end_of_the_header_bar():
    page = '<header class="md-header"><nav class="md-header__inner"><a>logo</a></nav></header><nav>other</nav>'
    out = in_header(page)
    dialog = out[out.index('<label class="md-header__button'):out.index("</nav></header>")]
    assert out.startswith('<header class="md-header"><nav class="md-header__inner"><a>logo</a><label')
    for needle in ('for="__search"', 'class="md-search ra-search" role="dialog"', 'class="md-search__input"',
                   'class="md-search-result__list"', "hidden>"):
        assert needle in dialog, needle
    # Each icon is its SVG: `icons.clear` in the template once gave dict.clear's repr, with a memory address.
    assert dialog.count("<svg") == 4 and "built-in" not in dialog, dialog
    assert in_header("<p>no header</p>") == "<p>no header</p>"


def test_search_and_its_index_move_to_the_head_as_async_scripts():
    page = ('<html><head><title>t</title></head><body><p>x</p><script src="../assets/javascripts/bundle.js"></script>'
            '<script src="../assets/reader.js"></script><script src="../assets/search.js"></script></body></html>')
    out = in_head(page)
    head, body = out.split("</head>")
    assert head.endswith(f'<script id="ra-search-index" src="../{INDEX_PATH}" async '
                         "onerror=\"this.setAttribute('data-failed','')\"></script>"
                         '<script src="../assets/search.js" async></script>'), head
    assert "search.js" not in body and body.count("<script") == 2  # the theme's own scripts stay where they were
    for page in ("<p>no head</p>", "<head></head><body>no search.js</body>"):
        assert in_head(page) == page


# -- built sites: every paragraph and entry is a document, and every document's anchor exists ------

def ids(path: Path) -> set[str]:
    return set(re.findall(r'\bid="([^"]+)"', path.read_text(encoding="utf-8")))


def check_site(site: Path, full: bool) -> dict:
    index = load_index(site)
    docs = [(kind, url, anchor) for kind, url, anchor, _, _ in documents_of(index)]
    page_ids: dict[str, set[str]] = {}
    for kind, url, anchor in docs:
        assert (site / url).is_file(), url
        if anchor:
            page_ids.setdefault(url, ids(site / url))
            assert anchor in page_ids[url], f"{kind} document {url}#{anchor}: no element with that id"
    found = {(url, anchor) for _, url, anchor in docs}
    for term in LAYER.terms:
        assert ("glossary.html", f"term-{term.id}") in found
    for person in LAYER.people:
        assert ("people.html", f"person-{person.id}") in found
    for event in LAYER.events:
        assert ("timeline.html", f"event-{event.id}") in found
    assert LAYER.places
    for place in LAYER.places:  # and its anchor is the place's entry, checked above like every anchor
        assert ("places.html", f"place-{place.id}") in found, place.id
    for slug, part in LAYER.parts.items():
        for ann in part.annotations:
            assert (f"book/{slug}.html", f"ann-{ann.id}") in found or ("unplaced.html", f"orphan-{ann.id}") in found
    for part in BOOK.parts:
        html = (site / "book" / f"{part.slug}.html").read_text(encoding="utf-8")
        paragraphs = re.findall(r'<p id="(p-\d+)"', html)
        notes = re.findall(r'<li id="(fn:\d+)"', html)
        assert bool(paragraphs) == full, part.slug
        for anchor in paragraphs + notes:
            assert (f"book/{part.slug}.html", anchor) in found, f"book/{part.slug}.html#{anchor} is not a document"
    assert all(kind in KINDS for kind, _, _ in docs)
    return index


@pytest.fixture(scope="module")
def companion(tmp_path_factory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("companion"))
    result = build(project)
    assert result.returncode == 0, result.stderr[-3000:]
    return project / "site"


def test_companion_index_covers_the_layer_and_its_anchors_exist(companion):
    index = check_site(companion, full=False)
    kinds = {d[0] for d in documents_of(index)}
    assert kinds == {"annotation", "glossary", "person", "event", "place", "guide"}  # no book text in the companion
    assert not (companion / "search" / "search_index.json").exists(), "Material's index is shipped as well"
    home = (companion / "index.html").read_text(encoding="utf-8")
    assert home.count('class="md-search ra-search"') == 1 and home.index("ra-search") < home.index("</header>")
    assert any({"tsaritsyn", "stalingrad", "volgograd"} <= set(group) for group in index["syn"])
    assert any({"kiev", "kyiv"} <= set(group) for group in index["syn"])  # a place's name and today's name
    spelled = [word for group in index["syn"] for word in group]
    assert len(spelled) == len(set(spelled)), "a word in two synonym groups: search.js would keep only one"


@pytest.mark.real_text
def test_reader_index_covers_every_paragraph_and_its_anchors_exist(tmp_path_factory, real_import):
    out_dir, _ = real_import
    project = copy_project(tmp_path_factory.mktemp("reader-search"), out_dir)
    result = build(project)
    assert result.returncode == 0, result.stderr[-3000:]
    index = check_site(project / "site", full=True)
    assert sum(1 for d in documents_of(index) if d[0] == "book") > 1500
