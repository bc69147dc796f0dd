"""PDF: a typeset book read back into the canonical text by each character's size, font and place.

A PDF has no paragraphs, headings or note markers, only glyphs at positions.
What a reader of the page sees is recovered from them:

* lines are glyphs on one baseline; a digit in a smaller size raised above the
  baseline is a note marker (a superscript, known by its size and rise, never
  guessed from the digits), counted as found by "size";
* a line in the band above (or below) the text block, on the same height page
  after page, is a running head or a page number: dropped and counted;
* a larger size, or a line starting with the section marker ("■"), is a heading;
  a part heading is matched to the profile (its number may stand on a line of
  its own above it);
* a first-line indent, a vertical gap, a heading, or a short page (a chapter's
  end) starts a paragraph; lines set in from the margin as a block are verse,
  whose lines (each with a hanging indent for its wrapped rest) are kept;
* italic and bold fonts become *...* and **...**;
* a word hyphenated at a line end is rejoined as the book spells it elsewhere
  (paragraphs.decide_hyphen, the page-break repair of the text form);
* under the notes heading, the part groups (larger type) and "n. text" notes
  follow, each note paragraph one line of its group's block.

Library: pypdfium2 (PDFium), chosen by measurement on the real book printed by
Chromium (442 pages, 1.06 M characters, this machine's 2 cores): all pages'
text 0.9 s; one ctypes call per character costs 1.3-2.2 s per million (origin,
size, font info; 4 such calls 7 s); pdfplumber/pdfminer.six took 8.8 s for 30
pages (about 124 s for the book), far over the 15 s target. So each page's
text is taken in one call and the only per-character call is the cheap "which
text object" one; baseline, size and font are asked once per text object (a
run of one font on one line), and the glyph boxes only where two runs meet
without a space. The whole book reads in 5.3-6.6 s of CPU (the pipeline adds
0.6 s). PDFium's own line breaks are not used: it breaks lines at raised
superscripts, so lines are rebuilt from baselines.

Problems, never tracebacks: not a PDF (an HTML page saved as .pdf), a file cut
short, a damaged one, a password, no text layer (a scan: run OCR first).
"""
from __future__ import annotations

import ctypes
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from ...problems import Problem
from ..notes import normalize_name
from ..paragraphs import JoinRules, build_vocabulary, decide_hyphen
from ..profile import Profile
from ..progress import report
from . import FormText, Place

SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
ITALIC, BOLD = 1, 2
SUP = -1  # style of a superscript marker's characters
_SOFT = "‐\u00ad"  # how a typesetter marks its own (discretionary) hyphens, where it does
_HYPHENS = "-‐\u00ad\ufffe\x02"  # PDFium reads a line-end hyphen as U+FFFE or U+0002
_CUT = re.compile(rf"([^\W\d_]+(?:-[^\W\d_]+)*)[{_HYPHENS}]$")
_HEAD_WORD = re.compile(r"^[^\W\d_]+")
_PAGE_NUMBER = re.compile(r"^(\d+|[ivxlcdm]+)$")  # arabic, or the front matter's lower-case roman
_LEADING_NUMBER = re.compile(r"^(\d+)\.?\s+(.*)$")


@dataclass
class Line:
    """One printed line: page (0-based), baseline, left edge, body size, and its text as styled runs."""

    page: int
    y: float
    x: float
    size: float
    runs: list[list] = field(default_factory=list)  # [style or None (space), text]
    number: int = 0  # 1-based line on its page, top down
    text: str = ""  # the plain text, set once the line is complete
    doubts: list[str] = field(default_factory=list)  # raised small text that is not a number

    def finish(self) -> str:
        self.text = "".join([text for _, text in self.runs]).strip()
        return self.text

    def add(self, style: int | None, text: str) -> None:
        if self.runs and self.runs[-1][0] == style:
            self.runs[-1][1] += text
        else:
            self.runs.append([style, text])

    @property
    def bold(self) -> bool:
        styled = [s for s, t in self.runs if s is not None and s != SUP and t.strip()]
        return bool(styled) and all(s & BOLD for s in styled)


@dataclass
class _Paragraph:
    """The paragraph being read: prose or a note (one line of runs) or verse (a line of runs per verse line)."""

    kind: str  # "prose", "note" or "verse"
    place: Place
    lines: list[list[list]]
    indent: float  # of its first line: a verse line's wrapped rest is set in further


class _Pdfium:
    """The few PDFium calls used per character or per text object, typed to pass plain addresses."""

    def __init__(self) -> None:
        import pypdfium2.raw as raw

        def proto(fn, restype, *argtypes):
            address = ctypes.cast(fn, ctypes.c_void_p).value
            return ctypes.CFUNCTYPE(restype, *argtypes)(address)

        vp, i, d = ctypes.c_void_p, ctypes.c_int, ctypes.c_double
        self.raw = raw
        self.text_object = proto(raw.FPDFText_GetTextObject, vp, vp, i)
        self.font_size = proto(raw.FPDFText_GetFontSize, d, vp, i)
        self.origin = proto(raw.FPDFText_GetCharOrigin, i, vp, i, ctypes.POINTER(d), ctypes.POINTER(d))
        self.box = proto(raw.FPDFText_GetCharBox, i, vp, i, *[ctypes.POINTER(d)] * 4)
        self.font = proto(raw.FPDFTextObj_GetFont, vp, vp)
        self.font_name = proto(raw.FPDFFont_GetBaseFontName, ctypes.c_size_t, vp, ctypes.c_char_p, ctypes.c_size_t)
        self.weight = proto(raw.FPDFFont_GetWeight, i, vp)
        self.italic_angle = proto(raw.FPDFFont_GetItalicAngle, i, vp, ctypes.POINTER(i))
        self._styles: dict[int, int] = {}
        self._x, self._y = ctypes.c_double(), ctypes.c_double()

    def style(self, obj: int) -> int:
        font = self.font(obj) or 0
        if font not in self._styles:
            buffer = ctypes.create_string_buffer(256)
            self.font_name(font, buffer, 256)
            name = buffer.value.decode("latin-1").lower()
            angle = ctypes.c_int(0)
            self.italic_angle(font, ctypes.byref(angle))
            italic = angle.value != 0 or "italic" in name or "oblique" in name
            bold = self.weight(font) >= 600 or any(w in name for w in ("bold", "black", "heavy"))
            self._styles[font] = (ITALIC if italic else 0) | (BOLD if bold else 0)
        return self._styles[font]

    def gap(self, textpage: int, index: int) -> float:
        """The white space between character `index - 1` and character `index` (in page units)."""
        left, right, bottom, top = (ctypes.c_double() for _ in range(4))
        self.box(textpage, index - 1, ctypes.byref(left), ctypes.byref(right), ctypes.byref(bottom), ctypes.byref(top))
        end = right.value
        self.box(textpage, index, ctypes.byref(left), ctypes.byref(right), ctypes.byref(bottom), ctypes.byref(top))
        return left.value - end

    def position(self, textpage: int, index: int) -> tuple[float, float]:
        self.origin(textpage, index, ctypes.byref(self._x), ctypes.byref(self._y))
        return self._x.value, self._y.value


def read(data: bytes, name: str, profile: Profile) -> FormText:
    """The PDF's text layer as canonical text; problems for anything that keeps it from being read."""
    copy = FormText("pdf")
    problem = _container_problem(data, name)
    if problem:
        copy.problems.append(problem)
        return copy
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        copy.problems.append(_open_problem(name, getattr(error, "err_code", None)))
        return copy
    try:
        pages = _read_pages(document, _Pdfium(), pdfium.PdfiumError)
    except _PageError as error:
        copy.problems.append(Problem(
            f"{name}#page={error.page}", 1, 1, f"page {error.page} of the PDF is damaged and cannot be read",
            "Download the PDF again, or repair it (e.g. `qpdf book.pdf book-fixed.pdf`).", "pdf-damaged"))
        return copy
    finally:
        document.close()
    if not any(pages):
        copy.problems.append(Problem(
            name, 1, 1, f"the PDF has no text layer: its {len(pages)} page(s) are images only (a scan)",
            "Run OCR on it first, e.g. `ocrmypdf --language eng book.pdf book-ocr.pdf`, then import "
            "book-ocr.pdf.", "pdf-no-text"))
        return copy
    _Layout(pages, name, profile, copy).read()
    return copy


def _container_problem(data: bytes, name: str) -> Problem | None:
    head = data[:1024].lstrip()
    if not head.startswith(b"%PDF"):
        lowered = head[:200].lower()
        if lowered.startswith((b"<!doctype html", b"<html")) or b"<html" in lowered:
            what, fix = ("an HTML page, not a PDF (a download page or an error page saved under the "
                         "book's name)"), "Download the PDF itself and import that file."
        else:
            what, fix = "not a PDF: it does not start with %PDF", \
                "Check the file; pass --form to say which form it is if the guess is wrong."
        return Problem(name, 1, 1, f"the file is {what}", fix, "pdf-not-pdf")
    if b"%%EOF" not in data[-2048:]:
        return Problem(name, 1, 1, (
            f"the PDF is cut short: it ends after {len(data)} bytes without the %%EOF end marker "
            "(an interrupted download or copy)"), "Download or copy the PDF again.", "pdf-truncated")
    return None


def _open_problem(name: str, code: int | None) -> Problem:
    if code == 4:
        return Problem(name, 1, 1, "the PDF is protected by a password, so its text cannot be read",
                       "Remove the password with the tool that set it, or e.g. "
                       "`qpdf --decrypt --password=YOURS book.pdf book-open.pdf`, then import book-open.pdf.",
                       "pdf-password")
    if code == 5:
        return Problem(name, 1, 1, "the PDF uses a security handler this reader does not support",
                       "Save an unprotected copy of the PDF and import that.", "pdf-security")
    return Problem(name, 1, 1, "the PDF is damaged: its structure cannot be read",
                   "Download the PDF again, or repair it (e.g. `qpdf book.pdf book-fixed.pdf`).", "pdf-damaged")


class _PageError(Exception):
    def __init__(self, page: int):
        self.page = page


def _read_pages(document, pdfium, error_type) -> list[list[Line]]:
    """Every page's lines, top down: one text call per page, one object call per character."""
    pages = []
    total = len(document)
    for index in range(total):
        try:
            page = document[index]
            textpage = page.get_textpage()
        except error_type:
            raise _PageError(index + 1) from None
        try:
            pages.append(_page_lines(index, textpage, pdfium))
        finally:
            textpage.close()
            page.close()
        report(index + 1, total, "pages")
    return pages


def _page_lines(index: int, textpage, pdfium: _Pdfium) -> list[Line]:
    raw = pdfium.raw
    count = raw.FPDFText_CountChars(textpage.raw)
    if count <= 0:
        return []
    text = textpage.get_text_range()
    if len(text) != count:  # characters outside the BMP: ask one by one
        text = "".join(chr(raw.FPDFText_GetUnicode(textpage.raw, i)) for i in range(count))
    handle = ctypes.cast(textpage.raw, ctypes.c_void_p).value
    objects = [pdfium.text_object(handle, i) for i in range(count)]
    lines: list[Line] = []
    line: Line | None = None
    starts = [0] + [i for i in range(1, count) if objects[i] != objects[i - 1]] + [count]
    broken = False  # PDFium guessed a line break here: a space if our line goes on (not before a marker)
    for start, end in zip(starts, starts[1:]):
        obj = objects[start]
        piece = text[start:end]
        if not obj:  # generated by PDFium: a space between words or a line break
            if line is not None and " " in piece:
                line.add(None, " ")
            broken = broken or "\n" in piece
            continue
        size = pdfium.font_size(handle, start)
        x, y = pdfium.position(handle, start)
        style = pdfium.style(obj)
        if line is not None and abs(y - line.y) <= 0.2 * line.size:
            glued = objects[start - 1] and line.runs and line.runs[-1][0] is not None and piece[:1] != " "
            if glued and not (_rtl(text[start - 1]) or _rtl(text[start])) and \
                    pdfium.gap(handle, start) > 0.15 * size:
                line.add(None, " ")  # a word space PDFium did not see (after a narrow ’, say)
        elif line is not None and size < 0.85 * line.size and 0 < y - line.y < 0.7 * line.size:
            style = SUP  # smaller and raised: a superscript on this line
        else:
            line = Line(index, y, x, size)
            lines.append(line)
            broken = False
        if broken and style != SUP:
            line.add(None, " ")
        broken = False
        if style == SUP:
            if piece.strip().isdigit():
                if piece[:1].isspace():
                    line.add(None, " ")
                line.add(SUP, piece.strip().translate(SUPERSCRIPTS))
                if piece[-1:].isspace():
                    line.add(None, " ")
            else:
                line.doubts.append(piece.strip())
                line.add(0, piece)
            continue
        line.size = max(line.size, size)
        for k, part in enumerate(piece.split(" ")):
            if k:
                line.add(None, " ")
            if part:
                line.add(style, part.replace("\r", "").replace("\n", ""))
    lines = [l for l in lines if l.finish()]
    lines.sort(key=lambda l: -l.y)
    for number, l in enumerate(lines, 1):
        l.number = number
    return lines


def _edges(line: Line) -> list[str]:
    words = line.text.split()
    return [words[0], words[-1]] if words else []


def _rtl(char: str) -> bool:
    """Right-to-left letters (Arabic, Hebrew) are placed in visual order: their gaps say nothing of spaces."""
    return unicodedata.bidirectional(char) in ("R", "AL")


def _mode(values, default: float = 0.0) -> float:
    counts = Counter(values)
    return counts.most_common(1)[0][0] if counts else default


class _Layout:
    """The pages' lines turned into the canonical text (see the module docstring for the rules)."""

    def __init__(self, pages: list[list[Line]], name: str, profile: Profile, copy: FormText):
        self.pages, self.name, self.profile, self.copy = pages, name, profile, copy
        self.out: list[str] = []
        self.places: list[Place] = []
        self.pending: list[tuple[Line, str]] = []  # doubtful superscripts of the text not yet written
        self._sizes: dict[int, float] = {}

    # -- measuring the page ------------------------------------------------------------------

    def _furniture(self) -> None:
        """Drop lines in the head and foot bands: where a page's first (last) line stands, apart, on many pages."""
        tops, bottoms = Counter(), Counter()
        for lines in self.pages:
            if len(lines) >= 2:
                if lines[0].y - lines[1].y > 2.5 * lines[1].size:
                    tops[round(lines[0].y)] += 1
                if lines[-2].y - lines[-1].y > 2.5 * lines[-2].size:
                    bottoms[round(lines[-1].y)] += 1
        need = max(2, 0.3 * len(self.pages))
        head = next((y for y, n in tops.most_common(1) if n >= need), None)
        foot = next((y for y, n in bottoms.most_common(1) if n >= need), None)
        furniture = self.copy.furniture
        dropped: list[tuple[int, Line]] = []
        for p, lines in enumerate(self.pages):
            kept = []
            for line in lines:
                if (head is not None and line.y >= head - 2) or (foot is not None and line.y <= foot + 2):
                    dropped.append((p, line))
                else:
                    kept.append(line)
            self.pages[p] = kept
        # a page number runs with the page: its value minus the page's index is the same on every page
        offsets = Counter(int(w) - p for p, line in dropped for w in _edges(line) if w.isdigit())
        offset = _mode(offsets, None)
        for p, line in dropped:
            words = line.text.split()
            numbered = any(_PAGE_NUMBER.match(w) and (not w.isdigit() or int(w) - p == offset) for w in _edges(line))
            for kind, found in (("page_numbers", numbered), ("running_heads", len(words) > numbered)):
                if found:  # "41  Before the Revolution" is both
                    furniture[kind] = furniture.get(kind, 0) + 1

    def _measure(self) -> None:
        sizes: Counter = Counter()
        for lines in self.pages:
            for line in lines:
                sizes[round(line.size, 1)] += len(line.text)
        self.body_size = _mode(sizes, 10.0)
        # left margin of even and odd pages (mirrored margins), from body-size lines
        self.margin = {}
        for parity in (0, 1):
            xs = [round(l.x) for p, lines in enumerate(self.pages) if p % 2 == parity
                  for l in lines if abs(l.size - self.body_size) < 0.5]
            self.margin[parity] = _mode(xs, None)
        all_x = [round(l.x) for lines in self.pages for l in lines]
        fallback = min(all_x) if all_x else 0
        for parity in (0, 1):
            if self.margin[parity] is None:
                self.margin[parity] = self.margin[1 - parity] if self.margin[1 - parity] is not None else fallback
        # line pitch of each size, and where full pages end
        steps: dict[float, Counter] = {}
        for lines in self.pages:
            for a, b in zip(lines, lines[1:]):
                if abs(a.size - b.size) < 0.3:
                    steps.setdefault(round(b.size, 1), Counter())[round(a.y - b.y, 1)] += 1
        self.pitch = {size: _mode(c) for size, c in steps.items()}
        self.bottom = min((round(lines[-1].y) for lines in self.pages if lines), default=0)

    def _pitch(self, size: float) -> float:
        return self.pitch.get(round(size, 1)) or 1.4 * size

    def _indent(self, line: Line) -> float:
        return line.x - self.margin[line.page % 2]

    # -- the canonical text ------------------------------------------------------------------

    def read(self) -> None:
        self._furniture()
        self._measure()
        lines = [line for page in self.pages for line in page]
        texts = "\n".join(l.text for l in lines)
        self.marks_breaks = any(l.text[-1:] in _SOFT for l in lines)
        self.spaced_dashes = len(re.findall(r"\s[—–]\s", texts)) > len(re.findall(r"\w[—–]\w", texts))
        self.rules = JoinRules(frozenset(self.profile.abbreviations), self.profile.short_block_words,
                               self.profile.hyphen_default, build_vocabulary([l.text for l in lines]))
        self.headings = {normalize_name(spec.heading): spec for spec in self.profile.parts}
        self.body = False  # past the front matter (title page, contents)
        self.notes = False  # past the notes heading
        self.paragraph: _Paragraph | None = None
        prev: Line | None = None
        i = 0
        while i < len(lines):
            line = lines[i]
            big = line.size > 1.1 * self._page_size(line.page)
            section = self._is_section(line)
            if big or section:
                group, i = self._heading_group(lines, i, section)
                self._heading(group, big and not section)
                prev = group[-1]
                continue
            i += 1
            if self.body:
                self._body_line(line, prev)
            else:
                self._doubts([line])
                self._block([line.text], self._place(line))
            prev = line
        self._flush()
        self.copy.text = "\n".join(self.out) + "\n"
        self.copy.places = self.places + [self.places[-1] if self.places else Place(self.name, 1)]
        self.copy.markers["size"] = sum(1 for l in lines for s, _ in l.runs if s == SUP)

    def _heading(self, group: list[Line], big: bool) -> None:
        """A part heading (as the profile spells it), the notes heading, a subtitle, a section or group heading."""
        self._flush()
        self._doubts(group)
        text = " ".join(l.text for l in group)
        key = normalize_name(text)
        numbered = _LEADING_NUMBER.match(text)
        spec = self.headings.get(key) or (self.headings.get(normalize_name(numbered.group(2))) if numbered else None)
        if spec is not None and not self.notes:
            self.body = True
            text = f"{numbered.group(1)} {spec.heading}" if numbered and key not in self.headings else spec.heading
        elif self.body and key == normalize_name(self.profile.notes_heading):
            self.notes = True
            text = self.profile.notes_heading
        elif big and self.body and not self.notes:
            text = _markdown(_joined_runs(group))  # a subtitle under a part heading keeps its italics
        self._block([text], self._place(group[0]))

    def _body_line(self, line: Line, prev: Line | None) -> None:
        """Continue the paragraph or verse with `line`, or start a new one."""
        pitch = self._pitch(line.size)
        indent = self._indent(line)
        gap = prev is not None and prev.page == line.page and prev.y - line.y > 1.3 * pitch
        # a page that ends short ends a chapter or a plate: the next page starts afresh
        short_page = prev is not None and prev.page != line.page and \
            prev.y > self.bottom + 1.5 * self._pitch(prev.size)
        inset = indent >= 1.6 * pitch  # set in as a block: verse (a paragraph's first-line indent is less)
        paragraph = self.paragraph
        fresh = paragraph is None or gap or short_page
        if inset and not fresh and paragraph.kind == "verse":
            if indent > paragraph.indent + 0.5 * pitch:  # the hanging rest of a long verse line
                paragraph.lines[-1] = self._join(paragraph.lines[-1], line)
            else:
                paragraph.lines.append(list(line.runs))
        elif inset or fresh or indent >= 0.5 * pitch or paragraph.kind == "verse":
            self._flush()
            kind = "verse" if inset else "note" if self.notes else "prose"
            self.paragraph = _Paragraph(kind, self._place(line), [list(line.runs)], indent)
        else:
            paragraph.lines[-1] = self._join(paragraph.lines[-1], line)
        self._doubts([line])

    def _is_section(self, line: Line) -> bool:
        marker = self.profile.section_marker.strip()
        return bool(marker) and line.text.startswith(marker)

    def _page_size(self, page: int) -> float:
        """The size most of a page's text is set in (the notes are smaller than the chapters)."""
        if page not in self._sizes:
            counts: Counter = Counter()
            for line in self.pages[page]:
                counts[round(line.size, 1)] += len(line.text)
            self._sizes[page] = _mode(counts, self.body_size)
        return self._sizes[page]

    def _heading_group(self, lines: list[Line], i: int, section: bool) -> tuple[list[Line], int]:
        """The lines of one heading: a wrapped heading's lines, or a chapter number above its title."""
        group = [lines[i]]
        j = i + 1
        while j < len(lines):
            last, nxt = group[-1], lines[j]
            if nxt.page != last.page:
                break
            if section:
                same = nxt.bold and abs(nxt.size - last.size) < 0.3 and \
                    last.y - nxt.y <= 1.6 * last.size and not self._is_section(nxt)
            else:
                big = nxt.size > 1.1 * self._page_size(nxt.page)
                same = big and ((abs(nxt.size - last.size) < 0.3 and last.y - nxt.y <= 1.6 * last.size)
                                or (len(group) == 1 and last.text.isdigit()))
            if not same:
                break
            group.append(nxt)
            j += 1
        return group, j

    def _join(self, runs: list[list], line: Line) -> list[list]:
        """Runs of a line continued by the next printed `line`; a word hyphenated at the line end is rejoined.

        Counted in the copy's `joins` by kind; a hyphen decided by the vocabulary's
        default, or kept by it, is listed in `repairs` for the reader to check.
        """
        while runs and runs[-1][0] is None:  # `runs` is the paragraph's own list: extended in place
            runs.pop()
        more = [list(r) for r in line.runs]
        joins = self.copy.joins
        tail = runs[-1][1] if runs else ""
        cut = _CUT.search(tail[-80:])
        first = next((r for r in more if r[0] is not None), None)
        head = _HEAD_WORD.match(first[1]) if first else None
        if cut and head and runs[-1][0] != SUP:
            left, right, mark = cut.group(1), head.group(0), cut.group(0)[-1]
            if mark in _SOFT:
                word, kind = left + right, "dehyphenate"  # the typesetter's own hyphen: inside one word
            elif self.marks_breaks:
                word, kind = f"{left}-{right}", "keep-hyphen"  # breaks are marked U+2010/U+00AD: "-" is the word's
            else:
                word, kind, reason = decide_hyphen(left, right, self.rules)
                if kind == "keep-hyphen" or "default" in reason:
                    place = self._place(line)
                    self.copy.repairs.append({"kind": kind, "file": place.file, "line": place.line,
                                              "detail": f'"{left}-" + "{right}" -> "{word}" ({reason})'})
            joins[kind] = joins.get(kind, 0) + 1
            runs[-1][1] = tail[: len(tail) - len(mark) - len(left)] + word[: len(word) - len(right)]
            runs += more
            return runs
        if first and first[1][:1] in "—–" and not self.spaced_dashes and tail[-1:].strip():
            pass  # a line may break before an unspaced dash too
        elif tail[-1:] in _HYPHENS + "—–" and tail[-2:-1].strip():
            runs[-1][1] = tail.replace("\ufffe", "-").replace("\x02", "-")  # after a dash, or digits' hyphen
        else:
            runs.append([None, " "])
        joins["wrapped"] = joins.get("wrapped", 0) + 1
        runs += more
        return runs

    def _flush(self) -> None:
        """Write the open paragraph: prose one line, verse one line per verse line, a note a line of its group."""
        paragraph, self.paragraph = self.paragraph, None
        if paragraph is None:
            return
        texts = [_markdown(runs) for runs in paragraph.lines]
        if paragraph.kind == "note":
            self._line_in_notes(texts[0], paragraph.place)
        else:
            self._block(texts, paragraph.place)

    def _line_in_notes(self, text: str, place: Place) -> None:
        """Note paragraphs of one group share a block (a paragraph without a number continues its note)."""
        self._resolve(len(self.out) + 1)
        self.out.append(text)
        self.places.append(place)

    def _doubts(self, lines: list[Line]) -> None:
        self.pending += [(line, text) for line in lines for text in line.doubts]

    def _resolve(self, canonical_line: int) -> None:
        """List the doubtful superscripts of the text about to be written at `canonical_line`."""
        for line, text in self.pending:
            place = self._place(line)
            self.copy.doubtful.append({
                "line": canonical_line, "place": f"{place.file}:{place.line}", "text": text,
                "why": "raised and smaller like a note marker, but not a number: kept as text, not linked"})
        self.pending = []

    def _block(self, texts: list[str], place: Place) -> None:
        """Write `texts` as one block (lines of one paragraph or verse), blank lines around it."""
        if self.out and self.out[-1] != "":
            self.out.append("")
            self.places.append(place)
        self._resolve(len(self.out) + 1)
        self.out.extend(texts)
        self.places.extend([place] * len(texts))
        self.out.append("")
        self.places.append(place)

    def _place(self, line: Line) -> Place:
        return Place(f"{self.name}#page={line.page + 1}", line.number)


def _joined_runs(lines: list[Line]) -> list[list]:
    runs: list[list] = []
    for line in lines:
        if runs:
            runs.append([None, " "])
        runs.extend(list(r) for r in line.runs)
    return runs


def _markdown(runs: list[list]) -> str:
    """Styled runs as text with *italic*, **bold** and superscript markers; spaces stay outside the marks."""
    styles = [r[0] for r in runs]
    after, following = [0] * len(runs), 0
    for k in range(len(runs) - 1, -1, -1):
        after[k] = following
        if styles[k] not in (None, SUP):
            following = styles[k]
    merged: list[list] = []
    before = 0
    for k, (style, text) in enumerate(runs):
        if style is None:  # a space takes its neighbours' style when they agree
            style = before if before == after[k] else 0
        elif style != SUP:
            before = style
        if merged and merged[-1][0] == style:
            merged[-1][1] += text
        else:
            merged.append([style, text])
    out = []
    for style, text in merged:
        if style in (0, SUP) or not text.strip():
            out.append(text)
            continue
        mark = {ITALIC: "*", BOLD: "**", ITALIC | BOLD: "***"}[style]
        core = text.strip()
        lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()):]
        out.append(f"{lead}{mark}{core}{mark}{trail}")
    return " ".join("".join(out).split())
