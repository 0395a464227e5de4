"""Issue #24: good standing runs out by the calendar, with no command run.

A member whose dues end on `paid_through` is moved through time with time-machine (the whole
process clock: Django's `timezone.now()`, `date.today()`, `time.time()`). Nothing is run in
between — not `update_membership_status`, not any job: its stored status stays "active"
throughout. On the last day of grace its listing, its deal and members-only codes are still
there; the next day they are gone from every public surface.
"""

import datetime

import pytest
import time_machine
from django.utils import timezone

from chamber.models import JobHeartbeat
from deals.models import Deal
from directory.models import Business
from membership.models import Member
from tests.deals.helpers import DAY, deal_url, redeem_url
from tests.factories import MemberContactFactory, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

GRACE = 30
CODE = "CLOCK-ROLLS-ON"


def at_noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


@pytest.fixture
def lapsing(offering_business, community_level):
    """Riverbend Bakery's member: active, paid through 5 days from now, never marked otherwise.
    Its contact Olive also reads another member's members-only deal."""
    member = offering_business.member
    member.paid_through = timezone.localdate() + 5 * DAY
    member.save()
    return member


@pytest.fixture
def other_members_deal(business_factory, deal_factory):
    business = business_factory("Lakeview Books", city="Lakeview")
    return deal_factory(
        business, title="Book club discount", audience=Deal.Audience.MEMBERS, code=CODE
    )


@pytest.fixture
def own_deal(offering_business, deal_factory):
    return deal_factory(offering_business, title="Two croissants for one")


def visit(client, user, paths):
    client.force_login(user)  # a fresh session: the old one would have expired meanwhile
    return {path: client.get(path) for path in paths}


def test_the_day_after_grace_everything_ends_with_no_command_run(
    client, lapsing, offering_business, offering_owner, own_deal, other_members_deal
):
    listing_path = f"/directory/{offering_business.slug}/"
    last_day = lapsing.paid_through + GRACE * DAY
    assert lapsing.good_standing_until == last_day

    # The last day of grace: still listed, still a member.
    with time_machine.travel(at_noon(last_day), tick=False):
        assert timezone.localdate() == last_day
        pages = visit(
            client,
            offering_owner,
            [listing_path, "/directory/", "/deals/", deal_url(own_deal), "/account/"],
        )
        assert pages[listing_path].status_code == 200
        assert "Riverbend Bakery" in pages["/directory/"].text
        assert "Two croissants for one" in pages["/deals/"].text
        assert pages[deal_url(own_deal)].status_code == 200
        assert f"keep member benefits until {last_day:%-d %B %Y}" in pages["/account/"].text
        client.post(redeem_url(other_members_deal))
        assert CODE in client.get(deal_url(other_members_deal)).text
        sitemap = client.get("/sitemap-listings.xml").text
        assert listing_path in sitemap

    # The next day: gone everywhere, and members-only access has ended.
    with time_machine.travel(at_noon(last_day + DAY), tick=False):
        pages = visit(
            client,
            offering_owner,
            [listing_path, "/directory/", "/deals/", deal_url(own_deal), "/account/"],
        )
        assert pages[listing_path].status_code == 404
        assert "Riverbend Bakery" not in pages["/directory/"].text
        assert "Two croissants for one" not in pages["/deals/"].text
        assert pages[deal_url(own_deal)].status_code == 404
        assert "Lapsed on" in pages["/account/"].text
        assert "hidden from the directory until you renew" in pages["/account/"].text
        assert CODE not in client.get(deal_url(other_members_deal)).text
        refused = client.post(redeem_url(other_members_deal), follow=True)
        assert "Only members in good standing" in refused.text
        assert listing_path not in client.get("/sitemap-listings.xml").text
        client.logout()
        assert "Riverbend Bakery" not in client.get("/directory/?q=bakery").text
        assert "Riverbend Bakery" not in client.get("/search/?q=Riverbend").text

    # Nothing ran: the word in the database still says "active", only the dates moved.
    lapsing.refresh_from_db()
    assert lapsing.status == Member.Status.ACTIVE
    assert not JobHeartbeat.objects.exists()
    assert Business.objects.get(pk=offering_business.pk).public_until == last_day


def test_a_renewal_on_the_last_day_keeps_everything(client, lapsing, offering_business):
    """The `invoice.paid` (or an offline payment) that follows a late card renewal extends
    paid_through as before: the grace period covered the days between."""
    last_day = lapsing.paid_through + GRACE * DAY
    with time_machine.travel(at_noon(last_day), tick=False):
        lapsing.paid_through = lapsing.paid_through.replace(year=lapsing.paid_through.year + 1)
        lapsing.save()
    with time_machine.travel(at_noon(last_day + DAY), tick=False):
        assert client.get(f"/directory/{offering_business.slug}/").status_code == 200


def test_an_honorary_member_never_lapses(client, community_level, offering_business):
    member = MemberFactory(
        name="Riverside Library", level=community_level, paid_through=None, no_end_date=True
    )
    user = UserFactory(username="libby")
    MemberContactFactory(member=member, user=user)
    with time_machine.travel(at_noon(timezone.localdate() + 4000 * DAY), tick=False):
        assert Member.objects.in_good_standing().filter(pk=member.pk).exists()
        client.force_login(user)
        assert "does not need renewing" in client.get("/account/").text
