"""Taking up a deal ("Get this deal"), counting page views, and the numbers staff see.

A redemption is one per member, deal and day (deals/services.py); only a member in good
standing may take a deal up; page views of the offering member's own people don't count.
"""

import csv
import datetime
import io
import re

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from deals import services
from deals.models import Deal, DealRedemption, DealViews
from membership.models import Member
from tests.deals.helpers import (
    DAY,
    GOOD_STANDING,
    LAPSED,
    NO_MEMBER,
    PAST_DUE_IN_GRACE,
    STAFF,
    deal_url,
    redeem_url,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CODE = "CROISSANT-2026"
INSTRUCTIONS = "Show this page at the till."
NOT_IN_GOOD_STANDING = "Only members in good standing can take up this deal."
DEALS_ADMIN = "/admin/snippets/deals/deal/"
REDEMPTIONS_ADMIN = "/admin/snippets/deals/dealredemption/"


@pytest.fixture
def members_deal(offering_business, deal_factory):
    return deal_factory(
        offering_business,
        title="Two croissants for one",
        audience=Deal.Audience.MEMBERS,
        details="<p>Any weekday.</p>",
        code=CODE,
        redemption_instructions=INSTRUCTIONS,
    )


def member_of(user) -> Member:
    return user.member_contacts.get().member


# -- taking a deal up ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [GOOD_STANDING, PAST_DUE_IN_GRACE])
def test_member_takes_up_a_deal_and_then_sees_the_code(client, members_deal, log_in_as, kind):
    user = log_in_as(client, kind)
    before = client.get(deal_url(members_deal))
    assert CODE not in before.text
    assert f'action="{redeem_url(members_deal)}"' in before.text
    started = timezone.now()
    response = client.post(redeem_url(members_deal))
    assert response.status_code == 303
    assert response["Location"] == deal_url(members_deal) + "#redeem"
    redemption = DealRedemption.objects.get()
    assert redemption.deal == members_deal
    assert redemption.member == member_of(user)
    assert redemption.user == user
    assert started <= redemption.redeemed_at <= timezone.now()
    assert redemption.redeemed_on == timezone.localdate()
    after = client.get(deal_url(members_deal))
    assert CODE in after.text
    assert INSTRUCTIONS in after.text
    assert "Here is your deal from Riverbend Bakery." in after.text
    assert f'action="{redeem_url(members_deal)}"' not in after.text


def test_second_redemption_the_same_day_records_nothing(client, members_deal, log_in_as):
    log_in_as(client, GOOD_STANDING)
    client.post(redeem_url(members_deal))
    response = client.post(redeem_url(members_deal), follow=True)
    assert response.status_code == 200
    assert DealRedemption.objects.count() == 1
    assert CODE in response.text


def test_the_next_day_counts_again(client, members_deal, log_in_as):
    user = log_in_as(client, GOOD_STANDING)
    client.post(redeem_url(members_deal))
    DealRedemption.objects.update(
        redeemed_on=timezone.localdate() - DAY, redeemed_at=timezone.now() - DAY
    )
    client.post(redeem_url(members_deal))
    client.post(redeem_url(members_deal))
    days = sorted(DealRedemption.objects.values_list("redeemed_on", flat=True))
    assert days == [timezone.localdate() - DAY, timezone.localdate()]
    assert {r.user for r in DealRedemption.objects.all()} == {user}


def test_service_records_one_redemption_per_day(members_deal, viewer, clock):
    user = viewer(GOOD_STANDING)
    member = member_of(user)
    first, created = services.redeem(deal=members_deal, member=member, user=user)
    assert created
    again, created = services.redeem(deal=members_deal, member=member, user=user)
    assert (again, created) == (first, False)
    clock(timezone.now() + DAY)
    later, created = services.redeem(deal=members_deal, member=member, user=user)
    assert created
    assert later.redeemed_on == first.redeemed_on + DAY
    assert DealRedemption.objects.count() == 2


def test_anonymous_visitor_is_sent_to_log_in(client, members_deal):
    response = client.post(redeem_url(members_deal))
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={deal_url(members_deal)}"
    assert not DealRedemption.objects.exists()


@pytest.mark.parametrize("kind", [NO_MEMBER, LAPSED, STAFF])
def test_only_a_member_in_good_standing_can_take_a_deal_up(client, members_deal, log_in_as, kind):
    log_in_as(client, kind)
    response = client.post(redeem_url(members_deal))
    assert response.status_code == 303
    assert response["Location"] == deal_url(members_deal)
    assert not DealRedemption.objects.exists()
    page = client.get(response["Location"])
    assert NOT_IN_GOOD_STANDING in page.text


def test_public_deal_can_be_taken_up_by_a_member(
    client, offering_business, deal_factory, log_in_as
):
    deal = deal_factory(offering_business, audience=Deal.Audience.PUBLIC, code="OPEN-CODE")
    log_in_as(client, GOOD_STANDING)
    assert "OPEN-CODE" in client.get(deal_url(deal)).text  # public: shown without taking it up
    assert client.post(redeem_url(deal)).status_code == 303
    assert DealRedemption.objects.filter(deal=deal).count() == 1


def test_get_on_the_redeem_address_is_not_allowed(client, members_deal, log_in_as):
    log_in_as(client, GOOD_STANDING)
    assert client.get(redeem_url(members_deal)).status_code == 405
    assert not DealRedemption.objects.exists()


def test_redeem_needs_the_csrf_token(members_deal, viewer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(viewer(GOOD_STANDING))
    assert client.post(redeem_url(members_deal)).status_code == 403
    assert not DealRedemption.objects.exists()
    page = client.get(deal_url(members_deal)).text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(redeem_url(members_deal), {"csrfmiddlewaretoken": token})
    assert response.status_code == 303
    assert DealRedemption.objects.count() == 1


@pytest.mark.parametrize("state", ["draft", "expired", "not started", "listing unpublished"])
def test_hidden_deal_cannot_be_taken_up(client, offering_business, deal_factory, log_in_as, state):
    now = timezone.now()
    values = {
        "draft": {"live": False},
        "expired": {"valid_from": now - 5 * DAY, "valid_until": now - DAY},
        "not started": {"valid_from": now + DAY},
        "listing unpublished": {},
    }[state]
    deal = deal_factory(offering_business, audience=Deal.Audience.MEMBERS, **values)
    if state == "listing unpublished":
        offering_business.unpublish()
    log_in_as(client, GOOD_STANDING)
    assert client.post(redeem_url(deal)).status_code == 404
    assert not DealRedemption.objects.exists()


def test_unknown_deal_is_404(client, deals_index, log_in_as):
    log_in_as(client, GOOD_STANDING)
    assert client.get("/deals/no-such-deal/").status_code == 404
    assert client.post("/deals/no-such-deal/redeem/").status_code == 404


# -- page views ------------------------------------------------------------------------------


def views_today(deal) -> int:
    """Today's count, with the views still waiting in the cache written first."""
    services.flush_views(deal)
    row = DealViews.objects.filter(deal=deal, day=timezone.localdate()).first()
    return row.views if row else 0


def test_page_views_are_counted_except_the_offering_members_own(
    client, members_deal, log_in_as, offering_owner, offering_business
):
    assert client.get(deal_url(members_deal), REMOTE_ADDR="10.0.0.1").status_code == 200
    assert client.get(deal_url(members_deal), REMOTE_ADDR="10.0.0.2").status_code == 200
    assert views_today(members_deal) == 2
    log_in_as(client, GOOD_STANDING)
    client.get(deal_url(members_deal), REMOTE_ADDR="10.0.0.3")
    assert views_today(members_deal) == 3
    client.force_login(offering_owner)
    assert client.get(deal_url(members_deal), REMOTE_ADDR="10.0.0.4").status_code == 200
    assert views_today(members_deal) == 3
    # Nor do the deals page, the feed or the listing's page count as views of the deal.
    for url in ("/deals/", "/deals/feed/", f"/directory/{offering_business.slug}/", "/"):
        client.logout()
        client.get(url)
    assert views_today(members_deal) == 3
    assert DealViews.objects.count() == 1


def test_views_are_counted_per_day(members_deal):
    DealViews.objects.create(deal=members_deal, day=timezone.localdate() - DAY, views=7)
    services.count_view(members_deal, visitor="a")
    services.count_view(members_deal, visitor="b")
    services.flush_views(members_deal)
    assert dict(DealViews.objects.values_list("day", "views")) == {
        timezone.localdate() - DAY: 7,
        timezone.localdate(): 2,
    }


def test_a_visitor_is_counted_once_a_day_and_reloading_writes_nothing(
    client, members_deal, django_assert_num_queries
):
    """Issue #23: every view was an UPDATE of one row, and anyone could inflate it."""
    for _ in range(30):
        client.get(deal_url(members_deal), HTTP_USER_AGENT="Bot/1.0")
    assert views_today(members_deal) == 1
    with CaptureQueriesContext(connection) as queries:
        client.get(deal_url(members_deal), HTTP_USER_AGENT="Bot/1.0")
    assert not [q for q in queries if "deals_dealviews" in q["sql"].lower()]
    client.get(deal_url(members_deal), HTTP_USER_AGENT="Another browser")
    assert views_today(members_deal) == 2


def test_a_busy_minute_is_written_once(client, members_deal):
    """Thirty visitors in a minute: the first view writes, the rest wait in the cache and go
    in one UPDATE with the first view after the minute."""
    with CaptureQueriesContext(connection) as queries:
        for number in range(30):
            client.get(deal_url(members_deal), REMOTE_ADDR=f"10.1.0.{number}")
    writes = [q for q in queries if "deals_dealviews" in q["sql"].lower()]
    assert len(writes) <= 2  # the first view's UPDATE (and its INSERT on the day's first row)
    assert DealViews.objects.get(deal=members_deal).views == 1
    with time_machine.travel(timezone.now() + timezone.timedelta(seconds=61)):
        client.get(deal_url(members_deal), REMOTE_ADDR="10.1.1.1")
    assert DealViews.objects.get(deal=members_deal).views == 31


def test_the_visitor_key_holds_no_address_and_changes_every_day(rf, settings):
    request = rf.get("/", REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="Firefox")
    today = services.visitor_key(request)
    assert "203.0.113.9" not in today and len(today) == 32
    with time_machine.travel(timezone.now() + DAY):
        assert services.visitor_key(request) != today


def test_hidden_deal_page_is_not_counted(client, offering_business, deal_factory):
    deal = deal_factory(offering_business, live=False)
    assert client.get(deal_url(deal)).status_code == 404
    assert not DealViews.objects.exists()


# -- the admin's numbers ---------------------------------------------------------------------


@pytest.fixture
def numbers(offering_business, deal_factory, viewer):
    """Two deals with known totals: 12 views over two days and 3 redemptions (two members, two
    days); 0 and 0."""
    busy = deal_factory(offering_business, title="Busy deal", audience=Deal.Audience.MEMBERS)
    quiet = deal_factory(offering_business, title="Quiet deal")
    today = timezone.localdate()
    DealViews.objects.create(deal=busy, day=today - DAY, views=5)
    DealViews.objects.create(deal=busy, day=today, views=7)
    first, second = viewer(GOOD_STANDING), viewer(PAST_DUE_IN_GRACE)
    for user, day in ((first, today - DAY), (first, today), (second, today)):
        DealRedemption.objects.create(deal=busy, member=member_of(user), user=user, redeemed_on=day)
    return {"busy": busy, "quiet": quiet}


def admin_rows(response) -> dict[str, list[str]]:
    """Each row of an admin listing: its title and its cells' text."""
    assert response.status_code == 200
    soup = BeautifulSoup(response.text, "html.parser")
    headings = [th.get_text(" ", strip=True) for th in soup.select("thead th")]
    rows = {}
    for tr in soup.select("tbody tr"):
        cells = [td.get_text(" ", strip=True) for td in tr.select("td")]
        title = tr.select_one("td.title .title-wrapper").get_text(strip=True)
        rows[title] = dict(zip(headings, cells, strict=False))
    return rows


def test_admin_list_shows_views_and_redemptions(client, numbers, deals_superuser):
    client.force_login(deals_superuser)
    url = reverse("wagtailsnippets_deals_deal:list")
    assert url == DEALS_ADMIN
    rows = admin_rows(client.get(url))
    assert rows["Busy deal"]["Views"] == "12"
    assert rows["Busy deal"]["Redemptions"] == "3"
    assert rows["Quiet deal"]["Views"] == "0"
    assert rows["Quiet deal"]["Redemptions"] == "0"
    by_views = admin_rows(client.get(url, {"ordering": "-view_total"}))
    assert list(by_views) == ["Busy deal", "Quiet deal"]
    by_redemptions = admin_rows(client.get(url, {"ordering": "redemption_total"}))
    assert list(by_redemptions) == ["Quiet deal", "Busy deal"]


def test_admin_export_has_the_totals(client, numbers, deals_superuser):
    client.force_login(deals_superuser)
    response = client.get(reverse("wagtailsnippets_deals_deal:list"), {"export": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    content = b"".join(response.streaming_content).decode()
    rows = {row["Title"]: row for row in csv.DictReader(io.StringIO(content))}
    assert set(rows) == {"Busy deal", "Quiet deal"}
    assert rows["Busy deal"]["Page views"] == "12"
    assert rows["Busy deal"]["Redemptions"] == "3"
    assert rows["Busy deal"]["Member"] == "Riverbend Bakery Ltd"
    assert rows["Quiet deal"]["Page views"] == "0"
    assert rows["Quiet deal"]["Redemptions"] == "0"
    xlsx = client.get(reverse("wagtailsnippets_deals_deal:list"), {"export": "xlsx"})
    assert b"".join(xlsx.streaming_content)[:2] == b"PK"


@pytest.fixture
def chamber_staff_client(client, site_tree):
    user = UserFactory(username="sam")
    user.groups.add(Group.objects.get(name="Chamber staff"))
    client.force_login(user)
    return client


def test_chamber_staff_see_the_redemptions(chamber_staff_client, numbers):
    response = chamber_staff_client.get(REDEMPTIONS_ADMIN)
    assert response.status_code == 200
    assert response.text.count("Busy deal") >= 3
    redemption = DealRedemption.objects.first()
    inspect = chamber_staff_client.get(REDEMPTIONS_ADMIN + f"inspect/{redemption.pk}/")
    assert inspect.status_code == 200
    export = chamber_staff_client.get(REDEMPTIONS_ADMIN, {"export": "csv"})
    content = b"".join(export.streaming_content).decode()
    assert len(list(csv.DictReader(io.StringIO(content)))) == 3


def refused(response) -> bool:
    """Wagtail answers a missing permission with a redirect to the dashboard; a view that
    does not exist is a 404."""
    if response.status_code == 302:
        return response["Location"] == "/admin/"
    return response.status_code in (403, 404, 405)


@pytest.mark.parametrize("who", ["chamber staff", "superuser"])
def test_redemptions_are_read_only(client, site_tree, numbers, deals_superuser, who):
    if who == "superuser":
        client.force_login(deals_superuser)
    else:
        user = UserFactory(username="sam")
        user.groups.add(Group.objects.get(name="Chamber staff"))
        client.force_login(user)
    redemption = DealRedemption.objects.first()
    before = list(DealRedemption.objects.order_by("pk").values())
    member = redemption.member
    form = {
        "deal": str(numbers["quiet"].pk),
        "member": str(member.pk),
        "redeemed_on": timezone.localdate().isoformat(),
        "redeemed_at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
    }
    for url in (
        REDEMPTIONS_ADMIN + "add/",
        REDEMPTIONS_ADMIN + f"edit/{redemption.pk}/",
        REDEMPTIONS_ADMIN + f"delete/{redemption.pk}/",
        REDEMPTIONS_ADMIN + f"copy/{redemption.pk}/",
    ):
        assert refused(client.get(url)), url
        assert refused(client.post(url, form)), url
    assert list(DealRedemption.objects.order_by("pk").values()) == before
    listing = client.get(REDEMPTIONS_ADMIN).text
    assert REDEMPTIONS_ADMIN + "add/" not in listing
    assert REDEMPTIONS_ADMIN + "edit/" not in listing


def test_chamber_staff_see_the_deal_totals(chamber_staff_client, numbers):
    rows = admin_rows(chamber_staff_client.get(DEALS_ADMIN))
    assert rows["Busy deal"]["Views"] == "12"
    assert rows["Busy deal"]["Redemptions"] == "3"


def test_a_members_redemptions_go_with_the_member_they_act_for(
    client, members_deal, viewer, community_level
):
    """A user representing two members in good standing takes the deal up for the first by
    name (or the account area's choice): one redemption, for that member."""
    user = viewer(GOOD_STANDING)
    other = Member.objects.create(
        name="Aardvark Co",
        level=community_level,
        status="active",
        paid_through=timezone.localdate() + datetime.timedelta(days=100),
    )
    user.member_contacts.create(member=other)
    client.force_login(user)
    client.post(redeem_url(members_deal))
    assert [r.member for r in DealRedemption.objects.all()] == [other]
