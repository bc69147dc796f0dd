"""Rendering contributed Markdown safely, and the Jinja2 templates that frame it.

Bodies come from pull requests, so they are untrusted: Markdown is rendered,
our link schemes (`part:`, `ann:`, `term:`, `person:`, `event:`, `place:`) are turned
into site links, and the result is sanitized by nh3 against an allow-list
before it touches a page. No `<script>`, `on*=`, `javascript:` URL, `<iframe>`
or `<style>` can survive. Site links are written as `@/<src path>#id`
placeholders and resolved per page (`resolve_links`), because the same body
appears on several pages and the site may live under a sub-path or on file://.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable

import markdown
import nh3
from jinja2 import Environment, FileSystemLoader, select_autoescape

from .child import Child, ChildFailed

TEMPLATES = Path(__file__).parent / "templates"

# The Markdown extensions the book's parts are rendered with. mkdocs.yml must list the same,
# so that `reader check` anchors on exactly the text the site shows (a test keeps them in sync).
BOOK_EXTENSIONS = ["footnotes", "attr_list", "md_in_html", "toc", "tables", "sane_lists"]
BODY_EXTENSIONS = ["sane_lists"]  # no smarty: it doubles the cost, and contributors type curly quotes

ALLOWED_TAGS = {"a", "p", "em", "strong", "i", "b", "code", "ul", "ol", "li", "blockquote", "br", "sup", "sub",
                "abbr", "cite", "q", "s", "small", "span", "dl", "dt", "dd"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "q": {"cite"}}
URL_SCHEMES = {"http", "https", "mailto"}

SITE_PAGES = {
    "part": "book/{id}.md",
    "ann": None,  # resolved through the part that holds the annotation
    "term": "glossary.md#term-{id}",
    "person": "people.md#person-{id}",
    "event": "timeline.md#event-{id}",
    "place": "places.md#place-{id}",
}
_SCHEME_LINK = re.compile(r"\]\(\s*(part|ann|term|person|event|place):([^)\s#]*)(#[^)\s]*)?\s*\)")
_ANN_REF = re.compile(r"\]\(\s*ann:([^)\s#]*)")
_PLACEHOLDER = re.compile(r'href="@/([^"#]*)(#[^"]*)?"')


def site_target(scheme: str, ident: str, annotation_parts: dict[str, str]) -> str:
    """`@/src.md#fragment` for one of our link schemes."""
    if scheme == "ann":
        part = annotation_parts.get(ident, "")
        return f"@/book/{part}.md#ann-{ident}"
    if scheme == "part":
        return "@/" + SITE_PAGES["part"].format(id=ident)
    return "@/" + SITE_PAGES[scheme].format(id=ident)


def markdown_to_html(text: str, annotation_parts: dict[str, str] | None = None, inline: bool = False) -> str:
    """Render untrusted Markdown to sanitized HTML with site-link placeholders."""
    text = text or ""
    # Only the `ann:` targets this text names enter the cache key: hashing the whole map per call cost more than rendering.
    refs = tuple((ident, (annotation_parts or {}).get(ident, "")) for ident in _ANN_REF.findall(text)) if "ann:" in text else ()
    if _ahead["child"] or _ahead["html"]:
        html = _rendered_ahead((text, refs, inline))
        if html is not None:
            return html
    return _render(text, refs, inline)


# -- rendering ahead ------------------------------------------------------------------------------
# A site build renders some 2,500 bodies (annotations, sources, entries, events, place notes) one after
# another, a tenth of its time, while the machine's other core has nothing to do until the search
# index is written. `render_ahead` hands them all to a child process when the build starts; once the
# child's results are in, the build takes each body from them, and the ones it needs before then it
# renders itself. Both run `_render` on the same arguments, so the pages are the same either way.

_ahead: dict = {"child": None, "keys": [], "html": {}}  # the Child rendering `keys`; html: key -> body once it is done


def render_ahead(texts: Iterable[tuple[str, bool]], annotation_parts: dict[str, str] | None = None) -> None:
    """Start rendering `texts` ((Markdown, inline) pairs, as markdown_to_html takes them) in a child
    process (child.py); markdown_to_html uses its results once they are in."""
    stop_rendering_ahead()
    keys = []
    for text, inline in texts:
        text = text or ""
        refs = tuple((i, (annotation_parts or {}).get(i, "")) for i in _ANN_REF.findall(text)) if "ann:" in text else ()
        keys.append((text, refs, inline))
    keys = list(dict.fromkeys(keys))
    _ahead.update(child=Child(_render_all, keys), keys=keys)


def _render_all(keys: list[tuple[str, tuple, bool]]) -> list[str]:
    """The child's work: every body, in the order of `keys`."""
    return [_render(*key) for key in keys]


def _rendered_ahead(key: tuple[str, tuple, bool]) -> str | None:
    """The body the child rendered for `key`, or None (not in its list, or its results are not in yet).
    A child that failed only costs the time: the build renders everything itself, as without it."""
    html = _ahead["html"].get(key)
    child = _ahead["child"]
    if html is None and child and child.done():
        _ahead["child"] = None
        try:
            _ahead["html"] = dict(zip(_ahead["keys"], child.result()))
        except ChildFailed:
            pass
        html = _ahead["html"].get(key)
    return html


def stop_rendering_ahead() -> None:
    """The build is over: stop the child if it still runs, remove its file, forget its bodies."""
    if _ahead["child"]:
        _ahead["child"].stop()
    _ahead.update(child=None, keys=[], html={})


@lru_cache(maxsize=4096)
def _render(text: str, annotation_parts: tuple, inline: bool) -> str:
    parts = dict(annotation_parts)

    def link(m: re.Match) -> str:
        target = site_target(m.group(1), m.group(2), parts)
        if m.group(3) and m.group(1) == "part":
            target += m.group(3)
        return f"]({target})"

    source = _SCHEME_LINK.sub(link, text)
    html = _body_markdown(_inline_patterns(source)).reset().convert(source)
    clean = sanitize(html)
    if inline and clean.startswith("<p>") and clean.endswith("</p>") and clean.count("<p>") == 1:
        clean = clean[3:-4]
    return clean


# What each of Python-Markdown's inline patterns needs in a text to match anywhere in it: each regex
# starts with (or consists of) these characters. Most bodies have no code, HTML or images.
_PATTERN_NEEDS = {"backtick": ("`",), "escape": ("\\",), "reference": ("[",), "link": ("[",), "image_link": ("![",),
                  "image_reference": ("![",), "short_reference": ("[",), "short_image_ref": ("![",),
                  "autolink": ("<",), "automail": ("<",), "html": ("<",), "entity": ("&",), "em_strong": ("*", "_"),
                  "linebreak": ("  \n", "\t", "\r")}  # two spaces at a line's end, also after tabs or CRs are normalized


def _inline_patterns(source: str) -> frozenset[str]:
    """The inline patterns that cannot match in `source` (every piece of text they see is a part of it)."""
    return frozenset(name for name, needs in _PATTERN_NEEDS.items() if not any(n in source for n in needs))


@lru_cache(maxsize=64)
def _body_markdown(unused: frozenset[str] = frozenset()) -> markdown.Markdown:
    """One converter for all bodies that need the same inline patterns: building a Markdown instance costs
    more than converting a note. Leaving out the patterns that cannot match (`unused`) changes no output
    and saves a quarter of the conversions' time: Python-Markdown tries every pattern on every text."""
    md = markdown.Markdown(extensions=BODY_EXTENSIONS, output_format="html")
    for name in unused:
        md.inlinePatterns.deregister(name, strict=False)
    return md


def sanitize(html: str) -> str:
    """The allow-list: formatting and links only; external links open safely."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def resolve_links(html: str, resolve: Callable[[str], str | None]) -> str:
    """Replace `@/src.md#id` placeholders using `resolve(src) -> relative URL` (None: unknown page)."""

    def sub(m: re.Match) -> str:
        url = resolve(m.group(1)) if m.group(1) else ""
        if url is None:
            return 'href="#"'
        return f'href="{url}{m.group(2) or ""}"'

    return _PLACEHOLDER.sub(sub, html)


def render_book_markdown(text: str) -> str:
    """Render an imported part the way the site does, for `reader check` (no MkDocs needed)."""
    md = markdown.Markdown(extensions=BOOK_EXTENSIONS)
    return md.convert(text)


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html", "md"], default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                      auto_reload=False)  # package files: no stat() per lookup (a build makes thousands)
    return env


def template(name: str):
    return environment().get_template(name)
