"""Bodies are converted without the inline patterns that cannot match them (render._body_markdown):
the output must be exactly what the full converter gives, on every text of the layer and on texts
made to use each pattern, alone and together."""
from __future__ import annotations

from pathlib import Path

import markdown
import pytest

from annotated_reader import render
from annotated_reader.book import load_book
from annotated_reader.load import load_layer

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = [
    "Plain words, nothing else.", "Two lines\\nof one paragraph.", "A line break  \\nhere.", "A tab\\tand  \\r\\nCRLF.",
    "`code` and \\\\*escaped\\\\*", "[a link](https://example.org) and [ref][r]\\n\\n[r]: https://example.org",
    "![an image](x.png) and ![ref][r]", "<https://example.org> and <someone@example.org>", "<b>bold</b> &amp; &#169;",
    "*em* and **strong** and _under_ and __double__", "a * lone star and a _ lone underscore", "- a list\\n- of two",
    "1. one\\n2. two", "> a quote with *em*", "# A heading", "Setext\\n---", "    indented code", "5 < 6 & 7 > 3",
    "a\\\\\\nb", "[unclosed", "![", "`unclosed", "x  \\n", "*", "_",
]


def _full() -> markdown.Markdown:
    return markdown.Markdown(extensions=render.BODY_EXTENSIONS, output_format="html")


def _layer_texts() -> list[str]:
    book = load_book(ROOT, ROOT / "docs" / "book")
    layer, _ = load_layer(ROOT / "annotations", book.parts, ROOT)
    texts = [a.body for a in layer.annotations()] + [s for a in layer.annotations() for s in a.sources]
    for entry in [*layer.terms, *layer.people]:
        texts += [entry.short, entry.long, *entry.sources]
    texts += [e.event for e in layer.events] + [p.note for p in layer.places]
    return [t for t in texts if t]


@pytest.mark.parametrize("text", [s.encode().decode("unicode_escape") for s in SAMPLES])
def test_samples_convert_as_with_every_pattern(text):
    assert render._body_markdown(render._inline_patterns(text)).reset().convert(text) == _full().convert(text)


def test_every_layer_text_converts_as_with_every_pattern():
    full = _full()
    texts = _layer_texts()
    assert len(texts) > 1000
    for text in texts:
        assert render._body_markdown(render._inline_patterns(text)).reset().convert(text) == full.reset().convert(text), text


def test_patterns_left_out_are_only_those_that_cannot_match():
    assert render._inline_patterns("plain") == frozenset(render._PATTERN_NEEDS)
    assert "link" not in render._inline_patterns("[x](y)") and "em_strong" not in render._inline_patterns("a_b")
    known = {p.name for p in _full().inlinePatterns._priority}
    assert set(render._PATTERN_NEEDS) <= known, "a pattern was renamed: update _PATTERN_NEEDS"
