"""/deals/ and a deal's page as a visitor meets them: filters, sorting, pagination, the feed,
the "ends in N days" badge, JSON-LD, and markup in every field a member or staff types."""

import datetime
import html
import json

import pytest
from defusedxml import ElementTree as ET  # Wagtail (Willow) depends on defusedxml
from django.utils import timezone
from django.utils.html import escape

from deals.models import Deal
from deals.views import PAGE_SIZE
from tests.deals.helpers import (
    DAY,
    GOOD_STANDING,
    JSON_LD,
    deal_url,
    json_ld_blocks,
    redeem_url,
)

pytestmark = pytest.mark.django_db

PAYLOAD = "<script>alert(1)</script>"
ATTRIBUTE_PAYLOAD = '"><img src=x onerror=alert(1)>'
HOSTILE = PAYLOAD + ATTRIBUTE_PAYLOAD
RAW_MARKUP = ("<script>alert(1)", "<img src=x")


def titles(response) -> list[str]:
    return [card.title for card in response.context["cards"]]


def end_of_day(days: int) -> datetime.datetime:
    """The last second of the local day `days` from today."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59, 59)))


def get_ok(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    return response


# -- filters and sorting ---------------------------------------------------------------------


@pytest.fixture
def town(offering_business, business_factory, deal_factory, deal_categories):
    """Deals from a bakery (bakeries, a child of Food & Drink), a cafe and a plumber."""
    cafe = business_factory("Millbrook Coffee House", categories=[deal_categories["cafes"]])
    plumber = business_factory("Cedar Falls Plumbing", categories=[deal_categories["plumbing"]])
    now = timezone.now()
    return {
        "bread": deal_factory(
            offering_business,
            title="Loaf of the week",
            summary="Half price sourdough.",
            categories=[deal_categories["bakeries"]],
            valid_from=now - 3 * DAY,
            valid_until=now + 20 * DAY,
        ),
        "coffee": deal_factory(
            cafe,
            title="Second cup free",
            summary="Bring a colleague.",
            categories=[deal_categories["cafes"]],
            valid_from=now - 1 * DAY,
            valid_until=None,
        ),
        "boiler": deal_factory(
            plumber,
            title="Boiler check",
            summary="A yearly service for less.",
            categories=[deal_categories["plumbing"]],
            valid_from=now - 2 * DAY,
            valid_until=now + 5 * DAY,
        ),
    }


def test_deals_page_lists_every_deal_on_show_newest_first(client, town):
    response = get_ok(client, "/deals/")
    assert titles(response) == ["Second cup free", "Boiler check", "Loaf of the week"]
    assert titles(get_ok(client, "/deals/?sort=newest")) == titles(response)


def test_ending_soon_puts_ongoing_deals_last(client, town):
    response = get_ok(client, "/deals/?sort=ending")
    assert titles(response) == ["Boiler check", "Loaf of the week", "Second cup free"]


@pytest.mark.parametrize(
    ("category", "expected"),
    [
        ("food-drink", {"Loaf of the week", "Second cup free"}),  # parent covers children
        ("bakeries", {"Loaf of the week"}),
        ("cafes", {"Second cup free"}),
        ("home-trades", {"Boiler check"}),
        ("plumbing", {"Boiler check"}),
    ],
)
def test_category_filter(client, town, category, expected):
    response = get_ok(client, f"/deals/?category={category}")
    assert set(titles(response)) == expected
    assert "We ignored" not in response.text


def test_business_filter(client, town, offering_business):
    response = get_ok(client, f"/deals/?business={offering_business.slug}")
    assert titles(response) == ["Loaf of the week"]
    assert f'name="business" value="{offering_business.slug}"' in response.text
    assert titles(get_ok(client, "/deals/?business=no-such-business")) == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("bak", ["Loaf of the week"]),  # partial word of the business, "Riverbend Bakery"
        ("BAKERY", ["Loaf of the week"]),
        ("sourdo", ["Loaf of the week"]),  # summary
        ("cup", ["Second cup free"]),  # title
        ("plumb", ["Boiler check"]),  # business and category
        ("cafe", ["Second cup free"]),  # category name
        ("boiler service", ["Boiler check"]),  # every word must match
        ("boiler coffee", []),
    ],
)
def test_keyword_search(client, town, query, expected):
    response = get_ok(client, f"/deals/?q={query}")
    assert titles(response) == expected
    if not expected:
        assert "No deals found" in response.text


def test_filters_combine(client, town):
    assert titles(get_ok(client, "/deals/?category=food-drink&q=cup")) == ["Second cup free"]
    assert titles(get_ok(client, "/deals/?category=plumbing&q=cup")) == []


@pytest.mark.parametrize("category", ["nope", "<b>x</b>"])
def test_unknown_category_is_ignored_with_a_notice(client, town, category):
    response = get_ok(client, f"/deals/?category={category}")
    assert len(titles(response)) == 3
    assert "We ignored the unknown category" in response.text
    assert escape(category) in response.text
    assert '<meta name="robots" content="noindex">' in response.text


def test_unknown_sort_is_ignored(client, town):
    response = get_ok(client, "/deals/?sort=price")
    assert titles(response) == ["Second cup free", "Boiler check", "Loaf of the week"]


# -- pagination ------------------------------------------------------------------------------


@pytest.fixture
def many_deals(offering_business, deal_factory):
    now = timezone.now()
    return [
        deal_factory(offering_business, title=f"Deal {n:02d}", valid_from=now - n * DAY)
        for n in range(1, PAGE_SIZE + 4)  # one full page and three more
    ]


@pytest.mark.parametrize(
    ("page", "number"),
    [("", 1), ("1", 1), ("2", 2), ("abc", 1), ("-1", 1), ("0", 1), ("999", 2), ("1e9", 1)],
)
def test_pagination_never_fails(client, many_deals, page, number):
    response = get_ok(client, f"/deals/?page={page}")
    assert response.context["page_obj"].number == number
    expected = PAGE_SIZE if number == 1 else 3
    assert len(response.context["cards"]) == expected
    assert f"page {number} of 2" in response.text


def test_pagination_links_keep_the_filters(client, many_deals):
    response = get_ok(client, "/deals/?q=deal&sort=ending")
    assert 'href="?q=deal&amp;sort=ending&amp;page=2"' in response.text


# -- the feed --------------------------------------------------------------------------------


def test_feed_is_rss_with_absolute_links(client, town):
    response = get_ok(client, "/deals/feed/")
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    assert channel.findtext("link") == "http://testserver/deals/"
    items = channel.findall("item")
    assert [item.findtext("link") for item in items] == [
        f"http://testserver{deal_url(town[name])}" for name in ("coffee", "boiler", "bread")
    ]
    for item in items:
        assert item.findtext("guid").startswith("http://testserver/deals/")
        assert item.findtext("pubDate")
    assert items[0].findtext("title") == "Second cup free — Millbrook Coffee House"


def test_deals_page_links_its_feed(client, town):
    assert 'type="application/rss+xml"' in get_ok(client, "/deals/").text
    assert 'href="/deals/feed/"' in get_ok(client, "/deals/").text


# -- ends in N days --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "card_badge", "page_text"),
    [
        (0, "Ends today", "(ends today)"),
        (1, "Ends in 1 day<", "(ends in 1 day)"),
        (3, "Ends in 3 days", "(ends in 3 days)"),
        (14, "Ends in 14 days", "(ends in 14 days)"),
    ],
)
def test_ends_in_n_days_badge(client, offering_business, deal_factory, days, card_badge, page_text):
    deal = deal_factory(offering_business, valid_until=end_of_day(days))
    for url in ("/deals/", "/", f"/directory/{offering_business.slug}/"):
        assert card_badge in get_ok(client, url).text, url
    assert page_text in get_ok(client, deal_url(deal)).text


def test_no_badge_for_a_deal_ending_later_or_ongoing(client, offering_business, deal_factory):
    later = deal_factory(offering_business, valid_until=end_of_day(30))
    ongoing = deal_factory(offering_business, valid_until=None)
    response = get_ok(client, "/deals/")
    assert "Ends in" not in response.text
    assert "Ends today" not in response.text
    ends_on = timezone.localdate(later.valid_until).isoformat()
    assert f'Until <time datetime="{ends_on}">' in response.text
    assert "(ends in" not in get_ok(client, deal_url(later)).text
    assert "Ongoing offer" in get_ok(client, deal_url(ongoing)).text


# -- JSON-LD ---------------------------------------------------------------------------------


def test_json_ld_describes_the_offer(client, offering_business, deal_factory):
    deal = deal_factory(
        offering_business,
        title="Loaf of the week",
        summary="Half price sourdough.",
        valid_until=end_of_day(10),
        audience=Deal.Audience.MEMBERS,
    )
    [data] = json_ld_blocks(get_ok(client, deal_url(deal)))
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Offer"
    assert data["name"] == "Loaf of the week"
    assert data["description"] == "Half price sourdough."
    assert data["url"].endswith(deal_url(deal))
    assert data["url"].startswith("http")
    assert data["offeredBy"] == {
        "@type": "LocalBusiness",
        "name": "Riverbend Bakery",
        "url": data["offeredBy"]["url"],
    }
    assert data["offeredBy"]["url"].endswith(f"/directory/{offering_business.slug}/")
    assert datetime.datetime.fromisoformat(data["validFrom"]) == deal.valid_from
    assert datetime.datetime.fromisoformat(data["validThrough"]) == deal.valid_until
    assert data["eligibleCustomerType"] == "Chamber members"


# -- markup in every field -------------------------------------------------------------------


@pytest.fixture
def hostile_deal(business_factory, deal_factory, deal_categories):
    business = business_factory(f"Evil {HOSTILE} Corp", categories=[deal_categories["bakeries"]])
    return deal_factory(
        business,
        title=f"Title {HOSTILE}",
        summary=f"Summary {HOSTILE}",
        # As Wagtail's editor stores typed text, then as raw markup (e.g. pasted or imported).
        details=f"<p>Details {html.escape(HOSTILE)}</p><p>Raw {HOSTILE}</p>",
        terms=f"Terms {HOSTILE}",
        redemption_instructions=f"Instructions {HOSTILE}",
        code=f"CODE{HOSTILE}",
        valid_until=end_of_day(3),
    )


def assert_no_raw_markup(text: str, where: str):
    for raw in RAW_MARKUP:
        assert raw not in text, f"unescaped {raw!r} in {where}"


def test_markup_is_escaped_on_the_deals_page_home_and_listing(client, hostile_deal):
    for url in ("/deals/", "/deals/?q=evil", "/", f"/directory/{hostile_deal.business.slug}/"):
        response = get_ok(client, url)
        assert_no_raw_markup(response.text, url)
        assert escape(f"Title {HOSTILE}") in response.text, url
        assert escape(f"Summary {HOSTILE}") in response.text, url


def test_markup_is_escaped_on_the_deal_page(client, hostile_deal):
    response = get_ok(client, deal_url(hostile_deal))
    assert_no_raw_markup(response.text, "deal page")
    for text in ("Title ", "Summary ", "Terms ", "Instructions ", "CODE"):
        assert escape(text + HOSTILE) in response.text, text
    assert f"Details {escape(HOSTILE)}" in response.text


def test_markup_is_escaped_on_a_members_only_deal_page_once_taken_up(
    client, hostile_deal, log_in_as
):
    hostile_deal.audience = Deal.Audience.MEMBERS
    hostile_deal.save()
    log_in_as(client, GOOD_STANDING)
    client.post(redeem_url(hostile_deal))
    response = get_ok(client, deal_url(hostile_deal))
    assert escape(f"CODE{HOSTILE}") in response.text
    assert_no_raw_markup(response.text, "members-only deal page")


def test_json_ld_cannot_close_its_script_element(client, hostile_deal):
    response = get_ok(client, deal_url(hostile_deal))
    [raw] = JSON_LD.findall(response.text)
    assert "<" not in raw
    data = json.loads(raw)
    assert data["name"] == f"Title {HOSTILE}"
    assert data["description"] == f"Summary {HOSTILE}"
    assert data["offeredBy"]["name"] == f"Evil {HOSTILE} Corp"


def test_markup_in_the_feed_stays_text_for_feed_readers(client, hostile_deal):
    """RSS titles and descriptions are HTML to feed readers (Django escapes its default item
    titles for that reason): after XML parsing they must still hold the markup escaped."""
    response = get_ok(client, "/deals/feed/")
    assert_no_raw_markup(response.content.decode(), "feed XML")
    [item] = ET.fromstring(response.content).iter("item")
    title, description = item.findtext("title"), item.findtext("description")
    for text in (title, description):
        assert_no_raw_markup(text, "a feed reader")
    assert html.unescape(title) == f"Title {HOSTILE} — Evil {HOSTILE} Corp"
    assert f"Summary {HOSTILE}" in html.unescape(description)
    assert f"Details {HOSTILE}" in html.unescape(description)


def test_markup_in_the_search_query_is_escaped(client, hostile_deal):
    response = get_ok(client, f"/deals/?q={HOSTILE}")
    assert_no_raw_markup(response.text, "search results")
