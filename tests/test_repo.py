"""The repository keeps its promises: docs match the code, configs are valid, the text stays out."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from annotated_reader.cli import build_parser
from annotated_reader.load import SCHEMA_DIR
from annotated_reader.render import BOOK_EXTENSIONS

ROOT = Path(__file__).resolve().parents[1]
GUIDE = (ROOT / "docs" / "contributing.md").read_text(encoding="utf-8")


def _keys(schema: dict) -> set[str]:
    found = set()
    def walk(node):
        if isinstance(node, dict):
            found.update(node.get("properties", {}).keys())
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(schema)
    return found


@pytest.mark.parametrize("schema", sorted(SCHEMA_DIR.glob("*.schema.json")), ids=lambda p: p.stem)
def test_every_yaml_key_is_documented(schema):
    keys = _keys(json.loads(schema.read_text(encoding="utf-8")))
    missing = sorted(k for k in keys if f"`{k}`" not in GUIDE)
    assert not missing, f"docs/contributing.md does not document: {missing}"


def test_every_cli_command_is_documented():
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in commands:
        assert f"reader {name}" in GUIDE, name
        assert f"reader {name}" in readme or name in ("import-annotations",), name


def test_mkdocs_renders_the_book_like_reader_check():
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    names = [e if isinstance(e, str) else next(iter(e)) for e in config["markdown_extensions"]]
    assert sorted(names) == sorted(BOOK_EXTENSIONS)


def test_book_text_is_ignored_by_git():
    ignored = subprocess.run(["git", "check-ignore", "docs/book/preface.md", "site/index.html"], cwd=ROOT,
                             capture_output=True, text=True).stdout.split()
    assert ignored == ["docs/book/preface.md", "site/index.html"]


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "exec bash scripts/test" in ci and "bash scripts/test" in readme
    assert "verbatim_guard.py" in (ROOT / "scripts" / "test").read_text(encoding="utf-8")


@pytest.mark.parametrize("workflow", sorted((ROOT / ".github" / "workflows").glob("*.yml")), ids=lambda p: p.name)
def test_workflows_are_valid(workflow):
    exe = shutil.which("check-jsonschema")
    if not exe:
        pytest.skip("check-jsonschema is not installed (pip install -e .[test])")
    result = subprocess.run([exe, "--builtin-schema", "vendor.github-workflows", str(workflow)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_pull_requests_run_reader_check_with_github_format():
    check = yaml.safe_load((ROOT / ".github" / "workflows" / "check.yml").read_text(encoding="utf-8"))
    runs = [step.get("run", "") for job in check["jobs"].values() for step in job["steps"]]
    assert any("reader check --format github" in run for run in runs)


def test_pre_commit_hooks_name_real_commands():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    entries = [hook["entry"] for repo in config["repos"] for hook in repo["hooks"]]
    assert "reader check" in entries
    module = next(e for e in entries if e.startswith("python -m "))[len("python -m "):]
    result = subprocess.run([sys.executable, "-m", module, str(ROOT / "annotations" / "timeline.yml")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_model_constants_match_the_schemas():
    from annotated_reader.model import ANNOTATION_KINDS, TERM_CATEGORIES
    part = json.loads((SCHEMA_DIR / "part.schema.json").read_text(encoding="utf-8"))
    glossary = json.loads((SCHEMA_DIR / "glossary.schema.json").read_text(encoding="utf-8"))
    assert part["$defs"]["annotation"]["properties"]["kind"]["enum"] == list(ANNOTATION_KINDS)
    assert glossary["properties"]["terms"]["items"]["properties"]["category"]["enum"] == list(TERM_CATEGORIES)
