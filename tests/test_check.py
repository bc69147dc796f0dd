"""`reader check` on glossary entries: terms the text never uses, `in_text: false`, `exclude` phrases, punctuation."""
from __future__ import annotations

from annotated_reader.check import run_check
from minibook import ANNOTATIONS, GLOSSARY, PEOPLE, TIMELINE, make_project

ABSENT = """
  - id: gorkom
    term: gorkom
    short: A city party committee (invented entry for the test).
"""


def check(tmp_path, glossary: str):
    files = {"glossary.yml": glossary, "people.yml": PEOPLE, "timeline.yml": TIMELINE, "mini-chapter.yml": ANNOTATIONS}
    return run_check(make_project(tmp_path, annotations=files))


def kolkhoz(extra: str) -> str:
    """The mini glossary with `extra` (YAML lines) added to, or replacing the forms of, the kolkhoz entry."""
    return GLOSSARY.replace("    forms: [kolkhozes]\n", extra if extra.startswith("    forms:") else "    forms: [kolkhozes]\n" + extra)


def errors(tmp_path, glossary: str) -> list[str]:
    return [p.message for p in check(tmp_path, glossary).errors]


def warnings(tmp_path, glossary: str) -> list[str]:
    result = check(tmp_path, glossary)
    assert result.errors == []
    return [p.text() for p in result.problems if p.severity == "warning"]


def test_a_term_the_text_never_uses_is_reported_with_where_it_is(tmp_path):
    found = warnings(tmp_path, GLOSSARY + ABSENT)
    assert len(found) == 1
    assert found[0].startswith("annotations/glossary.yml:")
    assert 'the term "gorkom" never occurs in the text.' in found[0]
    assert "`in_text: false`" in found[0]


def test_in_text_false_says_the_absence_is_meant(tmp_path):
    assert warnings(tmp_path, GLOSSARY + ABSENT + "    in_text: false\n") == []


def test_in_text_false_on_a_term_the_text_uses_is_reported(tmp_path):
    found = warnings(tmp_path, kolkhoz("    in_text: false\n"))
    assert len(found) == 1 and 'the term "kolkhoz" has `in_text: false` but occurs 1 time(s)' in found[0], found


def test_exclude_phrase_keeps_its_words_unlinked(tmp_path):
    glossary = GLOSSARY.replace("    case_sensitive: true\n", '    case_sensitive: true\n    exclude: ["The Politburo’s answer"]\n')
    result = check(tmp_path, glossary)
    assert [p.text() for p in result.problems] == []
    assert sum(result.edition.usage["term:politburo"].values()) == 1  # of two: the other sits inside the phrase


def test_exclude_phrase_without_a_form_is_an_error(tmp_path):
    result = check(tmp_path, kolkhoz('    exclude: ["collective farms"]\n'))
    assert [p.message for p in result.errors] == [
        'the exclude phrase "collective farms" contains none of the forms of "kolkhoz", so it changes nothing.']
    assert result.errors[0].text().startswith("annotations/glossary.yml:")


def test_exclude_phrase_the_text_lacks_is_reported(tmp_path):
    found = warnings(tmp_path, kolkhoz('    exclude: ["the kolkhozes of Siberia"]\n'))
    assert len(found) == 1 and 'the exclude phrase "the kolkhozes of Siberia" never occurs in the text.' in found[0]


def test_exclude_phrase_across_punctuation_is_an_error(tmp_path):
    assert errors(tmp_path, kolkhoz('    exclude: ["kolkhozes (farms)"]\n')) == [
        'the exclude phrase "kolkhozes (farms)" has "(" in it; like a form, a phrase never spans punctuation, so it would never match.']


def test_form_across_punctuation_is_an_error(tmp_path):
    assert errors(tmp_path, kolkhoz('    forms: ["kolkhozes, farms"]\n')) == [
        'the form "kolkhozes, farms" has "," in it; a form never spans punctuation, so it would never match.']
