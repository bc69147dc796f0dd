"""Every page works offline: no request leaves the site's origin, and our script raises no error."""
from __future__ import annotations

import pytest

from .helpers import POPUP, open_page, same_origin

expect = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed").expect


def test_every_page_stays_on_its_origin(site, base, desktop):
    page = desktop
    recorder = page.recorder
    visited = 0
    # 404.html links its assets from the site root ("/assets/..."), as it must when a server shows it for
    # any missing path; from disk nothing ever shows it, so the file:// walk leaves it out.
    pages = [p for p in site.pages if not (base.startswith("file:") and p == "404.html")]
    for rel in pages:
        open_page(page, base + rel)
        visited += 1
        broken = page.evaluate("""() => {
            const ids = [...document.querySelectorAll('[id]')].map(n => n.id);
            return {nestedLinks: document.querySelectorAll('a a').length, duplicateIds: ids.length - new Set(ids).size};
        }""")
        assert broken == {"nestedLinks": 0, "duplicateIds": 0}, f"{rel}: {broken}"
        trigger = page.locator("article a.ra-term[data-tip]").first
        if trigger.count():  # exercise our script on every page that has popups
            trigger.focus()
            expect(page.locator(POPUP)).to_be_visible()
            page.keyboard.press("Escape")
            expect(page.locator(POPUP)).to_be_hidden()
    assert visited == len(pages) > 5
    off_origin = sorted({url for url in recorder.requests if not same_origin(url, base)})
    assert not off_origin, f"requests that leave the site: {off_origin}"
    ours = [e for e in recorder.console_errors + recorder.page_errors if "reader.js" in e]
    assert not ours, f"errors from reader.js: {ours}"
    assert not recorder.page_errors, f"uncaught errors: {recorder.page_errors}"
