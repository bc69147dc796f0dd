"""reader.css: first and repeated triggers, reduced motion, the print stylesheet."""
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
