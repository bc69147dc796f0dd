"""Writing `annotations/<part>.yml` from imported annotations, keeping what people wrote around them.

A part file also holds the part's synopsis and discussion questions, which the
W3C export does not carry. So an existing file is edited, not regenerated: only
its `annotations:` block is replaced, and every other line (synopsis, questions,
comments, their formatting) stays as it was. Inside the block, an entry whose
data did not change keeps its original text too (quoting, line breaks, comments),
so the pull request's diff shows exactly the annotations that changed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import jsonschema
import yaml

from ..load import schema
from ..problems import Problem
from ..yamlsource import parse_yaml
from .jsonld import Imported, ReadResult

HEADER = "# yaml-language-server: $schema=schema/part.schema.json\n"
ANCHOR_KEYS = ("quote", "prefix", "suffix", "occurrence")
RECORD_KEYS = ("id", "anchor", "kind", "body", "sources", "tags", "author")


class _Flow(list):
    """A list written inline: `tags: [a, b]`."""


class _Dumper(yaml.SafeDumper):
    """Block sequences indented under their key and double quotes, as the hand-written files have them."""

    def increase_indent(self, flow: bool = False, indentless: bool = False):
        return super().increase_indent(flow, False)

    def choose_scalar_style(self):
        style = super().choose_scalar_style()
        return '"' if style == "'" else style


def _string(dumper: yaml.SafeDumper, value: str):
    # Multi-line text (bodies) as a literal block, the way contributors write it; PyYAML falls
    # back to a quoted scalar by itself when a block cannot represent the text exactly.
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _string)
_Dumper.add_representer(_Flow, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True))


def _entry(record: dict) -> dict:
    entry = {}
    for key in RECORD_KEYS:
        if key not in record:
            continue
        value = record[key]
        if key == "anchor":
            value = {k: value[k] for k in ANCHOR_KEYS if k in value}
        elif key == "tags":
            value = _Flow(value)
        entry[key] = value
    return entry


def annotations_block(records: list[dict]) -> str:
    """`annotations:` and its entries, in the key order of the hand-written files."""
    return yaml.dump({"annotations": [_entry(r) for r in records]}, Dumper=_Dumper, sort_keys=False,
                     allow_unicode=True, default_flow_style=False, width=1_000_000, indent=2)


def _entry_text(record: dict, indent: int) -> str:
    """One entry as `annotations_block` writes it, its `- ` at column `indent`."""
    lines = annotations_block([record]).splitlines(keepends=True)[1:]
    shift = indent - 2
    if shift < 0:
        return "".join(line[-shift:] if line.startswith(" " * -shift) else line for line in lines)
    return "".join(" " * shift + line if line.strip() else line for line in lines)


def existing_lines(existing: str, slug: str):
    """(parsed document, its lines each ending in a newline), or (the reason it cannot be read, None)."""
    doc = parse_yaml(existing.encode("utf-8"), slug)
    if not isinstance(doc.data, dict):
        reason = doc.problems[0].message if doc.problems else "it is not a mapping"
        return f"the existing file cannot be read ({reason})", None
    lines = existing.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    return doc, lines


def part_file(slug: str, records: list[dict], existing: str | None = None) -> tuple[str | None, str]:
    """The new text of annotations/<slug>.yml, or (None, reason) when the existing file cannot be kept."""
    block = annotations_block(records)
    if existing is None:
        return f"{HEADER}part: {slug}\n{block}", ""
    doc, lines = existing_lines(existing, slug)
    if lines is None:
        return None, f"{doc}, so its synopsis and questions cannot be kept"
    tops = sorted(line for (key, *rest), (line, col) in doc.key_marks.items() if not rest)
    if "annotations" not in doc.data:
        return "".join(lines) + block, ""
    start = doc.key_marks[("annotations",)][0] - 1
    after = [line for line in tops if line - 1 > start]
    end = after[0] - 1 if after else len(lines)
    while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].startswith("#")) and after:
        end -= 1  # blank lines and comments just above the next key belong to that key
    block = _merge(doc, lines, start, end, records) or block
    return "".join(lines[:start]) + block + "".join(lines[end:]), ""


def _merge(doc, lines: list[str], start: int, end: int, records: list[dict]) -> str | None:
    """The annotations block reusing the text of unchanged entries; None when the old block is not a plain list."""
    old = doc.data.get("annotations")
    if not isinstance(old, list) or not old or not all(isinstance(e, dict) and isinstance(e.get("id"), str) for e in old):
        return None
    starts = [doc.marks[("annotations", i)][0] - 1 for i in range(len(old))]
    if starts[0] <= start or any(a >= b for a, b in zip(starts, starts[1:])) or starts[-1] >= end:
        return None  # a flow-style list, or entries sharing lines: regenerate the block
    dash = lines[starts[0]].find("-")
    if dash < 0 or any(lines[i].find("-") != dash for i in starts):
        return None
    ranges = list(zip(starts, starts[1:] + [end]))
    texts = {entry["id"]: (entry, "".join(lines[a:b])) for entry, (a, b) in zip(old, ranges)}
    out = ["".join(lines[start:starts[0]])]  # the key line and anything before the first entry
    for record in records:
        kept = texts.get(record["id"])
        if kept and _same(kept[0], record):
            text = kept[1]
            out.append(text if text.endswith("\n") else text + "\n")
        else:
            out.append(_entry_text(record, dash))
    return "".join(out)


def _same(entry: dict, record: dict) -> bool:
    """Equal as data (key order, quoting and empty lists do not count)."""
    clean = lambda d: {k: v for k, v in d.items() if v not in ([], "", None)}  # noqa: E731
    return clean({**entry, "anchor": clean(entry.get("anchor") or {})}) == clean({**record, "anchor": clean(record.get("anchor") or {})})


@dataclass
class ImportPlan:
    """The files an import would write, the ones it leaves as they are, and why it cannot go on."""

    writes: dict[Path, str] = field(default_factory=dict)
    unchanged: list[Path] = field(default_factory=list)
    counts: dict[Path, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def plan_import(read: ReadResult, slugs: list[str], out_dir: Path, force: bool = False) -> ImportPlan:
    """Decide every file before writing any: an import is all or nothing.

    Each new file is validated against the part schema (what `reader check` will ask),
    with problems placed on the annotation in the JSON file; an existing file with
    other annotations is replaced only with `force`.
    """
    plan = ImportPlan(problems=list(read.problems))
    by_part: dict[str, list[Imported]] = {}
    for imported in read.annotations:
        by_part.setdefault(imported.part, []).append(imported)
    validator = jsonschema.Draft202012Validator(schema("part"))
    for slug in [s for s in slugs if s in by_part]:
        items = by_part[slug]
        path = out_dir / f"{slug}.yml"
        existing = path.read_text(encoding="utf-8") if path.is_file() else None
        text, reason = part_file(slug, [i.record for i in items], existing)
        if text is None:
            plan.problems.append(Problem(str(path), 1, 1, f"{reason}.", "Fix the file, or move it away and import again."))
            continue
        for error in validator.iter_errors(yaml.safe_load(text)):
            where = list(error.absolute_path)
            index = where[1] if len(where) > 1 and where[0] == "annotations" and isinstance(where[1], int) else 0
            item = items[min(index, len(items) - 1)]
            field_name = "/".join(map(str, where[2:])) or "the annotation"
            plan.problems.append(read.places.problem(item.path, f"{field_name}: {error.message}.",
                                                     "See docs/contributing.md for what an annotation may hold.", item.id))
        plan.counts[path] = len(items)
        if existing == text:
            plan.unchanged.append(path)
            continue
        if existing is not None and not force:
            old = parse_yaml(existing.encode("utf-8"), str(path)).data
            count = len(old.get("annotations") or []) if isinstance(old, dict) else 0
            plan.problems.append(Problem(str(path), 1, 1,
                                         f"the file exists; importing would replace its {count} annotation(s) with {len(items)}.",
                                         "Pass --force to replace them (the synopsis and questions are kept), or choose another --out-dir."))
            continue
        plan.writes[path] = text
    return plan
