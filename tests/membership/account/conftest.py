"""Members and their contacts, as the account-area tests meet them.

Fixtures from tests/membership/conftest.py (levels, fake_stripe, join_page, the staff inbox and
on-commit e-mails per request) apply here too.
"""

import datetime

import pytest
from django.utils import timezone

from membership.models import Member, MemberContact
from tests.factories import BusinessFactory, MemberContactFactory, MemberFactory, UserFactory

PASSWORD = "a long passphrase"  # what UserFactory sets


@pytest.fixture
def member_a(site_tree, levels, bakeries):
    """Aspen Bakery: active, enhanced level, one published listing; Ada is its primary contact."""
    member = MemberFactory(name="Aspen Bakery", level=levels["leadership"])
    user = UserFactory(username="ada@aspen.example", email="ada@aspen.example", first_name="Ada")
    MemberContactFactory(member=member, user=user, role=MemberContact.Role.PRIMARY)
    member.user = user
    member.business = BusinessFactory(
        member=member, name="Aspen Bakery", city="Riverside", categories=[bakeries]
    )
    return member


@pytest.fixture
def member_b(site_tree, levels):
    """Birch Books: active, basic level, one listing; Ben is its primary contact."""
    member = MemberFactory(name="Birch Books", level=levels["community"])
    user = UserFactory(username="ben@birch.example", email="ben@birch.example", first_name="Ben")
    MemberContactFactory(member=member, user=user, role=MemberContact.Role.PRIMARY)
    member.user = user
    member.business = BusinessFactory(member=member, name="Birch Books", city="Riverside")
    return member


@pytest.fixture
def lapsed_member(site_tree, levels):
    """Cedar Cafe: lapsed long ago; Cy still logs in."""
    long_ago = timezone.localdate() - datetime.timedelta(days=400)
    member = MemberFactory(
        name="Cedar Cafe",
        level=levels["community"],
        status=Member.Status.LAPSED,
        paid_through=long_ago,
    )
    user = UserFactory(username="cy@cedar.example", email="cy@cedar.example")
    MemberContactFactory(member=member, user=user, role=MemberContact.Role.PRIMARY)
    member.user = user
    member.business = BusinessFactory(member=member, name="Cedar Cafe", city="Riverside")
    return member
