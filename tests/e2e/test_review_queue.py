"""A moderator approves a member's listing edit from the review queue, in a real browser (issue
#18): from the admin home's "Today's work" to the queue, the side-by-side diff, Approve, back on
the queue, and the public listing shows the change."""

import re

import pytest
from django.contrib.auth.models import Group, Permission

from directory.services import listing_submit_changes
from tests.e2e.helpers import E2E_DB
from tests.factories import UserFactory

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = playwright.expect

pytestmark = E2E_DB

PASSWORD = "moderate the listings kindly"
OLD_SUMMARY = "Sourdough and pastries baked daily."
NEW_SUMMARY = "Rye, spelt and sourdough, baked before dawn."


@pytest.fixture
def moderator(site_tree):
    """A user in a group that may publish listings, as the chamber's directory moderators."""
    group = Group.objects.create(name="Listing moderators (test)")
    for app_label, codename in (
        ("wagtailadmin", "access_admin"),
        ("directory", "publish_business"),
        ("directory", "change_business"),
    ):
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    user = UserFactory(username="mo", email="mo@chamber.example", first_name="Mo")
    user.set_password(PASSWORD)
    user.save()
    user.groups.add(group)
    return user


def test_a_moderator_approves_a_listing_edit_from_the_queue(page, member_a, moderator):
    business = member_a.business
    business.summary = OLD_SUMMARY
    business.save()
    listing_submit_changes(business=business, changes={"summary": NEW_SUMMARY}, user=member_a.user)

    page.goto("/admin/login/")
    page.get_by_label("Username").fill("mo")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/admin/$"))

    # The admin home's count opens the queue, filtered to listings.
    page.locator("#todays-work-section").get_by_role(
        "link", name=re.compile("listings with changes to review")
    ).click()
    expect(page).to_have_url(re.compile(r"/admin/review-queue/\?kind=listing$"))
    row = page.locator("table.listing tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Summary")
    expect(row).to_contain_text("Ada")
    row.get_by_role("link", name="Aspen Bakery").click()

    # The draft beside the live version: each side shows its own words only.
    diff = page.get_by_role("table", name="What changed")
    summary = diff.get_by_role("row", name=re.compile("^Summary"))
    live, waiting = summary.locator("td").nth(0), summary.locator("td").nth(1)
    expect(live).to_contain_text("pastries")
    expect(live.locator(".addition").first).to_be_hidden()
    expect(waiting.locator(".addition").first).to_be_visible()
    expect(waiting).to_contain_text("before dawn")
    expect(waiting.locator(".deletion").first).to_be_hidden()

    page.get_by_role("button", name="Approve and publish").click()

    expect(page).to_have_url(re.compile(r"/admin/review-queue/$"))
    expect(page.locator(".messages")).to_contain_text("“Aspen Bakery” approved and published")
    expect(page.get_by_text("Nothing waits for review")).to_be_visible()

    page.goto(f"/directory/{business.slug}/")
    expect(page.locator("main")).to_contain_text(NEW_SUMMARY)
