"""Search figures: index weight, time until a query can be answered, and query time, in Chromium.

    python bench/searchspeed.py SITE_DIR [PAGE]     (PAGE: a page of the site, default the largest part)

Used by bench/run.py; runnable alone on any built site. Times are read inside the page
(performance.now(), whose zero is the navigation), so the browser's start-up is not counted:
- search_ready_ms: navigation -> the index loaded and the engine able to answer;
- dom_ready_ms: navigation -> DOMContentLoaded, the floor: the page itself before any script of ours;
- query_ms: one query, answered and its first results (snippets, marks) put in the dialog and laid
  out, over QUERIES (names, variants, prefixes being typed, typos, several words).
"""
from __future__ import annotations

import functools
import gzip
import http.server
import json
import statistics
import sys
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from annotated_reader.search import GLOBAL, INDEX_PATH, SEP, texts_of  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
LOADS = 5  # page loads per way of opening the site; the first over http fills the cache
QUERIES = [  # fixed, so runs compare; a trailing space means the word is finished (no prefix search)
    "Stalin ", "Lenin ", "Beria ", "Beriia ", "Yezhov ", "Ezhov ", "Molotov ", "Molotof ", "Bukharin ", "Trotsky ",
    "Zinoviev ", "Kamenev ", "Kaganovich ", "Mikoian ", "Voroshilov ", "Khrushchev ", "Zhukov ", "Kirov ", "Hitler ",
    "Churchill ", "Tsaritsyn ", "Stalingrad ", "Stalingrd ", "Gori ", "Tiflis ", "Kuntsevo ", "vozhd ", "vozhd's ",
    "nomenklatura ", "Politburo ", "NKVD ", "Gulag ", "kulaks ", "collectiv", "industrializ", "famine 1932 ",
    "Great Terror ", "Kirov murder ", "Order No. 00447 ", "Nazi-Soviet pact ", "Doctors' Plot ", "Leningrad Affair ",
    "five-year plan ", "Nadezhda Alliluyeva ", "Svetlana ", "dacha ", "stroke 1953 ", "Marshal Zhukov Berlin ",
    "Politbureau ", "revolution of 1917 ",
]


def index_figures(site: Path) -> dict:
    """Bytes of the index, raw and gzipped, and per byte of the text it makes searchable."""
    path = site / INDEX_PATH
    raw = path.read_bytes()
    packed = len(gzip.compress(raw, 9))
    script = raw.decode("utf-8")
    index = json.loads(script[len(f"window.{GLOBAL}="):].rstrip().rstrip(";"))
    titles, texts = index["titles"].split(SEP), texts_of(index)
    text = sum(len(t.encode()) for t in titles + texts)  # what a reader can find, each once
    return {"search_index_bytes": len(raw), "search_index_gzip_bytes": packed, "search_documents": len(texts),
            "search_text_bytes": text, "search_index_to_searchable_text": round(len(raw) / text, 3),
            "search_index_gzip_to_searchable_text": round(packed / text, 3)}


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _measure(browser, url: str) -> dict:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    ready, dom = [], []
    for _ in range(LOADS):
        page.goto(url, wait_until="load")
        page.evaluate("() => readerSearch.ready")
        times = page.evaluate("""() => [readerSearch.readyMs,
            performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd]""")
        ready.append(times[0])
        dom.append(times[1])
    page.keyboard.press("/")
    queries = page.evaluate("""queries => queries.map(q => {  // answered, rendered, laid out (not painted)
        const t0 = performance.now(); readerSearch.render(q);
        document.querySelector('.md-search-result__list').offsetHeight; return performance.now() - t0; })""", QUERIES)
    context.close()
    return {"search_ready_ms": round(statistics.median(ready)), "search_ready_first_ms": round(ready[0]),
            "dom_ready_ms": round(statistics.median(dom)),
            "query_ms_p95": round(_p95(queries), 1), "query_ms_median": round(statistics.median(queries), 1)}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass


def search_speed(site: Path, page: str) -> dict | None:
    """{"file": {...}, "http": {...}} for one page of the built site; None without Playwright/Chromium."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if not Path("/usr/bin/chromium").exists():
        return None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
            out = {"file": _measure(browser, (site / page).as_uri()),
                   "http": _measure(browser, f"http://127.0.0.1:{server.server_address[1]}/{page}")}
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return out


def largest_part(site: Path) -> str:
    pages = sorted((site / "book").glob("*.html"), key=lambda p: p.stat().st_size)
    return f"book/{pages[-1].name}"


if __name__ == "__main__":
    site_dir = Path(sys.argv[1]).resolve()
    figures = index_figures(site_dir)
    figures["page"] = sys.argv[2] if len(sys.argv) > 2 else largest_part(site_dir)
    figures.update(search_speed(site_dir, figures["page"]) or {})
    print(json.dumps(figures, indent=2))
