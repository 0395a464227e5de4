"""Who sees which deal, where: the two rules of deals/models.py checked on every public page.

`DealQuerySet.shown` decides whether a deal is on show at all; `Deal.is_open_to` who may read
a members-only deal's details, terms, instructions and code. A public deal and a members-only
deal, each with distinctive texts, are looked at by every kind of viewer (tests/deals/
conftest.py) on the deals page, the deal's page, the feed, the sitemap, the JSON-LD, the
offering listing's page, the directory search and the home page: the members-only texts
appear only for members in good standing (past-due within grace included) and staff.
"""

import datetime

import pytest
from defusedxml import ElementTree as ET  # Wagtail (Willow) depends on defusedxml
from django.utils import timezone

from deals.models import Deal
from membership.models import Member
from tests.deals.helpers import (
    ANONYMOUS,
    DAY,
    OPEN_TO,
    SECOND,
    STAFF,
    VIEWER_KINDS,
    deal_url,
    json_ld_blocks,
    redeem_url,
)

pytestmark = pytest.mark.django_db

MEMBERS_DETAILS = "Secret details 42"
MEMBERS_WORD = "quokka"  # only in the members-only deal's details
MEMBERS_SECRETS = {
    "details": MEMBERS_DETAILS,
    "search word": MEMBERS_WORD,
    "terms": "Secret terms 42",
    "instructions": "Secret instructions 42",
    "code": "SECRET-CODE-42",
}
PUBLIC_WORD = "wombat"  # only in the public deal's details
PUBLIC_TEXTS = {
    "details": "Open details 7",
    "search word": PUBLIC_WORD,
    "terms": "Open terms 7",
    "instructions": "Open instructions 7",
    "code": "OPEN-CODE-7",
}
MEMBERS_PROMPT = "This deal is for chamber members only"
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture
def matrix(offering_business, deal_factory):
    members = deal_factory(
        offering_business,
        title="Pastry swap for members",
        summary="Savings on pastries for fellow members.",
        audience=Deal.Audience.MEMBERS,
        details=f"<p>{MEMBERS_DETAILS}: two {MEMBERS_WORD} croissants for one.</p>",
        terms=MEMBERS_SECRETS["terms"],
        redemption_instructions=MEMBERS_SECRETS["instructions"],
        code=MEMBERS_SECRETS["code"],
    )
    public = deal_factory(
        offering_business,
        title="Bread offer for everyone",
        summary="A loaf for less, whoever you are.",
        audience=Deal.Audience.PUBLIC,
        details=f"<p>{PUBLIC_TEXTS['details']}: a {PUBLIC_WORD} loaf half price.</p>",
        terms=PUBLIC_TEXTS["terms"],
        redemption_instructions=PUBLIC_TEXTS["instructions"],
        code=PUBLIC_TEXTS["code"],
    )
    return {"members": members, "public": public}


def leaked(text: str) -> list[str]:
    return [name for name, secret in MEMBERS_SECRETS.items() if secret in text]


def missing(text: str, texts: dict[str, str]) -> list[str]:
    return [name for name, value in texts.items() if value not in text]


def get_ok(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    return response


# -- the deal's own page ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", VIEWER_KINDS)
def test_public_deal_page_shows_everything_to_everyone(client, matrix, log_in_as, kind):
    log_in_as(client, kind)
    response = get_ok(client, deal_url(matrix["public"]))
    assert missing(response.text, PUBLIC_TEXTS) == []
    assert MEMBERS_PROMPT not in response.text


@pytest.mark.parametrize("kind", VIEWER_KINDS)
def test_members_only_deal_page(client, matrix, log_in_as, kind):
    deal = matrix["members"]
    log_in_as(client, kind)
    response = get_ok(client, deal_url(deal))
    assert "private" in response["Cache-Control"]
    assert deal.title in response.text
    assert "Riverbend Bakery" in response.text
    assert deal.summary in response.text
    if kind in OPEN_TO:
        assert MEMBERS_PROMPT not in response.text
        assert MEMBERS_SECRETS["details"] in response.text
        assert MEMBERS_SECRETS["terms"] in response.text
        if kind == STAFF:
            # Staff represent no member: they see the code and instructions to check them.
            assert leaked(response.text) == list(MEMBERS_SECRETS)
            return
        # A member sees the code and instructions once they take the deal up.
        assert MEMBERS_SECRETS["code"] not in response.text
        assert MEMBERS_SECRETS["instructions"] not in response.text
        assert client.post(redeem_url(deal)).status_code == 303
        after = get_ok(client, deal_url(deal))
        assert leaked(after.text) == list(MEMBERS_SECRETS)
        assert "private" in after["Cache-Control"]
    else:
        assert leaked(response.text) == []
        assert MEMBERS_PROMPT in response.text
        # Trying to take it up reveals nothing either.
        redeem = client.post(redeem_url(deal), follow=True)
        assert leaked(redeem.text) == []
        again = get_ok(client, deal_url(deal))
        assert leaked(again.text) == []
        assert MEMBERS_PROMPT in again.text


@pytest.mark.parametrize("kind", VIEWER_KINDS)
def test_json_ld_holds_public_fields_only_whoever_looks(client, matrix, log_in_as, kind):
    log_in_as(client, kind)
    for audience in ("members", "public"):
        deal = matrix[audience]
        response = get_ok(client, deal_url(deal))
        [data] = json_ld_blocks(response)
        assert data["@type"] == "Offer"
        assert data["name"] == deal.title
        assert data["description"] == deal.summary
        assert data["offeredBy"]["name"] == "Riverbend Bakery"
        raw = str(data)
        assert leaked(raw) == []
        assert PUBLIC_TEXTS["code"] not in raw
    # The page itself shows the details to those it is open to: the JSON-LD leaves them out.
    if kind in OPEN_TO:
        assert MEMBERS_DETAILS in get_ok(client, deal_url(matrix["members"])).text


# -- lists, feed, sitemap --------------------------------------------------------------------


@pytest.mark.parametrize("kind", VIEWER_KINDS)
def test_deals_page_lists_both_deals_with_public_fields_only(client, matrix, log_in_as, kind):
    log_in_as(client, kind)
    response = get_ok(client, "/deals/")
    for deal in matrix.values():
        assert deal.title in response.text
        assert deal.summary in response.text
        assert deal_url(deal) in response.text
    assert "Members only" in response.text
    assert "From Riverbend Bakery" in response.text
    assert leaked(response.text) == []


@pytest.mark.parametrize("kind", VIEWER_KINDS)
def test_deal_search_never_matches_members_only_details(client, matrix, log_in_as, kind):
    log_in_as(client, kind)
    members, public = matrix["members"], matrix["public"]
    for secret in (MEMBERS_WORD, "Secret terms", MEMBERS_SECRETS["code"], "instructions 42"):
        response = get_ok(client, f"/deals/?q={secret}")
        assert deal_url(members) not in response.text, secret
        assert "No deals found" in response.text
    # The same search does look into a public deal's details, and finds a members-only deal
    # by its public fields.
    assert deal_url(public) in get_ok(client, f"/deals/?q={PUBLIC_WORD}").text
    assert deal_url(members) in get_ok(client, "/deals/?q=pastries").text


@pytest.mark.parametrize("kind", VIEWER_KINDS)
def test_feed_shows_members_only_deals_as_an_anonymous_visitor_sees_them(
    client, matrix, log_in_as, kind
):
    log_in_as(client, kind)
    response = get_ok(client, "/deals/feed/")
    body = response.content.decode()
    assert leaked(body) == []
    items = {item.findtext("link"): item for item in ET.fromstring(response.content).iter("item")}
    members = items[f"http://testserver{deal_url(matrix['members'])}"]
    public = items[f"http://testserver{deal_url(matrix['public'])}"]
    assert members.findtext("title") == "Pastry swap for members — Riverbend Bakery"
    assert "Members only" in members.findtext("description")
    assert PUBLIC_TEXTS["details"] in public.findtext("description")


def sitemap_urls(client, url: str) -> list[str]:
    root = ET.fromstring(get_ok(client, url).content)
    return [loc.text for loc in root.iterfind(".//sm:loc", SITEMAP_NS)]


@pytest.mark.parametrize("kind", VIEWER_KINDS)
def test_sitemap_lists_public_deals_only(client, matrix, log_in_as, kind):
    log_in_as(client, kind)
    sections = sitemap_urls(client, "/sitemap.xml")
    assert "http://testserver/sitemap-deals.xml" in sections
    every_url = []
    for section in sections:
        path = section.removeprefix("http://testserver")
        assert leaked(get_ok(client, path).content.decode()) == []
        every_url += sitemap_urls(client, path)
    assert f"http://testserver{deal_url(matrix['public'])}" in every_url
    assert not [url for url in every_url if matrix["members"].slug in url]
    assert sitemap_urls(client, "/sitemap-deals.xml") == [
        f"http://testserver{deal_url(matrix['public'])}"
    ]


# -- the directory and the home page ---------------------------------------------------------


@pytest.mark.parametrize("kind", VIEWER_KINDS)
def test_listing_page_shows_its_deals_with_public_fields_only(
    client, matrix, offering_business, log_in_as, kind
):
    log_in_as(client, kind)
    response = get_ok(client, f"/directory/{offering_business.slug}/")
    for deal in matrix.values():
        assert deal.title in response.text
        assert deal_url(deal) in response.text
    assert leaked(response.text) == []


def directory_names(response) -> list[str]:
    return [business.name for business in response.context["results"].page]


@pytest.mark.parametrize("kind", VIEWER_KINDS)
def test_directory_search_does_not_find_a_listing_by_its_deals_secrets(
    client, matrix, offering_business, log_in_as, kind
):
    log_in_as(client, kind)
    assert directory_names(get_ok(client, "/directory/?q=Riverbend")) == ["Riverbend Bakery"]
    for secret in (MEMBERS_WORD, "SECRET-CODE-42"):
        response = get_ok(client, f"/directory/?q={secret}")
        assert directory_names(response) == [], secret
        assert "Riverbend Bakery" not in response.text, secret


@pytest.mark.parametrize("kind", VIEWER_KINDS)
def test_home_page_shows_deal_cards_with_public_fields_only(client, matrix, log_in_as, kind):
    log_in_as(client, kind)
    response = get_ok(client, "/")
    for deal in matrix.values():
        assert deal.title in response.text
        assert deal_url(deal) in response.text
    assert leaked(response.text) == []


# -- the on-show rule: dates -----------------------------------------------------------------


def test_validity_window_includes_both_ends(offering_business, deal_factory):
    start = timezone.now().replace(microsecond=0) + 10 * DAY
    end = start + 5 * DAY
    deal = deal_factory(offering_business, valid_from=start, valid_until=end)
    ongoing = deal_factory(offering_business, valid_from=start, valid_until=None)

    def shown_at(at) -> set[int]:
        return set(Deal.objects.shown(at).values_list("pk", flat=True))

    assert shown_at(start - SECOND) == set()
    assert shown_at(start) == {deal.pk, ongoing.pk}
    assert shown_at(end) == {deal.pk, ongoing.pk}
    assert shown_at(end + SECOND) == {ongoing.pk}
    assert shown_at(end + 150 * DAY) == {ongoing.pk}  # the member is paid up for 200 days


def on_show_everywhere(client, deal, business) -> dict[str, bool]:
    """Where `deal` appears for an anonymous visitor (a public deal's URL or title)."""
    url = deal_url(deal)
    has_deals = client.get("/directory/?has_deals=on")
    return {
        "detail": client.get(url).status_code == 200,
        "index": url in client.get("/deals/").text,
        "feed": url in client.get("/deals/feed/").content.decode(),
        "sitemap": url in client.get("/sitemap-deals.xml").content.decode(),
        "home": url in client.get("/").text,
        "listing": url in client.get(f"/directory/{business.slug}/").text,
        "has_deals": business.name in directory_names(has_deals),
    }


EVERYWHERE = dict.fromkeys(
    ["detail", "index", "feed", "sitemap", "home", "listing", "has_deals"], True
)
NOWHERE = dict.fromkeys(EVERYWHERE, False)


@pytest.mark.parametrize(
    ("valid_from", "valid_until", "expected"),
    [
        (60 * SECOND, None, NOWHERE),  # starts in a minute
        (-SECOND, None, EVERYWHERE),  # started a second ago, ongoing
        (-DAY, -SECOND, NOWHERE),  # ended a second ago
        (-DAY, 60 * SECOND, EVERYWHERE),  # ends in a minute
    ],
    ids=["not yet", "just started", "just ended", "ending"],
)
def test_pages_follow_the_validity_window(
    client, offering_business, deal_factory, valid_from, valid_until, expected
):
    now = timezone.now()
    deal = deal_factory(
        offering_business,
        valid_from=now + valid_from,
        valid_until=now + valid_until if valid_until is not None else None,
    )
    assert on_show_everywhere(client, deal, offering_business) == expected


@pytest.mark.parametrize(
    ("offset", "shown"),
    [(-SECOND, False), (0 * SECOND, True), (5 * DAY, True), (5 * DAY + SECOND, False)],
    ids=["second before start", "at start", "at end", "second after end"],
)
def test_pages_at_the_exact_boundaries(
    client, offering_business, deal_factory, clock, offset, shown
):
    start = timezone.now().replace(microsecond=0) + 2 * DAY
    deal = deal_factory(offering_business, valid_from=start, valid_until=start + 5 * DAY)
    clock(start + offset)
    assert on_show_everywhere(client, deal, offering_business) == (EVERYWHERE if shown else NOWHERE)


# -- the on-show rule: publication and the business ------------------------------------------


def test_draft_deal_is_shown_nowhere(client, offering_business, deal_factory, log_in_as):
    deal = deal_factory(offering_business, live=False)
    deal.save_revision()
    assert Deal.objects.get(pk=deal.pk).live is False
    assert on_show_everywhere(client, deal, offering_business) == NOWHERE
    # Not even to staff or a member in good standing, and it cannot be taken up.
    log_in_as(client, STAFF)
    assert client.get(deal_url(deal)).status_code == 404
    assert client.post(redeem_url(deal)).status_code == 404


def test_unpublished_deal_is_shown_nowhere(client, offering_business, deal_factory):
    deal = deal_factory(offering_business, publish=True)
    assert on_show_everywhere(client, deal, offering_business) == EVERYWHERE
    deal.unpublish()
    assert on_show_everywhere(client, deal, offering_business) == NOWHERE


def test_deal_of_an_unpublished_listing_is_hidden(client, offering_business, deal_factory):
    deal = deal_factory(offering_business)
    assert client.get(deal_url(deal)).status_code == 200
    offering_business.unpublish()
    assert client.get(deal_url(deal)).status_code == 404
    assert deal_url(deal) not in client.get("/deals/").text
    assert deal_url(deal) not in client.get("/deals/feed/").content.decode()
    assert deal_url(deal) not in client.get("/sitemap-deals.xml").content.decode()
    assert deal_url(deal) not in client.get("/").text


@pytest.mark.parametrize("status", [Member.Status.LAPSED, Member.Status.CANCELLED])
def test_deal_of_a_member_out_of_good_standing_is_hidden(
    client, offering_business, deal_factory, status
):
    deal = deal_factory(offering_business)
    member = offering_business.member
    member.status = status
    member.paid_through = timezone.localdate() - 90 * DAY
    member.save()
    assert client.get(deal_url(deal)).status_code == 404
    assert deal_url(deal) not in client.get("/deals/").text
    assert deal_url(deal) not in client.get("/").text


def test_deal_disappears_when_the_grace_period_runs_out_with_no_job(
    client, offering_business, deal_factory, clock
):
    member = offering_business.member
    member.status = Member.Status.PAST_DUE
    member.paid_through = timezone.localdate() - 30 * DAY  # today is the last day of grace
    member.save()
    deal = deal_factory(offering_business)
    assert client.get(deal_url(deal)).status_code == 200
    tomorrow = timezone.make_aware(
        datetime.datetime.combine(timezone.localdate() + DAY, datetime.time(0, 0))
    )
    assert not Deal.objects.shown(tomorrow).filter(pk=deal.pk).exists()
    assert Deal.objects.shown(tomorrow - SECOND).filter(pk=deal.pk).exists()
    clock(tomorrow)
    assert client.get(deal_url(deal)).status_code == 404
    assert deal_url(deal) not in client.get("/deals/").text


def test_published_text_is_shown_while_a_newer_draft_waits(
    client, offering_business, deal_factory, log_in_as
):
    deal = deal_factory(
        offering_business,
        publish=True,
        title="Published title",
        details="<p>Published details</p>",
        code="PUBLISHED-CODE",
    )
    deal.title = "Draft title"
    deal.details = "<p>Draft details</p>"
    deal.code = "DRAFT-CODE"
    deal.save_revision()
    assert Deal.objects.get(pk=deal.pk).has_unpublished_changes
    log_in_as(client, ANONYMOUS)
    for url in (
        deal_url(deal),
        "/deals/",
        "/deals/feed/",
        "/",
        f"/directory/{offering_business.slug}/",
    ):
        text = client.get(url).content.decode()
        assert "Published title" in text, url
        for draft in ("Draft title", "Draft details", "DRAFT-CODE"):
            assert draft not in text, url
    detail = client.get(deal_url(deal)).text
    assert "Published details" in detail
    assert "PUBLISHED-CODE" in detail
