"""axe-core finds no serious or critical accessibility violation, in both colour schemes and with a popup open."""
from __future__ import annotations

import pytest

from .conftest import AXE
from .helpers import POPUP, open_page, render_every_block

expect = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed").expect

# Rules switched off, each with the reason. None so far: what Material got wrong is fixed in
# reader.css (its red at 3.3:1, un-underlined links, footer text at 4.47:1) and reader.js (its
# unnamed search dialog).
DISABLED_RULES: dict[str, str] = {}

# Violations in our own HTML that reader.css/js cannot fix: the test is marked xfail (visible in
# the summary, and an XPASS once the templates are fixed) instead of failing or hiding them.
KNOWN: dict[str, str] = {}

PAGES = {"home": "index.html", "part": None, "glossary": "glossary.html", "people": "people.html"}


def axe_violations(page) -> list[dict]:
    if not AXE.is_file():
        pytest.skip(f"axe-core is missing ({AXE}): run `npm ci`")
    render_every_block(page)
    page.add_script_tag(path=str(AXE))
    options = {"resultTypes": ["violations"], "rules": {rule: {"enabled": False} for rule in DISABLED_RULES}}
    result = page.evaluate("options => axe.run(document, options)", options)
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:5]:
            lines.append(f"    {node['target']}: {node.get('failureSummary', '').splitlines()[-1:]}")
    return "\n".join(lines)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", PAGES)
def test_no_serious_violations(site, http_base, new_page, name, scheme):
    page = open_page(new_page(color_scheme=scheme), http_base + (PAGES[name] or site.part))
    check(axe_violations(page))


def check(violations: list[dict]) -> None:
    unknown = [v for v in violations if v["id"] not in KNOWN]
    assert not unknown, describe(unknown)
    if violations:
        pytest.xfail("; ".join(f"{v['id']}: {KNOWN[v['id']]}" for v in violations))


@pytest.mark.parametrize("kind", ["term", "annotation"])
def test_no_serious_violations_with_a_popup_open(site, http_base, desktop, kind):
    page = open_page(desktop, http_base + site.part)
    if kind == "annotation":
        if not site.full:
            pytest.skip("companion edition: no annotation markers")
        page.locator("article a.ra-marker").first.click()
    else:
        page.locator("article a.ra-term[data-tip]").first.focus()
    expect(page.locator(POPUP)).to_be_visible()
    check(axe_violations(page))
