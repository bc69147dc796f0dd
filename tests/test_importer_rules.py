"""Table tests of each import rule, on invented snippets (never the book's text)."""
from __future__ import annotations

from collections import Counter

import pytest

from annotated_reader.importer.markdown import escape_line, render_paragraph
from annotated_reader.importer.markers import Marker, find_markers, link, repair_sequence, superscript
from annotated_reader.importer.model import Block, Line, Note, Paragraph
from annotated_reader.importer.paragraphs import (JoinRules, build_vocabulary, continues, decide_hyphen,
                                                  ends_sentence, join_text, merge_blocks)
from annotated_reader.importer.plates import lift_plates
from annotated_reader.importer.source import blocks_of, split_lines
from annotated_reader.importer.titlecase import slugify, title_case, unique_id
from annotated_reader.importer.words import count_words, markdown_words

RULES = JoinRules(frozenset({"no", "vol", "pp"}), short_block_words=6)


@pytest.mark.parametrize("prev, nxt, expected", [
    ("The sledges waited on the bank until the", "wind dropped.", True),          # lower-case start
    ("The drivers crossed the frozen river in", "February, when it was thick.", True),  # no end
    ("The clerk counted every barrel and every", "Tuesday he rested.", True),    # capital continuation
    ("Nothing more was heard of them.", "The next winter was milder.", False),   # sentence end
    ("He wrote only one word: “Closed.”", "The season was over.", False),        # end inside quotes
    ("He wrote that the ice was thin.⁴", "Nobody listened.", False),             # end before a marker
    ("the ice was thin under the mill⁴", "and nobody listened.", True),          # marker, no end
    ("It read as follows:", "The ice is closed to all sledges.", False),        # colon, then a quotation
    ("on two points:", "first, the tolls; second, the ponies.", True),           # colon, lower case
    ("Dear Brother Anders,", "The ice has held all week.", False),               # short opening line
    ("Ledgers of the toll house, vol.", "3 (1868), fol. 12.", True),             # abbreviation
    ("the salt-", "merchants came in groups.", True),                            # hyphen cut
    ("Nothing more was heard of them.", "but that was not the end.", True),     # lower case wins
    ("", "Anything.", False),
])
def test_continues(prev, nxt, expected):
    assert continues(prev, nxt, RULES) is expected


def test_short_opening_rule_is_off_in_notes():
    assert continues("Ledgers, box", "Seven, folder two.", RULES, openings=False) is True
    assert continues("Ledgers, box", "Seven, folder two.", RULES, openings=True) is False


@pytest.mark.parametrize("text, expected", [
    ("It was cold.", True), ("Was it cold?", True), ("It was cold!”", True), ("It was cold.”¹²", True),
    ("(as he wrote.)", True), ("It was cold", False), ("see vol.", False), ("pp.", False), ("the end—", False),
])
def test_ends_sentence(text, expected):
    assert ends_sentence(text, RULES.abbreviations) is expected


VOCAB = build_vocabulary(["the traders came; salt-merchants and long-standing debts; "
                          "a well-known driver; both forms: sea-side and seaside"])


@pytest.mark.parametrize("left, right, word, kind, reason", [
    ("trad", "ers", "traders", "dehyphenate", "joined form seen 1×, hyphenated 0×"),
    ("salt", "merchants", "salt-merchants", "keep-hyphen", "hyphenated form seen 1×, joined 0×"),
    ("long", "standing", "long-standing", "keep-hyphen", "hyphenated form seen 1×, joined 0×"),
    ("snow", "blind", "snowblind", "dehyphenate", "neither form seen elsewhere; default: join"),
    ("sea", "side", "seaside", "dehyphenate", "both forms seen 1×; default: join"),
    ("well-kno", "wn", "well-known", "dehyphenate", "joined form seen 2×, hyphenated 0×"),
])
def test_decide_hyphen(left, right, word, kind, reason):
    rules = JoinRules(vocabulary=VOCAB)
    assert decide_hyphen(left, right, rules) == (word, kind, reason)


def test_hyphen_default_keep():
    rules = JoinRules(vocabulary=VOCAB, hyphen_default="keep")
    assert decide_hyphen("snow", "blind", rules) == ("snow-blind", "keep-hyphen",
                                                     "neither form seen elsewhere; default: keep")


def test_join_text_reports_the_join_and_the_hyphen_decision():
    repairs = []
    joined = join_text("letters that trad-", "ers sent home.", JoinRules(vocabulary=VOCAB), 7, repairs)
    assert joined == "letters that traders sent home."
    assert [(r.kind, r.line) for r in repairs] == [("join", 7), ("dehyphenate", 7)]
    assert repairs[0].detail == 'page break: "…letters that trad-" + "ers sent home.…"'


def _blocks(*texts: str) -> list[Block]:
    """Blocks as the importer makes them from texts separated by blank lines."""
    return blocks_of(split_lines("\n\n".join(texts)))


@pytest.mark.parametrize("texts, expected", [
    (["One whole paragraph.", "Another."], [["One whole paragraph."], ["Another."]]),
    (["A paragraph cut by the", "page edge."], [["A paragraph cut by the page edge."]]),
    (["Verse one,\nverse two,\nverse three.", "Prose again."],
     [["Verse one,", "verse two,", "verse three."], ["Prose again."]]),
    (["Verse one,\nverse two and", "Verse three."], [["Verse one,", "verse two and", "Verse three."]]),
    (["Verse one,\nverse two and", "so on."], [["Verse one,", "verse two and so on."]]),
])
def test_merge_blocks(texts, expected):
    paragraphs = merge_blocks(_blocks(*texts), RULES, [])
    assert [p.lines for p in paragraphs] == expected


@pytest.mark.parametrize("heading, expected", [
    ("THE FROZEN FJORD", "The Frozen Fjord"),
    ("ROADS, RULERS, AND RIDERS", "Roads, Rulers, and Riders"),
    ("A SHORT ROAD TO THE SEA", "A Short Road to the Sea"),
    ("WHAT WAS IT FOR", "What Was It For"),                      # last word capitalised
    ("THE SECOND LEDGER: A VOLUME OF TOLLS", "The Second Ledger: A Volume of Tolls"),
    ("THE LEDGER OF 1871", "The Ledger of 1871"),
    ("WORLD WAR III AND THE NSC", "World War III and the NSC"),  # roman numeral, acronym
    ("WHO PAID THE NSC'S TOLLS?", "Who Paid the NSC’s Tolls?"),
    ("THE CLERK'S DOG", "The Clerk’s Dog"),                      # apostrophe becomes ’
    ("THE “HONEST” CLERK", "The “Honest” Clerk"),
    ("A LONG-STANDING QUARREL", "A Long-Standing Quarrel"),
    ("CIVIL ROADS", "Civil Roads"),                              # not a roman numeral
])
def test_title_case(heading, expected):
    assert title_case(heading, {"a", "and", "of", "the", "to", "for"}, {"NSC"}) == expected


@pytest.mark.parametrize("title, slug", [
    ("The Clerk’s Dog", "the-clerks-dog"), ("World War III and the NSC", "world-war-iii-and-the-nsc"),
    ("Who Paid?", "who-paid"), ("Škoda and Ærø", "skoda-and-r"), ("***", "section"),
])
def test_slugify(title, slug):
    assert slugify(title) == slug


def test_unique_id():
    taken: set[str] = set()
    assert [unique_id("spring", taken) for _ in range(3)] == ["spring", "spring-2", "spring-3"]


def _markers(*numbers: int) -> list[Marker]:
    return [Marker(n, 10 + i, 5) for i, n in enumerate(numbers)]


@pytest.mark.parametrize("raw, notes, repaired, kept", [
    ((1, 2, 3), 3, [], (1, 2, 3)),
    ((1, 2, 13, 4), 4, [13], (1, 2, 3, 4)),          # OCR slip between 2 and 4
    ((1, 2, 188, 4), 4, [188], (1, 2, 3, 4)),
    ((1, 2, 7), 3, [7], (1, 2, 3)),                  # last marker: the note count decides
    ((1, 2, 7), 4, [], (1, 2, 7)),                   # ambiguous: left for linking to report
    ((1, 2, 4, 5), 5, [], (1, 2, 4, 5)),             # a missing marker is not "repaired"
    ((1, 3, 3, 4), 4, [3], (1, 2, 3, 4)),            # the first 3 stands where 2 belongs
])
def test_repair_sequence(raw, notes, repaired, kept):
    markers = _markers(*raw)
    repairs = repair_sequence(markers, notes, "Winter Roads")
    assert [r.detail.split()[1] for r in repairs] == [superscript(n) for n in repaired]
    assert tuple(m.number for m in markers) == kept


def test_repair_detail():
    repairs = repair_sequence(_markers(1, 2, 13, 4), 4, "Winter Roads")
    assert repairs[0].detail == 'marker ¹³ in "Winter Roads" breaks the sequence ² … ⁴; read as ³ (note 3)'
    assert repairs[0].kind == "marker" and repairs[0].line == 12


def test_link_reports_both_directions():
    markers = _markers(1, 2, 2, 5)
    notes = [Note(n, ["x"], 100 + n) for n in (1, 2, 3)]
    linked, problems = link(markers, notes, "book.txt", "Winter Roads", "Chapter 1. Winter Roads")
    assert linked == 1
    assert [p.text() for p in problems] == [
        'book.txt:11:5: error: [marker-duplicate] marker ² is used 2 times in part "Winter Roads" '
        "Each note has exactly one marker; check the superscripts.",
        'book.txt:13:5: error: [marker-without-note] marker ⁵ in part "Winter Roads" has no note 5 under '
        '"Chapter 1. Winter Roads" in the notes Check the superscript against the notes (an OCR slip?).',
        'book.txt:103:1: error: [note-without-marker] note 3 of part "Winter Roads" has no marker ³ in the '
        "part's text Check the note number, or the superscript in the text (an OCR slip?).",
    ]


def test_find_markers_reads_multi_digit_runs_and_raw_columns():
    lines = [Line(4, "cleaned text.¹⁶⁰ More.²")]
    markers = find_markers(lines, {4: "  cleaned text.¹⁶⁰ More.²"})
    assert [(m.raw, m.line, m.col) for m in markers] == [(160, 4, 16), (2, 4, 25)]
    assert superscript(160) == "¹⁶⁰"


@pytest.mark.parametrize("line, expected", [
    ("1. Bread is scarce.", "1\\. Bread is scarce."), ("12) Salt.", "12\\) Salt."),
    ("- a dash", "\\- a dash"), ("* a star", "\\* a star"), ("*vozhd* stays", "*vozhd* stays"),
    ("# not a heading", "\\# not a heading"), ("> not a quote", "\\> not a quote"),
    ("1871 was cold.", "1871 was cold."), ("-5 degrees", "-5 degrees"),
])
def test_escape_line(line, expected):
    assert escape_line(line) == expected


def test_verse_lines_end_with_hard_breaks():
    assert render_paragraph(Paragraph(["one,", "two,", "three."], 1)) == "one,  \ntwo,  \nthree."


@pytest.mark.parametrize("text, words", [
    ("The clerk’s dog barked.¹²", 4), ("face-to-face, 1871–1903", 3), ("Соляная дорога.", 2),
    ("trad-", 1), ("**bold** and *italic*", 3), ("", 0),
])
def test_count_words(text, words):
    assert count_words(text) == words


def test_markdown_words_ignores_the_importers_syntax():
    markdown = ('---\ntitle: "A Title Here"\npart: a\nkind: chapter\n---\n\n# A Title Here\n\n'
                "## Two Words {#two-words}\n\nOne line,  \n1\\. two.[^1]\n\n[^1]: A note.\n\n    More.\n")
    assert markdown_words(markdown) == 2 + 4 + 3


CREDIT = "County Archive of the Northern Provinces."


def test_lift_plates_keeps_captions_and_rejoins_the_paragraph():
    blocks = _blocks(
        "The entries grow short and",
        "The toll house.\nCounty Archive of the Northern Provinces.",
        "**A sledge on the ice. County Archive\nof the Northern Provinces.**",
        "Oskar Brandt at his desk.",
        "County Archive of the Northern Provinces.",
        "Соляная дорога.",
        "A page of the ledger. County Archive of the Northern Provinces",
        "careless, it seems.",
    )
    repairs = []
    body, captions, lifted = lift_plates(blocks, CREDIT, 6, lambda b: False, repairs)
    assert [b.text for b in body] == ["The entries grow short and", "careless, it seems."]
    assert [c.lines for c in captions] == [
        ["The toll house. County Archive of the Northern Provinces."],
        ["**A sledge on the ice. County Archive of the Northern Provinces.**"],
        ["Oskar Brandt at his desk. County Archive of the Northern Provinces."],
        ["Соляная дорога.", "A page of the ledger. County Archive of the Northern Provinces"],
    ]
    assert len(lifted) == 6 and repairs[0].kind == "plates"
    assert [p.lines for p in merge_blocks(body, RULES, [])] == [["The entries grow short and careless, it seems."]]


def test_plates_far_apart_or_across_a_heading_are_separate_regions():
    blocks = _blocks("A caption. " + CREDIT, "Text.", "Text.", "Text.", "■ A HEADING", "B caption. " + CREDIT)
    repairs = []
    body, captions, _ = lift_plates(blocks, CREDIT, 6, lambda b: b.text.startswith("■"), repairs)
    assert len(captions) == 2 and len(repairs) == 2 and len(body) == 4


def test_vocabulary_counts_compound_parts():
    assert build_vocabulary(["Salt-merchants and salt"]) == Counter(
        {"salt-merchants": 1, "salt": 2, "merchants": 1, "and": 1})
