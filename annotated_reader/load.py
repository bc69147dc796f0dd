"""Load and validate the contributed files in `annotations/` into a `Layer`.

Every mistake becomes a `Problem` naming `file:line:col`, the entry id, what is
wrong and how to fix it; all are collected so a pull request sees them at once.
An entry with errors is left out of the layer (and reported), never half-loaded.
Checks that need the book's text (anchors) live in `anchor.py` / `check.py`.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

import jsonschema_rs

from .model import (MAX_QUOTE_WORDS, Anchor, Annotation, Event, Layer, Part, PartLayer, Person, Place, Term)
from .places import check_places, place_records
from .problems import Problem, did_you_mean
from .terms import TermIndex
from .timeline_strip import timeline_extras
from .yamlsource import YamlDoc, read_yaml

if TYPE_CHECKING:
    import jsonschema  # imported where needed (_validator)

SCHEMA_DIR = Path(__file__).parent / "schema"
DATA_FILES = {"glossary.yml": "glossary", "people.yml": "people", "timeline.yml": "timeline", "places.yml": "places"}
LINK = re.compile(r"\]\(\s*(part|ann|term|person|event|place):([^)\s#]*)(#[^)\s]*)?\s*\)")
WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
PUNCTUATION = re.compile(r"[^\w\s'’.\-‐‑]|_")  # what no form or exclude phrase can span (terms.JOINER)


@lru_cache(maxsize=None)
def schema(name: str) -> dict:
    return json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def _validator(kind: str) -> jsonschema.Draft202012Validator:
    """One per kind and process: a part file each time would re-read and re-check the schema 15 times a build.

    jsonschema is imported here, when a file needs its errors explained (see _quick_validator):
    importing it was a tenth of a second of every build."""
    import jsonschema

    return jsonschema.Draft202012Validator(schema(kind))


@lru_cache(maxsize=None)
def _quick_validator(kind: str) -> jsonschema_rs.Draft202012Validator:
    """The same schema in jsonschema-rs (Rust), a hundred times faster: it only says whether a file is valid.

    Only its "valid" is trusted; a file it rejects (or data it cannot take) is checked again by
    `_validator`, whose errors carry the paths our messages are made of. It never passes what
    jsonschema would reject: the schemas' patterns are plain character classes, and where the two
    regex engines differ (Python's `$` also matches before a final newline) Rust's is the stricter.
    """
    return jsonschema_rs.Draft202012Validator(schema(kind))


def _quickly_valid(data: Any, kind: str) -> bool:
    try:
        return _quick_validator(kind).is_valid(data)
    except Exception:  # a value JSON has no type for (e.g. a YAML date): let jsonschema judge it
        return False


def quote_words(quote: str) -> int:
    """Words as the verbatim guard counts them, so our limit and its limit agree."""
    return len(WORD.findall(quote))


def load_layer(directory: Path, parts: list[Part], root: Path | None = None) -> tuple[Layer, list[Problem]]:
    """Load every `*.yml` in `directory`. File names are shown relative to `root` (the repo)."""
    layer, problems = Layer(), []
    slugs = [p.slug for p in parts]
    files = sorted(directory.glob("*.yml")) + sorted(directory.glob("*.yaml"))
    for path in files:
        display = _display(path, root)
        kind = DATA_FILES.get(path.name, "part")
        doc, found, valid = _read_checked(path, display, kind)
        problems.extend(found)
        if not valid:
            continue
        if kind == "glossary":
            layer.terms.extend(_terms(doc))
        elif kind == "people":
            layer.people.extend(_people(doc))
        elif kind == "timeline":
            layer.events.extend(_events(doc, slugs, problems))
            layer.periods, layer.spans = timeline_extras(doc, slugs, problems)
        elif kind == "places":
            layer.places, layer.route = place_records(doc)
        else:
            part_layer = _part(doc, path.stem, slugs, problems)
            if part_layer:
                layer.parts[part_layer.part] = part_layer
    problems.extend(cross_check(layer, slugs))
    return layer, problems


# (file, name shown, kind) -> (its bytes, parsed document, problems, valid), from the last time it was read.
# `mkdocs serve` rebuilds everything on each save, usually of one file: parsing and validating the
# others again was a third of the layer's load time. Only equal bytes reuse a result.
_CHECKED: dict[tuple[str, str, str], tuple[bytes, YamlDoc, tuple[Problem, ...], bool]] = {}


def _read_checked(path: Path, display: str, kind: str) -> tuple[YamlDoc, tuple[Problem, ...], bool]:
    """`read_yaml` and schema validation of one file, reused while its bytes do not change."""
    key = (str(path), display, kind)
    try:
        raw = path.read_bytes()
    except OSError:
        raw = None
    cached = _CHECKED.get(key)
    if raw is not None and cached and cached[0] == raw:
        return cached[1], cached[2], cached[3]
    doc = read_yaml(path, display)
    problems = list(doc.problems)
    valid = not (doc.data is None and doc.problems) and _validate(doc, kind, problems)
    if raw is not None:
        _CHECKED[key] = (raw, doc, tuple(problems), valid)
    return doc, tuple(problems), valid


def loaded_bytes(path: Path, display: str, kind: str = "part") -> bytes:
    """The bytes of `path` as `load_layer` last read them (b"" if it never did): what the layer it
    returned was made from, which the file may no longer hold. `display` is the name its problems
    show (a `Place.file` of what was loaded from it)."""
    cached = _CHECKED.get((str(path), display, kind))
    return cached[0] if cached else b""


def _display(path: Path, root: Path | None) -> str:
    try:
        return str(path.resolve().relative_to((root or Path.cwd()).resolve()))
    except ValueError:
        return str(path)


# -- schema -------------------------------------------------------------------------------------

def _validate(doc: YamlDoc, kind: str, problems: list[Problem]) -> bool:
    if doc.data is None:
        problems.append(Problem(doc.file, 1, 1, "the file is empty.", f"See docs/contributing.md for the {kind} file format."))
        return False
    if _quickly_valid(doc.data, kind):  # most files: no errors to explain
        return True
    errors = sorted(_validator(kind).iter_errors(doc.data), key=lambda e: list(map(str, e.absolute_path)))
    for error in errors:
        problems.append(_schema_problem(doc, error))
    return not errors


def _schema_problem(doc: YamlDoc, error: jsonschema.ValidationError) -> Problem:
    path = tuple(error.absolute_path)
    ident = _entry_id(doc.data, path)
    where = "/".join(map(str, path)) or "the file"
    if error.validator == "additionalProperties":
        allowed = list(error.schema.get("properties", {}))
        unknown = [k for k in error.instance if k not in allowed]
        key = unknown[0]
        hint = did_you_mean(key, allowed) or f"Allowed keys: {', '.join(allowed)}."
        return doc.problem(path + (key,), f'unknown key "{key}" in {where}.', hint, ident, key=True)
    if error.validator == "required":
        missing = re.search(r"'([^']+)' is a required property", error.message)
        name = missing.group(1) if missing else error.message
        return doc.problem(path, f'missing required key "{name}" in {where}.', f'Add `{name}:` to this entry.', ident)
    if error.validator == "type":
        expected = error.validator_value
        expected = " or ".join(_JSON_TYPES.get(t, t) for t in expected) if isinstance(expected, list) else _JSON_TYPES.get(expected, expected)
        got = _type_name(error.instance)
        if not path:
            return doc.problem(path, f"the file must be a mapping, not {got}.", "Start the file with `part:` (or `terms:`, `people:`, `events:`).", ident)
        hint = "Wrap the text in quotes." if expected.startswith("text") else f"Write {expected} here."
        if expected == "a list":
            hint = "Write a list, e.g. `[a, b]` or one `- item` per line."
        return doc.problem(path, f"{where} must be {expected}, not {got}.", hint, ident)
    if error.validator == "enum":
        choices = [str(c) for c in error.validator_value]
        return doc.problem(path, f'"{error.instance}" is not an allowed value for {where}.',
                           did_you_mean(str(error.instance), choices) or f"Use one of: {', '.join(choices)}.", ident)
    if error.validator == "pattern":
        return doc.problem(path, f'"{error.instance}" is not a valid value for {where}.',
                           _pattern_hint(path), ident)
    if error.validator == "minLength":
        return doc.problem(path, f"{where} is empty.", "Write something here or remove the key.", ident)
    if error.validator in ("minimum", "maximum") and path and path[-1] in ("lat", "lon"):
        return doc.problem(path, f"{where} is {error.instance}, outside {'-90..90' if path[-1] == 'lat' else '-180..180'}.",
                           "Write decimal degrees, north and east positive (Tbilisi: lat 41.7151, lon 44.8271); "
                           "check that latitude and longitude are not swapped.", ident)
    if error.validator == "minimum":
        return doc.problem(path, f"{where} must be at least {error.validator_value}.", "Occurrences count from 1.", ident)
    if error.validator == "oneOf":
        return doc.problem(path, f'"{error.instance}" is not a valid value for {where}.', _pattern_hint(path), ident)
    return doc.problem(path, f"{where}: {error.message}.", "See docs/contributing.md.", ident)  # pragma: no cover


def _pattern_hint(path: tuple) -> str:
    last = str(path[-1]) if path else ""
    if last in ("date", "born", "died"):
        return 'Write a year or an ISO date in quotes: "1899", "1899-03" or "1899-03-29".'
    if last in ("id", "part", "see_also") or isinstance(path[-1], int):
        return "Use lowercase letters, digits and hyphens, e.g. `lenins-testament`."
    return "See docs/contributing.md."


_JSON_TYPES = {"string": "text", "array": "a list", "object": "a mapping", "integer": "a whole number",
               "boolean": "true or false", "null": "empty", "number": "a number"}


def _type_name(value: Any) -> str:
    return {dict: "a mapping", list: "a list", str: "text", bool: "true/false", int: "a number",
            float: "a number", type(None): "empty"}.get(type(value), type(value).__name__)


def _entry_id(data: Any, path: tuple) -> str:
    node = data
    for step in path:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            return ""
        if isinstance(node, dict) and isinstance(node.get("id"), str):
            ident = node["id"]
    return locals().get("ident", "")


# -- records ------------------------------------------------------------------------------------

def _place(doc: YamlDoc, path: tuple) -> Place:
    line, col = doc.where(path)
    return Place(doc.file, line, col)


def _anchor(raw: dict) -> Anchor:
    return Anchor(raw["quote"], raw.get("prefix", ""), raw.get("suffix", ""), raw.get("occurrence"), raw.get("near"))


def _part(doc: YamlDoc, stem: str, slugs: list[str], problems: list[Problem]) -> PartLayer | None:
    data = doc.data
    slug = data["part"]
    if slug not in slugs:
        problems.append(doc.problem(("part",), f'unknown part "{slug}".',
                                    did_you_mean(slug, slugs) or f"Parts: {', '.join(slugs)}."))
        return None
    if stem != slug:
        problems.append(doc.problem(("part",), f'the file is named "{stem}.yml" but says part: {slug}.',
                                    f"Rename the file to annotations/{slug}.yml (one file per part)."))
        return None
    layer = PartLayer(slug, _place(doc, ()), data.get("synopsis", ""), list(data.get("questions", [])))
    for i, raw in enumerate(data.get("annotations", [])):
        path = ("annotations", i)
        anchor = _anchor(raw["anchor"])
        words = quote_words(anchor.quote)
        if words > MAX_QUOTE_WORDS:
            problems.append(doc.problem(path + ("anchor", "quote"),
                                        f"the quote has {words} words; at most {MAX_QUOTE_WORDS} are allowed.",
                                        "Shorten it to the shortest phrase that is unique in the part; add `prefix:` or `suffix:` if it repeats.",
                                        raw["id"]))
            continue
        if anchor.occurrence is not None and not (anchor.prefix or anchor.suffix):
            problems.append(doc.problem(path + ("anchor", "occurrence"),
                                        "`occurrence` counts passages in order: if the text's paragraphs move, it points at another one.",
                                        "Prefer `prefix:` or `suffix:` (a few words around the quote), which move with the passage.",
                                        raw["id"], severity="warning"))
        layer.annotations.append(Annotation(
            raw["id"], slug, anchor, raw["kind"], raw["body"], _place(doc, path),
            list(raw.get("sources", [])), list(raw.get("tags", [])), raw.get("author", ""),
            _place(doc, path + ("anchor", "quote"))))
    return layer


def _terms(doc: YamlDoc) -> Iterable[Term]:
    for i, raw in enumerate(doc.data["terms"]):
        forms = _unique([raw["term"], *raw.get("forms", [])])
        yield Term(raw["id"], raw["term"], raw["short"], _place(doc, ("terms", i)), raw.get("category", "other"),
                   raw.get("russian", ""), raw.get("transliteration", ""), forms, bool(raw.get("case_sensitive", False)),
                   raw.get("long", ""), list(raw.get("see_also", [])), bool(raw.get("in_text", True)),
                   list(raw.get("exclude", [])), list(raw.get("sources", [])))


def _people(doc: YamlDoc) -> Iterable[Person]:
    for i, raw in enumerate(doc.data["people"]):
        forms = _unique([*raw.get("forms", [])] or [raw["name"]])
        yield Person(raw["id"], raw["name"], raw["short"], _place(doc, ("people", i)), raw.get("full_name", ""), forms,
                     _text(raw.get("born")), _text(raw.get("died")), list(raw.get("roles", [])), raw.get("long", ""),
                     bool(raw.get("case_sensitive", True)), list(raw.get("exclude", [])), list(raw.get("sources", [])))


def _events(doc: YamlDoc, slugs: list[str], problems: list[Problem]) -> Iterable[Event]:
    for i, raw in enumerate(doc.data["events"]):
        if raw["part"] not in slugs:
            problems.append(doc.problem(("events", i, "part"), f'unknown part "{raw["part"]}".',
                                        did_you_mean(raw["part"], slugs) or f"Parts: {', '.join(slugs)}.", raw["id"]))
            continue
        anchor = _anchor(raw["anchor"]) if "anchor" in raw else None
        if anchor and quote_words(anchor.quote) > MAX_QUOTE_WORDS:
            problems.append(doc.problem(("events", i, "anchor", "quote"), f"the quote has {quote_words(anchor.quote)} words; at most {MAX_QUOTE_WORDS} are allowed.",
                                        "Shorten it.", raw["id"]))
            anchor = None
        yield Event(raw["id"], str(raw["date"]), raw["event"], raw["part"], _place(doc, ("events", i)), anchor)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


# -- checks across files ------------------------------------------------------------------------

def cross_check(layer: Layer, slugs: list[str]) -> list[Problem]:
    """Duplicate ids, forms claimed twice, unknown see_also and unknown link targets."""
    problems: list[Problem] = []
    targets = {
        "part": set(slugs),
        "ann": set(),
        "term": {t.id for t in layer.terms},
        "person": {p.id for p in layer.people},
        "event": {e.id for e in layer.events},
        "place": {p.id for p in layer.places},
    }
    first: dict[tuple[str, str], Place] = {}

    def unique(kind: str, ident: str, place: Place) -> None:
        if (kind, ident) in first:
            other = first[(kind, ident)]
            problems.append(Problem(place.file, place.line, place.col, f'duplicate {kind} id "{ident}" (first used at {other.file}:{other.line}).',
                                    "Ids must be unique: choose another one.", ident))
        else:
            first[(kind, ident)] = place

    for ann in layer.annotations():
        unique("annotation", ann.id, ann.place)
        targets["ann"].add(ann.id)
    for term in layer.terms:
        unique("term", term.id, term.place)
    for person in layer.people:
        unique("person", person.id, person.place)
    for event in layer.events:
        unique("event", event.id, event.place)

    owners: dict[str, tuple[str, Place]] = {}
    for entry in [*layer.terms, *layer.people, *layer.places]:
        for form in entry.forms:
            mark = PUNCTUATION.search(form)
            if mark:
                problems.append(Problem(entry.place.file, entry.place.line, entry.place.col,
                                        f'the form "{form}" has "{mark.group()}" in it; a form never spans punctuation, '
                                        "so it would never match.", "Keep to the words on one side of the punctuation.", entry.id))
            key = form.replace("’", "'").casefold()
            if key in owners and owners[key][0] != entry.id:
                owner, place = owners[key]
                problems.append(Problem(entry.place.file, entry.place.line, entry.place.col,
                                        f'the form "{form}" is already claimed by "{owner}" ({place.file}:{place.line}).',
                                        "A form may link to one entry only: remove it here or there, or use a longer form.", entry.id))
            else:
                owners.setdefault(key, (entry.id, entry.place))

    for entry in [*layer.terms, *layer.people, *layer.places]:
        own = TermIndex([("own", entry.forms, entry.case_sensitive)])
        for phrase in entry.exclude:
            mark = PUNCTUATION.search(phrase)
            if mark:
                problems.append(Problem(entry.place.file, entry.place.line, entry.place.col,
                                        f'the exclude phrase "{phrase}" has "{mark.group()}" in it; like a form, a phrase never '
                                        "spans punctuation, so it would never match.",
                                        "Keep to the words on one side of the punctuation.", entry.id))
            elif not any(True for _ in own.find(phrase)):
                problems.append(Problem(entry.place.file, entry.place.line, entry.place.col,
                                        f'the exclude phrase "{phrase}" contains none of the forms of "{entry.id}", so it changes nothing.',
                                        "Write the whole phrase the text has around the form, e.g. \"Kiev Theological Seminary\" "
                                        "for the form \"seminary\".", entry.id))

    for term in layer.terms:
        for ref in term.see_also:
            if ref not in targets["term"]:
                problems.append(Problem(term.place.file, term.place.line, term.place.col, f'see_also names unknown term "{ref}".',
                                        did_you_mean(ref, targets["term"]) or "Use the id of a term in glossary.yml.", term.id))

    def links(text: str, place: Place, ident: str) -> None:
        for m in LINK.finditer(text or ""):
            scheme, target = m.group(1), m.group(2)
            if target not in targets[scheme]:
                problems.append(Problem(place.file, place.line, place.col, f'the link "{scheme}:{target}" points to nothing.',
                                        did_you_mean(target, targets[scheme]) or f"Use the id of an existing {scheme}.", ident))

    for part in layer.parts.values():
        links(part.synopsis, part.place, part.part)
        for ann in part.annotations:
            links(ann.body, ann.place, ann.id)
            for source in ann.sources:
                links(source, ann.place, ann.id)
    for term in layer.terms:
        links("\n".join([term.short, term.long, *term.sources]), term.place, term.id)
    for person in layer.people:
        links("\n".join([person.short, person.long, *person.sources]), person.place, person.id)
    for event in layer.events:
        links(event.event, event.place, event.id)
    for place in layer.places:
        links(place.note, place.place, place.id)
    problems.extend(check_places(layer))
    return problems
