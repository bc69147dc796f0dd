"""Search: passage-level documents and a prebuilt index that the browser loads with one <script>.

Material's search rebuilds a lunr index from the whole site's text in the browser on every
page load (2-4 s from disk on the real text) and stops at page sections. Here the index is
made once, at build time: every paragraph and endnote of the book, every annotation,
glossary entry, person, timeline event and place is a document with the id of the element it
lands on (`p-12`, `fn:3`, `ann-…`, `term-…`, `person-…`, `event-…`, `place-…`). The browser only
loads and queries (docs/assets/search.js); nothing is built there.

Why a compact index of our own and not lunr.py or MiniSearch (measured on the real text,
bench/README.md): both serialise every posting as a JSON object, so their index alone is
several times the text, while a result still needs the text for its snippet. Here the text
is stored once and everything else is packed: the index is the text plus ~17% (bench/README.md).

The index is plain data, columns rather than one record per document (so that JSON's quotes
and commas are not paid per document):

    {"v": 3, "kinds": [...], "labels": [...], "stop": "STOP_WORDS, space-separated",
     "chars": CHARS, "marks": MARKS, "digits": DIGITS, "sep": SEP, "skip_every": SKIP,
     "pages": [[url, title], ...],
     "titles": "<each distinct title once, SEP between>",
     "texts": ["<the texts of documents 0-255, SEP between>", "<of 256-511>", ...],
     "meta": "<kind, page and title of the documents, as runs>", "anchors": "<the id each document lands on>",
     "words": "<the sorted vocabulary, front-coded>", "post": "<every word's documents, as bits>",
     "skip": "<where every SKIP-th word's documents start in post>",
     "syn": [[word, word, ...], ...]}  # spellings that find each other (glossary/people forms)

- Numbers (meta, skip): base 32 in the characters `CHARS`, a digit from the upper half continues
  the number, one from the lower half ends it; ascending ones (skip) as the gap to the one before.
- meta: five numbers a run: its length, kind, page, first title (an index into titles) and
  title step: 0, every document of the run has that title (a section's paragraphs); 1, they count
  up (entries with a title each, a part's notes: `runs_coded`).
- anchors: space-separated items; an item is a `CHARS` digit, the letters it shares with the
  anchor before, then the rest of it; or "+N": the next N anchors are each the one before
  with its number one up (p-1 +1799 is a part's 1,800 paragraphs: `anchors_coded`).
- words: each word is a `MARKS` character, the letters it shares with the word before, then the
  rest; a word is letters and digits, so a mark starts the next (`front_coded`).
- post: bits, 13 to every two `DIGITS` characters (value 93 * first + second), first bit highest;
  each word's documents one after the other, in vocabulary order: their number n in Elias gamma,
  then the documents in binary interpolative code, each number in minimal binary (`postings_bits`
  has the details). search.js decodes a word's documents on first use, from the start of its
  block of SKIP words, which `skip` gives (in bits).
- texts: in strings of CHUNK documents: browsers read a few long strings faster than one longer
  one or thousands of short ones; search.js splits them when it first shows a result.

The tokenizer here and in search.js must agree (`words`).
"""
from __future__ import annotations

import html as htmllib
import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .child import Child, ChildFailed
from .render import template

INDEX_PATH = "search/reader-index.js"  # relative to the site root; loaded by docs/assets/search.js
GLOBAL = "__readerSearch"               # the global the index script assigns
KINDS = ("book", "annotation", "glossary", "person", "event", "place", "guide")
LABELS = ("Book", "Annotations", "Glossary", "People", "Timeline", "Places", "Guide")  # what the kind filters say
CHARS = "0123456789abcdefghijklmnopqrstuvABCDEFGHIJKLMNOPQRSTUVWXYZ_-wxyz"  # 64, none needs escaping in JSON
MARKS = "!#$%&'()*+,-./:;<=>?@[]^_`{|}~"  # 30 that are never in a word: where each word of `words` starts
DIGITS = "".join(c for c in map(chr, range(32, 127)) if c not in '"\\')  # 93: every ASCII character JSON writes as itself
SEP = "\x7f"  # between texts and between titles: a control character no text shows, written as itself in JSON
SKIP = 64      # `skip` has where the postings of word 0, 64, 128, ... start
CHUNK = 256    # texts to a string of `texts` (see the module docstring)
# Words nearly every passage has: their postings would be the longest, and a query made only of
# them would match everything anyway. search.js drops them from queries too (from "stop").
STOP_WORDS = frozenset(
    "about after all also an and are as at be been before but by can could did do does during for from had has "
    "have he her him his if in into is it its may more most not of on or our out over she so some such than "
    "that the their them then there these they this those to too under until up very was we were what when "
    "where which while who whom with would you your".split())

_WORD = re.compile(r"[^\W_]{2,}")  # letters and digits; single letters are not words here
_MARKS = re.compile(r"[\u0300-\u036f]")
_POSSESSIVE = re.compile(r"['’]s\b", re.I)
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
# Numbers the reader does not read as words: note references, annotation markers, permalinks, back links.
_NOISE = re.compile(r'<sup id="fnref[^>]*>.*?</sup>|<a class="(?:ra-marker|headerlink|footnote-backref)"[^>]*>.*?</a>', re.S)
# One pass over a part page: section headings, numbered paragraphs, endnotes.
_PART_BLOCKS = re.compile(r'<h([23])[^>]*>(?P<heading>.*?)</h\1>|<p id="(?P<p>p-\d+)">(?P<ptext>.*?)</p>'
                          r'|<li id="(?P<fn>fn:\d+)">(?P<fntext>.*?)</li>', re.S)
_SECTIONS = re.compile(r'<h([23]) id="(?P<id>[^"]+)"[^>]*>(?P<heading>.*?)</h\1>', re.S)
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MD_MARK = re.compile(r"[*_`]+")


@dataclass
class Document:
    """One search result: what it is, where it lands, what it says."""

    kind: str         # one of KINDS
    url: str          # the page, relative to the site root ("book/in-lenins-shadow.html")
    anchor: str       # the id of the element it lands on ("p-12"); "" for the top of the page
    title: str        # its place: a section heading, an entry's name, an annotation's quote
    text: str         # plain text, shown as the snippet
    keys: str = ""    # indexed, never shown: an entry's forms and transliterations


def words(text: str) -> list[str]:
    """The index's words: lower case, accents dropped, possessive 's dropped, no single letters."""
    text = _POSSESSIVE.sub("", text).lower()
    if not text.isascii():
        text = _MARKS.sub("", unicodedata.normalize("NFKD", text))
    return _WORD.findall(text)


def html_text(html: str) -> str:
    """The visible text of an HTML fragment, on one line."""
    return _SPACE.sub(" ", htmllib.unescape(_TAG.sub("", _NOISE.sub("", html)))).strip()


def markdown_text(text: str) -> str:
    """Contributed Markdown as plain text: link labels kept, emphasis marks dropped."""
    return _SPACE.sub(" ", _MD_MARK.sub("", _MD_LINK.sub(r"\1", text or ""))).strip()


# -- documents -----------------------------------------------------------------------------------

def part_documents(url: str, part_title: str, html: str) -> list[Document]:
    """Each numbered paragraph (`<p id="p-N">`) and endnote (`<li id="fn:N">`) of a part page."""
    docs, section = [], part_title
    for m in _PART_BLOCKS.finditer(html):
        if m.group("heading") is not None:
            section = html_text(m.group("heading")) or section
        elif m.group("p"):
            text = html_text(m.group("ptext"))
            if text:
                docs.append(Document("book", url, m.group("p"), section, text))
        else:
            text = html_text(m.group("fntext"))
            if text:
                docs.append(Document("book", url, m.group("fn"), f"Note {m.group('fn')[3:]}", text))
    return docs


def page_documents(url: str, title: str, html: str) -> list[Document]:
    """A page that is not part of the book (home, contributing): one document per section."""
    docs = []
    cuts = list(_SECTIONS.finditer(html))
    intro = html_text(html[:cuts[0].start()] if cuts else html)
    if intro:
        docs.append(Document("guide", url, "", title, intro))
    for i, m in enumerate(cuts):
        end = cuts[i + 1].start() if i + 1 < len(cuts) else len(html)
        text = html_text(html[m.end():end])
        if text:
            docs.append(Document("guide", url, m.group("id"), html_text(m.group("heading")), text))
    return docs


def layer_documents(edition, urls: dict[str, str]) -> list[Document]:
    """Synopses, questions, annotations, glossary, people, timeline and places, from the edition's data.

    `urls` maps a source path ("glossary.md", "book/<slug>.md") to its page's URL. Anchors are
    the ids the templates write; tests/test_search_index.py checks they exist in built pages.
    """
    layer, book = edition.layer, edition.book
    full = book.has_text
    docs: list[Document] = []
    placed = {ann.id for _, _, placement in edition.placed_pages.values() for ann, _ in placement.matches}
    for part in book.parts:
        part_layer = layer.parts.get(part.slug)
        url = urls.get(f"book/{part.slug}.md")
        if not part_layer or not url:
            continue
        if part_layer.synopsis:
            docs.append(Document("guide", url, "" if full else "synopsis", f"Synopsis: {part.title}",
                                 markdown_text(part_layer.synopsis)))
        if part_layer.questions:
            docs.append(Document("guide", url, "" if full else "questions-for-discussion", f"Questions: {part.title}",
                                 " ".join(markdown_text(q) for q in part_layer.questions)))
        for ann in part_layer.annotations:
            if full and ann.id not in placed:
                where, anchor = urls.get("unplaced.md"), f"orphan-{ann.id}"
            else:
                where, anchor = url, f"ann-{ann.id}"
            if where:
                body = " ".join([markdown_text(ann.body), *(markdown_text(s) for s in ann.sources)])
                docs.append(Document("annotation", where, anchor, f"“{ann.anchor.quote}” ({ann.kind})", body))
    glossary, people, timeline, places = (urls.get(f"{name}.md") for name in ("glossary", "people", "timeline", "places"))
    if glossary:
        for t in layer.terms:
            docs.append(Document("glossary", glossary, f"term-{t.id}", t.term,
                                 " ".join(filter(None, [markdown_text(t.short), markdown_text(t.long)])),
                                 " ".join([t.term, t.russian, t.transliteration, *t.forms])))
    if people:
        for p in layer.people:
            dates = f" ({p.dates})" if p.dates else ""
            text = " ".join(filter(None, ["; ".join(p.roles), markdown_text(p.short), markdown_text(p.long)]))
            docs.append(Document("person", people, f"person-{p.id}", p.name + dates, text,
                                 " ".join([p.name, p.full_name, *p.forms])))
    if timeline:
        for e in sorted(layer.events, key=lambda e: e.date):
            part = book.part(e.part)
            docs.append(Document("event", timeline, f"event-{e.id}", e.date + (f" · {part.title}" if part else ""),
                                 markdown_text(e.event)))
    if places:
        for p in layer.places:
            docs.append(Document("place", places, f"place-{p.id}", p.name, f"Today {p.modern}, {p.country}. {markdown_text(p.note)}",
                                 " ".join(_place_names(p, edition.terms))))
    return docs


def _place_names(place, terms: dict) -> list[str]:
    """A place's names: its own, today's, and the forms it is found by (its glossary entry's, if it has one)."""
    term = terms.get(place.term) if place.term else None
    return [place.name, place.modern, *(term.forms if term else place.forms)]


def synonyms(edition) -> list[list[str]]:
    """Spellings that find each other: the one-word forms of each glossary term and person, and
    the one-word names of each place (Kiev/Kyiv, Kuibyshev/Samara).

    Beria/Beriia, Tsaritsyn/Stalingrad/Volgograd: a reader who types one finds passages with
    any. Multi-word forms are left out: 'Central Committee' must not make 'central' find 'committee'.
    Groups that share a word are merged (a place's names and its glossary entry's forms), because
    search.js gives each word one group.
    """
    names = [entry.forms for entry in [*edition.layer.terms, *edition.layer.people]]
    names += [_place_names(place, edition.terms) for place in edition.layer.places]
    groups: list[set[str]] = []
    for forms in names:
        group = {w[0] for w in (words(f) for f in forms) if len(w) == 1}
        if len(group) < 2:
            continue
        for other in [g for g in groups if g & group]:
            groups.remove(other)
            group |= other
        groups.append(group)
    return [sorted(g) for g in groups]


# -- the index -----------------------------------------------------------------------------------

def encode(numbers: list[int], gaps: bool = True) -> str:
    """Numbers in base 32 (see the module docstring); ascending ones as gaps unless `gaps` is false."""
    out, previous = [], 0
    for n in numbers:
        gap = n - previous
        if gaps:
            previous = n
        if gap < 32:  # most gaps: one character
            out.append(CHARS[gap])
            continue
        digits = [CHARS[gap & 31]]
        gap >>= 5
        while gap:
            digits.append(CHARS[32 + (gap & 31)])
            gap >>= 5
        out.extend(reversed(digits))
    return "".join(out)


def decode(text: str, gaps: bool = True) -> list[int]:
    """The inverse of `encode` (search.js has the same loop)."""
    numbers, value, previous = [], 0, 0
    for ch in text:
        digit = CHARS.index(ch)
        value = value * 32 + (digit & 31)
        if digit < 32:
            previous = previous + value if gaps else value
            numbers.append(previous)
            value = 0
    return numbers


def front_coded(vocabulary: list[str]) -> str:
    """Sorted words, each as a `MARKS` character saying how many letters it shares with the one
    before, then the rest: 'stalin stalingrad stalinism' -> '!stalin)grad)ism'.

    No separator is needed: a word is letters and digits, so a mark always starts the next one.
    """
    out, previous = [], ""
    for word in vocabulary:
        shared = _shared(word, previous, len(MARKS) - 1)
        out.append(MARKS[shared] + word[shared:])
        previous = word
    return "".join(out)


def _shared(word: str, previous: str, most: int) -> int:
    """How many letters `word` begins with that `previous` begins with too, at most `most`."""
    shared, limit = 0, min(len(word), len(previous), most)
    while shared < limit and word[shared] == previous[shared]:
        shared += 1
    return shared


def front_decoded(text: str) -> list[str]:
    """The inverse of `front_coded` (search.js has the same loop)."""
    out, previous, start = [], "", 0
    for i in range(1, len(text) + 1):
        if i == len(text) or text[i] in MARKS:
            previous = previous[:MARKS.index(text[start])] + text[start + 1:i]
            out.append(previous)
            start = i
    return out


_NUMBERED = re.compile(r"(.*?)([0-9]+)")


def _next_anchor(anchor: str) -> str | None:
    """'p-41' -> 'p-42': the anchor after this one in a run of numbered paragraphs or notes."""
    m = _NUMBERED.fullmatch(anchor)
    return f"{m.group(1)}{int(m.group(2)) + 1}" if m else None


def anchors_coded(anchors: list[str]) -> str:
    """The documents' anchors, space-separated, each front-coded against the one before (a `CHARS`
    digit for the letters shared, then the rest), and a run of counted ones as '+N': the next N
    anchors are each the one before with its number plus one (a part's p-1 ... p-1800 is '0p-1 +1799')."""
    out, previous, run = [], None, 0
    for anchor in anchors:
        if previous is not None and anchor == _next_anchor(previous):
            run += 1
        else:
            if run:
                out.append(f"+{run}")
                run = 0
            shared = _shared(anchor, previous or "", len(CHARS) - 1)
            out.append(CHARS[shared] + anchor[shared:])
        previous = anchor
    if run:
        out.append(f"+{run}")
    return " ".join(out)


def anchors_decoded(text: str) -> list[str]:
    """The inverse of `anchors_coded` (search.js has the same loop)."""
    out: list[str] = []
    for item in text.split(" ") if text else []:
        if item[0] == "+":
            for _ in range(int(item[1:])):
                out.append(_next_anchor(out[-1]))
        else:
            out.append((out[-1] if out else "")[:CHARS.index(item[0])] + item[1:])
    return out


def runs_coded(meta: list[tuple[int, int, int]]) -> str:
    """Kind, page and title of each document as runs: length, kind, page, first title, title step.

    A run keeps its kind and page; its titles are all the same (a section's paragraphs, step 0)
    or count up by one (glossary entries, each with a title of its own; a part's notes, step 1).
    """
    numbers, i = [], 0
    while i < len(meta):
        kind, page, title = meta[i]
        step = 1 if i + 1 < len(meta) and meta[i + 1] == (kind, page, title + 1) else 0
        j = i + 1
        while j < len(meta) and meta[j] == (kind, page, title + step * (j - i)):
            j += 1
        numbers += [j - i, kind, page, title, step]
        i = j
    return encode(numbers, gaps=False)


def runs_decoded(text: str) -> list[tuple[int, int, int]]:
    """The inverse of `runs_coded`."""
    numbers, meta = decode(text, gaps=False), []
    for r in range(0, len(numbers), 5):
        length, kind, page, title, step = numbers[r:r + 5]
        meta += [(kind, page, title + step * i) for i in range(length)]
    return meta


# Postings as bits: the bits of the whole vocabulary's postings one after the other, 13 to every
# two `DIGITS` (93 * 93 >= 2**13), first bit highest. One word's documents are their number n in
# Elias gamma (n-1 zeros, then n in binary: 1 is "1", 5 is "00101"), then the documents in binary
# interpolative code (Moffat and Stuiver): the middle one of the n, in the range the others leave
# it, then the lower half and the upper half the same way, each inside its narrower range. A
# number in a range of r values is in minimal binary: b = bits of r-1; the first 2**b - r values
# in b-1 bits, the others plus (2**b - r) in b bits. Documents in a row cost nothing once their
# ends are known, so a name discussed over ten paragraphs is nearly free; a word in one document
# costs its number. `skip` has the bit where every SKIP-th word's postings start, so search.js
# decodes only the block of SKIP words it needs.

def _gamma(n: int) -> str:
    return "0" * (n.bit_length() - 1) + format(n, "b")


_BINARY = [f"{{:0{width}b}}".format if width else "".format for width in range(64)]  # numbers in `width` bits


def _interpolative(docs: list[int], lo: int, hi: int, out: list[str]) -> None:
    """Ascending `docs`, all in lo..hi: the middle one, then the lower half, then the upper (see above)."""
    todo = [(0, len(docs), lo, hi)]  # documents start..end-1, in lo..hi
    while todo:
        start, end, lo, hi = todo.pop()
        if end == start or end - start == hi - lo + 1:  # none, or as many documents as places: nothing to say
            continue
        m = (start + end) // 2
        least, most = lo + m - start, hi - (end - m - 1)  # where the middle one can be, with the others around it
        x, r = docs[m] - least, most - least + 1  # x in minimal binary for r values, inline: this runs for every posting
        b = (r - 1).bit_length()
        short = (1 << b) - r
        out.append(_BINARY[b - 1](x) if x < short else _BINARY[b](x + short))
        todo.append((m + 1, end, docs[m] + 1, hi))
        todo.append((start, m, lo, docs[m] - 1))


def postings_bits(docs: list[int], documents: int) -> str:
    """One word's postings (ascending numbers of `documents` documents) as a string of '0' and '1'."""
    out = [_gamma(len(docs))]
    _interpolative(docs, 0, documents - 1, out)
    return "".join(out)


def pack_bits(bits: str) -> str:
    """Bits as `DIGITS`, 13 to every two characters (the last group filled up with zeros)."""
    bits += "0" * (-len(bits) % 13)
    out = []
    for i in range(0, len(bits), 13):
        high, low = divmod(int(bits[i:i + 13], 2), len(DIGITS))
        out += [DIGITS[high], DIGITS[low]]
    return "".join(out)


def unpack_bits(text: str) -> str:
    """The inverse of `pack_bits`."""
    return "".join(format(DIGITS.index(a) * len(DIGITS) + DIGITS.index(b), "013b") for a, b in zip(text[::2], text[1::2]))


def postings_decoded(index: dict) -> list[list[int]]:
    """Every word's documents, in vocabulary order (search.js decodes a block of SKIP words at a time)."""
    bits, documents, at = unpack_bits(index["post"]), len(texts_of(index)), 0

    def read(width: int) -> int:
        nonlocal at
        at += width
        return int(bits[at - width:at], 2) if width else 0

    def minimal(r: int) -> int:
        if r <= 1:
            return 0
        b = (r - 1).bit_length()
        short, x = (1 << b) - r, read(b - 1)
        return x if x < short else 2 * x + read(1) - short

    def interpolative(n: int, lo: int, hi: int) -> list[int]:
        if not n:
            return []
        m = n // 2
        middle = lo + m + minimal(hi - (n - m - 1) - (lo + m) + 1)
        return [*interpolative(m, lo, middle - 1), middle, *interpolative(n - m - 1, middle + 1, hi)]

    out = []
    for _ in range(len(front_decoded(index["words"]))):
        zeros = bits.index("1", at) - at
        at += zeros
        out.append(interpolative(read(zeros + 1), 0, documents - 1))
    return out


def texts_of(index: dict) -> list[str]:
    """Each document's text, in order."""
    return [text for chunk in index["texts"] for text in chunk.split(SEP)]


def build_index(docs: list[Document], groups: list[list[str]] | None = None,
                page_titles: dict[str, str] | None = None) -> dict:
    """The index as plain data (see the module docstring); `page_titles` maps a URL to its page's title."""
    postings: dict[str, list[int]] = defaultdict(list)
    pages: dict[str, int] = {}
    titles: dict[str, int] = {}  # a part's 1,900 passages share some 150 section headings: each is stored once
    meta: list[tuple[int, int, int]] = []
    for n, doc in enumerate(docs):
        for word in set(words(f"{doc.title} {doc.text} {doc.keys}")) - STOP_WORDS:
            postings[word].append(n)
        title = doc.title.replace(SEP, "")
        meta.append((KINDS.index(doc.kind), pages.setdefault(doc.url, len(pages)), titles.setdefault(title, len(titles))))
    vocabulary = sorted(postings)
    bits, skip, at = [], [], 0
    for i, word in enumerate(vocabulary):
        if i % SKIP == 0:
            skip.append(at)
        bits.append(postings_bits(postings[word], len(docs)))
        at += len(bits[-1])
    return {"v": 3, "kinds": list(KINDS), "labels": list(LABELS), "chars": CHARS, "marks": MARKS, "digits": DIGITS,
            "sep": SEP, "skip_every": SKIP, "stop": " ".join(sorted(STOP_WORDS)),
            "pages": [[url, (page_titles or {}).get(url, "")] for url in pages],
            "titles": SEP.join(titles), "meta": runs_coded(meta), "anchors": anchors_coded([d.anchor for d in docs]),
            "texts": [SEP.join(d.text.replace(SEP, "") for d in docs[i:i + CHUNK]) for i in range(0, len(docs), CHUNK)],
            "words": front_coded(vocabulary),
            "post": pack_bits("".join(bits)), "skip": encode(skip), "syn": groups or []}


def documents_of(index: dict) -> list[tuple[str, str, str, str, str]]:
    """(kind, page URL, anchor, title, text) of each document of an index: for tests and the benchmark."""
    titles, anchors = index["titles"].split(SEP), anchors_decoded(index["anchors"])
    return [(index["kinds"][kind], index["pages"][page][0], anchors[n], titles[title], text)
            for n, ((kind, page, title), text) in enumerate(zip(runs_decoded(index["meta"]), texts_of(index)))]


def index_script(index: dict) -> str:
    """The index as a script: `<script src>` works from file://, where fetch() of a local file does not."""
    return f"window.{GLOBAL}=" + json.dumps(index, ensure_ascii=False, separators=(",", ":")) + ";\n"


# Material's icons (Material Design Icons, Apache-2.0), as its own search partial draws them.
_ICONS = {
    "search": "M9.5 3A6.5 6.5 0 0 1 16 9.5c0 1.61-.59 3.09-1.56 4.23l.27.27h.79l5 5-1.5 1.5-5-5v-.79l-.27-.27A6.52 6.52 0 0 1 "
              "9.5 16 6.5 6.5 0 0 1 3 9.5 6.5 6.5 0 0 1 9.5 3m0 2C7 5 5 7 5 9.5S7 14 9.5 14 14 12 14 9.5 12 5 9.5 5",
    "back": "M20 11v2H8l5.5 5.5-1.42 1.42L4.16 12l7.92-7.92L13.5 5.5 8 11z",
    "clear": "M19 6.41 17.59 5 12 10.59 6.41 5 5 6.41 10.59 12 5 17.59 6.41 19 12 13.41 17.59 19 19 17.59 13.41 12z",
}


@lru_cache(maxsize=1)
def dialog_html() -> str:
    """The search button and dialog, in Material's markup and classes, for the page's header.

    Hidden until docs/assets/search.js has loaded (no JavaScript, no search).
    """
    icons = {name: f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" aria-hidden="true"><path d="{path}"/></svg>'
             for name, path in _ICONS.items()}
    return template("search.html").render(icons=icons)


def in_header(page_html: str) -> str:
    """The page with the search dialog at the end of Material's header bar, where its own search sits."""
    header_end = page_html.find("</header>")
    nav_end = page_html.rfind("</nav>", 0, header_end) if header_end > 0 else -1
    if nav_end < 0:
        return page_html
    return page_html[:nav_end] + dialog_html() + page_html[nav_end:]


_SEARCH_SCRIPT = re.compile(r'<script src="([^"]*?)assets/search\.js"></script>')


def in_head(page_html: str) -> str:
    """The page with search.js and the index as async scripts in its head, instead of search.js last.

    At the end of the body (where the theme puts `extra_javascript`), the index would start
    loading only after the page had been parsed and the theme's own script had run: on the
    largest part from disk that is about a second after the click. From the head both load
    while the page is parsed and run as soon as they arrive, so the index is answerable
    before the page is (search.js takes the index's script by its id, in either order).
    The theme's tag gives the relative path to the site root, so this holds on every page.
    """
    found = _SEARCH_SCRIPT.search(page_html)
    head_end = page_html.find("</head>")
    if not found or head_end < 0 or head_end > found.start():
        return page_html
    root = found.group(1)
    tags = (f'<script id="ra-search-index" src="{root}{INDEX_PATH}" async onerror="this.setAttribute(\'data-failed\',\'\')"></script>'
            f'<script src="{root}assets/search.js" async></script>')
    body = page_html[:found.start()] + page_html[found.end():]
    return body[:head_end] + tags + body[head_end:]


def write_index(site_dir: Path, docs: list[Document], groups: list[list[str]], page_titles: dict[str, str]) -> Path:
    """Write `search/reader-index.js` into the built site; returns its path."""
    index = build_index(docs, groups, page_titles)
    path = site_dir / INDEX_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(index_script(index), encoding="utf-8")
    return path


@dataclass
class IndexProcess:
    """The search index being written by a child process (`write_index_in_background`)."""

    child: Child
    args: tuple  # write_index's arguments, for writing the index here should the child fail

    def finish(self) -> str | None:
        """Wait for the child. Should it fail (or be killed), the index is written here after all: a build
        never depends on the child. Returns what went wrong with the child (its exit status and error
        output, so a real error shows its traceback), or None."""
        try:
            self.child.result()
        except ChildFailed as failure:
            write_index(*self.args)
            return f"the search index process failed ({failure}), so the build's own process wrote the index."
        return None

    def stop(self) -> None:
        """Stop the child if it still runs (a newer build writes a newer index), and wait for it."""
        self.child.stop()


def write_index_in_background(site_dir: Path, docs: list[Document], groups: list[list[str]],
                              page_titles: dict[str, str]) -> IndexProcess:
    """Start writing the index (`write_index`) in a process of its own (child.py), and return at once.

    Building the index is pure Python work (most of a build's `search` stage): in a child it runs beside
    the next steps, a build's pages and exports, or the browser's reload under `mkdocs serve`, where a
    rebuild that starts before it is done stops it instead of waiting for an index it makes obsolete."""
    args = (site_dir, docs, groups, page_titles)
    return IndexProcess(Child(_write_index, *args), args)


def _write_index(*args) -> None:
    """write_index for the child: the file it writes is the result, nothing comes back (see child.py)."""
    write_index(*args)
