"""Pipeline: the whole import as one pure function from a string to an ImportResult.

Stages, in order: clean line artefacts and drop artefact lines; find the
contents, the parts and NOTES (layout); read the title page and cross-check
the contents; per part, lift the plates, split section headings from
paragraphs and rejoin page cuts; parse the notes; repair and link markers;
render the files and count the words both ways. Files are only written by
`import_book`, so tests and other modules can import from strings.
"""
from __future__ import annotations

import hashlib
import json

from ..problems import Problem
from .frontmatter import check_contents, parse_contents, parse_title_page
from .layout import Layout, find_layout, number_repairs
from .markdown import render_illustrations, render_part
from .markers import (PlainCandidate, apply_markers, choose_sequence, find_markers, link, plain_candidates,
                      repair_sequence, to_superscripts)
from .model import Block, Heading, ImportResult, Line, Paragraph, Part, Repair
from .notes import normalize_name, parse_notes
from .paragraphs import JoinRules, build_vocabulary, merge_blocks
from .plates import lift_plates
from .profile import Profile
from .report import build_manifest, build_report
from .source import blocks_of, clean_lines, split_lines
from .titlecase import slugify, title_case, unique_id
from .words import count_words, markdown_words


def import_text(text: str, profile: Profile, source_name: str, marker_style: str = "superscript") -> ImportResult:
    """Import the canonical text given as a string; problems are returned, not raised.

    `marker_style` says how the text carries note markers (forms.MARKER_STYLES).
    """
    plain = None
    result = ImportResult(source_name, {})
    repairs, problems = result.repairs, result.problems
    raw_lines = split_lines(text)
    raw = {line.number: line.text for line in raw_lines}
    if not text.strip():
        problems.append(Problem(source_name, 1, 1, "the source text is empty",
                                "Export the book again; the import needs its full text.", "source-empty"))
        return result
    lines = clean_lines(raw_lines, profile.line_start_artefacts, repairs)
    contents_line = _line_of(lines, profile.contents_heading, 0) if profile.contents_heading else None
    lines, dropped = _drop_artefacts(lines, profile, contents_line or 0, repairs)
    blocks = blocks_of(lines)
    layout = find_layout(lines, blocks, profile, source_name, problems)
    numbers: dict[str, int] = {}
    if profile.contents_heading and contents_line is None:
        problems.append(Problem(source_name, 1, 1, f'no "{profile.contents_heading}" line in the front matter',
                                "Set `contents_heading: null` in the profile if the export has none.",
                                "contents-missing"))
    elif contents_line is not None:
        numbers, found = check_contents(parse_contents(layout.contents), profile, source_name, contents_line)
        problems.extend(found)
    repairs.extend(number_repairs(layout, numbers))
    if any(p.severity == "error" for p in problems):
        return result  # parts or notes not where the profile says: linking would only add noise
    result.book = parse_title_page(layout.title_page, profile)

    body_start = layout.parts[0].heading_line if layout.parts else len(lines)
    rules = JoinRules(frozenset(profile.abbreviations), profile.short_block_words, profile.hyphen_default,
                      build_vocabulary([l.text for l in lines if l.number >= body_start]))
    if marker_style == "plain":
        plain = _plain_markers(layout, profile, rules, source_name, raw)
    lifted: list[Block] = []
    markers_of = {}
    for place in layout.parts:
        body, captions, plates = lift_plates(place.body, profile.plate_credit, profile.plate_max_gap,
                                             lambda b: _is_section(b, profile), repairs)
        result.captions.extend(captions)
        lifted.extend(plates)
        part = Part(place.spec, place.number, place.heading_line)
        part.items = _items(body, profile, rules, repairs)
        markers_of[place.spec.slug] = find_markers(
            [line for b in body if not _is_section(b, profile) for line in b.lines], raw)
        result.parts.append(part)

    group_lines: set[int] = set()
    if layout.notes_line is not None:
        section = parse_notes(layout.notes, list(profile.parts), rules, source_name, layout.notes_line,
                              repairs, problems)
        for part in result.parts:
            part.notes = section.notes.get(part.spec.slug, [])
            markers = markers_of[part.spec.slug]
            repairs.extend(repair_sequence(markers, len(part.notes), part.spec.title))
            part.notes_linked, found = link(markers, part.notes, source_name, part.spec.title,
                                            part.spec.notes or part.spec.title,
                                            missing="warning" if plain is not None else "error")
            problems.extend(found)
            apply_markers(part.paragraphs, markers)
        group_lines = set(section.group_lines.values())

    _render(result, text, lines, layout, lifted, dropped, group_lines)
    if plain is not None:
        result.report["plain_markers"] = plain
    return result


def _plain_markers(layout: Layout, profile: Profile, rules: JoinRules, source_name: str,
                   raw: dict[int, str]) -> dict:
    """Plain-digit markers made superscripts where the sequence makes them certain; the rest listed.

    Each part's glued digit runs (plates lifted, as the import does) are read
    against its 1, 2, 3 ... sequence and its note count (markers.choose_sequence).
    The chosen ones become superscript digits in the part's lines, so the rest
    of the import links, repairs and counts them as it does printed
    superscripts; the others stay text, and those that may be a missing
    note's marker are reported as doubtful with their line and why.
    """
    scratch: list[Repair] = []
    section = parse_notes(layout.notes, list(profile.parts), rules, source_name, layout.notes_line or 0,
                          scratch, [])
    report = {"sequence": 0, "not_markers": 0, "doubtful": [], "unlinked_notes": []}
    chosen: list[PlainCandidate] = []
    for place in layout.parts:
        body, _, _ = lift_plates(place.body, profile.plate_credit, profile.plate_max_gap,
                                 lambda b: _is_section(b, profile), scratch)
        candidates = plain_candidates([line for b in body if not _is_section(b, profile) for line in b.lines])
        notes = section.notes.get(place.spec.slug, [])
        picked, why = choose_sequence(candidates, len(notes))
        chosen.extend(candidates[i] for i in picked)
        for i, reason in why.items():
            cand = candidates[i]
            report["doubtful"].append({"line": cand.line, "col": cand.col, "part": place.spec.slug,
                                       "text": cand.text, "why": reason})
        report["not_markers"] += len(candidates) - len(picked) - len(why)
        marked = set(picked.values())
        report["unlinked_notes"] += [{"part": place.spec.slug, "note": n.number, "line": n.line}
                                     for n in notes if n.number not in marked]
    report["sequence"] = len(chosen)
    texts = {line.number: line.text for place in layout.parts for b in place.body for line in b.lines}
    converted = to_superscripts({c.line: texts[c.line] for c in chosen}, chosen)
    for place in layout.parts:
        for block in place.body:
            block.lines[:] = [Line(l.number, converted[l.number]) if l.number in converted else l
                              for l in block.lines]
    raw.update(converted)
    return report


def _items(body: list[Block], profile: Profile, rules: JoinRules, repairs: list[Repair]) -> list:
    """Section headings and paragraphs in order; page cuts are only rejoined between headings."""
    items: list[Paragraph | Heading] = []
    run: list[Block] = []
    taken: set[str] = set()
    for block in body + [None]:
        if block is None or _is_section(block, profile):
            items.extend(merge_blocks(run, rules, repairs))
            run = []
            if block is not None:
                text = block.text.strip()[len(profile.section_marker):].strip()
                if text.startswith("**") and text.endswith("**"):
                    text = text[2:-2].strip()
                # headings printed in capitals are title-cased; one already in mixed case (an EPUB's) is kept
                title = title_case(text, profile.small_words, profile.acronyms) if text.upper() == text else text
                items.append(Heading(title, unique_id(slugify(title), taken), block.start))
        else:
            run.append(block)
    return items


def _is_section(block: Block, profile: Profile) -> bool:
    return block.lines[0].text.startswith(profile.section_marker)


def _drop_artefacts(lines: list[Line], profile: Profile, after: int,
                    repairs: list[Repair]) -> tuple[list[Line], list[Line]]:
    """Blank out page artefacts ("This page intentionally left blank") after the contents heading."""
    wanted = {normalize_name(a) for a in profile.artefact_lines}
    kept, dropped = [], []
    for line in lines:
        if line.number >= after and line.text and normalize_name(line.text) in wanted:
            repairs.append(Repair("artefact", line.number, f'page artefact "{line.text}" dropped'))
            dropped.append(line)
            kept.append(Line(line.number, ""))
        else:
            kept.append(line)
    return kept, dropped


def _line_of(lines: list[Line], text: str, after: int) -> int | None:
    return next((l.number for l in lines if l.number > after and l.text.strip() == text), None)


def _render(result: ImportResult, text: str, lines: list[Line], layout: Layout, lifted: list[Block],
            dropped: list[Line], group_lines: set[int]) -> None:
    """Write the files into `result.files`, count words both ways, and build report and manifest."""
    part_words = {}
    for part in result.parts:
        markdown = render_part(part)
        result.files[f"{part.spec.slug}.md"] = markdown
        part_words[part.spec.slug] = markdown_words(markdown)
    illustrations = render_illustrations(result.captions)
    result.files["illustrations.md"] = illustrations
    words_in_raw = _source_words(layout, lifted, result, group_lines)
    rejoined = sum(1 for r in result.repairs if r.kind in ("dehyphenate", "keep-hyphen"))
    counts = {
        "part_words": part_words, "words_in_raw": words_in_raw, "rejoined": rejoined,
        "words_in": words_in_raw - rejoined, "words_out": sum(part_words.values()),
        "plates_in": sum(count_words(b.text) for b in lifted), "plates_out": markdown_words(illustrations),
        "artefacts": {"lines": len(dropped), "words": sum(count_words(l.text) for l in dropped)},
    }
    source = {"name": result.source_name, "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
              "lines": len(text.splitlines())}
    result.report = build_report(result, counts)
    manifest = build_manifest(result, source, part_words)
    result.files["manifest.json"] = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
    result.files["import-report.json"] = json.dumps(result.report, ensure_ascii=False, indent=2) + "\n"


def _source_words(layout: Layout, lifted: list[Block], result: ImportResult, group_lines: set[int]) -> int:
    """Body and notes words of the source, counted on its lines (see words.py for what counts)."""
    plates = {line.number for b in lifted for line in b.lines}
    total = 0
    for place in layout.parts:
        for block in place.body:
            total += sum(count_words(l.text) for l in block.lines if l.number not in plates)
    note_starts = {n.line: n.number for part in result.parts for n in part.notes}
    for block in layout.notes:
        for line in block.lines:
            if line.number in note_starts:
                total += count_words(line.text.split(".", 1)[1])
            elif line.number not in group_lines:
                total += count_words(line.text)
    return total
