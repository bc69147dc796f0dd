"""Exports of an edition: W3C Web Annotations (JSON-LD) and EPUB 3."""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

from ..site import ARCHIVE_DIR

KINDS = ("jsonld", "epub")


def export_files(book, kinds: Iterable[str]) -> list[tuple[str, str]]:
    """(label, file name) of each export the build will write, for the home page's download links."""
    from .command import DEFAULT_JSONLD, epub_name
    from .identity import Identity

    files = []
    if "epub" in kinds:
        kind = "full" if book.has_text else "companion"
        files.append((f"EPUB 3 ({'reader' if kind == 'full' else 'companion'} edition)", epub_name(Identity.of(book).key, kind)))
    if "jsonld" in kinds:
        files.append(("All annotations as W3C Web Annotations (JSON-LD)", Path(DEFAULT_JSONLD).name))
    return files


def build_exports(root: Path, docs_dir: Path, site_dir: Path, kinds: Iterable[str] = KINDS,
                  base_url: str = "", edition=None) -> list[Path]:
    """Write the requested exports into `site_dir/downloads/` (for the site build's on_post_build).

    `kinds`: any of "jsonld" and "epub". The EPUB is the reader edition when the text is
    imported (the site is then a local, private build too) and the companion edition
    otherwise. `base_url` (the site_url) makes annotation ids the site's permalinks. `edition`: the
    build's loaded Edition, so its files are not read and validated a second time.
    Returns the written paths; problems of the inputs are the build's to report, not ours.
    """
    kinds = [k for k in kinds if k in KINDS]
    if not kinds:
        return []
    from .command import DEFAULT_JSONLD, epub_name
    from .epub import write_epub
    from .identity import Identity
    from .jsonld import collection, dumps
    from .placed import place_edition

    placed = place_edition(Path(root), Path(docs_dir), edition=edition)
    identity = Identity.of(placed.edition.book, base_url)
    target = Path(site_dir) / ARCHIVE_DIR
    target.mkdir(parents=True, exist_ok=True)
    written = []
    if "jsonld" in kinds:
        path = target / Path(DEFAULT_JSONLD).name
        path.write_text(dumps(collection(placed, identity)), encoding="utf-8")
        written.append(path)
    if "epub" in kinds:
        kind = "full" if placed.parts else "companion"
        written.append(write_epub(placed, identity, target / epub_name(identity.key, kind), kind, root=Path(root)).path)
    return written
