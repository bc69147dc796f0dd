/* annotated-reader: one accessible popup for glossary terms, people and annotations;
   annotation permalinks; remembered reading position. Plain ES2017, no dependencies,
   works from file:// (no network, no modules). Markup contract: annotated_reader/templates. */
(function () {
  "use strict";
  var d = document, w = window;
  var OPEN_DELAY = 250;  // hover intent before a term popup opens
  var CLOSE_DELAY = 300; // time to move the pointer from the trigger into the popup (WCAG 1.4.13)
  var GAP = 6, EDGE = 8, SHEET_BELOW = 600;
  var TERM = "a.ra-term[data-tip]", MARKER = "a.ra-marker[data-ann]";

  var pop, body, closeBtn; // the one popup element, built on first use
  var cur = null;          // {t: trigger, kind: "term" | "ann", via: "hover" | "focus" | "tap" | "click"}
  var openTimer = 0, closeTimer = 0, rafId = 0;
  var lastPointer = { type: "", time: 0, wasOpen: false };
  var refocusing = false;  // focus given back to a trigger must not reopen its popup

  function esc(s) { return w.CSS && CSS.escape ? CSS.escape(s) : s.replace(/["\\]/g, "\\$&"); }
  function $$(sel, root) { return Array.prototype.slice.call((root || d).querySelectorAll(sel)); }
  function inPop(n) { return !!(pop && n && pop.contains(n)); }
  function clearTimers() { clearTimeout(openTimer); clearTimeout(closeTimer); }
  function noIds(root) { // clones must not duplicate ids (or page anchors) of the original
    $$("[id]", root).forEach(function (n) { n.removeAttribute("id"); });
    return root;
  }

  function build() {
    if (pop) return;
    pop = d.createElement("div");
    pop.id = "ra-pop";
    pop.className = "ra-pop md-typeset";
    pop.hidden = true;
    pop.tabIndex = -1;
    closeBtn = d.createElement("button");
    closeBtn.type = "button";
    closeBtn.className = "ra-pop-close";
    closeBtn.setAttribute("aria-label", "Close");
    closeBtn.textContent = "\u00d7";
    closeBtn.addEventListener("click", function () { close(true); });
    body = d.createElement("div");
    body.className = "ra-pop-body";
    pop.appendChild(closeBtn);
    pop.appendChild(body);
    pop.addEventListener("pointerover", function () { clearTimeout(closeTimer); });
    pop.addEventListener("pointerout", function (e) {
      if (cur && cur.via === "hover" && !inPop(e.relatedTarget) && e.relatedTarget !== cur.t) scheduleClose();
    });
    d.body.appendChild(pop);
  }

  /* ---- content ---------------------------------------------------------------------- */

  function termContent(t) {
    var tpl = d.getElementById("tip-" + t.getAttribute("data-tip"));
    if (!tpl || !tpl.content) return null;
    return noIds(tpl.content.cloneNode(true));
  }

  function annContent(t) {
    var id = t.getAttribute("data-ann");
    var note = d.getElementById("note-" + id);
    if (!note) return null;
    var f = d.createDocumentFragment();
    var head = d.createElement("p");
    head.className = "ra-pop-title";
    var strong = d.createElement("strong");
    strong.textContent = t.getAttribute("data-title") || "Annotation " + t.textContent.trim(); // a reader's own note: "My note"
    head.appendChild(strong);
    var kind = note.querySelector(".ra-kind");
    if (kind) head.appendChild(d.createTextNode(" \u00b7 " + kind.textContent));
    f.appendChild(head);
    var title = note.querySelector(".ra-note-title");
    if (title) {
      var q = d.createElement("p");
      q.className = "ra-pop-quote";
      var src = title.querySelector(".ra-note-anchor, .ra-quote") || title;
      q.textContent = src.textContent;
      f.appendChild(q);
    }
    $$(".ra-note-body, .ra-sources", note).forEach(function (n) { f.appendChild(noIds(n.cloneNode(true))); });
    var more = d.createElement("p");
    more.className = "ra-pop-more";
    more.innerHTML = '<a class="ra-permalink"></a> \u00b7 <a class="ra-to-notes"></a>';
    var links = more.querySelectorAll("a");
    links[0].href = "#ann-" + id; links[0].textContent = "Permalink";
    links[1].href = "#annotations"; links[1].textContent = "All annotations";
    f.appendChild(more);
    return f;
  }

  /* ---- open / close ----------------------------------------------------------------- */

  function open(t, kind, via) {
    clearTimers();
    if (cur && cur.t === t) { cur.via = via === "hover" ? cur.via : via; return; }
    var content = kind === "term" ? termContent(t) : annContent(t);
    if (!content) return;
    build();
    close(false);
    cur = { t: t, kind: kind, via: via };
    body.textContent = "";
    body.appendChild(content);
    pop.className = "ra-pop md-typeset ra-pop--" + kind;
    if (kind === "term") {
      pop.setAttribute("role", "tooltip");
      pop.removeAttribute("aria-label");
      pop.removeAttribute("aria-modal");
      t.setAttribute("aria-describedby", pop.id);
    } else {
      pop.setAttribute("role", "dialog");
      pop.setAttribute("aria-label", t.getAttribute("aria-label") || "Annotation");
      t.setAttribute("aria-expanded", "true");
      t.setAttribute("aria-controls", pop.id); // while open it controls the popup, not the notes list
    }
    pop.hidden = false;
    place(true);
    if (kind === "ann") pop.focus({ preventScroll: true });
  }

  function close(refocus) {
    clearTimers();
    if (!cur) return;
    var t = cur.t;
    var hadFocus = inPop(d.activeElement);
    if (cur.kind === "term") t.removeAttribute("aria-describedby");
    else {
      t.setAttribute("aria-expanded", "false");
      t.setAttribute("aria-controls", "note-" + t.getAttribute("data-ann"));
    }
    cur = null;
    pop.hidden = true;
    body.textContent = "";
    if (refocus || hadFocus) {
      refocusing = true;
      t.focus({ preventScroll: !refocus });
      refocusing = false;
    }
  }

  function scheduleClose() {
    clearTimeout(closeTimer);
    closeTimer = setTimeout(function () {
      if (cur && !inPop(d.activeElement) && d.activeElement !== cur.t) close(false);
    }, CLOSE_DELAY);
  }

  /* ---- positioning: below, flipped above when there is no room, clamped to the viewport --- */

  function place(opening) {
    if (!cur) return;
    var vw = d.documentElement.clientWidth, vh = w.innerHeight;
    var sheet = vw < SHEET_BELOW;
    pop.classList.toggle("ra-pop--sheet", sheet);
    pop.classList.remove("ra-pop--above");
    var s = pop.style;
    s.left = s.top = s.maxHeight = "";
    var rects = cur.t.getClientRects();
    if (sheet) { // keep the trigger visible above the sheet
      var hidden = rects.length ? rects[rects.length - 1].bottom - (vh - pop.offsetHeight) + GAP : 0;
      if (opening && hidden > 0) w.scrollBy(0, hidden);
      return;
    }
    if (!rects.length) { close(false); return; }
    var first = rects[0], last = rects[rects.length - 1];
    if (last.bottom < 0 || first.top > vh) { close(false); return; } // scrolled away
    var pw = pop.offsetWidth, ph = pop.offsetHeight;
    var below = vh - last.bottom - GAP - EDGE, above = first.top - GAP - EDGE;
    var top;
    if (ph <= below || below >= above) {
      top = last.bottom + GAP;
      if (ph > below) s.maxHeight = Math.max(below, 80) + "px";
    } else {
      pop.classList.add("ra-pop--above");
      if (ph > above) { s.maxHeight = above + "px"; ph = above; }
      top = first.top - GAP - ph;
    }
    var left = Math.min(Math.max(EDGE, (last === first ? first.left : last.left)), vw - pw - EDGE);
    s.left = Math.max(EDGE, left) + "px";
    s.top = top + "px";
  }

  function onViewport() {
    if (!cur || rafId) return;
    rafId = w.requestAnimationFrame(function () { rafId = 0; place(false); });
  }

  /* ---- events (delegated once; Material's document$ only re-runs the per-page part) ----- */

  function trigger(e, sel) {
    var n = e.target && e.target.closest ? e.target.closest(sel) : null;
    return n && !inPop(n) ? n : null; // links inside a popup behave as plain links
  }

  d.addEventListener("pointerdown", function (e) {
    var t = trigger(e, TERM + "," + MARKER);
    lastPointer = { type: e.pointerType, time: Date.now(), wasOpen: !!(cur && t && cur.t === t) };
    if (cur && !inPop(e.target) && e.target !== cur.t && !cur.t.contains(e.target)) close(false);
  }, true);

  d.addEventListener("pointerover", function (e) {
    if (e.pointerType !== "mouse") return;
    var t = trigger(e, TERM);
    if (!t) return;
    clearTimeout(closeTimer);
    if (cur && cur.t === t) return;
    clearTimeout(openTimer);
    openTimer = setTimeout(function () { open(t, "term", "hover"); }, OPEN_DELAY);
  });

  d.addEventListener("pointerout", function (e) {
    if (e.pointerType !== "mouse") return;
    var t = trigger(e, TERM);
    if (!t || t.contains(e.relatedTarget)) return;
    clearTimeout(openTimer);
    if (cur && cur.t === t && cur.via === "hover" && !inPop(e.relatedTarget)) scheduleClose();
  });

  d.addEventListener("click", function (e) {
    var m = trigger(e, MARKER);
    if (m) {
      e.preventDefault(); // the marker's href (#note-ID) is the no-JS fallback
      if (cur && cur.t === m) close(true); else open(m, "ann", "click");
      return;
    }
    var t = trigger(e, TERM);
    var touch = lastPointer.type === "touch" || lastPointer.type === "pen";
    if (t && touch && Date.now() - lastPointer.time < 1500 && !lastPointer.wasOpen) {
      e.preventDefault(); // first tap shows the popup, a second tap follows the link
      open(t, "term", "tap");
    }
  });

  d.addEventListener("focusin", function (e) {
    var t = e.target;
    if (refocusing || (cur && (inPop(t) || t === cur.t))) return;
    if (cur) close(false);
    if (t.matches && t.matches(TERM) && !inPop(t) && Date.now() - lastPointer.time > 600) open(t, "term", "focus");
  });

  d.addEventListener("keydown", function (e) {
    if (e.key === " " || e.key === "Spacebar") {
      var m = trigger(e, MARKER);
      if (m) { e.preventDefault(); if (cur && cur.t === m) close(true); else open(m, "ann", "click"); }
      return;
    }
    if (!cur) return;
    if (e.key === "Escape" || e.key === "Esc") {
      e.preventDefault();
      e.stopPropagation();
      close(true);
    } else if (e.key === "Tab" && cur.kind === "ann" && inPop(d.activeElement)) {
      // a non-modal dialog that sits, for Tab, right after its marker
      var f = $$("a[href], button", pop).filter(function (n) { return n.offsetParent !== null; });
      var a = d.activeElement;
      if (e.shiftKey && (a === pop || a === f[0])) { e.preventDefault(); close(true); }
      else if (!e.shiftKey && a === f[f.length - 1]) { e.preventDefault(); focusAfter(cur.t); }
    }
  }, true);

  function focusAfter(t) {
    var all = $$("a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex='-1'])").filter(function (n) {
      return !inPop(n) && !n.disabled && n.offsetParent !== null;
    });
    var next = all[all.indexOf(t) + 1];
    close(false);
    (next || t).focus();
  }

  w.addEventListener("scroll", onViewport, { passive: true });
  w.addEventListener("resize", onViewport);

  /* ---- permalinks: #ann-ID highlights the passage, #note-ID goes to it when it is here ---- */

  var flashTimer = 0;
  function onHash() {
    var id = "";
    try { id = decodeURIComponent(location.hash.slice(1)); } catch (err) { return; }
    $$(".ra-hl--target, .ra-note--target").forEach(function (n) { n.classList.remove("ra-hl--target", "ra-note--target"); });
    var m = /^(ann|note)-(.+)$/.exec(id);
    if (!m) return;
    if (cur) close(false);
    var marks = $$('mark.ra-hl[data-ann="' + esc(m[2]) + '"]');
    if (marks.length) {
      if (m[1] === "note" && history.replaceState) history.replaceState(history.state, "", "#ann-" + m[2]);
      marks.forEach(function (n) { n.classList.add("ra-hl--target"); });
      marks[0].scrollIntoView({ block: "center" });
    } else {
      var el = d.getElementById(id);
      var note = el && el.closest(".ra-note");
      if (note) note.classList.add("ra-note--target");
    }
    clearTimeout(flashTimer);
    flashTimer = setTimeout(function () {
      $$(".ra-hl--target").forEach(function (n) { n.classList.remove("ra-hl--target"); });
    }, 8000);
  }
  w.addEventListener("hashchange", onHash);

  /* ---- reading position: the block at the top of the view, per page, only when storage works ----
     Saved as "ID FRACTION": the id of the article's block under the header (or "@N", its place among
     the article's blocks, when it has none) and how far into it the view starts. A scroll fraction
     would not come back: blocks out of view have only an estimated height (reader.css). An older
     bare fraction is still read. */

  var store = null;
  try { store = w.localStorage; store.setItem("ra-test", "1"); store.removeItem("ra-test"); } catch (err) { store = null; }
  var posKey = "", saveTimer = 0;
  function article() { return d.querySelector(".md-content article"); }
  function viewTop() { var h = d.querySelector(".md-header"); return h ? Math.max(0, h.getBoundingClientRect().bottom) : 0; }
  function position() { // the last block starting at or above the view's top (blocks are in page order)
    var a = article(), blocks = a ? a.children : [], top = viewTop(), lo = 0, hi = blocks.length - 1, at = -1;
    if (w.scrollY < 1) return "";
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (blocks[mid].getBoundingClientRect().top <= top) { at = mid; lo = mid + 1; } else hi = mid - 1;
    }
    if (at < 0) return "";
    var r = blocks[at].getBoundingClientRect();
    return (blocks[at].id || "@" + at) + " " + Math.round((top - r.top) / Math.max(1, r.height) * 1e3) / 1e3;
  }
  function save() {
    if (!store || !posKey) return;
    try { store.setItem(posKey, position()); } catch (err) { /* full or blocked */ }
  }
  function restore(saved) {
    var m = /^(\S+) ([0-9.]+)$/.exec(saved || "");
    if (!m) { // a bare fraction of the page's height, as saved before
      var f = parseFloat(saved) || 0;
      if (f > 0 && f <= 1) w.scrollTo(0, f * Math.max(1, d.documentElement.scrollHeight - w.innerHeight));
      return;
    }
    var a = article(), el = m[1][0] === "@" ? a && a.children[+m[1].slice(1)] : d.getElementById(m[1]);
    if (!el) return;
    var root = d.documentElement.style, frames = 30, still = 0, left = null;
    el.style.contentVisibility = "visible"; // its own height, not the estimate
    root.overflowAnchor = "none";           // this loop keeps the block in place, not the browser
    (function place() { // blocks coming into view are laid out a frame later: measure again until still
      var moved = left !== null && Math.abs(w.scrollY - left) >= 1; // scrolled since by another: the reader, a link
      var r = el.getBoundingClientRect(), by = moved ? 0 : r.top + parseFloat(m[2]) * r.height - viewTop();
      if (Math.abs(by) >= 1) { w.scrollBy({ top: by, behavior: "instant" }); still = 0; } else still++;
      left = w.scrollY;
      if (!moved && still < 3 && --frames > 0) w.requestAnimationFrame(place);
      else { el.style.contentVisibility = ""; root.overflowAnchor = ""; }
    })();
  }
  w.addEventListener("scroll", function () { clearTimeout(saveTimer); saveTimer = setTimeout(save, 400); }, { passive: true });
  w.addEventListener("pagehide", save);

  function init() {
    var search = d.querySelector(".md-search[role='dialog']:not([aria-label])");
    if (search) search.setAttribute("aria-label", "Search"); // Material leaves its search dialog unnamed
    posKey = "ra-pos:" + location.pathname;
    if (location.hash) { onHash(); return; }
    var saved = "";
    try { saved = store ? store.getItem(posKey) : ""; } catch (err) { saved = ""; }
    restore(saved);
  }

  if (w.document$ && typeof w.document$.subscribe === "function") w.document$.subscribe(init);
  else if (d.readyState === "loading") d.addEventListener("DOMContentLoaded", init);
  else init();
})();
