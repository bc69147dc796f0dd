"""Search (docs/assets/search.js over the prebuilt index): variants, landing, keys, offline, both editions."""
from __future__ import annotations

import functools
import http.server
import re
import shutil
import sys
import threading
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from .conftest import Site, _QuietHandler
from .helpers import open_page, same_origin
from .test_a11y import axe_violations, check

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from sitebuild import build, copy_project  # noqa: E402

expect = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed").expect

RESULT = ".md-search-result__item"
INPUT = "input.md-search__input"


def search(page, query: str):
    """Open search with `/` as a reader does, type, and wait for results."""
    page.keyboard.press("/")
    expect(page.locator(INPUT)).to_be_focused()
    page.keyboard.type(query, delay=15)
    expect(page.locator(RESULT).first).to_be_visible()
    return page.locator(RESULT)


def landed(page, base: str) -> tuple[str, str, list[str]]:
    """(page path relative to the site, fragment, words asked to be marked) of the current URL."""
    url = urlsplit(page.url)
    root = unquote(urlsplit(base).path)
    path = unquote(url.path)
    rel = path[len(root):] if path.startswith(root) else path.lstrip("/")
    return rel or "index.html", unquote(url.fragment), parse_qs(url.query).get("h", [""])[0].split()


def results(page) -> list[tuple[str, str]]:
    """(kind label, href) of every result shown."""
    return page.eval_on_selector_all(f"{RESULT} a", """links => links.map(a => [
        a.querySelector('.ra-search-where').textContent.split(' \u00b7 ')[0], a.getAttribute('href')])""")


@pytest.fixture(scope="session")
def companion_site(site, tmp_path_factory) -> Site:
    """The companion edition: the session's site when it is one, else a build of a copy without the text."""
    if not site.full:
        return site
    project = copy_project(tmp_path_factory.mktemp("companion-search"))
    done = build(project)
    if done.returncode:
        pytest.fail(f"companion build failed:\n{done.stderr[-3000:]}")
    return Site(project / "site", "companion", "book/in-lenins-shadow.html")


@pytest.fixture(scope="session")
def companion_base(companion_site):
    handler = functools.partial(_QuietHandler, directory=str(companion_site.dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_a_variant_spelling_finds_the_entry_and_the_passages(site, base, desktop):
    # "Beriia" is how the endnotes transliterate the name; people.yml lists it as a form of Beria.
    page = open_page(desktop, base + "index.html")
    search(page, "Beriia ")
    shown = results(page)
    assert shown[0][0] == "People" and shown[0][1].endswith("#person-beria"), shown[:3]  # the entry first
    hrefs = [href for _, href in shown]
    beria = site.search_locations("Beria")  # documents that spell it the usual way only
    spelled_usual = {loc for loc in beria if loc not in site.search_locations("Beriia")}
    assert spelled_usual, "no document spells it Beria"
    listed = {(urlsplit(h).path.lstrip("./"), urlsplit(h).fragment) for h in hrefs}
    assert listed & spelled_usual, "the variant did not find documents with the usual spelling"
    kinds = set(page.locator(".ra-search-kinds button").evaluate_all("bs => bs.map(b => b.firstChild.textContent.trim())"))
    assert {"All", "People", "Annotations"} <= kinds and ("Book" in kinds) == site.full, kinds
    assert page.locator(f"{RESULT} mark").first.is_visible()


def test_a_result_lands_on_its_paragraph_and_marks_the_words(site, base, desktop):
    page = open_page(desktop, base + site.part)
    search(page, "Tsaritsyn")
    kind = "Book" if site.full else "Annotations"
    page.locator(".ra-search-kinds button", has_text=kind).click()
    first = page.locator(f"{RESULT} a").first
    expect(first.locator(".ra-search-where")).to_contain_text(kind)
    with page.expect_navigation():
        first.click()
    rel, fragment, words = landed(page, base)
    assert fragment.startswith("p-" if site.full else "ann-"), page.url
    assert "tsaritsyn" in words
    target = page.locator(f"[id='{fragment}']")
    expect(target).to_be_in_viewport()
    marks = page.locator(f"[id='{fragment}'] mark.ra-search-found, [id='{fragment}'] ~ * mark.ra-search-found, "
                         f"mark.ra-search-found")
    expect(marks.first).to_be_visible()
    assert page.eval_on_selector(f"[id='{fragment}']", """(el, w) => Array.from(
        (el.tagName === 'MARK' ? el.closest('p, li') : el).querySelectorAll('mark.ra-search-found'))
        .some(m => m.textContent.toLowerCase() === w)""", "tsaritsyn")


@pytest.mark.parametrize("query", ["Tsaritsyn ", "Volgograd "])
def test_a_place_is_found_by_its_old_and_its_new_name(site, base, desktop, query):
    # Tsaritsyn (Stalingrad until 1961) is Volgograd today: either name finds the place's entry.
    page = open_page(desktop, base + site.part)
    search(page, query)
    page.locator(".ra-search-kinds button", has_text="Places").click()
    shown = results(page)
    assert shown and {k for k, _ in shown} == {"Places"}, shown[:5]
    first = page.locator(f"{RESULT} a").first
    assert urlsplit(shown[0][1]).fragment == "place-tsaritsyn", shown[:5]
    with page.expect_navigation():
        first.click()
    rel, fragment, words = landed(page, base)
    assert (rel, fragment) == ("places.html", "place-tsaritsyn"), page.url
    expect(page.locator("[id='place-tsaritsyn']")).to_be_in_viewport()
    marked = page.eval_on_selector("[id='place-tsaritsyn']", """h => [h, h.nextElementSibling]
        .flatMap(el => Array.from(el.querySelectorAll('mark.ra-search-found'))).map(m => m.textContent.toLowerCase())""")
    assert query.strip().lower() in marked, marked


def test_keyboard_only(site, http_base, desktop):
    page = open_page(desktop, http_base + "glossary.html")
    page.keyboard.press("s")
    expect(page.locator(INPUT)).to_be_focused()
    page.keyboard.type("nomenklat", delay=15)  # a prefix, still being typed
    expect(page.locator(RESULT).first).to_be_visible()
    page.keyboard.press("ArrowDown")
    first = page.locator(f"{RESULT} a").first
    expect(first).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(page.locator(f"{RESULT} a").nth(1)).to_be_focused()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    expect(page.locator(INPUT)).to_be_focused()
    page.keyboard.press("Escape")
    assert not page.evaluate("() => document.getElementById('__search').checked")
    page.keyboard.press("/")
    expect(page.locator(INPUT)).to_be_focused()
    best = first.get_attribute("href")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # the best result
    assert "#term-nomenklatura" in best and page.url.endswith(best.lstrip("."))
    expect(page.locator("#term-nomenklatura")).to_be_in_viewport()


def test_typos_and_prefixes(site, http_base, desktop):
    page = open_page(desktop, http_base + "index.html")
    page.evaluate("() => readerSearch.ready")
    found = page.evaluate("""() => ['Molotof ', 'Stalingrd ', 'Tsarits', 'nomenklatura'].map(q =>
        [q, readerSearch.search(q).hits.length])""")
    assert all(n > 0 for _, n in found), found
    # One letter missing from "Lenin": forgiven in a word of 5+ letters, not in a shorter one.
    assert page.evaluate("() => readerSearch.search('Leniin ').hits.length") > 0
    assert page.evaluate("() => readerSearch.search('Lnin ').hits.length") == 0


def test_search_from_disk_makes_no_request_elsewhere(site, file_base, desktop):
    page = open_page(desktop, file_base + site.part)
    search(page, "Tsaritsyn")
    with page.expect_navigation():
        page.locator(f"{RESULT} a").first.click()
    off = [url for url in page.recorder.requests if not same_origin(url, file_base)]
    assert off == [], off
    assert any(url.endswith("search/reader-index.js") for url in page.recorder.requests)
    assert page.recorder.page_errors == [], page.recorder.page_errors


def test_one_index_file_is_shipped(site):
    assert (site.dir / "search" / "reader-index.js").is_file()
    assert not (site.dir / "search" / "search_index.json").exists() and not (site.dir / "search" / "search_index.js").exists()


@pytest.mark.parametrize("query, kind, where", [
    ("Secretariat", "Glossary", "glossary.html#term-"),
    ("Yezhov", "People", "people.html#person-"),
    ("Kirov", "Timeline", "timeline.html#event-"),
    ("Synopsis", "Guide", "#synopsis"),
    ("Tsaritsyn", "Annotations", "book/in-lenins-shadow.html#ann-"),
])
def test_companion_searches_synopses_annotations_and_reference_pages(companion_site, companion_base, desktop, query, kind, where):
    page = open_page(desktop, companion_base + "index.html")
    search(page, query + " ")
    assert "Book" not in {k for k, _ in results(page)}
    page.locator(".ra-search-kinds button", has_text=kind).click()  # one kind only
    expect(page.locator(".ra-search-kinds button[aria-pressed=true]")).to_contain_text(kind)
    shown = results(page)
    assert {k for k, _ in shown} == {kind}, shown[:5]
    hits = [href for k, href in shown if k == kind]
    assert hits, (kind, shown[:5])
    assert any(where.split("#")[0] in href and "#" + where.split("#")[1] in href for href in hits), hits[:5]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_violations_with_results_open(site, http_base, new_page, scheme):
    page = open_page(new_page(color_scheme=scheme), http_base + site.part)
    search(page, "Bukharin")
    page.locator(".ra-search-kinds button", has_text="People").click()  # a pressed filter too
    check(axe_violations(page))


def test_the_header_button_opens_search_on_a_phone(site, http_base, mobile):
    page = open_page(mobile, http_base + "index.html")
    page.locator("label.ra-search-button").tap()
    expect(page.locator(INPUT)).to_be_focused()
    page.keyboard.type("Yezhov", delay=15)
    expect(page.locator(RESULT).first).to_be_visible()
    expect(page.locator(RESULT).first).to_be_in_viewport()
    with page.expect_navigation():
        page.locator(f"{RESULT} a").first.tap()
    expect(page.locator("[id='person-yezhov']")).to_be_in_viewport()


def test_the_index_loads_from_the_head_and_a_missing_one_says_so(site, desktop, tmp_path):
    """search.js and its index start loading with the page (annotated_reader/search.py `in_head`); when the
    index cannot load, in either order of the two scripts, search says so instead of waiting for ever."""
    head = (site.dir / site.part).read_text(encoding="utf-8").split("</head>")[0]
    assert re.search(r'<script id="ra-search-index" src="\.\./search/reader-index\.js" async', head), head[-600:]
    assert '<script src="../assets/search.js" async></script>' in head
    copy = tmp_path / "site"
    shutil.copytree(site.dir, copy, ignore=shutil.ignore_patterns("*.zip", "downloads"))
    (copy / "search" / "reader-index.js").unlink()
    page = open_page(desktop, (copy / site.part).as_uri())
    page.keyboard.press("/")
    page.keyboard.type("Lenin", delay=15)
    expect(page.locator(".md-search-result__meta")).to_contain_text("Search is not available")
    expect(page.locator(".md-search-result__meta")).to_contain_text("search/reader-index.js")
    assert page.recorder.page_errors == [], page.recorder.page_errors
