"""Paragraphs: rejoining text that page breaks cut, and words they hyphenated.

In the export a blank line separates paragraphs, but a page break does too.
A block continues the one before it when:

* it starts in lower case (a paragraph never does), or
* the block before it ends with a hyphen (a word cut at the page edge), or
* the block before it does not end a sentence (no . ! ? … before any closing
  quote, bracket, emphasis or note marker; an abbreviation such as "no." does
  not end one) and is not a short one-line opening such as a letter's
  salutation ("Dear Comrade,"). A colon or semicolon followed by a capital is
  treated as an end: a quotation or list follows.

A word hyphenated across the break is rejoined as the book spells it
elsewhere: the joined form seen more often -> join ("contextu-" + "alization");
the hyphenated form seen more often -> keep the hyphen (a real compound);
neither or a tie -> the profile's `hyphen_default`. Every decision is reported.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from .model import Block, Paragraph, Repair

SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_CLOSERS = "'\"”’)]*_"
_SENTENCE_END = re.compile(rf"([.!?…])[{re.escape(_CLOSERS)}]*$")
_SOFT_END = re.compile(rf"[:;][{re.escape(_CLOSERS)}]*$")
_LAST_WORD = re.compile(r"([^\s(\[“\"‘']+)\.[" + re.escape(_CLOSERS) + r"]*$")
_HYPHEN_CUT = re.compile(r"([^\W_]+(?:-[^\W_]+)*)-$")
_FIRST_WORD = re.compile(r"^[^\W_]+")
_VOCAB_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_TAIL = 160


@dataclass
class JoinRules:
    """The book-specific knobs of the join rule, and the book's own spellings."""

    abbreviations: frozenset[str] = frozenset()
    short_block_words: int = 6
    hyphen_default: str = "join"
    vocabulary: Counter = field(default_factory=Counter)


def build_vocabulary(texts: list[str]) -> Counter:
    """Count every spelling in the book (lower case); a compound also counts its parts."""
    counts = Counter(_VOCAB_WORD.findall("\n".join(texts).lower().replace("’", "'")))
    for word, n in [(w, n) for w, n in counts.items() if "-" in w]:
        for part in word.split("-"):
            counts[part] += n
    return counts


def strip_markers(text: str) -> str:
    """The end of a text without trailing note markers and spaces, for looking at how a block ends.

    Only the last characters matter, and end-anchored patterns on a whole long
    paragraph would be scanned from every position, so the tail is cut first.
    """
    return text[-_TAIL:].rstrip().rstrip(SUPERSCRIPTS).rstrip()


def ends_sentence(text: str, abbreviations: frozenset[str] | set[str] = frozenset()) -> bool:
    """Whether a block ends a sentence (an abbreviation's period does not)."""
    tail = strip_markers(text)
    return bool(_SENTENCE_END.search(tail)) and not ends_abbreviation(tail, abbreviations)


def ends_abbreviation(text: str, abbreviations: frozenset[str] | set[str]) -> bool:
    """Whether the text ends with an abbreviation's period ("vol.", "no.")."""
    word = _LAST_WORD.search(strip_markers(text))
    return bool(word) and word.group(1).split(".")[-1] in abbreviations


def continues(prev: str, nxt: str, rules: JoinRules, prev_lines: int = 1, openings: bool = True) -> bool:
    """Whether block `nxt` continues block `prev` across a page break.

    `openings` applies the short-opening exception (a salutation); notes turn it
    off, since a short citation cut at "vol." is common there and no note opens
    with a salutation.
    """
    tail, head = strip_markers(prev), nxt.lstrip()
    if not tail or not head:
        return False
    if head[0].islower() or _HYPHEN_CUT.search(tail) or ends_abbreviation(tail, rules.abbreviations):
        return True
    if _SENTENCE_END.search(tail) or _SOFT_END.search(tail):
        return False
    short = openings and prev_lines == 1 and len(tail.split()) <= rules.short_block_words
    return not short


def join_text(prev: str, nxt: str, rules: JoinRules, line: int, repairs: list[Repair]) -> str:
    """Join two pieces of one paragraph, rejoining a hyphenated word; report what was done."""
    tail = prev.rstrip()
    head = nxt.lstrip()
    offset = max(0, len(tail) - _TAIL)
    cut = _HYPHEN_CUT.search(tail, offset)
    first = _FIRST_WORD.match(head)
    repairs.append(Repair("join", line, f'page break: "…{_edge(tail, -1)}" + "{_edge(head, 1)}…"'))
    if not (cut and first):
        return f"{tail} {head}"
    left, right = cut.group(1), first.group(0)
    joined, kind, reason = decide_hyphen(left, right, rules)
    repairs.append(Repair(kind, line, f'"{left}-" + "{right}" -> "{joined}" ({reason})'))
    return tail[: cut.start()] + joined + head[first.end():]


def decide_hyphen(left: str, right: str, rules: JoinRules) -> tuple[str, str, str]:
    """Return (word, "dehyphenate"|"keep-hyphen", reason) for a word cut as `left-` / `right`."""
    last = left.split("-")[-1]
    vocab = rules.vocabulary
    joined_n = vocab[(left + right).lower()] + (vocab[(last + right).lower()] if last != left else 0)
    hyphen_n = vocab[f"{left}-{right}".lower()] + (vocab[f"{last}-{right}".lower()] if last != left else 0)
    if joined_n > hyphen_n:
        keep, reason = False, f"joined form seen {joined_n}×, hyphenated {hyphen_n}×"
    elif hyphen_n > joined_n:
        keep, reason = True, f"hyphenated form seen {hyphen_n}×, joined {joined_n}×"
    else:
        keep = rules.hyphen_default == "keep"
        seen = "neither form seen elsewhere" if not joined_n else f"both forms seen {joined_n}×"
        reason = f"{seen}; default: {rules.hyphen_default}"
    word = f"{left}-{right}" if keep else left + right
    return word, "keep-hyphen" if keep else "dehyphenate", reason


def merge_blocks(blocks: list[Block], rules: JoinRules, repairs: list[Repair]) -> list[Paragraph]:
    """Turn a run of body blocks (no heading between them) into paragraphs, rejoining page cuts.

    Lines inside one block stay separate lines (verse, letters, diaries). A
    continuation that starts in lower case is glued to the last line; a
    capitalised one after a multi-line block starts a new line of it.
    """
    paragraphs: list[Paragraph] = []
    for block in blocks:
        lines = [line.text for line in block.lines]
        if paragraphs:
            prev = paragraphs[-1]
            if continues(prev.lines[-1], lines[0], rules, len(prev.lines)):
                if len(prev.lines) > 1 and not lines[0][:1].islower() and not _HYPHEN_CUT.search(
                        strip_markers(prev.lines[-1])):
                    repairs.append(Repair("join", block.start, "page break inside a verse or letter block"))
                    prev.lines.extend(lines)
                else:
                    prev.lines[-1] = join_text(prev.lines[-1], lines[0], rules, block.start, repairs)
                    prev.lines.extend(lines[1:])
                continue
        paragraphs.append(Paragraph(lines, block.start))
    return paragraphs


def _edge(text: str, side: int, words: int = 3) -> str:
    parts = text.split()
    return " ".join(parts[-words:] if side < 0 else parts[:words])
