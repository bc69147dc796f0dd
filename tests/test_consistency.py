"""`reader check` on the layer's agreement with itself: event dates, unlinked people, variant spellings.

Each check is made to fire on a small invented project (tests/minibook.py) and shown quiet on
correct input; the real layer is covered by test_content's "no warnings" test on the real text.
"""
from __future__ import annotations

from annotated_reader.check import run_check
from annotated_reader.consistency import Date, dates_in
from minibook import ANNOTATIONS, GLOSSARY, PEOPLE, TIMELINE, make_project

# Two invented events: the grain meeting (January 1928) and a later purge (3 March 1929).
EVENTS = TIMELINE + """\
  - id: mini-purge
    date: "1929-03-03"
    event: The invented purge of the supply commissariat.
    part: mini-chapter
"""

PEOPLE_WITH_VARIANT = PEOPLE.replace("    forms: [Ivanov, Comrade Ivanov]\n",
                                     "    forms: [Ivanov, Comrade Ivanov, Ivanoff]\n")


def note(body: str, ident: str = "mini-extra") -> str:
    """The mini part's annotations plus one whose body is `body` (anchored on an unused phrase)."""
    return ANNOTATIONS + f"""\
  - id: {ident}
    anchor: {{quote: the kolkhozes}}
    kind: context
    body: "{body}"
"""


def warnings(tmp_path, *, part: str = ANNOTATIONS, timeline: str = EVENTS, glossary: str = GLOSSARY,
             people: str = PEOPLE) -> list[str]:
    files = {"glossary.yml": glossary, "people.yml": people, "timeline.yml": timeline, "mini-chapter.yml": part}
    result = run_check(make_project(tmp_path, annotations=files))
    assert [p.text() for p in result.errors] == []
    return [p.text() for p in result.problems if p.severity == "warning"]


# -- (a) dates ---------------------------------------------------------------------------------

def test_a_date_that_contradicts_the_linked_event_is_reported_naming_both(tmp_path):
    found = warnings(tmp_path, part=note("The [grain meeting](event:grain-meeting) of March 1928 set the quotas."))
    assert len(found) == 1, found
    assert found[0].startswith("annotations/mini-chapter.yml:")
    assert 'timeline event "grain-meeting" (annotations/timeline.yml:' in found[0]
    assert 'is dated 1928-01, but annotation "mini-extra" gives March 1928' in found[0]


def test_a_date_that_fits_at_the_shared_precision_is_quiet(tmp_path):
    assert warnings(tmp_path, part=note("The [grain meeting](event:grain-meeting) of 14 January 1928 set the quotas; "
                                        "by 1930 nobody remembered it.")) == []


def test_a_date_in_another_clause_is_not_compared(tmp_path):
    assert warnings(tmp_path, part=note("In 1931 the quotas doubled, three years after the "
                                        "[grain meeting](event:grain-meeting).")) == []


def test_a_sequence_against_a_date_is_checked(tmp_path):
    found = warnings(tmp_path, part=note("The [purge](event:mini-purge) came after 5 April 1929."))
    assert len(found) == 1 and 'says it happened after 5 April 1929' in found[0], found
    assert warnings(tmp_path, part=note("The [purge](event:mini-purge) came after 5 February 1929.")) == []


def test_a_glossary_entry_that_links_an_event_is_checked_too(tmp_path):
    glossary = GLOSSARY.replace("    short: A collective farm.\n",
                                "    short: A collective farm, demanded at the [meeting](event:grain-meeting) of 1929.\n")
    found = warnings(tmp_path, glossary=glossary)
    assert len(found) == 1 and 'but glossary entry "kolkhoz" gives 1929' in found[0], found


def test_an_event_that_says_it_came_after_a_later_event_is_reported(tmp_path):
    timeline = EVENTS.replace("    event: The invented grain meeting.\n",
                              "    event: After the [purge](event:mini-purge), the invented grain meeting.\n")
    found = warnings(tmp_path, timeline=timeline)
    assert len(found) == 1, found
    assert 'event "grain-meeting" (1928-01) says it came after event "mini-purge" (1929-03-03)' in found[0]
    right = EVENTS.replace("    event: The invented grain meeting.\n",
                           "    event: Before the [purge](event:mini-purge), the invented grain meeting.\n")
    assert warnings(tmp_path, timeline=right) == []


def test_dates_are_read_at_the_precision_written():
    found = [str(d) for _, d in dates_in("on 6 and 9 August, in May–July 1928, in 1937–38 and 1941", 1945)]
    assert found == ["6 August 1945–9 August 1945", "May 1928–July 1928", "1937–1938", "1941"]
    assert Date.iso("1945-08").fits((1945, 8, 9)) and not Date.iso("1945-07").fits((1945, 8, 9))


# -- (b) people named but not linked ------------------------------------------------------------

def test_a_person_named_but_not_linked_is_reported_with_the_link_to_add(tmp_path):
    found = warnings(tmp_path, part=note("Ivanov's report came late."))
    assert len(found) == 1, found
    assert '"Ivanov\'s" has a people entry (Ivan Ivanov) but is not linked in this annotation.' in found[0]
    assert "[Ivanov](person:ivanov)" in found[0]


def test_one_linked_mention_is_enough_and_titles_do_not_count(tmp_path):
    assert warnings(tmp_path, part=note("[Ivanov](person:ivanov) wrote; Ivanov's report came late.")) == []
    assert warnings(tmp_path, part=note("See *The Ivanov Papers* (1990).")) == []
    assert warnings(tmp_path, part=note("[The Ivanov letter](ann:mini-letter) came late.")) == []


def test_an_exclude_phrase_is_not_a_mention(tmp_path):
    people = PEOPLE.replace("    born: 1890\n", "    exclude: [Ivanov Street]\n    born: 1890\n")
    found = warnings(tmp_path, people=people, part=note("The office on Ivanov Street was closed."))
    assert [w for w in found if "not linked" in w] == [], found


# -- (c) variant spellings ----------------------------------------------------------------------

def test_a_listed_variant_is_reported_with_the_canonical_name(tmp_path):
    found = warnings(tmp_path, people=PEOPLE_WITH_VARIANT, part=note("As [Ivanoff](person:ivanov) wrote."))
    assert len(found) == 1, found
    assert '"Ivanoff" is a variant spelling of "Ivanov", the spelling of the people entry Ivan Ivanov ("ivanov").' in found[0]


def test_an_unlisted_transliteration_variant_is_reported(tmp_path):
    people = PEOPLE.replace("Ivan Ivanov", "Ivan Budenny").replace("[Ivanov, Comrade Ivanov]", "[Budenny]")
    found = warnings(tmp_path, people=people, part=note("Budennyi's cavalry rode on."))
    assert len(found) == 1 and '"Budennyi" is a variant spelling of "Budenny"' in found[0], found


def test_a_quoted_spelling_a_term_and_the_canonical_name_are_quiet(tmp_path):
    assert warnings(tmp_path, people=PEOPLE_WITH_VARIANT,
                    part=note("[Ivanov](person:ivanov) (\\\"Ivanoff\\\" in old papers).")) == []
    glossary = GLOSSARY + "  - id: ivanovka\n    term: Ivanoff\n    in_text: false\n    short: An invented village.\n"
    assert warnings(tmp_path, glossary=glossary, part=note("[Ivanov](person:ivanov) went back to Ivanoff.")) == []


def test_by_and_until_are_deadlines_only_right_before_the_date(tmp_path):
    found = warnings(tmp_path, part=note("The [purge](event:mini-purge) was over by 1 March 1929."))
    assert len(found) == 1 and "says it happened by 1 March 1929" in found[0], found
    # "by Ivanov on 3 April": an agent, then a plain date, which must fit the event
    found = warnings(tmp_path, part=note("The [purge](event:mini-purge) was ordered by [Ivanov](person:ivanov) on 3 April 1929."))
    assert len(found) == 1 and "gives 3 April 1929 in the clause that links it" in found[0], found
    assert warnings(tmp_path, part=note("The [purge](event:mini-purge) was ordered by [Ivanov](person:ivanov) on 3 March 1929.")) == []
