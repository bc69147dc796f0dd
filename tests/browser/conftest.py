"""Browser tests: build the site once, serve it over http and open it from file://, drive Debian's Chromium.

No browser is ever downloaded (`playwright install` cannot reach its host): the tests use
/usr/bin/chromium (override with READER_CHROMIUM) and are skipped, with the reason, when it or
the Playwright package is missing. READER_TEST_ROOT points the suite at another checkout
(e.g. a copy with an imported text, to exercise the full edition).
"""
from __future__ import annotations

import functools
import http.server
import json
import os
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from annotated_reader.search import INDEX_PATH, documents_of

from .helpers import DESKTOP, MOBILE

ROOT = Path(os.environ.get("READER_TEST_ROOT") or Path(__file__).resolve().parents[2])
PROFILE = ROOT / "profiles" / "stalin-new-biography.yml"
CHROMIUM = os.environ.get("READER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = ROOT / "test-artifacts"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"

try:
    from playwright.sync_api import sync_playwright
    _PLAYWRIGHT_ERROR = ""
except Exception as error:  # noqa: BLE001 - any import failure means "no browser tests"
    sync_playwright = None
    _PLAYWRIGHT_ERROR = f"Playwright cannot be imported ({error}); pip install playwright==1.65.2"


def _skip_reason() -> str:
    if _PLAYWRIGHT_ERROR:
        return _PLAYWRIGHT_ERROR
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"no Chromium at {CHROMIUM}: apt-get install -y chromium (never `playwright install`)"
    return ""


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    reason = _skip_reason()
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


# -- the built site ----------------------------------------------------------------------------

@dataclass
class Site:
    """The built site and what the tests need to know about it."""

    dir: Path
    edition: str                      # "full" (imported text) or "companion"
    part: str                         # the part page used for popup tests, e.g. "book/seats-of-power.html"
    pages: list[str] = field(default_factory=list)

    def html(self, rel: str) -> str:
        return (self.dir / rel).read_text(encoding="utf-8")

    @property
    def full(self) -> bool:
        return self.edition == "full"

    def search_index(self) -> dict:
        """The search index the build wrote (annotated_reader/search.py), as plain data."""
        script = (self.dir / INDEX_PATH).read_text(encoding="utf-8")
        return json.loads(script[script.index("=") + 1:].rstrip().rstrip(";"))

    def search_locations(self, word: str) -> set[tuple[str, str]]:
        """(page path, fragment) of every search document whose title or text holds `word`."""
        index = self.search_index()
        found = set()
        for _, url, anchor, title, text in documents_of(index):
            if word.lower() in (title + " " + text).lower():
                found.add((url, anchor))
        return found


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Site:
    out = tmp_path_factory.mktemp("site")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    if PROFILE.is_file():
        env.pop("READER_PROFILE", None)
    else:
        env.setdefault("READER_PROFILE", "/tmp/profile-mine.yml")
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(out)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=240)
    if done.returncode != 0:
        pytest.fail(f"mkdocs build failed ({done.returncode}):\n{done.stderr[-4000:]}")
    pages = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html") if "downloads" not in p.parts)
    parts = [p for p in pages if p.startswith("book/")]
    full = any('class="ra-marker"' in (out / p).read_text(encoding="utf-8") for p in parts)

    def weight(rel: str) -> tuple[int, int]:
        text = (out / rel).read_text(encoding="utf-8")
        return (text.count('class="ra-marker"'), text.count('data-tip="'))

    part = max(parts, key=weight) if parts else "index.html"
    return Site(out, "full" if full else "companion", part, pages)


@pytest.fixture(scope="session")
def http_base(site):
    handler = functools.partial(_QuietHandler, directory=str(site.dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        pass


@pytest.fixture(scope="session")
def file_base(site):
    return site.dir.as_uri() + "/"


@pytest.fixture(params=["http", "file"])
def base(request, http_base, file_base):
    """Both ways a reader opens the site: served, or straight from disk."""
    return http_base if request.param == "http" else file_base


# -- the browser ---------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@dataclass
class Recorder:
    """Requests, console errors and uncaught exceptions of one context."""

    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)


@pytest.fixture
def new_page(browser):
    """`new_page(**context_options)` -> page; its context records requests and errors (page.recorder)."""
    contexts = []

    def make(**options):
        context = browser.new_context(**{**DESKTOP, **options})
        context.set_default_timeout(10_000)
        contexts.append(context)
        recorder = Recorder()
        context.on("request", lambda request: recorder.requests.append(request.url))
        page = context.new_page()
        page.on("console", lambda msg: recorder.console_errors.append(f"{msg.text} @ {msg.location.get('url', '')}")
                if msg.type == "error" else None)
        page.on("pageerror", lambda error: recorder.page_errors.append(f"{error.message}\n{error.stack or ''}"))
        page.recorder = recorder
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def desktop(new_page):
    return new_page()


@pytest.fixture
def mobile(new_page):
    return new_page(**MOBILE)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
