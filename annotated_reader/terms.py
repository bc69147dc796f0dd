"""Finding glossary terms and people in text: one pass, however many forms.

A regex per term made a 1.4 s build take 9.4 s (../shared/docs/MATERIAL-FACTS.md).
Here the text is tokenized once into words and each word start is looked up in
a dictionary of form token-tuples, longest first, so the cost grows with the
text, not with the glossary. Words are Unicode-aware (Cyrillic works), a form
never matches inside a longer word ("kulak" is not found in "kulakization"),
and possessives ('s and ’s) are matched without listing them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Iterator

TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
JOINER = re.compile(r"['’]?[\s\-‐‑]*")  # between the words of one form: spaces, hyphens ("Doctors’ Plot")
ABBREVIATION_GAP = re.compile(r"\.\s*")  # after "No", "St", an initial: "Order No. 227", "I. V. Stalin"
POSSESSIVE = ("'s", "’s")


@dataclass(frozen=True)
class Hit:
    """A form of entry `key` at [start, end) of the searched text."""

    start: int
    end: int
    key: str


def _tokens(text: str) -> list[str]:
    return [m.group().replace("’", "'") for m in TOKEN.finditer(text)]


class TermIndex:
    """Lookup table from forms to entry keys (e.g. "term:vozhd", "person:beria")."""

    def __init__(self, entries: Iterable[tuple[str, Iterable[str], bool]]):
        self.exact: dict[tuple[str, ...], str] = {}
        self.folded: dict[tuple[str, ...], str] = {}
        self.first_exact: set[str] = set()
        self.first_folded: set[str] = set()
        self.longest = 1
        self.prefixes: set[tuple[str, ...]] = set()  # proper prefixes of multi-word forms
        self.folded_prefixes: set[tuple[str, ...]] = set()
        for key, forms, case_sensitive in entries:
            for form in forms:
                words = tuple(_tokens(form))
                if not words:
                    continue
                self.longest = max(self.longest, len(words))
                if case_sensitive:
                    self.exact.setdefault(words, key)
                    self.first_exact.add(words[0])
                    self.prefixes.update(words[:n] for n in range(1, len(words)))
                else:
                    folded = tuple(w.casefold() for w in words)
                    self.folded.setdefault(folded, key)
                    self.first_folded.add(folded[0])
                    self.folded_prefixes.update(folded[:n] for n in range(1, len(folded)))

    def __len__(self) -> int:
        return len(self.exact) + len(self.folded)

    def find(self, text: str) -> Iterator[Hit]:
        """Non-overlapping hits, left to right, the longest form winning at each position."""
        matches = list(TOKEN.finditer(text))
        words = [m.group() for m in matches]
        if "’" in text:
            words = [w.replace("’", "'") for w in words]
        folded = [w.casefold() for w in words]
        first_exact, first_folded = self.first_exact, self.first_folded
        i, n = 0, len(matches)
        while i < n:
            word = words[i]
            if word in first_exact or folded[i] in first_folded or ("'" in word and self._possessive_start(word)):
                hit = self._longest_at(text, matches, words, folded, i)
                if hit:
                    key, length, end = hit
                    yield Hit(matches[i].start(), end, key)
                    i += length
                    continue
            i += 1

    def _possessive_start(self, word: str) -> bool:
        base = _strip_possessive(word)
        return base is not None and (base in self.first_exact or base.casefold() in self.first_folded)

    def _longest_at(self, text, matches, words, folded, i):
        """Walk forward while the words so far begin some form (a trie walk over prefix sets)."""
        limit = min(self.longest, len(matches) - i)
        best = None
        length = 1
        while True:
            key = self._lookup(words[i:i + length], folded[i:i + length])
            if not key:
                last = _strip_possessive(words[i + length - 1])
                if last is not None:
                    key = self._lookup(words[i:i + length - 1] + [last], folded[i:i + length - 1] + [last.casefold()])
            if key:
                best = (key, length, matches[i + length - 1].end())
            if length == limit or not _joined(text, matches[i + length - 1], matches[i + length]):
                return best
            if tuple(words[i:i + length]) not in self.prefixes and tuple(folded[i:i + length]) not in self.folded_prefixes:
                return best
            length += 1

    def _lookup(self, words: list[str], folded: list[str]) -> str | None:
        return self.exact.get(tuple(words)) or self.folded.get(tuple(folded))


def _joined(text: str, left: re.Match, right: re.Match) -> bool:
    """May these two adjacent words belong to one form? Never across punctuation, except an abbreviation's period."""
    if JOINER.fullmatch(text, left.end(), right.start()):
        return True
    word = left.group()
    return len(word) <= 3 and word[:1].isupper() and bool(ABBREVIATION_GAP.fullmatch(text, left.end(), right.start()))


def _strip_possessive(word: str) -> str | None:
    for ending in POSSESSIVE:
        if word.endswith(ending) and len(word) > len(ending):
            return word[: -len(ending)]
    return None
