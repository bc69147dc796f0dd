"""The benchmark: build cost, page weight and scaling, measured side by side in one run.

    python bench/run.py [--quick] [--source PATH]      (PATH defaults to $READER_SOURCE)

Absolute times on shared machines are noise, so every target is a *ratio* of
medians measured in the same run, with the two sides interleaved (A B A B ...).
Prints a table with targets and PASS/FAIL and writes bench/results.json.
Synthetic books are generated text (bench/synthetic.py), never the real book.
"""
from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
from searchspeed import index_figures, search_speed  # noqa: E402
from synthetic import Spec, make_book, markdown_bytes  # noqa: E402

WORK = REPO / "bench" / "work"
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
ENV.pop("READER_PROFILE", None)

TARGETS = {  # name: (limit, "<=" or ">=")
    "hook_overhead_ratio": (1.15, "<="),
    "text_scaling_ratio": (4.4, "<="),
    "term_scaling_ratio": (1.10, "<="),
    "own_js_css_gzip_bytes": (15_000, "<="),
    "notes_bundle_gzip_bytes": (30_000, "<="),  # readers' notes code, loaded on first use (docs/assets/notes)
    "serve_rebuild_seconds": (1.5, "<="),
    "import_seconds": (2.0, "<="),
    "anchor_seconds": (0.5, "<="),  # stage_seconds.anchor: text maps + anchoring of the whole book in a build
    "import_seconds_wrapped": (2.0, "<="),
    "import_seconds_epub": (2.0, "<="),
    "import_seconds_pdf": (15.0, "<="),
    "term_linking_ratio": (1.10, "<="),
    "places_page_gzip_bytes": (150_000, "<="),
    "part_map_gzip_bytes": (15_000, "<="),
    "search_index_to_searchable_text": (1.2, "<="),
    "search_index_gzip_to_searchable_text": (0.5, "<="),
    "search_ready_ms_file": (300, "<="),
    "query_ms_p95_file": (30, "<="),
}


def median(values: list[float]) -> float:
    return statistics.median(values)


def ratio(a: float, b: float) -> float:
    """a / b, rounded for reading; b must be positive."""
    if b <= 0:
        raise ValueError("ratio of a non-positive time")
    return round(a / b, 3)


def verdict(name: str, value: float) -> str:
    if name not in TARGETS:
        return ""
    limit, op = TARGETS[name]
    ok = value <= limit if op == "<=" else value >= limit
    return f"{'PASS' if ok else 'FAIL'} ({op} {limit:g})"


def gz(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), 9))


def build(config: Path, site: Path, timings: Path | None = None) -> float:
    env = dict(ENV)
    if timings:
        env["READER_TIMINGS"] = str(timings)
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(site)],
                            cwd=config.parent, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode:
        raise SystemExit(f"build failed for {config}:\n{result.stderr[-3000:]}")
    return elapsed


def bench_config(config: Path) -> str:
    """The project's mkdocs.yml with an absolute hook path and the exports off: exports are
    separate artifacts (EPUB, JSON-LD), timed on their own as `exports_seconds_*`."""
    text = config.read_text(encoding="utf-8").replace("  - hooks/reader.py", f"  - {REPO / 'hooks' / 'reader.py'}")
    return re.sub(r"(?m)^(\s+exports:).*$", r"\1 []", text)


def without_hooks(config: Path) -> Path:
    """The same mkdocs.yml with the hooks removed: plain mkdocs-material, the floor."""
    lines = config.read_text(encoding="utf-8").splitlines()
    out, skip = [], False
    for line in lines:
        if line.startswith("hooks:"):
            skip = True
            continue
        if skip and line.startswith("  - "):
            continue
        skip = False
        out.append(line)
    plain = config.with_name("mkdocs-plain.yml")
    plain.write_text("\n".join(out) + "\n", encoding="utf-8")
    return plain


OWN_ASSETS = ("reader.js", "reader.css", "search.js", "search.css", "notes/boot.js", "notes/boot.css")  # every page loads them
NOTES_BUNDLE = ("notes/notes.js", "notes/anchoring.js", "notes/notes.css", "notes/config.js")  # loaded on first use


def asset_weights(site: Path) -> dict:
    """Our JS and CSS as a reader downloads them: the built (minified) files in `site`; the sources'
    gzip sizes beside them for reference (config.js is generated, so it counts as built in both)."""
    built = [site / "assets" / name for name in OWN_ASSETS]
    notes = [site / "assets" / name for name in NOTES_BUNDLE]
    sources = {name: REPO / "docs" / "assets" / name for name in OWN_ASSETS + NOTES_BUNDLE}
    notes_sources = [sources[n] if sources[n].exists() else site / "assets" / n for n in NOTES_BUNDLE]
    return {"own_js_css_bytes": sum(p.stat().st_size for p in built),
            "own_js_css_gzip_bytes": sum(gz(p) for p in built),
            "own_js_css_source_gzip_bytes": sum(gz(sources[n]) for n in OWN_ASSETS),
            "notes_bundle_gzip_bytes": sum(gz(p) for p in notes),
            "notes_bundle_source_gzip_bytes": sum(gz(p) for p in notes_sources)}


def interleaved(a, b, runs: int) -> tuple[list[float], list[float]]:
    times_a, times_b = [], []
    for _ in range(runs):
        times_a.append(a())
        times_b.append(b())
    return times_a, times_b


def real_project(source: Path | None) -> tuple[Path, float | None, int]:
    """A copy of this project with the real text imported (or the companion edition)."""
    root = WORK / "real"
    shutil.rmtree(root, ignore_errors=True)
    (root / "docs").mkdir(parents=True)
    for name in ("annotations", "profiles"):
        shutil.copytree(REPO / name, root / name)
    for path in (REPO / "docs").glob("*.md"):
        shutil.copy(path, root / "docs" / path.name)
    shutil.copytree(REPO / "docs" / "assets", root / "docs" / "assets")
    if (REPO / "node_modules").exists():
        (root / "node_modules").symlink_to(REPO / "node_modules")
    (root / "mkdocs.yml").write_text(bench_config(REPO / "mkdocs.yml"), encoding="utf-8")
    import_seconds, text_bytes = None, 0
    if source:
        from annotated_reader.importer import import_book
        times = []
        for i in range(5):
            out = root / "docs" / "book" if i == 4 else WORK / f"import-{i}"
            start = time.perf_counter()
            import_book(source, out, REPO / "profiles" / "stalin-new-biography.yml")
            times.append(time.perf_counter() - start)
            if out != root / "docs" / "book":
                shutil.rmtree(out)
        import_seconds = round(median(times), 3)
        text_bytes = source.stat().st_size
    return root, import_seconds, text_bytes


def search_ready(url: str, query: str) -> tuple[float, float | None] | None:
    """Seconds from navigation to the first search result (Material rebuilds its index per page load)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if not Path("/usr/bin/chromium").exists():
        return None
    args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=args)
        page = browser.new_page()
        start = time.perf_counter()
        page.goto(url, wait_until="domcontentloaded")
        page.keyboard.press("/")
        page.keyboard.type(query)
        page.wait_for_selector(".md-search-result__item", timeout=30_000)
        elapsed = time.perf_counter() - start
        hover = None
        trigger = page.locator("a.ra-term").first
        page.keyboard.press("Escape")
        if trigger.count():
            trigger.scroll_into_view_if_needed()
            t0 = time.perf_counter()
            trigger.hover(force=True)
            page.wait_for_selector("[role=tooltip]:visible, .ra-popup:visible", timeout=5_000)
            hover = time.perf_counter() - t0
        browser.close()
    return round(elapsed, 3), (round(hover, 3) if hover is not None else None)


SAVES = 3  # annotation-file saves per `mkdocs serve` session; serve_rebuild_seconds is their median


def serve_rebuild(root: Path, touch: Path) -> tuple[float, list[float]] | None:
    """Seconds from saving one annotation file to `mkdocs serve` reloading the browser: (median, each save).

    MkDocs notices a change by polling every 0.5 s, so the wait depends on when, within a poll, the
    file is saved. A contributor saves at any moment: the file is saved SAVES times, spaced by
    intervals that fall at different points of the poll, after the server has settled."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-f", str(root / "mkdocs.yml"), "-a", f"127.0.0.1:{port}"],
                            cwd=root, env=ENV, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    lines: list[tuple[float, str]] = []
    threading.Thread(target=lambda: [lines.append((time.perf_counter(), l)) for l in proc.stderr], daemon=True).start()
    try:
        deadline = time.perf_counter() + 180
        while not any("Serving on" in l for _, l in lines):
            if time.perf_counter() > deadline or proc.poll() is not None:
                return None
            time.sleep(0.1)
        times = []
        for save in range(SAVES):
            time.sleep(2.0 + 0.17 * save)  # settled (the first build's search index is written), then a new phase
            seen = len(lines)
            start = time.perf_counter()
            touch.write_text(touch.read_text(encoding="utf-8") + "\n", encoding="utf-8")
            done = None
            while done is None and time.perf_counter() < deadline:
                done = next((t for t, l in lines[seen:] if "Reloading browsers" in l or "Documentation built" in l), None)
                time.sleep(0.02)
            if done is None:
                return None
            times.append(round(done - start, 3))
        return median(times), times
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def import_forms(source: Path | None, runs: int) -> dict:
    """import_seconds per form: the book made at bench time as wrapped text, EPUB and PDF, then imported.

    The forms come from the test generators (tests/bookforms/<form>.py), written
    from the paragraph text's import into bench/work (never committed); a form
    whose generator is missing or cannot run here is skipped with the reason.
    Without the real text the ORIGINAL mini book is used (its times only show
    that the readers run). Wrapped text is the hardest variant: plain-digit
    markers and no blank lines between paragraphs.
    """
    sys.path.insert(0, str(REPO / "tests"))
    import importlib

    from annotated_reader.importer import import_book, load_profile
    from bookforms import MINI_PROFILE, MINI_TEXT, REAL_PROFILE, import_canonical

    text, profile_path = (source, REAL_PROFILE) if source else (MINI_TEXT, MINI_PROFILE)
    profile = load_profile(profile_path, str(profile_path))
    result = import_canonical(text, profile)
    results: dict = {"import_forms_book": "real" if source else "mini", "import_forms_skipped": {}}
    options = {"wrapped": {"markers": "plain", "blank_lines": False}, "epub": {}, "pdf": {}}
    files = {"text": text}
    for form, opts in options.items():
        try:
            module = importlib.import_module(f"bookforms.{form}")
            reason = module.skip_reason() if hasattr(module, "skip_reason") else ""
            if reason:
                raise RuntimeError(reason)
            out = WORK / "forms" / form
            shutil.rmtree(out, ignore_errors=True)
            out.mkdir(parents=True)
            files[form] = module.make(result, profile, out, **opts)
        except Exception as error:  # noqa: BLE001 - any failure to make a form is a stated skip
            results["import_forms_skipped"][form] = f"{type(error).__name__}: {error}"
    for form, path in files.items():
        times = []
        for i in range(runs):
            out = WORK / f"forms-import-{form}-{i}"
            start = time.perf_counter()
            import_book(path, out, profile_path)
            times.append(time.perf_counter() - start)
            shutil.rmtree(out)
        results[f"import_seconds_{form}"] = round(median(times), 3)
    for form in ("wrapped", "epub", "pdf"):  # against the text import of the same run: load-independent
        if f"import_seconds_{form}" in results:
            results[f"import_ratio_{form}_to_text"] = ratio(results[f"import_seconds_{form}"],
                                                            results["import_seconds_text"])
    if not results["import_forms_skipped"]:
        del results["import_forms_skipped"]
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", default=os.environ.get("READER_SOURCE"), help="your copy of the book (plain text)")
    parser.add_argument("--quick", action="store_true", help="fewer runs (for a smoke test)")
    parser.add_argument("--forms", action="store_true", help="only import_seconds per form (prints, writes nothing)")
    args = parser.parse_args(argv)
    runs = 1 if args.quick else 3
    WORK.mkdir(parents=True, exist_ok=True)
    source = Path(args.source).resolve() if args.source else None
    if args.forms:
        print(report(import_forms(source, runs)))
        return 0
    results: dict = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
                     "date": dt.date.today().isoformat(), "runs": runs, "edition": "reader" if source else "companion"}
    started = time.perf_counter()

    # 1-3: import, hook overhead, per-stage cost on the real project
    root, results["import_seconds"], text_bytes = real_project(source)
    results.update(import_forms(source, runs))  # the same book from wrapped text, EPUB and PDF
    if not source:  # no text: measure the overhead on a synthetic book of the real book's size
        root = make_book(WORK / "overhead", Spec(scale=1.0), REPO)
    config = root / "mkdocs.yml"
    plain = without_hooks(config)
    stage_file = WORK / "stages.json"
    hooked, floor = interleaved(lambda: build(config, WORK / "site-hooks", stage_file),
                                lambda: build(plain, WORK / "site-plain"), runs)
    results["build_seconds_with_hooks"] = round(median(hooked), 3)
    results["build_seconds_plain"] = round(median(floor), 3)
    results["hook_overhead_ratio"] = ratio(median(hooked), median(floor))
    results["stage_seconds"] = {k: round(v, 3) for k, v in json.loads(stage_file.read_text()).items()}
    results["anchor_seconds"] = results["stage_seconds"].get("anchor", 0.0)
    unlinked = config.with_name("mkdocs-unlinked.yml")
    unlinked.write_text(config.read_text(encoding="utf-8").replace("    link_people: true", "    link_people: true\n    link_terms: false"),
                        encoding="utf-8")
    # A 10% target needs more samples than the others on a shared machine: five pairs, unless --quick.
    linked, bare = interleaved(lambda: build(config, WORK / "site-linked"), lambda: build(unlinked, WORK / "site-unlinked"),
                               runs if args.quick else 5)
    results["build_seconds_linked"], results["build_seconds_unlinked"] = round(median(linked), 3), round(median(bare), 3)
    results["term_linking_ratio"] = ratio(median(linked), median(bare))
    # Exports: inside a build (reusing its placed pages), and standalone as `reader export` does them.
    with_exports = config.with_name("mkdocs-exports.yml")
    with_exports.write_text(re.sub(r"(?m)^(\s+exports:).*$", r"\1 [epub, jsonld]", config.read_text(encoding="utf-8")),
                            encoding="utf-8")
    in_build = []
    for _ in range(runs):
        build(with_exports, WORK / "site-exports", stage_file)
        in_build.append(json.loads(stage_file.read_text())["exports"])
    results["exports_seconds_in_build"] = round(median(in_build), 3)
    from annotated_reader.export import build_exports
    start = time.perf_counter()
    build_exports(root, root / "docs", WORK / "exports", ["jsonld", "epub"])
    results["exports_seconds_standalone"] = round(time.perf_counter() - start, 3)

    # 5: weight, from the site just built with hooks
    site = WORK / "site-hooks"
    results.update(asset_weights(site))
    pages = sorted((site / "book").glob("*.html"), key=lambda p: p.stat().st_size)
    results["largest_page"] = pages[-1].name
    results["largest_page_bytes"] = pages[-1].stat().st_size
    results["largest_page_gzip_bytes"] = gz(pages[-1])
    results["places_page_gzip_bytes"] = gz(site / "places.html")  # the map and the list of places
    maps = (re.search(r'<figure class="ra-figure ra-part-map">.*?</figure>', p.read_text(encoding="utf-8"), re.S) for p in pages)
    results["part_map_gzip_bytes"] = max((len(gzip.compress(m.group().encode(), 9)) for m in maps if m), default=0)
    results.update(index_figures(site))  # search/reader-index.js, the one file search downloads
    text_bytes = text_bytes or markdown_bytes(root)
    results["search_index_to_text_ratio"] = ratio(results["search_index_bytes"], text_bytes)
    results["site_bytes"] = sum(p.stat().st_size for p in site.rglob("*") if p.is_file() and "downloads" not in p.parts)
    results["offline_zip_bytes"] = next(site.glob("downloads/*.zip")).stat().st_size

    # 4: scaling on synthetic books (generated text)
    scale_times = {}
    for scale in (1, 2, 4):
        book = make_book(WORK / f"scale-{scale}", Spec(scale=scale), REPO)
        scale_times[scale] = median([build(book / "mkdocs.yml", WORK / f"site-scale-{scale}") for _ in range(runs)])
    results["text_scaling_seconds"] = {f"{k}x": round(v, 3) for k, v in scale_times.items()}
    results["text_scaling_ratio"] = ratio(scale_times[4], scale_times[1])
    books = {n: make_book(WORK / f"forms-{n}", Spec(forms=n), REPO) for n in (100, 1000, 5000)}
    form_times = {n: [] for n in books}
    for _ in range(runs):
        for n, book in books.items():  # interleaved, so drift hits every size alike
            form_times[n].append(build(book / "mkdocs.yml", WORK / f"site-forms-{n}"))
    results["term_scaling_seconds"] = {str(n): round(median(t), 3) for n, t in form_times.items()}
    results["term_scaling_ratio"] = ratio(median(form_times[5000]), median(form_times[100]))

    # 6: incremental rebuild under `mkdocs serve` vs a full build
    touch = next((root / "annotations").glob("*.yml"))
    served = serve_rebuild(root, touch)
    results["serve_rebuild_seconds"], results["serve_rebuild_each"] = served if served else (None, None)
    if results["serve_rebuild_seconds"]:
        results["serve_rebuild_to_full_build_ratio"] = ratio(results["serve_rebuild_seconds"], results["build_seconds_with_hooks"])

    # 7: browser, over http and file://
    query = "nomenklatura" if source else "zterm0x0"
    page = site / "book" / pages[-1].name
    results["browser"] = {}
    file_times = search_ready(page.as_uri(), query)
    if file_times:
        results["browser"]["file_search_ready_seconds"], results["browser"]["file_popup_seconds"] = file_times
    server = subprocess.Popen([sys.executable, "-m", "http.server", "0", "-b", "127.0.0.1", "-d", str(site)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        port = int(server.stdout.readline().split("port ")[1].split()[0])
        http_times = search_ready(f"http://127.0.0.1:{port}/book/{page.name}", query)
        if http_times:
            results["browser"]["http_search_ready_seconds"], results["browser"]["http_popup_seconds"] = http_times
    finally:
        server.terminate()
    # 8: search in Chromium, from file:// and over http (bench/searchspeed.py): ready after navigation, query p95
    speed = search_speed(site, f"book/{page.name}")
    for way, figures in (speed or {}).items():
        results.update({f"{key}_{way}": value for key, value in figures.items()})  # e.g. query_ms_p95_file
    results["bench_seconds"] = round(time.perf_counter() - started, 1)

    (REPO / "bench" / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(report(results))
    return 0


def report(results: dict) -> str:
    rows = [("figure", "value", "target")]
    for key, value in results.items():
        if isinstance(value, dict):
            for sub, v in value.items():
                rows.append((f"{key}.{sub}", str(v), ""))
        else:
            rows.append((key, str(value), verdict(key, value) if isinstance(value, (int, float)) and value is not None else ""))
    width = [max(len(r[i]) for r in rows) for i in range(3)]
    return "\n".join("  ".join(cell.ljust(width[i]) for i, cell in enumerate(row)) for row in rows)


if __name__ == "__main__":
    sys.exit(main())
