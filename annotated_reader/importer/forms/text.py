"""Text: the paragraph-per-line export, which already is the canonical text.

Also the guess between this form and a hard-wrapped text: an export with one
paragraph per line has many lines far longer than any page is wide, while a
wrapped text has (almost) none.
"""
from __future__ import annotations

from ..profile import Profile
from ..source import decode_source
from . import FormText

WRAP_WIDTH = 100  # no printed line is this long; a paragraph of prose almost always is
WRAPPED_SHARE = 0.02  # at most this share of long lines still reads as wrapped (a URL, a table row)
MIN_LINES = 20  # fewer lines than this tell nothing about wrapping


def read(data: bytes, name: str, profile: Profile) -> FormText:
    """The decoded text as it is; an undecodable byte is a problem at its line and column."""
    text, problems = decode_source(data, name)
    return FormText("text", text or "", None, problems=problems)


def looks_wrapped(data: bytes) -> bool:
    """True when the text's lines are hard-wrapped at a page width rather than one paragraph each."""
    lines = [line for line in data.decode("utf-8", "replace").splitlines() if line.strip()]
    if len(lines) < MIN_LINES:
        return False
    long = sum(1 for line in lines if len(line) > WRAP_WIDTH)
    return long / len(lines) <= WRAPPED_SHARE
