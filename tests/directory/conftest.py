import datetime

import pytest
from django.utils import timezone

from directory.models import DirectoryPage
from membership.models import Member
from tests.factories import (
    BusinessFactory,
    EnhancedLevelFactory,
    MemberFactory,
    MembershipLevelFactory,
    two_level_categories,
)

TODAY = timezone.localdate()


@pytest.fixture
def directory(site_tree) -> DirectoryPage:
    return DirectoryPage.objects.get()


@pytest.fixture
def categories(db):
    return two_level_categories()


@pytest.fixture
def listings(directory, categories):
    """A small town: what each test below expects to find is named here."""
    basic = MembershipLevelFactory(name="Community")
    enhanced = EnhancedLevelFactory(name="Leadership")
    lapsed_member = MemberFactory(
        status=Member.Status.LAPSED, paid_through=TODAY - datetime.timedelta(days=90), level=basic
    )
    return {
        "bakery": BusinessFactory(
            name="Riverbend Bakery",
            summary="Sourdough and pastries baked daily.",
            keywords="sourdough, cakes",
            member=MemberFactory(level=enhanced),
            categories=[categories["bakeries"]],
            city="Riverside",
            opening_hours="Mon-Sat 7am-3pm",
            instagram_url="https://instagram.example/riverbend",
        ),
        "cafe": BusinessFactory(
            name="Millbrook Coffee House",
            summary="Coffee, cake and a big table for meetings.",
            member=MemberFactory(level=basic),
            categories=[categories["cafes"], categories["bakeries"]],
            city="Millbrook",
        ),
        "plumber": BusinessFactory(
            name="Cedar Falls Plumbing",
            summary="Leaks, boilers and bathrooms.",
            member=MemberFactory(level=basic),
            categories=[categories["plumbing"]],
            city="Cedar Falls",
            phone_visibility="members",
        ),
        "lapsed": BusinessFactory(
            name="Lapsed Bakery Outlet",
            member=lapsed_member,
            categories=[categories["bakeries"]],
            city="Riverside",
        ),
        "draft": BusinessFactory(
            name="Draft Bakery",
            live=False,
            member=MemberFactory(level=basic),
            categories=[categories["bakeries"]],
            city="Riverside",
        ),
    }
