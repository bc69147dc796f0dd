"""Our own JS and CSS are minified in the built site (annotated_reader/assets.py), and still work.

The sources in docs/assets/ keep their comments; the site, and the offline zip made from it,
serve the minified copies. node parses every minified script; every CSS rule survives.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from annotated_reader.assets import minify, minify_own_assets, own_assets
from sitebuild import ROOT, build, copy_project

DOCS = ROOT / "docs"
SOURCES = own_assets(DOCS)


def _rules(css: str) -> int:
    return re.sub(r"/\*.*?\*/", "", css, flags=re.S).count("{")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("assets"))
    result = build(project)
    assert result.returncode == 0, result.stderr[-3000:]
    return project / "site"


def test_own_assets_are_the_files_mkdocs_yml_loads():
    names = {p.as_posix() for p in SOURCES}
    listed = re.findall(r"^\s+- (assets/\S+\.(?:js|css))", (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), re.M)
    assert listed and set(listed) <= names
    assert {"assets/notes/notes.js", "assets/notes/anchoring.js", "assets/notes/notes.css"} <= names
    assert not any("vendor" in p.parts for p in SOURCES)  # third-party code is never ours to rewrite


@pytest.mark.parametrize("rel", [p for p in SOURCES if p.suffix == ".js"], ids=str)
def test_minified_js_parses_with_node(rel, tmp_path):
    if not shutil.which("node"):
        pytest.skip("node is not installed (bash scripts/setup)")
    source = (DOCS / rel).read_text(encoding="utf-8")
    small = minify(source, ".js")
    assert len(small) < len(source)
    assert minify(small, ".js") == small  # a rebuild over an already minified copy changes nothing
    script = tmp_path / rel.name
    script.write_text(small, encoding="utf-8")
    result = subprocess.run(["node", "--check", str(script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("rel", [p for p in SOURCES if p.suffix == ".css"], ids=str)
def test_minified_css_keeps_every_rule(rel):
    source = (DOCS / rel).read_text(encoding="utf-8")
    small = minify(source, ".css")
    assert len(small) < len(source)
    assert _rules(small) == _rules(source) > 0
    assert small.count("}") == small.count("{")
    assert minify(small, ".css") == small


def test_minify_leaves_other_files_alone(tmp_path):
    docs, site = tmp_path / "docs", tmp_path / "site"
    for folder in (docs / "assets", site / "assets", site / "assets" / "vendor"):
        folder.mkdir(parents=True)
    (docs / "assets" / "a.js").write_text("var  answer = 42 ;  // why\n", encoding="utf-8")
    (site / "assets" / "a.js").write_text("var  answer = 42 ;  // why\n", encoding="utf-8")
    (site / "assets" / "vendor" / "lib.js").write_text("var  x = 1 ;\n", encoding="utf-8")  # no source in docs/
    (site / "assets" / "b.css").write_text("a  {  color : red }\n", encoding="utf-8")
    assert minify_own_assets(docs, site) == [site / "assets" / "a.js"]
    assert (site / "assets" / "a.js").read_text(encoding="utf-8") == "var answer=42;"
    assert (site / "assets" / "vendor" / "lib.js").read_text(encoding="utf-8") == "var  x = 1 ;\n"
    assert (site / "assets" / "b.css").read_text(encoding="utf-8") == "a  {  color : red }\n"
    assert minify_own_assets(docs, site) == []  # already minified: nothing rewritten


def test_built_site_serves_minified_own_assets(site):
    for rel in SOURCES:
        built = (site / rel).read_text(encoding="utf-8")
        assert built == minify((DOCS / rel).read_text(encoding="utf-8"), rel.suffix), rel
        assert len(built.encode()) < (DOCS / rel).stat().st_size, rel


def test_offline_zip_holds_the_built_bytes(site):
    (archive,) = site.glob("downloads/*.zip")
    with zipfile.ZipFile(archive) as zipped:
        folder = Path(archive.name).stem
        for rel in SOURCES:
            assert zipped.read(f"{folder}/{rel.as_posix()}") == (site / rel).read_bytes(), rel


def test_minify_false_serves_the_sources(tmp_path):
    project = copy_project(tmp_path)
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("  reader:\n", "  reader:\n    minify: false\n", 1), encoding="utf-8")
    result = build(project)
    assert result.returncode == 0, result.stderr[-3000:]
    for rel in SOURCES:
        assert (project / "site" / rel).read_bytes() == (DOCS / rel).read_bytes(), rel
