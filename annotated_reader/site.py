"""Site-level pieces that are not pages of the book: reference pages, the offline archive, assets.

Kept apart from `edition.py` because they deal with files on disk, not with the
book's content; still free of any mkdocs import.
"""
from __future__ import annotations

import os
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

# Generated pages: a title, a short introduction and a marker the hook fills with the
# entries once every part page has been built (so "appears in" counts are complete).
REFERENCE_PAGES = {
    "glossary": ("Glossary", "Soviet terms, institutions, places and archives that the book uses. "
                 "In the text each term opens a popup; here is the full entry, with every part it appears in."),
    "people": ("People", "Everyone the annotations identify, by surname, with dates, roles and the parts "
               "where they appear."),
    "timeline": ("Timeline", "Dated events from 1878 to 1953, each linked to the part of the book that tells it "
                 "and, where the text is imported, to the passage itself."),
    "places": ("Places", "Every place the book and the annotations name, on a map of today's borders, with its names "
               "then and now and the parts that mention it."),
    "unplaced": ("Unplaced annotations", "Annotations whose quote could not be found on the text with confidence. "
                 "They are listed here instead of being attached to a guessed passage."),
}
ARCHIVE_DIR = "downloads"
ZIP_EPOCH = 315532800  # 1980-01-01: the earliest date a zip entry can carry


def reference_markdown(name: str) -> str:
    title, intro = REFERENCE_PAGES[name]
    return f"---\ntitle: {title}\n---\n\n# {title}\n\n{intro}\n\n<!-- reader:{name} -->\n"


def shim_source(root: Path) -> Path | None:
    """Material's offline search needs the iframe-worker shim; it comes from npm, never committed."""
    path = root / "node_modules" / "iframe-worker" / "shim" / "index.js"
    return path if path.is_file() else None


def source_date_epoch(inputs: Iterable[Path]) -> int:
    """The date a build writes into its files (archive entries, the sitemap, the EPUB's `modified`).

    SOURCE_DATE_EPOCH when set (the reproducible-builds convention; scripts/site sets it to the
    last commit's date), else the newest input file's modification time — never the clock, so two
    builds of the same sources are byte-identical. `inputs` are files or folders (walked).
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return max(int(epoch), ZIP_EPOCH)
    newest = 0.0
    for path in inputs:
        if path.is_file():
            newest = max(newest, path.stat().st_mtime)
        elif path.is_dir():
            for base, _, files in os.walk(path):
                newest = max([newest, *(os.stat(os.path.join(base, f)).st_mtime for f in files)])
    return max(int(newest), ZIP_EPOCH)


def offline_archive(site_dir: Path, name: str, epoch: int) -> Path:
    """Zip the built site for reading on another device (opened from disk, no server).

    Entries are in sorted order with the date `epoch` and fixed permissions, so the same site
    gives the same bytes (a static host does not re-upload it, anyone can verify it).
    """
    target = site_dir / ARCHIVE_DIR / name
    target.parent.mkdir(parents=True, exist_ok=True)
    folder = Path(name).stem
    stamp = datetime.fromtimestamp(max(epoch, ZIP_EPOCH), timezone.utc).timetuple()[:6]
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for base, dirs, files in os.walk(site_dir):
            dirs.sort()
            rel = Path(base).relative_to(site_dir)
            if rel.parts[:1] == (ARCHIVE_DIR,):
                continue
            for file in sorted(files):
                info = zipfile.ZipInfo((Path(folder) / rel / file).as_posix(), date_time=stamp)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, (Path(base) / file).read_bytes(), compresslevel=1)
    return target


def downloads_html(archive: str, exports: list[tuple[str, str]]) -> str:
    """The home page's download list: the offline site, then the exports the build writes."""
    items = [f'<li><a href="{ARCHIVE_DIR}/{archive}" download>The whole site as a zip</a>: unzip it and open '
             "<code>index.html</code>; everything works offline, search included.</li>"]
    items += [f'<li><a href="{ARCHIVE_DIR}/{name}" download>{label}</a></li>' for label, name in exports]
    return '<ul class="ra-downloads">\n' + "\n".join(items) + "\n</ul>"
