"""Readers' own notes in a real browser (docs/assets/notes): annotate a selection, keep it, find it again.

From file:// and over http: select -> Annotate -> editor -> reload -> highlight and popup back; the
keyboard-only flow; an untrusted body runs nothing; storage disabled gives a message and no error;
the reading text the browser rebuilds is the one anchors are matched on (every layer highlight sits
at its JSON-LD TextPosition); export -> `reader import-annotations` -> `reader check` -> build puts
the new annotations on the very passages selected, and a re-import on an edited text re-anchors or
lists as unplaced; axe finds no serious violation with the editor and the panel open. Every test
also asserts that no request left the site's origin.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT
from .helpers import POPUP, open_page, same_origin
from .test_a11y import axe_violations, check

expect = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed").expect
sys.path.insert(0, str(ROOT / "tests"))

EDITOR, PANEL = "dialog.ra-editor", "dialog.ra-panel"

# Select words [start, start+count) of the n-th plain paragraph of the page (one without highlights or
# note markers), the way a reader's mouse or keyboard selection would; returns the words selected.
SELECT = """([n, start, count]) => {
  const ps = [...document.querySelectorAll('article p[id^="p-"]')].filter(p => !p.querySelector('mark, sup')
    && (p.textContent.match(/[A-Za-z]+/g) || []).length >= start + count + 3);
  const p = ps[n];
  const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
  const nodes = []; let flat = '';
  while (walker.nextNode()) { nodes.push([walker.currentNode, flat.length]); flat += walker.currentNode.data; }
  const re = /[\\p{L}\\p{N}]+(?:['\\u2019][\\p{L}\\p{N}]+)*/gu, words = []; let m;
  while ((m = re.exec(flat))) words.push([m.index, m.index + m[0].length]);
  const s = words[start][0], e = words[start + count - 1][1];
  const at = (i, end) => { for (let k = nodes.length - 1; k >= 0; k--) if (nodes[k][1] <= i - (end ? 1 : 0)) return [nodes[k][0], i - nodes[k][1]]; };
  const r = document.createRange(); r.setStart(...at(s, false)); r.setEnd(...at(e, true));
  const sel = getSelection(); sel.removeAllRanges(); sel.addRange(r);
  return {text: flat.slice(s, e), id: p.id};
}"""


@pytest.fixture
def full(site):
    if not site.full:
        pytest.skip("companion edition: no imported text to annotate (run `reader import` to build the full edition)")
    return site


def words(text: str) -> str:
    return " ".join(text.split())


def my_marks_text(page, ident: str | None = None) -> str:
    selector = f'mark.ra-hl--my[data-ann="my-{ident}"]' if ident else "mark.ra-hl--my"
    return words("".join(page.locator(selector).all_text_contents()))


def no_off_origin(page, base: str) -> None:
    off = [u for u in page.recorder.requests if not same_origin(u, base)]
    assert not off, off
    assert not page.recorder.page_errors, page.recorder.page_errors


def annotate(page, n: int = 2, start: int = 2, count: int = 6, body: str = "My own remark.", kind: str = "context",
             tags: str = "") -> dict:
    picked = page.evaluate(SELECT, [n, start, count])
    button = page.locator(".ra-annotate")
    expect(button).to_be_visible()
    assert "Alt+Shift+A" in button.inner_text()
    button.click()
    expect(page.locator(EDITOR)).to_be_visible()
    page.fill("#ra-editor-body", body)
    page.select_option("#ra-editor-kind", kind)
    if tags:
        page.fill("#ra-editor-tags", tags)
    page.locator(".ra-save").click()
    expect(page.locator(EDITOR)).to_be_hidden()
    return picked


def test_annotate_reload_and_open_in_the_popup(full, base, new_page):
    page = open_page(new_page(), base + full.part)
    picked = annotate(page, body="Worth comparing with the next chapter.", kind="source", tags="compare, my-reading")
    assert my_marks_text(page) == words(picked["text"]), "the highlight covers exactly the words selected"
    page.reload()
    expect(page.locator("mark.ra-hl--my").first).to_be_attached()
    assert my_marks_text(page) == words(picked["text"])
    marker = page.locator("a.ra-marker--my")
    marker.scroll_into_view_if_needed()
    marker.click()
    popup = page.locator(POPUP)
    expect(popup).to_be_visible()
    text = popup.inner_text()
    assert "My note" in text and "source" in text and "Worth comparing with the next chapter." in text
    assert "compare, my-reading" in text
    no_off_origin(page, base)


def test_keyboard_only(full, base, new_page):
    page = open_page(new_page(), base + full.part)
    picked = page.evaluate(SELECT, [3, 1, 5])  # as caret browsing (F7) or a screen reader selects
    page.keyboard.press("Alt+Shift+A")
    expect(page.locator(EDITOR)).to_be_visible()
    expect(page.locator("#ra-editor-body")).to_be_focused()
    page.keyboard.type("Typed without a mouse.")
    page.keyboard.press("Tab")
    expect(page.locator("#ra-editor-kind")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.type("keyboard")
    page.keyboard.press("Enter")  # submits the form
    expect(page.locator(EDITOR)).to_be_hidden()
    marker = page.locator("a.ra-marker--my")
    expect(marker).to_be_focused()
    assert my_marks_text(page) == words(picked["text"])
    page.keyboard.press("Enter")
    expect(page.locator(POPUP)).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator(POPUP)).to_be_hidden()
    opener = page.locator("button.ra-notes-open")
    opener.focus()
    page.keyboard.press("Enter")
    expect(page.locator(PANEL)).to_be_visible()
    expect(page.locator(f"{PANEL} .ra-panel-note")).to_have_count(1)
    page.locator(f"{PANEL} button.ra-edit").focus()
    page.keyboard.press("Enter")
    expect(page.locator(EDITOR)).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator(EDITOR)).to_be_hidden()
    page.keyboard.press("Escape")
    expect(page.locator(PANEL)).to_be_hidden()
    no_off_origin(page, base)


HOSTILE = ('<script>window.__pwned = 1</script> <img src=x onerror="window.__pwned = 2"> '
           '[click me](javascript:window.__pwned=3) <a href="javascript:window.__pwned=4">raw</a> https://example.org/ok')


def test_an_untrusted_body_runs_nothing(full, base, new_page):
    page = open_page(new_page(), base + full.part)
    annotate(page, body=HOSTILE)
    page.reload()
    marker = page.locator("a.ra-marker--my")
    marker.scroll_into_view_if_needed()
    marker.click()
    popup = page.locator(POPUP)
    expect(popup).to_be_visible()
    assert popup.locator("script, img, [onerror]").count() == 0
    hrefs = popup.locator("a").evaluate_all("as => as.map(a => a.getAttribute('href') || '')")
    assert not [h for h in hrefs if h.lower().startswith("javascript")], hrefs
    assert "https://example.org/ok" in hrefs
    assert "<script>" in popup.inner_text(), "the markup is shown as text"
    page.locator("button.ra-notes-open").click()
    expect(page.locator(PANEL)).to_be_visible()
    assert page.locator(f"{PANEL} script, {PANEL} img").count() == 0
    page.wait_for_timeout(300)
    assert page.evaluate("window.__pwned") is None
    # the same body arriving in an imported file
    page.evaluate("json => RaNotes.importText(json)", json.dumps(page.evaluate("RaNotes.exportJsonld()")).replace("note-", "note-x"))
    assert page.evaluate("window.__pwned") is None
    no_off_origin(page, base)


STORAGE_OFF = """Object.defineProperty(window, 'localStorage', {configurable: true,
  get() { throw new DOMException('The operation is insecure.', 'SecurityError'); }});"""


def test_storage_disabled_gives_a_message_and_export_works(full, base, new_page, tmp_path):
    page = new_page()
    page.context.add_init_script(STORAGE_OFF)
    open_page(page, base + full.part)
    picked = annotate(page)
    assert my_marks_text(page) == words(picked["text"]), "the note still works for this page"
    toast = page.locator(".ra-notes-toast")
    expect(toast).to_be_visible()
    assert "does not let the site keep notes" in toast.inner_text()
    page.locator("button.ra-notes-open").click()
    with page.expect_download() as download:
        page.locator(".ra-export").click()
    path = tmp_path / "notes.jsonld"
    download.value.save_as(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["total"] == 1 and data["first"]["items"][0]["target"]["selector"][0]["exact"]
    # Material's own scripts throw on the blocked storage (its palette and search memory); ours never do
    ours = [e for e in page.recorder.page_errors if re.search(r"/assets/(notes/|reader\.js|search\.js)", e)]
    assert not ours, ours
    assert all("bundle." in e or "\n    at " not in e for e in page.recorder.page_errors), page.recorder.page_errors
    page.recorder.page_errors.clear()
    no_off_origin(page, base)


def test_a_long_selection_is_trimmed_to_twelve_words(full, http_base, new_page):
    page = open_page(new_page(), http_base + full.part)
    picked = page.evaluate(SELECT, [1, 0, 16])
    page.locator(".ra-annotate").click()
    expect(page.locator(EDITOR)).to_be_visible()
    assert "trimmed to 12 words" in page.locator("#ra-editor-trim").inner_text()
    quote = page.locator(".ra-editor-quote").inner_text().strip("\u201c\u201d")
    assert len(re.findall(r"[^\W_]+(?:['\u2019][^\W_]+)*", quote)) == 12
    assert words(picked["text"]).startswith(words(quote))


def test_the_browsers_reading_text_is_the_one_anchors_match_on(full, http_base, new_page):
    """Every annotation of the layer, found in the DOM, sits at its TextPosition of the JSON-LD export."""
    export = full.dir / "downloads" / "annotations.jsonld"
    if not export.is_file():
        pytest.skip("the build wrote no JSON-LD export (extra.reader.exports)")
    positions: dict[str, dict[str, list[int]]] = {}
    for item in json.loads(export.read_text(encoding="utf-8"))["first"]["items"]:
        selectors = [s for s in item["target"]["selector"] if s["type"] == "TextPositionSelector"]
        if selectors:
            part = item["target"]["source"].rsplit("#", 1)[1]
            positions.setdefault(part, {})[item["id"].rsplit(":", 1)[1]] = [selectors[0]["start"], selectors[0]["end"]]
    page = new_page()
    checked = 0
    for part, wanted in positions.items():
        open_page(page, f"{http_base}book/{part}.html")
        page.locator("button.ra-notes-open").click()  # loads the notes code
        expect(page.locator(PANEL)).to_be_visible()
        got = page.evaluate("""() => { const map = RaNotes.readingMap(), out = {};
          document.querySelectorAll('mark.ra-hl[id^="ann-"]').forEach(first => {
            const id = first.id.slice(4), all = document.querySelectorAll('mark.ra-hl[data-ann="' + id + '"]');
            const r = document.createRange(); r.setStartBefore(all[0]); r.setEndAfter(all[all.length - 1]);
            let s = -1, e = -1;
            map.runs.forEach(run => { if (r.intersectsNode(run.node)) { if (s < 0) s = run.r; e = run.r + run.node.data.length; } });
            out[id] = [s, e]; });
          return out; }""")
        assert got == wanted, part
        checked += len(wanted)
    assert checked >= 1
    print(f"{checked} annotations at their TextPosition in the browser's reading text")


def test_export_import_check_build_and_reimport_on_an_edited_text(full, http_base, new_page, tmp_path):
    from sitebuild import copy_project

    page = open_page(new_page(), http_base + full.part)
    part = full.part.rsplit("/", 1)[1][:-5]
    book_md = (ROOT / "docs" / "book" / f"{part}.md").read_text(encoding="utf-8")
    picked = []
    for n in range(2, 40):  # plain paragraphs whose words are in the Markdown as they are shown
        sample = page.evaluate(SELECT, [n, 1, 5])
        if sample["text"] in book_md and len(picked) < 2:
            picked.append((n, sample))
    assert len(picked) == 2
    # the later paragraph first: a paragraph with a note leaves the list of plain paragraphs SELECT counts in
    notes = [annotate(page, n=n, start=1, count=5, body=f"Reader note {n}.", kind="context") for n, _ in reversed(picked)][::-1]
    assert [n["text"] for n in notes] == [s["text"] for _, s in picked]
    page.locator("button.ra-notes-open").click()
    with page.expect_download() as download:
        page.locator(".ra-export").click()
    exported = tmp_path / "my-notes.jsonld"
    download.value.save_as(exported)
    no_off_origin(page, http_base)

    project = copy_project(tmp_path / "project", ROOT / "docs" / "book")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("READER_PROFILE", None)
    reader = [sys.executable, "-m", "annotated_reader.cli"]
    done = subprocess.run([*reader, "import-annotations", str(exported), "--root", str(project), "--author", "A Reader"],
                          cwd=project, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    ids = re.search(r"New ids: (.*)\.$", done.stdout.strip()).group(1).split(", ")
    assert len(ids) == 2, done.stdout
    done = subprocess.run([*reader, "check", "--root", str(project)], cwd=project, env=env, capture_output=True, text=True)
    assert done.returncode == 0 and " error: " not in done.stdout + done.stderr, done.stdout + done.stderr

    # the second note's paragraph is edited after the import: the annotation is refused there, and in the browser
    # the note is listed as unplaced; the first note is untouched and re-anchors
    edited = picked[1][1]["text"]
    changed = edited.replace(edited.split()[2], "zzyzx", 1)
    md = project / "docs" / "book" / f"{part}.md"
    md.write_text(md.read_text(encoding="utf-8").replace(edited, changed, 1), encoding="utf-8")
    site = tmp_path / "site"
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(site)], cwd=project, env=env,
                          capture_output=True, text=True, timeout=400)
    assert done.returncode == 0, done.stderr[-3000:]

    page = open_page(new_page(), site.as_uri() + "/" + full.part)
    first = words("".join(page.locator(f'mark.ra-hl[data-ann="{ids[0]}"]').all_text_contents()))
    assert first == words(notes[0]["text"]), "the new annotation sits on the very passage selected"
    page.locator("button.ra-notes-open").click()
    page.set_input_files("#ra-import", str(exported))
    expect(page.locator(f"{PANEL} .ra-panel-message")).to_contain_text("Imported 2 note(s)")
    statuses = dict(page.evaluate("RaNotes.notes().map(n => [n.quote, n.status])"))
    assert statuses == {words(notes[0]["text"]): "placed", words(notes[1]["text"]): "unplaced"}, statuses
    expect(page.locator(f"{PANEL} .ra-panel-note--unplaced")).to_have_count(1)
    unplaced = page.locator(f"{PANEL} .ra-panel-note--unplaced").inner_text()
    assert words(notes[1]["text"]) in words(unplaced).replace("\u201c", "").replace("\u201d", "")
    page.locator(f"{PANEL} .ra-panel-close").click()
    assert my_marks_text(page) == words(notes[0]["text"])
    no_off_origin(page, site.as_uri())


def test_no_serious_accessibility_violation_with_the_editor_and_the_panel_open(full, http_base, new_page):
    page = open_page(new_page(), http_base + full.part)
    page.evaluate(SELECT, [2, 1, 4])
    page.locator(".ra-annotate").click()
    expect(page.locator(EDITOR)).to_be_visible()
    check(axe_violations(page))
    page.fill("#ra-editor-body", "A note for the scan.")
    page.locator(".ra-save").click()
    page.locator("button.ra-notes-open").click()
    expect(page.locator(PANEL)).to_be_visible()
    check(axe_violations(page))


def test_touch_annotate_and_the_yaml_export(full, http_base, new_page, tmp_path):
    from .helpers import MOBILE

    page = open_page(new_page(**MOBILE), http_base + full.part)
    picked = page.evaluate(SELECT, [2, 1, 4])  # what a long press and the selection handles leave
    button = page.locator(".ra-annotate")
    expect(button).to_be_visible()
    button.tap()
    expect(page.locator(EDITOR)).to_be_visible()
    page.fill("#ra-editor-body", "Noted on a phone.")
    page.locator(".ra-save").tap()
    expect(page.locator(EDITOR)).to_be_hidden()
    assert my_marks_text(page) == words(picked["text"])
    page.locator("button.ra-notes-open").tap()
    with page.expect_download() as download:
        page.locator(".ra-export-yaml").tap()
    path = tmp_path / "my-notes.yml"
    download.value.save_as(path)
    text = path.read_text(encoding="utf-8")
    part = full.part.rsplit("/", 1)[1][:-5]
    assert f"# annotations/{part}.yml" in text and "Noted on a phone." in text
    assert f"quote: {json.dumps(words(picked['text']), ensure_ascii=False)}" in text.replace("\u2028", " ")
    no_off_origin(page, http_base)
