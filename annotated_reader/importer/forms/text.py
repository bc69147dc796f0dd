"""Text: the paragraph-per-line export, which already is the canonical text.

Also the guess between this form and a hard-wrapped text: an export with one
paragraph per line has many lines far longer than any page is wide, while a
wrapped text has (almost) none.
"""
from __future__ import annotations

import re

from ...problems import Problem
from ..profile import Profile
from ..source import decode_source
from . import FormText

WRAP_WIDTH = 100  # no printed line is this long; a paragraph of prose almost always is
WRAPPED_SHARE = 0.02  # at most this share of long lines still reads as wrapped (a URL, a table row)
MIN_LINES = 20  # fewer lines than this tell nothing about wrapping
_SUPERSCRIPT = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹]+")


def read(data: bytes, name: str, profile: Profile) -> FormText:
    """The decoded text as it is; an undecodable byte is a problem at its line and column.

    An export without a single superscript digit carries its note markers as
    plain digits (a converter's "Save as text"); the pipeline then links them by
    their sequence (marker_style "plain").
    """
    text, problems = decode_source(data, name)
    html = html_problem(text or "", name)
    copy = FormText("text", text or "", None, problems=[html] if html else problems)
    if text and not html:
        found = len(_SUPERSCRIPT.findall(text))
        if found:
            copy.markers["superscript"] = found
        else:
            copy.marker_style = "plain"
    return copy


def looks_wrapped(data: bytes) -> bool:
    """True when the text's lines are hard-wrapped at a page width rather than one paragraph each."""
    lines = [line for line in data.decode("utf-8", "replace").splitlines() if line.strip()]
    if len(lines) < MIN_LINES:
        return False
    long = sum(1 for line in lines if len(line) > WRAP_WIDTH)
    return long / len(lines) <= WRAPPED_SHARE


_HTML = re.compile(r"\A\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])", re.I | re.S)
_EXPECTED = {".pdf": "a PDF", ".epub": "an EPUB", ".txt": "a text export of the book"}


def html_problem(text: str, name: str) -> Problem | None:
    """A web page saved under the book's name (a download or login page) is said to be one, not read as text."""
    if not _HTML.match(text[:4096]):
        return None
    suffix = name[name.rfind("."):].lower() if "." in name.rsplit("/", 1)[-1] else ""
    expected = _EXPECTED.get(suffix, "a copy of the book")
    return Problem(name, 1, 1, f"the file is an HTML web page, not {expected}",
                   "A shop or library often serves a page instead of the book when a download link has expired "
                   "or needs a login: open the file in a browser to see which page it is, then download the book "
                   "itself again.", "source-html")
