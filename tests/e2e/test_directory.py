"""The public searches the directory, narrows it with the keyboard and opens a listing."""

import re

import pytest

from tests.e2e.helpers import E2E_DB

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
Page, expect = playwright.Page, playwright.expect

pytestmark = E2E_DB

PHONE = {"width": 375, "height": 740}


def press_until(page: Page, key: str, condition: str, *, limit: int = 40) -> None:
    """Press `key` until the JavaScript expression `condition` holds (at most `limit` times)."""
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate(condition):
            return
    raise AssertionError(f"{condition} still false after pressing {key} {limit} times")


def facet(page: Page, name: str, value: str):
    return page.locator(f"#{name}-{value}")


def facet_label(page: Page, name: str, value: str):
    return page.locator(f"label[for='{name}-{value}']")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_search_narrow_by_keyboard_and_open_a_listing(new_page, listings, javascript):
    page = new_page(java_script_enabled=javascript)
    page.goto("/directory/")
    expect(page.locator("html")).to_have_class("js" if javascript else "no-js")
    expect(page.locator(".business-card")).to_have_count(3)

    search = page.get_by_label("Search the directory")
    search.focus()
    page.keyboard.type("bak")
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(r"/directory/\?q=bak$"))
    expect(page.locator(".results-summary")).to_have_text("2 businesses matching “bak”")
    expect(page.locator(".business-card .card__title")).to_have_text(
        ["Riverbend Bakery", "Millbrook Coffee House"]
    )
    expect(search).to_have_value("bak")
    # Facet counts count only the matches, and say what they are to a screen reader.
    expect(facet_label(page, "category", "bakeries")).to_have_text(
        re.compile(r"^Bakeries\s*,\s*2\s*listings$")
    )
    expect(facet_label(page, "category", "cafes")).to_have_text(
        re.compile(r"^Cafes\s*,\s*1\s*listings?$")
    )
    expect(facet_label(page, "city", "riverside")).to_contain_text("1")
    expect(facet_label(page, "city", "millbrook")).to_contain_text("1")
    expect(page.locator("#category-plumbing")).to_have_count(0)  # no matches, not offered

    # Keyboard only: open "Show all categories" (sub-categories wait behind it), go back into
    # the category radio group, arrow to "Cafes", Space selects it, Tab on to "Apply" and
    # Enter submits.
    bakeries = page.get_by_role("radio", name=re.compile(r"^Bakeries\b.*2 listings"))
    expect(bakeries).to_be_hidden()
    press_until(page, "Tab", "document.activeElement.textContent === 'Show all categories'")
    page.keyboard.press("Enter")
    expect(bakeries).to_be_visible()
    press_until(page, "Shift+Tab", "document.activeElement.name === 'category'")
    press_until(page, "ArrowDown", "document.activeElement.id === 'category-cafes'", limit=10)
    page.keyboard.press("Space")
    expect(facet(page, "category", "cafes")).to_be_checked()
    press_until(page, "Tab", "document.activeElement.textContent.trim() === 'Apply'")
    expect(page.get_by_role("button", name="Apply")).to_be_focused()
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(r"category=cafes"))
    expect(page.locator(".results-summary")).to_have_text("1 business matching “bak”")
    expect(page.locator(".business-card .card__title")).to_have_text(["Millbrook Coffee House"])
    expect(facet(page, "category", "cafes")).to_be_checked()
    expect(page.get_by_role("link", name="Clear all")).to_be_visible()

    link = page.get_by_role("link", name="Millbrook Coffee House")
    link.focus()
    page.keyboard.press("Enter")

    page.wait_for_url(f"**/directory/{listings['cafe'].slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Millbrook Coffee House")
    address = page.locator("address")
    expect(address).to_contain_text("1 Main Street")
    expect(address).to_contain_text("Millbrook, OR 97999")
    expect(address).to_contain_text("United States")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_typo_offers_the_corrected_search_by_keyboard(new_page, listings, javascript):
    page = new_page(java_script_enabled=javascript)
    page.goto("/directory/")
    page.get_by_label("Search the directory").fill("riverbend bakry")
    page.keyboard.press("Enter")
    expect(page.locator(".empty-state")).to_contain_text("No businesses found")
    suggestion = page.get_by_role("link", name="riverbend bakery")
    expect(page.locator(".search-suggestion")).to_contain_text("Did you mean riverbend bakery?")
    if javascript:  # site.js first takes focus to the results; the keyboard goes on from there
        expect(page.locator("#results-heading")).to_be_focused()
    suggestion.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/directory/\?q=riverbend\+bakery$"))
    expect(page.locator(".business-card .card__title")).to_have_text(["Riverbend Bakery"])


def no_horizontal_scroll(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_phone_sized_screens_never_scroll_sideways(new_page, listings, levels, javascript):
    page = new_page(viewport=PHONE, java_script_enabled=javascript)
    for path in (
        "/",
        "/directory/",
        "/directory/?q=bak",
        "/directory/category/food-drink/",
        f"/directory/{listings['bakery'].slug}/",
        "/join/",
    ):
        response = page.goto(path)
        assert response.status == 200, path
        width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert no_horizontal_scroll(page), f"{path} scrolls sideways at 375px: {width}"
    if javascript:  # the menu collapses behind a button that opens it
        toggle = page.get_by_role("button", name="Menu")
        expect(toggle).to_have_attribute("aria-expanded", "false")
        toggle.click()
        expect(toggle).to_have_attribute("aria-expanded", "true")
        expect(page.get_by_role("link", name="Member login")).to_be_visible()
        assert no_horizontal_scroll(page)
