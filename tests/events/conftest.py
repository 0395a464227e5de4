"""Fixtures for events: the /events/ page, `event_factory` and people of each kind.

`person(kind)` makes a logged-in user representing a member in good standing, a lapsed member
(beyond its grace period) or no member, or None for the anonymous visitor.
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.text import slugify

from events.models import EventIndexPage, EventPage, TicketType
from membership.models import Member
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
    """`make(title, **values)`: a live event under /events/, starting in `days` days (default
    7) at 6 pm for two hours, with one ticket type (`prices=(member, non-member)`, free by
    default)."""

    def make(title: str, *, days: float = 7, prices=(0, 0), tickets=None, live=True, **values):
        if "starts_at" not in values:
            day = timezone.localdate() + datetime.timedelta(days=days)
            values["starts_at"] = timezone.make_aware(
                datetime.datetime.combine(day, datetime.time(18, 0))
            )
        values.setdefault("ends_at", values["starts_at"] + datetime.timedelta(hours=2))
        values.setdefault("kind", "mixer")
        values.setdefault("summary", f"All about {title}.")
        values.setdefault("venue_name", "Chamber Hall")
        values.setdefault("street", "120 Main Street")
        values.setdefault("city", "Riverside")
        event = EventPage(title=title, slug=slugify(title), live=live, **values)
        event.ticket_types = tickets or [
            TicketType(
                name="General admission",
                member_price=Decimal(prices[0]),
                non_member_price=Decimal(prices[1]),
            )
        ]
        events_index.add_child(instance=event)
        return EventPage.objects.get(pk=event.pk)

    return make


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
