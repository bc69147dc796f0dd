"""Print a seeded random sample of the annotation layer for a fact-check against the book.

The review method (docs/contributing.md, "Reviewing the layer") checks each sampled entry
against the book and counts it as supported, outside, doubtful or wrong. The seed is fixed
here so that anyone can print the same sample again and repeat or audit the count:

    python scripts/review_sample.py                # the sample of the last recorded review
    python scripts/review_sample.py --seed 2027    # a fresh sample for the next review

Sizes are those of the first review: 50 annotations, 25 glossary terms, 25 people, 25 events.
Only the layer is read (annotations/*.yml); the book's text is not needed to print the sample.
"""
from __future__ import annotations

import argparse
import random
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from annotated_reader.book import load_book  # noqa: E402
from annotated_reader.load import load_layer  # noqa: E402

SEED = 1717  # the sample of the re-check recorded in docs/contributing.md (issue 17)
SIZES = {"annotations": 50, "glossary": 25, "people": 25, "events": 25}


def sample(seed: int = SEED) -> dict[str, list]:
    """The sampled records per kind, each kind drawn with its own generator so the kinds stay independent."""
    book = load_book(ROOT, ROOT / "no-such-dir")  # the profile only
    layer, _ = load_layer(ROOT / "annotations", book.parts, ROOT)
    pools = {"annotations": layer.annotations(), "glossary": layer.terms, "people": layer.people, "events": layer.events}
    return {kind: sorted(random.Random(f"{seed}:{kind}").sample(pool, SIZES[kind]), key=lambda r: r.id)
            for kind, pool in pools.items()}


def describe(kind: str, record) -> str:
    where = f"{record.place.file}:{record.place.line}"
    if kind == "annotations":
        head, text = f"[{record.kind}] quote: {record.anchor.quote}", record.body
    elif kind == "glossary":
        head, text = record.term, record.short + "\n" + record.long
    elif kind == "people":
        head, text = f"{record.name} ({record.dates})", record.short + "\n" + record.long
    else:
        head, text = record.date, record.event
    sources = "".join(f"\n    source: {s}" for s in getattr(record, "sources", []))
    body = textwrap.indent(textwrap.fill(" ".join(text.split()), 100), "    ")
    return f"{record.id}  ({where})  {head}\n{body}{sources}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    for kind, records in sample(args.seed).items():
        print(f"== {kind} ({len(records)}), seed {args.seed}")
        for record in records:
            print(describe(kind, record))
        print()


if __name__ == "__main__":
    main()
