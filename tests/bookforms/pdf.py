"""PDF form of a book for tests: an import result laid out as a printed book and printed by Chromium.

The PDF a reader owns is a typeset book, not our own export: so the import
result (of the real text, or the original mini book) is rendered as book-like
HTML — a title page, CONTENTS, each part on new pages with its heading, section
headings with "■", paragraphs with first-line indents and no blank lines,
words hyphenated at line ends (soft hyphens), note markers as <sup>, verse with
hanging indents, the plates (a frame and its caption a page) bound in the
middle of the paragraph they interrupt, as in the print edition, and the NOTES
grouped by part in a smaller type — and printed with headless Chromium
(Playwright's page.pdf, Debian's /usr/bin/chromium, never a downloaded browser).
Running heads (book title on left pages, the part's title on right pages) and
page numbers come from CSS @page margin boxes with one named page per part,
so one print gives heads that change from part to part.

The PDF is written into the caller's (tmp) folder only: no form of the real
book is ever committed.
"""
from __future__ import annotations

import html
import os
import re
import threading
from pathlib import Path

CHROMIUM = os.environ.get("READER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

_MARK = re.compile(r"\[\^(\d+)\]")
_STRONG = re.compile(r"\*\*(.+?)\*\*")
_EM = re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])")
WORDS_PER_PAGE = 400
_LONG_WORD = re.compile(r"(?<![\w&#;])([a-z]{10,})(?![\w;])")

CSS = """
@page { size: 6in 9in; margin: 0.85in 0.8in 0.8in 0.8in; }
@page :left { @top-left { content: "%(book)s"; font: italic 8pt "Liberation Serif"; }
              @bottom-left { content: counter(page); font: 9pt "Liberation Serif"; } }
@page :right { @bottom-right { content: counter(page); font: 9pt "Liberation Serif"; } }
@page front { @top-left { content: none; } @top-right { content: none; }
              @bottom-left { content: none; } @bottom-right { content: none; } }
@page plates { @top-left { content: none; } @top-right { content: none; }
               @bottom-left { content: none; } @bottom-right { content: none; } }
%(heads)s
html { font: 10.5pt/1.38 "Liberation Serif", serif; hyphens: manual; }
body { margin: 0; }
p { margin: 0; text-align: justify; text-indent: 1.5em; orphans: 2; widows: 2; }
.front { page: front; break-after: page; text-align: center; }
.front p { text-indent: 0; text-align: center; margin: 0.5em 0; }
.front .title { font-size: 20pt; margin-top: 1.5in; }
.toc p { text-align: left; }
.toc h2 { font-size: 13pt; font-weight: normal; letter-spacing: 0.1em; margin: 0.6in 0 0.3in; }
section.part { break-before: page; }
h1 { font-size: 17pt; font-weight: normal; text-align: center; margin: 0.9in 0 0.45in; line-height: 1.3; }
h1 .num { display: block; font-size: 24pt; margin-bottom: 0.15in; }
h1 + .subtitle { text-align: center; text-indent: 0; font-size: 13pt; margin: -0.25in 0 0.35in; }
h2 { font-size: 10.5pt; font-weight: bold; margin: 1.1em 0 0.6em; text-align: left; break-after: avoid; }
h1 + p, h2 + p, .subtitle + p, .verse + p.noindent { text-indent: 0; }
.verse { margin: 0.8em 0 0.8em 2.5em; }
.verse div { padding-left: 1.5em; text-indent: -1.5em; text-align: left; }
sup { font-size: 0.62em; line-height: 0; vertical-align: 0.55em; }
.plates { page: plates; break-before: page; }
.plates p { text-indent: 0; text-align: left; margin: 0 0 0.9em; }
.plate { break-after: page; }
.photo { height: 3.6in; border: 1px solid #888; background: #ddd; margin: 0.4in 0 1.2em; }
.notes { font-size: 9pt; line-height: 1.33; }
.notes h3 { font-size: 10.5pt; font-weight: bold; text-align: center; margin: 1.2em 0 0.6em; break-after: avoid; }
"""


def skip_reason() -> str:
    """Why PDFs cannot be printed here ("" when they can): no Playwright, or no Chromium."""
    try:
        import playwright.sync_api  # noqa: F401
    except Exception as error:  # noqa: BLE001 - any import failure means "no PDF form"
        return f"Playwright cannot be imported ({error}); pip install playwright==1.65.2"
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"no Chromium at {CHROMIUM}: apt-get install -y chromium (never `playwright install`)"
    return ""


def make(result, profile, out_dir: Path, *, name: str = "book.pdf", hyphenate: bool = True,
         folio: str = "foot") -> Path:
    """Print `result` (an ImportResult of the canonical text) as a typeset book PDF in `out_dir`.

    `folio`: where page numbers stand, "foot" (centred below the text) or "head"
    (on the running head's line, at the outer edge: "41   Before the Revolution").
    `hyphenate`: break long words at line ends (soft hyphens), as typesetters do.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / name
    print_html(book_html(result, profile, hyphenate=hyphenate, folio=folio), path)
    return path


def print_html(document: str, path: Path) -> None:
    """Print an HTML document to `path` with headless Chromium (margins come from the CSS @page).

    Printing runs in a thread of its own: the browser tests keep a Playwright
    session (and its event loop) open in the main thread for the whole test
    session, and Playwright's sync API refuses to start inside a running loop.
    """
    failure: list[BaseException] = []

    def work() -> None:
        try:
            _print(document, path)
        except BaseException as error:  # re-raised in the caller's thread
            failure.append(error)

    thread = threading.Thread(target=work, name="print-pdf")
    thread.start()
    thread.join()
    if failure:
        raise failure[0]


def _print(document: str, path: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.set_content(document, wait_until="load")
            page.pdf(path=str(path), prefer_css_page_size=True, print_background=True)
        finally:
            browser.close()


def book_html(result, profile, hyphenate: bool = True, folio: str = "foot") -> str:
    """The book as one HTML document, laid out for print."""
    book = result.book or {}
    heads = []
    body = [_title_page(book, profile), _contents(result, profile)]
    plates_in = _plates_part(result)
    for index, part in enumerate(result.parts):
        page = f"p{index}"
        heads.append(_right_head(page, part.spec.title, folio))
        plates = _plates(result.captions, result.captions[0].line) if index == plates_in else None
        body.append(_part(part, profile, page, hyphenate, plates))
    heads.append(_right_head("notes", "Notes", folio))
    if folio == "head":
        heads.append('@page :left { @top-left { content: counter(page) "\\2003\\2003%s"; } '
                     '@bottom-left { content: none; } } @page :right { @bottom-right { content: none; } }'
                     % _css(book.get("title") or "Book"))
    body.append(_notes(result, profile, hyphenate))
    css = CSS % {"book": _css(book.get("title") or "Book"), "heads": "\n".join(heads)}
    return ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><style>' + css
            + "</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n")


def _right_head(page: str, title: str, folio: str) -> str:
    """The running head of a part's right-hand pages (with the page number after it when `folio` is "head")."""
    number = ' "\\2003\\2003" counter(page)' if folio == "head" else ""
    return (f'@page {page}:right {{ @top-right {{ content: "{_css(title)}"{number}; '
            'font: italic 8pt "Liberation Serif"; } }')


def _title_page(book: dict, profile) -> str:
    lines = [(book.get("title") or "").upper(), book.get("subtitle"), book.get("author"),
             f"{profile.translator_prefix}{book['translator']}" if book.get("translator") else None,
             book.get("publisher"), book.get("city"), str(book["year"]) if book.get("year") else None]
    out = [f'<p class="title">{_esc(lines[0])}</p>'] + [f"<p>{_esc(x)}</p>" for x in lines[1:] if x]
    return '<section class="front">' + "".join(out) + "</section>"


def _contents(result, profile) -> str:
    """CONTENTS with page numbers estimated from the words before each part (about 400 a page)."""
    entries = []
    words = 0
    for part in result.parts:
        spec = part.spec
        page = 1 + words // WORDS_PER_PAGE
        entries.append(f"{part.number}. {spec.heading} {page}" if part.number is not None else f"{spec.title} {page}")
        words += sum(len(line.split()) for item in part.items for line in getattr(item, "lines", []))
    entries.append(f"Notes {1 + words // WORDS_PER_PAGE}")
    out = [f"<h2>{_esc(profile.contents_heading)}</h2>"] + [f"<p>{_esc(e)}</p>" for e in entries]
    return '<section class="front toc">' + "".join(out) + "</section>"


def _part(part, profile, page: str, hyphenate: bool, plates: tuple[int, str] | None = None) -> str:
    """A part from its heading on; `plates` (source line, HTML) are bound into the paragraph they fell in."""
    spec = part.spec
    host = max((k for k, item in enumerate(part.items) if not hasattr(item, "title") and item.line < plates[0]),
               default=None) if plates else None
    number = f'<span class="num">{part.number}</span>' if part.number is not None else ""
    out = [f'<section class="part" style="page: {page}">', f"<h1>{number}{_esc(spec.heading)}</h1>"]
    if spec.subtitle:
        out.append(f'<p class="subtitle">{_inline(spec.subtitle, False)}</p>')
    after_verse = False
    placed = plates is None
    for k, item in enumerate(part.items):
        if hasattr(item, "title"):
            out.append(f"<h2>{_esc(profile.section_marker)}{_esc(item.title.upper())}</h2>")
            after_verse = False
        elif len(item.lines) > 1:
            out.append('<div class="verse">' + "".join(f"<div>{_inline(l, hyphenate)}</div>" for l in item.lines)
                       + "</div>")
            after_verse = True
        else:
            cls = ' class="noindent"' if after_verse else ""
            cut = _mid_sentence(item.lines[0]) if k == host else None
            if cut:  # the plates' pages interrupt the paragraph, which goes on after them
                out += [f"<p{cls}>{_inline(cut[0], hyphenate)}</p>", plates[1],
                        f'<p class="noindent">{_inline(cut[1], hyphenate)}</p>']
                placed = True
            else:
                out.append(f"<p{cls}>{_inline(item.lines[0], hyphenate)}</p>")
            after_verse = False
        if k == host and not placed:  # no place to cut: the plates follow the paragraph
            out.append(plates[1])
            placed = True
    if not placed:
        out.append(plates[1])
    out.append("</section>")
    return "\n".join(out)


def _mid_sentence(text: str) -> tuple[str, str] | None:
    """`text` cut in two near its middle before a lower-case word, outside any emphasis; None if no such place."""
    words = text.split(" ")
    middle = len(words) // 2
    for k in sorted(range(1, len(words)), key=lambda k: abs(k - middle)):
        first, rest = " ".join(words[:k]), " ".join(words[k:])
        if words[k][:1].islower() and words[k - 1][-1:].isalpha() and first.count("*") % 4 == 0 \
                and "[^" not in words[k - 1]:
            return first, rest
    return None


def _plates(captions, line: int) -> tuple[int, str]:
    """One plate a page: a frame where the photograph would be, its caption below; with the source line."""
    out = ['<section class="plates">']
    for caption in captions:
        out.append('<div class="plate"><div class="photo"></div>')
        out += [f"<p>{_inline(line, False)}</p>" for line in caption.lines]
        out.append("</div>")
    out.append("</section>")
    return line, "\n".join(out)


def _plates_part(result) -> int | None:
    """Index of the part whose body held the plates."""
    if not result.captions:
        return None
    line = result.captions[0].line
    starts = [part.heading_line for part in result.parts]
    return max((i for i, start in enumerate(starts) if start < line), default=0)


def _notes(result, profile, hyphenate: bool) -> str:
    out = ['<section class="part notes" style="page: notes">', f"<h1>{_esc(profile.notes_heading)}</h1>"]
    for part in result.parts:
        if not part.spec.notes:
            continue
        out.append(f"<h3>{_esc(part.spec.notes)}</h3>")
        for note in part.notes:
            first, *rest = note.paragraphs
            out.append(f"<p>{note.number}. {_inline(first, hyphenate)}</p>")
            out += [f"<p>{_inline(p, hyphenate)}</p>" for p in rest]
    out.append("</section>")
    return "\n".join(out)


def _inline(text: str, hyphenate: bool) -> str:
    """Escape, then the Markdown the canonical text carries: **bold**, *italic*, [^n] markers."""
    text = _esc(text)
    text = _STRONG.sub(r"<strong>\1</strong>", text)
    text = _EM.sub(r"<em>\1</em>", text)
    text = _MARK.sub(r"<sup>\1</sup>", text)
    if hyphenate:
        text = _LONG_WORD.sub(_soft_hyphen, text)
    return text


def _soft_hyphen(match: re.Match) -> str:
    """A long word with a soft hyphen in its middle: Chromium may break it there, printing a hyphen."""
    word = match.group(1)
    return word[: len(word) // 2] + "&shy;" + word[len(word) // 2:]


def _esc(text: str | None) -> str:
    return html.escape(text or "", quote=False)


def _css(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')
