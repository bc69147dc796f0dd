"""The reader page of a part: highlights, markers, triggers, notes list — golden HTML and safety."""
from __future__ import annotations

import difflib
import re
from pathlib import Path

import pytest

from annotated_reader.check import strip_front_matter
from annotated_reader.edition import Edition, Options, without_triggers
from annotated_reader.render import render_book_markdown, resolve_links
from annotated_reader.textmap import text_map
from htmlcheck import misnested
from minibook import ANNOTATIONS, GLOSSARY, PEOPLE, TIMELINE, make_project

GOLDEN = Path(__file__).parent / "golden" / "edition"
MALFORMED = Path(__file__).parent / "fixtures" / "malformed"


def page(tmp_path: Path, annotations: dict | None = None, policy: str = "first-per-section") -> tuple[Edition, str, set]:
    root = make_project(tmp_path, annotations=annotations)
    edition = Edition.open(root, root / "docs", Options(link_policy=policy))
    html = render_book_markdown(strip_front_matter((root / "docs/book/mini-chapter.md").read_text(encoding="utf-8")))
    body, keys = edition.decorate_part("mini-chapter", html)
    return edition, resolve_links(body, lambda src: src.replace(".md", ".html")), keys


def compare(name: str, actual: str, update: bool) -> None:
    path = GOLDEN / name
    if update or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True), str(path), "actual"))
        pytest.fail(f"golden file differs (run pytest --update-golden to accept):\n{diff}")


def test_part_page_golden(tmp_path, request):
    edition, html, keys = page(tmp_path)
    assert edition.problems == []
    compare("mini-chapter.html", html, request.config.getoption("--update-golden", default=False))


def test_annotations_are_highlighted_with_markers_and_listed(tmp_path):
    _, html, _ = page(tmp_path)
    assert '<mark class="ra-hl" data-ann="mini-grain" id="ann-mini-grain">the grain question</mark>' in html
    assert html.index('id="ann-mini-grain"') < html.index('href="#note-mini-grain"') < html.index('id="note-mini-grain"')
    # the second annotation is placed on the *second* "the commissar" (prefix: Later)
    second = html.index('id="ann-mini-letter"')
    assert html.rfind("Later", 0, second) > html.find("the commissar")


def test_terms_linked_once_per_section_and_never_in_headings(tmp_path):
    _, html, keys = page(tmp_path)
    assert {"term:vozhd", "term:politburo", "term:kolkhoz", "person:ivanov"} <= keys
    heading = re.search(r"<h2.*?</h2>", html).group(0)
    assert "ra-term" not in heading
    politburo = re.findall(r'<a class="ra-term( ra-term--repeat)?"[^>]*data-tip="term-politburo"', html.split("</details>", 1)[1])
    assert politburo == ["", ""]  # first in section 0, and first again in the next section
    assert html.count('id="use-term-politburo"') == 1


def test_link_policy_all(tmp_path):
    _, html, _ = page(tmp_path, policy="all")
    assert "ra-term--repeat" not in html


def test_paragraph_permalinks_do_not_depend_on_annotations(tmp_path):
    _, with_notes, _ = page(tmp_path / "a")
    _, without, _ = page(tmp_path / "b", annotations={"glossary.yml": GLOSSARY, "people.yml": PEOPLE, "timeline.yml": TIMELINE})
    ids = lambda h: re.findall(r'<p id="(p-\d+)">', h)
    assert ids(with_notes) == ids(without) and len(ids(without)) == 3


def test_contributed_markup_cannot_inject_script(tmp_path):
    malicious = (MALFORMED / "script-body.yml").read_text(encoding="utf-8")
    files = {"glossary.yml": GLOSSARY, "people.yml": PEOPLE, "timeline.yml": TIMELINE, "mini-chapter.yml": malicious}
    edition, html, _ = page(tmp_path, annotations=files)
    note = html[html.index('<section class="ra-notes"'):]
    for bad in ("<script", "onerror", "javascript:", "<iframe", "<style", "onclick", "onload", "<svg", "<object"):
        assert bad not in note.lower(), bad
    assert "Hello" in note


def test_unplaced_annotation_is_listed_not_guessed(tmp_path):
    files = {"glossary.yml": GLOSSARY, "people.yml": PEOPLE, "timeline.yml": TIMELINE,
             "mini-chapter.yml": ANNOTATIONS.replace("the grain question", "the wheat question")}
    edition, html, _ = page(tmp_path, annotations=files)
    assert 'data-ann="mini-grain"' not in html.split('<section class="ra-notes"')[0]
    assert [o.id for o in edition.orphans["mini-chapter"]] == ["mini-grain"]
    assert "mini-grain" in edition.unplaced_html()


def test_event_anchor_gets_a_landing_id(tmp_path):
    edition, html, _ = page(tmp_path)
    assert 'id="event-grain-meeting"' in html
    assert 'href="@/book/mini-chapter.md#event-grain-meeting"' in edition.timeline_html()


def test_glossary_appearances_link_to_first_use(tmp_path):
    edition, _, _ = page(tmp_path)
    glossary = edition.glossary_html()
    assert 'href="@/book/mini-chapter.md#use-term-vozhd">The Mini Chapter</a> (1)' in glossary


def test_part_page_is_well_nested(tmp_path):
    _, html, _ = page(tmp_path)
    assert misnested(html) == []


def test_highlight_over_exactly_a_term_keeps_the_trigger_inside(tmp_path):
    # Found on the real text: a quote that is exactly a person's name closed </mark> before </a>,
    # which made search's HTML parser keep every later element open (and the build 25% slower).
    exact = ANNOTATIONS.replace("{quote: the grain question}", "{quote: Comrade Ivanov}")
    _, html, _ = page(tmp_path, annotations={"glossary.yml": GLOSSARY, "people.yml": PEOPLE, "mini-chapter.yml": exact})
    assert re.search(r'<mark class="ra-hl" data-ann="mini-grain" id="ann-mini-grain"><a class="ra-term ra-person"[^>]*>'
                     r'Comrade Ivanov</a></mark>', html)
    assert misnested(html) == []


def test_search_sees_the_same_text_without_triggers(tmp_path):
    _, html, _ = page(tmp_path)
    plain = without_triggers(html)
    assert "ra-term" in html and "ra-term" not in plain
    assert text_map(plain).text == text_map(html).text
    assert 'class="ra-hl"' in plain and 'class="ra-marker"' in plain  # only the triggers go
    assert misnested(plain) == []
