"""Glossary and People pages: an "Appears in" link lands on the first use of the entry in that part."""
from __future__ import annotations

import re

import pytest

from .helpers import open_page

expect = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed").expect

PAGES = {"glossary.html": ("term", "politburo"), "people.html": ("person", "beria")}


def appearance_link(page, kind: str, ident: str):
    """The entry's first "Appears in" link; another entry's when this one appears nowhere in this build."""
    own = page.locator(f"p.ra-appears a[href*='#use-{kind}-{ident}']")
    return own.first if own.count() else page.locator("p.ra-appears a").first


@pytest.mark.parametrize("reference", PAGES)
def test_appears_in_link_lands_on_the_occurrence(site, base, desktop, reference):
    kind, ident = PAGES[reference]
    page = open_page(desktop, base + reference)
    link = appearance_link(page, kind, ident)
    if not link.count():
        pytest.skip(f"no entry of {reference} appears in any part of this build")
    fragment = link.get_attribute("href").split("#", 1)[1]
    link.scroll_into_view_if_needed()
    link.click()
    page.wait_for_url(re.compile(rf"/book/[^/]+\.html#{re.escape(fragment)}$"))
    target = page.locator(f"#{fragment}")
    # The anchor is the trigger of that very entry, not just somewhere on the page.
    expect(target).to_have_attribute("data-tip", fragment.removeprefix("use-"))
    expect(target).to_have_class(re.compile(r"\bra-term\b"))
    page.wait_for_timeout(300)  # let the browser finish scrolling to the fragment
    box = target.bounding_box()
    header = page.locator("header.md-header").bounding_box()
    viewport = page.viewport_size
    assert box and header, "the target or the header has no box"
    assert box["y"] >= header["y"] + header["height"] - 1, ("the landing is hidden under the header", box, header)
    assert box["y"] + box["height"] <= viewport["height"], ("the landing is below the fold", box, viewport)
    # and it is marked, so the eye finds the word in the paragraph
    marked = target.evaluate("el => getComputedStyle(el).backgroundColor")
    assert marked not in ("rgba(0, 0, 0, 0)", "transparent"), marked
