"""reader.css: first and repeated triggers, reduced motion, the print stylesheet, blocks rendered as they near the view."""
from __future__ import annotations

import re

import pytest

from .helpers import open_page

expect = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed").expect

STYLE = """n => { const s = getComputedStyle(n);
    return {color: s.color, line: s.textDecorationLine, style: s.textDecorationStyle, weight: s.fontWeight,
            display: s.display, background: s.backgroundColor, animation: s.animationName, parent: getComputedStyle(n.parentElement).color}; }"""


def test_first_trigger_stands_out_and_repeats_stay_quiet(site, http_base, desktop):
    page = open_page(desktop, http_base + site.part)
    first = page.locator("article a.ra-term:not(.ra-term--repeat):not(.ra-in-this-part a)").first
    repeat = page.locator("article a.ra-term--repeat").first
    if not repeat.count():
        pytest.skip(f"{site.part} repeats no term")
    a, b = first.evaluate(STYLE), repeat.evaluate(STYLE)
    assert a["line"] == "underline" and a["style"] == "solid" and a["color"] != a["parent"], a
    assert b["line"] == "underline" and b["style"] == "dotted", b
    assert int(b["weight"]) <= 400, b


def test_reduced_motion_keeps_the_highlight_without_animation(site, http_base, new_page):
    found = re.search(r'<mark class="ra-hl" data-ann="([^"]+)"', site.html(site.part))
    if not found:
        pytest.skip("companion edition: no highlighted passages")
    page = new_page(reduced_motion="reduce")
    open_page(page, f"{http_base}{site.part}#ann-{found.group(1)}")
    mark = page.locator("mark.ra-hl--target").first
    expect(mark).to_be_visible()
    assert mark.evaluate(STYLE)["animation"] == "none"


def test_print_stylesheet(site, http_base, desktop, artifacts):
    page = open_page(desktop, http_base + site.part)
    page.locator("article a.ra-term[data-tip]").first.focus()  # an open popup must not print
    page.emulate_media(media="print")
    hidden = page.evaluate("""() => ['#ra-pop', '.ra-tips', '.md-header', '.md-sidebar--primary', '.md-search', '.md-footer']
        .filter(sel => { const n = document.querySelector(sel); return n && getComputedStyle(n).display !== 'none'; })""")
    assert hidden == [], f"shown in print: {hidden}"
    notes = page.locator(".ra-notes, .ra-note-list").first
    expect(notes).to_be_visible()
    marker = page.locator("article a.ra-marker").first
    if marker.count():
        m = marker.evaluate(STYLE)
        assert m["background"] in ("rgba(0, 0, 0, 0)", "transparent"), m
        assert page.evaluate("getComputedStyle(document.querySelector('a.ra-marker')).verticalAlign") == "super"
        h = page.locator("mark.ra-hl").first.evaluate(STYLE)
        assert h["line"] == "underline" and h["background"] in ("rgba(0, 0, 0, 0)", "transparent"), h
    page.screenshot(path=str(artifacts / "part-print.png"))


RENDERED = """sel => [...document.querySelectorAll(sel)].filter(n => n.firstElementChild)  // is a block's content rendered?
    .map(n => n.firstElementChild.checkVisibility({contentVisibilityAuto: true}))"""


def test_blocks_far_from_the_view_wait_to_be_rendered(site, http_base, desktop):
    """Long parts load faster when blocks out of view are skipped (content-visibility); they are
    rendered when scrolled to, when linked to, and all of them when printed."""
    page = open_page(desktop, http_base + site.part)
    blocks = ".md-content article > :is(p[id^='p-'], .ra-notes, .footnote)"
    skipped = page.evaluate(RENDERED, blocks)
    if len(skipped) < 3 or page.evaluate("document.documentElement.scrollHeight < 3 * innerHeight"):
        pytest.skip(f"{site.part} fits in a few screens: nothing to defer")
    assert skipped[0] is True, "the first block is on screen and must be rendered"
    assert skipped[-1] is False, "the last block, screens below, should not be rendered yet"
    page.locator(blocks).last.scroll_into_view_if_needed()
    page.wait_for_function(f"() => ({RENDERED})({blocks!r}).pop() === true")
    last = page.evaluate(f"document.querySelector('.md-content article > p[id^=\"p-\"]:last-of-type')?.id")
    if last:  # a link to a paragraph far below lands on it, rendered
        open_page(page, f"{http_base}{site.part}#{last}")
        page.wait_for_function(f"() => {{ const r = document.getElementById({last!r}).getBoundingClientRect();"
                               f" return r.top >= 0 && r.top < innerHeight && r.height > 20; }}")
    open_page(page, http_base + site.part)
    page.emulate_media(media="print")
    page.wait_for_function(f"() => ({RENDERED})({blocks!r}).every(Boolean)", timeout=5000)  # printing renders every block
