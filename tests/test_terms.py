"""Term and person matching tables: forms, possessives, longest match, case, word edges."""
from __future__ import annotations

import pytest

from annotated_reader.terms import TermIndex

INDEX = TermIndex([
    ("term:vozhd", ["vozhd", "vozhda", "vozhds"], False),
    ("term:central-committee", ["Central Committee"], True),
    ("term:committee", ["Committee"], True),
    ("term:party", ["Party"], True),
    ("term:kulak", ["kulak", "kulaks"], False),
    ("term:kulakization", ["kulakization"], False),
    ("term:five-year-plan", ["Five-Year Plan"], False),
    ("person:beria", ["Beria", "Lavrenty Beria", "L. Beria"], True),
    ("term:order-227", ["Order No. 227"], False),
    ("term:doctors-plot", ["Doctors' Plot"], True),
    ("term:politburo-ru", ["Политбюро"], False),
    ("term:the-seven", ["the Seven"], False),          # begins with a word too common to look up alone
    ("person:stalin-initials", ["I. V. Stalin"], True),
])


def found(text: str) -> list[tuple[str, str]]:
    return [(text[h.start:h.end], h.key) for h in INDEX.find(text)]


@pytest.mark.parametrize("text, expected", [
    ("the vozhd spoke", [("vozhd", "term:vozhd")]),
    ("the Vozhd's words", [("Vozhd's", "term:vozhd")]),
    ("the vozhd’s words", [("vozhd’s", "term:vozhd")]),
    ("two vozhds and a vozhda", [("vozhds", "term:vozhd"), ("vozhda", "term:vozhd")]),
    ("the Central Committee met", [("Central Committee", "term:central-committee")]),
    ("the Committee met", [("Committee", "term:committee")]),
    ("a committee met", []),                                  # case-sensitive entry
    ("the Party and the party", [("Party", "term:party")]),
    ("kulakization, not kulaks", [("kulakization", "term:kulakization"), ("kulaks", "term:kulak")]),
    ("the kulakism of it", []),                               # never inside a longer word
    ("the first Five-Year Plan", [("Five-Year Plan", "term:five-year-plan")]),
    ("Lavrenty Beria’s men and Beria", [("Lavrenty Beria’s", "person:beria"), ("Beria", "person:beria")]),
    ("Central. Committee", [("Committee", "term:committee")]),  # a form never spans punctuation
    ("Политбюро решило", [("Политбюро", "term:politburo-ru")]),
    ("by Order No. 227 of July", [("Order No. 227", "term:order-227")]),   # an abbreviation's period
    ("Comrade L. Beria", [("L. Beria", "person:beria")]),
    ("Lavrenty. Beria", [("Beria", "person:beria")]),
    ("the Doctors’ Plot of 1953", [("Doctors’ Plot", "term:doctors-plot")]),       # plural possessive
    ("then The Seven met", [("The Seven", "term:the-seven")]),
    ("the Seven’s decision", [("the Seven’s", "term:the-seven")]),                  # possessive on the pair's last word
    ("the Eight met, and the", []),                                                 # "the" at the very end
    ("the the Seven", [("the Seven", "term:the-seven")]),
    ("signed I. V. Stalin", [("I. V. Stalin", "person:stalin-initials")]),
    ("I. V. Beria", [("Beria", "person:beria")]),                                   # "I. V." begins a form; "Beria" ends no such form
])
def test_matching(text, expected):
    assert found(text) == expected


def test_lookup_cost_does_not_depend_on_the_number_of_forms():
    big = TermIndex([(f"term:t{i}", [f"zzterm{i}", f"zz term {i}"], False) for i in range(5000)])
    assert len(big) == 10000
    assert [h.key for h in big.find("a zz term 4321 here and zzterm17")] == ["term:t4321", "term:t17"]


def test_stop_phrases_consume_their_words_and_report_nothing():
    index = TermIndex([
        ("term:seminary", ["seminary"], False),
        ("person:kalinin", ["Kalinin"], True),
        (None, ["Kiev Theological Seminary", "Rzhev and Kalinin"], False),  # an entry's `exclude` phrases
    ])
    text = "He left the Kiev Theological Seminary for another seminary; the Germans took Rzhev and Kalinin, and Kalinin spoke."
    assert [(text[h.start:h.end], h.key) for h in index.find(text)] == [
        ("seminary", "term:seminary"), ("Kalinin", "person:kalinin")]
