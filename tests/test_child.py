"""child.Child: a function run in a process of its own gives back its result; a failure says why (exit
status and the child's traceback); a stopped child leaves nothing behind."""
from __future__ import annotations

import json
import time

import pytest

from annotated_reader.child import Child, ChildFailed


def test_the_result_comes_back_and_the_file_goes():
    child = Child(json.loads, '{"quota": [1, 2, 3]}')
    assert child.file.exists()
    assert child.result() == {"quota": [1, 2, 3]}
    assert child.done() and not child.file.exists()


def test_a_failure_in_the_child_says_what_went_wrong():
    child = Child(json.loads, "not JSON at all")
    with pytest.raises(ChildFailed, match=r"(?s)^exit status 1: Traceback.*JSONDecodeError"):
        child.result()
    assert not child.file.exists()


def test_a_killed_child_fails_with_its_signal():
    child = Child(time.sleep, 30)
    child.process.kill()
    with pytest.raises(ChildFailed, match=r"^exit status -9$"):
        child.result()


def test_stopping_ends_the_child_and_removes_its_file():
    child = Child(time.sleep, 30)
    assert not child.done()
    child.stop()
    assert child.done() and child.process.returncode != 0 and not child.file.exists()
    child.stop()  # stopping twice is harmless


def test_a_child_returning_nothing_leaves_no_file_even_unattended():
    child = Child(time.sleep, 0)
    child.process.wait(30)
    assert not child.file.exists()  # its parent might never have come back for it
    assert child.result() is None


def test_the_child_imports_this_copy_of_the_package(tmp_path, monkeypatch):
    import os

    import annotated_reader
    monkeypatch.chdir(tmp_path)  # MkDocs run from another folder
    monkeypatch.setenv("PYTHONPATH", "/elsewhere")
    here = os.path.dirname(os.path.dirname(os.path.realpath(annotated_reader.__file__)))
    assert Child(os.getenv, "PYTHONPATH").result().split(os.pathsep) == [here, "/elsewhere"]
