"""A listing page counts its view, and a use of its phone link, by beacon (issue #19)."""

import time

import pytest

from directory.models import ListingDailyStats
from tests.e2e.helpers import E2E_DB

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

pytestmark = E2E_DB


def counted(page, listing, *, views, phone_clicks, within=10.0) -> bool:
    """Whether the listing's counts reach (views, phone clicks) within `within` seconds: a
    beacon is sent in the background. On SQLite the live server shares the test's in-memory
    database connection, so the test reads it seldom (a quarter-second apart, waiting inside
    the browser meanwhile) to stay out of the beacon's write: reading every 0.1 s, the view
    once went uncounted in a loaded CI run."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        page.wait_for_timeout(250)
        row = ListingDailyStats.objects.filter(listing=listing).first()
        if row and (row.views, row.phone_clicks) == (views, phone_clicks):
            return True
    return False


def test_a_view_and_a_phone_click_are_counted(new_page, listings):
    bakery = listings["bakery"]
    page = new_page()
    page.goto(f"/directory/{bakery.slug}/")
    assert counted(page, bakery, views=1, phone_clicks=0)
    # The test keeps the browser on the page (no telephone app to open here).
    page.evaluate("document.addEventListener('click', (event) => event.preventDefault())")
    page.locator("a[data-engagement=phone]").click()
    assert counted(page, bakery, views=1, phone_clicks=1)
