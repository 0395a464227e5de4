"""A listing page counts its view, and a use of its phone link, by beacon (issue #19)."""

import time

import pytest

from directory.models import ListingDailyStats
from tests.e2e.helpers import E2E_DB

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

pytestmark = E2E_DB


def counted(listing, *, views, phone_clicks, within=5.0) -> bool:
    """Whether the listing's counts reach (views, phone clicks) within `within` seconds: a
    beacon is sent in the background."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        row = ListingDailyStats.objects.filter(listing=listing).first()
        if row and (row.views, row.phone_clicks) == (views, phone_clicks):
            return True
        time.sleep(0.1)
    return False


def test_a_view_and_a_phone_click_are_counted(new_page, listings):
    bakery = listings["bakery"]
    page = new_page()
    page.goto(f"/directory/{bakery.slug}/")
    assert counted(bakery, views=1, phone_clicks=0)
    # The test keeps the browser on the page (no telephone app to open here).
    page.evaluate("document.addEventListener('click', (event) => event.preventDefault())")
    page.locator("a[data-engagement=phone]").click()
    assert counted(bakery, views=1, phone_clicks=1)
