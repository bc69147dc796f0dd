/* annotated-reader: readers' own notes. Loaded by boot.js on first use; needs config.js (written by the
   build: the book's IRI, its parts, the annotation kinds) and anchoring.js (anchor.py's normalization).

   - The reading text of a part page is rebuilt from the DOM exactly as textmap.TextMap.reading is built
     from the HTML (same blocks, same skipped note markers and notes list), so positions agree with
     `reader export jsonld` and an anchor made here is one `reader check` accepts.
   - Notes live in localStorage under "ra-notes" (nothing is sent anywhere); when storage is disabled or
     full they live in memory for the page and a message says so; export always works.
   - A note's body is untrusted: it is shown as plain text with http(s)/mailto links, built with DOM
     text nodes only (never innerHTML), so no markup from a note can run.
   - No mouse and no caret browsing: Alt+Shift+A with nothing selected starts from the paragraph in view
     and the editor's "Choose the words" keys and buttons move the quote's start and end word by word
     (a live highlight shows them); the anchor is made by the same anchorFor as for a selection.
   Plain ES2017, no dependencies, works from file://. */
(function () {
  "use strict";
  var d = document, w = window, A = w.RaAnchoring, C = w.RaNotesConfig || { parts: [], kinds: ["context"] };
  var KEY = "ra-notes", MAX_WORDS = 12, CONTEXT_WORDS = 6, PARAGRAPH = A.PARAGRAPH, LINE = A.LINE;
  var BLOCKS = /^(P|DIV|LI|UL|OL|BLOCKQUOTE|H[1-6]|TABLE|TR|TD|TH|PRE|SECTION|ARTICLE|ASIDE|DETAILS|SUMMARY|DL|DT|DD|FIGURE|FIGCAPTION|HR|BR|NAV|HEADER|FOOTER)$/;
  var HEADER = ".ra-edition, .ra-in-this-part, .ra-part-figures, .ra-guide";
  var SKIP = HEADER + ", .footnote, .footnote-ref, sup[id^='fnref'], .ra-notes, .ra-marker, .headerlink, .ra-my-store, script, style, template";
  var BLOCK_TEXT = "p, li, h1, h2, h3, h4, h5, h6, td, th, dt, dd, figcaption, pre";
  var root = "", notes = [], storage = null, storageProblem = "", started = false, editing = null, pick = null;
  var editor, panelEl, toastEl, toastTimer = 0, TOAST_SECONDS = 8; // the panel repeats a storage problem

  /* ---- storage ------------------------------------------------------------------------ */

  function loadNotes() {
    try {
      storage = w.localStorage;
      var raw = storage.getItem(KEY);
      var data = raw ? JSON.parse(raw) : null;
      notes = data && Array.isArray(data.notes) ? data.notes.filter(function (n) { return n && n.id && n.part && n.quote; }) : [];
    } catch (err) {
      storage = null;
      notes = notes || [];
      storageProblem = "This browser does not let the site keep notes (storage is disabled, as in a private window). " +
        "Notes you write now last until you leave this page: use Export to keep them.";
    }
  }
  function saveNotes() {
    if (!storage) { if (storageProblem) say(storageProblem); return false; }
    try {
      storage.setItem(KEY, JSON.stringify({ version: 1, notes: notes }));
      return true;
    } catch (err) {
      storageProblem = "The browser's storage for this site is full, so the latest change is kept only until you leave " +
        "this page. Export your notes to keep them.";
      say(storageProblem);
      return false;
    }
  }
  function say(text) {
    if (!toastEl) {
      toastEl = d.createElement("div");
      toastEl.className = "ra-notes-toast";
      toastEl.setAttribute("role", "status");
      d.body.appendChild(toastEl);
    }
    toastEl.textContent = text;
    toastEl.hidden = !text;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { toastEl.hidden = true; }, TOAST_SECONDS * 1000);
    var msg = panelEl && panelEl.querySelector(".ra-panel-message");
    if (msg) msg.textContent = text;
  }

  /* ---- the reading text (textmap.TextMap.reading, from the DOM) ----------------------- */

  function article() { return d.querySelector("article.md-content__inner"); }
  function slug() { var m = /\/book\/([a-z0-9-]+)\.html$/.exec(location.pathname); return m ? m[1] : ""; }
  function isPart() { return !!d.querySelector(".ra-edition--full") && !!slug(); }

  function readingMap() {
    var a = article(), parts = [], length = 0, runs = [];
    function last() { return parts.length ? parts[parts.length - 1] : ""; }
    function block() {
      if (last() === LINE) parts[parts.length - 1] = PARAGRAPH;
      else if (parts.length && last() !== PARAGRAPH) { parts.push(PARAGRAPH); length++; }
    }
    function line() { if (parts.length && last() !== PARAGRAPH && last() !== LINE) { parts.push(LINE); length++; } }
    function walk(node, skipped) {
      // the page's HTML as the build anchored it runs from the title to the annotations list: the theme's
      // whitespace around it is not part of it
      var n = node === a ? a.querySelector(":scope > h1") : node.firstChild;
      for (; n; n = n.nextSibling) {
        if (node === a && n.nodeType === 1 && n.matches(".ra-notes")) break;
        if (n.nodeType === 3) {
          if (!n.data) continue;
          // whitespace between the elements of the part header the build put after the title is not in the text
          var own = skipped || (!/\S/.test(n.data) && n.nextElementSibling && n.nextElementSibling.matches(HEADER) &&
                                n.previousElementSibling && (n.previousElementSibling.matches(HEADER) || n.previousElementSibling.tagName === "H1"));
          runs.push({ start: length, node: n, skipped: own });
          parts.push(n.data); length += n.data.length;
        } else if (n.nodeType === 1) {
          var tag = n.tagName;
          if (tag === "BR") { line(); continue; }
          if (BLOCKS.test(tag)) block();
          if (tag === "SVG" || tag === "svg") continue;
          walk(n, skipped || n.matches(SKIP));
          if (BLOCKS.test(tag)) block();
        }
      }
    }
    walk(a, false);
    var text = parts.join(""), chars = [], offsets = [], kept = [], lastEnd = 0;
    runs.forEach(function (run) {
      var end = run.start + run.node.data.length;
      if (run.skipped) return;
      var gap = text.slice(lastEnd, run.start);
      if (chars.length && chars[chars.length - 1] !== PARAGRAPH && gap) {
        if (gap.indexOf(PARAGRAPH) >= 0) chars.push(PARAGRAPH);
        else if (gap.indexOf(LINE) >= 0 && chars[chars.length - 1] !== LINE) chars.push(LINE);
      }
      kept.push({ r: chars.length, node: run.node });
      chars.push(run.node.data);
      lastEnd = end;
    });
    // chars holds single separators and whole runs: turn run starts into reading offsets
    var reading = "", at = 0, i = 0;
    chars.forEach(function (c) {
      if (i < kept.length && kept[i].r === at && kept[i].node.data === c) { kept[i].r = reading.length; i++; }
      reading += c; at++;
    });
    return { reading: reading, runs: kept };
  }

  /* reading [start, end) of a DOM range */
  function rangeSpan(map, range) {
    var s = -1, e = -1;
    map.runs.forEach(function (run) {
      if (!range.intersectsNode(run.node)) return;
      var len = run.node.data.length;
      var a = run.node === range.startContainer ? range.startOffset : 0;
      var b = run.node === range.endContainer ? range.endOffset : len;
      if (a >= len || b <= 0) return;
      if (s < 0) s = run.r + a;
      e = run.r + b;
    });
    return s < 0 || e <= s ? null : [s, e];
  }

  /* ---- making an anchor from a selection ---------------------------------------------- */

  function wordChar(c) { return A.isAlnum(c) || c === "'" || c === "\u2019"; }
  function anchorFor(map, span) {
    var text = map.reading, s = span[0], e = span[1], notes = [];
    while (s > 0 && wordChar(text[s - 1]) && wordChar(text[s])) s--;  // whole words
    while (e < text.length && wordChar(text[e - 1]) && wordChar(text[e])) e++;
    var br = text.indexOf(PARAGRAPH, s);
    while (s < e && (A.isSpace(text[s]) || text[s] === PARAGRAPH)) { s++; br = text.indexOf(PARAGRAPH, s); }
    if (br >= 0 && br < e) { e = br; notes.push("one paragraph"); }
    var re = new RegExp(A.WORD.source, "gu"), m, count = 0;
    re.lastIndex = s;
    while ((m = re.exec(text)) && m.index < e) {
      if (++count === MAX_WORDS && m.index + m[0].length < e) {
        var rest = re.exec(text);
        if (rest && rest.index < e) { e = m.index + m[0].length; notes.push(MAX_WORDS + " words"); }
        break;
      }
    }
    while (e > s && A.isSpace(text[e - 1])) e--;
    if (!count || e <= s) return null;
    var quote = text.slice(s, e).split(LINE).join(" ");
    var norm = A.normalize(text);
    function here(anchor) { var got = A.matchQuote(norm, anchor); return !got.reason && got.start === s && got.end === e; }
    var anchor = { quote: quote };
    if (!here(anchor)) {
      var before = contextWords(text, s, -1), after = contextWords(text, e, 1), found = false;
      for (var k = 1; k <= CONTEXT_WORDS && !found; k++) {
        var tries = [{ prefix: before(k) }, { suffix: after(k) }, { prefix: before(k), suffix: after(k) }];
        for (var t = 0; t < tries.length && !found; t++) {
          var candidate = Object.assign({ quote: quote }, tries[t]);
          if ((candidate.prefix || candidate.suffix) && here(candidate)) { anchor = candidate; found = true; }
        }
      }
      if (!found) return null;
    }
    return { anchor: anchor, start: s, end: e, trimmed: notes };
  }
  /* the k words before (dir -1) or after (dir 1) a reading offset, across paragraph breaks */
  function contextWords(text, at, dir) {
    return function (k) {
      var flat = text.split(PARAGRAPH).join(" ").split(LINE).join(" ");
      if (dir < 0) {
        var left = flat.slice(Math.max(0, at - 200), at), ws = left.match(A.WORD) || [];
        if (!ws.length) return "";
        var from = left.length, seen = 0, re = new RegExp(A.WORD.source, "gu"), m, starts = [];
        while ((m = re.exec(left))) starts.push(m.index);
        from = starts[Math.max(0, starts.length - k)];
        return left.slice(from).trim();
      }
      var right = flat.slice(at, at + 200), re2 = new RegExp(A.WORD.source, "gu"), m2, end = 0, n = 0;
      while (n < k && (m2 = re2.exec(right))) { end = m2.index + m2[0].length; n++; }
      return right.slice(0, end).trim();
    };
  }

  /* ---- highlights --------------------------------------------------------------------- */

  function unhighlight() {
    Array.prototype.slice.call(d.querySelectorAll("mark.ra-hl--my")).forEach(function (m) {
      var parent = m.parentNode;
      while (m.firstChild) parent.insertBefore(m.firstChild, m);
      parent.removeChild(m);
      parent.normalize();
    });
    Array.prototype.slice.call(d.querySelectorAll(".ra-marker--my, .ra-my-store")).forEach(function (n) { n.remove(); });
  }

  function highlight(map, note, start, end) {
    var pieces = [];
    map.runs.forEach(function (run) {
      var len = run.node.data.length, a = Math.max(start, run.r), b = Math.min(end, run.r + len);
      if (a < b) pieces.push([run.node, a - run.r, b - run.r]);
    });
    var lastMark = null;
    pieces.forEach(function (p, i) {
      var node = p[0];
      if (p[2] < node.data.length) node.splitText(p[2]);
      if (p[1] > 0) node = node.splitText(p[1]);
      var mark = d.createElement("mark");
      mark.className = "ra-hl ra-hl--my";
      mark.setAttribute("data-ann", "my-" + note.id);
      if (i === 0) mark.id = "ann-my-" + note.id;
      node.parentNode.insertBefore(mark, node);
      mark.appendChild(node);
      lastMark = mark;
    });
    if (!lastMark) return;
    var marker = d.createElement("a");
    marker.className = "ra-marker ra-marker--my";
    marker.href = "#note-my-" + note.id;
    marker.setAttribute("data-ann", "my-" + note.id);
    marker.setAttribute("data-title", "My note");
    marker.setAttribute("role", "button");
    marker.setAttribute("aria-expanded", "false");
    marker.setAttribute("aria-controls", "note-my-" + note.id);
    marker.setAttribute("aria-label", "My note (" + note.kind + ")");
    marker.textContent = "\u270e";
    lastMark.parentNode.insertBefore(marker, lastMark.nextSibling);
  }

  function noteElement(note) {
    var el = d.createElement("div");
    el.className = "ra-note";
    el.id = "note-my-" + note.id;
    var title = d.createElement("p");
    title.className = "ra-note-title";
    var q = d.createElement("span");
    q.className = "ra-note-anchor";
    q.textContent = "\u201c" + note.quote + "\u201d";
    var kind = d.createElement("span");
    kind.className = "ra-kind";
    kind.textContent = note.kind;
    title.appendChild(q); title.appendChild(d.createTextNode(" ")); title.appendChild(kind);
    var body = d.createElement("div");
    body.className = "ra-note-body";
    body.appendChild(render(note.body));
    el.appendChild(title); el.appendChild(body);
    if (note.tags && note.tags.length) {
      var tags = d.createElement("p");
      tags.className = "ra-sources";
      tags.textContent = "Tags: " + note.tags.join(", ");
      el.appendChild(tags);
    }
    return el;
  }

  /* Place every note of this part; those that do not fit the text any more are marked unplaced. */
  function placeAll() {
    if (!isPart()) return;
    unhighlight();
    var part = slug(), mine = notes.filter(function (n) { return n.part === part; });
    if (!mine.length) return;
    var map = readingMap(), norm = A.normalize(map.reading), spans = [], changed = false;
    mine.forEach(function (note) {
      var got = A.matchQuote(norm, note, true);
      var status = got.reason ? "unplaced" : got.method === "context-changed" ? "moved" : "placed";
      var reason = got.reason || "";
      if (!got.reason && spans.some(function (s) { return got.start < s[1] && s[0] < got.end; })) { status = "unplaced"; reason = "overlap"; }
      if (status !== note.status || reason !== (note.reason || "")) { note.status = status; note.reason = reason; changed = true; }
      if (status === "unplaced") return;
      if (note.start !== got.start || note.end !== got.end) { note.start = got.start; note.end = got.end; changed = true; }
      spans.push([got.start, got.end, note]);
    });
    spans.sort(function (a, b) { return b[0] - a[0]; }).forEach(function (s) { highlight(map, s[2], s[0], s[1]); map = readingMap(); });
    var store = d.createElement("div");
    store.className = "ra-my-store";
    store.hidden = true;
    mine.forEach(function (n) { store.appendChild(noteElement(n)); });
    article().appendChild(store);
    if (changed) saveNotes();
    var target = /^#ann-my-(.+)$/.exec(location.hash);
    var mark = target && d.getElementById("ann-my-" + target[1]);
    if (mark) { mark.classList.add("ra-hl--target"); mark.scrollIntoView({ block: "center" }); }
  }

  /* ---- untrusted bodies: plain text with links, built from text nodes ------------------ */

  var LINK = /\[([^\]\n]+)\]\(\s*([^)\s]+)\s*\)|\b(https?:\/\/[^\s<>()]+[^\s<>().,;:!?'"])/g;
  function safeUrl(url) { return /^(https?:|mailto:)/i.test(url) ? url : ""; }
  function render(text) {
    var f = d.createDocumentFragment();
    String(text || "").trim().split(/\n\s*\n/).forEach(function (para) {
      var p = d.createElement("p"), last = 0, m;
      LINK.lastIndex = 0;
      function plain(s) {
        s.split("\n").forEach(function (line, i) { if (i) p.appendChild(d.createElement("br")); p.appendChild(d.createTextNode(line)); });
      }
      while ((m = LINK.exec(para))) {
        plain(para.slice(last, m.index));
        var url = safeUrl(m[2] || m[3]);
        if (url) {
          var a = d.createElement("a");
          a.href = url; a.rel = "noopener noreferrer nofollow";
          a.textContent = m[1] || m[3];
          p.appendChild(a);
        } else plain(m[0]);
        last = m.index + m[0].length;
      }
      plain(para.slice(last));
      f.appendChild(p);
    });
    return f;
  }

  /* ---- choosing the words without a selection (keys and buttons) ------------------------ */

  /* The blocks of text a quote can lie in (paragraphs, list items, headings ...) with their reading spans. */
  function textBlocks(map) {
    var out = [], seen = new Map();
    map.runs.forEach(function (run) {
      var el = run.node.parentNode.closest(BLOCK_TEXT), end = run.r + run.node.data.length;
      if (!el) return;
      var b = seen.get(el);
      if (b) { b.e = end; return; }
      seen.set(el, b = { el: el, s: run.r, e: end });
      out.push(b);
    });
    return out.filter(function (b) { return wordsIn(map.reading, b.s, b.e).length; });
  }
  function wordsIn(text, s, e) {
    var re = new RegExp(A.WORD.source, "gu"), m, out = [];
    re.lastIndex = s;
    while ((m = re.exec(text)) && m.index + m[0].length <= e) out.push([m.index, m.index + m[0].length]);
    return out;
  }
  /* the DOM range of reading [s, e) */
  function domRange(map, s, e) {
    var r = d.createRange(), started = false;
    for (var i = 0; i < map.runs.length; i++) {
      var run = map.runs[i], len = run.node.data.length;
      if (!started && s < run.r + len) { r.setStart(run.node, Math.max(0, s - run.r)); started = true; }
      if (started && e <= run.r + len) { r.setEnd(run.node, Math.max(0, e - run.r)); return r; }
    }
    return null;
  }
  function headerBottom() { var h = d.querySelector(".md-header"); return h ? Math.max(0, h.getBoundingClientRect().bottom) : 0; }

  /* The block the reader is at: the focused one, else the URL's target when it is on screen, else the first
     one showing below the header. */
  function blockInView(blocks) {
    function having(node) { return blocks.filter(function (b) { return b.el.contains(node) || node.contains(b.el); })[0]; }
    function onScreen(el) { var r = el.getBoundingClientRect(); return r.bottom > headerBottom() && r.top < w.innerHeight; }
    var active = d.activeElement, target = null, top = headerBottom() + 16;
    if (active && active !== d.body && article().contains(active) && having(active)) return having(active);
    try { target = location.hash && d.getElementById(decodeURIComponent(location.hash.slice(1))); } catch (err) { target = null; }
    if (target && article().contains(target) && onScreen(target) && having(target)) return having(target);
    return blocks.filter(function (b) { var r = b.el.getBoundingClientRect(); return r.bottom > top && r.top < w.innerHeight; })[0] ||
      blocks.filter(function (b) { return b.el.getBoundingClientRect().top >= top; })[0] || blocks[0];
  }
  /* A first proposal in a block: from its first word on screen to the end of that sentence, at most 5 words. */
  function propose(map, block, fromScreen) {
    var ws = wordsIn(map.reading, block.s, block.e), a = 0, top = headerBottom();
    if (fromScreen && block.el.getBoundingClientRect().top < top) {
      for (var i = 0; i < ws.length; i++) if (domRange(map, ws[i][0], ws[i][1]).getBoundingClientRect().top >= top) { a = i; break; }
    }
    var b = a;
    while (b < ws.length - 1 && b - a < 4 && !/[.!?]/.test(map.reading.slice(ws[b][1], ws[b + 1][0]))) b++;
    return { words: ws, a: a, b: b };
  }
  function startPick(map, blocks, index, got, note) {
    pick = { map: map, blocks: blocks, index: index, words: got.words, a: got.a, b: got.b, note: note, made: null, span: got.span };
  }
  /* the reader moved the quote: it is made of whole words from now on */
  function picked(a, b) {
    pick.a = a; pick.b = b; pick.span = null;
    editor.querySelector(".ra-editor-trim").hidden = true;
  }
  /* Recompute the anchor of the chosen words (anchorFor, as for a selection), show it and say it. */
  function pickUpdate(message) {
    var p = pick, s = p.span ? p.span[0] : p.words[p.a][0], e = p.span ? p.span[1] : p.words[p.b][1];
    var made = anchorFor(p.map, [s, e]), note = p.note, count = p.b - p.a + 1;
    p.made = made;
    delete note.prefix; delete note.suffix;
    note.quote = p.map.reading.slice(s, e).split(LINE).join(" ");
    if (made) { Object.assign(note, made.anchor); note.start = made.start; note.end = made.end; }
    editor.querySelector(".ra-editor-quote").textContent = "\u201c" + note.quote + "\u201d";
    var ws = p.words, before = ws[Math.max(0, p.a - CONTEXT_WORDS)], after = ws[Math.min(ws.length - 1, p.b + CONTEXT_WORDS)];
    editor.querySelector(".ra-pick-before").textContent = p.a > 0 ? (p.a > CONTEXT_WORDS ? "\u2026" : "") + p.map.reading.slice(before[0], s) : "";
    editor.querySelector(".ra-pick-after").textContent = p.b < ws.length - 1 ? p.map.reading.slice(e, after[1]) + (p.b + CONTEXT_WORDS < ws.length - 1 ? "\u2026" : "") : "";
    var status = count + (count === 1 ? " word" : " words") + " (at most " + MAX_WORDS + ")." +
      (made ? "" : " These words recur in this part even with the words around them: choose more words.") + (message ? " " + message : "");
    editor.querySelector(".ra-pick-status").textContent = status;
    var range = domRange(p.map, s, e);
    if (range && w.CSS && CSS.highlights && w.Highlight) CSS.highlights.set("ra-draft", new w.Highlight(range));
    if (range) reveal(range);
  }
  /* Scroll the chosen words into the band between the header and the editor (docked at the bottom). */
  function reveal(range) {
    var r = range.getBoundingClientRect(), top = headerBottom() + 8, bottom = editor.getBoundingClientRect().top - 8;
    if (bottom - top < r.height + 16) bottom = w.innerHeight - 8;
    if (r.top < top || r.bottom > bottom) w.scrollBy({ top: r.top - top - 16, behavior: "instant" });
  }
  function pickMove(which, dir) {
    var p = pick, a = p.a, b = p.b, message = "";
    if (which === "end") { b += dir; if (b < a) a = b; } else { a += dir; if (a > b) b = a; }
    if (a < 0) message = "That is the first word of this paragraph (Up arrow: the paragraph before).";
    else if (b >= p.words.length) message = "That is the last word of this paragraph (Down arrow: the paragraph after).";
    else if (b - a + 1 > MAX_WORDS) message = "A quote has at most " + MAX_WORDS + " words: move the " + (which === "end" ? "start later" : "end earlier") + " first.";
    else picked(a, b);
    pickUpdate(message);
  }
  function pickBlock(dir) {
    var p = pick, i = p.index + dir;
    if (i < 0 || i >= p.blocks.length) { pickUpdate(dir < 0 ? "This is the first paragraph of the part." : "This is the last paragraph of the part."); return; }
    var got = propose(p.map, p.blocks[i], false);
    p.index = i; p.words = got.words;
    picked(got.a, got.b);
    pickUpdate("");
  }
  var PICK_KEYS = { ArrowLeft: ["end", -1], ArrowRight: ["end", 1], "Shift+ArrowLeft": ["start", -1], "Shift+ArrowRight": ["start", 1],
    ArrowUp: ["block", -1], ArrowDown: ["block", 1] };
  function pickKey(e) {
    if (!pick || e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key === "Enter" && e.target.classList.contains("ra-editor-quote")) { e.preventDefault(); editor.querySelector("textarea").focus(); return; }
    var what = PICK_KEYS[(e.shiftKey ? "Shift+" : "") + e.key];
    if (!what) return;
    e.preventDefault();
    if (what[0] === "block") pickBlock(what[1]); else pickMove(what[0], what[1]);
  }
  function unpick() {
    pick = null;
    if (w.CSS && CSS.highlights) CSS.highlights.delete("ra-draft");
  }

  /* ---- the editor ---------------------------------------------------------------------- */

  function el(tag, attrs, text) {
    var n = d.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { n.setAttribute(k, attrs[k]); });
    if (text) n.textContent = text;
    return n;
  }
  /* Keys pressed in our dialogs are theirs: Material's page shortcuts (n, p, s, f, /) must not leave the page
     or open search while a note is written (Escape still closes the dialog: the browser does that). */
  function ownKeys(dialog) { dialog.addEventListener("keydown", function (e) { e.stopPropagation(); }); }
  function buildEditor() {
    if (editor) return editor;
    editor = el("dialog", { class: "ra-editor md-typeset", "aria-labelledby": "ra-editor-title" });
    var form = el("form", { method: "dialog" });
    form.appendChild(el("h2", { id: "ra-editor-title" }, "My note"));
    // the quote, and in between a few words either side (for the eyes only) while the words are chosen
    var line = el("p", { class: "ra-editor-line" });
    line.appendChild(el("span", { class: "ra-pick-before", "aria-hidden": "true" }));
    line.appendChild(el("span", { class: "ra-editor-quote", "aria-live": "polite", "aria-describedby": "ra-pick-keys" }));
    line.appendChild(el("span", { class: "ra-pick-after", "aria-hidden": "true" }));
    form.appendChild(line);
    form.appendChild(el("p", { class: "ra-editor-trim", id: "ra-editor-trim" }));
    var pickSet = el("fieldset", { class: "ra-pick" }), row = el("p", { class: "ra-pick-buttons" });
    pickSet.appendChild(el("legend", {}, "Choose the words"));
    [["start", -1, "\u2190 Start", "Shift+ArrowLeft", "The quote starts a word earlier"],
     ["start", 1, "Start \u2192", "Shift+ArrowRight", "The quote starts a word later"],
     ["end", -1, "\u2190 End", "ArrowLeft", "The quote ends a word earlier"],
     ["end", 1, "End \u2192", "ArrowRight", "The quote ends a word later"],
     ["block", -1, "\u2191 Paragraph", "ArrowUp", "The paragraph before"],
     ["block", 1, "Paragraph \u2193", "ArrowDown", "The paragraph after"]].forEach(function (b) {
      var button = el("button", { type: "button", class: "ra-pick-" + b[0] + (b[1] < 0 ? "-back" : "-on"), "aria-keyshortcuts": b[3],
        title: b[4] + " (" + b[3].replace("Arrow", "") + " on the quote)" }, b[2]);
      button.addEventListener("click", function () { if (b[0] === "block") pickBlock(b[1]); else pickMove(b[0], b[1]); });
      row.appendChild(button);
    });
    pickSet.appendChild(row);
    pickSet.appendChild(el("p", { class: "ra-pick-keys", id: "ra-pick-keys" }, "Keys on the quote: \u2190 \u2192 move its end by a word, " +
      "Shift+\u2190 \u2192 its start, \u2191 \u2193 go to another paragraph, Enter goes on to the note."));
    pickSet.appendChild(el("p", { class: "ra-pick-status", "aria-live": "polite" }));
    form.appendChild(pickSet);
    editor.addEventListener("keydown", function (e) {
      if (pickSet.contains(e.target) || e.target.classList.contains("ra-editor-quote")) pickKey(e);
      // typing on the quote writes the note (the letter lands in the box focused now)
      if (e.target.classList.contains("ra-editor-quote") && e.key.length === 1 && !e.ctrlKey && !e.metaKey && !e.altKey) editor.querySelector("textarea").focus();
    });
    ownKeys(editor);
    editor.addEventListener("close", function () { if (!editor.open) unpick(); });
    form.appendChild(el("label", { for: "ra-editor-body" }, "Note (Markdown; shown here as plain text with links)"));
    form.appendChild(el("textarea", { id: "ra-editor-body", rows: "5", required: "" }));
    form.appendChild(el("label", { for: "ra-editor-kind" }, "Kind"));
    var kind = el("select", { id: "ra-editor-kind" });
    C.kinds.forEach(function (k) { kind.appendChild(el("option", { value: k }, k)); });
    form.appendChild(kind);
    form.appendChild(el("label", { for: "ra-editor-tags" }, "Tags (optional, comma-separated: lowercase words with hyphens)"));
    form.appendChild(el("input", { id: "ra-editor-tags", type: "text", autocomplete: "off" }));
    form.appendChild(el("p", { class: "ra-editor-error", role: "alert" }));
    var buttons = el("p", { class: "ra-editor-buttons" });
    buttons.appendChild(el("button", { type: "submit", class: "ra-save", value: "save" }, "Save note"));
    buttons.appendChild(el("button", { type: "button", class: "ra-cancel" }, "Cancel"));
    form.appendChild(buttons);
    editor.appendChild(form);
    form.addEventListener("submit", function (e) { e.preventDefault(); saveEditor(); });
    buttons.querySelector(".ra-cancel").addEventListener("click", function () { editor.close(); });
    d.body.appendChild(editor);
    return editor;
  }
  function openEditor(note, trimmed, keys) {
    buildEditor();
    editing = note;
    if (!pick || pick.note !== note) unpick();
    var quote = editor.querySelector(".ra-editor-quote");
    quote.textContent = "\u201c" + note.quote + "\u201d";
    editor.querySelector(".ra-pick-before").textContent = editor.querySelector(".ra-pick-after").textContent = "";
    editor.querySelector(".ra-pick").hidden = !pick;
    editor.classList.toggle("ra-editor--pick", !!pick);
    if (pick) quote.setAttribute("tabindex", "0"); else quote.removeAttribute("tabindex");
    var trim = editor.querySelector(".ra-editor-trim");
    trim.textContent = trimmed && trimmed.length ? "Your selection was trimmed to " + trimmed.join(" and ") +
      ": the note is anchored on the words above." : "";
    trim.hidden = !trim.textContent;
    editor.querySelector("textarea").value = note.body || "";
    editor.querySelector("select").value = note.kind || C.kinds[0];
    editor.querySelector("input").value = (note.tags || []).join(", ");
    editor.querySelector(".ra-editor-error").textContent = "";
    if (!editor.open) editor.showModal();
    if (pick) pickUpdate("");
    (keys ? quote : editor.querySelector("textarea")).focus();
  }
  function saveEditor() {
    var body = editor.querySelector("textarea").value.trim();
    var tags = editor.querySelector("input").value.split(",").map(function (t) { return t.trim(); }).filter(Boolean);
    var error = editor.querySelector(".ra-editor-error");
    if (pick && !pick.made) { error.textContent = "Choose more words: these recur in this part."; editor.querySelector(".ra-editor-quote").focus(); return; }
    if (!body) { error.textContent = "Write the note first."; editor.querySelector("textarea").focus(); return; }
    var bad = tags.filter(function (t) { return !/^[a-z0-9][a-z0-9-]*$/.test(t); });
    if (bad.length) { error.textContent = "Tags are lowercase words joined by hyphens: " + bad.join(", ") + "."; editor.querySelector("input").focus(); return; }
    var note = editing;
    note.body = body + "\n";
    note.kind = editor.querySelector("select").value;
    note.tags = tags;
    note.modified = new Date().toISOString();
    if (notes.indexOf(note) < 0) notes.push(note);
    editor.close();
    var kept = saveNotes();
    placeAll();
    refreshPanel();
    if (kept) say("Note saved in this browser. Export it from My notes to keep a copy or to contribute it.");
    var marker = d.querySelector('.ra-marker--my[data-ann="my-' + note.id + '"]');
    if (marker && !(panelEl && panelEl.open)) marker.focus();
  }

  function annotate(range) {
    if (!isPart()) return;
    var map = readingMap(), span = rangeSpan(map, range);
    var made = span && anchorFor(map, span);
    if (!made) { say("That selection cannot be annotated: select a few words of the text (not the notes or headings around it)."); return; }
    var now = new Date().toISOString();
    var note = Object.assign({ id: newId(), part: slug(), start: made.start, end: made.end, body: "", kind: C.kinds[0], tags: [],
      created: now, modified: now, status: "placed" }, made.anchor);
    w.getSelection().removeAllRanges();
    var blocks = textBlocks(map), index = -1;
    blocks.forEach(function (b, i) { if (index < 0 && b.s <= made.start && made.start < b.e) index = i; });
    if (index >= 0) {
      var ws = wordsIn(map.reading, blocks[index].s, blocks[index].e), a = -1, z = -1;
      ws.forEach(function (wd, i) { if (wd[1] > made.start && a < 0) a = i; if (wd[0] < made.end) z = i; });
      if (a >= 0 && z >= a) startPick(map, blocks, index, { words: ws, a: a, b: z, span: [made.start, made.end] }, note);
    }
    openEditor(note, made.trimmed);
  }
  /* Alt+Shift+A with nothing selected: a proposal in the paragraph in view, to adjust with keys or buttons. */
  function annotateHere() {
    if (!isPart() || (editor && editor.open)) return;
    var map = readingMap(), blocks = textBlocks(map), block = blocks.length && blockInView(blocks);
    if (!block) { say("There is no text on this page to annotate."); return; }
    var now = new Date().toISOString();
    var note = { id: newId(), part: slug(), start: 0, end: 0, quote: "", body: "", kind: C.kinds[0], tags: [],
      created: now, modified: now, status: "placed" };
    startPick(map, blocks, blocks.indexOf(block), propose(map, block, true), note);
    openEditor(note, [], true);
  }
  function newId() { return (Date.now().toString(36) + Math.random().toString(36).slice(2, 6)).toLowerCase(); }

  /* ---- the panel ------------------------------------------------------------------------ */

  function partOf(s) { return C.parts.filter(function (p) { return p.slug === s; })[0] || { slug: s, title: s }; }
  function buildPanel() {
    if (panelEl) return panelEl;
    panelEl = el("dialog", { class: "ra-panel md-typeset", "aria-labelledby": "ra-panel-title" });
    panelEl.appendChild(el("h2", { id: "ra-panel-title" }, "My notes"));
    panelEl.appendChild(el("p", { class: "ra-panel-intro" }, "Your notes stay in this browser; nothing is sent anywhere. " +
      "Export them to keep a copy, to move them to another device (Import), or to contribute them (see Contributing)."));
    var tools = el("p", { class: "ra-panel-tools" });
    if (isPart()) {
      var here = el("button", { type: "button", class: "ra-annotate-here", "aria-keyshortcuts": "Alt+Shift+A" }, "Annotate the paragraph in view (Alt+Shift+A)");
      here.addEventListener("click", function () { panelEl.close(); annotateHere(); });
      tools.appendChild(here);
    }
    tools.appendChild(el("button", { type: "button", class: "ra-export" }, "Export my notes (JSON-LD)"));
    tools.appendChild(el("button", { type: "button", class: "ra-export-yaml" }, "Export as YAML"));
    tools.appendChild(el("label", { for: "ra-import", class: "ra-import-label" }, "Import notes (JSON-LD)"));
    tools.appendChild(el("input", { type: "file", id: "ra-import", accept: ".jsonld,.json,application/ld+json,application/json" }));
    panelEl.appendChild(tools);
    panelEl.appendChild(el("p", { class: "ra-panel-message", role: "status" }));
    panelEl.appendChild(el("div", { class: "ra-panel-list" }));
    var close = el("button", { type: "button", class: "ra-panel-close" }, "Close");
    panelEl.appendChild(close);
    close.addEventListener("click", function () { panelEl.close(); });
    tools.querySelector(".ra-export").addEventListener("click", function () { download("my-notes.jsonld", JSON.stringify(exportJsonld(), null, 2) + "\n", "application/ld+json"); });
    tools.querySelector(".ra-export-yaml").addEventListener("click", function () { download("my-notes.yml", exportYaml(), "text/yaml"); });
    tools.querySelector("#ra-import").addEventListener("change", function (e) {
      var file = e.target.files && e.target.files[0];
      if (!file) return;
      var reader = new FileReader();
      reader.onload = function () { importText(String(reader.result)); e.target.value = ""; };
      reader.readAsText(file);
    });
    ownKeys(panelEl);
    d.body.appendChild(panelEl);
    return panelEl;
  }
  function refreshPanel() {
    if (!panelEl) return;
    var list = panelEl.querySelector(".ra-panel-list");
    list.textContent = "";
    if (!notes.length) { list.appendChild(el("p", {}, "No notes yet. Select a passage of the book and press Annotate, or press Alt+Shift+A " +
      "with nothing selected to start from the paragraph in view and choose the words with the arrow keys.")); return; }
    var order = C.parts.map(function (p) { return p.slug; });
    var parts = notes.map(function (n) { return n.part; }).filter(function (s, i, all) { return all.indexOf(s) === i; });
    parts.sort(function (a, b) { return order.indexOf(a) - order.indexOf(b); });
    parts.forEach(function (s) {
      var part = partOf(s);
      list.appendChild(el("h3", {}, part.title));
      var ul = el("ul", { class: "ra-panel-notes" });
      notes.filter(function (n) { return n.part === s; }).forEach(function (note) {
        var li = el("li", { class: "ra-panel-note" + (note.status === "unplaced" ? " ra-panel-note--unplaced" : "") });
        var jump = el("a", { href: root + "book/" + s + ".html#ann-my-" + note.id }, "\u201c" + note.quote + "\u201d");
        jump.addEventListener("click", function () { if (s === slug()) panelEl.close(); });
        li.appendChild(jump);
        li.appendChild(el("span", { class: "ra-kind" }, note.kind));
        if (note.status === "unplaced") {
          li.appendChild(el("p", { class: "ra-unplaced" }, "Unplaced: the text changed and this quote no longer fits (" +
            (note.reason || "not found") + "). The note is kept; edit or export it."));
        } else if (note.status === "moved") {
          li.appendChild(el("p", { class: "ra-unplaced" }, "Re-anchored: the words around the quote changed."));
        }
        li.appendChild(el("p", { class: "ra-panel-body" }, (note.body || "").trim().slice(0, 160)));
        var edit = el("button", { type: "button", class: "ra-edit", "aria-label": "Edit the note on \u201c" + note.quote + "\u201d" }, "Edit");
        var del = el("button", { type: "button", class: "ra-delete", "aria-label": "Delete the note on \u201c" + note.quote + "\u201d" }, "Delete");
        edit.addEventListener("click", function () { openEditor(note); });
        del.addEventListener("click", function () {
          notes.splice(notes.indexOf(note), 1);
          saveNotes(); placeAll(); refreshPanel();
          say("Note deleted.");
          var first = panelEl.querySelector(".ra-edit, .ra-panel-close");
          if (first) first.focus();
        });
        li.appendChild(edit); li.appendChild(del);
        ul.appendChild(li);
      });
      list.appendChild(ul);
    });
  }
  function panel() {
    buildPanel();
    refreshPanel();
    say(storageProblem);
    if (!panelEl.open) panelEl.showModal();
  }

  /* ---- export and import ---------------------------------------------------------------- */

  var MOTIVATION = { context: "commenting", person: "identifying", place: "identifying", term: "describing", source: "describing",
    correction: "editing", translation: "describing", "cross-reference": "linking" };
  function exportJsonld() {
    var order = C.parts.map(function (p) { return p.slug; });
    var items = notes.slice().sort(function (a, b) { return order.indexOf(a.part) - order.indexOf(b.part) || (a.start || 0) - (b.start || 0); })
      .map(function (n) {
        var quote = { type: "TextQuoteSelector", exact: n.quote };
        if (n.prefix) quote.prefix = n.prefix;
        if (n.suffix) quote.suffix = n.suffix;
        var selectors = [quote];
        if (n.status !== "unplaced" && n.end > n.start) selectors.push({ type: "TextPositionSelector", start: n.start, end: n.end });
        var html = Array.prototype.map.call(render(n.body).childNodes, function (p) { return p.outerHTML; }).join("");
        var bodies = [{ type: "TextualBody", purpose: MOTIVATION[n.kind] || "commenting", format: "text/html", language: "en",
          value: html, "schema:text": n.body }];
        (n.tags || []).forEach(function (t) { bodies.push({ type: "TextualBody", purpose: "tagging", value: t }); });
        var item = { id: C.annotationBase + "note-" + n.id, type: "Annotation", motivation: MOTIVATION[n.kind] || "commenting", "schema:genre": n.kind };
        if (n.author) item.creator = { type: "Person", name: n.author };
        item.body = bodies;
        item.target = { source: C.bookIri + "#" + n.part, selector: selectors };
        if (n.created) item.created = n.created;
        if (n.modified) item.modified = n.modified;
        return item;
      });
    return { "@context": "http://www.w3.org/ns/anno.jsonld", id: C.urn + ":reader-notes", type: "AnnotationCollection",
      label: "Reader notes on " + C.title, generator: { type: "Software", name: C.generator },
      total: items.length, first: { id: C.urn + ":reader-notes:page:1", type: "AnnotationPage", startIndex: 0, items: items } };
  }
  function yamlString(s) { return JSON.stringify(s); }
  function exportYaml() {
    var out = ["# Reader notes as annotation entries. `reader import-annotations my-notes.jsonld` adds them to",
      "# annotations/<part>.yml with fresh ids and checks every anchor; this file is for reading.", ""];
    C.parts.forEach(function (p) {
      var mine = notes.filter(function (n) { return n.part === p.slug; });
      if (!mine.length) return;
      out.push("# annotations/" + p.slug + ".yml", "annotations:");
      mine.forEach(function (n) {
        out.push("  - id: note-" + n.id, "    anchor:", "      quote: " + yamlString(n.quote));
        if (n.prefix) out.push("      prefix: " + yamlString(n.prefix));
        if (n.suffix) out.push("      suffix: " + yamlString(n.suffix));
        out.push("    kind: " + n.kind, "    body: |");
        n.body.trim().split("\n").forEach(function (line) { out.push(line ? "      " + line : ""); });
        if (n.tags && n.tags.length) out.push("    tags: [" + n.tags.join(", ") + "]");
      });
      out.push("");
    });
    return out.join("\n") + "\n";
  }
  function download(name, text, type) {
    var url = URL.createObjectURL(new Blob([text], { type: type }));
    var a = el("a", { href: url, download: name });
    d.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }
  function importText(text) {
    var data;
    try { data = JSON.parse(text); } catch (err) { say("That file is not JSON: choose a file that Export wrote (my-notes.jsonld)."); return; }
    var items = Array.isArray(data) ? data : data && data.first && Array.isArray(data.first.items) ? data.first.items :
      data && Array.isArray(data.items) ? data.items : data && data.type === "Annotation" ? [data] : null;
    if (!items) { say("That file holds no W3C annotations: choose a file that Export wrote."); return; }
    var added = 0, known = 0, bad = 0;
    items.forEach(function (item) {
      var target = item && (Array.isArray(item.target) ? item.target[0] : item.target);
      var source = target && typeof target.source === "string" ? target.source : "";
      var part = source.split("#")[1] || "";
      var selectors = target ? [].concat(target.selector || []) : [];
      var q = selectors.filter(function (s) { return s && s.type === "TextQuoteSelector"; })[0];
      var pos = selectors.filter(function (s) { return s && s.type === "TextPositionSelector"; })[0];
      var bodies = [].concat(item && item.body || []);
      var main = bodies.filter(function (b) { return b && b.purpose !== "tagging"; })[0];
      var body = main && (main["schema:text"] || main.value);
      if (!q || typeof q.exact !== "string" || !partOf(part).title || !C.parts.some(function (p) { return p.slug === part; }) || typeof body !== "string") { bad++; return; }
      var id = String(item.id || "").replace(/^.*(?::ann:|#ann-)(?:note-)?/, "").replace(/[^a-z0-9-]/g, "") || newId();
      if (notes.some(function (n) { return n.id === id; })) { known++; return; }
      var kind = C.kinds.indexOf(item["schema:genre"]) >= 0 ? item["schema:genre"] : C.kinds[0];
      var note = { id: id, part: part, quote: q.exact, body: body, kind: kind, status: "placed",
        tags: bodies.filter(function (b) { return b && b.purpose === "tagging" && /^[a-z0-9][a-z0-9-]*$/.test(b.value); }).map(function (b) { return b.value; }),
        start: pos ? pos.start : 0, end: pos ? pos.end : 0, created: item.created || "", modified: item.modified || "" };
      if (q.prefix) note.prefix = q.prefix;
      if (q.suffix) note.suffix = q.suffix;
      if (item.creator && item.creator.name) note.author = item.creator.name;
      notes.push(note);
      added++;
    });
    saveNotes();
    placeAll();
    refreshPanel();
    say("Imported " + added + " note(s)" + (known ? "; " + known + " already here" : "") + (bad ? "; " + bad + " not readable as notes" : "") + ".");
  }

  w.RaNotes = {
    start: function (base) {
      if (started) return;
      started = true;
      root = base || "";
      loadNotes();
      if (storageProblem) say(storageProblem);
      placeAll();
    },
    annotate: annotate,
    annotateHere: annotateHere,
    panel: panel,
    readingMap: readingMap,
    anchorFor: anchorFor,
    exportJsonld: exportJsonld,
    importText: importText,
    notes: function () { return notes; }
  };
})();
