"""The search index written by a child process (search.write_index_in_background): the same file as
write_index, written by the build's own process should the child fail, and stopped cleanly."""
from __future__ import annotations

from pathlib import Path

from annotated_reader.search import INDEX_PATH, Document, write_index, write_index_in_background


def documents() -> list[Document]:
    docs = [Document("book", "book/a.html", f"p-{n}", "First section", f"Invented passage {n} about grain quotas")
            for n in range(1, 40)]
    docs.append(Document("glossary", "glossary.html", "term-kolkhoz", "kolkhoz", "A collective farm.", "kolkhoz kolkhozy"))
    return docs


def arguments(site: Path) -> tuple:
    return site, documents(), [["kolkhoz", "kolkhozy"]], {"book/a.html": "A", "glossary.html": "Glossary"}


def test_the_child_writes_the_same_index_as_write_index(tmp_path):
    expected = write_index(*arguments(tmp_path / "here")).read_bytes()
    process = write_index_in_background(*arguments(tmp_path / "child"))
    assert process.finish() is None
    assert (tmp_path / "child" / INDEX_PATH).read_bytes() == expected
    assert not process.child.file.exists()


def test_a_failed_child_is_followed_by_the_index_written_here(tmp_path):
    expected = write_index(*arguments(tmp_path / "here")).read_bytes()
    process = write_index_in_background(*arguments(tmp_path / "child"))
    process.child.process.kill()  # killed before it could start Python, let alone write the index
    failure = process.finish()
    assert failure and "search index process failed (exit status -9)" in failure
    assert (tmp_path / "child" / INDEX_PATH).read_bytes() == expected
    assert not process.child.file.exists()


def test_a_stopped_child_leaves_no_index_and_no_arguments_file(tmp_path):
    process = write_index_in_background(*arguments(tmp_path / "child"))
    process.stop()
    assert process.child.process.returncode is not None
    assert not process.child.file.exists()
    assert not (tmp_path / "child" / INDEX_PATH).exists()
