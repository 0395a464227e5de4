"""The member's own journey in a real browser: set a password from the welcome link, log in with
the e-mail address, read the dashboard, edit the listing, and see it go live once staff publish.
"""

import re

import pytest

from membership.models import MemberContact
from membership.tokens import set_password_url
from tests.e2e.helpers import E2E_DB
from tests.factories import BusinessFactory, MemberContactFactory, MemberFactory, UserFactory

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = playwright.expect

pytestmark = E2E_DB

NEW_PASSWORD = "willow bark and river clay"


@pytest.fixture
def new_member(join_page, levels):
    """A member just created by the join flow: a user with no usable password yet."""
    member = MemberFactory(name="Willow Works", level=levels["leadership"])
    user = UserFactory(username="wren@willow.example", email="wren@willow.example", password=None)
    user.set_unusable_password()
    user.save()
    MemberContactFactory(member=member, user=user, role=MemberContact.Role.PRIMARY)
    business = BusinessFactory(
        member=member, name="Willow Works", summary="Baskets woven by hand.", city="Riverside"
    )
    return member, user, business


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def test_a_new_member_sets_a_password_logs_in_and_edits_the_listing(page, new_member):
    _member, user, business = new_member

    # The welcome e-mail's link: choose a password.
    page.goto(path_of(set_password_url(user)))
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    page.get_by_label(re.compile(r"^New password:?$")).fill(NEW_PASSWORD)
    page.get_by_label(re.compile(r"^New password confirmation")).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("password", re.I))

    # Log in with the address in capitals, by keyboard.
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill("WREN@Willow.example")
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_label("Password").press("Enter")
    expect(page).to_have_url(re.compile(r"/account/$"))
    expect(page.get_by_role("heading", level=2, name=re.compile("^Active until"))).to_be_visible()
    expect(page.get_by_role("navigation", name="Your account")).to_be_visible()

    # Edit the listing: the change waits for review; the directory still shows the old text.
    page.get_by_role("navigation", name="Your account").get_by_role("link", name="Listings").click()
    page.get_by_role("link", name=re.compile("^Edit")).first.click()
    summary = page.get_by_label(re.compile("^Summary"))
    expect(summary).to_have_value("Baskets woven by hand.")
    summary.fill("Baskets and chairs woven by hand.")
    page.get_by_role("button", name="Send for review").click()
    expect(page.get_by_text("Changes awaiting review").first).to_be_visible()

    page.goto(f"/directory/{business.slug}/")
    expect(page.locator("main")).to_contain_text("Baskets woven by hand.")

    # Staff publish the member's revision (as the admin's Publish button does).
    business.refresh_from_db()
    business.get_latest_revision().publish()

    page.reload()
    expect(page.locator("main")).to_contain_text("Baskets and chairs woven by hand.")


def test_the_dashboard_fits_a_phone(new_page, new_member):
    _member, user, _business = new_member
    user.set_password(NEW_PASSWORD)
    user.save()
    page = new_page(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)

    page.goto("/accounts/login/?next=/account/")
    page.get_by_label("E-mail address").fill("wren@willow.example")
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your membership")

    for path in ("/account/", "/account/listings/", "/account/receipts/", "/account/contacts/"):
        page.goto(path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px on a phone"
