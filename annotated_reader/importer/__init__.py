"""Importer: a reader's copy of the book (text, wrapped text, EPUB, PDF) -> Markdown parts, manifest and report.

`import_text` is the pure core (the canonical paragraph-per-line text in, an
ImportResult out); `forms` turns each form a reader may own into that text;
`import_book` adds the file edges: reading the file and the profile, choosing
the form's reader, and writing docs/book/ only when there is no error. Everything book-specific comes
from the profile (profiles/<book>.yml), so another book exported the same way
needs a new profile, not new code.
"""
from __future__ import annotations

import json
from pathlib import Path

from ..problems import Problem
from .model import ImportResult
from .pipeline import import_text
from .profile import Profile, ProfileError, load_profile, parse_profile
from .forms import FORMS, FormText, detect_form, reader_for
from .report import format_report
from .source import read_bytes

__all__ = ["FORMS", "ImportFailed", "ImportResult", "Profile", "default_profile_path", "format_report",
           "import_book", "import_text", "load_profile", "parse_profile"]

DEFAULT_PROFILE = "stalin-new-biography.yml"


class ImportFailed(Exception):
    """The import cannot produce a trustworthy edition; `.problems` says where and why."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.text() for p in problems[:3]) or "import failed")
        self.problems = problems


def default_profile_path() -> Path:
    """profiles/stalin-new-biography.yml of this checkout, else of the current directory."""
    packaged = Path(__file__).resolve().parents[2] / "profiles" / DEFAULT_PROFILE
    return packaged if packaged.is_file() else Path.cwd() / "profiles" / DEFAULT_PROFILE


def import_book(source: Path, out_dir: Path, profile_path: Path | None = None, form: str | None = None) -> dict:
    """Import `source` into `out_dir` and return the report; raise ImportFailed on any error.

    `form` is one of FORMS, or None to detect it from the file's bytes. Nothing
    is written unless the import succeeds, so a failed run never leaves a
    half-imported book behind. Files of an earlier import that the new one no
    longer produces (listed in its manifest) are removed.
    """
    profile_file = profile_path or default_profile_path()
    try:
        profile = load_profile(profile_file, str(profile_file))
    except ProfileError as error:
        raise ImportFailed(error.problems) from None
    data, problems = read_bytes(source, str(source))
    if data is None:
        raise ImportFailed(problems)
    copy, detected = read_copy(data, str(source), profile, form)
    if copy.errors:
        raise ImportFailed(_sorted(copy.errors))
    result = import_text(copy.text, profile, str(source), marker_style=copy.marker_style)
    if result.errors:
        raise ImportFailed(_sorted([copy.relocate(p) for p in result.errors]))
    result.report["form"] = form_report(copy, detected, result.report.pop("plain_markers", None))
    result.report["unresolved"] = [dict(entry, **_where(copy, entry)) for entry in result.report["unresolved"]]
    result.files["import-report.json"] = json.dumps(result.report, ensure_ascii=False, indent=2) + "\n"
    try:
        _write(out_dir, result.files)
    except OSError as error:
        raise ImportFailed([Problem(str(out_dir), 1, 1, f"the output folder cannot be written: {error.strerror}",
                                    "Pass --out with a folder you can write to.", "output-unwritable")]) from None
    return result.report


def read_copy(data: bytes, name: str, profile: Profile, form: str | None = None) -> tuple[FormText, bool]:
    """The copy as canonical text, read by `form`'s reader or the detected one; (copy, was it detected)."""
    detected = form is None
    return reader_for(form or detect_form(data))(data, name, profile), detected


def form_report(copy: FormText, detected: bool, plain: dict | None = None) -> dict:
    """The report's account of the form: what it was, what was dropped, how markers were found.

    `plain` is the pipeline's account of plain-digit markers (marker_style
    "plain"): how many the sequence made certain, and every doubtful one.
    """
    markers, doubtful = dict(copy.markers), list(copy.doubtful)
    if plain is not None:
        markers["sequence"] = plain["sequence"]
        doubtful += [dict(entry, place=_place(copy, entry["line"])) for entry in plain["doubtful"]]
    report = {"name": copy.form, "detected": detected, "furniture": dict(copy.furniture),
              "markers": markers, "doubtful": doubtful}
    if copy.joins:
        report["joins"] = dict(copy.joins)
    if copy.repairs:
        report["repairs"] = list(copy.repairs)
    warnings = [p for p in copy.problems if p.severity == "warning"]  # e.g. an EPUB's missing image or font
    if warnings:
        report["warnings"] = [{"file": p.file, "line": p.line, "col": p.col, "id": p.id, "message": p.message}
                              for p in warnings]
    if plain is not None:
        report["unlinked_notes"] = plain["unlinked_notes"]
        report["numbers_not_markers"] = plain["not_markers"]  # glued digits the sequence rules out
    return report


def _where(copy: FormText, entry: dict) -> dict:
    place = copy.place(entry["line"])
    return {"file": place.file, "line": place.line, "col": 1} if place else {}


def _place(copy: FormText, line: int) -> str:
    """"file:line" in the reader's own file of canonical line `line`."""
    place = copy.place(line)
    return f"{place.file}:{place.line}" if place else f"{line}"


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.file, p.line, p.col))


def _write(out_dir: Path, files: dict[str, str]) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest = out_dir / "manifest.json"
    if manifest.is_file():
        try:
            old = json.loads(manifest.read_text(encoding="utf-8"))
            stale = {part.get("file") for part in old.get("parts", [])} - set(files)
        except (ValueError, AttributeError):
            stale = set()
        for name in stale:
            if name and "/" not in name and (out_dir / name).is_file():
                (out_dir / name).unlink()
    for name, content in files.items():
        (out_dir / name).write_text(content, encoding="utf-8")
