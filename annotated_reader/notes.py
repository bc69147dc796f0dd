"""What the browser needs to know for readers' own notes (docs/assets/notes/), and turning notes into entries.

The notes code runs in the reader's browser with no server: the build writes `assets/notes/config.js`
with the book's identity (the same IRIs `reader export jsonld` uses, so a reader's export has the
shape of ours), the parts in reading order and the annotation kinds.
"""
from __future__ import annotations

import json

from .export.identity import Identity, book_title
from .model import ANNOTATION_KINDS

CONFIG_PATH = "assets/notes/config.js"
GENERATOR = "annotated-reader reader notes"  # names a browser export: `reader import-annotations` adds its notes as new entries


def config_js(edition) -> str:
    """The script that sets `window.RaNotesConfig` (plain data; JSON is valid JavaScript)."""
    identity = Identity.of(edition.book)
    data = {
        "title": book_title(edition.book),
        "urn": identity.urn,
        "bookIri": identity.book,
        "annotationBase": f"{identity.urn}:ann:",
        "generator": GENERATOR,
        "kinds": list(ANNOTATION_KINDS),
        "parts": [{"slug": p.slug, "title": p.title} for p in edition.book.parts],
    }
    return "window.RaNotesConfig = " + json.dumps(data, ensure_ascii=False, sort_keys=True) + ";\n"
