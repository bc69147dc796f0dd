"""The text a reader sees in an HTML page, with a map back to the HTML source.

Anchoring and term linking work on what the reader sees, not on Markdown or
HTML syntax: a quote that spans `<em>` or a footnote marker still matches.
`TextMap` keeps, for each run of visible text, where it sits in the HTML, so
that highlights and term triggers are inserted at exact source offsets, all in
one pass from the end (offsets stay valid, as in Python-Markdown's abbr).

Blocks are separated by PARAGRAPH; a `<br>` inside a block (verse, a letter's lines)
is a LINE, which anchoring reads as a space, so a quote may run across it.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from operator import itemgetter
from typing import NamedTuple
from html import unescape

from .anchor import LINE, PARAGRAPH

BLOCKS = {"p", "div", "li", "ul", "ol", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr",
          "td", "th", "pre", "section", "article", "aside", "details", "summary", "dl", "dt", "dd", "figure",
          "figcaption", "hr", "br", "nav", "header", "footer"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
# Never linked: what is already a link or control, code, and our own markers.
NO_LINK = {"a", "code", "pre", "button", "script", "style", "template", "kbd", "samp", "abbr", "summary"} | HEADINGS
INVISIBLE = {"script", "style", "template"}
VOID = {"br", "hr", "img", "input", "meta", "link", "wbr", "source", "col", "area", "base", "embed", "track"}


@dataclass
class Run:
    """Visible text [start, end) at HTML offset `source`; `linkable` when no NO_LINK ancestor."""

    start: int
    end: int
    source: int
    linkable: bool
    section: int
    skipped: bool = False  # inside a footnote marker or the notes list: not part of the reading text


@dataclass
class TextMap:
    """Visible text of `html` (blocks separated by PARAGRAPH) and its runs."""

    html: str
    text: str
    runs: list[Run] = field(default_factory=list)
    reading: str = ""  # the text without footnote markers and the notes list: what anchors match
    reading_offsets: list[int] = field(default_factory=list)  # reading index -> text index
    _starts: list[int] = field(default_factory=list, repr=False)

    def source_spans(self, start: int, end: int, include_skipped: bool = False) -> list[tuple[int, int]]:
        """HTML [start, end) ranges covering visible [start, end), one per text run.

        Runs outside the reading text (note markers, the notes list) are left out unless asked
        for: a highlight never wraps a note number, but a term in an endnote can be linked.
        """
        spans = []
        if len(self._starts) != len(self.runs):
            self._starts = [r.start for r in self.runs]
        i = max(0, bisect.bisect_right(self._starts, start) - 1)
        while i < len(self.runs) and self.runs[i].start < end:
            run = self.runs[i]
            i += 1
            if run.skipped and not include_skipped:
                continue
            a, b = max(start, run.start), min(end, run.end)
            if a < b:
                spans.append((self.source_offset(run, a), self.source_offset(run, b)))
        return spans

    def source_offset(self, run: Run, index: int) -> int:
        return run.source + _raw_length(self.html, run.source, index - run.start)

    def reading_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of `reading` to a span of `text`."""
        return self.reading_offsets[start], self.reading_offsets[end - 1] + 1


def _raw_length(html: str, source: int, visible: int) -> int:
    """Runs are plain data or a single entity; an entity's visible length is 1."""
    if html.startswith("&", source) and visible:
        semi = html.find(";", source)
        return semi - source + 1 if visible >= 1 else 0
    return visible


_TOKEN = re.compile(r"<!--.*?-->|<(/?)([a-zA-Z][a-zA-Z0-9]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>|&(#?[a-zA-Z0-9]+);|[^<&]+|[<&]", re.S)
_ATTR = re.compile(r"""([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")


def _attrs(raw: str) -> dict:
    return {m.group(1).lower(): m.group(2) if m.group(2) is not None else m.group(3) if m.group(3) is not None else m.group(4)
            for m in _ATTR.finditer(raw)}


def _scan(html: str, skip) -> tuple[str, list[Run]]:
    """One regex pass over well-formed HTML (what Markdown produces): ~10x faster than html.parser."""
    parts: list[str] = []
    runs: list[Run] = []
    stack: list[tuple[str, bool, bool]] = []  # (tag, no_link, skipped)
    length, section = 0, 0

    def block() -> None:
        nonlocal length
        if parts and parts[-1] == LINE:
            parts[-1] = PARAGRAPH  # a <br> just before a block's edge: the edge wins, same length
        elif parts and parts[-1] != PARAGRAPH:
            parts.append(PARAGRAPH)
            length += 1

    def line() -> None:
        nonlocal length
        if parts and parts[-1] not in (PARAGRAPH, LINE):
            parts.append(LINE)
            length += 1

    for m in _TOKEN.finditer(html):
        tag = m.group(2)
        if tag:
            tag = tag.lower()
            if m.group(1):  # closing tag
                for i in range(len(stack) - 1, -1, -1):
                    if stack[i][0] == tag:
                        del stack[i:]
                        break
                if tag in BLOCKS:
                    block()
                continue
            if tag == "br":
                line()
            elif tag in BLOCKS:
                block()
            if tag == "h2":
                section += 1
            if tag in VOID or m.group(3).rstrip().endswith("/"):
                continue
            parent_no_link, parent_skipped = (stack[-1][1], stack[-1][2]) if stack else (False, False)
            invisible = tag in INVISIBLE
            no_link = parent_no_link or tag in NO_LINK or invisible
            skipped = parent_skipped or invisible or skip(tag, _attrs(m.group(3)))
            stack.append((tag, no_link, skipped))
            continue
        token = m.group()
        if token.startswith("<!--"):
            continue
        if m.group(4):
            visible = unescape(token)
        else:
            visible = token
        if stack and any(t in INVISIBLE for t, _, _ in stack):
            continue
        no_link, skipped = (stack[-1][1], stack[-1][2]) if stack else (False, False)
        runs.append(Run(length, length + len(visible), m.start(), not no_link, section, skipped))
        parts.append(visible)
        length += len(visible)
    return "".join(parts), runs


def default_skip(tag: str, attrs: dict) -> bool:
    """Footnote markers and the notes list are not part of the reading text."""
    classes = (attrs.get("class") or "").split()
    return (tag == "sup" and (attrs.get("id") or "").startswith("fnref")) or "footnote" in classes \
        or "footnote-ref" in classes or "ra-notes" in classes or "ra-marker" in classes or "headerlink" in classes


def text_map(html: str, skip=default_skip) -> TextMap:
    """Parse `html` once into its visible text and runs."""
    text, runs = _scan(html, skip)
    tm = TextMap(html, text, runs)
    tm.reading, tm.reading_offsets = _with_breaks(text, tm.runs)
    return tm


def _with_breaks(text: str, runs: list[Run]) -> tuple[str, list[int]]:
    chars, offsets = [], []
    last_end = 0
    for run in runs:
        if run.skipped:
            continue
        gap = text[last_end:run.start]
        if chars and chars[-1] != PARAGRAPH and gap:
            if PARAGRAPH in gap:
                chars.append(PARAGRAPH)
                offsets.append(run.start)
            elif LINE in gap and chars[-1] != LINE:
                chars.append(LINE)
                offsets.append(last_end + gap.index(LINE))
        chars.append(text[run.start:run.end])
        offsets.extend(range(run.start, run.end))
        last_end = run.end
    return "".join(chars), offsets


class Insert(NamedTuple):
    """Text to insert at an HTML offset. The tuple order keeps tags properly nested (see `apply`)."""

    offset: int
    rank: int  # 0 = closing, 1 = opening: closings first at the same offset
    width: int  # closings: inner (shorter) first; openings: outer (longer) first, via negative width
    depth: int  # two elements over the same span: the deeper one opens last and closes first
    text: str


_ORDER = itemgetter(0, 1, 2, 3)  # everything but the text, compared in C


def opening(offset: int, length: int, text: str, depth: int = 0) -> Insert:
    """An opening tag for a span of `length` source characters; `depth` orders equal spans (outer 0)."""
    return Insert(offset, 1, -length, depth, text)


def closing(offset: int, length: int, text: str, depth: int = 0) -> Insert:
    return Insert(offset, 0, length, -depth, text)


def apply(html: str, inserts: list[Insert]) -> str:
    """Insert every piece in one pass; sorting makes nested tags come out well-formed."""
    if not inserts:
        return html
    out, last = [], 0
    for ins in sorted(inserts, key=_ORDER):  # stable: full ties keep the order they were made in
        out.append(html[last:ins.offset])
        out.append(ins.text)
        last = ins.offset
    out.append(html[last:])
    return "".join(out)
