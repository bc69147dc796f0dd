"""Source: reading the plain-text export and cutting it into lines and blocks.

The export is the reader's own copy of the book, so it arrives in every state:
missing, empty, saved in a legacy encoding. Each case becomes a Problem that
says where (for an encoding error: the byte offset, line and column) and how
to fix it, never a traceback.
"""
from __future__ import annotations

from pathlib import Path

from ..problems import Problem
from .model import Block, Line, Repair


def read_bytes(path: Path, name: str) -> tuple[bytes | None, list[Problem]]:
    """Return the file's bytes, or None and the problems that prevent reading them."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None, [Problem(name, 1, 1, "the source text does not exist",
                              "Pass the path of your plain-text copy of the book: reader import PATH.",
                              "source-missing")]
    except IsADirectoryError:
        return None, [Problem(name, 1, 1, "the source text is a directory, not a file",
                              "Pass the path of the .txt export itself.", "source-missing")]
    except OSError as error:
        return None, [Problem(name, 1, 1, f"the source text cannot be read: {error.strerror}", "",
                              "source-unreadable")]
    if not data.strip():
        return None, [Problem(name, 1, 1, "the source text is empty",
                              "Export the book again; the import needs its full text.", "source-empty")]
    return data, []


def decode_source(data: bytes, name: str) -> tuple[str | None, list[Problem]]:
    """Decode UTF-8 (a BOM is allowed); name the first undecodable byte by offset, line and column."""
    if not data.strip():
        return None, [Problem(name, 1, 1, "the source text is empty",
                              "Export the book again; the import needs its full text.", "source-empty")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        offset = error.start
        line = data.count(b"\n", 0, offset) + 1
        col = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
        return None, [Problem(
            name, line, col,
            f"the source text is not UTF-8: byte 0x{data[offset]:02x} at offset {offset} "
            f"(line {line}, column {col}) cannot be decoded",
            "Save the export as UTF-8, e.g. iconv -f cp1252 -t utf-8 book.txt > book-utf8.txt.",
            "source-encoding")]
    return text.removeprefix("\ufeff"), []


def split_lines(text: str) -> list[Line]:
    """Number the lines from 1; CRLF and CR endings count as one break."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return [Line(i, raw) for i, raw in enumerate(text.split("\n"), 1)]


def clean_lines(lines: list[Line], prefixes: tuple[str, ...], repairs: list[Repair]) -> list[Line]:
    """Drop the export's stray leading spaces and line-start artefacts ("- "), reporting each.

    They carry no words, yet left in place they would turn a note or a numbered
    line into a Markdown list or code block.
    """
    cleaned = []
    for line in lines:
        text = line.text.rstrip()
        stripped = text.lstrip()
        if stripped and stripped != text:
            repairs.append(Repair("artefact", line.number, "stray leading spaces removed"))
        for prefix in prefixes:
            if stripped.startswith(prefix) and stripped[len(prefix):].strip():
                stripped = stripped[len(prefix):].lstrip()
                repairs.append(Repair("artefact", line.number, f'stray "{prefix.strip()}" at line start removed'))
                break
        cleaned.append(Line(line.number, stripped))
    return cleaned


def blocks_of(lines: list[Line]) -> list[Block]:
    """Group lines into blocks separated by blank (or whitespace-only) lines."""
    blocks: list[Block] = []
    current: list[Line] = []
    for line in lines:
        if line.text.strip():
            current.append(line)
        elif current:
            blocks.append(Block(current))
            current = []
    if current:
        blocks.append(Block(current))
    return blocks
