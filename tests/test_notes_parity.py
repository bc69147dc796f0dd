"""The browser's anchoring (docs/assets/notes/anchoring.js) agrees with anchor.py, run with node.

On the real text (READER_SOURCE imported into docs/book): the normalized reading text of every
part is the same string with the same offset map, and every anchor of the layer lands on the same
span, or, where anchor.py had to score changed text (a path the port leaves out), is refused by the
port rather than placed elsewhere. Without the imported text, the ORIGINAL mini book's parts and a
table of typographic cases are compared instead, so the test always runs.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from annotated_reader.anchor import Failure, match_quote, normalize
from annotated_reader.model import Anchor

ROOT = Path(__file__).resolve().parents[1]
ANCHORING = ROOT / "docs" / "assets" / "notes" / "anchoring.js"
NODE = shutil.which("node")
EXACT = ("exact", "prefix-suffix", "occurrence")

pytestmark = pytest.mark.skipif(not NODE, reason="node is not installed (bash scripts/setup installs it)")

_RUNNER = """
const A = require(process.argv[1]);
const data = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const out = {texts: {}, matches: []};
const norms = {};
for (const [key, text] of Object.entries(data.texts)) {
  const n = A.normalize(text);
  norms[key] = n;
  out.texts[key] = {text: n.text, segments: n.segments};
}
for (const [key, anchor] of data.anchors) {
  const m = A.matchQuote(norms[key], anchor);
  out.matches.push(m.reason ? {reason: m.reason} : {start: m.start, end: m.end, method: m.method, paragraph: m.paragraph});
}
process.stdout.write(JSON.stringify(out));
"""


def run_node(texts: dict[str, str], anchors: list[tuple[str, dict]]) -> dict:
    done = subprocess.run([NODE, "-e", _RUNNER, str(ANCHORING)], input=json.dumps({"texts": texts, "anchors": anchors}),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def compare(texts: dict[str, str], anchors: list[tuple[str, Anchor]]) -> dict:
    """Assert parity; return counts for the report."""
    js = run_node(texts, [(key, {k: v for k, v in a.__dict__.items() if v not in (None, "")}) for key, a in anchors])
    for key, text in texts.items():
        norm = normalize(text)
        assert js["texts"][key]["text"] == norm.text, f"{key}: normalized text differs"
        assert [tuple(s) for s in js["texts"][key]["segments"]] == list(norm.segments), f"{key}: offset map differs"
    counts = {"same": 0, "refused": 0}
    norms = {key: normalize(text) for key, text in texts.items()}
    for (key, anchor), got in zip(anchors, js["matches"]):
        want = match_quote(norms[key], anchor)
        if isinstance(want, Failure):
            assert "reason" in got, f"{key}: {anchor.quote!r}: Python refuses ({want.reason}), JS places it: {got}"
            counts["refused"] += 1
        elif want.method in EXACT:
            assert (got.get("start"), got.get("end"), got.get("method"), got.get("paragraph")) == \
                (want.start, want.end, want.method, want.paragraph), f"{key}: {anchor.quote!r}: {got} != {want}"
            counts["same"] += 1
        else:  # scored on changed text: the port refuses, or places on the very same span
            assert "reason" in got or (got["start"], got["end"]) == (want.start, want.end), f"{key}: {anchor.quote!r}: {got}"
            counts["refused"] += 1
    return counts


def test_parity_on_typographic_cases():
    texts = {"t": ("Title\u2029\n\u2029He said \u201cno\u201d \u2014 twice\u2026  *really*\u00b9 the soft\u00adhyphen, "
                   "the zero\u200bwidth and\u2028a line;\u2029  \u2029She said \u201cno\u201d -- again, and \u00abno\u00bb again "
                   "\u2014*\u2014 the end. Caf\u0065\u0301 and kulaks, a kulak.\ufeff\u2029")}
    anchors = [("t", Anchor(q, p, s, o)) for q, p, s, o in [
        ('said "no"', "", "", None), ("said \u201cno\u201d", "She", "", None), ("no", "", "", 2),
        ("twice...", "", "", None), ("softhyphen", "", "", None), ("and a line", "", "", None), ("kulak", "", "", None),
        ("again", "no\u00bb", "", None), ("- the end", "", "", None), ("Caf\u00e9", "", "", None), ("absent words", "", "", None),
        ("no", "", "again", None), ("no", "said \u201c", "", None)]]
    counts = compare(texts, anchors)
    assert counts["same"] >= 8 and counts["refused"] >= 2


def test_parity_on_every_anchor_of_the_layer():
    from annotated_reader.export.placed import place_edition

    placed = place_edition(ROOT)
    if not placed.parts:
        pytest.skip("no imported text in docs/book (READER_SOURCE): the real layer cannot be placed")
    texts = {slug: part.tm.reading for slug, part in placed.parts.items()}
    anchors = [(ann.part, ann.anchor) for ann in placed.edition.layer.annotations() if ann.part in texts]
    anchors += [(e.part, e.anchor) for e in placed.edition.layer.events if e.anchor and e.part in texts]
    counts = compare(texts, anchors)
    print(f"parity: {counts['same']} anchors on the same span, {counts['refused']} refused by both or scored by Python only")
    assert counts["same"] >= len(anchors) * 0.9, counts
