/* annotated-reader search: queries the index the build made (search/reader-index.js; its format and
   tokenizer: annotated_reader/search.py) in Material's search dialog. Plain ES2018, works from file://. */
(function () {
  "use strict";
  var d = document, w = window;
  var EXACT = 1, SYNONYM = 0.9, PREFIX = 0.7, TYPO = 0.5, KEY_BOOST = 2;
  var MAX_PREFIX = 300;  // completions of a short prefix, the most frequent first
  var PAGE = 10;         // results rendered at a time, as Material does
  var WORD = /[\p{L}\p{N}]{2,}/gu, LETTERS = "[\\p{L}\\p{N}]";

  function fold(s) { return s.toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, ""); }
  function words(s) {
    return fold(s.replace(/['\u2019]s\b/gi, "")).match(WORD) || [];
  }
  function esc(s) { return s.replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; }); }
  function reEsc(s) { return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }

  /* the engine: binary search over the sorted vocabulary, postings decoded on first use */

  function Engine(data) { // the index's columns decoded (format: annotated_reader/search.py), postings left for `docs`
    var chars = this.chars = data.chars, self = this;
    var texts = null; // split when the first results are shown
    this.data = { kinds: data.kinds, labels: data.labels, pages: data.pages, titles: data.titles.split(data.sep),
                  get texts() { return texts || (texts = [].concat.apply([], data.texts.map(function (c) { return c.split(data.sep); }))); } };
    this.stop = new Set(data.stop.split(" "));
    var runs = this.decode(data.meta, true), n, named = this.named = new Map();
    this.kind = []; this.page = []; this.title = [];
    for (var r = 0; r < runs.length; r += 5) { // length, kind, page, first title, title step
      for (var i = 0; i < runs[r]; i++) { this.kind.push(runs[r + 1]); this.page.push(runs[r + 2]); this.title.push(runs[r + 3] + runs[r + 4] * i); }
    }
    n = this.kind.length;
    var anchors = this.anchors = [];
    data.anchors.split(" ").forEach(function (item) { // front-coded, or "+N": N more, each numbered one up
      if (!item) return;
      var last = anchors.length ? anchors[anchors.length - 1] : "";
      var m = item[0] === "+" && /^(.*?)([0-9]+)$/.exec(last);
      if (m) for (var c = 1, count = +item.slice(1); c <= count; c++) anchors.push(m[1] + (+m[2] + c));
      else anchors.push(last.slice(0, chars.indexOf(item[0])) + item.slice(1));
    });
    for (var j = 0; j < n; j++) { // entries (glossary, people, places) by the words of their names rank first
      if (/^(glossary|person|place)$/.test(data.kinds[this.kind[j]])) words(this.data.titles[this.title[j]]).forEach(function (x) { named.set(x, (named.get(x) || []).concat([j])); });
    }
    var marks = data.marks, esc = marks.replace(/[\]\\^-]/g, "\\$&"), prev = ""; // a mark (letters shared with the word before) starts each word
    this.words = (data.words.match(new RegExp("[" + esc + "][^" + esc + "]*", "g")) || []).map(function (x) { prev = prev.slice(0, marks.indexOf(x[0])) + x.slice(1); return prev; });
    this.post = data.post; this.digit = table(data.digits); this.base = data.digits.length;
    this.skip = this.decode(data.skip); this.every = data.skip_every;
    this.cache = new Map(); this.next = [];
    this.syn = new Map();
    data.syn.forEach(function (group) { group.forEach(function (x) { self.syn.set(x, group); }); });
  }
  function table(alphabet) { var t = new Int16Array(128).fill(-1); for (var i = 0; i < alphabet.length; i++) t[alphabet.charCodeAt(i)] = i; return t; }
  Engine.prototype.decode = function (s, plain) { // base-32 numbers; gaps between ascending ones unless `plain`
    var out = [], value = 0, prev = 0;
    for (var i = 0; i < s.length; i++) {
      var digit = this.chars.indexOf(s[i]);
      value = value * 32 + (digit & 31);
      if (digit < 32) { prev = plain ? value : prev + value; out.push(prev); value = 0; }
    }
    return out;
  };
  Engine.prototype.docs = function (i) { // word i's documents, ascending, decoded on first use
    var hit = this.cache.get(i);
    if (hit) return hit;
    // The words of a block are decoded in order from its start (`skip`): up to i, and no further.
    var b = Math.floor(i / this.every), next = this.next[b] || { word: b * this.every, at: this.skip[b] };
    var s = this.post, digit = this.digit, base = this.base, at = next.at, last = this.kind.length - 1;
    function read(width) { // bits: 13 to every two characters, first bit highest
      var x = 0;
      while (width > 0) {
        var unit = (at / 13) | 0, used = at - 13 * unit, take = Math.min(width, 13 - used);
        var v = digit[s.charCodeAt(2 * unit)] * base + digit[s.charCodeAt(2 * unit + 1)];
        x = x * (1 << take) + ((v >> (13 - used - take)) & ((1 << take) - 1));
        at += take;
        width -= take;
      }
      return x;
    }
    function minimal(r) { // a number in range(r), minimal binary
      if (r <= 1) return 0;
      var b = 32 - Math.clz32(r - 1), short = (1 << b) - r, x = read(b - 1);
      return x < short ? x : 2 * x + read(1) - short;
    }
    function interpolative(docs, from, n, lo, hi) { // n documents in lo..hi: the middle one, then each half
      if (!n) return;
      var m = n >> 1, least = lo + m, middle = least + minimal(hi - (n - m - 1) - least + 1);
      docs[from + m] = middle;
      interpolative(docs, from, m, lo, middle - 1);
      interpolative(docs, from + m + 1, n - m - 1, middle + 1, hi);
    }
    for (; next.word <= i; next.word++) {
      var zeros = 0;
      while (!read(1)) zeros++;
      var n = (1 << zeros) + read(zeros), docs = new Array(n);
      interpolative(docs, 0, n, 0, last);
      this.cache.set(next.word, docs);
    }
    next.at = at;
    this.next[b] = next;
    return this.cache.get(i);
  };
  Engine.prototype.lower = function (word) { // first index whose word is >= `word`
    var lo = 0, hi = this.words.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (this.words[mid] < word) lo = mid + 1; else hi = mid; }
    return lo;
  };
  Engine.prototype.find = function (word) {
    var i = this.lower(word);
    return this.words[i] === word ? i : -1;
  };
  // Every vocabulary word a query word stands for, with a weight: itself, its other spellings
  // (glossary and people forms), its completions while it is being typed, one-letter typos.
  Engine.prototype.expand = function (token, typing) {
    var found = new Map(), self = this;
    function add(i, weight) { if (i >= 0 && !(found.get(i) >= weight)) found.set(i, weight); }
    add(this.find(token), EXACT);
    (this.syn.get(token) || []).forEach(function (x) { add(self.find(x), SYNONYM); });
    if (typing) {
      var lo = this.lower(token), hi = lo;
      while (hi < this.words.length && this.words[hi].lastIndexOf(token, 0) === 0) hi++;
      var range = [];
      for (var i = lo; i < hi; i++) range.push(i);
      if (range.length > MAX_PREFIX) range = range.sort(function (a, b) { return self.docs(b).length - self.docs(a).length; }).slice(0, MAX_PREFIX);
      range.forEach(function (i) { add(i, PREFIX); });
    }
    if (!found.size && token.length >= 5) {
      for (var j = 0; j < this.words.length; j++) if (oneEdit(token, this.words[j])) add(j, TYPO);
    }
    return found;
  };
  Engine.prototype.search = function (query) {
    var stop = this.stop, tokens = words(query).filter(function (t) { return !stop.has(t); });
    var typing = !/[\s"'.,;:!?)]$/.test(query);
    var n = this.kind.length, self = this, scores = null, matched = [];
    for (var t = 0; t < tokens.length; t++) {
      var expansion = this.expand(tokens[t], typing && t === tokens.length - 1);
      var mine = new Map();
      expansion.forEach(function (weight, i) {
        var docs = self.docs(i), idf = Math.log(1 + n / docs.length);
        for (var k = 0; k < docs.length; k++) {
          var s = weight * idf;
          if (!(mine.get(docs[k]) >= s)) mine.set(docs[k], s);
        }
        (self.named.get(self.words[i]) || []).forEach(function (doc) { // see `named`
          if (mine.has(doc)) mine.set(doc, mine.get(doc) + KEY_BOOST * weight * idf);
        });
      });
      matched.push({ token: tokens[t], prefix: typing && t === tokens.length - 1, words: Array.from(expansion.keys()).map(function (i) { return self.words[i]; }) });
      if (scores === null) scores = mine;
      else {
        var both = new Map();
        scores.forEach(function (s, doc) { if (mine.has(doc)) both.set(doc, s + mine.get(doc)); });
        scores = both;
      }
    }
    var hits = [];
    if (scores) scores.forEach(function (s, doc) { hits.push([doc, s]); });
    hits.sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
    return { hits: hits, terms: matched, pattern: pattern(matched) };
  };

  function oneEdit(a, b) { // Damerau-Levenshtein distance <= 1 (one letter wrong, missing, extra or swapped)
    var la = a.length, lb = b.length;
    if (Math.abs(la - lb) > 1 || a === b) return false;
    var i = 0;
    while (i < la && i < lb && a[i] === b[i]) i++;
    if (la === lb) return a.slice(i + 1) === b.slice(i + 1) || (a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2));
    return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
  }

  // One regular expression for the words a query matched, for snippets and for marking a page.
  function pattern(terms) {
    var alts = [];
    terms.forEach(function (t) {
      if (t.prefix) alts.push(reEsc(t.token) + LETTERS + "*");
      t.words.forEach(function (x) { if (!t.prefix || x.lastIndexOf(t.token, 0) !== 0) alts.push(reEsc(x)); });
    });
    return alts.length ? wordsRe(alts) : null;
  }
  function wordsRe(alts) { return new RegExp("(^|[^\\p{L}\\p{N}])(" + alts.join("|") + ")(?![\\p{L}\\p{N}])", "giu"); }

  // Where the words are, in the text as the reader sees it (folded only when folding keeps offsets).
  function spans(text, re) {
    var folded = fold(text), out = [], m;
    if (folded.length !== text.length) folded = text;
    re.lastIndex = 0;
    while ((m = re.exec(folded)) && out.length < 200) {
      var start = m.index + m[1].length;
      out.push([start, start + m[2].length]);
      if (re.lastIndex === m.index) re.lastIndex++;
    }
    return out;
  }

  function snippet(text, found) {
    var width = 220, from = 0;
    if (found.length) from = Math.max(0, found[0][0] - 70);
    if (from > 0) { var space = text.indexOf(" ", from); from = space > 0 && space < found[0][0] ? space + 1 : from; }
    var to = Math.min(text.length, from + width);
    if (to < text.length) { var cut = text.lastIndexOf(" ", to); if (cut > from + width / 2) to = cut; }
    var html = "", at = from;
    found.forEach(function (s) {
      if (s[0] < at || s[1] > to) return;
      html += esc(text.slice(at, s[0])) + "<mark>" + esc(text.slice(s[0], s[1])) + "</mark>";
      at = s[1];
    });
    html += esc(text.slice(at, to));
    return (from > 0 ? "\u2026" : "") + html + (to < text.length ? "\u2026" : "");
  }

  /* loading: one script, cached by the browser across pages. The page's head loads it and this file
     side by side, both async (annotated_reader/search.py `in_head`), so either may run first. */

  var me = d.currentScript;
  var engine = null;
  var api = w.readerSearch = { ready: null, readyMs: null, search: function (q) { return engine.search(q); }, render: null };
  var ready = new Promise(function (resolve, reject) {
    function start() {
      if (!w.__readerSearch) { reject(new Error("empty search index")); return; }
      engine = new Engine(w.__readerSearch);
      api.readyMs = performance.now();
      resolve(engine);
    }
    if (w.__readerSearch) { start(); return; }
    var s = d.getElementById("ra-search-index");
    if (!s) { // a page whose head does not load it: load it now, from beside this script
      s = d.createElement("script");
      s.src = (me && me.src ? me.src.replace(/assets\/search\.js([?#].*)?$/, "") : siteBase()) + "search/reader-index.js";
      s.async = true;
      d.head.appendChild(s);
    }
    function missing() { reject(new Error("search index missing: " + s.src)); }
    if (s.hasAttribute("data-failed")) { missing(); return; } // it failed before this file ran
    s.addEventListener("load", start);
    s.addEventListener("error", missing);
  });
  var base = null;
  function siteBase() { // the site's root, as Material has it: "./", "../" ("/" on 404.html); read once the page has it
    if (base === null) { try { base = JSON.parse(d.getElementById("__config").textContent).base.replace(/\/?$/, "/"); } catch (err) { return "./"; } }
    return base;
  }
  api.ready = ready;
  ready.catch(function () { /* said in the dialog when a query waits on it */ });

  /* the dialog: Material's search markup and classes, driven by its __search toggle */

  var toggle, root, input, meta, kindsBar, list, more, state = { query: "", result: null, kind: "", shown: 0 };

  function mount() { // the markup comes with the page (annotated_reader/templates/search.html)
    toggle = d.getElementById("__search");
    root = d.querySelector(".ra-search");
    var button = d.querySelector(".ra-search-button");
    if (!toggle || !root || !button) return;
    root.hidden = button.hidden = false;
    input = root.querySelector("input");
    meta = root.querySelector(".md-search-result__meta");
    kindsBar = root.querySelector(".ra-search-kinds");
    list = root.querySelector(".md-search-result__list");
    more = root.querySelector(".ra-search-more");
    input.addEventListener("focus", function () { setOpen(true); });
    input.addEventListener("input", function () { run(input.value); });
    root.querySelector("form").addEventListener("submit", function (e) { e.preventDefault(); openBest(); });
    root.querySelector("form").addEventListener("reset", function () { setTimeout(function () { run(""); input.focus(); }); });
    kindsBar.addEventListener("click", function (e) {
      var b = e.target.closest("button");
      if (b) { state.kind = b.getAttribute("data-kind"); render(true); b.focus(); }
    });
    more.addEventListener("click", function () { renderMore(); });
    list.addEventListener("click", function (e) { if (e.target.closest("a")) setOpen(false); });
    toggle.addEventListener("change", function () { if (toggle.checked) { if (d.activeElement !== input) input.focus(); } else input.blur(); });
    d.addEventListener("keydown", onKey);
    api.render = function (q) { input.value = q; run(q); };
  }

  function setOpen(open) {
    if (toggle.checked === open) return;
    toggle.checked = open;
    toggle.dispatchEvent(new Event("change")); // Material locks the page's scroll on small screens
  }

  function onKey(e) {
    if (e.ctrlKey || e.metaKey || e.altKey || e.isComposing) return;
    if (!toggle.checked) {
      if ((e.key === "/" || e.key === "s") && !(d.activeElement.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(d.activeElement.tagName))) {
        e.preventDefault();
        setOpen(true);
        input.focus();
        input.select();
      }
      return;
    }
    if (!root.contains(d.activeElement) && d.activeElement !== d.body) return;
    if (e.key === "Escape") {
      e.preventDefault();
      setOpen(false);
      input.blur();
    } else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      var stops = [input].concat(Array.prototype.slice.call(list.querySelectorAll("a")));
      var i = stops.indexOf(d.activeElement);
      var next = stops[(Math.max(i, 0) + stops.length + (e.key === "ArrowUp" ? -1 : 1)) % stops.length];
      e.preventDefault();
      next.focus();
    } else if (e.key === "Enter" && d.activeElement === input) {
      e.preventDefault();
      openBest();
    }
  }

  function openBest() {
    var first = list.querySelector("a");
    if (first) first.click();
  }

  function run(query) {
    state.query = query;
    if (!words(query).length) { state.result = null; render(true); return; }
    if (!engine) {
      meta.textContent = "Loading\u2026";
      ready.then(function () { if (state.query === query) run(query); }, function (err) { meta.textContent = "Search is not available: " + err.message; });
      return;
    }
    state.result = engine.search(query);
    if (state.kind && !state.result.hits.some(function (h) { return kindOf(h[0]) === state.kind; })) state.kind = "";
    render(true);
  }

  function kindOf(doc) { return engine.data.kinds[engine.kind[doc]]; }

  function render(reset) {
    var r = state.result;
    if (reset) root.querySelector(".md-search__scrollwrap").scrollTop = 0; // before the changes: no layout forced
    list.textContent = "";
    state.shown = 0;
    if (!r) { meta.textContent = "Type to start searching"; kindsBar.hidden = true; more.hidden = true; return; }
    var counts = {}, total = r.hits.length;
    r.hits.forEach(function (h) { var k = kindOf(h[0]); counts[k] = (counts[k] || 0) + 1; });
    meta.textContent = (total || "No") + " matching document" + (total === 1 ? "" : "s");
    kindsBar.hidden = !total;
    var bar = '<button type="button" data-kind="" aria-pressed="' + !state.kind + '">All <span>' + total + "</span></button>";
    engine.data.kinds.forEach(function (k, i) {
      if (counts[k]) bar += '<button type="button" data-kind="' + k + '" aria-pressed="' + (state.kind === k) + '">' + engine.data.labels[i] + " <span>" + counts[k] + "</span></button>";
    });
    kindsBar.innerHTML = bar;
    state.hits = state.kind ? r.hits.filter(function (h) { return kindOf(h[0]) === state.kind; }) : r.hits;
    renderMore();
  }

  function renderMore() {
    var r = state.result, data = engine.data, html = "";
    state.hits.slice(state.shown, state.shown + PAGE).forEach(function (h) {
      var doc = h[0], kind = data.kinds[engine.kind[doc]], page = data.pages[engine.page[doc]], text = data.texts[doc];
      var anchor = engine.anchors[doc], found = r.pattern ? spans(text, r.pattern) : [];
      var title = data.titles[engine.title[doc]], inTitle = r.pattern ? spans(title, r.pattern) : [];
      var marked = snippet(title, inTitle).replace(/^\u2026|\u2026$/g, "");
      var seen = {};
      found.forEach(function (s) { seen[fold(text.slice(s[0], s[1]))] = 1; });
      inTitle.forEach(function (s) { seen[fold(title.slice(s[0], s[1]))] = 1; });
      var href = siteBase() + page[0] + (Object.keys(seen).length ? "?h=" + encodeURIComponent(Object.keys(seen).join(" ")) : "") + (anchor ? "#" + anchor : "");
      html += '<li class="md-search-result__item ra-search-' + kind + '"><a href="' + esc(href) + '" class="md-search-result__link">' +
        '<article class="md-search-result__article md-typeset"><p class="ra-search-where">' + data.labels[engine.kind[doc]] +
        (page[1] && /^(book|annotation|guide)$/.test(kind) ? " \u00b7 " + esc(page[1]) : "") + "</p>" +
        "<h2>" + marked + "</h2><p>" + snippet(text, found) + "</p></article></a></li>";
    });
    list.insertAdjacentHTML("beforeend", html);
    state.shown = Math.min(state.hits.length, state.shown + PAGE);
    more.hidden = state.shown >= state.hits.length;
  }

  /* arrival: mark the words (?h=) in the paragraph or entry the result pointed at */

  function markArrival() {
    var h = new URLSearchParams(location.search).get("h");
    if (!h) return;
    var asked = h.split(/\s+/).filter(Boolean).map(reEsc);
    if (!asked.length) return;
    var id = "";
    try { id = decodeURIComponent(location.hash.slice(1)); } catch (err) { id = ""; }
    var target = id ? d.getElementById(id) : null;
    var places = [];
    if (target && /^H[1-6]$/.test(target.tagName)) { // an entry or a section: the heading and what follows it
      places = [target];
      for (var n = target.nextElementSibling; n && !(/^H[1-6]$/.test(n.tagName) && n.tagName <= target.tagName); n = n.nextElementSibling) places.push(n);
    } else if (target && target.tagName === "MARK") { // an annotated passage, and its note
      places = [target.closest("p, li") || target, d.getElementById("note-" + id.slice(4))];
    } else places = [target || d.querySelector("article.md-content__inner") || d.body];
    var re = wordsRe(asked);
    var first = null;
    places.forEach(function (place) {
      if (!place) return;
      var walker = d.createTreeWalker(place, NodeFilter.SHOW_TEXT), nodes = [], n;
      while ((n = walker.nextNode())) if (!n.parentNode.closest("script, style, template, .ra-search-found")) nodes.push(n);
      nodes.forEach(function (node) {
        var text = node.nodeValue, found = spans(text, re);
        if (!found.length) return;
        var frag = d.createDocumentFragment(), at = 0;
        found.forEach(function (s) {
          frag.appendChild(d.createTextNode(text.slice(at, s[0])));
          var m = d.createElement("mark");
          m.className = "ra-search-found";
          m.textContent = text.slice(s[0], s[1]);
          frag.appendChild(m);
          first = first || m;
          at = s[1];
        });
        frag.appendChild(d.createTextNode(text.slice(at)));
        node.parentNode.replaceChild(frag, node);
      });
    });
    if (target) target.classList.add("ra-search-target");
    var into = target || first;
    if (into) into.scrollIntoView({ block: "center" });
  }

  function init() {
    mount();
    markArrival();
  }
  if (d.readyState === "loading") d.addEventListener("DOMContentLoaded", init);
  else init();
})();
