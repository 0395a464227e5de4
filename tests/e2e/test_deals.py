"""Member deals in a real browser: a visitor on a phone sees a members-only deal without its
code; a member logs in, takes the deal up by keyboard and gets the code."""

import re

import pytest
from django.utils import timezone

from deals.models import Deal, DealRedemption
from membership.models import MemberContact
from tests.e2e.helpers import E2E_DB
from tests.factories import (
    BusinessFactory,
    DealFactory,
    EnhancedLevelFactory,
    MemberContactFactory,
    MemberFactory,
    UserFactory,
)

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = playwright.expect

pytestmark = E2E_DB

PASSWORD = "a long passphrase"
CODE = "RIVER-CODE-77"
DETAILS = "Twenty percent off printed banners"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def members_deal(site_tree):
    business = BusinessFactory(
        member=MemberFactory(name="Harbor Print", level=EnhancedLevelFactory()),
        name="Harbor Print",
        live=True,
    )
    business.save()
    return DealFactory(
        business=business,
        title="Banner discount",
        summary="Savings on banners for fellow members.",
        details=f"<p>{DETAILS}</p>",
        terms="One order per member.",
        redemption_instructions="Quote the code when you order.",
        code=CODE,
        audience=Deal.Audience.MEMBERS,
        valid_from=timezone.now() - timezone.timedelta(days=1),
        live=True,
    )


@pytest.fixture
def member_user():
    member = MemberFactory(name="Willow Works")
    user = UserFactory(username="wren@willow.example", email="wren@willow.example")
    MemberContactFactory(member=member, user=user, role=MemberContact.Role.PRIMARY)
    return user


def test_a_visitor_on_a_phone_sees_the_deal_but_not_its_code(new_page, members_deal):
    page = new_page(viewport=PHONE)
    page.goto("/deals/")
    card = page.get_by_role("listitem").filter(has_text="Banner discount")
    expect(card.get_by_text("Members only")).to_be_visible()
    card.get_by_role("link", name="Banner discount").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Banner discount")
    expect(page.get_by_text("This deal is for chamber members only")).to_be_visible()
    content = page.content()
    assert CODE not in content and DETAILS not in content
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_member_logs_in_and_takes_up_the_deal_by_keyboard(page, members_deal, member_user):
    page.goto(f"/deals/{members_deal.slug}/")
    page.get_by_role("link", name="Log in").first.click()
    page.get_by_label("E-mail address").fill("wren@willow.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")

    expect(page).to_have_url(re.compile(rf"/deals/{members_deal.slug}/$"))
    expect(page.get_by_text(DETAILS)).to_be_visible()
    expect(page.get_by_text(CODE)).to_have_count(0)

    button = page.get_by_role("button", name="Get this deal")
    button.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text(CODE)).to_be_visible()
    expect(page.get_by_text("Here is your deal from Harbor Print.")).to_be_visible()
    assert DealRedemption.objects.filter(deal=members_deal, user=member_user).count() == 1

    page.reload()  # a second look the same day records nothing more
    expect(page.get_by_text(CODE)).to_be_visible()
    assert DealRedemption.objects.filter(deal=members_deal).count() == 1
