/* annotated-reader notes: the anchoring of annotated_reader/anchor.py, ported for the browser.
   Same normalization (normalize, normalizeQuote, normalizeContext) and the same exact path of
   match_quote (quote found, one occurrence fits the prefix/suffix or the occurrence number), so an
   anchor made here is one `reader check` places on the same words. The score-then-decide path for
   changed text is not ported: a reader's note whose exact anchor no longer fits is re-anchored only
   when its quote alone is long and unique (anchor.py accepts that case too), otherwise it is unplaced.
   tests/test_notes_parity.py runs this file with node against anchor.py on every anchor of the layer.
   Plain ES2017, no dependencies; a global `RaAnchoring` in the browser, a CommonJS module in node. */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory();
  else root.RaAnchoring = factory();
}(typeof self !== "undefined" ? self : this, function () {
  "use strict";
  var PARAGRAPH = "\u2029", LINE = "\u2028";
  var FOLD = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'", "\u00b4": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-"
  };
  var FOLD_RE = /[\u2018\u2019\u201a\u201b\u2032`\u00b4\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb\u2010-\u2015\u2212]/g;
  // Python's str.isspace() / regex \s (JS \s differs: it holds U+FEFF and lacks U+001C-U+001F).
  var WS = "\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
  var DROP = "*\\u00ad\\u200b\\u200c\\u200d\\ufeff\\u2060\\u00b9\\u00b2\\u00b3\\u2070\\u2074-\\u2079";
  var EDITS = new RegExp("(?! (?![" + DROP + WS + "]))[" + DROP + WS + "]*[" + WS + "][" + DROP + WS + "]*|[" + DROP + "]+|-{2,}|\u2026", "g");
  var SPACE = new RegExp("[" + WS + "]");
  var ALNUM = /[\p{L}\p{N}]/u;
  var WORD = /[\p{L}\p{N}]+(?:['\u2019][\p{L}\p{N}]+)*/gu; // load.quote_words (the verbatim guard's words)
  var SEAM = " ,.;:!?\"'()[]-\u2028\u2029";
  var SHORT_QUOTE = 20;

  function isSpace(c) { return SPACE.test(c); }
  function isAlnum(c) { return !!c && ALNUM.test(c); }
  function isAscii(s) { return /^[\x00-\x7f]*$/.test(s); }
  function rstrip(s, chars) { var i = s.length; while (i > 0 && (chars ? chars.indexOf(s[i - 1]) >= 0 : isSpace(s[i - 1]))) i--; return s.slice(0, i); }
  function lstrip(s, chars) { var i = 0; while (i < s.length && (chars ? chars.indexOf(s[i]) >= 0 : isSpace(s[i]))) i++; return s.slice(i); }
  function strip(s, chars) { return lstrip(rstrip(s, chars), chars); }

  /* Normalized text and a piecewise map back to the original (anchor.Normalized). */
  function Normalized(text, segments, originalLength) {
    this.text = text;
    this.segments = segments; // [[normalized start, original start], ...]
    this.originalLength = originalLength;
    this.flat = text.split(PARAGRAPH).join(" ");
    var breaks = [], i = text.indexOf(PARAGRAPH);
    while (i >= 0) { breaks.push(i); i = text.indexOf(PARAGRAPH, i + 1); }
    this.breaks = breaks;
  }
  function bisectRight(list, x, key) {
    var lo = 0, hi = list.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (x < (key ? list[mid][0] : list[mid])) hi = mid; else lo = mid + 1; }
    return lo;
  }
  Normalized.prototype.original = function (index) {
    var seg = this.segments[bisectRight(this.segments, index, true) - 1];
    return seg[1] + (index - seg[0]);
  };
  Normalized.prototype.span = function (start, end) {
    if (start >= end) {
      var p = start < this.text.length ? this.original(start) : this.originalLength;
      return [p, p];
    }
    return [this.original(start), this.original(end - 1) + 1];
  };
  Normalized.prototype.paragraph = function (index) { return bisectRight(this.breaks, index) + 1; };
  /* The normalized index of an original index (the first normalized character at or after it). */
  Normalized.prototype.normalizedIndex = function (orig) {
    var segs = this.segments, lo = 0, hi = segs.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (segs[mid][1] <= orig) lo = mid + 1; else hi = mid; }
    var i = lo - 1;
    if (i < 0) return 0;
    var next = i + 1 < segs.length ? segs[i + 1][0] : this.text.length;
    return Math.min(segs[i][0] + (orig - segs[i][1]), next);
  };

  /* anchor.normalize: NFC, fold quotes and dashes, drop emphasis/soft hyphens/zero-width/superscript
     digits, collapse whitespace (one PARAGRAPH where a break was), dash runs to one "-", ellipsis to "...". */
  function normalize(text) {
    if (!isAscii(text)) text = text.normalize("NFC");
    var folded = text.replace(FOLD_RE, function (c) { return FOLD[c]; });
    var out = [], segments = [], length = 0, last = 0;
    function tail() { var s = out.length ? out[out.length - 1] : ""; return s ? s[s.length - 1] : ""; }
    function emit(piece, origin) {
      while (piece[0] === "-" && out.length && tail() === "-") { piece = piece.slice(1); origin += 1; }
      if (piece) { segments.push([length, origin]); out.push(piece); length += piece.length; }
    }
    EDITS.lastIndex = 0;
    var m;
    while ((m = EDITS.exec(folded)) !== null) {
      if (m[0] === "") { EDITS.lastIndex++; continue; }
      emit(folded.slice(last, m.index), last);
      var chunk = m[0], previous = tail();
      if (chunk[0] === "-") emit("-", m.index);
      else if (chunk === "\u2026") { emit(".", m.index); emit(".", m.index); emit(".", m.index); }
      else if (chunk.indexOf(PARAGRAPH) >= 0) {
        if (out.length && previous === " ") {
          out[out.length - 1] = out[out.length - 1].slice(0, -1);
          length -= 1;
          if (!out[out.length - 1]) { out.pop(); segments.pop(); }
        }
        if (out.length && tail() !== PARAGRAPH) emit(PARAGRAPH, m.index + chunk.indexOf(PARAGRAPH));
      } else {
        var k = -1;
        for (var j = 0; j < chunk.length; j++) if (isSpace(chunk[j])) { k = j; break; }
        if (k >= 0 && out.length && previous !== PARAGRAPH) emit(" ", m.index + k);
      }
      last = m.index + chunk.length;
    }
    emit(folded.slice(last), last);
    return new Normalized(out.join(""), segments, text.length);
  }
  function normalizeQuote(text) { return strip(strip(normalize(text).text), PARAGRAPH); }
  function normalizeContext(text) { return strip(normalize(text).text.split(PARAGRAPH).join(" ")); }

  function wordEdges(text, start, end, quote) {
    if (isAlnum(quote[0]) && start > 0 && isAlnum(text[start - 1])) return false;
    if (isAlnum(quote[quote.length - 1]) && end < text.length && isAlnum(text[end])) return false;
    return true;
  }
  function findAll(text, quote) {
    var hits = [], i = text.indexOf(quote);
    while (i >= 0) {
      if (wordEdges(text, i, i + quote.length, quote)) hits.push(i);
      i = text.indexOf(quote, i + 1);
    }
    return hits;
  }
  function endsWith(s, t) { return s.length >= t.length && s.slice(s.length - t.length) === t; }
  function contextOk(flat, start, end, prefix, suffix) {
    if (prefix) {
      var before = flat.slice(Math.max(0, start - prefix.length - 8), start);
      if (!(isAlnum(prefix[prefix.length - 1]) && endsWith(rstrip(before, SEAM), prefix)) && !endsWith(rstrip(before), prefix)) return false;
    }
    if (suffix) {
      var after = flat.slice(end, end + suffix.length + 8);
      if (!(isAlnum(suffix[0]) && lstrip(after, SEAM).indexOf(suffix) === 0) && lstrip(after).indexOf(suffix) !== 0) return false;
    }
    return true;
  }

  /* anchor.match_quote, exact path: {start, end, method, paragraph} in the original text, or {reason}.
     With `loose`, a quote whose context no longer fits is still placed when it is long and occurs once. */
  function matchQuote(norm, anchor, loose) {
    if (typeof norm === "string") norm = normalize(norm);
    var quote = normalizeQuote(anchor.quote || "");
    if (!quote) return { reason: "not-found" };
    var prefix = normalizeContext(anchor.prefix || ""), suffix = normalizeContext(anchor.suffix || "");
    var hits = findAll(norm.text, quote);
    function match(h, method) {
      var s = norm.span(h, h + quote.length);
      return { start: s[0], end: s[1], method: method, paragraph: norm.paragraph(h) };
    }
    if (anchor.occurrence != null) {
      if (anchor.occurrence > hits.length) return { reason: "occurrence-missing", count: hits.length };
      var hit = hits[anchor.occurrence - 1];
      if (!contextOk(norm.flat, hit, hit + quote.length, prefix, suffix)) return { reason: "context-mismatch", count: hits.length };
      return match(hit, "occurrence");
    }
    var fitting = prefix || suffix ? hits.filter(function (h) { return contextOk(norm.flat, h, h + quote.length, prefix, suffix); }) : hits;
    if (fitting.length === 1) return match(fitting[0], prefix || suffix ? "prefix-suffix" : "exact");
    if (fitting.length > 1) return { reason: "ambiguous", count: hits.length };
    if (loose && hits.length === 1 && quote.length >= SHORT_QUOTE) return match(hits[0], "context-changed");
    return { reason: hits.length ? "context-mismatch" : "not-found", count: hits.length };
  }

  function words(text) { return text.match(WORD) || []; }

  return {
    PARAGRAPH: PARAGRAPH, LINE: LINE, WORD: WORD, SEAM: SEAM, normalize: normalize, normalizeQuote: normalizeQuote,
    normalizeContext: normalizeContext, matchQuote: matchQuote, findAll: findAll, contextOk: contextOk,
    words: words, isAlnum: isAlnum, isSpace: isSpace
  };
}));
