"""Shared test fixtures: golden files, and the real book text when the tester has it.

The book is copyrighted and never in the repo: tests that need it take the
`real_source` fixture, which reads READER_SOURCE or skips. Golden files are
produced only from ORIGINAL fixtures; `pytest --update-golden` rewrites them.
"""
from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

TESTS = Path(__file__).parent
FIXTURES = TESTS / "fixtures"
GOLDEN = TESTS / "golden"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite tests/golden/** from the current output instead of comparing")


@pytest.fixture(scope="session")
def golden(request: pytest.FixtureRequest):
    """`golden(relative_path, actual)`: compare with tests/golden/<path>, showing a unified diff.

    With --update-golden the file is (re)written and the test passes, so a
    reviewer sees the change as a diff of the golden file in the pull request.
    """
    update = request.config.getoption("--update-golden")

    def check(relative: str, actual: str) -> None:
        path = GOLDEN / relative
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(actual, encoding="utf-8")
            return
        if not path.is_file():
            pytest.fail(f"golden file {path} is missing; run pytest --update-golden to create it")
        expected = path.read_text(encoding="utf-8")
        if actual != expected:
            diff = "".join(difflib.unified_diff(
                expected.splitlines(keepends=True), actual.splitlines(keepends=True),
                fromfile=f"golden/{relative}", tofile="actual"))
            pytest.fail(f"output differs from golden/{relative} (pytest --update-golden rewrites it):\n{diff}",
                        pytrace=False)

    return check


@pytest.fixture(scope="session")
def real_source() -> Path:
    """The tester's copy of the book (READER_SOURCE), or skip."""
    value = os.environ.get("READER_SOURCE")
    if not value:
        pytest.skip("READER_SOURCE not set: the book's text is not in the repo")
    return Path(value)


@pytest.fixture(scope="session")
def real_import(tmp_path_factory: pytest.TempPathFactory, real_source: Path) -> tuple[Path, dict]:
    """Import the real book once per session into a tmp dir: (out_dir, report)."""
    from annotated_reader.importer import import_book

    out_dir = tmp_path_factory.mktemp("real-import") / "book"
    report = import_book(real_source, out_dir)
    return out_dir, report
