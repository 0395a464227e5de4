"""Constants and helpers of the real-browser tests (tests/e2e); the fixtures and the collection
hook that marks, skips and orders these tests are in tests/e2e/conftest.py."""

import os
from pathlib import Path

import pytest

HERE = Path(__file__).parent
# axe-core, the accessibility engine, as `npm ci` installs it from package-lock.json (`make test`
# and `make install` run it; so does CI).
AXE_JS = HERE.parent.parent / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = Path(os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium"))
DEFAULT_TIMEOUT_MS = 10_000
# Browser tests share one database with the live server: they need committed data.
E2E_DB = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def missing_tools() -> str:
    """Why the browser tests can't run here ("" when they can)."""
    if not CHROMIUM.exists():
        return (
            f"browser tests need Debian's chromium at {CHROMIUM}: "
            "apt-get install -y chromium (CI installs it)"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "browser tests need playwright: .venv/bin/pip install -e '.[dev]'"
    return ""


def is_e2e(item) -> bool:
    """Whether the collected test `item` is one of this folder's browser tests."""
    return HERE in Path(item.path).parents


# Every rule axe-core runs by default: WCAG 2.0-2.2 A and AA and its best practices (neither the
# experimental rules nor AAA). Each violation: "rule (impact): help -- the first elements".
AXE_RUN_JS = """
async () => {
    const results = await window.axe.run(document, {resultTypes: ["violations"]});
    return results.violations.map((rule) => {
        const nodes = rule.nodes.slice(0, 5).map((node) => node.target.join(" ")).join(", ");
        const where = `${rule.nodes.length} element(s): ${nodes}`;
        return `${rule.id} (${rule.impact}): ${rule.help} -- ${where}`;
    });
}
"""


def axe_violations(page, axe_source: str) -> list[str]:
    """What axe-core finds wrong with the page as it is now (the viewport and state it is in).

    axe is put into the page with `page.evaluate`, i.e. by the DevTools protocol, which the
    page's Content-Security-Policy doesn't govern: the policy stays in force, unweakened, for
    everything the site itself runs (an inline <script> tag, Playwright's `add_script_tag`,
    would be blocked by it; a context with `bypass_csp` would switch it off for the site too,
    and with it the CSP-violation check of the `new_page` fixture).
    """
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(axe_source)
    return page.evaluate(AXE_RUN_JS)


# The page's cumulative layout shift so far: the layout-shift entries the browser buffered since
# navigation, plus any in the next half second, less those right after input (as the CLS metric
# counts them, though over the page's life rather than its worst five-second window).
LAYOUT_SHIFT_JS = """
() => new Promise((resolve) => {
    const shifts = [];
    new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) {
            if (entry.hadRecentInput) continue;
            const nodes = entry.sources.map((source) => source.node && source.node.nodeName);
            shifts.push({value: entry.value, nodes: nodes.filter(Boolean)});
        }
    }).observe({type: "layout-shift", buffered: true});
    setTimeout(() => resolve(shifts), 500);
})
"""


def layout_shifts(page) -> list[dict]:
    """The layout shifts of the page loaded last (`{"value": ..., "nodes": [...]}` each)."""
    return page.evaluate(LAYOUT_SHIFT_JS)


# axe can't tell the contrast of text over a gradient (it reports it as "incomplete", not as a
# pass or a violation): the hero, the page headers and the footer. So each full-size gradient is
# swapped in turn for a plain background of each of its opaque colour stops (the first, then the
# second...), axe's color-contrast rule runs on each, and the element's own style is put back.
# (Stops with transparency are tints over the others; a small gradient is a select's arrow.)
GRADIENT_CONTRAST_JS = """
async () => {
    const swapped = [];
    for (const el of document.querySelectorAll("*")) {
        const style = getComputedStyle(el);
        if (!style.backgroundImage.includes("gradient")) continue;
        if (style.backgroundSize.split(",").some((size) => size.trim() !== "auto")) continue;
        const stops = (style.backgroundImage.match(/rgba?\\([^)]*\\)/g) || [])
            .filter((colour) => colour.startsWith("rgb("));
        if (!stops.length) continue;
        const {backgroundImage: image, backgroundColor: colour} = el.style;
        swapped.push({el, stops, image, colour});
    }
    const problems = [];
    const rounds = Math.max(0, ...swapped.map(({stops}) => stops.length));
    for (let round = 0; round < rounds; round++) {
        for (const {el, stops} of swapped) {
            el.style.backgroundImage = "none";
            el.style.backgroundColor = stops[Math.min(round, stops.length - 1)];
        }
        const results = await window.axe.run(document, {
            runOnly: ["color-contrast"], resultTypes: ["violations"],
        });
        for (const rule of results.violations) {
            for (const node of rule.nodes) {
                problems.push(`${node.target.join(" ")} on ${node.any[0].data.bgColor}: ` +
                    `${node.any[0].data.contrastRatio}:1`);
            }
        }
    }
    for (const {el, image, colour} of swapped) {
        el.style.backgroundImage = image;
        el.style.backgroundColor = colour;
    }
    return [...new Set(problems)];
}
"""


def contrast_over_gradients(page, axe_source: str) -> list[str]:
    """Text whose contrast fails against one of the colours of the gradient behind it."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(axe_source)
    return page.evaluate(GRADIENT_CONTRAST_JS)
