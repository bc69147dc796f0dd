"""The book an edition is made of: its parts, its metadata, and whether its text was imported.

The part list and metadata come from the book profile (committed, no book text),
so a fresh clone knows the book's shape; the imported Markdown (gitignored) and
its manifest add the text. With no text, the edition is the companion edition.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .model import Part

DEFAULT_PROFILE = "profiles/stalin-new-biography.yml"


@dataclass
class Book:
    """Parts in reading order, metadata, and the folder of imported parts (if any)."""

    parts: list[Part]
    meta: dict = field(default_factory=dict)
    text_dir: Path | None = None  # docs/book when the text was imported

    @property
    def full_title(self) -> str:
        """"Stalin: New Biography of a Dictator" from title and subtitle."""
        title, subtitle = self.meta.get("title", ""), self.meta.get("subtitle", "")
        return f"{title}: {subtitle}" if title and subtitle else title or subtitle or "the book"

    @property
    def has_text(self) -> bool:
        return self.text_dir is not None

    def part(self, slug: str) -> Part | None:
        return next((p for p in self.parts if p.slug == slug), None)

    def part_markdown(self, slug: str) -> str | None:
        if not self.text_dir:
            return None
        path = self.text_dir / f"{slug}.md"
        return path.read_text(encoding="utf-8") if path.is_file() else None

    @property
    def slugs(self) -> list[str]:
        return [p.slug for p in self.parts]


def load_book(root: Path, text_dir: Path, profile: Path | None = None) -> Book:
    """Read the profile, and the manifest when `text_dir` holds an imported text."""
    profile_path = profile or Path(os.environ.get("READER_PROFILE") or root / DEFAULT_PROFILE)
    data = yaml.safe_load(profile_path.read_text(encoding="utf-8")) or {}
    parts = [Part(p["slug"], p["title"], p.get("kind", "chapter"), p.get("number")) for p in data.get("parts", [])]
    meta = dict(data.get("book", {}))
    manifest = text_dir / "manifest.json"
    if manifest.is_file():
        info = json.loads(manifest.read_text(encoding="utf-8"))
        meta.update({k: v for k, v in info.get("book", {}).items() if v})
        titles = {p["slug"]: p for p in info.get("parts", [])}
        parts = [Part(p.slug, titles.get(p.slug, {}).get("title", p.title), p.kind, p.number) for p in parts]
        return Book(parts, meta, text_dir)
    return Book(parts, meta, None)
