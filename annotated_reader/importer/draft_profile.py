"""Draft profile: a first profile YAML for another book, read from its EPUB's navigation or a text's contents.

A profile holds the facts about one edition that code must not hard-wire
(profile.py). Most of them can be read off the book itself: an EPUB's nav (or
NCX) lists the parts in reading order, each document prints its heading, and
the notes document groups the notes under each part's name; a text export
has a CONTENTS list whose entries reappear as headings, and a NOTES section
with one group line per part. What cannot be known for sure — which kind a
part is, whether a repeated final sentence really is the plates' credit — is
guessed and marked with a comment saying what to check. The draft is written
for a person to review, and it must load with `load_profile` as it is.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field

from ..problems import Problem
from .forms import FormText, detect_form
from .frontmatter import parse_contents, parse_title_page
from .model import Line
from .notes import normalize_name
from .profile import Profile
from .source import blocks_of, decode_source, split_lines
from .titlecase import slugify, title_case

SMALL_WORDS = ("a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "nor", "of", "on", "or",
               "over", "per", "the", "to", "up", "via", "with")
ABBREVIATIONS = ("no", "nos", "p", "pp", "vol", "vols", "ed", "eds", "trans", "ch", "fol", "fols", "cf", "op")
NOT_PARTS = ("cover", "title page", "title", "half title", "copyright", "copyright page", "contents",
             "table of contents", "dedication", "epigraph", "acknowledgments", "acknowledgements", "index",
             "bibliography", "notes", "endnotes", "about the author", "about the translator", "also by",
             "illustrations", "list of illustrations", "maps", "list of maps", "further reading", "glossary",
             "abbreviations", "credits", "landmarks", "start", "begin reading")
FRONT = ("preface", "foreword", "introduction", "prologue", "note on the text", "translator's note")
END = ("epilogue", "afterword", "conclusion", "postscript", "coda")
TRANSLATOR = Profile(parts=()).translator_prefix
_BLANK_PAGE = re.compile(r"(?i)^this page (is )?(intentionally|deliberately) left blank\.?$")
SECTION = Profile(parts=()).section_marker
_CAPS = re.compile(r"\b[A-Z]{2,6}\b")
_NOTE_LINE = re.compile(r"^\d+\.\s+\S")


@dataclass
class DraftPart:
    """One part as found: enough for its profile entry, with notes on what to check."""

    title: str
    heading: str
    number: int | None = None
    subtitle: str | None = None
    notes: str | None = None
    kind: str = "chapter"
    checks: list[str] = field(default_factory=list)


@dataclass
class Draft:
    source: str
    form: str
    book: dict
    parts: list[DraftPart]
    contents_skip: list[str]
    contents_heading: str | None = "CONTENTS"
    notes_heading: str = "NOTES"
    credit: str | None = None
    credit_count: int = 0
    artefact_lines: list[str] = field(default_factory=list)
    acronyms: list[str] = field(default_factory=list)


def draft_profile(data: bytes, name: str) -> tuple[str | None, list[Problem]]:
    """The profile YAML drafted from a book file (EPUB, or a paragraph-per-line or wrapped text)."""
    form = detect_form(data)
    problems: list[Problem] = []
    if form == "pdf":
        return None, [Problem(name, 1, 1, "reader profile drafts from an EPUB or a text, not from a PDF",
                              "Draft it from the book's EPUB or a text export, or copy an existing profile "
                              "and edit its parts.", "profile-draft-form")]
    if form == "wrapped":  # unwrapped first: page furniture and running heads would pass for headings
        from .forms import reader_for

        copy = reader_for("wrapped")(data, name, Profile(parts=()))
        problems.extend(copy.problems)
        data = copy.text.encode("utf-8") if not copy.errors else b""
    draft = _from_epub(data, name, problems) if form == "epub" else _from_text(data, name, form, problems)
    if draft is None or any(p.severity == "error" for p in problems):
        return None, problems
    return render(draft), problems


# --- EPUB -----------------------------------------------------------------------------------------


def _from_epub(data: bytes, name: str, problems: list[Problem]) -> Draft | None:
    from .forms.epub import Reader, normalize_heading, open_package, split_number

    package = open_package(data, name, problems)
    if package is None:
        return None
    reader = Reader(package, name, Profile(parts=()), FormText("epub"))
    stream, notes_docs = reader.scan()
    first_item = {}
    for item in stream:
        first_item.setdefault(item.doc.path, item)
    taken: set[int] = set()
    parts: list[DraftPart] = []
    skip: list[str] = []
    seen_docs: set[str] = set()
    parts_docs: list[str] = []
    for k, (label, path, fragment, depth, ancestors) in enumerate(package.nav):
        doc = reader.by_path.get(path)
        bare = split_number(label)[1]
        if any(a in taken for a in ancestors):
            continue  # a section of a part
        if doc is None or doc.index in notes_docs or not doc.linear or normalize_heading(bare) in NOT_PARTS \
                or path in seen_docs or path not in first_item:
            if label and normalize_heading(bare) not in ("cover", "landmarks", "start", "begin reading"):
                skip.append(bare)
            continue
        items = [item for item in stream if item.doc is doc]
        if not any(item.kind == "para" for item in items):
            skip.append(bare)  # a part-title page: its chapters follow in their own documents
            continue
        taken.add(k)
        seen_docs.add(path)
        parts_docs.append(path)
        number, title = split_number(label)
        heading_item = next((item for item in items if item.kind == "heading"), None)
        heading_text = heading_item.text if heading_item else title
        printed_number, heading_text = split_number(heading_text)
        number = number if number is not None else printed_number
        part = DraftPart(title=_clean(title), heading=_clean(heading_text).upper(), number=number)
        after = items[items.index(heading_item) + 1] if heading_item and items.index(heading_item) + 1 < len(items) \
            else None
        if after is not None and after.kind == "subtitle":
            part.subtitle = after.text
        elif normalize_heading(part.title).startswith(normalize_heading(part.heading) + " ") and ":" in part.title:
            part.subtitle = part.title.split(":", 1)[1].strip()
        refs = [ref for ref in reader.refs if ref.doc is doc]
        if refs:
            group = reader.group_heading(refs[0])
            part.notes = _clean("".join(group.itertext())) if group is not None else part.title
            if group is None:
                part.checks.append("notes: no heading above its notes in the notes document; check the name")
        parts.append(part)
    if not parts:
        problems.append(Problem(name, 1, 1, "the EPUB's navigation lists no document that looks like a part",
                                "Check that the EPUB has a table of contents (nav or NCX).", "profile-draft-empty"))
        return None
    _guess_kinds(parts)
    meta = package.metadata
    first = lambda key: (meta.get(key) or [("", {})])[0][0] or None  # noqa: E731
    title = first("title") or ""
    main, _, subtitle = title.partition(": ")
    book = {"title": main or None, "subtitle": subtitle or None, "author": first("creator"),
            "publisher": first("publisher")}
    for value, attrs in meta.get("contributor", []):
        if any(v == "trl" for k, v in attrs.items() if k.endswith("role")):
            book["translator"] = value
    year = re.match(r"\d{4}", first("date") or "")
    book["year"] = int(year.group()) if year else None
    front = [line for item in stream[:stream.index(first_item[parts_docs[0]])] for line in item.lines]
    if any(line.startswith(TRANSLATOR) for line in front):  # a title page: the facts as printed
        printed = parse_title_page([Line(i, t) for i, t in enumerate(front, 1)], Profile(parts=(), small_words=SMALL_WORDS))
        book.update({k: v for k, v in printed.items() if v})
    captions = [item.text for item in stream if item.kind == "caption"]
    credit, count = _common_credit(captions, 2)
    return Draft(name, "epub", book, parts, _unique(skip), credit=credit, credit_count=count)


def _clean(text: str) -> str:
    return " ".join(text.replace("*", "").split())


# --- text -----------------------------------------------------------------------------------------


def _from_text(data: bytes, name: str, form: str, problems: list[Problem]) -> Draft | None:
    from .forms.epub import normalize_heading, split_number

    text, found = decode_source(data, name)
    problems.extend(found)
    if text is None:
        return None
    lines = [Line(line.number, line.text.strip()) for line in split_lines(text)]
    contents = next((l for l in lines if l.text.casefold() == "contents"), None)
    if contents is None:
        problems.append(Problem(name, 1, 1, 'no "CONTENTS" line: the parts cannot be read from the text',
                                "Draft the profile from the book's EPUB, or write its `parts` by hand.",
                                "profile-draft-contents"))
        return None
    entries, end = [], contents.number
    for line in lines[contents.number:]:
        if not line.text:
            continue
        entry = parse_contents([line])[0]
        if entry.page is None:
            break  # entries end with a page number; the first line without one is the book itself
        entries.append((entry.number, entry.title, line.number))
        end = line.number
    body = [l for l in lines if l.number > end and l.text]  # lines, not blocks: a text may have no blank lines
    parts: list[DraftPart] = []
    skip: list[str] = []
    position = 0
    for number, entry, _ in entries:
        wanted = {normalize_heading(entry), normalize_heading(entry.split(":", 1)[0])}
        hit = next(((i, *split_number(body[i].text)) for i in range(position, len(body))
                    if normalize_heading(split_number(body[i].text)[1]) in wanted
                    or normalize_heading(body[i].text) in wanted), None)
        if hit is None or normalize_heading(entry) in NOT_PARTS:
            skip.append(entry)
            continue
        i, printed, rest = hit
        position = i + 1
        title = title_case(entry, SMALL_WORDS) if entry.isupper() else entry
        part = DraftPart(title=re.sub(r"(?<=\w)'(?=\w)", "’", title), heading=rest,
                         number=number if number is not None else printed)
        if part.number is None and i > 0 and body[i - 1].text.isdigit():
            part.number = int(body[i - 1].text)  # printed on a line of its own above the heading
        if ":" in entry and normalize_heading(rest) == normalize_heading(entry.split(":", 1)[0]):
            remainder = entry.split(":", 1)[1].strip()
            following = body[i + 1].text if i + 1 < len(body) else ""
            part.subtitle = following if normalize_heading(following) == normalize_heading(remainder) \
                else title_case(remainder, SMALL_WORDS)
        parts.append(part)
    if not parts:
        problems.append(Problem(name, contents.number, 1, "no contents entry reappears as a heading in the text",
                                "Write the profile's `parts` by hand (see profiles/stalin-new-biography.yml).",
                                "profile-draft-empty"))
        return None
    notes_index = next((i for i in range(position, len(body)) if body[i].text.casefold() == "notes"), None)
    notes_heading = body[notes_index].text if notes_index is not None else "NOTES"
    if notes_index is not None:
        _text_note_groups([l.text for l in body[notes_index + 1:]], parts, normalize_heading)
    notes_line = body[notes_index].number if notes_index is not None else len(lines) + 1
    _guess_kinds(parts)
    blocks = blocks_of([l for l in lines if end < l.number < notes_line])
    credit, count = _common_credit([b.text for b in blocks], 3)
    blank = sorted({l.text for l in lines if _BLANK_PAGE.match(l.text)})
    book = parse_title_page([l for l in lines if l.number < contents.number],
                            Profile(parts=(), small_words=SMALL_WORDS))
    return Draft(name, form, book, parts, _unique(skip), contents.text, notes_heading, credit, count, blank,
                 _acronyms(blocks))


def _text_note_groups(lines: list[str], parts: list[DraftPart], normalize_heading) -> None:
    """Group lines under NOTES: a line that is no note, followed by note 1; matched to parts by name."""
    position = 0
    for k, text in enumerate(lines):
        if _NOTE_LINE.match(text) or k + 1 >= len(lines) or not lines[k + 1].startswith("1. "):
            continue
        name = normalize_heading(text)
        for j in range(position, len(parts)):
            part = parts[j]
            if name.endswith(normalize_heading(part.title)) or name.endswith(normalize_heading(part.heading)) \
                    or name == normalize_heading(part.title.split(":", 1)[0]):
                part.notes, position = text, j + 1
                break


# --- guesses --------------------------------------------------------------------------------------


def _guess_kinds(parts: list[DraftPart]) -> None:
    """front: a preface, or the first part before chapter 1; epilogue: an epilogue, or the last part after the
    last chapter; else interlude (between chapters, or before the epilogue)."""
    numbered = [i for i, p in enumerate(parts) if p.number is not None]
    first, last = (numbered[0], numbered[-1]) if numbered else (len(parts), -1)
    for i, part in enumerate(parts):
        name = normalize_name(part.title).split(":")[0]
        if part.number is not None:
            part.kind = "chapter"
            continue
        if name in FRONT or i == 0 < first:
            part.kind = "front"
        elif name in END or (i > last and i == len(parts) - 1):
            part.kind = "epilogue"
        else:
            part.kind = "interlude"
        part.checks.append(f"kind guessed as {part.kind} from its place; check it")


def _common_credit(texts: list[str], at_least: int) -> tuple[str | None, int]:
    """The sentence most captions end with (an archive's credit line), if `at_least` share it."""
    endings = Counter()
    spelled = {}
    for text in texts:
        sentences = re.split(r"(?<=[.!?])\s+", " ".join(text.replace("**", "").split()))
        if not sentences or len(sentences[-1].split()) < 2:
            continue
        key = sentences[-1].rstrip(".")
        endings[key] += 1
        if sentences[-1].endswith(".") or key not in spelled:
            spelled[key] = sentences[-1]
    if not endings:
        return None, 0
    key, count = endings.most_common(1)[0]
    return (spelled[key], count) if count >= at_least else (None, 0)


def _acronyms(blocks) -> list[str]:
    """Capitalised words of the section headings that the body also prints in capitals (NKVD, USSR)."""
    headings = [b.text for b in blocks if len(b.lines) == 1 and b.text.startswith(SECTION)]
    sentences = [l.text for b in blocks for l in b.lines if not l.text.startswith(SECTION) and l.text != l.text.upper()]
    words = Counter(w for text in sentences for w in re.findall(r"\b\w+\b", text))
    # in capitals more often than capitalised: NKVD is an acronym, STALIN in a heading is not
    return sorted({w for h in headings for w in _CAPS.findall(h) if words[w] > words[w.capitalize()]
                   and not re.fullmatch(r"[IVXLC]+", w)})  # roman numerals keep their capitals anyway


def _unique(values: list[str]) -> list[str]:
    out: list[str] = []
    for value in values:
        if value and value not in out:
            out.append(value)
    return out


# --- YAML -----------------------------------------------------------------------------------------


def _q(value: object) -> str:
    """A YAML scalar: JSON's double-quoted strings are valid YAML and never read as a boolean or number."""
    return json.dumps(value, ensure_ascii=False)


def render(draft: Draft) -> str:
    """The draft as commented YAML, for a person to review."""
    out = [f"# Profile drafted by `reader profile` from {draft.source} ({draft.form}). REVIEW IT before use:",
           "# each part's kind, number and heading, the notes groups, and every line marked CHECK.",
           "# Then run `reader import BOOK --profile THIS_FILE` and read its report.", ""]
    book = {k: v for k, v in draft.book.items() if v}
    if book:
        out.append("book:  # the title page's facts; they override what the import reads from the book")
        for key in ("title", "subtitle", "author", "translator", "publisher", "city", "year"):
            if book.get(key):
                out.append(f"  {key}: {book[key] if key == 'year' else _q(book[key])}")
        out.append("")
    out.append(f"contents_heading: {_q(draft.contents_heading)}  # the contents list's heading in a text export"
               if draft.contents_heading else "contents_heading: null")
    if draft.contents_skip:
        out.append("contents_skip:  # contents entries that are not parts; CHECK that no part is among them")
        out += [f"  - {_q(v)}" for v in draft.contents_skip]
    out.append(f"notes_heading: {_q(draft.notes_heading)}")
    if draft.artefact_lines:
        out.append("artefact_lines:  # lines of the print layout, dropped wherever they stand")
        out += [f"  - {_q(v)}" for v in draft.artefact_lines]
    if draft.credit:
        out += ["", "plates:",
                f"  credit: {_q(draft.credit)}  # CHECK: ends {draft.credit_count} captions; the plates' credit line?"]
    out += ["", "text:  # a word whose period does not end a sentence (a page break may follow it): CHECK the list",
            f"  abbreviations: [{', '.join(_q(a) for a in ABBREVIATIONS)}]",
            "title_case:  # for section headings printed in capitals",
            f"  small_words: [{', '.join(_q(w) for w in SMALL_WORDS)}]"]
    if draft.acronyms:
        out.append(f"  acronyms: [{', '.join(_q(w) for w in draft.acronyms)}]  # CHECK: kept in capitals")
    out += ["", "# Parts in reading order. slug: the file name (keep it once annotations exist); heading: as printed",
            "# in the body (a chapter's number in front is optional); notes: its group's name under the notes.",
            "parts:"]
    slugs: set[str] = set()
    for part in draft.parts:
        slug = _slug(part.title.split(":", 1)[0], slugs)
        out.append(f"  - slug: {slug}")
        out.append(f"    title: {_q(part.title)}")
        kind_check = next((c for c in part.checks if c.startswith("kind")), "")
        out.append(f"    kind: {part.kind}" + (f"  # CHECK: {kind_check}" if kind_check else ""))
        if part.number is not None:
            out.append(f"    number: {part.number}")
        out.append(f"    heading: {_q(part.heading)}")
        if part.subtitle:
            out.append(f"    subtitle: {_q(part.subtitle)}")
        if part.notes:
            out.append(f"    notes: {_q(part.notes)}")
        else:
            out.append("    # no notes found for this part; add `notes: <its group name>` if it has some")
        out += [f"    # CHECK: {c}" for c in part.checks if not c.startswith("kind")]
    return "\n".join(out) + "\n"


def _slug(title: str, taken: set[str]) -> str:
    base = slugify(title) or "part"
    base = re.sub(r"^the-", "", base) if len(base) > 4 else base
    slug, k = base, 2
    while slug in taken:
        slug, k = f"{base}-{k}", k + 1
    taken.add(slug)
    return slug
