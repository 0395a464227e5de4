"""The directory on a phone (#22): results first, filters behind "Filters (n)", focus and a
spoken count after filtering, and no sideways scrolling on the directory's pages."""

import re

import pytest

from tests.e2e.helpers import E2E_DB
from tests.factories import DealFactory

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = playwright.expect

pytestmark = E2E_DB

PHONE = {"width": 390, "height": 844}
SMALL_PHONE = {"width": 320, "height": 640}


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_after_a_search_the_first_result_is_on_the_first_screen(new_page, listings, javascript):
    page = new_page(viewport=PHONE, java_script_enabled=javascript)
    page.goto("/directory/")
    expect(page.locator(".filters-panel")).not_to_have_attribute("open", "")
    page.get_by_label("Search the directory").fill("plumbing")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=plumbing"))
    first = page.locator(".business-card").first
    expect(first).to_contain_text("Cedar Falls Plumbing")
    expect(first).to_be_in_viewport()
    assert page.evaluate("window.scrollY") == 0 or javascript  # no-JS: no scrolling needed
    # The filters wait behind their button.
    expect(page.get_by_role("radio", name=re.compile("^Plumbing"))).to_be_hidden()


def test_after_filtering_focus_is_on_the_results_and_the_count_is_announced(new_page, listings):
    page = new_page(viewport=PHONE)
    page.goto("/directory/")
    toggle = page.locator("summary", has_text="Filters (0)")
    expect(page.locator("#results-heading")).not_to_be_focused()
    toggle.click()
    page.locator("label[for='city-millbrook']").click()
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r"city=millbrook"))
    expect(page.locator("#results-heading")).to_be_focused()
    expect(page.locator("#results-live")).to_have_text("1 business")
    expect(page.locator("#results-live")).to_have_attribute("aria-live", "polite")
    expect(page.locator("summary", has_text="Filters (1)")).to_be_visible()
    expect(page.locator(".business-card .card__title")).to_have_text(["Millbrook Coffee House"])
    # A plain visit (a link, a reload) keeps the browser's own focus.
    page.reload()
    expect(page.locator("#results-heading")).not_to_be_focused()
    expect(page.locator("#results-live")).to_have_text("")


def test_wide_screens_show_the_filters_beside_the_results_town_in_view(new_page, listings):
    page = new_page(viewport={"width": 1280, "height": 900})
    page.goto("/directory/")
    expect(page.get_by_role("radio", name="Any town")).to_be_in_viewport()
    expect(page.get_by_role("radio", name=re.compile("^Food & Drink"))).to_be_visible()
    # Sub-categories wait behind "Show all categories", then show indented under a parent.
    bakeries = page.get_by_role("radio", name=re.compile("^Bakeries"))
    expect(bakeries).to_be_hidden()
    page.get_by_text("Show all categories").click()
    expect(bakeries).to_be_visible()
    food = page.locator(".filters__group-label", has_text="Food & Drink").bounding_box()
    assert bakeries.bounding_box()["x"] > food["x"] + 10


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_directory_pages_never_scroll_sideways_on_small_phones(new_page, listings, javascript):
    DealFactory(
        business=listings["bakery"],
        title="Half-price sourdough loaves for fellow chamber members every Friday",
    )
    for viewport in (SMALL_PHONE, PHONE):
        page = new_page(viewport=viewport, java_script_enabled=javascript)
        for path in (
            "/directory/",
            "/directory/?category=bakeries&city=riverside",
            f"/directory/{listings['bakery'].slug}/",
            "/directory/a-z/",
            "/directory/a-z/r/",
            "/directory/categories/",
            "/accounts/login/",
        ):
            response = page.goto(path)
            assert response.status == 200, path
            if path.endswith(f"{listings['bakery'].slug}/"):
                expect(page.get_by_role("heading", name="Current deals")).to_be_visible()
            widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            assert widths[0] <= widths[1], f"{path} scrolls sideways: {widths}"
        if javascript:  # the filters opened on a phone fit too
            page.goto("/directory/")
            page.locator("summary", has_text="Filters").click()
            page.get_by_text("Show all categories").click()
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_checkboxes_sit_beside_their_labels(new_page, listings):
    page = new_page(viewport=PHONE)
    page.goto("/accounts/login/")
    box = page.locator("#id_remember_me").bounding_box()
    label = page.locator("label[for='id_remember_me']").bounding_box()
    assert label["x"] > box["x"] + box["width"]
    assert label["y"] < box["y"] + box["height"]


def test_the_demo_sites_public_pages_fit_a_320px_screen(new_page, demo_site):
    """WCAG 1.4.10 (reflow) on the demo's real content: long e-mail addresses, deal titles,
    many categories."""
    from deals.models import Deal
    from directory.models.listings import Business

    with_deals = Business.objects.publicly_listed().filter(
        pk__in=Deal.objects.shown().values("business_id")
    )
    listing = with_deals.order_by("name").first()
    deal = Deal.objects.shown().order_by("pk").first()
    page = new_page(viewport=SMALL_PHONE)
    for path in (
        "/",
        "/directory/",
        "/directory/?q=bakery",
        f"/directory/{listing.slug}/",
        "/directory/a-z/",
        "/directory/a-z/b/",
        "/directory/categories/",
        "/deals/",
        f"/deals/{deal.slug}/",
        "/news/",
        "/contact/",
        "/about/",
        "/join/",
        "/search/?q=bakery",
        "/accounts/login/",
    ):
        response = page.goto(path)
        assert response.status == 200, path
        widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1], f"{path} scrolls sideways at 320px: {widths}"
