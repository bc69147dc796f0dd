"""Anchoring tables on original text: exact, normalized, disambiguated, fuzzy, orphaned (rules: test_anchor_rules)."""
from __future__ import annotations

import pytest

from annotated_reader.anchor import PARAGRAPH, Failure, Match, match_quote, normalize
from annotated_reader.model import Anchor

P = PARAGRAPH
TEXT = P.join([
    "In the spring the vozhd raised the grain question again, and the commissar of supply was summoned.",
    "Later the commissar wrote to Comrade Ivanov about “quotas”—and about the kolkhozes that had failed them.",
    "Ivanov kept the letter for many years, although he was told to burn it at once.",
])


def placed(text: str, anchor: Anchor) -> str | None:
    result = match_quote(text, anchor)
    return text[result.start:result.end] if isinstance(result, Match) else None


@pytest.mark.parametrize("anchor, expected", [
    (Anchor("the grain question"), "the grain question"),
    (Anchor('about "quotas"--and'), "about “quotas”—and"),                # straight quotes, ASCII dash
    (Anchor("raised   the\ngrain question"), "raised the grain question"),  # whitespace folded
    (Anchor("the *vozhd* raised"), "the vozhd raised"),                  # emphasis markers ignored
    (Anchor("Ivanov", prefix="Comrade"), "Ivanov"),
    (Anchor("Ivanov", suffix="kept the letter"), "Ivanov"),
    (Anchor("the commissar", occurrence=2), "the commissar"),
    (Anchor("the commissar", prefix="Later"), "the commissar"),
    (Anchor("kolkhoz"), None),                                             # never inside a longer word
])
def test_exact_and_normalized(anchor, expected):
    assert placed(TEXT, anchor) == expected


def test_different_quote_kind_is_not_exact_but_re_anchored_with_a_warning():
    result = match_quote(TEXT, Anchor("about ‘quotas’ – and"))  # single quotes, spaced dash: four edits
    assert isinstance(result, Match) and result.method == "fuzzy" and result.changed
    assert TEXT[result.start:result.end] == "about “quotas”—and"


def test_footnote_digits_in_the_quote_are_ignored():
    text = "The decision was taken in secret¹² and announced later."
    assert placed(text, Anchor("taken in secret¹² and announced")) == "taken in secret¹² and announced"
    assert placed(text, Anchor("taken in secret and announced")) == "taken in secret¹² and announced"


def test_ambiguous_without_disambiguation_lists_candidates():
    result = match_quote(TEXT, Anchor("the commissar"))
    assert isinstance(result, Failure) and result.reason == "ambiguous"
    assert len(result.candidates) == 2 and result.exact_count == 2


def test_missing_occurrence_is_never_replaced_by_another():
    result = match_quote(TEXT, Anchor("the commissar", occurrence=3))
    assert isinstance(result, Failure) and result.reason == "occurrence-missing"


def test_fuzzy_after_words_inserted_and_removed_near_the_quote():
    edited = TEXT.replace("kept the letter for many years", "kept that letter for years")
    result = match_quote(edited, Anchor("Ivanov kept the letter for many years"))
    assert isinstance(result, Match) and result.method == "fuzzy"
    assert edited[result.start:result.end].startswith("Ivanov kept")


def test_fuzzy_survives_changes_around_the_quote_and_paragraph_moves():
    paragraphs = TEXT.split(P)
    moved = P.join([paragraphs[2], "A new paragraph was added here.", paragraphs[0].replace("spring", "autumn"), paragraphs[1]])
    assert placed(moved, Anchor("the grain question")) == "the grain question"


def test_orphan_when_the_passage_is_gone():
    gone = P.join(TEXT.split(P)[1:])
    result = match_quote(gone, Anchor("raised the grain question again"))
    assert isinstance(result, Failure) and result.reason in ("not-found", "low-confidence")


def test_corrected_name_never_moves_to_another_occurrence():
    """hypothesis h#2798: the quoted name is corrected in the text while it occurs elsewhere."""
    anchor = Anchor("Ivanov", prefix="Comrade")
    assert placed(TEXT, anchor) == "Ivanov"
    corrected = TEXT.replace("Comrade Ivanov", "Comrade Petrov")
    result = match_quote(corrected, anchor)
    assert isinstance(result, Failure)  # "Ivanov" still occurs in the third paragraph: no move there


def test_a_short_quote_beyond_its_error_budget_is_not_placed():
    result = match_quote(TEXT, Anchor("Ivanoff"))  # two edits from "Ivanov"; a seven-letter name may have one
    assert isinstance(result, Failure)


def test_near_tie_is_refused():
    twins = P.join(["The plan was fulfilled ahead of time in the Urals.", "The plan was fulfilled ahead of time in the Donbas."])
    result = match_quote(twins, Anchor("The plan was fulfilled ahead of schedule in"))
    assert isinstance(result, Failure) and result.reason == "ambiguous"


def test_normalize_maps_back_to_original_offsets():
    original = "a “b”—c"
    norm = normalize(original)
    assert norm.text == 'a "b"-c'
    start = norm.text.index('"b"')
    assert norm.span(start, start + 3) == (2, 5)


def test_quote_cannot_cross_paragraphs():
    assert placed(TEXT, Anchor("burn it at once. In the spring")) is None


def test_normalized_characters_map_back_to_their_originals():
    import random
    rng = random.Random(7)
    alphabet = "ab  \n\t*¹—–-“”‘’…" + PARAGRAPH
    for _ in range(300):
        original = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        norm = normalize(original)
        assert "  " not in norm.text and PARAGRAPH * 2 not in norm.text and "--" not in norm.text
        for i, ch in enumerate(norm.text):
            start, end = norm.span(i, i + 1)
            source = original[start:end]
            if ch in "ab":
                assert source == ch
            elif ch == "'":
                assert source in "‘’"
            elif ch == '"':
                assert source in "“”"


def test_context_skips_punctuation_at_the_seam():
    text = 'They brought the "people\'s government," consisting of exiles. Later the people\'s government fell.'
    assert placed(text, Anchor("people's government", suffix="consisting of")) == "people's government"
    assert placed(text, Anchor("people's government", prefix="Later the")) == "people's government"
    assert placed(text, Anchor("people's government", suffix="fell")) == "people's government"
