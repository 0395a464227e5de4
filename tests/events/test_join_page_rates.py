"""The join page shows member rates at upcoming events (events fills membership's join-page
registry, membership.join_extras), only where members pay less."""

import pytest

from events.models import TicketType

pytestmark = pytest.mark.django_db


@pytest.fixture
def join_page(events_index):
    from membership.models import JoinPage

    return JoinPage.objects.get()


def join_html(client) -> str:
    response = client.get("/join/")
    assert response.status_code == 200
    return response.content.decode()


def test_member_rates_at_upcoming_events_with_both_prices(client, join_page, event_factory):
    event_factory("Pricing workshop", days=3, prices=(35, 60), kind="workshop")
    event_factory("Free mixer", days=4)  # free: no member rate
    event_factory("Same price gala", days=5, prices=(80, 80))
    event_factory("Old breakfast", days=-5, prices=(10, 20))
    event_factory("Cancelled lunch", days=6, prices=(10, 20), status="cancelled")

    html = join_html(client)

    assert "Member rates at events" in html
    assert "Pricing workshop" in html and "35.00&nbsp;USD for members" in html
    assert "60.00&nbsp;USD for others" in html
    for title in ["Free mixer", "Same price gala", "Old breakfast", "Cancelled lunch"]:
        assert title not in html


def test_a_comp_ticket_is_no_member_rate_and_the_cheapest_rate_is_shown(
    client, join_page, event_factory
):
    event_factory(
        "Awards dinner",
        prices=(0, 0),
        tickets=[
            TicketType(name="Sponsor", member_price=0, non_member_price=100, comp=True),
            TicketType(name="Table seat", member_price=70, non_member_price=95),
            TicketType(name="Early bird", member_price=50, non_member_price=95),
        ],
    )

    html = join_html(client)

    assert "50.00&nbsp;USD for members, 95.00&nbsp;USD for others (Early bird)" in html
    assert "Sponsor" not in html


def test_no_section_without_a_member_rate(client, join_page, event_factory):
    event_factory("Free mixer", days=4)
    assert "Member rates at events" not in join_html(client)


def test_many_events_show_the_soonest_three_and_the_count(client, join_page, event_factory):
    for day in range(1, 6):
        event_factory(f"Breakfast {day}", days=day, prices=(10, 20))

    html = join_html(client)

    assert "5 upcoming events have one" in html
    assert "Breakfast 3" in html and "Breakfast 4" not in html
