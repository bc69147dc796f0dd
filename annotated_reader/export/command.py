"""CLI commands of the exports (registered into `reader` by cli.build_parser).

    reader export jsonld [--out FILE] [--root DIR] [--base-url URL] [--strict]
    reader export epub [--out FILE] [--root DIR] [--edition auto|full|companion] [--strict]
    reader import-annotations FILE [--out-dir DIR] [--root DIR] [--force]

Like every `reader` command, bad input ends as `file:line:col` problems and exit
status 1, never a traceback. Exports go on when some annotation files have
errors (those entries are left out and counted); `--strict` refuses instead.
"""
from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

from ..problems import Problem

EXIT_OK, EXIT_PROBLEMS = 0, 1
DEFAULT_JSONLD = "exports/annotations.jsonld"


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Register `reader export jsonld|epub` and `reader import-annotations`."""
    export = sub.add_parser("export", help="export the annotations (W3C JSON-LD) or the edition (EPUB 3)")
    kinds = export.add_subparsers(dest="kind", required=True, metavar="KIND")

    p = kinds.add_parser("jsonld", help="every annotation as a W3C Web Annotation (JSON-LD)")
    p.add_argument("--out", help=f"output file (default: {DEFAULT_JSONLD} under --root)")
    p.add_argument("--root", default=".", help="the project folder (default: the current folder)")
    p.add_argument("--base-url", default="", help="the published site's URL: annotation ids become its permalinks")
    p.add_argument("--strict", action="store_true", help="fail (exit 1) when the annotation files have errors")
    p.set_defaults(func=cmd_export_jsonld)

    p = kinds.add_parser("epub", help="the reader edition (or the companion edition) as an EPUB 3")
    p.add_argument("--out", help="output file (default: exports/<book>.epub or exports/<book>-companion.epub)")
    p.add_argument("--root", default=".", help="the project folder (default: the current folder)")
    p.add_argument("--edition", choices=("auto", "full", "companion"), default="auto",
                   help="full needs the imported text; auto picks full when it is there (default: %(default)s)")
    p.add_argument("--strict", action="store_true", help="fail (exit 1) when the annotation files have errors")
    p.set_defaults(func=cmd_export_epub)

    p = sub.add_parser("import-annotations", help="read a W3C JSON-LD annotation file back into annotations/<part>.yml")
    p.add_argument("file", help="a file written by `reader export jsonld` (or another W3C Web Annotation tool)")
    p.add_argument("--out-dir", help="where the part files go (default: annotations/ under --root)")
    p.add_argument("--root", default=".", help="the project folder, for the book's parts (default: the current folder)")
    p.add_argument("--force", action="store_true",
                   help="replace the annotations of existing part files (their synopsis and questions are kept)")
    p.add_argument("--author", default="", help="readers' notes (the site's \"Export my notes\"): the author of the new entries "
                   "(default: the name in the export, if any)")
    p.set_defaults(func=cmd_import_annotations)


def _print(problems: list[Problem]) -> None:
    for problem in sorted(problems, key=lambda p: (p.file, p.line, p.col)):
        print(problem.text(), file=sys.stderr)


def _inputs_summary(problems: list[Problem]) -> str:
    errors = sum(1 for p in problems if p.severity == "error")
    warnings = len(problems) - errors
    if not problems:
        return ""
    return (f"; the inputs have {errors} error(s) and {warnings} warning(s) "
            "(entries with errors are left out; `reader check` lists them)")


def _placed_unless_refused(args: argparse.Namespace, root: Path, kind: str):
    """The placed edition, or None (said why) when the profile cannot be read or, with --strict,
    the inputs have errors: then nothing is written."""
    placed = _place(root)
    if placed is None:
        return None
    errors = [p for p in placed.problems if p.severity == "error"]
    if args.strict and errors:
        _print(errors)
        print(f"reader export {kind}: {len(errors)} error(s) in the inputs; nothing was written (--strict).", file=sys.stderr)
        return None
    return placed


def cmd_export_jsonld(args: argparse.Namespace) -> int:
    """Write every annotation as a W3C Web Annotation into one AnnotationCollection."""
    from .identity import Identity
    from .jsonld import collection, dumps

    started = time.perf_counter()
    root = Path(args.root)
    placed = _placed_unless_refused(args, root, "jsonld")
    if placed is None:
        return EXIT_PROBLEMS
    data = collection(placed, Identity.of(placed.edition.book, args.base_url))
    out = Path(args.out) if args.out else root / DEFAULT_JSONLD
    _write(out, dumps(data))
    positioned = sum(1 for item in data["first"]["items"] if len(item["target"]["selector"]) > 1)
    text = (f"{positioned} with text positions" if placed.has_text else "no text positions: no imported text")
    print(f"reader export jsonld: wrote {out}: {data['total']} annotations ({text}) "
          f"in {time.perf_counter() - started:.1f} s{_inputs_summary(placed.problems)}.")
    return EXIT_OK


def cmd_export_epub(args: argparse.Namespace) -> int:
    """Write the edition as an EPUB 3."""
    from .epub import write_epub
    from .identity import Identity

    started = time.perf_counter()
    root = Path(args.root)
    placed = _placed_unless_refused(args, root, "epub")
    if placed is None:
        return EXIT_PROBLEMS
    if args.edition == "full" and not placed.parts:
        print(f"{root / 'docs' / 'book'}:1:1: error: no imported text, so the full edition cannot be made. "
              "Run `reader import <your copy>` first, or use --edition companion.", file=sys.stderr)
        return EXIT_PROBLEMS
    identity = Identity.of(placed.edition.book)
    kind = args.edition if args.edition != "auto" else ("full" if placed.parts else "companion")
    out = Path(args.out) if args.out else root / "exports" / epub_name(identity.key, kind)
    result = write_epub(placed, identity, out, kind)
    _print(result.problems)
    what = (f"reader edition, {result.placed}/{result.annotations} annotations placed" if kind == "full"
            else f"companion edition, {result.annotations} annotations")
    print(f"reader export epub: wrote {out} ({what}, {out.stat().st_size / 1024:.0f} KB) "
          f"in {time.perf_counter() - started:.1f} s{_inputs_summary(placed.problems)}.")
    return EXIT_OK


def epub_name(key: str, kind: str) -> str:
    return f"{key}.epub" if kind == "full" else f"{key}-companion.epub"


def cmd_import_annotations(args: argparse.Namespace) -> int:
    """Read W3C annotations back into annotations/<part>.yml: all files or none."""
    from .jsonld import read_file
    from .partfile import plan_import

    root = Path(args.root)
    book = _book(root)
    if book is None:
        return EXIT_PROBLEMS
    read = read_file(Path(args.file), args.file, book.slugs)
    out_dir = Path(args.out_dir) if args.out_dir else root / "annotations"
    if _is_notes(Path(args.file)):
        return _import_notes(args, root, read, out_dir)
    plan = plan_import(read, book.slugs, out_dir, args.force)
    if plan.problems:
        _print(plan.problems)
        print(f"reader import-annotations: {len(plan.problems)} problem(s); nothing was written.", file=sys.stderr)
        return EXIT_PROBLEMS
    for path, text in plan.writes.items():
        _write(path, text)
    files = ", ".join(f"{p.name} ({plan.counts[p]})" for p in plan.writes)
    print(f"reader import-annotations: {len(read.annotations)} annotations read from {args.file}; "
          f"wrote {len(plan.writes)} file(s){': ' + files if files else ''}"
          + (f"; {len(plan.unchanged)} unchanged" if plan.unchanged else "") + ".")
    return EXIT_OK


def _is_notes(path: Path) -> bool:
    from .notes import is_notes_export

    try:
        return is_notes_export(path.read_bytes())
    except OSError:
        return False


def _import_notes(args: argparse.Namespace, root: Path, read, out_dir: Path) -> int:
    """A reader's notes: appended as new entries; a note that does not place is reported, not written."""
    from .notes import plan_notes

    placed = _place(root) if not read.problems else None
    if placed is not None and not placed.parts:
        print(f"{root / 'docs' / 'book'}:1:1: error: no imported text, so the notes' anchors cannot be checked. "
              "Run `reader import <your copy>` first.", file=sys.stderr)
        return EXIT_PROBLEMS
    if placed is None and not read.problems:
        return EXIT_PROBLEMS
    plan, skipped, ids = plan_notes(read, placed, out_dir, args.author) if placed else (None, [], [])
    problems = plan.problems if plan else read.problems
    if problems:
        _print(problems)
        print(f"reader import-annotations: {len(problems)} problem(s); nothing was written.", file=sys.stderr)
        return EXIT_PROBLEMS
    _print([replace(p, severity="warning") for p in skipped])
    for path, text in plan.writes.items():
        _write(path, text)
    files = ", ".join(f"{p.name} (+{plan.counts[p]})" for p in plan.writes)
    print(f"reader import-annotations: {len(read.annotations)} reader note(s) read from {args.file}; "
          f"added {len(ids)} as new annotations{': ' + files if files else ''}"
          + (f"; {len(skipped)} not written (see above)" if skipped else "") + ". New ids: " + (", ".join(ids) or "none") + ".")
    return EXIT_OK if ids or not skipped else EXIT_PROBLEMS


def _book(root: Path):
    """The book's parts from the profile, or None after printing why not."""
    from ..book import load_book

    try:
        return load_book(root, root / "docs" / "book")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(f"{root / 'profiles'}:1:1: error: cannot read the book profile ({exc}). "
              "Set READER_PROFILE or run from the project folder (--root).", file=sys.stderr)
        return None
    except Exception as exc:  # yaml errors and the like: still a message, not a traceback
        print(f"{root / 'profiles'}:1:1: error: cannot read the book profile ({type(exc).__name__}: {exc}).", file=sys.stderr)
        return None


def _place(root: Path):
    from .placed import place_edition

    if _book(root) is None:
        return None
    placed = place_edition(root, root / "docs")
    _print(placed.notes)
    return placed


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
