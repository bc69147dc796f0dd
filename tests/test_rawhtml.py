"""`reader check` warns about raw HTML in contributed Markdown that the sanitizer will remove.

Each case checks both sides: the warning names the file, line and column where the HTML is
written, and the site's renderer (render.markdown_to_html) really drops what the warning says.
"""
from __future__ import annotations

import markdown

from annotated_reader.check import run_check
from annotated_reader.rawhtml import removed_html
from annotated_reader.render import markdown_to_html
from minibook import ANNOTATIONS, GLOSSARY, PEOPLE, TIMELINE, make_project

LETTER_BODY = "    body: The same commissar, now writing.\n"


def project_with(tmp_path, body_lines: list[str], glossary: str = GLOSSARY):
    """The mini project, with the mini-letter annotation's body written as a block scalar of `body_lines`."""
    body = "    body: |\n" + "".join(f"      {line}\n" for line in body_lines)
    assert LETTER_BODY in ANNOTATIONS
    files = {"glossary.yml": glossary, "people.yml": PEOPLE, "timeline.yml": TIMELINE,
             "mini-chapter.yml": ANNOTATIONS.replace(LETTER_BODY, body)}
    return make_project(tmp_path, annotations=files)


def html_warnings(root) -> list:
    result = run_check(root)
    assert result.errors == [], [p.text() for p in result.errors]
    return [p for p in result.problems if p.severity == "warning" and "will be removed" in p.message]


def place_of(root, file: str, needle: str) -> tuple[int, int]:
    """Line and column (1-based) where `needle` is written in the contributed file."""
    for number, line in enumerate((root / "annotations" / file).read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number, line.index(needle) + 1
    raise AssertionError(f"{needle} is not in {file}")


def test_an_event_attribute_is_named_at_its_line_and_column(tmp_path):
    lines = ["The same commissar, now writing.", 'He signs <span onclick="alert(1)">twice</span>.']
    root = project_with(tmp_path, lines)
    found = html_warnings(root)
    assert len(found) == 1, [p.text() for p in found]
    problem = found[0]
    assert (problem.file, problem.line, problem.col) == ("annotations/mini-chapter.yml", *place_of(root, "mini-chapter.yml", "<span"))
    assert problem.id == "mini-letter"
    assert "event attribute onclick of <span>" in problem.message
    assert "onclick" not in markdown_to_html("\n".join(lines)) and "twice" in markdown_to_html("\n".join(lines))
    assert problem.text().startswith(f"annotations/mini-chapter.yml:{problem.line}:{problem.col}: warning: [mini-letter]")


def test_a_removed_tag_and_a_javascript_link_are_each_reported(tmp_path):
    lines = ["Before <script>alert(1)</script> the letter,", "then [a link](javascript:alert(2)) and <iframe src=x></iframe>."]
    root = project_with(tmp_path, lines)
    found = html_warnings(root)
    assert [(p.line, p.col) for p in found] == [place_of(root, "mini-chapter.yml", "<script>"),
                                                place_of(root, "mini-chapter.yml", "javascript:alert(2)"),
                                                place_of(root, "mini-chapter.yml", "<iframe")]
    assert "the HTML tag <script> will be removed with its content" in found[0].message
    assert 'the link target "javascript:alert(2)" will be removed' in found[1].message
    assert "the HTML tag <iframe> will be removed" in found[2].message
    rendered = markdown_to_html("\n".join(lines))
    assert "<script" not in rendered and "alert(1)" not in rendered and "javascript:" not in rendered and "<iframe" not in rendered


def test_a_javascript_href_in_raw_html_is_reported(tmp_path):
    root = project_with(tmp_path, ['See <a href="JavaScript:void(0)" title="t">this</a>.'])
    found = html_warnings(root)
    assert len(found) == 1 and 'the link href="JavaScript:void(0)"' in found[0].message
    assert (found[0].line, found[0].col) == place_of(root, "mini-chapter.yml", "<a href")
    assert "href" not in markdown_to_html('See <a href="JavaScript:void(0)" title="t">this</a>.')


def test_html_the_sanitizer_keeps_and_html_in_code_are_not_reported(tmp_path):
    lines = ['Kept: <em>emphasis</em>, <abbr title="Narodnyi komissariat">NK</abbr>,',
             '<a href="https://example.org/a?b=1&c=2">a link</a>, [another](https://example.org), [a part](part:other-chapter),',
             "and code: `<script>alert(1)</script>` or `[x](javascript:y)`."]
    root = project_with(tmp_path, lines)
    assert html_warnings(root) == []
    rendered = markdown_to_html("\n".join(lines))
    assert "<em>emphasis</em>" in rendered and '<abbr title="Narodnyi komissariat">' in rendered
    assert "&lt;script&gt;" in rendered


def test_glossary_texts_are_checked_too(tmp_path):
    glossary = GLOSSARY.replace("    forms: [kolkhozes]\n", '    forms: [kolkhozes]\n    long: A farm <b onmouseover="x()">run</b> in common.\n', 1)
    assert glossary != GLOSSARY
    root = project_with(tmp_path, ["The same commissar, now writing."], glossary)
    found = html_warnings(root)
    assert [(p.file, p.id) for p in found] == [("annotations/glossary.yml", "kolkhoz")]
    assert (found[0].line, found[0].col) == place_of(root, "glossary.yml", "<b onmouseover")
    assert "event attribute onmouseover of <b>" in found[0].message


def test_the_check_follows_the_sanitizer_not_a_list_of_its_own():
    """Every tag and attribute the sanitizer keeps passes; every one it drops is reported (sampled both ways)."""
    kept = ["<em>x</em>", "<sup>1</sup>", '<q cite="https://example.org">x</q>', "<span>x</span>", "<br>"]
    dropped = ["<div>x</div>", "<style>p{}</style>", "<img src=x>", '<span class="c">x</span>', '<a href="https://a.b" onfocus="x">y</a>',
               "<form>x</form>", "<object>x</object>"]
    for text in kept:
        assert removed_html(text) == [], text
        assert markdown_to_html(text) == markdown.markdown(text), text  # the site shows it as written
    for text in dropped:
        assert removed_html(text), text
        assert markdown_to_html(text) != markdown.markdown(text), text


def test_a_tag_spelled_with_a_yaml_escape_is_reported_at_its_value(tmp_path):
    body = '    body: "Signed \\u003cscript>alert(1)\\u003c/script> twice."\n'
    files = {"glossary.yml": GLOSSARY, "people.yml": PEOPLE, "timeline.yml": TIMELINE,
             "mini-chapter.yml": ANNOTATIONS.replace(LETTER_BODY, body)}
    root = make_project(tmp_path, annotations=files)
    found = html_warnings(root)
    assert [(p.line, p.col, p.id) for p in found] == [(*place_of(root, "mini-chapter.yml", '"Signed'), "mini-letter")]
    assert "the HTML tag <script> will be removed with its content" in found[0].message
