"""The account area's menu is made of the sections each app registers (membership/account/
sections.py): in order, each shown to the roles it is for, the current one marked."""

import re

import pytest

from membership.models import MemberContact
from tests.factories import MemberContactFactory, UserFactory

NAV = re.compile(r'<nav class="account-nav".*?</nav>', re.DOTALL)
LINK = re.compile(r'<a href="([^"]+)"( aria-current="page")?>([^<]+)</a>')


def menu(response) -> list[tuple[str, str, bool]]:
    """(label, URL, current) of each menu entry."""
    (nav,) = NAV.findall(response.text)
    return [(label, url, bool(current)) for url, current, label in LINK.findall(nav)]


def test_the_menu_lists_every_apps_section_in_order(client, member_a):
    client.force_login(member_a.user)
    assert menu(client.get("/account/listings/")) == [
        ("Overview", "/account/", False),
        ("Listings", "/account/listings/", True),
        ("Listing statistics", "/account/listing-statistics/", False),
        ("Deals", "/account/deals/", False),
        ("Events", "/account/events/", False),
        ("Jobs", "/account/jobs/", False),
        ("Receipts", "/account/receipts/", False),
        ("Contacts", "/account/contacts/", False),
    ]


@pytest.mark.parametrize(
    ("role", "sees_receipts"),
    [
        (MemberContact.Role.PRIMARY, True),
        (MemberContact.Role.BILLING, True),
        (MemberContact.Role.STAFF, False),
    ],
)
def test_a_section_for_paying_contacts_is_shown_to_them_only(client, member_a, role, sees_receipts):
    user = UserFactory(username=f"{role}@aspen.example")
    MemberContactFactory(member=member_a, user=user, role=role)
    client.force_login(user)
    labels = [label for label, _url, _current in menu(client.get("/account/"))]
    assert ("Receipts" in labels) is sees_receipts
    assert labels[0] == "Overview" and "Listings" in labels and "Deals" in labels


def test_the_overview_shows_the_panels_other_apps_add(client, member_a):
    client.force_login(member_a.user)
    response = client.get("/account/")
    assert 'id="listings-heading">Directory listings</h2>' in response.text
    assert member_a.business.name in response.text
