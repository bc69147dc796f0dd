"""Other forms of a book, made at test time: the shared helpers of the form generators and tests.

No form of the real book is ever committed. Each generator module
(`bookforms/wrapped.py`, `epub.py`, `pdf.py`) has
`make(result, profile, out_dir, **options) -> Path`, which writes its form of
a book from the `import_text` result of the paragraph-per-line text into a tmp
folder. A test gets that result from `canonical(...)`: the real book when
READER_SOURCE is set, else the ORIGINAL mini book (tests/fixtures/importer),
so every form is also tested where the book's text is absent (CI's companion run).

Test modules use the session fixtures by importing them
(``from bookforms import mini_book, real_book``); `BookCase.form(...)` makes a
form once per session and options, and `import_form` reads it back the way
`reader import` does (read_copy, then import_text), in memory.
"""
from __future__ import annotations

import importlib
import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from annotated_reader.importer import ImportResult, Profile, import_text, load_profile, read_copy
from annotated_reader.importer.forms import FormText

TESTS = Path(__file__).resolve().parents[1]
MINI_TEXT = TESTS / "fixtures" / "importer" / "mini-edition.txt"
MINI_PROFILE = TESTS / "fixtures" / "importer" / "mini-profile.yml"
REAL_PROFILE = TESTS.parent / "profiles" / "stalin-new-biography.yml"


def import_canonical(path: Path, profile: Profile) -> ImportResult:
    """The paragraph-per-line text at `path` imported by the pipeline (the reference of every form)."""
    return import_text(path.read_text(encoding="utf-8"), profile, str(path))


def import_form(path: Path, profile: Profile, form: str | None = None) -> tuple[FormText, ImportResult]:
    """Read `path` as `reader import` does (detected form unless `form`), then import its canonical text.

    Returns the reader's FormText (furniture, markers, doubtful, problems) and
    the pipeline's result; the result is empty when the reader found errors.
    """
    copy, _ = read_copy(path.read_bytes(), str(path), profile, form)
    if copy.errors:
        return copy, ImportResult(str(path), {}, problems=list(copy.errors))
    return copy, import_text(copy.text, profile, str(path), marker_style=copy.marker_style)


@dataclass
class BookCase:
    """One book (the real one or the mini one) with its profile and its paragraph-text import."""

    name: str  # "real" or "mini"
    source: Path
    profile_path: Path
    profile: Profile
    result: ImportResult
    root: Path  # a session tmp folder for this book's generated forms
    _made: dict = field(default_factory=dict)

    def form(self, form: str, **options) -> Path:
        """This book in `form` (module bookforms/<form>.py), made once per session and options."""
        key = (form, tuple(sorted(options.items())))
        if key not in self._made:
            module = importlib.import_module(f"{__name__}.{form}")
            label = "-".join([form] + [f"{k}={v}" for k, v in sorted(options.items())])
            out = self.root / label
            out.mkdir(parents=True, exist_ok=True)
            self._made[key] = module.make(self.result, self.profile, out, **options)
        return self._made[key]

    def import_form(self, form: str, **options) -> tuple[FormText, ImportResult]:
        """Make this book in `form` and import it back (detected form)."""
        return import_form(self.form(form, **options), self.profile)


def book_case(name: str, source: Path, profile_path: Path, root: Path) -> BookCase:
    profile = load_profile(profile_path, str(profile_path))
    result = import_canonical(source, profile)
    assert result.ok, [p.text() for p in result.errors]
    return BookCase(name, source, profile_path, profile, result, root)


@pytest.fixture(scope="session")
def mini_book(tmp_path_factory: pytest.TempPathFactory) -> BookCase:
    """The ORIGINAL mini book (fixtures/importer/mini-edition.txt), imported once per session."""
    return book_case("mini", MINI_TEXT, MINI_PROFILE, tmp_path_factory.mktemp("forms-mini"))


@pytest.fixture(scope="session")
def real_book(tmp_path_factory: pytest.TempPathFactory) -> BookCase:
    """The tester's copy of the real book (READER_SOURCE), imported once per session; skips without it."""
    value = os.environ.get("READER_SOURCE")
    if not value:
        pytest.skip("READER_SOURCE not set: the book's text is not in the repo")
    return book_case("real", Path(value), REAL_PROFILE, tmp_path_factory.mktemp("forms-real"))


def words_within(result: ImportResult, reference: ImportResult) -> float:
    """|words out - reference words out| / reference words out (the 0.2% target)."""
    ref = reference.report["words_out"]
    return abs(result.report["words_out"] - ref) / ref
