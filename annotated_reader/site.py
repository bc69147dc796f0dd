"""Site-level pieces that are not pages of the book: reference pages, the offline archive, assets.

Kept apart from `edition.py` because they deal with files on disk, not with the
book's content; still free of any mkdocs import.
"""
from __future__ import annotations

import os
import zipfile
from pathlib import Path

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


def reference_markdown(name: str) -> str:
    title, intro = REFERENCE_PAGES[name]
    return f"---\ntitle: {title}\n---\n\n# {title}\n\n{intro}\n\n<!-- reader:{name} -->\n"


def shim_source(root: Path) -> Path | None:
    """Material's offline search needs the iframe-worker shim; it comes from npm, never committed."""
    path = root / "node_modules" / "iframe-worker" / "shim" / "index.js"
    return path if path.is_file() else None


def offline_archive(site_dir: Path, name: str) -> Path:
    """Zip the built site for reading on another device (opened from disk, no server)."""
    target = site_dir / ARCHIVE_DIR / name
    target.parent.mkdir(parents=True, exist_ok=True)
    folder = Path(name).stem
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for base, dirs, files in os.walk(site_dir):
            dirs.sort()
            rel = Path(base).relative_to(site_dir)
            if rel.parts[:1] == (ARCHIVE_DIR,):
                continue
            for file in sorted(files):
                archive.write(Path(base) / file, Path(folder) / rel / file)
    return target


def downloads_html(archive: str, exports: list[tuple[str, str]]) -> str:
    """The home page's download list: the offline site, then the exports the build writes."""
    items = [f'<li><a href="{ARCHIVE_DIR}/{archive}" download>The whole site as a zip</a>: unzip it and open '
             "<code>index.html</code>; everything works offline, search included.</li>"]
    items += [f'<li><a href="{ARCHIVE_DIR}/{name}" download>{label}</a></li>' for label, name in exports]
    return '<ul class="ra-downloads">\n' + "\n".join(items) + "\n</ul>"
