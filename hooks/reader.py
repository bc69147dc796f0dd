"""MkDocs hooks: adapt MkDocs events to annotated_reader's `Edition`. No logic of its own.

Hooks are not reloaded by `mkdocs serve`, so all state is rebuilt in `on_config`.
Problems are logged as warnings: a plain build goes on, `mkdocs build --strict`
fails on them (the same problems `reader check` prints with file:line:col).
"""
from __future__ import annotations

import gc
import hashlib
import json
import logging
import os
from pathlib import Path

from jinja2 import BytecodeCache
from mkdocs.exceptions import PluginError
from mkdocs.plugins import CombinedEvent, event_priority
from mkdocs.structure.files import File, Files

from annotated_reader.assets import minify_own_assets
from annotated_reader.edition import Edition, Options, without_triggers
from annotated_reader.notes import CONFIG_PATH as NOTES_CONFIG, config_js as notes_config_js
from annotated_reader.export import build_exports, export_files
from annotated_reader.figures import ATLAS_HINT
from annotated_reader.geomap import ATLAS, read_ahead, stop_reading_ahead
from annotated_reader.render import render_ahead, resolve_links, stop_rendering_ahead
from annotated_reader.search import (in_head, in_header, layer_documents, page_documents, part_documents, synonyms,
                                     write_index_in_background)
from annotated_reader.site import (ARCHIVE_DIR, REFERENCE_PAGES, downloads_html, offline_archive, reference_markdown, shim_source,
                                   source_date_epoch)

log = logging.getLogger("mkdocs.plugins.annotated_reader")
_state: dict = {}
_serving = {"on": False}  # survives on_config's reset: on_startup runs once per command
_part_cache: dict = {}  # decorated parts by the digest of their inputs: a `mkdocs serve` rebuild redoes only what changed
_converted: dict = {}  # part src_uri -> (digest of its Markdown, HTML, toc), while serving
_indexed: dict = {}  # part url -> (digest of its page, its search documents), while serving
_finished: dict = {}  # part src_uri -> (its decorated HTML, page URL, files, links resolved, triggers unwrapped), while serving
_popups: dict = {}  # part src_uri -> (its popup keys, the edition's shared inputs, page URL, the popups with links resolved), while serving
_indexing: dict = {}  # the search.IndexProcess writing the search index after a build


class _CompiledTemplates(BytecodeCache):
    """The theme's templates compiled once per `mkdocs serve`: MkDocs makes a new Jinja environment for
    every rebuild, and compiling Material's templates again was a fifth of a rebuild. Jinja checks each
    entry against its template's source, so an edited template is compiled again."""

    def __init__(self):
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket):
        self.code[bucket.key] = bucket.bytecode_to_string()


_compiled = _CompiledTemplates()
_theme_files: dict = {}  # the theme's static files, listed once per `mkdocs serve`


def _theme_listed_once(theme):
    """While serving, list the theme's files once: MkDocs walks and filters all of them on every rebuild
    (Material's icons make it ~14,000 files, a fifth of a rebuild). The files are still read afresh:
    only a file added to the theme while serving (with `--watch-theme`) waits for a restart."""
    make_env = type(theme).get_env.__get__(theme)

    def get_env():
        env = make_env()
        list_all = env.list_templates

        def list_templates(extensions=None, filter_func=None):
            if filter_func is None or extensions is not None:
                return list_all(extensions, filter_func)
            key = (tuple(theme.dirs), tuple(theme.static_templates), filter_func.__code__)
            if key not in _theme_files:
                _theme_files[key] = list_all(extensions, filter_func)
            return list(_theme_files[key])

        env.list_templates = list_templates
        return env

    theme.get_env = get_env


def on_startup(command, dirty):
    # `mkdocs serve` rebuilds on every change: the zip and the exports are for published sites only.
    _serving["on"] = command == "serve"


def on_config(config):
    _stop_indexing()
    root = Path(config.config_file_path).parent
    if not _serving["on"]:  # the maps' atlas is read on the other core while the annotations load (serve keeps it)
        read_ahead(root / ATLAS)
    try:
        options = Options(**(config.extra.get("reader") or {}))
    except (TypeError, ValueError) as exc:
        raise PluginError(f"annotated-reader: bad `extra.reader` in mkdocs.yml: {exc}") from None
    edition = Edition.open(root, Path(config.docs_dir), options)
    if _serving["on"]:
        edition.part_cache = _part_cache
        _theme_listed_once(config.theme)
    _state.clear()
    _state.update(converting={}, edition=edition, root=root, keys={}, linked={}, logged=set(), search=[], titles={})
    _state["epoch"] = _pin_build_date(root, Path(config.docs_dir))
    _fewer_collections()
    if not _serving["on"]:  # the bodies are rendered on the other core while MkDocs reads and converts the pages
        render_ahead(edition.markdown_texts(), edition.annotation_parts)
    config.nav = edition.nav()
    for problem in edition.problems:
        _log(problem)
    which = "reader edition (imported text)" if edition.book.has_text else "companion edition (no text imported)"
    log.info(f"annotated-reader: building the {which}: {len(edition.layer.annotations())} annotations, "
             f"{len(edition.layer.terms)} terms, {len(edition.layer.people)} people, {len(edition.layer.events)} events")
    return config


def on_files(files: Files, config):
    edition: Edition = _state["edition"]
    for file in [f for f in files if f.src_uri.startswith("book/") and not f.src_uri.endswith(".md")]:
        files.remove(file)  # manifest and import report are build inputs, not pages
    if not edition.book.has_text:
        for part in edition.book.parts:
            files.append(File.generated(config, f"book/{part.slug}.md", content=edition.companion_markdown(part.slug)))
    for name in REFERENCE_PAGES:
        files.append(File.generated(config, f"{name}.md", content=reference_markdown(name)))
    # Placeholders, so links to the downloads validate; on_post_build writes the real files over them.
    for name in [_archive_name(config)] + [name for _, name in export_files(edition.book, edition.options.exports)]:
        files.append(File.generated(config, f"{ARCHIVE_DIR}/{name}", content=b""))
    if not edition.figures.has_atlas:  # the maps still show their places, and their captions say what is missing
        log.warning(f"annotated-reader: {ATLAS_HINT}")
    files.append(File.generated(config, NOTES_CONFIG, content=notes_config_js(edition)))  # readers' notes (docs/assets/notes)
    shim = shim_source(_state["root"])
    if shim:
        files.append(File.generated(config, "assets/vendor/iframe-worker/shim.js", abs_src_path=str(shim)))
    elif {"material/offline", "material/search"} <= set(config.plugins):  # a build for reading from disk needs it
        raise PluginError("annotated-reader: node_modules/iframe-worker is missing, and without it Material's search "
                          "does not work from file://. Run `bash scripts/setup` (it installs Node.js, npm and the npm "
                          "packages) and build again.")
    return files


def on_page_markdown(markdown, page, config, files):
    # While serving, a part whose Markdown did not change is not converted again (a third of a rebuild):
    # it gets an empty text here and its last HTML and table of contents back in on_page_content.
    if _serving["on"] and _part_slug(page):
        key = hashlib.sha1(f"{page.file.url}\0{markdown}".encode("utf-8")).hexdigest()
        hit = _converted.get(page.file.src_uri)
        _state["converting"][page.file.src_uri] = (key, hit if hit and hit[0] == key else None)
        if hit and hit[0] == key:
            return ""
    return markdown


def on_page_content(html, page, config, files):
    edition: Edition = _state["edition"]
    key, hit = _state["converting"].pop(page.file.src_uri, (None, None))
    if hit:
        html, page.toc = hit[1], hit[2]
    elif key:
        _converted[page.file.src_uri] = (key, html, page.toc)
    if "<!-- reader:downloads -->" in html:
        html = html.replace("<!-- reader:downloads -->", downloads_html(_archive_name(config), export_files(edition.book, edition.options.exports)))
    slug = _part_slug(page)
    if slug:
        if edition.book.has_text:
            html, keys = edition.decorate_part(slug, html)
            for problem in edition.part_problems.get(slug, []):
                _log(problem)
        else:
            html, keys = edition.decorate_companion(slug, html)
        _state["keys"][page.file.src_uri] = keys
    if slug:  # search indexes the page without its triggers; _put_back_triggers restores them after
        html, _state["linked"][page.file.src_uri] = _finish_part(html, page, files)
    else:
        html = resolve_links(html, _resolver(page, files))
    _state["titles"][page.file.url] = page.title or ""
    with edition.timed("search"):
        if slug and edition.book.has_text:
            _state["search"].extend(_part_documents(page.file.url, page.title or slug, html))
        elif not slug and page.file.src_uri[:-3] not in REFERENCE_PAGES:  # reference entries come from the data
            _state["search"].extend(page_documents(page.file.url, page.title or "", html))
    return html


@event_priority(100)  # before the search plugin indexes the page
def _fill_reference_page(context, page, config, nav):
    edition: Edition = _state["edition"]
    name = page.file.src_uri[:-3]
    if name in REFERENCE_PAGES:
        with edition.timed("render"):
            html = getattr(edition, f"{name}_html")()
        page.content = resolve_links(page.content.replace(f"<!-- reader:{name} -->", html), _resolver(page, _state["files"]))
    return context


@event_priority(-100)  # after the search plugin has indexed the page, before the template renders it
def _put_back_triggers(context, page, config, nav):
    linked = _state["linked"].pop(page.file.src_uri, None)
    if linked is not None:
        page.content = linked
    return context


on_page_context = CombinedEvent(_fill_reference_page, _put_back_triggers)


def on_env(env, config, files):
    _state["files"] = files
    if _serving["on"]:
        env.bytecode_cache = _compiled
    else:  # every page's documents are known now: the index is written beside the page rendering, on the other core
        _start_indexing(config, files)
    return env


def on_post_page(output, page, config):
    edition: Edition = _state["edition"]
    output = in_head(in_header(output))  # the search button and dialog where Material's sits; search.js from the head
    keys = _state["keys"].get(page.file.src_uri)
    if keys:
        output = output.replace("</body>", _tips(edition, keys, page) + "</body>", 1)
    return output


def _finish_part(html: str, page, files: Files) -> tuple[str, str]:
    """A decorated part with its links resolved: without its triggers (for search), and with them.
    While serving, an unchanged part (the same decorated HTML, the same site) is not done again."""
    uri, site = page.file.src_uri, _state.setdefault("site_files", tuple(f.src_uri for f in files))
    hit = _finished.get(uri)
    if hit and hit[0] == html and hit[1] == page.file.url and hit[2] == site:
        return hit[4], hit[3]
    linked = resolve_links(html, _resolver(page, files))
    stripped = without_triggers(linked)
    if _serving["on"]:
        _finished[uri] = (html, page.file.url, site, linked, stripped)
    return stripped, linked


def _tips(edition: Edition, keys: set[str], page) -> str:
    """The popups of a part's triggers; while serving, reused while its keys and the shared files are the same."""
    uri = page.file.src_uri
    hit = _popups.get(uri)
    if hit and hit[0] == keys and hit[1] == edition.shared_inputs() and hit[2] == page.file.url:
        return hit[3]
    tips = resolve_links(edition.tips_html(keys), _resolver(page, _state["files"]))
    if _serving["on"]:
        _popups[uri] = (frozenset(keys), edition.shared_inputs(), page.file.url, tips)
    return tips


@event_priority(-100)  # last: the zip must hold everything the build wrote, the search index included
def on_post_build(config):
    edition: Edition = _state["edition"]
    if edition.options.minify:  # our own JS and CSS, before the archive, which must hold what readers download
        with edition.timed("minify"):
            minify_own_assets(Path(config.docs_dir), Path(config.site_dir))

    if _serving["on"]:  # the browser reloads now; the search index follows a moment later
        _start_indexing(config, _state["files"])
    else:
        with edition.timed("exports"):
            written = build_exports(_state["root"], Path(config.docs_dir), Path(config.site_dir), edition.options.exports,
                                    base_url=config.site_url or "", edition=edition)
        for path in written:
            log.info(f"annotated-reader: wrote the export {path}")
        with edition.timed("search"):
            _finish_indexing()
        archive = offline_archive(Path(config.site_dir), _archive_name(config), _state["epoch"])  # leaves out downloads/
        log.info(f"annotated-reader: wrote the offline archive {archive}")
        stop_rendering_ahead()  # after the exports, which render the same bodies
        stop_reading_ahead()
    if os.environ.get("READER_TIMINGS"):  # the benchmark's per-stage figures
        Path(os.environ["READER_TIMINGS"]).write_text(json.dumps(dict(edition.timings)), encoding="utf-8")
    _unpin_build_date()
    _usual_collections()


def on_build_error(error):
    _stop_indexing()  # a failed build writes no index
    stop_rendering_ahead()
    stop_reading_ahead()
    _unpin_build_date()
    _usual_collections()


def on_shutdown():
    _stop_indexing()  # `mkdocs serve` removes its site folder next: an index written after would leave it behind


def on_serve(server, config, builder):
    root = _state["root"]
    server.watch(str(root / "annotations"))
    server.watch(str(root / "profiles"))
    return server


def _start_indexing(config, files: Files) -> None:
    """Start the child that writes the search index (search.write_index_in_background). A build starts it in
    on_env, when every page's documents are known, so it runs beside the page rendering, the exports and the
    minifying; on_post_build waits for it before the archive, which must hold it. `mkdocs serve` starts it
    after the build instead: the browser reloads at once and the index follows a moment later."""
    edition: Edition = _state["edition"]
    with edition.timed("search"):
        urls = {f.src_uri: f.url for f in files.documentation_pages()}
        args = (Path(config.site_dir), _state["search"] + layer_documents(edition, urls), synonyms(edition), _state["titles"])
        _indexing["process"] = write_index_in_background(*args)


def _finish_indexing() -> None:
    """Wait for the build's index process, if it has one (written here after all should it fail)."""
    process = _indexing.pop("process", None)
    failure = process.finish() if process else None
    if failure:
        log.info(f"annotated-reader: {failure}")


def _stop_indexing() -> None:
    """Stop the last serve build's index process, if it still runs (this build writes a new index)."""
    process = _indexing.pop("process", None)
    if process:
        process.stop()


def _pin_build_date(root: Path, docs_dir: Path) -> int:
    """The build's date, from the inputs (site.source_date_epoch), never the clock: MkDocs dates the
    pages and the sitemap by SOURCE_DATE_EPOCH or else today, so it is set for this build and unset after."""
    epoch = source_date_epoch([docs_dir, root / "annotations", root / "profiles", root / "mkdocs.yml"])
    if "SOURCE_DATE_EPOCH" not in os.environ:
        os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
        _state["pinned"] = True
    return epoch


def _unpin_build_date() -> None:
    if _state.pop("pinned", False):
        os.environ.pop("SOURCE_DATE_EPOCH", None)


def _usual_collections() -> None:
    """The collector's usual pace again, after a build that slowed it (_fewer_collections)."""
    if "gc" in _state:
        gc.set_threshold(*_state.pop("gc"))


def _fewer_collections() -> None:
    """Python's cycle collector runs every 700 new objects, and now and then walks every object alive
    (MkDocs's, Material's, the layer's, the text maps'): about 0.4 s of a build, four full walks. Every
    10,000 new objects it takes about half that, two full walks, with the same peak memory (a build's
    garbage is freed by reference counting, not by the collector). For this build only: _usual_collections
    restores the usual pace; `mkdocs serve`, a long-lived process, keeps it throughout."""
    if not _serving["on"]:
        _state["gc"] = gc.get_threshold()
        gc.set_threshold(10_000, *_state["gc"][1:])


def _part_documents(url: str, title: str, html: str) -> list:
    """A part's search documents; while serving, reused while the page is unchanged."""
    if not _serving["on"]:
        return part_documents(url, title, html)
    key = hashlib.sha1(f"{title}\0{html}".encode("utf-8")).hexdigest()
    hit = _indexed.get(url)
    if not hit or hit[0] != key:
        hit = _indexed[url] = (key, part_documents(url, title, html))
    return list(hit[1])


def _archive_name(config) -> str:
    return config.extra.get("archive_name", "annotated-reader-offline.zip")


def _part_slug(page) -> str | None:
    uri = page.file.src_uri
    if uri.startswith("book/") and uri.endswith(".md"):
        slug = uri[5:-3]
        return slug if _state["edition"].book.part(slug) else None
    return None


def _resolver(page, files: Files):
    cache: dict[str, str | None] = {}  # a page links the same few targets thousands of times

    def resolve(src: str) -> str | None:
        if src not in cache:
            target = files.get_file_from_path(src)
            cache[src] = target.url_relative_to(page.file) if target else None
        return cache[src]
    return resolve


def _log(problem) -> None:
    key = problem.text()
    if key in _state["logged"]:
        return
    _state["logged"].add(key)
    log.warning(key)  # errors and warnings alike: --strict fails on them, a plain build goes on
