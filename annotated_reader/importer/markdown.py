"""Markdown: writing a part, and the Illustrations page, in the format other code relies on.

The format (YAML front matter, `# Title`, `## Section {#id}`, `[^n]` markers,
footnote definitions with 4-space continuation paragraphs, two trailing spaces
for a kept line break) is a contract with the site build and the anchoring of
annotations, so it is produced in one place. Text is otherwise left as the
book has it (its `*emphasis*`, quotes, dashes, Cyrillic); only a line start that
Markdown would read as a list, heading or quote is escaped, so a numbered line
of a letter stays a line of text.
"""
from __future__ import annotations

import json
import re

from .model import Caption, Heading, Paragraph, Part

_LIST_START = re.compile(r"^(\d+)([.)])(\s)")
_BLOCK_START = re.compile(r"^(#|>|[-+*](?=\s|$))")
HARD_BREAK = "  \n"


def escape_line(text: str) -> str:
    """Escape a line start Markdown would take for syntax ("1. ", "- ", "# ", "> ")."""
    text = _LIST_START.sub(r"\1\\\2\3", text)
    return _BLOCK_START.sub(r"\\\1", text)


def front_matter(fields: dict[str, object]) -> str:
    """YAML front matter; the title is JSON-quoted (YAML reads it back unchanged, colon and all).

    Slugs and kinds are plain lower-case words (the profile checks them), so
    they stay unquoted as in the documented format.
    """
    lines = ["---"]
    for key, value in fields.items():
        if value is None:
            continue
        lines.append(f"{key}: {json.dumps(value, ensure_ascii=False) if key == 'title' else value}")
    return "\n".join(lines + ["---", ""])


def render_part(part: Part) -> str:
    """The Markdown file of one part."""
    spec = part.spec
    meta = {"title": spec.title, "part": spec.slug, "kind": spec.kind, "number": part.number}
    out = [front_matter(meta), f"# {spec.title}", ""]
    for item in part.items:
        if isinstance(item, Heading):
            out += [f"## {item.title} {{#{item.id}}}", ""]
        else:
            out += [render_paragraph(item), ""]
    for note in part.notes:
        first, *rest = note.paragraphs
        out += [f"[^{note.number}]: {escape_line(first)}", ""]
        for paragraph in rest:
            out += [f"    {escape_line(paragraph)}", ""]
    return "\n".join(out).rstrip("\n") + "\n"


def render_paragraph(paragraph: Paragraph) -> str:
    """One paragraph; the lines of a verse, letter or diary block end with a hard break."""
    return HARD_BREAK.join(escape_line(line) for line in paragraph.lines)


def render_illustrations(captions: list[Caption], title: str = "Illustrations") -> str:
    """The Illustrations page: each plate caption one paragraph, its credit kept."""
    out = [front_matter({"title": title, "kind": "illustrations"}), f"# {title}", ""]
    for caption in captions:
        out += [HARD_BREAK.join(escape_line(line) for line in caption.lines), ""]
    return "\n".join(out).rstrip("\n") + "\n"
