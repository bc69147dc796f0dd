"""Annotation markers, permalinks, endnote tooltips and the remembered reading position."""
from __future__ import annotations

import re

import pytest

from .helpers import POPUP, open_page

expect = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed").expect


@pytest.fixture
def full(site):
    if not site.full:
        pytest.skip("companion edition: no text imported, so no highlights, markers or endnotes "
                    "(run `reader import` to build the full edition)")
    return site


def first_id(site, rel: str, pattern: str) -> str:
    found = re.search(pattern, site.html(rel))
    if not found:
        pytest.skip(f"{rel} has nothing matching {pattern}")
    return found.group(1)


def marker(page):
    m = page.locator("article a.ra-marker").first
    m.scroll_into_view_if_needed()
    return m


def test_marker_click_opens_the_note_as_a_dialog(full, base, desktop):
    page = open_page(desktop, base + full.part)
    url = page.url
    m = marker(page)
    ann = m.get_attribute("data-ann")
    popup = page.locator(POPUP)
    m.click()
    expect(popup).to_be_visible()
    expect(popup).to_have_attribute("role", "dialog")
    expect(popup).to_have_attribute("aria-label", m.get_attribute("aria-label"))
    expect(m).to_have_attribute("aria-expanded", "true")
    expect(m).to_have_attribute("aria-controls", "ra-pop")
    assert page.url == url, "the marker must not jump to the notes list"
    body = page.locator(f"#note-{ann} .ra-note-body").inner_text().strip()
    assert body[:60] in popup.inner_text()
    expect(popup.locator("a.ra-permalink")).to_have_attribute("href", f"#ann-{ann}")
    assert page.evaluate("document.getElementById('ra-pop').contains(document.activeElement)"), "focus moves into it"
    assert page.evaluate("new Set([...document.querySelectorAll('[id]')].map(n => n.id)).size"
                         " === document.querySelectorAll('[id]').length"), "the clone must not duplicate ids"
    page.keyboard.press("Escape")
    expect(popup).to_be_hidden()
    expect(m).to_have_attribute("aria-expanded", "false")
    expect(m).to_have_attribute("aria-controls", f"note-{ann}")
    expect(m).to_be_focused()
    m.click()  # a second click on the marker toggles it
    expect(popup).to_be_visible()
    m.click()
    expect(popup).to_be_hidden()


@pytest.mark.parametrize("key", ["Enter", " "])
def test_marker_keyboard(full, http_base, desktop, key):
    page = open_page(desktop, http_base + full.part)
    m = marker(page)
    popup = page.locator(POPUP)
    scroll = page.evaluate("scrollY")
    m.focus()
    page.keyboard.press(key)
    expect(popup).to_be_visible()
    expect(m).to_have_attribute("aria-expanded", "true")
    assert abs(page.evaluate("scrollY") - scroll) < 200, "Space must not scroll the page"
    # Tab walks the dialog's controls, then leaves it for what follows the marker
    for _ in range(popup.locator("a[href], button").count()):
        page.keyboard.press("Tab")
        assert page.evaluate("document.getElementById('ra-pop').contains(document.activeElement)")
    page.keyboard.press("Tab")
    expect(m).to_have_attribute("aria-expanded", "false")
    after = page.evaluate("""m => {
        const a = document.activeElement;
        return {inPopup: document.getElementById('ra-pop').contains(a), body: a === document.body,
                follows: !!(m.compareDocumentPosition(a) & Node.DOCUMENT_POSITION_FOLLOWING),
                role: document.getElementById('ra-pop').getAttribute('role'), tip: a.getAttribute('data-tip')}
    }""", m.element_handle())
    assert after["follows"] and not after["inPopup"] and not after["body"], after
    if after["tip"]:  # focus landed on a glossary trigger, which shows its own popup
        assert after["role"] == "tooltip"
    else:
        expect(popup).to_be_hidden()


def test_ann_permalink_highlights_the_passage(full, base, desktop):
    ann = first_id(full, full.part, r'<mark class="ra-hl" data-ann="([^"]+)"')
    page = open_page(desktop, f"{base}{full.part}#ann-{ann}")
    marks = page.locator(f'mark.ra-hl[data-ann="{ann}"]')
    for i in range(marks.count()):
        expect(marks.nth(i)).to_have_class(re.compile(r"\bra-hl--target\b"))
    expect(marks.first).to_be_in_viewport()
    expect(page.locator(POPUP)).to_have_count(0)  # nothing opens by itself
    assert page.locator("mark.ra-hl--target").count() == marks.count()


def test_note_link_lands_on_the_passage_or_the_note(site, http_base, desktop):
    """`#note-ID` (where a search result lands) goes to the passage when the text is here."""
    rel = site.part
    ann = first_id(site, rel, r'id="note-([^"]+)"')
    page = open_page(desktop, f"{http_base}{rel}#note-{ann}")
    if site.full:
        page.wait_for_url(re.compile(f"#ann-{re.escape(ann)}$"))
        expect(page.locator(f'mark.ra-hl[data-ann="{ann}"]').first).to_have_class(re.compile("ra-hl--target"))
    else:
        note = page.locator(f"li.ra-note#ann-{ann}")
        expect(note).to_have_class(re.compile("ra-note--target"))
        expect(note).to_be_in_viewport()
        assert page.url.endswith(f"#note-{ann}")


def test_endnote_tooltip(full, http_base, desktop):
    page = open_page(desktop, http_base + full.part)
    ref = page.locator("sup[id^='fnref'] a.footnote-ref").first
    if not ref.count():
        pytest.skip(f"{full.part} has no endnotes")
    ref.scroll_into_view_if_needed()
    ref.hover(force=True)
    tip = page.locator(".md-tooltip2--active")
    expect(tip).to_be_visible()
    assert tip.inner_text().strip(), "the endnote tooltip is empty"
    page.mouse.move(2, 790)
    expect(tip).to_have_count(0)
    ref.focus()
    expect(page.locator(".md-tooltip2--active")).to_be_visible()


TOP_BLOCK = """() => {  // [the article's block under the header, how far into it (px) the view starts]
    const top = document.querySelector('.md-header').getBoundingClientRect().bottom;
    const blocks = [...document.querySelector('.md-content article').children];
    const at = blocks.filter(b => b.getBoundingClientRect().top <= top + 0.5).pop();
    return at ? [blocks.indexOf(at), top - at.getBoundingClientRect().top] : null; }"""


def test_reading_position_is_remembered(site, http_base, desktop):
    page = open_page(desktop, http_base + site.part)
    room = page.evaluate("document.documentElement.scrollHeight - innerHeight")
    if room < 400:
        pytest.skip(f"{site.part} is too short to scroll")
    page.evaluate("scrollTo(0, (document.documentElement.scrollHeight - innerHeight) / 2 + 37)")
    page.wait_for_timeout(700)  # saved a moment after scrolling stops
    block, into = page.evaluate(TOP_BLOCK)
    open_page(page, http_base + "index.html")
    open_page(page, http_base + site.part)
    # the same block under the header, as far into it: blocks out of view have estimated heights
    # (content-visibility), so a fraction of the page's height would land elsewhere
    page.wait_for_function(f"() => {{ const p = ({TOP_BLOCK})(); return p && p[0] === {block} && Math.abs(p[1] - {into}) < 4; }}",
                           timeout=5000)
    heading = first_id(site, site.part, r'<h2 id="([^"]+)"')
    open_page(page, f"{http_base}{site.part}#{heading}")
    top = page.evaluate(f"document.getElementById({heading!r}).getBoundingClientRect().top")
    # on the target's screen (blocks laid out as they come into view may nudge it), not the remembered place
    assert 0 <= top < 400, f"a link to a place in the page wins over the remembered position: #{heading} at {top}px"


def test_the_reader_and_links_win_over_the_restore(site, http_base, new_page):
    page = new_page()
    open_page(page, http_base + site.part)
    if page.evaluate("document.documentElement.scrollHeight - innerHeight") < 1600:
        pytest.skip(f"{site.part} is too short to scroll")
    page.evaluate("scrollTo(0, (document.documentElement.scrollHeight - innerHeight) / 2)")
    page.wait_for_timeout(700)
    saved = page.evaluate(TOP_BLOCK)
    open_page(page, http_base + "index.html")
    # frames 150 ms apart: the restore, which measures again each frame, is still at work after the load
    page.context.add_init_script("window.requestAnimationFrame = f => setTimeout(() => f(performance.now()), 150);")
    open_page(page, http_base + site.part)
    page.mouse.move(640, 400)
    before = page.evaluate("scrollY")
    assert before > 600, "the remembered position was not restored before the reader scrolled"
    page.mouse.wheel(0, 600)
    page.wait_for_function(f"scrollY > {before} + 300")  # the wheel has scrolled
    after = page.evaluate("scrollY")
    page.wait_for_timeout(1500)  # ten slowed frames: the restore, still at work, would pull the view back
    assert abs(page.evaluate("scrollY") - after) < 2, "the restore pulled the view back after the reader scrolled"
    assert page.evaluate(TOP_BLOCK) != saved
    # a link followed while the restore is at work wins too (a contents entry clicked at once)
    page.evaluate("scrollTo(0, (document.documentElement.scrollHeight - innerHeight) / 2)")
    page.wait_for_timeout(700)
    open_page(page, http_base + "index.html")
    open_page(page, http_base + site.part)
    heading = first_id(site, site.part, r'<h2 id="([^"]+)"')
    page.evaluate(f"location.hash = {heading!r}")
    page.wait_for_timeout(1500)
    top = page.evaluate(f"document.getElementById({heading!r}).getBoundingClientRect().top")
    assert 0 <= top < 400, f"the restore pulled the view away from the link's target: #{heading} at {top}px"


def test_works_when_storage_is_blocked(site, file_base, desktop):
    desktop.context.add_init_script("""Object.defineProperty(window, 'localStorage', {
        get() { throw new DOMException('blocked', 'SecurityError'); } });""")
    page = open_page(desktop, file_base + site.part)
    page.locator("article a.ra-term[data-tip]").first.focus()
    expect(page.locator(POPUP)).to_be_visible()
    page.mouse.wheel(0, 500)
    page.wait_for_timeout(600)
    assert not [e for e in page.recorder.page_errors if "reader.js" in e], page.recorder.page_errors
