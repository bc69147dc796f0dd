"""Stable identifiers of a book, its parts, its annotations and its editions.

Exports are read by other tools and imported back, so every identifier must
stay the same from one build to the next and from the companion edition to the
full one. Nothing here depends on the text or on the time of the build:

- the book (the work the annotations target): `urn:isbn:<isbn>` when the book
  metadata has an `isbn`, otherwise `urn:annotated-reader:<key>`, where `<key>`
  is the metadata's `id`, or the stem of the profile's file name
  (`profiles/stalin-new-biography.yml` -> `stalin-new-biography`, the same
  file `book.load_book` reads: READER_PROFILE or the default);
- a part: the book IRI with the part's slug as fragment (`...#preface`);
- an annotation: `urn:annotated-reader:<key>:ann:<id>`, or, when a base URL of
  the published site is given, its permalink `<base>book/<part>.html#ann-<id>`;
- an EPUB edition: `urn:uuid:` + UUID5 of the book IRI and the edition kind
  (`full` or `companion`), so re-exporting gives the same dc:identifier.
"""
from __future__ import annotations

import os
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

from ..book import DEFAULT_PROFILE, Book

ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# What an annotation IRI ends with: our URN form, or a site permalink.
ANNOTATION_ID = re.compile(r"(?::ann:|#ann-)([a-z0-9][a-z0-9-]*)$")


@dataclass(frozen=True)
class Identity:
    """The identifiers of one book's exports."""

    key: str  # e.g. "stalin-new-biography"
    isbn: str = ""
    base_url: str = ""  # the published site, ending with "/"; "" when unknown

    @classmethod
    def of(cls, book: Book, base_url: str = "") -> "Identity":
        meta = book.meta or {}
        key = str(meta.get("id") or Path(os.environ.get("READER_PROFILE") or DEFAULT_PROFILE).stem)
        isbn = re.sub(r"[^0-9Xx]", "", str(meta.get("isbn") or ""))
        if base_url and not base_url.endswith("/"):
            base_url += "/"
        return cls(key, isbn, base_url)

    @property
    def urn(self) -> str:
        return f"urn:annotated-reader:{self.key}"

    @property
    def book(self) -> str:
        """The work the annotations target."""
        return f"urn:isbn:{self.isbn}" if self.isbn else self.urn

    def part(self, slug: str) -> str:
        return f"{self.book}#{slug}"

    def annotation(self, ident: str, part: str) -> str:
        if self.base_url:
            return f"{self.base_url}book/{part}.html#ann-{ident}"
        return f"{self.urn}:ann:{ident}"

    @property
    def collection(self) -> str:
        if self.base_url:
            return f"{self.base_url}downloads/annotations.jsonld"
        return f"{self.urn}:annotations"

    @property
    def page(self) -> str:
        return f"{self.collection}#page-1" if self.base_url else f"{self.collection}:page:1"

    def edition_uuid(self, kind: str) -> str:
        """A dc:identifier that is the same for every export of this book and edition kind."""
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{self.book}#edition-{kind}')}"

    def site_url(self, src: str) -> str | None:
        """Absolute URL of a site page (`book/x.md` -> `<base>book/x.html`), or None without a base URL."""
        if not self.base_url:
            return None
        return self.base_url + (src[:-3] + ".html" if src.endswith(".md") else src)


def annotation_id(iri: str) -> str | None:
    """The annotation id an IRI ends with (`...:ann:<id>` or `...#ann-<id>`), or None."""
    match = ANNOTATION_ID.search(iri or "")
    return match.group(1) if match else None


def part_of(source: str) -> str | None:
    """The part slug a target source names: the fragment of the book IRI, or a site page `book/<slug>.html`."""
    if not isinstance(source, str):
        return None
    if "#" in source:
        fragment = source.rsplit("#", 1)[1]
        return fragment if ID.match(fragment) else None
    page = re.search(r"/book/([a-z0-9][a-z0-9-]*)(?:\.html|/)?$", source)
    return page.group(1) if page else None


def book_title(book: Book) -> str:
    """'Stalin: New Biography of a Dictator' from a title and subtitle (or a title that has both)."""
    meta = book.meta or {}
    title = str(meta.get("title") or "Untitled")
    subtitle = str(meta.get("subtitle") or "")
    if subtitle and subtitle.casefold() not in title.casefold():
        return f"{title}: {subtitle}"
    return title
