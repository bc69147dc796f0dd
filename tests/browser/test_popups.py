"""Glossary and people popups: hover, keyboard focus, touch, Escape, staying inside the viewport."""
from __future__ import annotations

import re

import pytest

from .helpers import MOBILE, POPUP, box_inside_viewport, open_page

expect = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed").expect

KINDS = {"term": 'data-tip="term-', "person": 'data-tip="person-'}


def trigger_page(site, kind: str) -> str:
    """The popup-test part page if it has a trigger of this kind, else the first part page that has one."""
    candidates = [site.part] + [p for p in site.pages if p.startswith("book/") and p != site.part]
    for rel in candidates:
        if KINDS[kind] in site.html(rel):
            return rel
    pytest.skip(f"no page of this build links a {kind} (the {kind} list may be empty)")


def first_trigger(page, kind: str):
    """The first trigger of `kind` in the body text (not the "In this part" box)."""
    sel = f"a.ra-term[data-tip^='{kind}-']"
    locator = page.locator(f"article > p {sel}, article .ra-synopsis {sel}").first
    locator.scroll_into_view_if_needed()
    return locator


def tip_title(page, trigger) -> str:
    tip = trigger.get_attribute("data-tip")
    return page.evaluate("id => document.getElementById('tip-' + id).content.querySelector('.ra-tip-title').textContent",
                         tip).strip()


@pytest.mark.parametrize("kind", KINDS)
def test_popup_opens_on_hover_and_stays_while_hovered(site, base, desktop, kind):
    page = open_page(desktop, base + trigger_page(site, kind))
    trigger = first_trigger(page, kind)
    popup = page.locator(POPUP)
    trigger.hover(force=True)
    expect(popup).to_be_visible()
    expect(popup).to_have_attribute("role", "tooltip")
    expect(trigger).to_have_attribute("aria-describedby", "ra-pop")
    assert tip_title(page, trigger) in popup.inner_text()
    expect(popup.locator(".ra-tip-more a")).to_have_attribute("href", re.compile(r"(glossary|people)\.html#"))
    # WCAG 1.4.13: the pointer can move onto the popup without it closing
    box = popup.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_timeout(600)
    expect(popup).to_be_visible()
    page.mouse.move(2, page.viewport_size["height"] - 2)
    expect(popup).to_be_hidden()
    assert trigger.get_attribute("aria-describedby") is None


def test_popup_opens_on_tab_and_escape_returns_focus(site, http_base, desktop):
    page = open_page(desktop, http_base + trigger_page(site, "person"))
    trigger = first_trigger(page, "person")
    popup = page.locator(POPUP)
    # focus whatever comes just before the trigger, then Tab onto it, as a keyboard user would
    trigger.evaluate("""t => {
        const all = [...document.querySelectorAll('a[href], button, input, summary, [tabindex]:not([tabindex="-1"])')]
            .filter(n => n.offsetParent !== null);
        all[all.indexOf(t) - 1].focus();
    }""")
    page.keyboard.press("Tab")
    expect(trigger).to_be_focused()
    expect(popup).to_be_visible()
    assert tip_title(page, trigger) in popup.inner_text()
    page.keyboard.press("Escape")
    expect(popup).to_be_hidden()
    expect(trigger).to_be_focused()
    page.wait_for_timeout(400)
    expect(popup).to_be_hidden()  # focus given back must not reopen it
    page.keyboard.press("Tab")  # leaving the trigger: its popup stays closed (the next trigger may open its own)
    assert trigger.get_attribute("aria-describedby") is None
    now = page.evaluate("document.activeElement.getAttribute('data-tip')")
    if now:
        assert tip_title(page, page.locator(f"a[data-tip='{now}']:focus")) in popup.inner_text()
    else:
        expect(popup).to_be_hidden()


def test_popup_follows_focus_and_only_one_is_open(site, http_base, desktop):
    page = open_page(desktop, http_base + trigger_page(site, "person"))
    triggers = page.locator("article p a.ra-term[data-tip]")
    assert triggers.count() >= 2, "the popup test page needs two triggers"
    first, second = triggers.nth(0), triggers.nth(1)
    first.focus()
    expect(page.locator(POPUP)).to_be_visible()
    second.focus()
    expect(page.locator(POPUP)).to_be_visible()
    assert page.locator(".ra-pop").count() == 1
    assert tip_title(page, second) in page.locator(POPUP).inner_text()
    assert first.get_attribute("aria-describedby") is None
    expect(second).to_have_attribute("aria-describedby", "ra-pop")
    # a click anywhere else closes it
    page.mouse.click(2, page.viewport_size["height"] - 2)
    expect(page.locator(POPUP)).to_be_hidden()


def test_first_tap_opens_second_tap_follows_the_link(site, base, mobile):
    rel = trigger_page(site, "person")
    page = open_page(mobile, base + rel)
    trigger = first_trigger(page, "person")
    popup = page.locator(POPUP)
    trigger.tap()
    expect(popup).to_be_visible()
    assert page.url.endswith(rel), "the first tap must not follow the link"
    box = box_inside_viewport(page)
    size = page.viewport_size
    assert abs(box["x"]) < 1 and abs(box["width"] - size["width"]) < 1, "narrow screens show a bottom sheet"
    assert abs(box["y"] + box["height"] - size["height"]) < 1, "the sheet sits on the bottom edge"
    t = trigger.bounding_box()
    assert 0 <= t["y"] and t["y"] + t["height"] <= box["y"] + 1, f"the sheet hides its trigger: {t} {box}"
    page.locator(".ra-pop-close").tap()
    expect(popup).to_be_hidden()
    trigger.tap()
    expect(popup).to_be_visible()
    href = trigger.get_attribute("href")
    trigger.tap()
    page.wait_for_url(re.compile(re.escape(href.split("/")[-1]) + "$"))


def test_tap_outside_closes(site, http_base, mobile):
    page = open_page(mobile, http_base + trigger_page(site, "person"))
    first_trigger(page, "person").tap()
    expect(page.locator(POPUP)).to_be_visible()
    page.locator("article h1").tap()
    expect(page.locator(POPUP)).to_be_hidden()


PLACES = {
    "inline": "",
    "right-edge": "position:fixed; right:0; top:40%; z-index:3",
    "bottom-right": "position:fixed; right:0; bottom:0; z-index:3",
    "top-left": "position:fixed; left:0; top:50px; z-index:3",
}


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("device", ["desktop", "mobile"])
def test_popup_stays_inside_the_viewport(site, http_base, new_page, device, place):
    page = open_page(new_page(**(MOBILE if device == "mobile" else {})), http_base + trigger_page(site, "person"))
    trigger = first_trigger(page, "person")
    if PLACES[place]:
        # its block is contained while it may be skipped (reader.css content-visibility), which would
        # make the block, not the viewport, the fixed trigger's frame
        trigger.evaluate("(t, css) => { t.style.cssText = css; const b = t.closest('article > *'); if (b) b.style.contentVisibility = 'visible'; }",
                         PLACES[place])
    if device == "mobile":
        trigger.tap()
    else:
        trigger.focus()
    expect(page.locator(POPUP)).to_be_visible()
    box = box_inside_viewport(page)
    if device == "desktop":
        t = trigger.bounding_box()
        overlap = box["y"] < t["y"] + t["height"] and t["y"] < box["y"] + box["height"]
        assert not overlap, f"the popup covers its trigger: {box} {t}"
        if place == "bottom-right":
            assert "ra-pop--above" in page.locator(POPUP).get_attribute("class")


def test_popup_follows_scrolling(site, http_base, desktop):
    page = open_page(desktop, http_base + trigger_page(site, "person"))
    trigger = first_trigger(page, "person")
    trigger.focus()
    popup = page.locator(POPUP)
    expect(popup).to_be_visible()
    before = popup.bounding_box()["y"] - trigger.bounding_box()["y"]
    page.mouse.wheel(0, 60)
    page.wait_for_timeout(250)
    if popup.is_visible():  # repositioned next to its trigger, or closed when the trigger left the screen
        after = popup.bounding_box()["y"] - trigger.bounding_box()["y"]
        assert abs(after - before) < 2
