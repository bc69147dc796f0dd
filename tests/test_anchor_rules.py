"""One table per anchoring rule, on original text, with the cases a naive scorer gets wrong.

The text is invented for the tests. Each case names the rule it pins down; the traps are the
ones that move peer tools' annotations to the wrong place (a damaged name jumping to its
intact twin, hypothesis h#2798).
"""
from __future__ import annotations

import re

import pytest

from annotated_reader.anchor import (PARAGRAPH, SHORT_QUOTE, Failure, Match, error_budget, match_quote, normalize)
from annotated_reader.model import Anchor
from annotated_reader.render import render_book_markdown
from annotated_reader.textmap import text_map

P = PARAGRAPH
TEXT = P.join([
    "In the spring the vozhd raised the grain question again, and the commissar of supply was summoned.",
    "Later the commissar wrote to Comrade Ivanov about the quotas and about the kolkhozes that had failed them.",
    "Ivanov kept the letter for many years, although he was told to burn it at once.",
    "The winter sowing campaign began late in the black-earth provinces that year.",
])


def where(text: str, anchor: Anchor) -> str | None:
    result = match_quote(text, anchor)
    return text[result.start:result.end] if isinstance(result, Match) else None


def paragraph_of(text: str, result) -> int | None:
    return text.count(P, 0, result.start) + 1 if isinstance(result, Match) else None


# -- the traps: never a jump to a twin -----------------------------------------------------------

@pytest.mark.parametrize("edited, anchor, allowed", [
    # a damaged short quote with an exact twin elsewhere: orphan, or the damaged passage itself
    (TEXT.replace("Comrade Ivanov about", "Comrade Ivanow about"),
     Anchor("Ivanov", prefix="wrote to Comrade", suffix="about the quotas"), {None, 2}),
    (TEXT.replace("Comrade Ivanov about", "Comrade Ivanof about"),
     Anchor("Ivanov", prefix="Comrade"), {None, 2}),
    # h#2798: the name corrected in the text while the same name occurs elsewhere
    (TEXT.replace("Comrade Ivanov", "Comrade Petrov"), Anchor("Ivanov", prefix="Comrade"), {None}),
    (TEXT.replace("Comrade Ivanov", "Comrade Petrov"),
     Anchor("Ivanov", prefix="wrote to Comrade", suffix="about the quotas"), {None}),
    # the same with the twin in the same paragraph
    (TEXT.replace("Comrade Ivanov about the quotas", "Comrade Petrov about the quotas, not Ivanov,"),
     Anchor("Ivanov", prefix="wrote to Comrade", suffix="about the quotas"), {None}),
    # the damaged passage and its context changed too: nothing left to tell it from the twin
    (TEXT.replace("wrote to Comrade Ivanov about", "sent a note to Ivanow concerning"),
     Anchor("Ivanov", prefix="wrote to Comrade", suffix="about the quotas"), {None, 2}),
])
def test_a_damaged_or_corrected_quote_never_jumps_to_its_twin(edited, anchor, allowed):
    assert paragraph_of(edited, match_quote(edited, anchor)) in allowed


def test_the_damaged_name_is_found_by_its_context():
    edited = TEXT.replace("Comrade Ivanov about", "Comrade Ivanow about")
    result = match_quote(edited, Anchor("Ivanov", prefix="wrote to Comrade", suffix="about the quotas"))
    assert isinstance(result, Match) and result.method == "fuzzy" and edited[result.start:result.end] == "Ivanow"


# -- context is evidence, not a gate -------------------------------------------------------------

def test_an_intact_unique_quote_is_placed_when_its_context_changed():
    edited = TEXT.replace("Ivanov kept the letter", "For his part, Ivanov kept the letter")
    anchor = Anchor("kept the letter for many years", prefix="at once.")  # the old prefix is gone
    result = match_quote(edited, anchor)
    assert isinstance(result, Match) and result.method == "context-changed" and result.changed
    assert edited[result.start:result.end] == "kept the letter for many years"


def test_a_slightly_changed_context_still_chooses_between_twins():
    text = P.join(["The plenum closed in silence and the report was read aloud.",
                   "A second plenum opened on Friday and the report was read aloud."])
    anchor = Anchor("the report was read aloud", prefix="opened on Friday and")
    assert paragraph_of(text, match_quote(text, anchor)) == 2
    edited = text.replace("opened on Friday and", "opened on a Friday, and")
    result = match_quote(edited, anchor)
    assert paragraph_of(edited, result) == 2 and result.method == "context-changed"


def test_a_short_quote_whose_context_is_gone_is_not_placed():
    """A name recurs: without its context, an intact short quote is not enough evidence."""
    edited = TEXT.replace("wrote to Comrade Ivanov about the quotas", "wrote to Ivanov in the end")
    result = match_quote(edited, Anchor("Ivanov", prefix="Comrade", suffix="about the quotas"))
    assert isinstance(result, Failure) and result.reason == "context-mismatch" and len("Ivanov") < SHORT_QUOTE


def test_an_intact_quote_is_not_placed_when_its_context_now_surrounds_other_words():
    edited = TEXT.replace("raised the grain question again", "raised the seed question again") \
        + P + "At last the grain question again came up."
    result = match_quote(edited, Anchor("the grain question", prefix="the vozhd raised", suffix="again, and the"))
    assert isinstance(result, Failure)


def test_a_short_quote_keeps_its_place_when_one_side_of_its_context_moved():
    """A selector made by another tool: context runs into the previous paragraph, which then moved."""
    paragraphs = ["The first letter came in May.", "Dear friend! The harvest is poor here.",
                  "Another paragraph about the weather.", "Dear friend! I write again about seed."]
    anchor = Anchor("Dear friend!", prefix="letter came in May.", suffix="The harvest is poor")
    assert paragraph_of(P.join(paragraphs), match_quote(P.join(paragraphs), anchor)) == 2
    moved = P.join([paragraphs[2], paragraphs[1], paragraphs[3], paragraphs[0]])
    result = match_quote(moved, anchor)
    assert paragraph_of(moved, result) == 2 and result.method == "context-changed"
    # moved so that the old prefix now precedes the twin: each has one side; no guess
    moved = P.join([paragraphs[2], paragraphs[1], paragraphs[0], paragraphs[3]])
    assert isinstance(match_quote(moved, anchor), Failure)


def test_one_fitting_side_at_a_twin_does_not_outweigh_the_context_around_a_corrected_name():
    text = P.join(["Comrade Ivanov kept silent at the plenum.", "Later the commissar wrote to Comrade Ivanov about the quotas."])
    anchor = Anchor("Ivanov", prefix="wrote to Comrade", suffix="about the quotas")
    assert paragraph_of(text, match_quote(text, anchor)) == 2
    corrected = text.replace("Comrade Ivanov about", "Comrade Petrov about")
    assert isinstance(match_quote(corrected, anchor), Failure)  # not "Comrade Ivanov kept" (prefix fits there)


@pytest.mark.parametrize("items, anchor, expected", [
    # prefix running from the end of one list item into the next
    (["The first delegate arrived.", "Kirov spoke first.", "The second delegate arrived.", "Kirov spoke last."],
     Anchor("Kirov spoke", prefix="second delegate arrived."), 4),
    # suffix running into the next item
    (["Kirov spoke.", "Nobody answered.", "Kirov spoke.", "Everyone applauded."],
     Anchor("Kirov spoke.", suffix="Everyone applauded"), 3),
])
def test_context_spans_two_list_items(items, anchor, expected):
    html = render_book_markdown("\n".join(f"- {item}" for item in items) + "\n")
    reading = text_map(html).reading
    result = match_quote(reading, anchor)
    assert isinstance(result, Match) and result.method == "prefix-suffix"
    assert normalize(reading).text.count(P, 0, normalize(reading).text.find(reading[result.start:result.end],
                                                                          0 if expected < 3 else 30)) + 1 == expected


# -- approximate matching: every length, a budget that grows, exact edges ---------------------

@pytest.mark.parametrize("length, budget", [(4, 1), (6, 1), (12, 2), (20, 4), (40, 8), (75, 15)])
def test_error_budget_grows_with_length(length, budget):
    assert error_budget(length) == budget


@pytest.mark.parametrize("edited, anchor, expected", [
    (TEXT.replace("kolkhozes", "kolkhozy"), Anchor("the kolkhozes"), "the kolkhozy"),  # 2 edits in 13 chars
    (TEXT.replace("vozhd", "vozhdʹ"), Anchor("vozhd raised"), "vozhdʹ raised"),
    (TEXT.replace("Comrade Ivanov", "Comrade Ivanow"), Anchor("Comrade Ivanov"), "Comrade Ivanow"),
    (TEXT.replace("kolkhozes", "collective farms"), Anchor("the kolkhozes"), None),  # beyond the budget
])
def test_short_quotes_are_matched_approximately_within_their_budget(edited, anchor, expected):
    assert where(edited, anchor) == expected


@pytest.mark.parametrize("edited_phrase, expected", [
    # a word inserted: the highlight grows by the word
    ("kept the old letter for many years", "kept the old letter for many years"),
    # words dropped: it shrinks, never runs into "although"
    ("kept the letter for years", "kept the letter for years"),
    # the last word changed: it ends on that word, not inside it or after it
    ("kept the letter for many decades", "kept the letter for many decades"),
])
def test_exact_edges_after_an_approximate_match(edited_phrase, expected):
    unbroken = " ".join(TEXT.split(P)).replace("kept the letter for many years", edited_phrase)
    result = match_quote(unbroken, Anchor("kept the letter for many years"))
    assert isinstance(result, Match) and result.method == "fuzzy"
    assert unbroken[result.start:result.end] == expected


# -- decide: confident and ahead, or orphan with the candidates --------------------------------

def test_two_equally_good_places_are_refused_with_both_listed():
    twins = P.join(["The plan was fulfilled ahead of time in the Urals.", "The plan was fulfilled ahead of time in the Donbas."])
    result = match_quote(twins, Anchor("The plan was fulfilled ahead of schedule in"))
    assert isinstance(result, Failure) and result.reason == "ambiguous" and len(result.candidates) >= 2


@pytest.mark.parametrize("near, expected", [(2, 2), (1, 2), (9, 9), (11, 9), (None, None), (6, None)])
def test_near_tells_apart_places_the_text_cannot(near, expected):
    paragraphs = ["Filler paragraph number %d with nothing in it." % i for i in range(1, 13)]
    paragraphs[1] = paragraphs[8] = "The resolution was adopted unanimously."
    text = P.join(paragraphs)
    result = match_quote(text, Anchor("The resolution was adopted unanimously.", near=near))
    assert paragraph_of(text, result) == expected
    if expected:
        assert result.method == "near" and not result.changed


def test_near_never_outweighs_the_text():
    paragraphs = ["Filler paragraph number %d with nothing in it." % i for i in range(1, 8)]
    paragraphs[5] = "The resolution was adopted unanimously."
    text = P.join(paragraphs)
    result = match_quote(text, Anchor("The resolution was adopted unanimously.", near=1))
    assert paragraph_of(text, result) == 6 and result.method == "exact"


def test_match_records_the_paragraph_for_near():
    result = match_quote(TEXT, Anchor("kept the letter"))
    assert isinstance(result, Match) and result.paragraph == 3


# -- a quote across a line break (<br>) --------------------------------------------------------

VERSE = """\
# A Song

The old song went like this:

The river runs beneath the hill,  
the *mill* stands still, the wheel is still,  
and no one hears the miller's bell.

Then the singing stopped.
"""


def test_a_quote_runs_across_line_breaks_but_not_across_paragraphs():
    reading = text_map(render_book_markdown(VERSE)).reading
    assert where(reading, Anchor("beneath the hill, the mill stands still")) == "beneath the hill,\u2028\nthe mill stands still"
    assert where(reading, Anchor("the miller's bell. Then the singing")) is None


def test_a_highlight_across_line_breaks_is_one_mark_per_run_with_one_id(tmp_path):
    from annotated_reader.edition import Edition
    from htmlcheck import misnested
    from minibook import GLOSSARY, PEOPLE, make_project

    layer = ("part: mini-chapter\nannotations:\n"
             "  - id: song\n    anchor: {quote: \"beneath the hill, the mill stands still, the wheel\"}\n"
             "    kind: context\n    body: An invented song.\n")
    root = make_project(tmp_path, annotations={"glossary.yml": GLOSSARY, "people.yml": PEOPLE, "mini-chapter.yml": layer})
    (root / "docs/book/mini-chapter.md").write_text("---\ntitle: The Mini Chapter\n---\n\n" + VERSE, encoding="utf-8")
    edition = Edition.open(root, root / "docs")
    html, _ = edition.decorate_part("mini-chapter", render_book_markdown(VERSE))
    marks = re.findall(r'<mark class="ra-hl" data-ann="song"[^>]*>(.*?)</mark>', html, re.S)
    assert [re.sub(r"<[^>]+>", "", m) for m in marks] == ["beneath the hill,", "\nthe ", "mill", " stands still, the wheel"]
    assert html.count('id="ann-song"') == 1 and "<br />" not in "".join(marks)
    assert misnested(html) == []
    assert not edition.part_problems["mini-chapter"]
