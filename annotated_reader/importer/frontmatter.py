"""Front matter: the title page (book metadata) and the CONTENTS (a cross-check of the parts).

Neither is emitted as a part. The title page gives the manifest's metadata; it
is printed twice in the export (half title and title), partly in capitals, so
a value in capitals is replaced by the same words in mixed case where the page
has them, else title-cased. The profile's `book:` values win over all of this.
The contents list is the independent witness of the part order and of chapter
numbers, which is what repairs a chapter heading printed without its number.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..problems import Problem
from .model import Line
from .notes import normalize_name
from .profile import Profile
from .titlecase import title_case

BOOK_KEYS = ("title", "subtitle", "author", "translator", "publisher", "city", "year")
_ENTRY = re.compile(r"^(?:(\d+)\.?\s+)?(.*?)(?:\s+([ivxlcdm]+|\d+))?$")
_CAPS_WORD = re.compile(r"\b[^\W\d_]{2,}\b")


@dataclass(frozen=True)
class ContentsEntry:
    """One line of the CONTENTS list."""

    title: str
    number: int | None
    page: str | None
    line: int


def parse_title_page(lines: list[Line], profile: Profile) -> dict:
    """Book metadata from the lines before CONTENTS; profile `book:` values override."""
    texts = [line.text.strip() for line in lines if line.text.strip()]
    prefix = profile.translator_prefix.casefold()
    found = [i for i, t in enumerate(texts) if t.casefold().startswith(prefix)]
    book: dict = dict.fromkeys(BOOK_KEYS)
    if found:
        t = found[-1]
        pick = lambda i: texts[i] if 0 <= i < len(texts) else None  # noqa: E731
        book.update(title=pick(t - 3), subtitle=pick(t - 2), author=pick(t - 1),
                    translator=texts[t][len(prefix):].strip(), publisher=pick(t + 1),
                    city=pick(t + 2), year=pick(t + 3))
    elif texts:
        book.update(title=texts[0], subtitle=texts[1] if len(texts) > 1 else None)
    variants = texts + [t[len(prefix):].strip() for t in texts if t.casefold().startswith(prefix)]
    small = profile.small_words
    for key, value in book.items():
        if isinstance(value, str) and key != "year":
            book[key] = _mixed_case(value, variants, small)
    if isinstance(book["year"], str):
        book["year"] = int(book["year"]) if book["year"].isdigit() and len(book["year"]) == 4 else None
    book.update({k: v for k, v in profile.book.items() if k in BOOK_KEYS})
    return book


def _mixed_case(value: str, variants: list[str], small: tuple[str, ...]) -> str:
    if not any(w.isupper() for w in _CAPS_WORD.findall(value)):
        return value
    for other in variants:
        if other.casefold() == value.casefold() and not any(w.isupper() for w in _CAPS_WORD.findall(other)):
            return other
    return title_case(value, small)


def parse_contents(lines: list[Line]) -> list[ContentsEntry]:
    """Entries such as "Preface ix", "1. BEFORE THE REVOLUTION 11"."""
    entries = []
    for line in lines:
        text = line.text.strip()
        if not text:
            continue
        match = _ENTRY.match(text)
        number, title, page = match.groups()
        entries.append(ContentsEntry(title.strip(), int(number) if number else None, page, line.number))
    return entries


def check_contents(entries: list[ContentsEntry], profile: Profile, source: str,
                   heading_line: int) -> tuple[dict[str, int], list[Problem]]:
    """Compare the CONTENTS with the profile's parts: same parts, same order, same numbers.

    Returns the chapter numbers the contents give (by slug) and the problems.
    """
    problems: list[Problem] = []
    by_name = {}
    for part in profile.parts:
        by_name[normalize_name(part.title)] = part
        by_name.setdefault(normalize_name(part.heading), part)
    skip = {normalize_name(s) for s in profile.contents_skip}
    seen: list[tuple[ContentsEntry, object]] = []
    for entry in entries:
        name = normalize_name(entry.title)
        if name in by_name:
            seen.append((entry, by_name[name]))
        elif name not in skip:
            problems.append(Problem(source, entry.line, 1, (
                f'the contents list "{entry.title}", which is not a part in the profile'),
                "Add the part to the profile's `parts`, or its name to `contents_skip`.", "contents-unknown"))
    numbers: dict[str, int] = {}
    listed = [part.slug for _, part in seen]
    for part in profile.parts:
        if part.slug not in listed:
            problems.append(Problem(source, heading_line, 1, (
                f'part "{part.slug}" ("{part.title}") is not in the contents'),
                "Check the part's title in the profile against the CONTENTS list.", "contents-missing"))
    order = [slug for slug in (p.slug for p in profile.parts) if slug in listed]
    if listed != order:
        # the first entry out of place; a part listed twice runs past the profile's order
        entry = next((e for (e, part), slug in zip(seen, order) if part.slug != slug), seen[len(order)][0]
                     if len(seen) > len(order) else seen[0][0])
        problems.append(Problem(source, entry.line, 1, (
            "the contents list the parts in another order than the profile: "
            + ", ".join(listed)), "Reorder the profile's `parts` to the book's reading order.",
            "contents-order"))
    for entry, part in seen:
        if entry.number is not None:
            numbers[part.slug] = entry.number
            if part.number != entry.number:
                problems.append(Problem(source, entry.line, 1, (
                    f'the contents number "{part.title}" {entry.number}, the profile '
                    f"{part.number if part.number is not None else 'not at all'}"),
                    "Make the profile's `number` match the book.", "contents-number"))
    return numbers, problems
