"""Bodies rendered ahead by a child process (render.render_ahead): markdown_to_html gives exactly what it
gives without the child, takes the child's bodies once they are in, and renders the rest itself; a child
that fails or is stopped costs nothing but time and leaves no file behind."""
from __future__ import annotations

import time

import pytest

from annotated_reader import render
from annotated_reader.edition import Edition
from annotated_reader.check import strip_front_matter
from minibook import make_project

PARTS = {"grain-and-steel": "grain-and-steel", "the-thaw": "the-thaw"}  # annotation id -> part, for `ann:` links
TEXTS = [  # invented bodies, using what contributors write: links of our schemes, emphasis, lists, citations
    ("The quota was raised twice in *one* winter; see [the thaw](ann:the-thaw).", False),
    ("A [kolkhoz](term:kolkhoz) kept its **seed grain** under guard.", False),
    ("- first list item\n- second, with `code`", False),
    ("Invented Archive, fond 1, op. 2, d. 3, l. 4.", True),
    ("Compare [the earlier note](ann:grain-and-steel#note).", True),
    ("", False),
]


@pytest.fixture(autouse=True)
def no_child_left():
    render.stop_rendering_ahead()
    yield
    render.stop_rendering_ahead()


def expected() -> list[str]:
    render.stop_rendering_ahead()
    return [render._render.__wrapped__(*_key(text, inline)) for text, inline in TEXTS]


def _key(text: str, inline: bool, parts: dict = PARTS) -> tuple:
    refs = tuple((i, parts.get(i, "")) for i in render._ANN_REF.findall(text)) if "ann:" in text else ()
    return text, refs, inline


def _wait_for_child(timeout: float = 60.0) -> None:
    render._ahead["child"].process.wait(timeout)


def test_bodies_from_the_child_are_those_rendered_here():
    want = expected()
    render.render_ahead(TEXTS, PARTS)
    path = render._ahead["child"].file
    _wait_for_child()
    got = [render.markdown_to_html(text, PARTS, inline) for text, inline in TEXTS]
    assert got == want
    assert render._ahead["child"] is None and len(render._ahead["html"]) == len(TEXTS)  # taken from the child
    assert not path.exists()


def test_a_text_the_child_was_not_given_is_rendered_here():
    render.render_ahead(TEXTS[:2], PARTS)
    _wait_for_child()
    assert render.markdown_to_html(TEXTS[0][0], PARTS) == expected()[0]
    render.render_ahead(TEXTS[:2], PARTS)
    _wait_for_child()
    other = "An *invented* sentence no list holds."
    assert render.markdown_to_html(other) == "<p>An <em>invented</em> sentence no list holds.</p>"
    assert render._ahead["html"] and (other, (), False) not in render._ahead["html"]


def test_a_killed_child_leaves_the_rendering_to_the_build():
    want = expected()
    render.render_ahead(TEXTS, PARTS)
    process, path = render._ahead["child"].process, render._ahead["child"].file
    process.kill()
    process.wait()
    got = [render.markdown_to_html(text, PARTS, inline) for text, inline in TEXTS]
    assert got == want
    assert render._ahead["html"] == {} and render._ahead["child"] is None
    assert not path.exists()


def test_a_body_needed_before_the_child_is_done_is_rendered_here():
    render.render_ahead(TEXTS * 200 + [(f"Invented note number {n}.", False) for n in range(3000)], PARTS)
    assert render._ahead["child"].process.poll() is None  # thousands of bodies: still at work
    assert render.markdown_to_html(TEXTS[1][0], PARTS) == expected()[1]


def test_stopping_removes_the_childs_file_and_its_bodies():
    render.render_ahead(TEXTS, PARTS)
    process, path = render._ahead["child"].process, render._ahead["child"].file
    render.stop_rendering_ahead()
    assert process.returncode is not None and not path.exists()
    assert render._ahead == {"child": None, "keys": [], "html": {}}
    time.sleep(0.1)
    assert not path.exists()


def test_the_edition_lists_every_body_its_pages_render(tmp_path):
    """The texts a site build hands the child cover every body the edition renders (a body left out
    would be rendered in the build's own process: the same page, only slower)."""
    for text in (True, False):
        root = make_project(tmp_path / str(text), text=text)
        edition = Edition.open(root, root / "docs")
        listed = {_key(body or "", inline, edition.annotation_parts) for body, inline in edition.markdown_texts()}
        rendered = []
        original = render._render

        def spy(*key):
            rendered.append(key)
            return original(*key)

        render._render = spy
        try:
            for slug in edition.book.slugs:
                if text:
                    html = render.render_book_markdown(strip_front_matter((root / f"docs/book/{slug}.md").read_text()))
                    edition.decorate_part(slug, html)
                else:
                    edition.decorate_companion(slug, edition.companion_markdown(slug))
            edition.glossary_html(), edition.people_html(), edition.timeline_html(), edition.places_html()
            edition.unplaced_html()
            edition.tips_html({f"term:{t.id}" for t in edition.layer.terms} | {f"person:{p.id}" for p in edition.layer.people})
        finally:
            render._render = original
        assert len(rendered) > 5 and set(rendered) <= listed
