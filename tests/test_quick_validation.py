"""The fast schema check (jsonschema-rs) may only skip jsonschema where jsonschema finds nothing.

load._validate asks jsonschema-rs first and trusts only its "valid"; anything it rejects is
checked again by jsonschema, whose errors make the messages. So the one thing that must hold:
whatever the fast check passes, jsonschema passes too — on every committed file, on the
malformed corpus, and on the cases where the two engines are known to differ.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from annotated_reader import load
from annotated_reader.yamlsource import read_yaml

ROOT = Path(__file__).resolve().parents[1]
# The malformed files that parse to data (the others stop at their YAML error, before any schema).
MALFORMED = [path for path in sorted((ROOT / "tests" / "fixtures" / "malformed").glob("*.yml"))
             if read_yaml(path, path.name).data is not None]


def _kind(name: str) -> str:
    return load.DATA_FILES.get(name, "part")


def _jsonschema_errors(data, kind: str) -> list:
    return list(load._validator(kind).iter_errors(data))


@pytest.mark.parametrize("path", sorted((ROOT / "annotations").glob("*.yml")), ids=lambda p: p.name)
def test_every_committed_file_takes_the_fast_path_and_jsonschema_agrees(path):
    doc = read_yaml(path, path.name)
    kind = _kind(path.name)
    assert load._quickly_valid(doc.data, kind), "a committed file the fast check rejects would lose the speed-up"
    assert _jsonschema_errors(doc.data, kind) == []


@pytest.mark.parametrize("path", MALFORMED, ids=lambda p: p.stem)
def test_the_fast_check_passes_nothing_jsonschema_rejects(path):
    text = path.read_text(encoding="utf-8")
    name = text.split("# as: ", 1)[1].split()[0] if "# as: " in text else "mini-chapter.yml"
    doc = read_yaml(path, path.name)
    kind = _kind(name)
    if load._quickly_valid(doc.data, kind):
        assert _jsonschema_errors(doc.data, kind) == []


ANNOTATION = {"id": "a-note", "anchor": {"quote": "a few words"}, "body": "A body."}
EDGES = [
    {"part": "slug\n"},  # Python's `$` matches before a final newline, Rust's does not
    {"part": "Slug"},
    {"part": "slug", "annotations": [{**ANNOTATION, "anchor": {"quote": "x", "occurrence": 1.0}}]},
    {"part": "slug", "annotations": [{**ANNOTATION, "anchor": {"quote": "x", "occurrence": True}}]},
    {"part": "slug", "annotations": [{**ANNOTATION, "anchor": {"quote": "x", "occurrence": 0}}]},
    {"part": "slug", "annotations": [{**ANNOTATION, "when": dt.date(1924, 1, 21)}]},  # no JSON type
    {"part": "slug", "annotations": [{**ANNOTATION, "body": ""}]},
    {"part": "slug", "annotations": [{**ANNOTATION, "extra": 1}]},
    {"part": "slug", "synopsis": "ß" * 3},
    {"part": "slug", "questions": ["", "why?"]},
    {"part": "slug", "annotations": [ANNOTATION]},
]


@pytest.mark.parametrize("data", EDGES, ids=range(len(EDGES)))
def test_validation_gives_what_jsonschema_alone_gives(data):
    problems: list = []

    class Doc:  # what _validate reads of a YamlDoc for these data
        file = "x.yml"

        def __init__(self, data):
            self.data = data

        def problem(self, *args, **kwargs):
            return ("problem", args[0])

    valid = load._validate(Doc(data), "part", problems)
    assert valid == (_jsonschema_errors(data, "part") == [])
    if load._quickly_valid(data, "part"):
        assert valid
