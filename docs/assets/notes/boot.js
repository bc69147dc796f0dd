/* annotated-reader: the entry point of readers' own notes, on every page (kept tiny: the notes code,
   docs/assets/notes/notes.js, loads only when first used: a selection is annotated, Alt+Shift+A is
   pressed, "My notes" is opened, or this part already has notes). Plain ES2017, works from file://. */
(function () {
  "use strict";
  var d = document, w = window, KEY = "ra-notes", SHORTCUT = "Alt+Shift+A";
  var self = d.currentScript && d.currentScript.src;
  var root = self ? self.replace(/assets\/notes\/boot\.js(\?.*)?$/, "") : "";
  var waiting = null, button = null, range = null, timer = 0;

  function load(then) {
    if (w.RaNotes) { then(w.RaNotes); return; }
    if (waiting) { waiting.push(then); return; }
    waiting = [then];
    var css = d.createElement("link");
    css.rel = "stylesheet"; css.href = root + "assets/notes/notes.css";
    d.head.appendChild(css);
    var files = ["assets/notes/config.js", "assets/notes/anchoring.js", "assets/notes/notes.js"];
    (function next() {
      if (!files.length) {
        var queue = waiting; waiting = null;
        if (w.RaNotes) { w.RaNotes.start(root); queue.forEach(function (f) { f(w.RaNotes); }); }
        return;
      }
      var s = d.createElement("script");
      s.src = root + files.shift();
      s.onload = next;
      s.onerror = function () { waiting = null; };
      d.head.appendChild(s);
    })();
  }
  function article() { return d.querySelector("article.md-content__inner"); }
  function partPage() { return !!d.querySelector(".ra-edition--full"); }
  function slug() { var m = /\/book\/([a-z0-9-]+)\.html$/.exec(location.pathname); return m ? m[1] : ""; }

  function selected() {
    var sel = w.getSelection && w.getSelection();
    if (!sel || sel.isCollapsed || !sel.rangeCount || !/\S/.test(sel.toString())) return null;
    var r = sel.getRangeAt(0), a = article();
    if (!a || !a.contains(r.commonAncestorContainer)) return null;
    var el = r.commonAncestorContainer.nodeType === 1 ? r.commonAncestorContainer : r.commonAncestorContainer.parentNode;
    return el.closest(".ra-notes, .ra-edition, .ra-in-this-part, .ra-guide, .ra-part-figures, .footnote, dialog") ? null : r;
  }
  function hide() { if (button) button.hidden = true; }
  function show() {
    range = partPage() ? selected() : null;
    if (!range) { hide(); return; }
    if (!button) {
      button = d.createElement("button");
      button.type = "button";
      button.className = "ra-annotate";
      button.textContent = "Annotate (" + SHORTCUT + ")";
      button.setAttribute("aria-keyshortcuts", SHORTCUT);
      button.addEventListener("pointerdown", function (e) { e.preventDefault(); }); // keep the selection
      button.addEventListener("click", annotate);
      d.body.appendChild(button);
    }
    var rects = range.getClientRects(), last = rects[rects.length - 1] || range.getBoundingClientRect();
    button.style.top = Math.min(w.innerHeight - 44, Math.max(4, last.bottom + 6)) + "px";
    button.style.left = Math.min(d.documentElement.clientWidth - 220, Math.max(4, last.right - 40)) + "px";
    button.hidden = false;
  }
  function annotate() {
    var r = range || selected();
    hide();
    if (r) { r = r.cloneRange(); load(function (notes) { notes.annotate(r); }); }
  }

  d.addEventListener("selectionchange", function () { clearTimeout(timer); timer = setTimeout(show, 120); });
  // Alt+Shift+A: annotate the selection, or with none (no mouse, no caret browsing) the paragraph in view
  d.addEventListener("keydown", function (e) {
    if (!e.altKey || !e.shiftKey || e.ctrlKey || e.metaKey || e.code !== "KeyA" || !partPage() ||
        e.target.closest && e.target.closest("input, textarea, select, dialog")) return;
    e.preventDefault();
    range = selected();
    if (range) annotate(); else load(function (notes) { notes.annotateHere(); });
  });
  w.addEventListener("scroll", function () { if (button && !button.hidden) show(); }, { passive: true });

  function init() {
    var header = d.querySelector(".md-header__inner");
    if (header && !d.querySelector(".ra-notes-open")) {
      var open = d.createElement("button");
      open.type = "button";
      open.className = "ra-notes-open md-header__button";
      open.textContent = "My notes";
      open.setAttribute("aria-haspopup", "dialog");
      open.addEventListener("click", function () { load(function (notes) { notes.panel(open); }); });
      header.insertBefore(open, header.querySelector(".md-search") || null);
    }
    var raw = null;
    try { raw = w.localStorage.getItem(KEY); } catch (err) { raw = null; }
    if (partPage() && raw && raw.indexOf('"part":"' + slug() + '"') >= 0) load(function () {});
  }
  if (w.document$ && typeof w.document$.subscribe === "function") w.document$.subscribe(init);
  else if (d.readyState === "loading") d.addEventListener("DOMContentLoaded", init);
  else init();
})();
