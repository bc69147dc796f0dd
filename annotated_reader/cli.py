"""`reader`: the command line of annotated-reader.

Every command turns bad input into `file:line:col` problems and an exit code,
never a traceback: contributors run these on pull requests and must be told
what to fix.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .problems import Problem

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def _print_problems(problems: list[Problem], fmt: str = "text") -> None:
    for problem in problems:
        print(problem.github() if fmt == "github" else problem.text(), file=sys.stderr if fmt == "text" else sys.stdout)


def cmd_import(args: argparse.Namespace) -> int:
    """Import a plain-text edition into Markdown parts (gitignored), a manifest and a report."""
    from .importer import ImportFailed, format_report, import_book

    try:
        report = import_book(Path(args.source), Path(args.out), Path(args.profile) if args.profile else None)
    except ImportFailed as failure:
        _print_problems(failure.problems)
        print(f"reader import: {len(failure.problems)} problem(s); nothing was written.", file=sys.stderr)
        return EXIT_PROBLEMS
    print(format_report(report))
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="reader", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("import", help="import your copy of the book (plain text) into docs/book/")
    p.add_argument("source", help="the plain-text export of the book")
    p.add_argument("--out", default="docs/book", help="output folder (default: %(default)s; gitignored)")
    p.add_argument("--profile", help="book profile YAML (default: profiles/stalin-new-biography.yml)")
    p.set_defaults(func=cmd_import)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
