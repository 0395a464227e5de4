"""Fixtures for the public side of deals (tests/deals/test_*.py except test_account_deals.py).

Names are specific on purpose (`deal_factory`, `deals_index`, `offering_business`, `viewer`,
...): fixtures here are shared with every test module of this folder. Constants and helpers
(`DAY`, the viewer kinds, `deal_url` ...) are in tests/deals/helpers.py.

The offering business is "Riverbend Bakery" (member in good standing, primary contact Olive).
Viewers are built by kind, as in tests/membership/test_good_standing.py: a member in good
standing (active), a past-due member still within its grace period, a lapsed member beyond
it, a logged-in user representing no member, staff (is_staff) and the anonymous visitor.
"""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from deals.models import DealsIndexPage
from directory.models import DirectoryPage
from membership.models import Member, MemberContact
from tests.deals.helpers import (
    ANONYMOUS,
    DAY,
    GOOD_STANDING,
    LAPSED,
    NO_MEMBER,
    PAST_DUE_IN_GRACE,
    STAFF,
)
from tests.factories import (
    BusinessFactory,
    DealFactory,
    MemberContactFactory,
    MemberFactory,
    MembershipLevelFactory,
    UserFactory,
    two_level_categories,
)


@pytest.fixture
def deals_index(site_tree) -> DealsIndexPage:
    return DealsIndexPage.objects.get()


@pytest.fixture
def directory_page(site_tree) -> DirectoryPage:
    return DirectoryPage.objects.get()


@pytest.fixture
def deal_categories(db):
    return two_level_categories()


@pytest.fixture
def community_level(db):
    return MembershipLevelFactory(name="Community")


@pytest.fixture
def offering_owner(db):
    """Olive, the offering member's primary contact."""
    return UserFactory(username="olive", email="olive@riverbend.example")


@pytest.fixture
def offering_business(
    deals_index, directory_page, deal_categories, community_level, offering_owner
):
    member = MemberFactory(name="Riverbend Bakery Ltd", level=community_level)
    MemberContactFactory(member=member, user=offering_owner, role=MemberContact.Role.PRIMARY)
    return BusinessFactory(
        name="Riverbend Bakery",
        summary="Sourdough and pastries baked daily.",
        member=member,
        categories=[deal_categories["bakeries"]],
        city="Riverside",
    )


@pytest.fixture
def business_factory(deals_index, directory_page, community_level):
    """Another listing, with its own member in good standing (and a primary contact)."""

    def make(name: str, **values):
        member = values.pop("member", None) or MemberFactory(
            name=f"{name} Ltd", level=community_level
        )
        if not member.contacts.exists():
            MemberContactFactory(member=member, role=MemberContact.Role.PRIMARY)
        return BusinessFactory(name=name, member=member, **values)

    return make


@pytest.fixture
def deal_factory(deals_index):
    """`make(business, **values)`: a DealFactory deal of `business` (live, started a day ago,
    ongoing, public unless told; `publish=True` publishes a revision), once /deals/ exists."""

    def make(business, **values):
        return DealFactory(business=business, **values)

    return make


@pytest.fixture
def viewer(db, community_level):
    """`viewer(kind)`: a user of that kind (None for the anonymous visitor)."""
    today = timezone.localdate()

    def new_user(username: str, **values):
        return UserFactory(username=username, email=f"{username}@viewer.example", **values)

    def make(kind: str):
        if kind == ANONYMOUS:
            return None
        if kind == NO_MEMBER:
            return new_user("nomember")
        if kind == STAFF:
            return new_user("stafford", is_staff=True)
        member = {
            GOOD_STANDING: lambda: MemberFactory(name="Good Standing Co", level=community_level),
            PAST_DUE_IN_GRACE: lambda: MemberFactory(
                name="Past Due Co",
                level=community_level,
                status=Member.Status.PAST_DUE,
                paid_through=today - 20 * DAY,
            ),
            LAPSED: lambda: MemberFactory(
                name="Lapsed Co",
                level=community_level,
                status=Member.Status.LAPSED,
                paid_through=today - 90 * DAY,
            ),
        }[kind]()
        user = new_user(kind.split()[0].replace("-", ""))
        MemberContactFactory(member=member, user=user)
        return user

    return make


@pytest.fixture
def log_in_as(viewer):
    """`log_in_as(client, kind)`: log `client` in as a new viewer of that kind; returns the user."""

    def log_in(client, kind: str):
        user = viewer(kind)
        if user is not None:
            client.force_login(user)
        return user

    return log_in


@pytest.fixture
def deals_superuser(db):
    return get_user_model().objects.create_superuser(
        "root", "root@chamber.example", "correct horse battery"
    )


@pytest.fixture
def clock(monkeypatch):
    """`clock(at)`: from now on `django.utils.timezone.now()` returns `at` (neither freezegun
    nor time-machine is installed). Everything in the project reads the time through it, so
    pages render as at that instant."""

    def set_clock(at: datetime.datetime):
        monkeypatch.setattr(timezone, "now", lambda: at)
        return at

    return set_clock
