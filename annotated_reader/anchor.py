"""Anchoring: find the passage an annotation quotes, or refuse to guess.

A pure function on strings, after hypothesis's `match-quote`: exact first, then
disambiguation by prefix/suffix/occurrence, then fuzzy re-anchoring when the
text changed. Matching runs on *normalized* text (quote styles, dashes,
whitespace, emphasis asterisks, superscript note digits) with an offset map
back to the original, so a quote still matches when the edition's typography
differs from what the contributor typed, and the highlight lands exactly.

The failure that ruins peer tools is a silent move to the wrong passage
(hypothesis h#2798, client#7571). So: disambiguators that were given are never
dropped, short quotes are never fuzzy-matched, and among fuzzy candidates of
similar score we refuse rather than pick. A refused anchor is an orphan: listed
and reported, never placed.
"""
from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from .model import Anchor

PARAGRAPH = "\u2029"  # separates blocks in the visible text; no quote may cross it

# Fuzzy thresholds (rapidfuzz scores, 0-100). The trade-off: lower accepts more
# edited passages but risks capturing a look-alike sentence; the margin makes a
# near tie an orphan instead of a coin toss.
FUZZY_ACCEPT = 85.0  # one or two changed words in an 8-word quote still pass; a different sentence does not
FUZZY_MARGIN = 6.0  # the runner-up must trail the best by this much, or we refuse
FUZZY_MIN_CHARS = 20  # below this a few changed letters can turn one name into another: exact only
# Weights of quote vs context when scoring fuzzy candidates (hypothesis uses 50/20/20).
QUOTE_WEIGHT, PREFIX_WEIGHT, SUFFIX_WEIGHT = 50.0, 20.0, 20.0

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

    @property
    def _starts(self) -> list[int]:
        cached = self.__dict__.get("_starts_cache")
        if cached is None:
            cached = [n for n, _ in self.segments]
            object.__setattr__(self, "_starts_cache", cached)
        return cached

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalized [start, end) back to the original text."""
        if start >= end:
            position = self._original(start) if start < len(self.text) else self.original_length
            return position, position
        return self._original(start), self._original(end - 1) + 1


def normalize(text: str) -> Normalized:
    """Fold typography so that what a contributor types matches what the reader sees.

    Quotes and dashes are folded one-to-one with str.translate; the few edits that change
    lengths are found with one regex, so the whole book normalizes in milliseconds.
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
    return normalize(text).text.strip().strip(PARAGRAPH)


@dataclass(frozen=True)
class Candidate:
    """A place the quote might belong: normalized span, score 0-100, and the text there."""

    start: int
    end: int
    score: float
    text: str = ""


@dataclass(frozen=True)
class Match:
    """A placement: [start, end) in the original text; method says how sure we are."""

    start: int
    end: int
    method: str  # exact | prefix-suffix | occurrence | fuzzy
    score: float = 100.0


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
    hits = _find_all(norm.text, quote)
    prefix, suffix = normalize_quote(anchor.prefix), normalize_quote(anchor.suffix)
    chosen: list[int] = hits
    method = "exact"
    if anchor.occurrence is not None:
        if anchor.occurrence > len(hits):
            return _fuzzy_or(norm, quote, prefix, suffix, Failure("occurrence-missing", _cands(norm, hits, quote), len(hits)), allow=False)
        chosen, method = [hits[anchor.occurrence - 1]], "occurrence"
    if prefix or suffix:
        chosen = [h for h in chosen if _context_ok(norm.text, h, h + len(quote), prefix, suffix)]
        method = "prefix-suffix" if method == "exact" else method
        if not chosen:
            # The context the contributor gave is gone: the passage changed. Fuzzy may find
            # the edited passage (context included in the score), but never drop the context.
            return _fuzzy_or(norm, quote, prefix, suffix, Failure("context-mismatch", _cands(norm, hits, quote), len(hits)))
    if len(chosen) == 1:
        start, end = norm.span(chosen[0], chosen[0] + len(quote))
        return Match(start, end, method)
    if len(chosen) > 1:
        return Failure("ambiguous", _cands(norm, chosen, quote), len(hits))
    return _fuzzy_or(norm, quote, prefix, suffix, Failure("not-found"))


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


def _context_ok(text: str, start: int, end: int, prefix: str, suffix: str) -> bool:
    """Does the context around [start, end) read as given? Punctuation and spaces at the seam
    are skipped unless the contributor wrote them: `suffix: consisting of` fits `quote," consisting of`."""
    if prefix:
        before = text[max(0, start - len(prefix) - 8):start]
        if not (prefix[-1].isalnum() and before.rstrip(_SEAM).endswith(prefix)) and not before.rstrip().endswith(prefix):
            return False
    if suffix:
        after = text[end:end + len(suffix) + 8]
        if not (suffix[0].isalnum() and after.lstrip(_SEAM).startswith(suffix)) and not after.lstrip().startswith(suffix):
            return False
    return True


_SEAM = " ,.;:!?\"'()[]-"


def _cands(norm: Normalized, starts: list[int], quote: str) -> tuple[Candidate, ...]:
    return tuple(Candidate(s, s + len(quote), 100.0, _around(norm.text, s, s + len(quote))) for s in starts)


def _around(text: str, start: int, end: int, width: int = 30) -> str:
    """A little context for a message, cut at paragraph edges."""
    left = text.rfind(PARAGRAPH, 0, start) + 1
    right = text.find(PARAGRAPH, end)
    right = len(text) if right < 0 else right
    a, b = max(left, start - width), min(right, end + width)
    return ("…" if a > left else "") + text[a:b] + ("…" if b < right else "")


def _fuzzy_or(norm: Normalized, quote: str, prefix: str, suffix: str, failure: Failure, allow: bool = True) -> Match | Failure:
    """Fuzzy re-anchoring, with refusals; on refusal return `failure` enriched with the closest passages."""
    candidates = fuzzy_candidates(norm.text, quote, prefix, suffix)
    if not candidates:
        return failure
    best = candidates[0]
    runner_up = candidates[1].score if len(candidates) > 1 else 0.0
    if allow and len(quote) >= FUZZY_MIN_CHARS and best.score >= FUZZY_ACCEPT and best.score - runner_up >= FUZZY_MARGIN:
        start, end = norm.span(best.start, best.end)
        return Match(start, end, "fuzzy", round(best.score, 1))
    reason = failure.reason
    if reason == "not-found" and len(quote) >= FUZZY_MIN_CHARS and best.score >= FUZZY_ACCEPT:
        reason = "ambiguous" if best.score - runner_up < FUZZY_MARGIN else "low-confidence"
    return Failure(reason, tuple(candidates[:3]) + failure.candidates, failure.exact_count)


def fuzzy_candidates(text: str, quote: str, prefix: str = "", suffix: str = "") -> list[Candidate]:
    """Best fuzzy alignment of the quote in each paragraph, scored with its context, best first."""
    found: list[Candidate] = []
    position = 0
    for para in text.split(PARAGRAPH):
        if para:
            hit = fuzz.partial_ratio_alignment(quote, para)
            if hit is not None and hit.score > 0:
                start, end = position + hit.dest_start, position + hit.dest_end
                score = _with_context(text, start, end, hit.score, prefix, suffix)
                found.append(Candidate(start, end, score, _around(text, start, end)))
        position += len(para) + 1
    found.sort(key=lambda c: -c.score)
    return found


def _with_context(text: str, start: int, end: int, quote_score: float, prefix: str, suffix: str) -> float:
    total, weight = QUOTE_WEIGHT * quote_score, QUOTE_WEIGHT
    if prefix:
        before = text[max(0, start - len(prefix) - 1):start].strip()
        total += PREFIX_WEIGHT * fuzz.ratio(prefix, before[-len(prefix):])
        weight += PREFIX_WEIGHT
    if suffix:
        after = text[end:end + len(suffix) + 1].strip()
        total += SUFFIX_WEIGHT * fuzz.ratio(suffix, after[:len(suffix)])
        weight += SUFFIX_WEIGHT
    return total / weight


def explain(failure: Failure, anchor: Anchor) -> tuple[str, str]:
    """Message and hint for a contributor, from a Failure."""
    quote = anchor.quote
    closest = failure.candidates[0] if failure.candidates else None
    if failure.reason == "ambiguous":
        where = "; ".join(f"“{c.text}”" for c in failure.candidates[:4])
        return (f'the quote "{quote}" occurs {failure.exact_count or len(failure.candidates)} times in this part.',
                f"Add `prefix:` or `suffix:` (a few words around it) or `occurrence: N`. Candidates: {where}")
    if failure.reason == "occurrence-missing":
        return (f'occurrence {anchor.occurrence} of "{quote}" does not exist (the part has {failure.exact_count}).',
                "The text changed: check the passage and fix `occurrence`, or remove it if the quote is now unique.")
    if failure.reason == "context-mismatch":
        hint = f'The quote occurs {failure.exact_count} time(s), but never with this prefix/suffix.'
        if closest:
            hint += f" Closest passage ({closest.score:.0f}% similar): “{closest.text}”"
        return (f'"{quote}" was not found with the given prefix/suffix.', hint)
    if closest:
        return (f'anchor "{quote}" not found in this part.',
                f"Closest passage ({closest.score:.0f}% similar): “{closest.text}”. Copy the quote exactly from the text.")
    return (f'anchor "{quote}" not found in this part.', "Copy the quote exactly from the text.")
