"""Report: what the import did, as JSON for tools and as a short printed summary.

The report is the importer's accountability: per part the paragraphs, words
and linked notes; every repair with its source line; the unresolved problems;
and the word balance that shows nothing was lost or invented.
"""
from __future__ import annotations

from collections import Counter

from .model import REPAIR_KINDS, ImportResult

WORD_RULE = ("words_in counts the source's body and notes (not front matter, part headings, NOTES group "
             "headings, page artefacts or plates); a word cut by a page break counts once. words_out counts "
             "the parts' Markdown without the syntax the importer adds.")


def build_report(result: ImportResult, counts: dict) -> dict:
    """The import-report.json content; `counts` holds the word and artefact tallies."""
    notes_total = sum(len(part.notes) for part in result.parts)
    notes_linked = sum(part.notes_linked for part in result.parts)
    kinds = Counter(r.kind for r in result.repairs)
    return {
        "source": result.source_name,
        "parts": [{"slug": part.spec.slug, "paragraphs": len(part.paragraphs),
                   "words": counts["part_words"].get(part.spec.slug, 0), "notes_linked": part.notes_linked}
                  for part in result.parts],
        "notes_total": notes_total,
        "notes_linked": notes_linked,
        "notes_unresolved": notes_total - notes_linked,
        "words_in_raw": counts["words_in_raw"],
        "hyphenated_words_rejoined": counts["rejoined"],
        "words_in": counts["words_in"],
        "words_out": counts["words_out"],
        "words_equal": counts["words_in"] == counts["words_out"],
        "words_rule": WORD_RULE,
        "artefacts": counts["artefacts"],
        "plates": {"captions": len(result.captions), "words_in": counts["plates_in"],
                   "words_out": counts["plates_out"], "file": "illustrations.md"},
        "repair_counts": {kind: kinds.get(kind, 0) for kind in REPAIR_KINDS},
        "repairs": [r.as_dict() for r in sorted(result.repairs, key=lambda r: (r.line, r.kind))],
        "unresolved": [{"file": p.file, "line": p.line, "col": p.col, "id": p.id, "message": p.message}
                       for p in result.problems],
    }


def build_manifest(result: ImportResult, source: dict, part_words: dict[str, int]) -> dict:
    """manifest.json: the book, its parts in reading order, and the source it came from."""
    return {
        "book": result.book,
        "parts": [{
            "slug": part.spec.slug, "title": part.spec.title, "kind": part.spec.kind, "number": part.number,
            "file": f"{part.spec.slug}.md",
            "sections": [{"title": h.title, "id": h.id} for h in part.headings],
            "paragraphs": len(part.paragraphs), "words": part_words.get(part.spec.slug, 0),
            "notes": len(part.notes)} for part in result.parts],
        "illustrations": "illustrations.md",
        "source": source,
    }


def format_report(report: dict) -> str:
    """The summary `reader import` prints."""
    rows = []
    if "form" in report:
        form = report["form"]
        how = "detected" if form["detected"] else "as asked with --form"
        rows.append(f"form: {form['name']} ({how})")
        if form["furniture"]:
            rows.append("page furniture dropped: " + ", ".join(f"{k} {v}" for k, v in form["furniture"].items()))
        if form["markers"]:
            rows.append("note markers found by: " + ", ".join(f"{k} {v}" for k, v in form["markers"].items()))
        if form.get("joins"):
            rows.append("lines joined: " + ", ".join(f"{k} {v}" for k, v in form["joins"].items())
                        + (f" ({len(form['repairs'])} hyphen decisions to check in import-report.json)"
                           if form.get("repairs") else ""))
        if "numbers_not_markers" in form:
            rows.append(f"plain numbers glued to the text that the note sequence rules out as markers: "
                        f"{form['numbers_not_markers']}")
        if form["doubtful"]:
            rows.append(f"doubtful markers left unlinked: {len(form['doubtful'])} (see import-report.json)")
        if form.get("unlinked_notes"):
            rows.append(f"notes whose plain-digit marker could not be told from the text: "
                        f"{len(form['unlinked_notes'])} (see import-report.json)")
        for warning in form.get("warnings", []):
            rows.append(f"warning: {warning['file']}: {warning['message']}")
        rows.append("")
    rows.append(f"{'part':<28} {'paragraphs':>10} {'words':>9} {'notes':>7}")
    for part in report["parts"]:
        rows.append(f"{part['slug']:<28} {part['paragraphs']:>10,} {part['words']:>9,} {part['notes_linked']:>7,}")
    total_paragraphs = sum(p["paragraphs"] for p in report["parts"])
    rows.append(f"{'total':<28} {total_paragraphs:>10,} {report['words_out']:>9,} {report['notes_linked']:>7,}")
    counts = report["repair_counts"]
    plates = report["plates"]
    equal = "yes" if report["words_equal"] else "NO"
    rows += [
        "",
        f"notes linked: {report['notes_linked']}/{report['notes_total']}, "
        f"unresolved: {report['notes_unresolved']}",
        "repairs: " + ", ".join(f"{kind} {counts.get(kind, 0)}" for kind in REPAIR_KINDS),
        f"dropped page artefacts: {report['artefacts']['lines']} line(s), {report['artefacts']['words']} words",
        f"illustrations: {plates['captions']} captions, {plates['words_out']:,} words "
        f"(in {plates['words_in']:,}) -> {plates['file']}",
        f"words in == words out: {equal} ({report['words_in']:,} = {report['words_out']:,}; "
        f"{report['words_in_raw']:,} source words, {report['hyphenated_words_rejoined']} cut by a page "
        "break and rejoined)",
    ]
    if report["unresolved"]:
        rows.append(f"unresolved: {len(report['unresolved'])} (see import-report.json)")
    return "\n".join(rows)
