"""Wrapped: a hard-wrapped text (pdftotext without -layout, a "Save as text" export) -> canonical text.

Three steps, each reported:

1. **Page furniture.** Pages end at form feeds. At a page's top or foot, a
   number (alone, or at either end of a short line) is a page number when a
   nearby page carries the number its distance predicts (page p says n, page
   p+2 says n+2), so a chapter's lone number is not one. After the contents, a
   short line printed at the pages' edges on at least `MIN_HEAD_PAGES` pages is
   a running head, and so is a part's title there (a short part may show its
   running head only once). Nothing is matched against a list of furniture:
   it is what recurs page after page. A heading exactly as the profile prints
   it ("1 WINTER ROADS") is never furniture, nor is a part's name under NOTES.
2. **Unwrapping.** The page width is the length of the longest ordinary line.
   Between two lines the break is a wrap (the lines are joined) when the line
   ends with a cut word ("contextu-" / "alization", repaired from the book's own
   vocabulary exactly as the pipeline repairs page cuts) or when the next line's
   first word would not have fitted on it. Otherwise the break was meant:
   a blank line, a heading (profile headings, NOTES groups, "■ " sections), a
   short last line ending a sentence after a wrapped paragraph, or a line
   followed by a full line of prose end the block; other meant breaks
   (verse, the lines of a letter or list, notes one per line) are kept as lines
   of one block. When the text separates paragraphs by blank lines, a meant
   break inside a block is always a kept line. Where a page ends, a plate's
   page (its text ends with the profile's plate credit) is never joined to the
   text around it. A cut between two words of the book keeps its hyphen when
   neither form is seen elsewhere ("chapter-" / "section"). Where paragraphs
   open with an indent (a few lines in each hundred are indented, not most),
   an indented line always opens a new block.
3. **Markers.** Superscript digits are kept; a text without them carries its
   markers as plain digits, which the pipeline links by their sequence
   (marker_style "plain").

Every canonical line keeps the file line it starts on (`places`).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ..notes import normalize_name
from ..paragraphs import JoinRules, build_vocabulary, decide_hyphen, ends_sentence
from ..profile import Profile
from ..source import decode_source
from . import FormText, Place
from .text import html_problem

MIN_HEAD_PAGES = 3  # a running head recurs on at least this many pages
HEAD_MAX_CHARS = 70  # a running head is a short line
NEIGHBOUR_PAGES = 3  # a page number is confirmed by a page at most this far away
INDENT_SHARE = (0.03, 0.5)  # this share of indented lines reads as indented paragraph openings
EDGE_DEPTH = 2  # furniture is looked for in this many lines at a page's top and foot

SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUPERSCRIPT = re.compile(f"[{SUPERSCRIPTS}]+")
_NUMBER = re.compile(r"\d{1,4}|(?=[ivxlcdm])m{0,3}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})")
_EDGE_NUMBER = re.compile(r"^(\d{1,4})\s+|\s+(\d{1,4})$")
_CUT = re.compile(r"([^\W\d_]+(?:-[^\W\d_]+)*)-$")
_FIRST = re.compile(r"^[^\W\d_]+")
_ITEM = re.compile(r"^(?:\d{1,3}[.)]|[-•–]|\([a-z0-9]{1,3}\))\s")
_PLAIN_END = re.compile(r"(?<=[.!?…”’\"')\]])\d{1,3}$")
_SOFT_END = re.compile(r"[:][\"'”’)\]*_]*$")


@dataclass
class _Line:
    number: int  # 1-based line of the file
    text: str
    page: int
    blank_before: bool = False  # a blank body line precedes it on its page
    page_start: bool = False  # the first body line of a page after the first
    indent: int = 0  # leading spaces (tabs as 8)


def read(data: bytes, name: str, profile: Profile) -> FormText:
    """Unwrap the text into canonical blocks; drop and count page furniture; keep each line's place."""
    text, problems = decode_source(data, name)
    if text is None:
        return FormText("wrapped", problems=problems)
    html = html_problem(text, name)
    if html:
        return FormText("wrapped", problems=[html])
    pages = _pages(text)
    furniture, dropped = find_furniture(pages, profile)
    if "\f" not in text:
        furniture.pop("form_feeds", None)  # the pages were cut after their numbers
    body = _body_lines(pages, dropped)
    copy = FormText("wrapped", furniture=furniture)
    rules = JoinRules(frozenset(profile.abbreviations), profile.short_block_words, profile.hyphen_default,
                      build_vocabulary(_whole_words(body)))
    blocks = unwrap(body, rules, profile, copy, name)
    lines: list[str] = []
    places: list[Place] = []
    for block in blocks:
        if lines:
            lines.append("")
            places.append(places[-1])
        for number, line in block:
            lines.append(line)
            places.append(Place(name, number))
    copy.text = "\n".join(lines) + "\n"
    copy.places = places + [places[-1]] if places else None
    notes_at = next((i for i, line in enumerate(lines) if line.strip() == profile.notes_heading), len(lines))
    superscripts = len(_SUPERSCRIPT.findall("\n".join(lines[:notes_at])))
    if superscripts:
        copy.markers["superscript"] = superscripts
    else:
        copy.marker_style = "plain"  # the pipeline links plain digits by their sequence
    return copy


def _pages(text: str) -> list[list[tuple[int, str]]]:
    """The file's lines (number, text) cut into pages at form feeds, or else after its page numbers."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if "\f" not in text:
        return _pages_by_numbers(lines)
    pages: list[list[tuple[int, str]]] = [[]]
    for number, raw in enumerate(lines, 1):
        while "\f" in raw:
            before, raw = raw.split("\f", 1)
            if before.strip():
                pages[-1].append((number, before))
            pages.append([])
        pages[-1].append((number, raw.rstrip()))
    return pages


def _pages_by_numbers(lines: list[str]) -> list[list[tuple[int, str]]]:
    """Pages of a text saved without form feeds: cut after each line of the longest run of numbers 1, 2, 3 ...

    A number alone on a line, followed some lines later by the next number
    alone on a line, and so on, is a page number; the page ends with it (at the
    foot) or the next begins after it (a number at the top) — either way it is
    at the page's edge, where the furniture is looked for.
    """
    chains: dict[int, list[int]] = {}  # the value a chain expects next -> the line indexes of the chain
    for index, line in enumerate(lines):
        value = line.strip()
        if value.isdigit() and len(value) <= 4:
            chain = chains.pop(int(value), None) or []
            chain.append(index)
            chains[int(value) + 1] = chain
    best = max(chains.values(), key=len, default=[])
    cuts = set(best) if len(best) >= MIN_HEAD_PAGES else set()
    pages: list[list[tuple[int, str]]] = [[]]
    for index, line in enumerate(lines):
        pages[-1].append((index + 1, line.rstrip()))
        if index in cuts:
            pages.append([])
    return pages


def _heading_forms(profile: Profile) -> set[str]:
    """Every line the profile makes a heading (compared with normalize_name), NOTES groups included."""
    return {normalize_name(form) for form in _printed_headings(profile) | {s.notes for s in profile.parts if s.notes}}


def _printed_headings(profile: Profile) -> set[str]:
    """The headings as the profile prints them: parts (with their number), subtitles, CONTENTS, NOTES."""
    forms = {profile.notes_heading, profile.contents_heading or ""}
    for spec in profile.parts:
        forms |= {spec.heading, spec.subtitle or ""}
        if spec.number is not None:
            forms |= {f"{spec.number} {spec.heading}", f"{spec.number}. {spec.heading}"}
    return {form.replace("’", "'") for form in forms if form} | {form for form in forms if form}


def find_furniture(pages: list[list[tuple[int, str]]],
                   profile: Profile) -> tuple[dict[str, int], set[tuple[int, int]]]:
    """Page numbers and running heads at the pages' edges: ({kind: count}, their (page, position)s).

    Running heads are looked for after the contents page (a title page repeats
    the title on the half-title and title pages, which are no running heads).
    A short page may carry its part's running head only once, so a part's title
    at a page's edge is one too; a heading printed as the profile prints it
    ("1 WINTER ROADS") never is.
    """
    section_marker, contents_heading = profile.section_marker, profile.contents_heading
    printed = _printed_headings(profile)
    titles = {normalize_name(t) for spec in profile.parts for t in (spec.title, spec.heading) if t}
    counts = {"form_feeds": max(0, len(pages) - 1), "page_numbers": 0, "running_heads": 0}
    dropped: set[tuple[int, int]] = set()  # (page, position on the page): a form feed may share a file line
    if len(pages) < MIN_HEAD_PAGES:
        return {k: v for k, v in counts.items() if v}, dropped
    edges = []  # (page, file line, number printed on the line or None, the rest of the line, the line)
    for p, page in enumerate(pages):
        kept = [(k, t.strip()) for k, (_, t) in enumerate(page) if t.strip()]
        index = list(range(len(kept)))
        for i in (index[:EDGE_DEPTH] + index[-EDGE_DEPTH:] if len(kept) > 2 * EDGE_DEPTH else index):
            n, t = kept[i]
            n = (p, n)
            number, rest = _split_number(t)
            edges.append((p, n, number, rest, t))
    offsets: dict[int, set[tuple[int, bool]]] = {}
    for p, _, number, _, _ in edges:
        if number:
            offsets.setdefault(p, set()).add((number[0] - p, number[1]))

    def confirmed(p: int, number: tuple[int, bool]) -> bool:  # a nearby page's number fits this one
        return any((number[0] - p, number[1]) in offsets.get(q, ()) for q in
                   range(p - NEIGHBOUR_PAGES, p + NEIGHBOUR_PAGES + 1) if q != p)

    first = next((p + 1 for p, page in enumerate(pages) if contents_heading and
                  any(t.strip() == contents_heading for _, t in page)), 0)
    notes_page = next((p for p, page in enumerate(pages) if p >= first and
                       any(t.strip() == profile.notes_heading for _, t in page)), len(pages))
    groups = {normalize_name(spec.notes) for spec in profile.parts if spec.notes}
    edges = [(p, n, number, rest, t) if not number or confirmed(p, number) else (p, n, None, t, t)
             for p, n, number, rest, t in edges]
    heads: dict[str, set[int]] = {}
    for p, n, number, rest, _ in edges:
        if not rest:
            dropped.add(n)
            counts["page_numbers"] += 1
        elif p >= first and _head_key(rest) and not rest.startswith(section_marker):
            heads.setdefault(rest, set()).add(p)
    for p, n, number, rest, _ in edges:
        if not rest or p < first or rest in printed:
            continue  # a heading as the profile prints it is never furniture
        name = normalize_name(rest)
        if len(heads.get(rest, ())) < MIN_HEAD_PAGES and name not in titles:
            continue
        if p >= notes_page and name in groups:
            continue  # under NOTES, a part's name heads its notes
        dropped.add(n)
        counts["running_heads"] += 1
    return {k: v for k, v in counts.items() if v}, dropped


def _split_number(text: str) -> tuple[tuple[int, bool] | None, str]:
    """A page number printed alone or at either end of a line (a running head), and the rest of the line."""
    if _NUMBER.fullmatch(text):
        return _value(text), ""
    match = _EDGE_NUMBER.search(text)
    if match:
        return _value(match.group(1) or match.group(2)), _EDGE_NUMBER.sub("", text, count=1).strip()
    return None, text


def _value(text: str) -> tuple[int, bool]:
    if text.isdigit():
        return int(text), False
    return _roman(text), True


def _roman(text: str) -> int:
    values = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
    total = 0
    for i, ch in enumerate(text):
        value = values[ch]
        total += -value if i + 1 < len(text) and values[text[i + 1]] > value else value
    return total


def _head_key(text: str) -> str:
    """A line as a running-head candidate (page number glued to it removed), or "" if it cannot be one."""
    stripped = text.strip()
    if not stripped or len(stripped) > HEAD_MAX_CHARS or not any(ch.isalpha() for ch in stripped) \
            or stripped[-1] in ".,;:":
        return ""  # a heading-like line; a line of prose or verse ends otherwise
    return stripped


def _body_lines(pages: list[list[tuple[int, str]]], dropped: set[tuple[int, int]]) -> list[_Line]:
    """The lines left once furniture is gone; blank lines at a page's edges go with it."""
    body: list[_Line] = []
    for p, page in enumerate(pages):
        kept = [(n, t) for k, (n, t) in enumerate(page) if (p, k) not in dropped]
        while kept and not kept[0][1].strip():
            kept.pop(0)
        while kept and not kept[-1][1].strip():
            kept.pop()
        blank = False
        first = True
        for n, t in kept:
            if not t.strip():
                blank = True
                continue
            body.append(_Line(n, t.strip(), p, blank, first and p > 0, len(t.expandtabs()) - len(t.expandtabs().lstrip())))
            blank = first = False
    return body


def unwrap(body: list[_Line], rules: JoinRules, profile: Profile, copy: FormText,
           name: str) -> list[list[tuple[int, str]]]:
    """Blocks of (file line, text) lines: wrapped lines joined, meant breaks kept (see the module doc)."""
    if not body:
        return []
    width = _width(body)
    blank_mode = _blank_mode(body, width)
    headings = _heading_forms(profile)
    longest = max(map(len, headings), default=0) + 8  # room for emphasis and spacing the names drop
    is_heading = [l.text.startswith(profile.section_marker) or len(l.text) <= longest and
                  normalize_name(l.text) in headings for l in body]
    note_start = _note_starts(body, profile)
    plate_pages = _plate_pages(body, profile.plate_credit)
    indented = sum(1 for line in body if line.indent) / len(body)
    indent_mode = INDENT_SHARE[0] <= indented <= INDENT_SHARE[1]  # paragraphs open with an indent

    def wraps(i: int) -> bool:  # the break after body[i] is a wrap
        if i + 1 >= len(body):
            return False
        a, b = body[i], body[i + 1]
        if (b.blank_before and not b.page_start) or is_heading[i] or is_heading[i + 1] or note_start[i + 1]:
            return False
        if indent_mode and b.indent > a.indent and not _cut(a.text):
            return False  # an indented line opens a paragraph
        if b.page_start and (a.page in plate_pages or b.page in plate_pages):
            return False  # a plate's caption is printed on a page of its own
        return bool(_cut(a.text) and _FIRST.match(b.text)) or len(a.text) + 1 + len(b.text.split()[0]) > width

    wrap_after = [wraps(i) for i in range(len(body))]  # each break is judged once
    blocks: list[list[tuple[int, str]]] = [[(body[0].number, body[0].text)]]
    prev_wrapped = False  # the break before the current line was a wrap
    block_start = 0
    joins: Counter = Counter()
    for i in range(len(body) - 1):
        a, b = body[i], body[i + 1]
        if wrap_after[i]:
            number, text = blocks[-1][-1]
            blocks[-1][-1] = (number, _join(text, b.text, rules, joins, copy, name, a.number))
            prev_wrapped = True
            continue
        if (b.blank_before and not b.page_start) or is_heading[i] or is_heading[i + 1]:
            new_block = True
        elif b.page_start and (a.page in plate_pages or b.page in plate_pages):
            new_block = True
        elif note_start[i + 1]:
            new_block = False  # notes one per line: the pipeline splits them
        elif blank_mode and not b.page_start:
            new_block = False  # paragraphs are blank-separated: a meant break is a kept line
        elif indent_mode and b.indent > a.indent:
            new_block = True
        elif wrap_after[i + 1]:
            new_block = True  # a full line of prose starts after a short one
        elif _ITEM.match(a.text):
            new_block = not _ITEM.match(b.text)  # the items of a list stay together
        elif _ends_sentence(a.text, rules) or _SOFT_END.search(a.text):
            new_block = prev_wrapped or block_start == i
        else:
            new_block = False
        if new_block:
            blocks.append([(b.number, b.text)])
            block_start = i + 1
        else:
            blocks[-1].append((b.number, b.text))
        prev_wrapped = False
    copy.joins = {k: v for k, v in joins.items() if v}
    return blocks


def _ends_sentence(text: str, rules: JoinRules) -> bool:
    """ends_sentence, also before a plain-digit marker ("… older.4")."""
    return ends_sentence(_PLAIN_END.sub("", text), rules.abbreviations)


def _whole_words(body: list[_Line]) -> list[str]:
    """The lines without the pieces of words cut at line ends, so "ing" or "tion" never pass for words."""
    texts = []
    cut_before = False
    for line in body:
        text = line.text
        if cut_before:
            text = _FIRST.sub("", text, count=1)
        cut = _cut(text)
        cut_before = cut is not None
        texts.append(text[:cut.start()] if cut else text)
    return texts


def _note_starts(body: list[_Line], profile: Profile) -> list[bool]:
    """Which lines start a note: under NOTES, "n. " with the next number of the current part's notes."""
    groups = {normalize_name(spec.notes) for spec in profile.parts if spec.notes}
    starts = [False] * len(body)
    in_notes, expected = False, 1
    for i, line in enumerate(body):
        if line.text == profile.notes_heading:
            in_notes, expected = True, 1
        elif in_notes and normalize_name(line.text) in groups:
            expected = 1
        elif in_notes and line.text.startswith(f"{expected}. "):
            starts[i] = True
            expected += 1
    return starts


def _plate_pages(body: list[_Line], credit: str | None) -> set[int]:
    """Pages that carry a plate: their text ends a caption with the profile's plate credit."""
    if not credit:
        return set()
    wanted = " ".join(credit.split()).rstrip(".")
    last = wanted.split()[-1]
    pages = {line.page for line in body if last in line.text}  # only pages with the credit's last word
    text: dict[int, list[str]] = {}
    for line in body:
        if line.page in pages:
            text.setdefault(line.page, []).append(line.text.replace("**", ""))
    return {page for page, lines in text.items() if wanted in " ".join(" ".join(lines).split())}


def _join(text: str, nxt: str, rules: JoinRules, joins: Counter, copy: FormText, name: str, line: int) -> str:
    """Join a wrapped line to the next; a word cut at the line end is repaired from the book's vocabulary.

    Where the book has neither the joined nor the hyphenated form elsewhere,
    the cut keeps its hyphen when it is surely a compound's: between two words
    the book uses on their own ("well-" / "armed"), after a part that already
    has a hyphen ("day-to-" / "day"), or before a capital ("Saltykov-" /
    "Shchedrin"), since a line end breaks a compound at its hyphen far more
    often than it splits a word into two real words.
    """
    cut, first = _cut(text), _FIRST.match(nxt)
    if not (cut and first):
        joins["wrapped"] += 1
        return f"{text} {nxt}"
    left, right = cut.group(1), first.group(0)
    word, kind, reason = decide_hyphen(left, right, rules)
    if "-" in left and not rules.vocabulary[(left + right).lower()]:
        reason = "neither form seen elsewhere"  # "day-to-" + "day" is no "today": only whole compounds count
    last = left.split("-")[-1].lower()
    if "neither form" in reason:
        why = ""
        if len(last) >= 4 and len(right) >= 3 and min(rules.vocabulary[last], rules.vocabulary[right.lower()]) >= 1:
            why = f'"{last}" and "{right}" are words of the book'
        elif "-" in left:
            why = f'"{left}-" is already a compound'
        elif right[0].isupper():
            why = f'"{right}" starts with a capital'
        if why:
            word, kind, reason = f"{left}-{right}", "keep-hyphen", f"neither form seen elsewhere, but {why}"
    joins[kind] += 1
    if kind == "keep-hyphen" or "default" in reason:
        copy.repairs.append({"kind": kind, "file": name, "line": line,
                             "detail": f'"{left}-" + "{right}" -> "{word}" ({reason})'})
    return text[:cut.start()] + word + nxt[first.end():]


def _cut(text: str) -> re.Match | None:
    """The word cut at the end of `text` ("contextu-", "salt-"), looked for in the last word only (fast)."""
    if len(text) < 2 or text[-1] != "-" or not text[-2].isalpha():
        return None
    return _CUT.search(text, text.rfind(" ") + 1)


def _width(body: list[_Line]) -> int:
    """The page width in characters: the longest line most lines come close to (a stray long line aside)."""
    lengths = sorted(len(line.text) for line in body)
    return lengths[int(0.99 * (len(lengths) - 1))]


def _blank_mode(body: list[_Line], width: int) -> bool:
    """Whether blank lines separate paragraphs: most short line ends are followed by one."""
    short = [i for i in range(len(body) - 1) if len(body[i].text) < 0.8 * width and not body[i + 1].page_start]
    blanks = sum(1 for i in short if body[i + 1].blank_before)
    return bool(short) and blanks >= 0.5 * len(short)
