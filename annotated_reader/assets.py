"""Minify the site's own JavaScript and CSS in the built site.

The sources in docs/assets/ stay readable, with their comments; a reader downloads the
built copies, so those are minified after MkDocs copies them (rjsmin, rcssmin: whitespace
and comments only, no renaming, so the code runs as written). Only files that have a source
under docs/assets/ are touched: Material's bundles and the vendored iframe-worker shim are
already minified by their makers, and generated files (notes/config.js) are tiny.
Deterministic, so two builds give the same bytes; fast enough (~15 ms) for every `mkdocs serve` rebuild.
"""
from __future__ import annotations

from pathlib import Path

import rcssmin
import rjsmin

OWN_FOLDER = "assets"  # under docs_dir and site_dir alike
MINIFIERS = {".js": rjsmin.jsmin, ".css": rcssmin.cssmin}


def minify(text: str, suffix: str) -> str:
    """`text` minified as the kind of file `suffix` names (".js" or ".css"); other kinds unchanged."""
    minifier = MINIFIERS.get(suffix)
    return minifier(text) if minifier else text


def own_assets(docs_dir: Path) -> list[Path]:
    """Our JavaScript and CSS sources, relative to docs_dir, sorted."""
    folder = docs_dir / OWN_FOLDER
    if not folder.is_dir():
        return []
    return sorted(p.relative_to(docs_dir) for p in folder.rglob("*") if p.suffix in MINIFIERS and p.is_file())


def minify_own_assets(docs_dir: Path, site_dir: Path) -> list[Path]:
    """Minify, in place, the built copies (in site_dir) of our sources; returns the files rewritten.

    Works on what the build wrote, not on the source, so whatever another plugin did to the copy stays;
    minifying a minified file gives the same text, so a `mkdocs serve --dirty` rebuild that kept an
    old copy does no harm.
    """
    written = []
    for rel in own_assets(docs_dir):
        target = site_dir / rel
        if not target.is_file():  # excluded from the build (e.g. by `exclude_docs`)
            continue
        text = target.read_text(encoding="utf-8")
        small = minify(text, rel.suffix)
        if small != text:
            target.write_text(small, encoding="utf-8", newline="\n")
            written.append(target)
    return written
