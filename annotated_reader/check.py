"""`reader check`: every problem of the annotation layer, before a pull request is merged.

Runs the same loading and anchoring as the site build, without MkDocs: the
imported parts are rendered with the same Markdown extensions (render.BOOK_EXTENSIONS)
so anchors are checked on exactly the text the site shows. With no imported
text (a fresh clone, or CI without the book) it checks everything that does
not need the text and says so.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .consistency import consistency_problems
from .edition import Edition, Options
from .problems import Problem
from .rawhtml import raw_html_warnings
from .render import render_book_markdown
from .terms import TermIndex
from .textmap import TextMap, text_map


@dataclass
class CheckResult:
    problems: list[Problem]
    has_text: bool
    annotations: int = 0
    placed: int = 0
    orphans: int = 0
    event_anchors: int = 0  # timeline events with an anchor, placed or not
    events_placed: int = 0
    per_part: dict[str, int] = field(default_factory=dict)
    edition: Edition | None = None
    pages: dict[str, TextMap] = field(default_factory=dict)  # slug -> the text anchors were placed on

    @property
    def event_orphans(self) -> int:
        return self.event_anchors - self.events_placed

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def strip_front_matter(markdown: str) -> str:
    if markdown.startswith("---\n"):
        end = markdown.find("\n---\n", 4)
        if end >= 0:
            return markdown[end + 5:]
    return markdown


def run_check(root: Path, docs_dir: Path | None = None, options: Options | None = None) -> CheckResult:
    """Load, validate and (when the text is imported) anchor everything; collect all problems."""
    edition = Edition.open(root, docs_dir or root / "docs", options)
    problems = list(edition.problems)
    problems.extend(raw_html_warnings(root / "annotations", root))  # HTML the sanitizer would remove
    problems.extend(consistency_problems(edition.layer))  # dates, links and spellings the layer must agree on
    result = CheckResult(problems, edition.book.has_text, len(edition.layer.annotations()), edition=edition)
    if not edition.book.has_text:
        return result
    entries = [*edition.layer.terms, *edition.layer.people]
    excludes = TermIndex([(f"{e.id}\x00{phrase}", [phrase], e.case_sensitive) for e in entries for phrase in e.exclude])
    excluded: Counter = Counter()
    for part in edition.book.parts:
        markdown = edition.book.part_markdown(part.slug)
        if markdown is None:
            problems.append(Problem(str(edition.book.text_dir / f"{part.slug}.md"), 1, 1,
                                    f'the imported text has no file for part "{part.slug}".',
                                    "Run `reader import` again with your copy of the book."))
            continue
        tm = text_map(render_book_markdown(strip_front_matter(markdown)))
        placement = edition.place(part.slug, tm)
        edition.orphans[part.slug] = placement.orphans
        problems.extend(placement.problems)
        result.placed += len(placement.matches)
        result.orphans += len(placement.orphans)
        result.event_anchors += sum(1 for e in edition.layer.events if e.part == part.slug and e.anchor)
        result.events_placed += len(placement.events)
        result.per_part[part.slug] = len(placement.matches)
        result.pages[part.slug] = tm
        edition.link_terms(tm, part.slug, [])  # counts term usage for the warnings below
        for run in tm.runs:
            if run.linkable:
                excluded.update(hit.key for hit in excludes.find(tm.text[run.start:run.end]))
    problems.extend(_occurrence_warnings(edition))
    problems.extend(_exclude_warnings(entries, excluded))
    return result


def _exclude_warnings(entries, found: Counter) -> list[Problem]:
    """An exclude phrase the text does not contain protects nothing: usually a typo or a changed text."""
    return [Problem(e.place.file, e.place.line, e.place.col, f'the exclude phrase "{phrase}" never occurs in the text.',
                    "Copy the phrase exactly as the text has it, or remove it.", e.id, "warning")
            for e in entries for phrase in e.exclude if not found[f"{e.id}\x00{phrase}"]]


def _occurrence_warnings(edition: Edition) -> list[Problem]:
    """A term the text never uses usually has a spelling missing from `forms`; `in_text: false` says it is meant."""
    warnings = []
    for term in edition.layer.terms:
        uses = sum(edition.usage.get(f"term:{term.id}", {}).values())
        if term.in_text and not uses:
            warnings.append(Problem(term.place.file, term.place.line, term.place.col,
                                    f'the term "{term.term}" never occurs in the text.',
                                    "Add the spelling the book uses to `forms`; if the entry only explains the "
                                    "commentary, add `in_text: false`; otherwise remove it.", term.id, "warning"))
        elif not term.in_text and uses:
            warnings.append(Problem(term.place.file, term.place.line, term.place.col,
                                    f'the term "{term.term}" has `in_text: false` but occurs {uses} time(s) in the text.',
                                    "Remove `in_text: false`.", term.id, "warning"))
    return warnings
