"""Events on their organiser's listing page and the directory's "Only businesses with upcoming
events" filter (events registers a directory ListingFeature in its AppConfig.ready())."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import EventPage
from tests.factories import BusinessFactory, MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisers(events_index, community):
    """Listings of members in good standing, each organising what its name says."""

    def listing(name):
        return BusinessFactory(name=name, member=MemberFactory(name=f"{name} Ltd", level=community))

    return {
        "upcoming": listing("Harbour Printworks"),
        "past": listing("Old Mill Gallery"),
        "cancelled": listing("Quay Cafe"),
        "draft": listing("Draft Studio"),
        "none": listing("Quiet Bakery"),
    }


@pytest.fixture
def events(organisers, event_factory):
    return {
        "upcoming": event_factory("Print open house", organiser=organisers["upcoming"]),
        "later": event_factory("Poster workshop", days=30, organiser=organisers["upcoming"]),
        "past": event_factory("Gallery night", days=-10, organiser=organisers["past"]),
        "cancelled": event_factory(
            "Quay breakfast", organiser=organisers["cancelled"], status=EventPage.Status.CANCELLED
        ),
        "draft": event_factory("Studio tour", organiser=organisers["draft"], live=False),
        "chamber": event_factory("Chamber mixer"),  # organised by the chamber itself
    }


def listing_page(client, business):
    response = client.get(f"/directory/{business.slug}/")
    assert response.status_code == 200
    return response.content.decode()


def test_an_organisers_listing_shows_its_upcoming_events(client, organisers, events):
    html = listing_page(client, organisers["upcoming"])
    assert "Upcoming events" in html
    assert "Print open house" in html and "Poster workshop" in html
    assert f'href="/events/{events["upcoming"].slug}/"' in html
    # Soonest first.
    assert html.index("Print open house") < html.index("Poster workshop")
    assert "Chamber mixer" not in html


@pytest.mark.parametrize("kind", ["past", "cancelled", "draft", "none"])
def test_no_section_without_an_upcoming_event_going_ahead(client, organisers, events, kind):
    html = listing_page(client, organisers[kind])
    assert "Upcoming events" not in html
    for event in events.values():
        assert event.title not in html


def test_the_directory_filter_finds_the_organisers_of_upcoming_events(client, organisers, events):
    response = client.get("/directory/?has_events=on")
    assert response.status_code == 200
    names = sorted(business.name for business in response.context["results"].page)
    assert names == ["Harbour Printworks"]
    html = client.get("/directory/").content.decode()
    assert "Only businesses with upcoming events" in html


def test_the_section_costs_the_same_queries_for_one_event_or_many(
    client, organisers, events, event_factory
):
    def queries():
        listing_page(client, organisers["upcoming"])  # routing and caches warm
        with CaptureQueriesContext(connection) as captured:
            listing_page(client, organisers["upcoming"])
        return len(captured)

    before = queries()
    for day in range(3):
        event_factory(f"Extra evening {day}", days=40 + day, organiser=organisers["upcoming"])
    assert queries() == before
