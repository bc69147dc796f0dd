"""Problems: anything wrong in the inputs, with the place where it is.

Loading, importing and anchoring never raise on bad input: they collect
`Problem`s so that a contributor sees every mistake of a pull request at once,
each with `file:line:col`, what is wrong and how to fix it. The CLI prints them
as text or as GitHub workflow commands; the hooks log them.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Iterable, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong in one input file."""

    file: str
    line: int
    col: int
    message: str
    hint: str = ""
    id: str = ""
    severity: Severity = "error"

    def text(self) -> str:
        """`file:line:col: error: [id] message Hint.` — the form compilers use, so editors link it."""
        where = f"{self.file}:{self.line}:{self.col}"
        ident = f"[{self.id}] " if self.id else ""
        hint = f" {self.hint}" if self.hint else ""
        return f"{where}: {self.severity}: {ident}{self.message}{hint}"

    def github(self) -> str:
        """A GitHub Actions workflow command, shown on the line of the pull request's diff."""
        ident = f"[{self.id}] " if self.id else ""
        hint = f" {self.hint}" if self.hint else ""
        body = _escape_data(f"{ident}{self.message}{hint}")
        return (
            f"::{self.severity} file={_escape_prop(self.file)},line={self.line},"
            f"col={self.col}::{body}"
        )


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A `Did you mean "x"?` hint, or "" when nothing is close enough to help."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f'Did you mean "{close[0]}"?' if close else ""


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_prop(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")
