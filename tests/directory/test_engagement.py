"""Directory engagement (issue #19): the listing page's beacon counts views and contact-link
clicks per listing and day, refuses what it must (unknown kinds, listings the directory doesn't
show, floods) and stores nothing about the visitor; staff see the report, and each member sees
only its own listings' numbers in /account/."""

import csv
import datetime
import io

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from chamber import roles
from directory import engagement
from directory.models import ListingDailyStats
from tests.factories import BusinessFactory, UserFactory

pytestmark = pytest.mark.django_db

BEACON = "/beacon/listing/"


def beacon(client, listing, kind="view", **extra):
    return client.post(
        BEACON, {"listing": str(getattr(listing, "pk", listing)), "kind": kind}, **extra
    )


def counts(listing, day=None) -> tuple[int, int, int, int]:
    row = ListingDailyStats.objects.get(listing=listing, day=day or timezone.localdate())
    return (row.views, row.website_clicks, row.phone_clicks, row.email_clicks)


# -- counting -------------------------------------------------------------------------------


def test_the_beacon_counts_views_and_each_kind_of_click(client, listings):
    bakery = listings["bakery"]
    for kind in ("view", "view", "website", "phone", "email", "email"):
        response = beacon(client, bakery, kind)
        assert response.status_code == 204
    assert counts(bakery) == (2, 1, 1, 2)
    assert ListingDailyStats.objects.count() == 1  # one row per listing and day


def test_the_beacon_sets_no_cookie_and_is_never_cached(client, listings):
    response = beacon(client, listings["bakery"])
    assert not response.cookies
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_the_beacon_needs_no_csrf_token(listings):
    strict = Client(enforce_csrf_checks=True)
    assert beacon(strict, listings["bakery"]).status_code == 204


@pytest.mark.parametrize("kind", ["", "click", "views", "website_clicks", "VIEW"])
def test_unknown_kinds_are_refused(client, listings, kind):
    assert beacon(client, listings["bakery"], kind).status_code == 400
    assert not ListingDailyStats.objects.exists()


@pytest.mark.parametrize("which", ["draft", "lapsed", "unknown", "not-a-number"])
def test_listings_the_directory_does_not_show_are_refused(client, listings, which):
    listing = {"unknown": 999_999, "not-a-number": "1 OR 1=1"}.get(which) or listings[which]
    assert beacon(client, listing).status_code == 404
    assert not ListingDailyStats.objects.exists()


def test_the_beacon_only_takes_posts(client, listings):
    response = client.get(BEACON, {"listing": listings["bakery"].pk, "kind": "view"})
    assert response.status_code == 405
    assert not ListingDailyStats.objects.exists()


def test_the_beacon_is_rate_limited_per_client_address(client, listings, settings):
    settings.ENGAGEMENT_RATE_LIMIT_PER_HOUR = 3
    bakery = listings["bakery"]
    statuses = [beacon(client, bakery).status_code for _ in range(5)]
    assert statuses == [204, 204, 204, 429, 429]
    assert counts(bakery) == (3, 0, 0, 0)
    other = beacon(client, bakery, REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 204  # another address has its own allowance


def test_count_adds_to_the_days_row_and_starts_a_new_one_each_day(listings):
    cafe = listings["cafe"]
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    engagement.count(listing_id=cafe.pk, kind="view", day=yesterday)
    engagement.count(listing_id=cafe.pk, kind="view")
    engagement.count(listing_id=cafe.pk, kind="phone")
    assert counts(cafe, yesterday) == (1, 0, 0, 0)
    assert counts(cafe) == (1, 0, 1, 0)


def test_a_counted_day_takes_one_update(listings, django_assert_num_queries):
    cafe = listings["cafe"]
    engagement.count(listing_id=cafe.pk, kind="view")
    with django_assert_num_queries(1):
        engagement.count(listing_id=cafe.pk, kind="website")


def test_a_beacon_takes_two_queries(client, listings, django_assert_num_queries):
    beacon(client, listings["bakery"])
    with django_assert_num_queries(2):  # is the listing shown? add one
        assert beacon(client, listings["bakery"], "website").status_code == 204


def test_the_listing_page_carries_the_beacon_and_marks_its_contact_links(client, listings):
    bakery = listings["bakery"]
    bakery.email_visibility = bakery.Visibility.PUBLIC
    bakery.save()
    response = client.get(f"/directory/{bakery.slug}/")
    soup = BeautifulSoup(response.content, "html.parser")
    article = soup.find(attrs={"data-engagement-url": True})
    assert article["data-engagement-url"] == BEACON
    assert article["data-listing"] == str(bakery.pk)
    kinds = {link["data-engagement"] for link in article.find_all(attrs={"data-engagement": True})}
    assert kinds == {"website", "phone", "email"}
    assert not ListingDailyStats.objects.exists()  # the view counts nothing itself


# -- the staff report -----------------------------------------------------------------------

D = datetime.date


@pytest.fixture
def counted(listings):
    """January and February 2025: the bakery busier than the cafe."""
    rows = [
        (listings["bakery"], D(2025, 1, 5), 10, 2, 1, 0),
        (listings["bakery"], D(2025, 1, 20), 5, 1, 0, 1),
        (listings["cafe"], D(2025, 1, 7), 4, 0, 0, 0),
        (listings["cafe"], D(2025, 2, 3), 7, 1, 1, 1),
        (listings["bakery"], D(2024, 12, 31), 99, 0, 0, 0),  # before the range
    ]
    ListingDailyStats.objects.bulk_create(
        ListingDailyStats(
            listing=listing,
            day=day,
            views=views,
            website_clicks=website,
            phone_clicks=phone,
            email_clicks=email,
        )
        for listing, day, views, website, phone, email in rows
    )
    return listings


RANGE = {"from_month": "2025-01", "to_month": "2025-02"}


def test_engagement_by_listing_and_month(counted, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = engagement.by_listing_and_month(first=D(2025, 1, 1), last=D(2025, 2, 28))
    assert [(row["month"], row["listing"], row["views"], row["clicks"]) for row in rows] == [
        ("2025-01", "Riverbend Bakery", 15, 5),
        ("2025-01", "Millbrook Coffee House", 4, 0),
        ("2025-02", "Millbrook Coffee House", 7, 3),
    ]
    top = engagement.top_listings(rows)
    assert [(row["listing"], row["views"]) for row in top] == [
        ("Riverbend Bakery", 15),
        ("Millbrook Coffee House", 11),
    ]


def directory_moderator(django_user_model):
    user = UserFactory(username="dora")
    user.groups.add(Group.objects.get(name=roles.DIRECTORY_MODERATORS))
    return user


def test_staff_report_shows_the_table_chart_and_top_listings(client, counted, django_user_model):
    client.force_login(directory_moderator(django_user_model))
    response = client.get(reverse("directory_reports:engagement"), RANGE)
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    tables = soup.find_all("table", class_="listing")
    assert [table.caption.get_text(strip=True) for table in tables] == [
        "Views and contact-link clicks per listing and month",
        "Most viewed listings over the period",
    ]
    first_rows = [
        [cell.get_text(strip=True) for cell in row.find_all(["th", "td"])]
        for row in tables[0].tbody.find_all("tr")
    ]
    assert first_rows[0] == ["2025-01", "Riverbend Bakery", "15", "3", "1", "1"]
    chart = soup.find("svg", attrs={"role": "img"})
    assert chart.title.string and chart.desc.string
    assert len(chart.find_all("rect", class_="bar")) == 4  # views and clicks, two months


def test_staff_report_takes_as_many_queries_for_more_listings(client, counted, django_user_model):
    client.force_login(directory_moderator(django_user_model))
    url = reverse("directory_reports:engagement")
    client.get(url, RANGE)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, RANGE).status_code == 200
        return len(captured.captured_queries)

    before = queries()
    assert before <= 25
    for number in range(10):
        listing = BusinessFactory(name=f"Extra {number}")
        ListingDailyStats.objects.create(listing=listing, day=D(2025, 2, 1), views=number)
    assert queries() == before


def test_staff_report_filters_by_level_and_exports(client, counted, django_user_model):
    client.force_login(directory_moderator(django_user_model))
    level = counted["cafe"].member.level  # Community
    url = reverse("directory_reports:engagement")
    response = client.get(url, {**RANGE, "level": level.pk, "export": "csv"})
    parsed = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [(row["Month"], row["Listing"], row["Page views"]) for row in parsed] == [
        ("2025-01", "Millbrook Coffee House", "4"),
        ("2025-02", "Millbrook Coffee House", "7"),
    ]


def test_a_listing_name_is_formula_safe_in_the_export(client, counted, django_user_model):
    counted["cafe"].name = "=1+2"
    counted["cafe"].save()
    client.force_login(directory_moderator(django_user_model))
    response = client.get(reverse("directory_reports:engagement"), {**RANGE, "export": "csv"})
    assert "'=1+2" in b"".join(response.streaming_content).decode()


def test_staff_without_the_permission_are_refused(client, counted, django_user_model):
    user = UserFactory(username="ed")
    user.groups.add(Group.objects.get(name=roles.MEMBERSHIP_STAFF))
    client.force_login(user)
    for name in ("engagement", "engagement_results"):
        response = client.get(reverse(f"directory_reports:{name}"))
        assert response.status_code in (302, 403)
    user.user_permissions.add(Permission.objects.get(codename="view_listingdailystats"))
    client.force_login(django_user_model.objects.get(pk=user.pk))
    assert client.get(reverse("directory_reports:engagement")).status_code == 200


# -- the member's own numbers ---------------------------------------------------------------

STATS = "/account/listing-statistics/"


def test_members_see_their_own_listings_numbers_only(client, member_a, member_b):
    today = timezone.localdate()
    second = BusinessFactory(member=member_a, name="Aspen Bakery Annex")
    for listing, views in ((member_a.business, 3), (second, 2), (member_b.business, 50)):
        ListingDailyStats.objects.create(listing=listing, day=today, views=views, phone_clicks=1)
    client.force_login(member_a.user)
    response = client.get(STATS)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Aspen Bakery Annex" in html and "Birch Books" not in html
    soup = BeautifulSoup(html, "html.parser")
    table = soup.find("table", class_="listing-stats-table")
    assert table.caption.get_text(strip=True)
    rows = [
        [c.get_text(strip=True) for c in row.find_all(["th", "td"])] for row in table.tbody("tr")
    ]
    assert [row[1:3] for row in rows] == [["Aspen Bakery", "3"], ["Aspen Bakery Annex", "2"]]
    assert soup.find("svg", attrs={"role": "img"}).title.string


def test_another_members_listing_is_not_found(client, member_a, member_b):
    ListingDailyStats.objects.create(listing=member_b.business, day=timezone.localdate(), views=9)
    client.force_login(member_a.user)
    assert client.get(STATS, {"listing": member_b.business.pk}).status_code == 404
    assert client.get(STATS, {"listing": "x"}).status_code == 404
    # Nor does naming the other member choose it: Ada does not represent Birch Books.
    response = client.get(STATS, {"member": member_b.pk})
    assert "Birch Books" not in response.content.decode()
    one = client.get(STATS, {"listing": member_a.business.pk})
    assert one.status_code == 200 and "Aspen Bakery" in one.content.decode()


def test_the_statistics_are_in_the_account_menu_and_need_a_login(client, member_a):
    assert client.get(STATS).status_code == 302
    client.force_login(member_a.user)
    assert STATS in client.get("/account/").content.decode()


def test_the_overview_gives_each_listings_last_30_days(client, member_a, member_b):
    today = timezone.localdate()
    for day, views in (
        (today, 4),
        (today - datetime.timedelta(days=29), 2),
        (today - datetime.timedelta(days=30), 50),
    ):
        ListingDailyStats.objects.create(
            listing=member_a.business, day=day, views=views, website_clicks=1
        )
    ListingDailyStats.objects.create(listing=member_b.business, day=today, views=70)
    client.force_login(member_a.user)
    soup = BeautifulSoup(client.get("/account/").content, "html.parser")
    assert soup.find(class_="listing-views").get_text(strip=True) == (
        "6 views and 2 contact-link clicks in the last 30 days"
    )
