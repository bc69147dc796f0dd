"""`reader`: the command line of annotated-reader.

Every command turns bad input into `file:line:col` problems and an exit code,
never a traceback: contributors run these on pull requests and must be told
what to fix.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .importer.forms import FORMS
from .problems import Problem

EXIT_OK, EXIT_PROBLEMS = 0, 1  # argparse itself exits 2 on bad usage


def _print_problems(problems: list[Problem], fmt: str = "text") -> None:
    for problem in problems:
        print(problem.github() if fmt == "github" else problem.text(), file=sys.stderr if fmt == "text" else sys.stdout)


def cmd_import(args: argparse.Namespace) -> int:
    """Import a copy of the book (any form) into Markdown parts (gitignored), a manifest and a report."""
    from .importer import ImportFailed, format_report, import_book
    from .importer.progress import reporting, terminal_bar

    other = None
    if args.compare:  # checked first, so a wrong folder writes nothing
        from .importer.compare import read_import

        other, problems = read_import(Path(args.compare))
        if problems:
            _print_problems(problems)
            return EXIT_PROBLEMS
    try:
        with reporting(terminal_bar(sys.stderr)):  # a bar on a terminal (long PDF imports), quiet otherwise
            report = import_book(Path(args.source), Path(args.out), Path(args.profile) if args.profile else None,
                                 form=args.form)
    except ImportFailed as failure:
        _print_problems(failure.problems)
        print(f"reader import: {len(failure.problems)} problem(s); nothing was written.", file=sys.stderr)
        return EXIT_PROBLEMS
    print(format_report(report))
    if other is not None:
        from .importer.compare import compare_imports, format_comparison, read_import

        print()
        print(format_comparison(compare_imports(read_import(Path(args.out))[0] or {}, other), args.out, args.compare))
    return EXIT_OK


def cmd_profile(args: argparse.Namespace) -> int:
    """Draft a profile YAML for another book from its EPUB's navigation or its text's contents list."""
    from .importer.draft_profile import draft_profile
    from .importer.source import read_bytes

    data, problems = read_bytes(Path(args.source), args.source)
    draft = None
    if data is not None:
        draft, problems = draft_profile(data, args.source)
    out = Path(args.out) if args.out else None
    if draft is not None and out is not None and out.exists():
        problems = [Problem(args.out, 1, 1, "the file exists; a draft never overwrites a profile",
                            "Pass another --out, or remove the file first.", "profile-exists")]
    _print_problems(problems)  # with a draft, only warnings (e.g. an EPUB's missing image), as `reader import` shows them
    if draft is None or out is not None and out.exists():
        print("reader profile: no draft written.", file=sys.stderr)
        return EXIT_PROBLEMS
    if out is None:
        print(draft, end="")
        return EXIT_OK
    try:
        out.write_text(draft, encoding="utf-8")
    except OSError as error:
        _print_problems([Problem(args.out, 1, 1, f"the draft cannot be written: {error.strerror}", "",
                                 "output-unwritable")])
        return EXIT_PROBLEMS
    print(f"reader profile: drafted {out}; review every line marked CHECK, then "
          f"`reader import {args.source} --profile {out}`.", file=sys.stderr)
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    """Validate the annotation files (and anchor them on the imported text, when there is one)."""
    from .check import run_check

    result = run_check(Path(args.root), Path(args.root) / "docs")
    problems = sorted(result.problems, key=lambda p: (p.file, p.line, p.col))
    _print_problems(problems, args.format)
    if args.refresh:
        _refresh(Path(args.root), result)
    errors, warnings = len(result.errors), len(problems) - len(result.errors)
    if result.has_text:
        summary = (f"reader check: {result.placed}/{result.annotations} annotations placed, {result.orphans} unplaced; "
                   f"{result.events_placed}/{result.event_anchors} timeline anchors placed, {result.event_orphans} unplaced; "
                   f"{errors} error(s), {warnings} warning(s).")
    else:
        summary = (f"reader check: {result.annotations} annotations validated without the book's text "
                   f"(import your copy to check anchors); {errors} error(s), {warnings} warning(s).")
    print(summary, file=sys.stderr if args.format == "text" else sys.stdout)
    return EXIT_PROBLEMS if errors else EXIT_OK


def _refresh(root: Path, result) -> None:
    """`check --refresh`: rewrite anchors placed on changed text; print the diff to review."""
    from .model import Event
    from .refresh import refresh

    if not result.has_text:
        print("reader check --refresh: no imported text, nothing to refresh.", file=sys.stderr)
        return
    layer = result.edition.layer
    done = refresh(root, result.pages, [*layer.annotations(), *layer.events])
    for diff in done.diffs.values():
        print(diff, end="")
    _print_problems(done.problems)
    events = sum(isinstance(r.record, Event) for r in done.rewrites)
    print(f"reader check --refresh: {len(done.rewrites)} anchor(s) rewritten in {len(done.diffs)} file(s) "
          f"({len(done.rewrites) - events} annotation(s), {events} timeline event(s); review with `git diff`); "
          f"{result.orphans} unplaced annotation(s) and {result.event_orphans} unplaced timeline anchor(s) "
          f"listed above are never rewritten.", file=sys.stderr)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="reader", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("import", help="import your copy of the book (text, wrapped text, EPUB or PDF) into docs/book/")
    p.add_argument("source", help="your copy of the book: an EPUB, a PDF, or a text export")
    p.add_argument("--form", choices=FORMS, help="the copy's form, when the guess from its content is wrong")
    p.add_argument("--out", default="docs/book", help="output folder (default: %(default)s; gitignored)")
    p.add_argument("--compare", metavar="OTHER_IMPORT_DIR",
                   help="then show the word-level differences from another import (e.g. of your EPUB)")
    p.add_argument("--profile", help="book profile YAML (default: profiles/stalin-new-biography.yml)")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("profile", help="draft a profile YAML for another book from its EPUB or text, to review")
    p.add_argument("source", help="the book: an EPUB (read from its navigation) or a text export (its contents)")
    p.add_argument("--out", help="write the draft here (default: print it)")
    p.set_defaults(func=cmd_profile)

    p = sub.add_parser("check", help="validate annotations/ (and anchor them on the imported text)")
    p.add_argument("--format", choices=("text", "github"), default="text",
                   help="text for people, github for pull-request annotations (default: %(default)s)")
    p.add_argument("--root", default=".", help="the project folder (default: the current folder)")
    p.add_argument("--refresh", action="store_true",
                   help="rewrite anchors placed on changed text to the current text (quote, prefix/suffix, near:), "
                        "as a diff to review; orphans are listed, never rewritten")
    p.set_defaults(func=cmd_check)

    from .export.command import add_commands  # `reader export ...`, `reader import-annotations`

    add_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug of ours, not bad input: say so plainly, without a traceback
        if os.environ.get("READER_DEBUG"):
            raise
        print(f"reader {args.command}: internal error: {exc!r}. This is a bug in annotated-reader, not in your files; "
              "please report it with the command you ran (READER_DEBUG=1 shows the details).", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
