"""Reproducible builds: two builds of the same sources give byte-identical site/ trees.

Every file is compared, the offline zip and the EPUB included, so a static host does not
re-upload unchanged files and anyone can check a published site against the sources. The two
builds run in two copies of the project (at different paths, built one after the other): any
clock time, absolute path or unstable ordering that reaches an output file shows up as a
difference. The inputs are dated (mtime) to a fixed day, which is the date the outputs must carry.
"""
from __future__ import annotations

import gzip
import io
import os
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pytest

from sitebuild import build, copy_project

INPUTS_DATE = 1_000_000_000  # 2001-09-09 01:46:40 UTC


def date_inputs(project: Path) -> None:
    """Give every input file of the copy the same fixed mtime (node_modules is a symlink: not walked)."""
    for base, _, files in os.walk(project):
        for name in files:
            os.utime(os.path.join(base, name), (INPUTS_DATE, INPUTS_DATE))


def built(project: Path) -> Path:
    result = build(project)
    assert result.returncode == 0, result.stderr[-3000:]
    return project / "site"


def _members(data: bytes) -> dict[str, tuple[tuple, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {i.filename: ((i.date_time, i.external_attr, i.compress_type), archive.read(i)) for i in archive.infolist()}


def differences(a: Path, b: Path) -> list[str]:
    """Every file that is only in one tree or differs; for archives, which members differ and how."""
    files_a = {p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file()}
    files_b = {p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file()}
    found = [f"{name} (only in the first build)" for name in sorted(files_a - files_b)]
    found += [f"{name} (only in the second build)" for name in sorted(files_b - files_a)]
    for name in sorted(files_a & files_b):
        data_a, data_b = (a / name).read_bytes(), (b / name).read_bytes()
        if data_a == data_b:
            continue
        if name.endswith((".zip", ".epub")):
            members_a, members_b = _members(data_a), _members(data_b)
            changed = sorted(m for m in members_a.keys() | members_b.keys() if members_a.get(m) != members_b.get(m))
            how = ("members " + ", ".join(changed[:10])) if changed else "member order or archive headers"
            found.append(f"{name} ({how})")
        else:
            found.append(name)
    return found


def assert_same(a: Path, b: Path) -> None:
    found = differences(a, b)
    assert not found, "the two builds differ in " + "; ".join(found)


def assert_dated_by_inputs(site: Path) -> None:
    """The archives and the sitemap carry the inputs' date, not the day of the build."""
    day = datetime.fromtimestamp(INPUTS_DATE, timezone.utc)
    for archive in [*site.glob("downloads/*.zip"), *site.glob("downloads/*.epub")]:
        dates = {stamp for stamp, _ in _members(archive.read_bytes()).values()}
        assert {d[0] for d in dates} == {day.timetuple()[:6]}, archive.name
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert "<lastmod>" not in sitemap or f"<lastmod>{day:%Y-%m-%d}</lastmod>" in sitemap  # pages listed with site_url
    with gzip.open(site / "sitemap.xml.gz") as packed:
        assert packed.read().decode("utf-8") == sitemap
    header_mtime = int.from_bytes((site / "sitemap.xml.gz").read_bytes()[4:8], "little")  # gzip's MTIME field
    assert datetime.fromtimestamp(header_mtime, timezone.utc).date() == day.date()


def two_builds(tmp_path: Path, book_dir: Path | None = None) -> tuple[Path, Path]:
    first = copy_project(tmp_path / "first", book_dir)
    second = copy_project(tmp_path / "elsewhere" / "second", book_dir)
    date_inputs(first)
    date_inputs(second)
    return built(first), built(second)


@pytest.fixture(autouse=True)
def no_fixed_date(monkeypatch):
    """Without SOURCE_DATE_EPOCH the date comes from the inputs (with it, from the variable)."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


def test_companion_edition_builds_are_byte_identical(tmp_path):
    first, second = two_builds(tmp_path)
    assert (first / "downloads" / "annotated-reader-offline.zip").is_file()
    assert list(first.glob("downloads/*.epub"))
    assert_same(first, second)
    assert_dated_by_inputs(first)


@pytest.mark.real_text
def test_reader_edition_builds_are_byte_identical(tmp_path, real_import):
    out_dir, _ = real_import
    first, second = two_builds(tmp_path, out_dir)
    assert_same(first, second)
    assert_dated_by_inputs(first)


def test_source_date_epoch_sets_the_date(tmp_path, monkeypatch):
    from annotated_reader.site import source_date_epoch

    (tmp_path / "a.yml").write_text("x", encoding="utf-8")
    os.utime(tmp_path / "a.yml", (INPUTS_DATE, INPUTS_DATE))
    assert source_date_epoch([tmp_path, tmp_path / "missing.yml"]) == INPUTS_DATE
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert source_date_epoch([tmp_path]) == 1700000000


def test_differences_are_reported_by_file_and_member(tmp_path):
    """The comparison itself can fail: a changed page and a changed zip member are both named."""
    a, b = tmp_path / "a", tmp_path / "b"
    for root, text in ((a, "one"), (b, "two")):
        (root / "downloads").mkdir(parents=True)
        (root / "index.html").write_text("same", encoding="utf-8")
        (root / "page.html").write_text(text, encoding="utf-8")
        with zipfile.ZipFile(root / "downloads" / "site.zip", "w") as archive:
            archive.writestr(zipfile.ZipInfo("site/index.html", (2001, 9, 9, 1, 46, 40)), "same")
            archive.writestr(zipfile.ZipInfo("site/page.html", (2001, 9, 9, 1, 46, 40)), text)
    (b / "extra.txt").write_text("", encoding="utf-8")
    assert differences(a, b) == ["extra.txt (only in the second build)", "downloads/site.zip (members site/page.html)",
                                 "page.html"]
