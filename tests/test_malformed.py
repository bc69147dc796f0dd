"""A corpus of malformed contributions: each file states the message and place it must produce.

Every case must give `file:line:col`, a clear message, a non-zero exit from
`reader check`, and never a traceback.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from annotated_reader.check import run_check
from annotated_reader.cli import main
from minibook import GLOSSARY, PEOPLE, TIMELINE, make_project

CORPUS = Path(__file__).parent / "fixtures" / "malformed"
EXPECT = re.compile(r"# expect: (\d+):(\d+): (.+)")
AS = re.compile(r"# as: (\S+)")
CASES = sorted(p for p in CORPUS.glob("*.yml") if EXPECT.match(p.read_text(encoding="utf-8").splitlines()[0]))


def _project(tmp_path: Path, name: str, content: bytes) -> Path:
    files = {"glossary.yml": GLOSSARY, "people.yml": PEOPLE, "timeline.yml": TIMELINE}
    root = make_project(tmp_path, annotations=files)
    (root / "annotations" / name).write_bytes(content)
    return root


def test_corpus_is_large_enough():
    assert len(CASES) >= 30


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_malformed_file_reports_place_and_message(tmp_path, case, capsys):
    text = case.read_text(encoding="utf-8")
    line, col, message = EXPECT.match(text.splitlines()[0]).groups()
    target = AS.search(text)
    name = target.group(1) if target else "mini-chapter.yml"
    root = _project(tmp_path, name, text.encode("utf-8"))
    result = run_check(root)
    where = f"annotations/{name}:{line}:{col}"
    texts = [p.text() for p in result.problems]
    assert any(t.startswith(where) and message in t for t in texts), "\n".join(texts)
    assert result.errors
    code = main(["check", "--root", str(root)])
    out = capsys.readouterr()
    assert code == 1
    assert "Traceback" not in out.err + out.out
    assert where in out.err


@pytest.mark.parametrize("name, content, message", [
    ("non-utf8", b"part: mini-chapter\nannotations:\n  - id: caf\xe9\n", "annotations/mini-chapter.yml:3:12: error: the file is not valid UTF-8 (byte 0xe9)"),
    ("bom", b"\xef\xbb\xbfpart: mini-chapter\nannotations: []\n", "annotations/mini-chapter.yml:1:1: warning: the file starts with a byte-order mark"),
    ("huge", b"part: mini-chapter\n" + b"# padding\n" * 2_000_000, "annotations/mini-chapter.yml:1:1: error: the file is 20.0 MB"),
])
def test_encoding_and_size(tmp_path, name, content, message):
    root = _project(tmp_path, "mini-chapter.yml", content)
    result = run_check(root)
    assert any(p.text().startswith(message) for p in result.problems), [p.text() for p in result.problems]


def test_github_format_points_at_the_line(tmp_path, capsys):
    root = _project(tmp_path, "mini-chapter.yml", (CORPUS / "unknown-key.yml").read_bytes())
    assert main(["check", "--root", str(root), "--format", "github"]) == 1
    out = capsys.readouterr().out
    assert "::error file=annotations/mini-chapter.yml,line=8,col=5::[a1] unknown key \"bdy\"" in out
    assert 'Did you mean "body"?' in out


def test_alias_bomb_is_refused_quickly(tmp_path):
    import time
    root = _project(tmp_path, "mini-chapter.yml", (CORPUS / "alias-bomb.yml").read_bytes())
    start = time.perf_counter()
    run_check(root)
    assert time.perf_counter() - start < 5  # refused at the first alias, never expanded (9**7 items otherwise)
