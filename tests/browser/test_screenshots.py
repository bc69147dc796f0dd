"""Screenshots of a part page with an open popup, light and dark, desktop and phone (test-artifacts/, gitignored)."""
from __future__ import annotations

import pytest

from .helpers import MOBILE, POPUP, box_inside_viewport, open_page

expect = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed").expect


@pytest.mark.parametrize("device", ["desktop", "mobile"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_part_page_with_popup(site, http_base, new_page, artifacts, scheme, device):
    page = open_page(new_page(color_scheme=scheme, **(MOBILE if device == "mobile" else {})), http_base + site.part)
    expected = "slate" if scheme == "dark" else "default"
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == expected
    if site.full:
        target = page.locator("article a.ra-marker").nth(1)
    else:
        target = page.locator("article .ra-synopsis a.ra-term[data-tip]").first
    target.scroll_into_view_if_needed()
    page.evaluate("scrollBy(0, -innerHeight / 4)")  # leave room above, so the shot shows the context
    if device == "mobile":
        target.tap()
    elif site.full:
        target.click()
    else:
        target.hover(force=True)
    expect(page.locator(POPUP)).to_be_visible()
    box_inside_viewport(page)
    page.wait_for_timeout(150)
    path = artifacts / f"part-popup-{device}-{scheme}.png"
    page.screenshot(path=str(path))
    assert path.stat().st_size > 10_000
