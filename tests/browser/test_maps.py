"""The Places map, the part maps and the timeline strips in Chromium: screenshots in light and dark
(test-artifacts/), every marker reachable by keyboard with a visible focus ring, no serious axe
violation, and no request off the site's origin, also from file://."""
from __future__ import annotations

import pytest

from .helpers import open_page, render_every_block, same_origin
from .conftest import AXE
from .test_a11y import check

expect = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed").expect

PART = "book/before-the-revolution.html"


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name, path, figure", [("places", "places.html", "#places-map"),
                                                ("part", PART, ".ra-part-figures"),
                                                ("timeline", "timeline.html", "#timeline-strip")])
def test_screenshots(site, http_base, new_page, artifacts, scheme, name, path, figure):
    page = open_page(new_page(color_scheme=scheme), http_base + path)
    target = page.locator(figure)
    target.scroll_into_view_if_needed()
    expect(target).to_be_visible()
    box = target.bounding_box()
    assert box["width"] > 250 and box["height"] > 60, box
    shot = artifacts / f"maps-{name}-{scheme}.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000


def test_keyboard_reaches_every_marker_with_a_visible_ring(site, http_base, desktop):
    page = open_page(desktop, http_base + "places.html")
    markers = page.locator("#places-map a.ra-map-place")
    count = markers.count()
    assert count >= 50
    page.locator("#places-map").scroll_into_view_if_needed()
    markers.first.focus()
    seen = set()
    for _ in range(count):
        href = page.evaluate("document.activeElement.getAttribute('href')")
        assert page.evaluate("document.activeElement.closest('#places-map') !== null"), href
        seen.add(href)
        ring = page.evaluate("getComputedStyle(document.activeElement.querySelector('circle')).strokeWidth")
        assert ring == "3px", (href, ring)  # the focus ring of reader.css
        page.keyboard.press("Tab")
    assert len(seen) == count
    # Enter follows the focused marker to the place's entry.
    markers.first.focus()
    href = markers.first.get_attribute("href")
    page.keyboard.press("Enter")
    page.wait_for_function("h => location.hash === h", arg=href)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["places.html", "timeline.html", PART])
def test_no_serious_accessibility_violations(site, http_base, new_page, scheme, path):
    page = open_page(new_page(color_scheme=scheme), http_base + path)
    check(content_violations(page))


def content_violations(page) -> list[dict]:
    """axe on the page's content, where the figures are (test_a11y covers the theme's frame)."""
    if not AXE.is_file():
        pytest.skip(f"axe-core is missing ({AXE}): run `npm ci`")
    render_every_block(page)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("() => axe.run({include: [['.md-content']]}, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("path", ["places.html", "timeline.html", PART])
def test_figures_stay_on_the_origin(site, base, desktop, path):
    page = open_page(desktop, base + path)
    page.wait_for_timeout(200)
    off = sorted({url for url in page.recorder.requests if not same_origin(url, base)})
    assert not off, off
    assert page.locator("svg.ra-map, svg.ra-strip").count() >= 1
