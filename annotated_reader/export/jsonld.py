"""The annotation layer as W3C Web Annotations (JSON-LD), and back.

`collection()` turns every annotation into an `Annotation` of the W3C Web
Annotation Data Model, inside one `AnnotationCollection` whose first (and only)
`AnnotationPage` holds them all in reading order. `read_collection()` parses
such a file back into plain records for `annotations/<part>.yml`. Export ->
import -> export gives the same file, byte for byte.

Mapping (documented in docs/contributing.md by the lead; kept here as the reference):

- `id`: a stable IRI (identity.py): `urn:annotated-reader:<book>:ann:<id>`, or the
  site permalink `<base-url>book/<part>.html#ann-<id>` when a base URL is given.
- `motivation` and the body's `purpose` follow the annotation's kind (KIND_MOTIVATION);
  the kind itself is kept in `schema:genre` because several kinds share a motivation.
- `creator`: `{type: Person | Organization, name: <author>}` (Organization when the
  name says team/project/editors/contributors).
- `target.source`: the book IRI with the part's slug as fragment; `target.selector`:
  a TextQuoteSelector with the contributor's quote, prefix and suffix (never text
  taken from the book), `schema:position` = the anchor's `occurrence`; plus, when
  the text is imported and the anchor placed, a TextPositionSelector. Positions
  count code points of the part's *reading text*: the visible text of the rendered
  part without note markers and the notes list, one U+2029 between blocks
  (textmap.TextMap.reading), which is what anchors are matched on.
- `body`: a TextualBody (`format: text/html`, `language: en`) with the sanitized HTML
  of the Markdown body (links to the site resolved against the base URL, or
  unwrapped without one) and the Markdown source in `schema:text`, so the import
  is lossless; then one TextualBody with `purpose: tagging` per tag.
- `schema:citation`: the annotation's `sources` (Markdown strings).
- The collection carries the book as `schema:about` (a `schema:Book` with name,
  author, translator, publisher, datePublished). No timestamps: the same input gives
  the same file.

`schema:` is a prefix the anno.jsonld context defines (http://schema.org/), so
every extension survives JSON-LD processing and needs no second context.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from ..load import quote_words
from ..model import ANNOTATION_KINDS, MAX_QUOTE_WORDS, Annotation
from ..problems import Problem, did_you_mean
from ..render import markdown_to_html, resolve_links
from ..yamlsource import parse_yaml
from .identity import ID, Identity, annotation_id, book_title, part_of
from .placed import PlacedEdition

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
CONTEXTS = {CONTEXT, "https://www.w3.org/ns/anno.jsonld"}  # the https form is seen in the wild

# W3C motivations (annotation-vocab §"Motivation and Purpose") by annotation kind.
KIND_MOTIVATION = {
    "context": "commenting",
    "person": "identifying",
    "place": "identifying",
    "term": "describing",
    "source": "describing",
    "correction": "editing",
    "translation": "describing",
    "cross-reference": "linking",
}
# When an imported annotation has no schema:genre: the most likely kind for its motivation.
MOTIVATION_KIND = {"commenting": "context", "identifying": "person", "describing": "term", "editing": "correction",
                   "linking": "cross-reference", "assessing": "correction", "classifying": "term"}
_ORGANIZATION = re.compile(r"\b(team|project|editors|contributors|group|society)\b", re.IGNORECASE)
_SITE_LINK = re.compile(r'<a href="@/[^"]*"[^>]*>(.*?)</a>', re.DOTALL)
_DEAD_LINK = re.compile(r'<a href="#"[^>]*>(.*?)</a>', re.DOTALL)


# -- export -------------------------------------------------------------------------------------

def collection(placed: PlacedEdition, identity: Identity) -> dict:
    """Every annotation of the edition, in reading order, as one AnnotationCollection."""
    edition = placed.edition
    book = edition.book
    items = []
    for part in book.parts:
        layer = edition.layer.parts.get(part.slug)
        if not layer:
            continue
        positions = {}
        placed_part = placed.parts.get(part.slug)
        if placed_part:
            for ann, match in placed_part.placement.matches:
                positions[ann.id] = placed_part.reading_position(match.start, match.end)
        for ann in layer.annotations:
            items.append(annotation(ann, identity, edition.annotation_parts, positions.get(ann.id)))
    meta = book.meta or {}
    about: dict[str, Any] = {"id": identity.book, "type": "schema:Book", "schema:name": book_title(book)}
    for key, prop in (("author", "schema:author"), ("translator", "schema:translator"),
                      ("publisher", "schema:publisher"), ("year", "schema:datePublished"), ("isbn", "schema:isbn")):
        if meta.get(key):
            about[prop] = str(meta[key])
    return {
        "@context": CONTEXT,
        "id": identity.collection,
        "type": "AnnotationCollection",
        "label": f"Annotations to {book_title(book)}",
        "schema:about": about,
        "generator": {"type": "Software", "name": "annotated-reader"},
        "total": len(items),
        "first": {"id": identity.page, "type": "AnnotationPage", "startIndex": 0, "items": items},
    }


def annotation(ann: Annotation, identity: Identity, annotation_parts: dict[str, str],
               position: tuple[int, int] | None = None) -> dict:
    """One annotation as a W3C Annotation (embedded in a page, so without its own @context)."""
    quote: dict[str, Any] = {"type": "TextQuoteSelector", "exact": ann.anchor.quote}
    if ann.anchor.prefix:
        quote["prefix"] = ann.anchor.prefix
    if ann.anchor.suffix:
        quote["suffix"] = ann.anchor.suffix
    if ann.anchor.occurrence is not None:
        quote["schema:position"] = ann.anchor.occurrence
    selectors: list[dict] = [quote]
    if position:
        selectors.append({"type": "TextPositionSelector", "start": position[0], "end": position[1]})
    motivation = KIND_MOTIVATION[ann.kind]
    bodies: list[dict] = [{
        "type": "TextualBody",
        "purpose": motivation,
        "format": "text/html",
        "language": "en",
        "value": body_html(ann.body, annotation_parts, identity),
        "schema:text": ann.body,
    }]
    bodies += [{"type": "TextualBody", "purpose": "tagging", "value": tag} for tag in ann.tags]
    result: dict[str, Any] = {
        "id": identity.annotation(ann.id, ann.part),
        "type": "Annotation",
        "motivation": motivation,
        "schema:genre": ann.kind,
    }
    if ann.author:
        kind = "Organization" if _ORGANIZATION.search(ann.author) else "Person"
        result["creator"] = {"type": kind, "name": ann.author}
    result["body"] = bodies
    result["target"] = {"source": identity.part(ann.part), "selector": selectors}
    if ann.sources:
        result["schema:citation"] = list(ann.sources)
    return result


def body_html(markdown: str, annotation_parts: dict[str, str], identity: Identity) -> str:
    """Sanitized HTML of a body; site links absolute (with a base URL) or unwrapped (without)."""
    html = markdown_to_html(markdown, annotation_parts)
    if identity.base_url:
        # "book/.md": an `ann:` link to an annotation that does not exist; unwrapped like any dead link
        html = resolve_links(html, lambda src: None if src == "book/.md" else identity.site_url(src))
        return _DEAD_LINK.sub(r"\1", html)
    return _SITE_LINK.sub(r"\1", html)


def dumps(data: dict) -> str:
    """The file's text: stable key order as built, UTF-8 characters unescaped, newline at the end."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# -- import -------------------------------------------------------------------------------------

@dataclass
class Imported:
    """One annotation read back from a W3C file, as the record annotations/<part>.yml holds."""

    id: str
    part: str
    record: dict  # id, anchor, kind, body, sources, tags, author (in the YAML files' key order)
    path: tuple = ()  # where it is in the JSON, for messages


class Places:
    """Line and column of any JSON value, computed only when a problem needs one.

    JSON is (nearly) YAML, so the safe YAML reader's marks give exact places; when the
    file uses what YAML lacks (e.g. the `\\/` escape), problems fall back to line 1.
    """

    def __init__(self, raw: bytes, name: str):
        self.raw, self.name, self._doc = raw, name, None

    def where(self, path: tuple) -> tuple[int, int]:
        if self._doc is None:
            self._doc = parse_yaml(self.raw, self.name)
        if self._doc.data is None:
            return 1, 1
        return self._doc.where(path)

    def problem(self, path: tuple, message: str, hint: str = "", ident: str = "") -> Problem:
        line, col = self.where(path)
        return Problem(self.name, line, col, message, hint, ident)


@dataclass
class ReadResult:
    """The annotations read, the problems met, and where things are in the file (for later messages)."""

    annotations: list[Imported] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    places: Places | None = None


def read_collection(raw: bytes, name: str, slugs: list[str]) -> ReadResult:
    """Parse a W3C annotation file (a collection, a page, an annotation or a list of them)."""
    result = ReadResult(places=Places(raw, name))
    places = result.places
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        result.problems.append(Problem(name, 1, 1, f"the file is not UTF-8 text (byte {exc.start}).",
                                       "Give the JSON-LD file that `reader export jsonld` wrote."))
        return result
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        result.problems.append(Problem(name, exc.lineno, exc.colno, f"the file is not JSON: {exc.msg}.",
                                       "Give the JSON-LD file that `reader export jsonld` wrote (W3C Web Annotations)."))
        return result
    items = _items(data, places, result.problems)
    seen: dict[str, tuple] = {}
    for path, item in items:
        imported = _annotation(item, path, places, slugs, result.problems)
        if imported is None:
            continue
        if imported.id in seen:
            line, _ = places.where(seen[imported.id])
            result.problems.append(places.problem(path, f'the annotation id "{imported.id}" appears twice (first at line {line}).',
                                                  "Ids must be unique in the book: remove or rename one.", imported.id))
            continue
        seen[imported.id] = path
        result.annotations.append(imported)
    return result


def _items(data: Any, places: Places, problems: list[Problem]) -> list[tuple[tuple, dict]]:
    """The annotations in the file with their JSON paths; checks @context and the container types."""
    if isinstance(data, list):
        return [((i,), item) for i, item in enumerate(data) if _has_context(item, (i,), places, problems)]
    if not isinstance(data, dict):
        problems.append(places.problem((), f"the file holds {_kind(data)}, not a W3C annotation collection.",
                                       "Give the JSON-LD file that `reader export jsonld` wrote."))
        return []
    if not _has_context(data, (), places, problems):
        return []
    types = _types(data)
    if "Annotation" in types:
        return [((), data)]
    if "AnnotationPage" in types:
        return _page_items(data, (), places, problems)
    if "AnnotationCollection" in types:
        first = data.get("first")
        if isinstance(first, dict):
            return _page_items(first, ("first",), places, problems)
        if first is None and not data.get("total"):
            return []
        problems.append(places.problem(("first",) if "first" in data else (),
                                       "the collection's page is not embedded in the file (`first` must be an AnnotationPage object with `items`).",
                                       "Export all annotations into one file; paged collections on a server are not read."))
        return []
    problems.append(places.problem(("type",) if "type" in data else (),
                                   f'the file\'s type is {", ".join(types) or "missing"}, not AnnotationCollection, AnnotationPage or Annotation.',
                                   'Give the JSON-LD file that `reader export jsonld` wrote; it starts with "type": "AnnotationCollection".'))
    return []


def _page_items(page: dict, path: tuple, places: Places, problems: list[Problem]) -> list[tuple[tuple, dict]]:
    items = page.get("items")
    if not isinstance(items, list):
        problems.append(places.problem(path + (("items",) if "items" in page else ()),
                                       "the annotation page has no `items` list.", "Put the annotations in `items: [...]`."))
        return []
    return [(path + ("items", i), item) for i, item in enumerate(items)]


def _has_context(data: Any, path: tuple, places: Places, problems: list[Problem]) -> bool:
    context = data.get("@context") if isinstance(data, dict) else None
    values = context if isinstance(context, list) else [context]
    if any(isinstance(v, str) and v in CONTEXTS for v in values):
        return True
    where = path + ("@context",) if isinstance(data, dict) and "@context" in data else path
    got = "no @context" if context is None else f"the @context {json.dumps(context, ensure_ascii=False)[:80]}"
    problems.append(places.problem(where, f"the file has {got}; W3C Web Annotations use \"{CONTEXT}\".",
                                   f'Set "@context": "{CONTEXT}" (this does not look like a Web Annotation file).'))
    return False


def _types(data: dict) -> list[str]:
    value = data.get("type", data.get("@type"))
    return [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)]


def _kind(value: Any) -> str:
    return {list: "a list", str: "text", int: "a number", float: "a number", bool: "true/false",
            type(None): "null"}.get(type(value), "a value")


def _annotation(item: Any, path: tuple, places: Places, slugs: list[str], problems: list[Problem]) -> Imported | None:
    if not isinstance(item, dict) or "Annotation" not in _types(item):
        problems.append(places.problem(path, f"item {path[-1] if path else 0} is not an Annotation.",
                                       'Each item needs "type": "Annotation".'))
        return None
    before = len(problems)
    iri = item.get("id")
    ident = annotation_id(iri) if isinstance(iri, str) else None
    if not ident:
        problems.append(places.problem(path + (("id",) if "id" in item else ()),
                                       f"the annotation id {json.dumps(iri, ensure_ascii=False)} does not end with :ann:<id> or #ann-<id>.",
                                       "Ids look like urn:annotated-reader:<book>:ann:<id>, with <id> in lowercase letters, digits and hyphens."))
        ident = ""
    target = item.get("target")
    part, anchor = _target(target, path, places, slugs, problems, ident)
    body, tags = _bodies(item.get("body"), path, places, problems, ident)
    kind = item.get("schema:genre")
    if kind not in ANNOTATION_KINDS:
        if kind is not None:
            problems.append(places.problem(path + ("schema:genre",), f'"{kind}" is not an annotation kind.',
                                           did_you_mean(str(kind), ANNOTATION_KINDS) or f"Use one of: {', '.join(ANNOTATION_KINDS)}.", ident))
        motivation = item.get("motivation")
        motivation = motivation[0] if isinstance(motivation, list) and motivation else motivation
        kind = MOTIVATION_KIND.get(motivation if isinstance(motivation, str) else "", "context")
    record: dict[str, Any] = {"id": ident, "anchor": anchor, "kind": kind, "body": body}
    sources = item.get("schema:citation")
    if sources is not None:
        if isinstance(sources, str):
            sources = [sources]
        if not (isinstance(sources, list) and all(isinstance(s, str) and s for s in sources)):
            problems.append(places.problem(path + ("schema:citation",), "schema:citation must be a list of texts.",
                                           "Write each source as a string.", ident))
        elif sources:
            record["sources"] = list(sources)
    if tags:
        record["tags"] = tags
    author = _creator(item.get("creator"))
    if author:
        record["author"] = author
    if len(problems) > before:
        return None
    return Imported(ident, part, record, path)


def _target(target: Any, path: tuple, places: Places, slugs: list[str], problems: list[Problem], ident: str) -> tuple[str, dict]:
    tpath = path + ("target",)
    if isinstance(target, list):
        if len(target) != 1:
            problems.append(places.problem(tpath, f"the annotation has {len(target)} targets; one is expected.",
                                           "Annotate one passage per annotation.", ident))
            return "", {}
        target, tpath = target[0], tpath + (0,)
    if target is None:
        problems.append(places.problem(path, "the annotation has no target.",
                                       'Add "target": {"source": "<book IRI>#<part>", "selector": {"type": "TextQuoteSelector", "exact": "..."}}.', ident))
        return "", {}
    if not isinstance(target, dict):
        problems.append(places.problem(tpath, "the target must be an object with `source` and `selector`.",
                                       "A bare IRI names no passage: add a TextQuoteSelector.", ident))
        return "", {}
    source = target.get("source")
    part = part_of(source) if isinstance(source, str) else None
    if not part or part not in slugs:
        hint = (did_you_mean(part, slugs) if part else "") or f"The source ends with #<part>; parts: {', '.join(slugs)}."
        shown = json.dumps(source, ensure_ascii=False)
        problems.append(places.problem(tpath + (("source",) if "source" in target else ()),
                                       f"the target source {shown} names no part of this book.", hint, ident))
        part = ""
    selectors = target.get("selector")
    spath = tpath + ("selector",)
    listed = selectors if isinstance(selectors, list) else [selectors]
    quote = next((s for s in listed if isinstance(s, dict) and "TextQuoteSelector" in _types(s)), None)
    if quote is None:
        problems.append(places.problem(spath if "selector" in target else tpath,
                                       "the target has no TextQuoteSelector.",
                                       'Add {"type": "TextQuoteSelector", "exact": "<at most 12 words of the passage>"}; positions alone do not survive changes to the text.', ident))
        return part, {}
    qpath = spath + ((listed.index(quote),) if isinstance(selectors, list) else ())
    anchor: dict[str, Any] = {}
    exact = quote.get("exact")
    if not isinstance(exact, str) or not exact.strip():
        problems.append(places.problem(qpath, "the TextQuoteSelector has no `exact` text.", "Give the quoted phrase in `exact`.", ident))
        return part, {}
    words = quote_words(exact)
    if words > MAX_QUOTE_WORDS:
        problems.append(places.problem(qpath + ("exact",), f"the quote has {words} words; at most {MAX_QUOTE_WORDS} are allowed.",
                                       "Shorten it to the shortest phrase that is unique in the part.", ident))
    anchor["quote"] = exact
    for key in ("prefix", "suffix"):
        value = quote.get(key)
        if value is not None and not isinstance(value, str):
            problems.append(places.problem(qpath + (key,), f"the selector's {key} must be text.", "Write it as a string.", ident))
        elif value:
            anchor[key] = value
    occurrence = quote.get("schema:position")
    if occurrence is not None:
        if isinstance(occurrence, bool) or not isinstance(occurrence, int) or occurrence < 1:
            problems.append(places.problem(qpath + ("schema:position",), "schema:position (the occurrence) must be a whole number from 1.",
                                           "Occurrences count from 1.", ident))
        else:
            anchor["occurrence"] = occurrence
    return part, anchor


def _bodies(bodies: Any, path: tuple, places: Places, problems: list[Problem], ident: str) -> tuple[str, list[str]]:
    listed = bodies if isinstance(bodies, list) else [bodies] if bodies is not None else []
    bpath = path + ("body",)
    text, tags = "", []
    for i, body in enumerate(listed):
        where = bpath + ((i,) if isinstance(bodies, list) else ())
        if isinstance(body, dict) and "Choice" in _types(body):
            choices = body.get("items") if isinstance(body.get("items"), list) else []
            body = next((c for c in choices if isinstance(c, dict)), None)
        if not isinstance(body, dict):
            continue
        purpose = body.get("purpose")
        if purpose == "tagging" or (isinstance(purpose, list) and "tagging" in purpose):
            tag = body.get("value")
            if not isinstance(tag, str) or not ID.match(tag):
                problems.append(places.problem(where, f"the tag {json.dumps(tag, ensure_ascii=False)} is not a valid tag.",
                                               "Tags are lowercase words joined by hyphens, e.g. `historiography`.", ident))
            else:
                tags.append(tag)
            continue
        if text:
            continue  # the first non-tag body is the annotation; others (rare) are not kept
        markdown = body.get("schema:text")
        value = body.get("value")
        if isinstance(markdown, str) and markdown.strip():
            text = markdown
        elif isinstance(value, str) and value.strip():
            text = html_to_markdown(value) if body.get("format") == "text/html" else value
    if not text:
        problems.append(places.problem(bpath if bodies is not None else path, "the annotation has no text body.",
                                       'Add "body": {"type": "TextualBody", "value": "..."}.', ident))
    return text, tags


def _creator(creator: Any) -> str:
    if isinstance(creator, list):
        creator = creator[0] if creator else None
    if isinstance(creator, str):
        return creator
    if isinstance(creator, dict):
        for key in ("name", "nickname"):
            if isinstance(creator.get(key), str):
                return creator[key]
    return ""


class _Markdown(HTMLParser):
    """A small HTML -> Markdown for bodies written by other tools (ours carry the Markdown itself)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("em", "i", "cite"):
            self.out.append("*")
        elif tag in ("strong", "b"):
            self.out.append("**")
        elif tag == "a":
            self.links.append(dict(attrs).get("href") or "")
            self.out.append("[")
        elif tag == "li":
            self.out.append("\n- ")
        elif tag == "br":
            self.out.append("  \n")
        elif tag == "code":
            self.out.append("`")

    def handle_endtag(self, tag):
        if tag in ("em", "i", "cite"):
            self.out.append("*")
        elif tag in ("strong", "b"):
            self.out.append("**")
        elif tag == "a":
            href = self.links.pop() if self.links else ""
            self.out.append(f"]({href})" if href and not href.startswith("#") else "]")
        elif tag in ("p", "ul", "ol", "blockquote", "div"):
            self.out.append("\n\n")
        elif tag == "code":
            self.out.append("`")

    def handle_data(self, data):
        self.out.append(re.sub(r"\s+", " ", data))


def html_to_markdown(html: str) -> str:
    parser = _Markdown()
    parser.feed(html)
    parser.close()
    text = re.sub(r"[ \t]+\n", "\n", "".join(parser.out))
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def read_file(path: Path, name: str, slugs: list[str]) -> ReadResult:
    """Read a W3C annotation file from disk; unreadable files are a problem, not an exception."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return ReadResult(problems=[Problem(name, 1, 1, f"cannot read the file: {exc.strerror}.", "Check the path.")])
    return read_collection(raw, name, slugs)
