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
from itertools import accumulate, compress, count
from typing import Iterable, Iterator

TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_SPLIT = re.compile(f"({TOKEN.pattern})")  # split() gives gap, word, gap, word, ..., gap
JOINER = re.compile(r"['’]?[\s\-‐‑]*")  # between the words of one form: spaces, hyphens ("Doctors’ Plot")
ABBREVIATION_GAP = re.compile(r"\.\s*")  # after "No", "St", an initial: "Order No. 227", "I. V. Stalin"


@dataclass(frozen=True)
class Hit:
    """A form of entry `key` at [start, end) of the searched text."""

    start: int
    end: int
    key: str


def _tokens(text: str) -> list[str]:
    return [m.group().replace("’", "'") for m in TOKEN.finditer(text)]


STOP = "\x00stop"  # the key of a stop phrase: found like a form, so it wins as the longest match, never reported


class TermIndex:
    """Lookup table from forms to entry keys (e.g. "term:vozhd", "person:beria").

    An entry whose key is None holds stop phrases: where one of them occurs, its words are
    consumed and nothing is reported, so "Kiev Theological Seminary" keeps "seminary" unlinked.
    """

    def __init__(self, entries: Iterable[tuple[str | None, Iterable[str], bool]]):
        self.exact: dict[tuple[str, ...], str] = {}
        self.folded: dict[tuple[str, ...], str] = {}
        # Where a hit can begin, folded: a one-word form (or its 's), or the first two words of a longer one.
        # Most candidates are "the", "a" or an initial; the pair check drops them without a trie walk.
        self.singles: set[str] = set()
        self.pairs: set[tuple[str, str]] = set()
        self.starters: set[str] = set()
        self.longest = 1
        self.prefixes: set[tuple[str, ...]] = set()  # proper prefixes of multi-word forms
        self.folded_prefixes: set[tuple[str, ...]] = set()
        for key, forms, case_sensitive in entries:
            key = STOP if key is None else key
            for form in forms:
                words = tuple(_tokens(form))
                if not words:
                    continue
                self.longest = max(self.longest, len(words))
                first = words[0].casefold()
                if len(words) == 1:
                    self.singles.update((first, first + "'s"))
                else:
                    second = words[1].casefold()
                    self.pairs.update(((first, second), (first, second + "'s")))
                self.starters.update((first, first + "'s") if len(words) == 1 else (first,))
                if case_sensitive:
                    self.exact.setdefault(words, key)
                    self.prefixes.update(words[:n] for n in range(1, len(words)))
                else:
                    folded = tuple(w.casefold() for w in words)
                    self.folded.setdefault(folded, key)
                    self.folded_prefixes.update(folded[:n] for n in range(1, len(folded)))

    def __len__(self) -> int:
        return len(self.exact) + len(self.folded)

    def find(self, text: str) -> Iterator[Hit]:
        """Non-overlapping hits, left to right, the longest form winning at each position.

        The text is split into words and gaps by one regex and their offsets summed in C;
        Python only looks at the few words that can begin a form.
        """
        parts = _SPLIT.split(text.replace("’", "'") if "’" in text else text)
        if len(parts) == 1:
            return  # no words: half the runs of a page are spaces and punctuation between tags
        words, gaps = parts[1::2], parts[0::2]  # gaps[i] comes before words[i]
        folded = list(map(str.casefold, words))
        ends = list(accumulate(map(len, parts)))  # word i spans [ends[2i], ends[2i + 1])
        singles, pairs, last = self.singles, self.pairs, len(words) - 1
        after = 0
        for i in compress(count(), map(self.starters.__contains__, folded)):
            if i < after:
                continue  # inside the previous hit
            if folded[i] not in singles and (i == last or (folded[i], folded[i + 1]) not in pairs):
                continue  # begins only longer forms, and the next word continues none of them
            hit = self._longest_at(words, folded, gaps, i)
            if hit:
                key, length = hit
                after = i + length
                if key != STOP:
                    yield Hit(ends[2 * i], ends[2 * after - 1], key)

    def _longest_at(self, words: list[str], folded: list[str], gaps: list[str], i: int) -> tuple[str, int] | None:
        """(key, word count) of the longest form starting at word i: a trie walk over the prefix sets."""
        exact, fold = self.exact, self.folded
        best = None
        w: tuple[str, ...] = ()
        f: tuple[str, ...] = ()
        limit = min(self.longest, len(words) - i)
        for length in range(1, limit + 1):
            j = i + length - 1
            w += (words[j],)
            f += (folded[j],)
            key = exact.get(w) or fold.get(f)
            if not key and f[-1].endswith("'s") and len(f[-1]) > 2:  # a possessive: Beria's, Central Committee's
                base = words[j][:-2]
                key = exact.get(w[:-1] + (base,)) or fold.get(f[:-1] + (base.casefold(),))
            if key:
                best = (key, length)
            if (w not in self.prefixes and f not in self.folded_prefixes) or not _joined(words[j], gaps[j + 1]):
                break
        return best

def _joined(word: str, gap: str) -> bool:
    """May `word` and the next word, `gap` apart, belong to one form? Never across punctuation,
    except an abbreviation's period."""
    if gap == " " or JOINER.fullmatch(gap):
        return True
    return len(word) <= 3 and word[:1].isupper() and bool(ABBREVIATION_GAP.fullmatch(gap))
