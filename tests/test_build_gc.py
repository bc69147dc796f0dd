"""A build runs Python's cycle collector at a slower pace (hooks/reader.py _fewer_collections) and restores
the usual pace after it, also when the build fails; `mkdocs serve` keeps the usual pace."""
from __future__ import annotations

import gc
import sys
from pathlib import Path

import pytest

from sitebuild import copy_project


def _build(project: Path, site: Path, command: str = "build") -> list:
    """Build in this process; returns the collector's thresholds as the hooks saw them during the build."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(str(project / "mkdocs.yml"), site_dir=str(site))
    config.plugins.on_startup(command=command, dirty=False)
    hooks = next(m for m in list(sys.modules.values()) if getattr(m, "__file__", "") == str(project / "hooks" / "reader.py"))
    seen = []
    on_env = hooks.on_env

    def spy(env, config, files):
        seen.append(gc.get_threshold())
        return on_env(env, config, files)

    config.plugins.events["env"] = [spy if getattr(e, "__name__", "") == "on_env" else e for e in config.plugins.events["env"]]
    try:
        build(config, serve_url="http://127.0.0.1:8000/" if command == "serve" else None)
    finally:
        config.plugins.on_startup(command="build", dirty=False)
    return seen


def test_a_build_collects_less_often_and_restores_the_pace(tmp_path):
    project = copy_project(tmp_path / "project")  # the companion edition: no imported text needed
    before = gc.get_threshold()
    seen = _build(project, tmp_path / "site")
    assert seen and seen[0][0] == 10_000 and seen[0][1:] == before[1:]
    assert gc.get_threshold() == before
    assert (tmp_path / "site" / "index.html").is_file()


def test_a_failed_build_restores_the_pace(tmp_path):
    project = copy_project(tmp_path / "project")
    before = gc.get_threshold()
    theme = project / "overrides"  # a theme template that fails on every page
    theme.mkdir()
    (theme / "main.html").write_text("{% extends 'base.html' %}{% block content %}{{ page.nothing.at.all() }}{% endblock %}",
                                     encoding="utf-8")
    text = (project / "mkdocs.yml").read_text(encoding="utf-8")
    (project / "mkdocs.yml").write_text(text.replace("  name: material\n", "  name: material\n  custom_dir: overrides\n", 1),
                                        encoding="utf-8")
    with pytest.raises(Exception):
        _build(project, tmp_path / "site")
    assert gc.get_threshold() == before


def test_serve_keeps_the_usual_pace(tmp_path):
    project = copy_project(tmp_path / "project")
    before = gc.get_threshold()
    seen = _build(project, tmp_path / "site", command="serve")
    assert seen and set(seen) == {before} and gc.get_threshold() == before
