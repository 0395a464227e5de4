"""/events/ and an event's page as visitors meet them: upcoming and past lists, filters, search,
pagination, the month calendar, cancelled events, DST, the .ics files and JSON-LD."""

import datetime
import json
import re

import icalendar
import pytest
import time_machine
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from events.views import PAGE_SIZE
from tests.events.conftest import DAY, local
from tests.factories import BusinessFactory, MemberFactory

pytestmark = pytest.mark.django_db

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


def titles(response) -> list[str]:
    return [card.title for card in response.context["cards"]]


def test_upcoming_list_shows_live_upcoming_events_soonest_first(client, event_factory):
    event_factory("Gala", days=30)
    event_factory("Mixer", days=2)
    event_factory("Old breakfast", days=-5)
    event_factory("Draft workshop", days=3, live=False)

    response = client.get("/events/")

    assert response.status_code == 200
    assert titles(response) == ["Mixer", "Gala"]
    assert "Draft workshop" not in response.text


def test_an_event_running_now_is_still_upcoming(client, event_factory):
    now = timezone.now()
    event_factory("Expo", starts_at=now - DAY, ends_at=now + DAY)

    assert titles(client.get("/events/")) == ["Expo"]
    assert titles(client.get("/events/past/")) == []


def test_past_events_newest_first(client, event_factory):
    event_factory("Long ago", days=-60)
    event_factory("Last week", days=-7)
    event_factory("Next week", days=7)

    assert titles(client.get("/events/past/")) == ["Last week", "Long ago"]


@pytest.fixture
def calendar_of_events(event_factory):
    business = BusinessFactory(name="Riverbend Bakery", member=MemberFactory())
    return {
        "mixer": event_factory("Coffee mixer", kind="mixer", organiser=business),
        "breakfast": event_factory(
            "Policy breakfast", kind="policy-breakfast", prices=(25, 40), days=8
        ),
        "roundtable": event_factory("CEO roundtable", kind="lunch", members_only=True, days=9),
        "workshop": event_factory("Export workshop", kind="workshop", prices=(0, 10), days=10),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=mixer", ["Coffee mixer"]),
        ("kind=policy-breakfast", ["Policy breakfast"]),
        ("organiser=riverbend-bakery", ["Coffee mixer"]),
        ("organiser=chamber", ["Policy breakfast", "CEO roundtable", "Export workshop"]),
        ("price=free", ["Coffee mixer", "CEO roundtable"]),
        ("price=paid", ["Policy breakfast", "Export workshop"]),
        ("audience=members", ["CEO roundtable"]),
        ("audience=everyone", ["Coffee mixer", "Policy breakfast", "Export workshop"]),
        ("q=breakfast", ["Policy breakfast"]),
        ("q=riverbend", ["Coffee mixer"]),
        ("q=export+work", ["Export workshop"]),
        ("q=nothing-like-this", []),
    ],
)
def test_filters_and_search(client, calendar_of_events, query, expected):
    response = client.get(f"/events/?{query}")

    assert response.status_code == 200
    assert titles(response) == expected


def test_an_unknown_filter_value_is_ignored_and_said(client, calendar_of_events):
    response = client.get("/events/?kind=rodeo")

    assert len(titles(response)) == 4
    assert response.context["ignored"] == {"kind": "rodeo"}
    assert "the unknown kind" in response.text


def test_pages_of_events(client, event_factory):
    for number in range(PAGE_SIZE + 2):
        event_factory(f"Mixer {number:02}", days=1 + number)

    first = client.get("/events/")
    second = client.get("/events/?page=2")
    beyond = client.get("/events/?page=99")

    assert titles(first) == [f"Mixer {n:02}" for n in range(PAGE_SIZE)]
    assert titles(second) == [f"Mixer {PAGE_SIZE:02}", f"Mixer {PAGE_SIZE + 1:02}"]
    assert titles(beyond) == titles(second)
    assert 'rel="next"' in first.text


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.dictionaries(
        st.sampled_from(["q", "kind", "organiser", "price", "audience", "page", "x"]),
        st.text(max_size=300),
        max_size=5,
    )
)
def test_fuzzed_query_strings_never_fail(client, events_index, params):
    for path in ("/events/", "/events/past/"):
        response = client.get(path, params)
        assert response.status_code == 200, (path, params)


@time_machine.travel(local(2027, 3, 10, 12, 0), tick=False)
def test_month_calendar_puts_each_event_on_its_days(client, event_factory):
    event_factory("Expo", starts_at=local(2027, 3, 17, 9), ends_at=local(2027, 3, 18, 17))
    event_factory("Breakfast", starts_at=local(2027, 3, 24, 7, 30))
    event_factory("April mixer", starts_at=local(2027, 4, 7, 18))

    response = client.get("/events/calendar/")

    days = {
        cell.day.day: [event.title for event in cell.events]
        for week in response.context["weeks"]
        for cell in week
        if cell.in_month
    }
    assert days[17] == days[18] == ["Expo"]
    assert days[24] == ["Breakfast"]
    assert "April mixer" not in response.text
    assert 'href="/events/calendar/2027-04/"' in response.text
    assert "April mixer" in client.get("/events/calendar/2027-04/").text


@pytest.mark.parametrize("month", ["2027-13", "2027-00", "0001-01"])
def test_a_month_that_does_not_exist_is_not_found(client, events_index, month):
    assert client.get(f"/events/calendar/{month}/").status_code == 404


def test_event_page_shows_place_map_and_organiser(client, event_factory):
    event = event_factory("Coffee mixer", street="214 Front Street", region="NY")

    response = client.get(event.url)

    assert response.status_code == 200
    assert "214 Front Street" in response.text
    assert "https://www.openstreetmap.org/search?query=214+Front+Street" in response.text
    assert "private" in response["Cache-Control"]


def test_a_cancelled_event_keeps_its_page_and_says_so(client, event_factory):
    event = event_factory("Picnic", status="cancelled")

    response = client.get(event.url)

    assert response.status_code == 200
    assert "Cancelled: Picnic" in response.text
    assert "This event is cancelled" in response.text
    assert 'name="email"' not in response.text  # no registration form
    [card] = client.get("/events/").context["cards"]
    assert card.cancelled


# -- time zones --------------------------------------------------------------------------------


def test_an_evening_event_stays_at_6_pm_across_the_dst_change(client, event_factory):
    """US DST starts on 14 March 2027: 6 pm is 23:00 UTC before it and 22:00 UTC after."""
    before = event_factory("Before", starts_at=local(2027, 3, 13, 18))
    after = event_factory("After", starts_at=local(2027, 3, 15, 18))

    assert before.starts_at.astimezone(datetime.UTC).hour == 23
    assert after.starts_at.astimezone(datetime.UTC).hour == 22
    assert "2027-03-13T18:00:00-05:00" in client.get(before.url).text
    assert "2027-03-15T18:00:00-04:00" in client.get(after.url).text
    for event in (before, after):
        [vevent] = icalendar.Calendar.from_ical(
            client.get(f"/events/{event.slug}/event.ics").content
        ).walk("VEVENT")
        start = vevent.decoded("dtstart")
        assert (start.hour, start.minute, str(start.tzinfo)) == (18, 0, "America/New_York")


def test_an_all_day_event_runs_from_midnight_to_its_last_second(event_factory):
    event = event_factory(
        "Expo", all_day=True, starts_at=local(2027, 5, 1, 9), ends_at=local(2027, 5, 2, 17)
    )

    assert event.local_start == local(2027, 5, 1, 0, 0)
    assert event.local_end == local(2027, 5, 2, 23, 59, 59)
    assert event.multi_day


def test_all_day_ics_uses_dates_with_the_day_after_as_end(client, event_factory):
    event = event_factory(
        "Expo", all_day=True, starts_at=local(2027, 5, 1, 9), ends_at=local(2027, 5, 2, 17)
    )

    [vevent] = icalendar.Calendar.from_ical(
        client.get(f"/events/{event.slug}/event.ics").content
    ).walk("VEVENT")

    assert vevent.decoded("dtstart") == datetime.date(2027, 5, 1)
    assert vevent.decoded("dtend") == datetime.date(2027, 5, 3)


# -- feeds and structured data -----------------------------------------------------------------


def test_ical_feed_lists_upcoming_events_only(client, event_factory):
    event_factory("Mixer", days=3)
    event_factory("Cancelled picnic", days=4, status="cancelled")
    event_factory("Old", days=-3)

    response = client.get("/events/feed.ics")

    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    statuses = {str(item["summary"]): str(item["status"]) for item in calendar.walk("VEVENT")}
    assert statuses == {"Mixer": "CONFIRMED", "Cancelled picnic": "CANCELLED"}
    assert calendar.walk("VTIMEZONE")


def test_event_json_ld(client, event_factory):
    business = BusinessFactory(name="Riverbend Bakery", member=MemberFactory())
    event = event_factory(
        "Workshop",
        starts_at=local(2027, 6, 2, 13),
        ends_at=local(2027, 6, 2, 16),
        prices=(35, 60),
        capacity=30,
        online_url="https://meet.example.org/w",
        organiser=business,
        region="NY",
        postcode="12345",
    )

    [data] = [json.loads(block) for block in JSON_LD.findall(client.get(event.url).text)]

    assert data["@type"] == "Event"
    assert data["startDate"] == "2027-06-02T13:00:00-04:00"
    assert data["endDate"] == "2027-06-02T16:00:00-04:00"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    place, virtual = data["location"]
    assert place["address"]["streetAddress"] == "120 Main Street"
    assert virtual["url"].endswith(event.url)  # never the attendees' link
    assert "meet.example.org" not in json.dumps(data)
    [offer] = data["offers"]
    assert (offer["price"], offer["priceCurrency"]) == ("60.00", "USD")
    assert offer["availability"] == "https://schema.org/InStock"
    assert data["organizer"]["name"] == "Riverbend Bakery"


def test_cancelled_event_json_ld_says_cancelled(client, event_factory):
    event = event_factory("Picnic", status="cancelled")

    [data] = [json.loads(block) for block in JSON_LD.findall(client.get(event.url).text)]

    assert data["eventStatus"] == "https://schema.org/EventCancelled"
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"


def test_events_are_in_the_sitemap(client, event_factory):
    event = event_factory("Mixer")

    response = client.get("/sitemap-pages.xml")

    assert event.get_full_url() in response.text


def test_home_page_shows_the_next_events(client, event_factory):
    event_factory("Soon mixer", days=2)
    event_factory("Cancelled picnic", days=3, status="cancelled")
    event_factory("Past breakfast", days=-2)

    response = client.get("/")

    assert "Next events" in response.text
    assert "Soon mixer" in response.text
    assert "Cancelled picnic" not in response.text
    assert "Past breakfast" not in response.text
