"""The events pages read a bounded number of queries, whatever the number of events (the
benchmark with 10,000 events: bench/events.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import TicketType
from tests.factories import BusinessFactory, MemberFactory

pytestmark = pytest.mark.django_db

URLS = [
    "/events/",
    "/events/?page=2",
    "/events/?kind=workshop&price=paid",
    "/events/past/",
    "/events/calendar/",
    "/events/feed.ics",
    "/events/feed.rss",
    "/",
]


def queries(client, url) -> int:
    client.get(url)  # routing, templates and caches warm
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def add_events(event_factory, count: int, start: int, organiser) -> None:
    for number in range(start, start + count):
        event_factory(
            f"Event {number}",
            days=1 + number % 25,
            kind="workshop" if number % 2 else "mixer",
            organiser=organiser if number % 3 == 0 else None,
            tickets=[
                TicketType(name="Standard", member_price=10, non_member_price=20),
                TicketType(name="Sponsor", comp=True),
            ],
        )
    for number in range(start, start + count // 4):
        event_factory(f"Past event {number}", days=-1 - number)


def test_events_pages_read_as_many_queries_for_few_events_as_for_many(
    client, event_factory, community
):
    organiser = BusinessFactory(name="Harbour Printworks", member=MemberFactory(level=community))
    add_events(event_factory, 4, 0, organiser)
    few = {url: queries(client, url) for url in URLS}

    add_events(event_factory, 14, 4, organiser)  # past the first page of 12
    many = {url: queries(client, url) for url in URLS}

    assert few == many
