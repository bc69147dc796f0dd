"""Title case and slugs for headings printed in capitals.

The export prints section headings in capitals ("WAS IT ALL YEZHOV'S FAULT?");
readers and the table of contents need them in title case, and annotations and
links need ids that stay the same from one import to the next. The small words
and acronyms are book-specific, so they come from the profile.
"""
from __future__ import annotations

import re
import unicodedata

_TOKEN = re.compile(r"^(\W*?)([\w’'.-]*\w)?(\W*)$")
_ROMAN = re.compile(r"^(?=[IVX])X{0,3}(?:IX|IV|V?I{0,3})$")
_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")


def title_case(text: str, small_words: frozenset[str] | set[str] | tuple[str, ...] = (),
               acronyms: frozenset[str] | set[str] | tuple[str, ...] = ()) -> str:
    """Capitals to title case: small words lower-case except first, last and after a colon.

    Acronyms (NEP, NKVD) and roman numerals (III) keep their capitals; a straight
    apostrophe inside a word becomes the book's ’ so "YEZHOV'S" reads "Yezhov’s".
    """
    small = {w.lower() for w in small_words}
    keep = set(acronyms)
    words = text.split()
    out = []
    force = True  # the first word, and the first after a colon, are always capitalised
    for i, token in enumerate(words):
        lead, core, trail = _TOKEN.match(token).groups()
        core = core or ""
        last = i == len(words) - 1
        out.append(lead + _case_word(core, small, keep, force or last) + trail)
        force = trail.endswith((":", "—", "?", "!")) or (not core and token.endswith(":"))
    return _APOSTROPHE.sub("’", " ".join(out))


def _case_word(core: str, small: set[str], keep: set[str], force: bool) -> str:
    if not core:
        return core
    pieces = core.split("-")
    cased = []
    for j, piece in enumerate(pieces):
        bare = piece.replace("’", "'").split("'")[0]
        if piece in keep or _ROMAN.match(piece):
            cased.append(piece)
        elif bare in keep:  # "NSC'S" -> "NSC's"
            cased.append(bare + piece[len(bare):].lower())
        elif piece.lower() in small and not (force and j == 0):
            cased.append(piece.lower())
        else:
            lower = piece.lower()
            cased.append(lower[:1].upper() + lower[1:])
    return "-".join(cased)


def slugify(text: str) -> str:
    """A URL-safe id: ASCII letters and digits joined by hyphens; apostrophes vanish ("lenins")."""
    text = re.sub(r"[*_`]", "", text)
    text = re.sub(r"['’]", "", text)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


def unique_id(slug: str, taken: set[str]) -> str:
    """Make `slug` unique among `taken` (adding -2, -3 ...), and record it."""
    candidate, n = slug, 2
    while candidate in taken:
        candidate, n = f"{slug}-{n}", n + 1
    taken.add(candidate)
    return candidate
