"""Readers' own notes in a real browser (docs/assets/notes): annotate a selection, keep it, find it again.

From file:// and over http: select -> Annotate -> editor -> reload -> highlight and popup back; the
keyboard-only flow with a selection (caret browsing) and with keys alone (Alt+Shift+A on the paragraph
in view, the quote moved word by word); an untrusted body runs nothing; storage disabled or full gives a
message and no error; the notes code loads only when first used; the reading text the browser rebuilds
is the one anchors are matched on (every layer highlight sits at its JSON-LD TextPosition) and the
anchors it makes are placed by anchor.py on the same words; export -> `reader import-annotations` ->
`reader check` -> build puts the new annotations on the very passages selected, and a re-import on an
edited text re-anchors or lists as unplaced; axe finds no serious violation with the editor, the panel,
and both open. Every test also asserts that no request left the site's origin.
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


# Plain paragraphs (no highlight, note marker or endnote marker) far enough into the page, with their text
# as the reader sees it: what the keys-only tests aim at, read from the page, never selected by script.
PLAIN = """(min) => [...document.querySelectorAll('article p[id^="p-"]')].filter(p => !p.querySelector('mark, sup')
  && (p.textContent.match(/[A-Za-z]+/g) || []).length >= min).map(p => ({id: p.id, text: p.textContent}))"""
DRAFT = "() => { const h = CSS.highlights.get('ra-draft'); return h ? [...h].map(r => r.toString()).join('') : null; }"
WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")


def spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in WORD.finditer(text)]


def chosen(text: str, a: int, b: int) -> str:
    """Words a..b (inclusive) of a paragraph, as the quote shows them."""
    ws = spans(text)
    return words(text[ws[a][0]:ws[b][1]])


def quote_shown(page) -> str:
    return words(page.locator(".ra-editor-quote").inner_text().strip("\u201c\u201d"))


def test_keys_only_annotate_without_a_selection(full, base, new_page):
    """No mouse, no caret browsing, no selection: Alt+Shift+A, arrow keys and the editor's buttons choose the words."""
    page = open_page(new_page(), base + full.part)
    paragraphs = page.evaluate(PLAIN, 30)
    # one whose first five words are in one sentence: the proposal is exactly those five
    target = [p for p in paragraphs[len(paragraphs) // 3:] if not re.search(r"[.!?]", p["text"][:spans(p["text"])[4][0]])][0]
    text = target["text"]
    page.goto(base + full.part + "#" + target["id"], wait_until="load")  # a link to the paragraph (a permalink)
    assert page.evaluate("getSelection().isCollapsed")
    page.keyboard.press("Alt+Shift+A")
    editor = page.locator(EDITOR)
    expect(editor).to_be_visible()
    quote = page.locator(".ra-editor-quote")
    expect(quote).to_be_focused()
    assert quote_shown(page) == chosen(text, 0, 4), "the proposal: the paragraph's first words (five, or to a sentence end)"
    assert words(page.evaluate(DRAFT)) == quote_shown(page), "the words are highlighted live in the text"
    status = page.locator(".ra-pick-status")
    assert status.get_attribute("aria-live") == "polite" and quote.get_attribute("aria-live") == "polite"
    assert "Shift+" in page.locator("#ra-pick-keys").inner_text()

    page.keyboard.press("ArrowDown")  # another paragraph, and back
    assert page.evaluate("() => [...CSS.highlights.get('ra-draft')][0].startContainer.parentElement.closest('p, li, h2, h3').id") != target["id"]
    page.keyboard.press("ArrowUp")
    assert quote_shown(page) == chosen(text, 0, 4)

    page.keyboard.press("Shift+ArrowRight")  # the start a word later
    assert quote_shown(page) == chosen(text, 1, 4) and "4 words" in status.inner_text()
    for _ in range(10):  # the end as far as it goes: 12 words at most
        page.keyboard.press("ArrowRight")
    assert quote_shown(page) == chosen(text, 1, 12) and "at most 12 words" in status.inner_text()
    page.keyboard.press("Shift+ArrowLeft")  # would make 13 words: refused, said
    assert quote_shown(page) == chosen(text, 1, 12) and "end earlier" in status.inner_text()
    for _ in range(5):
        page.keyboard.press("ArrowLeft")
    assert quote_shown(page) == chosen(text, 1, 7)
    for _ in range(4):  # the visible buttons, by keyboard: Tab to "End ->", Space
        page.keyboard.press("Tab")
    end_on = page.locator(".ra-pick-end-on")
    expect(end_on).to_be_focused()
    assert end_on.get_attribute("aria-keyshortcuts") == "ArrowRight"
    page.keyboard.press("Space")
    want = chosen(text, 1, 8)
    assert quote_shown(page) == want and words(page.evaluate(DRAFT)) == want
    box, panel = page.evaluate("""() => { const r = [...CSS.highlights.get('ra-draft')][0].getBoundingClientRect();
      return [[r.top, r.bottom], document.querySelector('dialog.ra-editor').getBoundingClientRect().top]; }""")
    assert box[0] >= page.evaluate("document.querySelector('.md-header').getBoundingClientRect().bottom") and box[1] <= panel, \
        "the chosen words stay in sight, between the header and the editor"
    for _ in range(4):
        page.keyboard.press("Shift+Tab")
    expect(quote).to_be_focused()
    page.keyboard.press("Enter")  # on to the note
    expect(page.locator("#ra-editor-body")).to_be_focused()
    page.keyboard.type("Chosen with the arrow keys.")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(editor).to_be_hidden()
    assert page.evaluate(DRAFT) is None, "the draft highlight is gone with the editor"
    expect(page.locator("a.ra-marker--my")).to_be_focused()
    assert my_marks_text(page) == want, "the highlight covers exactly the words chosen"
    assert page.locator("mark.ra-hl--my").first.evaluate("m => m.closest('p').id") == target["id"]
    page.reload(wait_until="load")
    expect(page.locator("mark.ra-hl--my").first).to_be_attached()
    assert my_marks_text(page) == want
    no_off_origin(page, base)


def test_keys_only_on_a_repeated_word_and_from_the_view_or_focus(full, http_base, new_page):
    """One common word is anchored with a prefix or suffix as a selection would be; without a link target the
    proposal is in view, and a focused link's paragraph wins."""
    page = open_page(new_page(), http_base + full.part)
    paragraphs = page.evaluate(PLAIN, 30)
    pick = None
    for para in paragraphs[3:]:
        ws = [para["text"][a:b] for a, b in spans(para["text"])]
        hits = [i for i in range(5, 12) if ws[i] == "the"]
        if hits:
            pick = (para, hits[0])
            break
    assert pick, "a paragraph with 'the' among its words 6-12"
    para, i = pick
    page.goto(http_base + full.part + "#" + para["id"], wait_until="load")
    page.keyboard.press("Alt+Shift+A")
    expect(page.locator(EDITOR)).to_be_visible()
    for _ in range(i):  # the start moves to word i and the end follows: a one-word quote
        page.keyboard.press("Shift+ArrowRight")
    assert quote_shown(page) == "the" and "1 word " in page.locator(".ra-pick-status").inner_text()
    url = page.url
    page.keyboard.type("next: one word, told apart by its neighbours.")  # typing on the quote writes the note
    assert page.url == url, "n is Material's 'next page' key: not while a note is written"
    expect(page.locator("#ra-editor-body")).to_have_value("next: one word, told apart by its neighbours.")
    page.locator(".ra-save").press("Enter")
    expect(page.locator(EDITOR)).to_be_hidden()
    note = page.evaluate("RaNotes.notes()[0]")
    assert note["quote"] == "the" and (note.get("prefix") or note.get("suffix")), note
    page.reload(wait_until="load")
    mark = page.locator("mark.ra-hl--my")
    expect(mark).to_have_count(1)
    assert mark.inner_text() == "the" and mark.evaluate("m => m.closest('p').id") == para["id"]
    words_before = mark.evaluate("""m => { const r = document.createRange(); r.setStart(m.closest('p'), 0); r.setEndBefore(m);
      return (r.toString().match(/[\\p{L}\\p{N}]+(?:['\\u2019][\\p{L}\\p{N}]+)*/gu) || []).length; }""")
    assert words_before == i, "the very occurrence chosen"

    # no link target: the proposal is on screen, between the header and the editor
    page = open_page(new_page(), http_base + full.part)
    for _ in range(6):
        page.keyboard.press("PageDown")
    page.wait_for_function("scrollY > 1000")
    page.keyboard.press("Alt+Shift+A")
    expect(page.locator(EDITOR)).to_be_visible()
    top, bottom, header, dock = page.evaluate("""() => { const r = [...CSS.highlights.get('ra-draft')][0].getBoundingClientRect();
      return [r.top, r.bottom, document.querySelector('.md-header').getBoundingClientRect().bottom,
              document.querySelector('dialog.ra-editor').getBoundingClientRect().top]; }""")
    assert header <= top and bottom <= dock, (top, bottom, header, dock)
    page.keyboard.press("Escape")
    expect(page.locator(EDITOR)).to_be_hidden()
    assert page.evaluate(DRAFT) is None

    # a focused link in a paragraph: that paragraph
    link = page.locator("article p[id^='p-'] a.ra-term").nth(8)
    link.focus()
    page.keyboard.press("Escape")  # the term's popup
    link_para = link.evaluate("a => a.closest('p').id")
    page.keyboard.press("Alt+Shift+A")
    expect(page.locator(EDITOR)).to_be_visible()
    assert page.evaluate("() => [...CSS.highlights.get('ra-draft')][0].startContainer.parentElement.closest('p').id") == link_para
    page.keyboard.press("Escape")
    # the panel offers the same, with the shortcut in its label
    page.locator("button.ra-notes-open").click()
    here = page.locator(f"{PANEL} .ra-annotate-here")
    expect(here).to_contain_text("Alt+Shift+A")
    here.click()
    expect(page.locator(EDITOR)).to_be_visible()
    expect(page.locator(".ra-editor-quote")).to_be_focused()
    no_off_origin(page, http_base)


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
STORAGE_FULL = """Storage.prototype.setItem = function () { throw new DOMException('The quota has been exceeded.', 'QuotaExceededError'); };"""


@pytest.mark.parametrize("storage, message", [(STORAGE_OFF, "does not let the site keep notes"),
                                              (STORAGE_FULL, "storage for this site is full")], ids=["disabled", "full"])
def test_storage_disabled_gives_a_message_and_export_works(full, base, new_page, tmp_path, storage, message):
    page = new_page()
    page.context.add_init_script(storage)
    open_page(page, base + full.part)
    picked = annotate(page)
    assert my_marks_text(page) == words(picked["text"]), "the note still works for this page"
    toast = page.locator(".ra-notes-toast")
    expect(toast).to_be_visible()
    assert message in toast.inner_text()
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
    # a mouse selection can be adjusted with the same buttons: one word less
    page.locator(".ra-pick-end-back").click()
    shorter = quote_shown(page)
    assert len(WORD.findall(shorter)) == 11 and words(quote).startswith(shorter)
    expect(page.locator("#ra-editor-trim")).to_be_hidden()
    assert words(page.evaluate(DRAFT)) == shorter
    no_off_origin(page, http_base)


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
    no_off_origin(page, http_base)


def test_anchors_made_in_the_browser_are_placed_by_anchor_py_on_the_same_words(full, http_base, new_page):
    """JS/Python parity of the anchors the browser makes: spans of 1 to 12 words all over the real part, many of
    them common words that need a prefix or suffix; anchor.py places each exactly where the browser made it."""
    from annotated_reader.anchor import Match, match_quote, normalize
    from annotated_reader.load import quote_words
    from annotated_reader.model import MAX_QUOTE_WORDS, Anchor

    page = open_page(new_page(), http_base + full.part)
    page.locator("button.ra-notes-open").click()  # loads the notes code
    page.locator(f"{PANEL} .ra-panel-close").click()
    got = page.evaluate("""() => { const map = RaNotes.readingMap(), text = map.reading, out = [], ws = [];
      const re = /[\\p{L}\\p{N}]+(?:['\\u2019][\\p{L}\\p{N}]+)*/gu; let m;
      while ((m = re.exec(text))) ws.push([m.index, m.index + m[0].length]);
      for (let i = 0; i + 12 < ws.length; i += 17) {
        const made = RaNotes.anchorFor(map, [ws[i][0], ws[i + (i % 12)][1]]);
        out.push(made && {anchor: made.anchor, start: made.start, end: made.end});
      }
      return {text, out}; }""")
    norm, made = normalize(got["text"]), [m for m in got["out"] if m]
    assert len(made) >= 200 and len(made) >= 0.98 * len(got["out"]), (len(made), len(got["out"]))
    with_context = 0
    for m in made:
        anchor = Anchor(m["anchor"]["quote"], m["anchor"].get("prefix", ""), m["anchor"].get("suffix", ""))
        placed = match_quote(norm, anchor)
        assert isinstance(placed, Match) and placed.method in ("exact", "prefix-suffix"), (anchor, placed)
        assert (placed.start, placed.end) == (m["start"], m["end"]), anchor
        assert quote_words(anchor.quote) <= MAX_QUOTE_WORDS
        with_context += bool(anchor.prefix or anchor.suffix)
    assert with_context >= 10, "short quotes that recur were told apart by their context"
    print(f"{len(made)} browser-made anchors placed by anchor.py on the same span ({with_context} with prefix/suffix)")
    no_off_origin(page, http_base)


def test_the_notes_code_loads_only_when_first_used(full, http_base, new_page):
    page = open_page(new_page(), http_base + full.part)
    page.wait_for_timeout(300)

    def bundle() -> list[str]:
        return [u for u in page.recorder.requests if re.search(r"/assets/notes/(notes\.js|anchoring\.js|config\.js|notes\.css)", u)]

    assert not bundle() and page.evaluate("typeof window.RaNotes") == "undefined"
    page.keyboard.press("Alt+Shift+A")
    expect(page.locator(EDITOR)).to_be_visible()
    assert len(bundle()) == 4, bundle()
    no_off_origin(page, http_base)


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

    # the second note's paragraph is edited after the import: in the browser the note is listed as unplaced; a
    # paragraph is inserted before the first note, whose words are untouched: it re-anchors further on
    edited = picked[1][1]["text"]
    changed = edited.replace(edited.split()[2], "zzyzx", 1)
    md = project / "docs" / "book" / f"{part}.md"
    lines = md.read_text(encoding="utf-8").replace(edited, changed, 1).split("\n")
    at = next(i for i, line in enumerate(lines) if notes[0]["text"] in line)
    lines[at:at] = ["A paragraph of our own, inserted by the test before the first note.", ""]
    md.write_text("\n".join(lines), encoding="utf-8")
    exported_start = [s["start"] for item in json.loads(exported.read_text(encoding="utf-8"))["first"]["items"]
                      for s in item["target"]["selector"] if s["type"] == "TextPositionSelector"][0]
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
    starts = dict(page.evaluate("RaNotes.notes().map(n => [n.quote, n.start])"))
    assert starts[words(notes[0]["text"])] > exported_start, "placed again on its words, further on than exported"
    expect(page.locator(f"{PANEL} .ra-panel-note--unplaced")).to_have_count(1)
    unplaced = page.locator(f"{PANEL} .ra-panel-note--unplaced").inner_text()
    assert words(notes[1]["text"]) in words(unplaced).replace("\u201c", "").replace("\u201d", "")
    page.locator(f"{PANEL} .ra-panel-close").click()
    assert my_marks_text(page) == words(notes[0]["text"])
    no_off_origin(page, site.as_uri())


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_accessibility_violation_with_the_editor_and_the_panel_open(full, http_base, new_page, scheme):
    page = open_page(new_page(color_scheme=scheme), http_base + full.part)
    page.keyboard.press("Alt+Shift+A")  # the editor with its word chooser
    expect(page.locator(EDITOR)).to_be_visible()
    page.keyboard.press("Shift+ArrowRight")
    expect(page.locator(".ra-pick")).to_be_visible()
    check(axe_violations(page))
    page.fill("#ra-editor-body", "A note for the scan.")
    page.locator(".ra-save").click()
    page.locator("button.ra-notes-open").click()
    expect(page.locator(PANEL)).to_be_visible()
    check(axe_violations(page))
    page.locator(f"{PANEL} button.ra-edit").click()  # the editor over the panel: both open
    expect(page.locator(EDITOR)).to_be_visible()
    expect(page.locator(PANEL)).to_be_visible()
    check(axe_violations(page))
    no_off_origin(page, http_base)


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
