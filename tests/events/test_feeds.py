"""The events' RSS feed and the per-kind feeds (`?kind=` on both the RSS and the iCal feed)."""

import icalendar
import pytest
from defusedxml import ElementTree as ET  # Wagtail (Willow) depends on defusedxml

pytestmark = pytest.mark.django_db


@pytest.fixture
def calendar_of_events(event_factory):
    return {
        "workshop": event_factory("Pricing <b>workshop</b>", days=3, kind="workshop"),
        "mixer": event_factory("Harbour mixer", days=5, kind="mixer"),
        "cancelled": event_factory(
            "Cancelled breakfast", days=6, kind="policy-breakfast", status="cancelled"
        ),
        "past": event_factory("Last year's workshop", days=-30, kind="workshop"),
    }


def rss_items(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    return [{child.tag: child.text for child in item} for item in channel.findall("item")]


def test_rss_lists_upcoming_events_soonest_first_with_absolute_links(client, calendar_of_events):
    items = rss_items(client.get("/events/feed.rss"))

    titles = [item["title"] for item in items]
    # Escaped for readers that render titles as HTML: the editor's markup stays text.
    assert titles == [
        "Pricing &lt;b&gt;workshop&lt;/b&gt;",
        "Harbour mixer",
        "Cancelled: Cancelled breakfast",
    ]
    workshop = items[0]
    assert workshop["link"] == f"http://testserver/events/{calendar_of_events['workshop'].slug}/"
    assert workshop["category"] == "Workshop"
    # When first, then where and what.
    assert workshop["description"].startswith(
        calendar_of_events["workshop"].local_start.strftime("%A")
    )
    assert "Chamber Hall" in workshop["description"]


def test_one_kinds_rss_and_ical_feeds(client, calendar_of_events):
    items = rss_items(client.get("/events/feed.rss?kind=workshop"))
    assert [item["title"] for item in items] == ["Pricing &lt;b&gt;workshop&lt;/b&gt;"]

    response = client.get("/events/feed.ics?kind=mixer")
    assert response.status_code == 200
    calendar = icalendar.Calendar.from_ical(response.content)
    assert [str(event["summary"]) for event in calendar.walk("VEVENT")] == ["Harbour mixer"]
    assert "events-mixer.ics" in response["Content-Disposition"]


@pytest.mark.parametrize("url", ["/events/feed.rss?kind=raves", "/events/feed.ics?kind=%00"])
def test_an_unknown_kind_is_not_found(client, calendar_of_events, url):
    assert client.get(url).status_code == 404


def test_the_events_page_offers_both_feeds_and_the_kinds_own(client, calendar_of_events):
    html = client.get("/events/").content.decode()
    assert 'type="application/rss+xml"' in html
    assert 'href="/events/feed.rss"' in html and 'href="/events/feed.ics"' in html
    assert "?kind=" not in html.split("Subscribe to upcoming events")[1]

    filtered = client.get("/events/?kind=workshop").content.decode()
    assert 'href="/events/feed.rss?kind=workshop"' in filtered
    assert 'href="/events/feed.ics?kind=workshop"' in filtered
