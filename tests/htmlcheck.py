"""Is a page's HTML well nested? What browsers repair silently, MkDocs' search parser does not."""
from __future__ import annotations

import re
from html.parser import HTMLParser

VOID_TAGS = {"br", "hr", "img", "input", "meta", "link", "wbr", "source", "col", "area", "base", "embed", "track"}


class _Nesting(HTMLParser):
    """Records every end tag that does not close the innermost open element."""

    def __init__(self):
        super().__init__()
        self.open: list[str] = []
        self.misnested: list[tuple[str, list[str], tuple[int, int]]] = []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID_TAGS:
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs):
        pass  # <hr />: opens nothing

    def handle_endtag(self, tag):
        if self.open and self.open[-1] == tag:
            self.open.pop()
        else:
            self.misnested.append((tag, self.open[-3:], self.getpos()))


def misnested(html: str) -> list:
    """End tags that close the wrong element, and elements never closed; [] for a well-nested fragment."""
    parser = _Nesting()
    parser.feed(html)
    parser.close()
    return parser.misnested + ([("never closed", parser.open, parser.getpos())] if parser.open else [])


def article(page: str) -> str:
    """The content of a built Material page (the theme's own chrome is not ours to check)."""
    match = re.search(r"<article[^>]*>(.*)</article>", page, re.S)
    assert match, "no <article> in the page"
    return match.group(1)
