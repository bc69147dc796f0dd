"""Compare: the word-level difference between two imports of the book, part by part.

A reader who imported their PDF and their EPUB (or a wrapped text and the
paragraph export) wants to know whether both give the same book, and where not.
Each part's Markdown is reduced to the words a reader sees (words.markdown_tokens:
no front matter, heading ids or footnote labels), the two word lists are aligned
with difflib, and every change is shown with a few words of context on each
side, so the user can find it in either copy. Paragraph breaks and line breaks
are not words: a paragraph split differently is no difference here.
"""
from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field
from pathlib import Path

from ..problems import Problem
from .words import markdown_tokens

CONTEXT = 4  # words shown on each side of a change
MAX_SHOWN = 20  # changes printed per part; the count is always complete


@dataclass
class Change:
    """One difference: the words of A replaced by the words of B, with context."""

    before: str
    old: str
    new: str
    after: str

    def text(self) -> str:
        return f"…{self.before} [-{self.old}-] {{+{self.new}+}} {self.after}…".replace("  ", " ")


@dataclass
class PartDiff:
    slug: str
    words_a: int
    words_b: int
    changed_words: int  # words of A removed or replaced plus words of B added
    changes: list[Change] = field(default_factory=list)

    @property
    def same(self) -> bool:
        return not self.changes


@dataclass
class Comparison:
    parts: list[PartDiff]
    only_a: list[str]  # parts only the first import has
    only_b: list[str]

    @property
    def same(self) -> bool:
        return not self.only_a and not self.only_b and all(p.same for p in self.parts)

    @property
    def words_a(self) -> int:
        return sum(p.words_a for p in self.parts)

    @property
    def changed_words(self) -> int:
        return sum(p.changed_words for p in self.parts)


def read_import(folder: Path) -> tuple[dict[str, str] | None, list[Problem]]:
    """{slug: Markdown} of an import folder, in its manifest's order; or the problem that prevents it."""
    manifest = folder / "manifest.json"
    try:
        parts = json.loads(manifest.read_text(encoding="utf-8"))["parts"]
        return {p["slug"]: (folder / p["file"]).read_text(encoding="utf-8") for p in parts}, []
    except FileNotFoundError as error:
        return None, [Problem(str(manifest), 1, 1, f"not an import folder: {Path(error.filename).name} is missing",
                              "Pass a folder `reader import --out` wrote (it has manifest.json).", "compare-folder")]
    except (ValueError, KeyError, TypeError, OSError) as error:
        return None, [Problem(str(manifest), 1, 1, f"the import's manifest cannot be read: {error}",
                              "Import that copy again.", "compare-folder")]


def compare_imports(a: dict[str, str], b: dict[str, str]) -> Comparison:
    """Word-level differences of two imports ({slug: Markdown}), part by part in A's order."""
    parts = []
    for slug, markdown in a.items():
        if slug in b:
            parts.append(compare_words(slug, markdown_tokens(markdown), markdown_tokens(b[slug])))
    return Comparison(parts, [s for s in a if s not in b], [s for s in b if s not in a])


def compare_words(slug: str, words_a: list[str], words_b: list[str]) -> PartDiff:
    matcher = difflib.SequenceMatcher(None, words_a, words_b)  # frequent words only extend matches: fast
    diff = PartDiff(slug, len(words_a), len(words_b), 0)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        diff.changed_words += (i2 - i1) + (j2 - j1)
        diff.changes.append(Change(" ".join(words_a[max(0, i1 - CONTEXT):i1]), " ".join(words_a[i1:i2]),
                                   " ".join(words_b[j1:j2]), " ".join(words_a[i2:i2 + CONTEXT])))
    return diff


def format_comparison(comparison: Comparison, name_a: str, name_b: str) -> str:
    """What `reader import --compare` prints: a line per part, then each change ([-A-] {+B+})."""
    rows = [f"compared with {name_b}: words of {name_a} in [-…-], of {name_b} in {{+…+}}",
            f"{'part':<28} {'words':>9} {'other':>9} {'changes':>8} {'words changed':>14}"]
    for part in comparison.parts:
        rows.append(f"{part.slug:<28} {part.words_a:>9,} {part.words_b:>9,} {len(part.changes):>8,} "
                    f"{part.changed_words:>14,}")
    share = comparison.changed_words / comparison.words_a if comparison.words_a else 0.0
    rows.append(f"{'total':<28} {comparison.words_a:>9,} {sum(p.words_b for p in comparison.parts):>9,} "
                f"{sum(len(p.changes) for p in comparison.parts):>8,} {comparison.changed_words:>14,} "
                f"({share:.3%})")
    for slug in comparison.only_a:
        rows.append(f"part {slug}: only in {name_a}")
    for slug in comparison.only_b:
        rows.append(f"part {slug}: only in {name_b}")
    for part in comparison.parts:
        if part.changes:
            rows += ["", f"{part.slug}:"]
            rows += [f"  {change.text()}" for change in part.changes[:MAX_SHOWN]]
            if len(part.changes) > MAX_SHOWN:
                rows.append(f"  … and {len(part.changes) - MAX_SHOWN} more")
    if comparison.same:
        rows += ["", "the two imports have the same words in every part"]
    return "\n".join(rows)
