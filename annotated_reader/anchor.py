"""Anchoring: find the passage an annotation quotes, or refuse to guess.

A pure function on strings, after hypothesis's `match-quote`, with our own decision
rule. Matching runs on *normalized* text (`normalize`: quote styles, dashes,
whitespace, emphasis asterisks, superscript note digits) with an offset map back to
the original, so a quote still matches when the edition's typography differs from
what the contributor typed, and the highlight lands exactly.

Two paths:

1. **Exact.** The quote occurs, and exactly one occurrence has the given context
   (prefix/suffix, read across paragraph breaks) or occurrence number: placed. This is
   every anchor of an unedited text, and it costs a `str.find`.
2. **Score, then decide** (the text changed). Candidates come from exact occurrences,
   from approximate alignments of the quote (rapidfuzz, an error budget that grows with
   the quote's length) and from the places where the *context* still reads as given.
   Each gets a score from quote, prefix and suffix similarity; the best is placed only
   when it is confident and ahead of the runner-up by `MARGIN`. Context is evidence, not
   a gate: an intact quote whose context changed is placed (with a warning), unless the
   context now sits around other words elsewhere, which is how a corrected name looks
   (hypothesis h#2798). The last known paragraph (`near`) only tells apart candidates
   the text cannot.

The failure that ruins peer tools is a silent move to the wrong passage (h#2798,
client#7571). A refused anchor is an orphan: listed with its candidates, never placed.

A port (the browser side of readers' notes) gives the same answers when it mirrors
`normalize` and the exact path; on changed text it must also mirror the constants below,
Levenshtein distances, and the candidate search (rapidfuzz `partial_ratio` over blocks).
"""
from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from .model import Anchor

PARAGRAPH = "\u2029"  # separates blocks in the visible text; no quote may cross it (context may)
LINE = "\u2028"  # a line break inside a block (<br> in verse or letters): a space for matching

# -- scoring: weights and thresholds, with their trade-offs ----------------------------------------
# Similarities are 0-1 (1 - Levenshtein distance / length). A candidate's score is the weighted mean
# of the similarities that exist (a prefix only counts when one was given).
QUOTE_WEIGHT = 50.0  # the quote is the passage itself: it weighs most ...
PREFIX_WEIGHT = SUFFIX_WEIGHT = 25.0  # ... but context on both sides weighs as much: it is what tells a
# passage from its twin. Hypothesis uses 50/20/20 and lets a damaged name jump to an intact twin (h#2798).
ACCEPT = 0.75  # below this the evidence is thin however clear the margin (e.g. a half-right quote, half-right context)
MARGIN = 0.1  # the best must beat the runner-up by this much; a near tie is an orphan, not a coin toss
CONTEXT_FIT = 0.7  # context this similar "still reads as given" (one changed word in a few); random text scores ~0.3
SHORT_QUOTE = 20  # characters: a quote this short (a name, a date) recurs; it is only placed with its context
QUOTE_MARGIN = 0.2  # a quote whose context moved must stand alone: nothing else within this similarity of it
NEAR_TOLERANCE = 3  # paragraphs: how close to the `near` hint a candidate must be for the hint to pick it


def error_budget(length: int) -> int:
    """How many edits (Levenshtein) a quote of `length` characters may have and still be itself.

    One edit for a name ("Ivanow" for "Ivanov"), then one more per five characters: about a fifth
    of a long quote, enough for a corrected word, too little for a look-alike sentence.
    """
    return 1 + max(0, length - 4) // 5


_FOLD = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'", "\u00b4": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
}
_DROP = set("*\u00ad\u200b\u200c\u200d\ufeff\u2060") | set("\u00b9\u00b2\u00b3\u2070\u2074\u2075\u2076\u2077\u2078\u2079")


_TRANSLATE = str.maketrans(_FOLD)
_DROP_CLASS = "".join(sorted(_DROP)).replace("*", "\\*")
# Everything that is not copied one-to-one: whitespace runs (which swallow dropped characters next to
# them), dropped characters alone, runs of dashes, and the ellipsis character.
# A lone ordinary space (the common case) is not an edit: it is copied with the text around it.
_EDITS = re.compile(rf"(?! (?![{_DROP_CLASS}\s]))[{_DROP_CLASS}\s]*\s[{_DROP_CLASS}\s]*|[{_DROP_CLASS}]+|-{{2,}}|\u2026")


@dataclass(frozen=True)
class Normalized:
    """Normalized text and a piecewise map back to the original.

    `segments` holds (normalized start, original start) for each stretch that was copied
    one-to-one; characters between stretches were folded or dropped.
    """

    text: str
    segments: tuple[tuple[int, int], ...]
    original_length: int

    def _original(self, index: int) -> int:
        i = bisect.bisect_right(self._starts, index) - 1
        norm_start, orig_start = self.segments[i]
        return orig_start + (index - norm_start)

    @cached_property
    def _starts(self) -> list[int]:
        return [n for n, _ in self.segments]

    @cached_property
    def flat(self) -> str:
        """The text with paragraph breaks read as spaces (same length): what context is compared on."""
        return self.text.replace(PARAGRAPH, " ")

    @cached_property
    def _breaks(self) -> list[int]:
        breaks, i = [], self.text.find(PARAGRAPH)
        while i >= 0:
            breaks.append(i)
            i = self.text.find(PARAGRAPH, i + 1)
        return breaks

    @cached_property
    def blocks(self) -> list[tuple[int, int]]:
        """Normalized [start, end) of every non-empty block."""
        spans, start = [], 0
        for end in [*self._breaks, len(self.text)]:
            if end > start:
                spans.append((start, end))
            start = end + 1
        return spans

    def paragraph(self, index: int) -> int:
        """1-based number of the block holding normalized `index` (what `near:` records)."""
        return bisect.bisect_right(self._breaks, index) + 1

    def block(self, index: int) -> tuple[int, int]:
        """Normalized [start, end) of the block holding `index`."""
        i = bisect.bisect_right(self._breaks, index)
        start = self._breaks[i - 1] + 1 if i else 0
        end = self._breaks[i] if i < len(self._breaks) else len(self.text)
        return start, end

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalized [start, end) back to the original text."""
        if start >= end:
            position = self._original(start) if start < len(self.text) else self.original_length
            return position, position
        return self._original(start), self._original(end - 1) + 1


def normalize(text: str) -> Normalized:
    """Fold typography so that what a contributor types matches what the reader sees.

    The one normalization of anchoring: quotes, prefixes, suffixes and the page's text all go
    through it, and a port (the browser's reader notes) must give the same text, in order:

    1. NFC (only when the text is not ASCII);
    2. fold one-to-one: curly/low/prime single quotes, backtick and acute to `'`; curly/low/prime
       double quotes and guillemets to `"`; hyphen, dash and minus characters U+2010-U+2015, U+2212 to `-`;
    3. drop `*`, soft hyphen, zero-width characters (U+200B-U+200D, U+2060, U+FEFF) and
       superscript digits (endnote numbers);
    4. a run of whitespace (with dropped characters in it) becomes one space, or one PARAGRAPH
       when it holds a paragraph break (spaces next to a PARAGRAPH go); LINE (a `<br>`) is
       whitespace like any other; no whitespace after a PARAGRAPH or at the start;
    5. a run of dashes becomes one `-` ("-*-" too); the ellipsis character becomes `...`.

    Quotes and dashes are folded with str.translate; the few edits that change lengths are
    found with one regex, so the whole book normalizes in milliseconds.
    """
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    folded = text.translate(_TRANSLATE)
    out: list[str] = []
    segments: list[tuple[int, int]] = []
    length = 0
    last = 0

    def emit(piece: str, origin: int) -> None:
        nonlocal length
        while piece[:1] == "-" and out and out[-1][-1] == "-":
            piece, origin = piece[1:], origin + 1  # "-*-": dashes around a dropped character are one dash
        if piece:
            segments.append((length, origin))
            out.append(piece)
            length += len(piece)

    for m in _EDITS.finditer(folded):
        emit(folded[last:m.start()], last)
        chunk = m.group()
        previous = out[-1][-1] if out else ""
        if chunk[0] == "-":
            emit("-", m.start())
        elif chunk == "\u2026":
            for _ in range(3):
                emit(".", m.start())
        elif PARAGRAPH in chunk:
            if out and previous == " ":
                out[-1] = out[-1][:-1]
                length -= 1
                if not out[-1]:
                    out.pop(); segments.pop()
            if out and (out[-1][-1:] or "") != PARAGRAPH:
                emit(PARAGRAPH, m.start() + chunk.index(PARAGRAPH))
        elif any(c.isspace() for c in chunk):
            if out and previous != PARAGRAPH:
                emit(" ", m.start() + next(i for i, c in enumerate(chunk) if c.isspace()))
        last = m.end()
    emit(folded[last:], last)
    return Normalized("".join(out), tuple(segments), len(text))


def normalize_quote(text: str) -> str:
    """A quote as matched: normalized, no paragraph break or space at either end."""
    return normalize(text).text.strip().strip(PARAGRAPH)


def normalize_context(text: str) -> str:
    """A prefix or suffix as compared: normalized, paragraph breaks read as spaces."""
    return normalize(text).text.replace(PARAGRAPH, " ").strip()


@dataclass(frozen=True)
class Candidate:
    """A place the quote might belong: normalized [start, end), score 0-100, and the text there.

    `quote` and `context` are the similarities the score is made of (0-1; context None when the
    anchor gives none), `paragraph` the block's number.
    """

    start: int
    end: int
    score: float
    text: str = ""
    quote: float = 1.0
    context: float | None = None
    paragraph: int = 0
    edits: int = 0  # Levenshtein distance between the quote and the text here
    side: float | None = None  # the better of prefix and suffix similarity


@dataclass(frozen=True)
class Match:
    """A placement: [start, end) in the original text; method says how it was found.

    exact | prefix-suffix | occurrence | near: the anchor reads as written (`near` broke a tie);
    context-changed: the quote is intact but its prefix/suffix changed; fuzzy: the quote changed.
    The last two are warnings, which `reader check --refresh` heals.
    """

    start: int
    end: int
    method: str
    score: float = 100.0
    paragraph: int = 0  # 1-based block number in the normalized text: the `near:` to record

    @property
    def changed(self) -> bool:
        return self.method in CHANGED


CHANGED = ("context-changed", "fuzzy")


@dataclass(frozen=True)
class Failure:
    """No placement. `reason`: not-found | ambiguous | low-confidence | occurrence-missing | context-mismatch."""

    reason: str
    candidates: tuple[Candidate, ...] = field(default_factory=tuple)
    exact_count: int = 0


def match_quote(text: str | Normalized, anchor: Anchor) -> Match | Failure:
    """Place `anchor` in `text` (the visible text of one part), or say why not."""
    norm = text if isinstance(text, Normalized) else normalize(text)
    quote = normalize_quote(anchor.quote)
    if not quote:
        return Failure("not-found")
    prefix, suffix = normalize_context(anchor.prefix), normalize_context(anchor.suffix)
    hits = _find_all(norm.text, quote)
    if anchor.occurrence is not None:
        # A count is fragile (paragraphs move): it is honoured exactly or the anchor is refused.
        if anchor.occurrence > len(hits):
            return Failure("occurrence-missing", _exact_candidates(norm, hits, quote), len(hits))
        hit = hits[anchor.occurrence - 1]
        if not _context_ok(norm.flat, hit, hit + len(quote), prefix, suffix):
            return Failure("context-mismatch", _exact_candidates(norm, hits, quote), len(hits))
        return _match(norm, hit, hit + len(quote), "occurrence")
    fitting = [h for h in hits if _context_ok(norm.flat, h, h + len(quote), prefix, suffix)] if prefix or suffix else hits
    if len(fitting) == 1:
        return _match(norm, fitting[0], fitting[0] + len(quote), "prefix-suffix" if prefix or suffix else "exact")
    if len(fitting) > 1:
        # The text gives no way to choose; the last known paragraph may.
        exact = [_candidate(norm, h, h + len(quote), quote, prefix, suffix) for h in fitting]
        chosen = _nearest(exact, anchor.near)
        if chosen:
            return _match(norm, chosen.start, chosen.end, "near")
        return Failure("ambiguous", tuple(exact), len(hits))
    return _decide(norm, quote, prefix, suffix, anchor.near, hits)


def _match(norm: Normalized, start: int, end: int, method: str, score: float = 100.0) -> Match:
    a, b = norm.span(start, end)
    return Match(a, b, method, round(score, 1), norm.paragraph(start))


def _find_all(text: str, quote: str) -> list[int]:
    hits, i = [], text.find(quote)
    while i >= 0:
        if _word_edges(text, i, i + len(quote), quote):
            hits.append(i)
        i = text.find(quote, i + 1)
    return hits


def _word_edges(text: str, start: int, end: int, quote: str) -> bool:
    """A quote of whole words must not match inside a longer word ("kulak" in "kulaks")."""
    if quote[0].isalnum() and start > 0 and text[start - 1].isalnum():
        return False
    if quote[-1].isalnum() and end < len(text) and text[end].isalnum():
        return False
    return True


SEAM = " ,.;:!?\"'()[]-\u2028\u2029"  # punctuation and spaces between a quote and its context


def _context_ok(flat: str, start: int, end: int, prefix: str, suffix: str) -> bool:
    """Does the context around [start, end) read exactly as given (paragraph breaks read as spaces)?

    Punctuation and spaces at the seam are skipped unless the contributor wrote them:
    `suffix: consisting of` fits `quote," consisting of`.
    """
    if prefix:
        before = flat[max(0, start - len(prefix) - 8):start]
        if not (prefix[-1].isalnum() and before.rstrip(SEAM).endswith(prefix)) and not before.rstrip().endswith(prefix):
            return False
    if suffix:
        after = flat[end:end + len(suffix) + 8]
        if not (suffix[0].isalnum() and after.lstrip(SEAM).startswith(suffix)) and not after.lstrip().startswith(suffix):
            return False
    return True


# -- score, then decide --------------------------------------------------------------------------

def _decide(norm: Normalized, quote: str, prefix: str, suffix: str, near: int | None, hits: list[int]) -> Match | Failure:
    """The text changed: gather every plausible place, score each, place the best only if it is clear."""
    spans = {(h, h + len(quote)) for h in hits}
    spans.update(_approximate_spans(norm, quote))
    if prefix or suffix:
        spans.update(_context_spans(norm, quote, prefix, suffix))
    ranked: list[Candidate] = []
    for candidate in sorted((_candidate(norm, a, b, quote, prefix, suffix) for a, b in spans),
                            key=lambda c: (-c.score, c.start)):
        if not any(candidate.start < kept.end and kept.start < candidate.end for kept in ranked):
            ranked.append(candidate)  # overlapping spans are one place: keep its best reading
    if not ranked:
        return Failure("not-found")
    budget = error_budget(len(quote))
    best, others = ranked[0], ranked[1:]
    listed = tuple(ranked[:4])

    def fits(c: Candidate) -> bool:
        return c.context is None or c.context >= CONTEXT_FIT

    def method(c: Candidate) -> str:
        return "context-changed" if c.edits == 0 else "fuzzy"

    if not fits(best):
        # The context moved (paragraphs reordered, a sentence rewritten). Never when the context is
        # found around other words elsewhere: that is how a corrected name looks (h#2798). Otherwise
        # the quote, within its budget, needs one side of its context still in place and a clear lead,
        # or must stand alone: long enough not to be a recurring name, and clearly closer than any other place.
        one_side = best.side is not None and best.side >= CONTEXT_FIT and (
            not others or best.score - others[0].score >= 100 * MARGIN)
        alone = len(quote) >= SHORT_QUOTE and all(best.quote - c.quote >= QUOTE_MARGIN for c in others)
        if best.edits <= budget and not any(fits(c) for c in others) and (one_side or alone):
            return _match(norm, best.start, best.end, method(best), best.score)
        return Failure("context-mismatch", listed, len(hits))
    if best.edits > budget:
        return Failure("not-found", listed, len(hits))
    if best.score < 100 * ACCEPT:
        return Failure("low-confidence", listed, len(hits))
    tied = [c for c in ranked if best.score - c.score < 100 * MARGIN]
    if len(tied) > 1:
        # Only the last known paragraph can still choose, and only among places that all qualify.
        chosen = _nearest(tied, near) if all(c.edits <= budget and fits(c) for c in tied) else None
        if chosen is None:
            return Failure("ambiguous", listed, len(hits))
        best = chosen
    return _match(norm, best.start, best.end, method(best), best.score)


def _nearest(candidates: list[Candidate], near: int | None) -> Candidate | None:
    """The candidate within NEAR_TOLERANCE paragraphs of the hint, when every other one is more than
    twice as far: paragraphs move between editions, so a hint half-way between two places says nothing."""
    if not near:
        return None
    close = [c for c in candidates if abs(c.paragraph - near) <= NEAR_TOLERANCE]
    far = [c for c in candidates if abs(c.paragraph - near) > 2 * NEAR_TOLERANCE]
    return close[0] if len(close) == 1 and len(close) + len(far) == len(candidates) else None


def _candidate(norm: Normalized, start: int, end: int, quote: str, prefix: str, suffix: str) -> Candidate:
    """Score the place [start, end): quote, prefix and suffix similarity, weighted."""
    edits = Levenshtein.distance(quote, norm.text[start:end])
    q = 1.0 - edits / max(len(quote), end - start)
    total, weight = QUOTE_WEIGHT * q, QUOTE_WEIGHT
    context_total = context_weight = 0.0
    sides = []
    if prefix:
        sides.append(_side_similarity(prefix, norm.flat[max(0, start - len(prefix) - 12):start], before=True))
        context_total += PREFIX_WEIGHT * sides[-1]
        context_weight += PREFIX_WEIGHT
    if suffix:
        sides.append(_side_similarity(suffix, norm.flat[end:end + len(suffix) + 12], before=False))
        context_total += SUFFIX_WEIGHT * sides[-1]
        context_weight += SUFFIX_WEIGHT
    context = context_total / context_weight if context_weight else None
    score = (total + context_total) / (weight + context_weight)
    return Candidate(start, end, round(100 * score, 1), _around(norm.text, start, end), q, context,
                     norm.paragraph(start), edits, max(sides) if sides else None)


def _side_similarity(context: str, window: str, before: bool) -> float:
    """How well `context` reads next to the candidate: the best of a few lengths of the adjacent text.

    Seam punctuation and spaces are ignored, and the compared stretch may be a little longer or
    shorter than the context (a word inserted or dropped in it).
    """
    core = context.rstrip(SEAM) if before else context.lstrip(SEAM)
    window = window.rstrip(SEAM) if before else window.lstrip(SEAM)
    if not core:
        return 1.0
    slack = max(2, len(core) // 4)
    best = 0.0
    for length in range(max(1, len(core) - slack), len(core) + slack + 1):
        piece = window[-length:] if before else window[:length]
        best = max(best, Levenshtein.normalized_similarity(core, piece))
        if length > len(window):
            break
    return best


# How many blocks' best alignments are examined; more costs time and only adds weaker candidates.
_ALIGNMENTS = 8
_PREFILTER = 55.0  # rapidfuzz partial_ratio (Indel, 0-100) below which a block cannot hold the quote
# Exact places of a context examined: a common context ("in the") must not hide the one place a
# corrected quote sits in, since that place is what refuses a twin; each costs one small alignment.
_EXACT_CONTEXTS = 32


def _approximate_spans(norm: Normalized, quote: str) -> list[tuple[int, int]]:
    """The best approximate alignment of the quote in each of the most similar blocks, with exact edges."""
    text = norm.text
    blocks = norm.blocks
    found = process.extract(quote, [text[a:b] for a, b in blocks], scorer=fuzz.partial_ratio,
                            limit=_ALIGNMENTS, score_cutoff=_PREFILTER)
    spans = []
    for _, _, index in found:
        a, b = blocks[index]
        hit = fuzz.partial_ratio_alignment(quote, text[a:b])
        if hit is not None:
            spans.append(_edges(text, a + hit.dest_start, a + hit.dest_end, quote, (a, b)))
    return spans


def _context_spans(norm: Normalized, quote: str, prefix: str, suffix: str) -> list[tuple[int, int]]:
    """Where the prefix or suffix still reads (approximately): the quote, changed or not, sits next to it."""
    flat, spans = norm.flat, []
    for context, before in ((prefix, True), (suffix, False)):
        core = context.rstrip(SEAM) if before else context.lstrip(SEAM)
        if not core:
            continue
        for a, b in _context_places(norm, core):
            if before:  # the quote begins after the prefix and the space after it
                start = b + 1 if flat[b:b + 1] == " " else b
                end = min(len(flat), start + len(quote))
            else:
                end = a - 1 if a and flat[a - 1] == " " else a
                start = max(0, end - len(quote))
            block = norm.block(start if before else max(0, end - 1))
            start, end = max(start, block[0]), min(end, block[1])
            if start < end:
                spans.append(_edges(norm.text, start, end, quote, block))
    return spans


def _context_places(norm: Normalized, core: str) -> list[tuple[int, int]]:
    """Exact places of the context, and its best approximate place in the most similar blocks (read
    with their neighbours' edges, since context may cross a paragraph break)."""
    flat = norm.flat
    places, i = [], flat.find(core)
    while i >= 0 and len(places) < _EXACT_CONTEXTS:
        places.append((i, i + len(core)))
        i = flat.find(core, i + 1)
    pad = len(core)
    windows = [(max(0, a - pad), min(len(flat), b + pad)) for a, b in norm.blocks]
    found = process.extract(core, [flat[a:b] for a, b in windows], scorer=fuzz.partial_ratio,
                            limit=_ALIGNMENTS, score_cutoff=100 * CONTEXT_FIT)
    for _, _, index in found:
        a, b = windows[index]
        hit = fuzz.partial_ratio_alignment(core, flat[a:b])
        if hit is not None:
            places.append((a + hit.dest_start, a + hit.dest_end))
    return places


def _edges(text: str, start: int, end: int, quote: str, block: tuple[int, int]) -> tuple[int, int]:
    """Exact edges of an approximate match: the word-bounded span near [start, end) closest to the quote.

    An alignment window has the quote's length; the edited passage may be longer or shorter, so its
    edges are searched among word boundaries a little around the window, and the span with the
    fewest edits (then the closest length) wins: the highlight covers the passage's own words.
    """
    lo, hi = block
    slack = max(6, len(quote) // 3 + 2)
    starts = [i for i in range(max(lo, start - slack), min(hi, start + slack) + 1) if _boundary(text, i, lo, hi)]
    ends = [i for i in range(max(lo, end - slack), min(hi, end + slack) + 1) if _boundary(text, i, lo, hi)]
    best, best_key = (start, end), None
    for a in starts:
        for b in ends:
            if b <= a or text[a] == " " or text[b - 1] == " ":
                continue
            key = (Levenshtein.distance(quote, text[a:b]), abs((b - a) - len(quote)))
            if best_key is None or key < best_key:
                best, best_key = (a, b), key
    return best


def _boundary(text: str, i: int, lo: int, hi: int) -> bool:
    return i <= lo or i >= hi or not (text[i - 1].isalnum() and text[i].isalnum())


def _exact_candidates(norm: Normalized, starts: list[int], quote: str) -> tuple[Candidate, ...]:
    return tuple(Candidate(s, s + len(quote), 100.0, _around(norm.text, s, s + len(quote)), paragraph=norm.paragraph(s))
                 for s in starts)


def _around(text: str, start: int, end: int, width: int = 30) -> str:
    """A little context for a message, cut at paragraph edges."""
    left = text.rfind(PARAGRAPH, 0, start) + 1
    right = text.find(PARAGRAPH, end)
    right = len(text) if right < 0 else right
    a, b = max(left, start - width), min(right, end + width)
    return ("…" if a > left else "") + text[a:b] + ("…" if b < right else "")


def changed_warning(anchor: Anchor, match: Match, passage: str) -> tuple[str, str]:
    """Message and hint for an anchor placed on changed text (`match.changed`)."""
    passage = " ".join(passage.split())
    if match.method == "context-changed":
        return (f'the quote "{anchor.quote}" was found, but the words around it changed (the context moved).',
                "Update `prefix`/`suffix` to the text, or run `reader check --refresh` and review the diff.")
    return (f'the quote "{anchor.quote}" was re-anchored on changed text ({match.score:.0f}% similar): “{passage}”.',
            "Update the quote to the text, or run `reader check --refresh` and review the diff.")


def explain(failure: Failure, anchor: Anchor) -> tuple[str, str]:
    """Message and hint for a contributor, from a Failure."""
    quote = anchor.quote
    closest = failure.candidates[0] if failure.candidates else None
    where = "; ".join(f"“{c.text}” ({c.score:.0f}%)" for c in failure.candidates[:4])
    if failure.reason == "ambiguous":
        count = failure.exact_count if failure.exact_count > 1 else len(failure.candidates)
        return (f'the quote "{quote}" fits {count} places in this part equally well.',
                f"Add `prefix:` or `suffix:` (a few words around it). Candidates: {where}")
    if failure.reason == "occurrence-missing":
        return (f'occurrence {anchor.occurrence} of "{quote}" does not exist (the part has {failure.exact_count}).',
                "The text changed: check the passage and fix `occurrence`, or remove it if the quote is now unique.")
    if failure.reason == "context-mismatch":
        hint = (f"The quote occurs {failure.exact_count} time(s), but never with this prefix/suffix"
                if failure.exact_count else "The quote was not found with this prefix/suffix")
        hint += (", and its context is not enough to tell where it went" if closest else "") + "."
        if closest:
            hint += f" Candidates: {where}"
        return (f'"{quote}" was not found with the given prefix/suffix.', hint)
    if failure.reason == "low-confidence" and closest:
        return (f'anchor "{quote}" not found with confidence in this part.',
                f"Closest passages: {where}. Copy the quote (and context) exactly from the text.")
    if closest:
        return (f'anchor "{quote}" not found in this part.',
                f"Closest passage ({closest.score:.0f}% similar): “{closest.text}”. Copy the quote exactly from the text.")
    return (f'anchor "{quote}" not found in this part.', "Copy the quote exactly from the text.")
