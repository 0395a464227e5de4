"""Fixtures for events: the /events/ page, `event_factory` and people of each kind.

`person(kind)` makes a logged-in user representing a member in good standing, a lapsed member
(beyond its grace period) or no member, or None for the anonymous visitor.
"""

import datetime

import pytest
from django.utils import timezone

from events.models import EventIndexPage
from membership.models import Member
from tests.events.helpers import make_event
from tests.factories import (
    MemberContactFactory,
    MemberFactory,
    MembershipLevelFactory,
    UserFactory,
)

DAY = datetime.timedelta(days=1)
ANONYMOUS, NO_MEMBER, GOOD_STANDING, LAPSED = "anonymous", "no member", "good standing", "lapsed"


def local(*args) -> datetime.datetime:
    """An aware datetime in the chamber's zone."""
    return timezone.make_aware(datetime.datetime(*args))


@pytest.fixture
def events_index(site_tree) -> EventIndexPage:
    return EventIndexPage.objects.get()


@pytest.fixture
def event_factory(events_index):
    """`make(title, **values)`: tests.events.helpers.make_event, once /events/ exists."""
    return make_event


@pytest.fixture
def community(db):
    return MembershipLevelFactory(name="Community")


@pytest.fixture
def person(db, community):
    def make(kind: str):
        if kind == ANONYMOUS:
            return None
        user = UserFactory(
            username=kind.replace(" ", ""),
            email=f"{kind.replace(' ', '')}@people.example",
            first_name=kind.title(),
            last_name="Person",
        )
        if kind == NO_MEMBER:
            return user
        member = MemberFactory(
            name=f"{kind.title()} Co",
            level=community,
            **(
                {
                    "status": Member.Status.LAPSED,
                    "paid_through": timezone.localdate() - 120 * DAY,
                }
                if kind == LAPSED
                else {}
            ),
        )
        MemberContactFactory(member=member, user=user)
        return user

    return make


def client_for(client, user):
    if user is not None:
        client.force_login(user)
    return client
