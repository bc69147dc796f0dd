"""Synthetic books for the benchmark: original generated text, never the real book.

A synthetic project has the same shape as the real one (a profile, imported
parts with sections and footnotes, annotations, a glossary), so a build of it
exercises every stage of the hooks. Sizes scale the text; `forms` scales the
glossary's forms while keeping the number of entries fixed, which isolates the
cost of term *matching* from the cost of rendering glossary entries.
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

import yaml

SYLLABLES = ["ka", "lo", "mir", "so", "vet", "gra", "no", "plan", "tur", "bek", "zo", "ra", "din", "pol", "ost",
             "ne", "ver", "sta", "lin", "gor", "dum", "pra", "vda", "kol", "khoz", "del", "mar", "tin"]
CONNECTORS = ["the", "of", "and", "in", "to", "a", "was", "that", "for", "with", "by", "on", "as", "from"]
PARTS = 15
WORDS_PER_PART_1X = 13_500  # ~200k words in 15 parts, like the real book


@dataclass(frozen=True)
class Spec:
    """What to generate: `scale` times the text of a book, and `forms` glossary forms in all."""

    scale: float = 1.0
    forms: int = 100
    entries: int = 100
    annotations_per_part: int = 20
    seed: int = 1878


def word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3)))


def sentence(rng: random.Random, terms: list[str]) -> str:
    words = []
    for _ in range(rng.randint(8, 22)):
        roll = rng.random()
        words.append(rng.choice(terms) if roll < 0.03 else rng.choice(CONNECTORS) if roll < 0.45 else word(rng))
    return " ".join(words).capitalize() + "."


def glossary_forms(spec: Spec) -> list[list[str]]:
    """`spec.forms` distinct forms spread over `spec.entries` entries."""
    per_entry = max(1, spec.forms // spec.entries)
    return [[f"zterm{e}x{f}" for f in range(per_entry)] for e in range(spec.entries)]


def make_book(root: Path, spec: Spec, repo: Path) -> Path:
    """Write a complete synthetic project under `root` (mkdocs.yml included) and return it."""
    rng = random.Random(spec.seed)
    forms = glossary_forms(spec)
    used_terms = [entry[0] for entry in forms] + [entry[-1] for entry in forms]
    parts = [{"slug": f"part-{i:02d}", "title": f"Synthetic Part {i}", "kind": "chapter", "number": i}
             for i in range(1, PARTS + 1)]
    (root / "profiles").mkdir(parents=True, exist_ok=True)
    (root / "profiles" / "stalin-new-biography.yml").write_text(
        yaml.safe_dump({"book": {"title": "A Synthetic Book"}, "parts": parts}), encoding="utf-8")
    book = root / "docs" / "book"
    book.mkdir(parents=True, exist_ok=True)
    ann_dir = root / "annotations"
    ann_dir.mkdir(exist_ok=True)
    words_per_part = int(WORDS_PER_PART_1X * spec.scale)
    for part in parts:
        text, anchors = _part_text(rng, part, words_per_part, used_terms, spec.annotations_per_part)
        (book / f"{part['slug']}.md").write_text(text, encoding="utf-8")
        annotations = [{"id": f"{part['slug']}-a{n}", "anchor": {"quote": quote}, "kind": "context",
                        "body": f"A generated note number {n} with *emphasis* and a [link](part:{part['slug']})."}
                       for n, quote in enumerate(anchors)]
        (ann_dir / f"{part['slug']}.yml").write_text(
            yaml.safe_dump({"part": part["slug"], "synopsis": "A generated synopsis.", "annotations": annotations},
                           allow_unicode=True), encoding="utf-8")
    (book / "manifest.json").write_text(json.dumps({"book": {"title": "A Synthetic Book"}, "parts": parts}), encoding="utf-8")
    terms = [{"id": f"zterm{e}", "term": entry[0], "forms": entry, "short": f"Generated term {e}."} for e, entry in enumerate(forms)]
    (ann_dir / "glossary.yml").write_text(yaml.safe_dump({"terms": terms}), encoding="utf-8")
    (ann_dir / "people.yml").write_text(yaml.safe_dump({"people": []}), encoding="utf-8")
    (ann_dir / "timeline.yml").write_text(yaml.safe_dump({"events": []}), encoding="utf-8")
    (root / "docs" / "index.md").write_text("# Synthetic\n\nA generated book.\n", encoding="utf-8")
    (root / "docs" / "contributing.md").write_text("# Contributing\n", encoding="utf-8")
    assets = root / "docs" / "assets"
    assets.mkdir(exist_ok=True)
    for name in ("reader.css", "reader.js"):
        (assets / name).write_bytes((repo / "docs" / "assets" / name).read_bytes())
    if (repo / "node_modules").exists() and not (root / "node_modules").exists():
        (root / "node_modules").symlink_to(repo / "node_modules")
    from run import bench_config
    (root / "mkdocs.yml").write_text(bench_config(repo / "mkdocs.yml"), encoding="utf-8")
    return root


def _part_text(rng: random.Random, part: dict, words: int, terms: list[str], annotations: int) -> tuple[str, list[str]]:
    lines = [f"---\ntitle: {part['title']}\npart: {part['slug']}\n---\n", f"# {part['title']}\n"]
    count, note, anchors, paragraph = 0, 0, [], 0
    while count < words:
        if paragraph % 12 == 0:
            lines.append(f"## Section {paragraph // 12 + 1} {{#section-{paragraph // 12 + 1}}}\n")
        sentences = [sentence(rng, terms) for _ in range(rng.randint(3, 7))]
        if len(anchors) < annotations and paragraph % 3 == 1:
            marker = f"unique{part['slug'].replace('-', '')}mark{len(anchors)}"
            sentences.insert(1, f"Here {marker} stands.")
            anchors.append(f"Here {marker} stands")
        text = " ".join(sentences)
        if paragraph % 4 == 0:
            note += 1
            text += f"[^{note}]"
        lines.append(text + "\n")
        count += len(text.split())
        paragraph += 1
    lines.extend(f"[^{n}]: A generated endnote {n}, with a source in *Some Archive*, f. {n}.\n" for n in range(1, note + 1))
    return "\n".join(lines), anchors


def markdown_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in (root / "docs" / "book").glob("*.md"))
