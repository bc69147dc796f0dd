"""`mkdocs serve` rebuilds redo only what changed (hooks/reader.py caches), and never show stale pages.

Builds a copy of the project with the imported real text (docs/book) twice in one process, as
`mkdocs serve` does: an annotation's new body is on its page after the rebuild, the other parts are
served from the caches, and a glossary change reaches every part again.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from sitebuild import ROOT, copy_project

BOOK = ROOT / "docs" / "book"


def build_like_serve(project: Path, site: Path) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(str(project / "mkdocs.yml"), site_dir=str(site))
    config.plugins.on_startup(command="serve", dirty=False)
    build(config, serve_url="http://127.0.0.1:8000/")
    config.plugins.on_startup(command="build", dirty=False)  # the hooks module is shared with later tests


@pytest.mark.skipif(not (BOOK / "manifest.json").is_file(), reason="no imported text in docs/book (READER_SOURCE)")
def test_a_rebuild_shows_the_change_and_reuses_the_rest(tmp_path, monkeypatch):
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    monkeypatch.delenv("READER_PROFILE", raising=False)
    project = copy_project(tmp_path / "project", BOOK)
    monkeypatch.chdir(project)
    site = tmp_path / "site"
    build_like_serve(project, site)
    first = {p.name: p.read_text(encoding="utf-8") for p in (site / "book").glob("*.html")}
    every_file = sorted(str(p.relative_to(site)) for p in site.rglob("*") if p.is_file())
    hooks = next(m for m in list(sys.modules.values())  # the hooks module as MkDocs loaded it
                 if getattr(m, "__file__", "") == str(project / "hooks" / "reader.py"))
    assert hooks._part_cache and hooks._converted, "the serve build filled its caches"

    ann = project / "annotations" / "before-the-revolution.yml"
    text = ann.read_text(encoding="utf-8")
    assert "made public in 1990" in text
    ann.write_text(text.replace("made public in 1990", "made public in 1990 (zqxserve)"), encoding="utf-8")
    build_like_serve(project, site)
    second = {p.name: p.read_text(encoding="utf-8") for p in (site / "book").glob("*.html")}
    assert "zqxserve" in second["before-the-revolution.html"]
    changed = sorted(name for name in first if first[name] != second[name])
    assert changed == ["before-the-revolution.html"], changed
    assert hooks._theme_files, "the theme's files were listed once"  # and every one of them is still copied:
    assert sorted(str(p.relative_to(site)) for p in site.rglob("*") if p.is_file()) == every_file
    assert list(site.glob("assets/javascripts/bundle.*.min.js")) and list(site.glob("assets/stylesheets/main.*.min.css"))

    glossary = project / "annotations" / "glossary.yml"
    glossary.write_text(glossary.read_text(encoding="utf-8").replace("short: ", "short: Zqxgloss. ", 1), encoding="utf-8")
    build_like_serve(project, site)
    third = {p.name: p.read_text(encoding="utf-8") for p in (site / "book").glob("*.html")}
    assert sum("Zqxgloss." in page for page in third.values()) >= 2, "a shared file invalidates every part"
