"""An accessibility smoke test of the public pages, on the demo site, in a real browser."""

import pytest

from tests.e2e.helpers import E2E_DB

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = playwright.expect

pytestmark = E2E_DB

# Roles of the controls a person operates; each needs an accessible name.
CONTROL_ROLES = {
    "button",
    "checkbox",
    "combobox",
    "listbox",
    "menuitem",
    "radio",
    "searchbox",
    "slider",
    "spinbutton",
    "switch",
    "textbox",
    "link",
}

# Form controls without a <label for>, a wrapping <label>, aria-label or aria-labelledby.
UNLABELLED_CONTROLS_JS = """
() => [...document.querySelectorAll("input, select, textarea")]
    .filter((el) => el.type !== "hidden")
    .filter((el) => !(el.labels && el.labels.length))
    .filter((el) => !el.getAttribute("aria-label") && !el.getAttribute("aria-labelledby"))
    .map((el) => el.outerHTML)
"""

DUPLICATE_IDS_JS = """
() => {
    const seen = new Map();
    for (const el of document.querySelectorAll("[id]")) seen.set(el.id, (seen.get(el.id) || 0) + 1);
    return [...seen].filter(([, count]) => count > 1).map(([id]) => id);
}
"""


def unnamed_controls(page) -> list[str]:
    """Controls in Chromium's own accessibility tree whose computed name is empty."""
    cdp = page.context.new_cdp_session(page)
    try:
        nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        cdp.detach()
    problems = []
    for node in nodes:
        role = node.get("role", {}).get("value")
        if node.get("ignored") or role not in CONTROL_ROLES:
            continue
        if not str(node.get("name", {}).get("value", "")).strip():
            problems.append(f"{role} (backend node {node.get('backendDOMNodeId')})")
    return problems


def test_public_pages_pass_an_accessibility_smoke_test(new_page, demo_site):
    from deals.models import Deal
    from home.models import NewsPage

    deal = Deal.objects.shown().filter(audience=Deal.Audience.MEMBERS).order_by("pk").first()
    # The news item with the most kinds of blocks (table, quote, related links).
    news = NewsPage.objects.live().get(slug="chamber-backs-two-hour-free-parking-on-main-street")
    paths = (
        "/",
        "/directory/",
        "/directory/a-z/",
        "/directory/a-z/b/",
        "/directory/categories/",
        "/join/",
        "/deals/",
        f"/deals/{deal.slug}/",
        "/news/",
        "/news/?topic=parking-transport",
        news.url,
        "/contact/",
        "/search/?q=parking",
    )
    # With and without JavaScript, on one demo site (building it takes seconds).
    for javascript in (True, False):
        page = new_page(java_script_enabled=javascript)
        for path in paths:
            check_page(page, path, label=path if javascript else f"{path} (no JavaScript)")


def check_page(page, path: str, *, label: str) -> None:
    response = page.goto(path)
    assert response.status == 200, label

    assert page.evaluate("document.documentElement.lang"), f"{label}: no lang on <html>"
    expect(page.locator("h1"), label).to_have_count(1)
    expect(page.locator("img:not([alt])"), f"{label}: images without alt").to_have_count(0)
    assert page.locator("img").count() or path != "/", "the demo home page shows images"
    assert page.evaluate(UNLABELLED_CONTROLS_JS) == [], f"{label}: unlabelled controls"
    assert unnamed_controls(page) == [], f"{label}: controls without an accessible name"
    assert page.evaluate(DUPLICATE_IDS_JS) == [], f"{label}: duplicate ids"

    # The first Tab lands on a visible "skip to main content" link that goes to <main>.
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    expect(skip, label).to_have_text("Skip to main content")
    expect(skip, label).to_have_attribute("href", "#main")
    expect(skip, label).to_be_in_viewport()
    box = skip.bounding_box()
    assert box and box["width"] > 10 and box["height"] > 10, f"{label}: skip link hidden"
    page.keyboard.press("Enter")
    expect(page.locator("main#main"), label).to_be_focused()
