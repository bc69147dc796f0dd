"""Words: the count that proves the import lost and invented nothing.

A word is a run of letters or digits, with inner apostrophes or hyphens
("Lenin’s", "face-to-face"); note markers are not words, on either side. In the
source, the body and the notes are counted (not the front matter, the part
headings, the NOTES group headings, page artefacts or plates, which are
counted and reported on their own). In the output, the Markdown the importer
adds is removed first: front matter, the part's H1, heading ids, footnote
labels and references, hard-break spaces and backslash escapes.

A word cut by a page break ("contextu-" / "alization") is two source words and
one output word, so `words_in` is the raw source count less the number of
hyphenated words rejoined; with that, words in == words out.
"""
from __future__ import annotations

import re

_SUPERSCRIPTS = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹]+")
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)
_H1 = re.compile(r"^# .*$", re.M)
_ATTR = re.compile(r"\s*\{#[^}\s]*\}\s*$", re.M)
_FOOTNOTE = re.compile(r"\[\^\d+\]:?")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>|])")


def count_words(text: str) -> int:
    """Words in plain source text; superscript note markers do not count."""
    return len(_WORD.findall(_SUPERSCRIPTS.sub(" ", text)))


def markdown_words(markdown: str) -> int:
    """Words a reader sees in an imported Markdown file, without the syntax the importer adds."""
    return len(markdown_tokens(markdown))


def markdown_tokens(markdown: str) -> list[str]:
    """The words themselves, in order (for comparing two imports word by word)."""
    text = _FRONT_MATTER.sub("", markdown, count=1)
    text = _H1.sub("", text)
    text = _ATTR.sub("", text)
    text = _FOOTNOTE.sub(" ", text)
    text = _ESCAPE.sub(r"\1", text)
    return _WORD.findall(_SUPERSCRIPTS.sub(" ", text))
