"""Helpers shared by the browser test modules."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

POPUP = "#ra-pop"
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
MOBILE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True, "device_scale_factor": 2}


def render_every_block(page) -> None:
    """Lay out the whole article, as it is once scrolled through. Blocks out of view are skipped
    (reader.css: content-visibility), and axe judges colours from what is painted, so it reads
    nonsense colours (dark grey on darker grey) for text that was never laid out."""
    page.add_style_tag(content=".md-content article > * { content-visibility: visible !important; }")


def open_page(page, url: str):
    page.goto(url, wait_until="load")
    page.wait_for_function("() => !!window.document$ || document.readyState === 'complete'")
    return page


def box_inside_viewport(page, selector: str = POPUP, slack: float = 0.5) -> dict:
    """The element's box, asserting it is entirely inside the viewport."""
    box = page.locator(selector).bounding_box()
    assert box, f"{selector} has no box"
    size = page.viewport_size
    assert box["x"] >= -slack and box["y"] >= -slack, (box, size)
    assert box["x"] + box["width"] <= size["width"] + slack, (box, size)
    assert box["y"] + box["height"] <= size["height"] + slack, (box, size)
    return box


def same_origin(url: str, base: str) -> bool:
    if base.startswith("http"):
        return urlsplit(url).netloc == urlsplit(base).netloc and urlsplit(url).scheme == "http"
    return url.startswith(("file://", "data:", "blob:"))


def word_in_page(text: str, word: str) -> bool:
    return re.search(rf"\b{re.escape(word)}\b", text, re.I) is not None
