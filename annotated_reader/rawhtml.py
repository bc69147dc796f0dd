"""Raw HTML in contributed Markdown that the sanitizer will remove: warned about by `reader check`.

A contributor who writes `<span onclick=...>`, `<iframe>` or `[x](javascript:...)` sees none of it
on the site, silently. The check does not keep a list of its own: each start tag that Markdown
passes through as raw HTML (exactly what the renderer's converter stashes) and each Markdown link
target is put through `render.sanitize`, the function the site uses, and whatever does not come
back — the tag, an attribute, a link — is reported at its file:line:col.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Iterator

import markdown

from .problems import Problem
from .render import ALLOWED_TAGS, BODY_EXTENSIONS, SITE_PAGES, sanitize
from .yamlsource import YamlDoc, read_yaml

# The keys whose text is rendered as Markdown (edition.py, exports): bodies, sources, synopses,
# discussion questions, timeline events, and the short and long texts of glossary and people entries.
MARKDOWN_KEYS = {"body", "sources", "synopsis", "questions", "event", "short", "long"}
_ESCAPED_LT = re.compile(r"\\(?:x3c|u003c|U0000003c)", re.IGNORECASE)  # "<" spelled in a double-quoted YAML string
_LINK_TARGET = re.compile(r"\]\(\s*<?((?:[^\s()<>]|\([^\s()]*\))+)")  # [text](target), one level of parentheses
HINT = (f"Write it in Markdown (*emphasis*, [text](https://...)) or remove it; the HTML kept is "
        f"{', '.join(sorted(ALLOWED_TAGS))} (links: http, https, mailto and the site's own part:/term:/... links).")


@dataclass(frozen=True)
class Removal:
    """Something in a Markdown text that the sanitizer removes: where it starts (offset) and what."""

    offset: int
    needle: str  # the source text it starts with, to find it in the file
    message: str


class _StartTags(HTMLParser):
    """(tag, attributes, source text) of every start tag in an HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]], str]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs, self.get_starttag_text() or f"<{tag}"))

    handle_startendtag = handle_starttag


def _start_tags(html: str) -> list[tuple[str, list[tuple[str, str | None]], str]]:
    parser = _StartTags()
    parser.feed(html)
    parser.close()
    return parser.tags


def _lost(tag: str, attrs: list[tuple[str, str | None]]) -> str:
    """What the sanitizer removes of this start tag, said for the contributor ("" when it keeps it all)."""
    written = "".join(f' {name}="{escape(value or "", quote=True)}"' for name, value in attrs)
    kept = _start_tags(sanitize(f"<{tag}{written}>x</{tag}>"))
    if not kept or kept[0][0] != tag:
        content = " with its content" if "x" not in sanitize(f"<{tag}>x</{tag}>") else ""
        return f"the HTML tag <{tag}> will be removed{content}"
    kept_names = {name for name, _ in kept[0][1]}
    lost = [(name, value) for name, value in attrs if name not in kept_names]
    if not lost:
        return ""
    said = []
    for name, value in lost:
        if name.startswith("on"):
            said.append(f"the event attribute {name}")
        elif name in ("href", "src", "cite") and ":" in (value or ""):
            said.append(f'the link {name}="{(value or "")[:40]}" (its scheme is not allowed)')
        else:
            said.append(f"the attribute {name}")
    return f"{' and '.join(said)} of <{tag}> will be removed"


def removed_html(text: str) -> list[Removal]:
    """Everything in the Markdown `text` that the site's sanitizer removes, in source order."""
    links = [link for link in _LINK_TARGET.finditer(text) if _link_removed(link.group(1))]
    if "<" not in text and not links:
        return []  # no HTML and no link the sanitizer drops: most texts, and no Markdown needed
    md = _converter()
    html = md.reset().convert(text)  # before sanitizing: what Markdown made of the text
    found: list[Removal] = []
    cursor = 0
    for fragment in md.htmlStash.rawHtmlBlocks:
        if not isinstance(fragment, str):
            continue
        for tag, attrs, raw in _start_tags(fragment):
            at = text.find(raw, cursor)
            cursor = at + len(raw) if at >= 0 else cursor
            message = _lost(tag, attrs)
            if message:
                found.append(Removal(max(at, 0), raw.split("\n")[0], message))
    for link in links:
        url = link.group(1)
        if f'href="{escape(url, quote=True)}"' in html:  # a link indeed, not text in a code span
            found.append(Removal(link.start(1), url, f'the link target "{url[:40]}" will be removed (its scheme is not allowed)'))
    return sorted(found, key=lambda r: r.offset)


def _link_removed(url: str) -> bool:
    """Whether the sanitizer drops a Markdown link's target (our own schemes become site links before it runs)."""
    if url.split(":", 1)[0] in SITE_PAGES:
        return False
    return 'href="' not in sanitize(f'<a href="{escape(url, quote=True)}">x</a>')


@lru_cache(maxsize=1)
def _converter() -> markdown.Markdown:
    """The converter the renderer uses (same extensions), made once: making one costs more than converting a text."""
    return markdown.Markdown(extensions=BODY_EXTENSIONS, output_format="html")


def raw_html_warnings(directory: Path, root: Path) -> list[Problem]:
    """A warning for each removal in the Markdown texts of every contributed file in `directory`."""
    problems: list[Problem] = []
    for path in sorted(directory.glob("*.yml")) + sorted(directory.glob("*.yaml")):
        try:
            display = str(path.resolve().relative_to(root.resolve()))
        except ValueError:
            display = str(path)
        source = path.read_text(encoding="utf-8-sig", errors="replace")
        if "<" not in source and not _ESCAPED_LT.search(source) and not any(
                _link_removed(m.group(1)) for m in _LINK_TARGET.finditer(source)):
            continue  # no tag (written or escaped), no link the sanitizer drops: nothing to parse the file for
        doc = read_yaml(path, display)
        if doc.data is None:
            continue  # load.py reports what is wrong with the file
        lines = source.split("\n")
        for keys, text, ident in _markdown_values(doc.data, (), ""):
            removals = removed_html(text)
            if removals:
                problems.extend(_located(doc, lines, keys, text, removals, ident))
    return problems


def _markdown_values(data: Any, keys: tuple, ident: str) -> Iterator[tuple[tuple, str, str]]:
    """(path, text, entry id) of every Markdown text in a parsed contributed file."""
    if isinstance(data, dict):
        ident = data["id"] if isinstance(data.get("id"), str) else ident
        for key, value in data.items():
            if key in MARKDOWN_KEYS and isinstance(value, str):
                yield keys + (key,), value, ident
            elif key in MARKDOWN_KEYS and isinstance(value, list):
                yield from ((keys + (key, i), item, ident) for i, item in enumerate(value) if isinstance(item, str))
            else:
                yield from _markdown_values(value, keys + (key,), ident)
    elif isinstance(data, list):
        for i, item in enumerate(data):
            yield from _markdown_values(item, keys + (i,), ident)


def _located(doc: YamlDoc, lines: list[str], keys: tuple, text: str, removals: list[Removal], ident: str) -> list[Problem]:
    """Find each removal's text in the value's lines of the file; else point at the value."""
    line, col = doc.where(keys)
    row, column = line - 1, col - 1
    last = min(len(lines), row + text.count("\n") + 3)  # a block scalar starts on the line after its key
    problems = []
    for removal in removals:
        found = _find(lines[:last], removal.needle, row, column)
        where = found or (line, col)
        if found:
            row, column = found[0] - 1, found[1]  # the next one is searched after this one
        problems.append(Problem(doc.file, where[0], where[1], f"{removal.message}: the site will not show it as written.",
                                HINT, ident, "warning"))
    return problems


def _find(lines: list[str], needle: str, row: int, column: int) -> tuple[int, int] | None:
    for i in range(row, len(lines)):
        at = lines[i].find(needle, column if i == row else 0)
        if at >= 0:
            return i + 1, at + 1
    return None
