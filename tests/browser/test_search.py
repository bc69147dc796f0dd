"""Material's search works served and from disk, and a result lands on the right place."""
from __future__ import annotations

from urllib.parse import unquote, urlsplit

import pytest

from .helpers import open_page

expect = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed").expect

WORD = "nomenklatura"  # in the glossary and in annotations of both editions


def test_search_finds_and_lands(site, base, desktop):
    expected = site.search_locations(WORD)
    assert expected, f'"{WORD}" is in no search document: the search index lost the glossary or annotations'
    page = open_page(desktop, base + site.part)
    page.keyboard.press("/")
    expect(page.locator("input.md-search__input")).to_be_focused()
    page.keyboard.type(WORD, delay=20)
    items = page.locator(".md-search-result__item")
    expect(items.first).to_be_visible(timeout=20_000)  # from file:// the index is rebuilt on each page load
    # each result is a page followed by its matching sections: take the first section, which has a fragment
    link = page.locator(".md-search-result__item a[href*='#']:visible").first
    link.click()
    page.wait_for_load_state("load")
    url = urlsplit(page.url)
    path = unquote(url.path)
    root = urlsplit(base).path
    rel = path[len(unquote(root)):] if path.startswith(unquote(root)) else path.lstrip("/")
    fragment = url.fragment
    if fragment.startswith("ann-") and (rel, "note-" + fragment[4:]) in expected:
        fragment = "note-" + fragment[4:]  # the full edition takes a note's search result to its passage
    assert (rel or "index.html", fragment) in expected, f"landed on {page.url}, expected one of {sorted(expected)}"
    assert fragment, f"landed on {page.url} without a fragment"
    expect(page.locator(f"[id='{url.fragment}']")).to_be_in_viewport()
    if fragment.startswith("note-"):  # an annotation: its passage (full edition) or its note is highlighted
        expect(page.locator(".ra-hl--target, .ra-note--target").first).to_be_visible()
