"""What the directory page keeps between requests, and that none of it can show a stale or
hidden listing: cached keyword matches, today's facet table, the in-process taxonomy, and
result cards built without the per-card `{% image %}` tag."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from chamber import caching
from directory import facets
from directory.caches import FACETS, drop_facets
from directory.models import Business
from directory.search import keywords
from membership.models import Member
from tests.directory.test_public_listing import CARD, logo_for
from tests.factories import (
    BusinessFactory,
    EnhancedLevelFactory,
    MemberFactory,
    MembershipLevelFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def names(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    return [business.name for business in response.context["results"].page]


def card_of(client, url: str, name: str) -> str:
    for card in CARD.findall(client.get(url).text):
        if f">{name}</a>" in card:
            return card
    raise AssertionError(f"no card for {name}")


@pytest.fixture
def leadership(db):
    return EnhancedLevelFactory(name="Leadership")


@pytest.fixture
def roastery(directory, categories, leadership):
    return BusinessFactory(
        name="Zephyr Roastery",
        summary="Single-origin <coffee> & cake.",
        member=MemberFactory(level=leadership),
        categories=[categories["cafes"], categories["bakeries"]],
        logo=logo_for("Zephyr Roastery"),
        city="Riverside",
    )


# -- result cards ------------------------------------------------------------------------------


def test_result_card_escapes_member_text_and_shows_the_logo(client, directory, roastery):
    shown = card_of(client, "/directory/", "Zephyr Roastery")
    assert "Single-origin &lt;coffee&gt; &amp; cake." in shown
    assert re.search(r'business-card__logo"><img [^>]*src="[^"]*/images/', shown)
    assert 'href="/directory/zephyr-roastery/"' in shown


def test_cards_follow_the_listing_its_logo_and_its_level(client, directory, roastery, leadership):
    url = "/directory/?q=zephyr"
    first_logo = re.search(r'<img [^>]*src="([^"]*)"', card_of(client, url, "Zephyr Roastery"))
    assert first_logo

    roastery.summary = "Now with a bakery."
    roastery.logo = logo_for("Zephyr Roastery Two")
    roastery.save()
    card = card_of(client, url, "Zephyr Roastery")
    assert "Now with a bakery." in card
    second_logo = re.search(r'<img [^>]*src="([^"]*)"', card)
    assert second_logo and second_logo.group(1) != first_logo.group(1)

    leadership.listing_logo = False
    leadership.save()
    assert "<img" not in card_of(client, url, "Zephyr Roastery")
    assert "<img" not in card_of(client, "/directory/", "Zephyr Roastery")

    roastery.name = "Zephyr Coffee Roasters"
    roastery.save()
    assert names(client, url) == ["Zephyr Coffee Roasters"]


# -- cached keyword matches --------------------------------------------------------------------


def test_a_lapsed_member_vanishes_at_once_from_cached_searches(client, directory, roastery):
    urls = ["/directory/?q=zephyr", "/directory/?q=zephyr&city=riverside&sort=name"]
    for url in urls:
        assert names(client, url) == ["Zephyr Roastery"]
        assert names(client, url) == ["Zephyr Roastery"]  # now from the cache

    member = roastery.member
    member.status = Member.Status.LAPSED
    member.paid_through = TODAY - 400 * DAY
    member.save()
    for url in urls:
        assert names(client, url) == [], url


def test_cached_matches_never_show_a_listing_that_is_no_longer_public(client, directory, roastery):
    """Even a change no signal reports (a raw UPDATE) can't bring a hidden listing back from
    the cache: the page reads its rows with the visibility rule again."""
    url = "/directory/?q=zephyr"
    assert names(client, url) == ["Zephyr Roastery"]
    Business.objects.filter(pk=roastery.pk).update(public_until=TODAY - DAY)
    assert names(client, url) == []
    Business.objects.filter(pk=roastery.pk).update(public_until=TODAY, live=False)
    assert names(client, url) == []


def test_cached_matches_follow_new_and_edited_listings(client, directory, categories):
    url = "/directory/?q=quay"
    assert names(client, url) == []
    BusinessFactory(name="Quay Bakery", categories=[categories["bakeries"]])
    assert names(client, url) == ["Quay Bakery"]
    plumber = BusinessFactory(name="Quay Plumbing", categories=[categories["plumbing"]])
    results = client.get(url + "&category=plumbing").context["results"]
    assert [business.name for business in results.page] == ["Quay Plumbing"]
    plumber.name = "Harbour Plumbing"
    plumber.save()
    assert names(client, url) == ["Quay Bakery"]
    assert names(client, "/directory/?q=harbour") == ["Harbour Plumbing"]


def test_a_broad_query_narrowed_to_a_town_ranks_that_town(
    client, directory, categories, monkeypatch
):
    monkeypatch.setattr(keywords, "SAMPLE_ROWS", 2)
    monkeypatch.setattr(keywords, "CANDIDATE_LIMIT", 2)
    for number, city in enumerate(["Riverside", "Riverside", "Millbrook"]):
        BusinessFactory(name=f"Anchor {number}", city=city, categories=[categories["food"]])
    first = client.get("/directory/?q=anchor").context["results"]
    assert first.capped
    riverside = client.get("/directory/?q=anchor&city=riverside").context["results"]
    assert not riverside.capped
    assert {business.city for business in riverside.page} == {"Riverside"}
    assert riverside.total == 2
    assert all(option.count is None for option in riverside.city_facets)


# -- today's facet table (PostgreSQL) and the in-process taxonomy ------------------------------


def test_facet_counts_follow_a_member_lapsing_and_the_date(client, directory, roastery):
    def bakery_count():
        results = client.get("/directory/?city=riverside").context["results"]
        counts = {o.value: o.count for f in results.category_facets for o in [f, *f.children]}
        return counts.get("bakeries", 0)

    assert bakery_count() == 1
    member = roastery.member
    member.paid_through = TODAY - 400 * DAY
    member.status = Member.Status.LAPSED
    member.save()
    assert bakery_count() == 0
    assert client.get("/directory/").context["results"].total == 0


def test_facet_table_is_read_once_until_something_changes(client, directory, roastery, monkeypatch):
    if not facets.uses_facet_summary():
        pytest.skip("the facet table is PostgreSQL's")
    calls = []
    build = facets._build_facet_table
    monkeypatch.setattr(
        facets, "_build_facet_table", lambda today: calls.append(today) or build(today)
    )
    for url in ("/directory/", "/directory/?city=riverside", "/directory/?category=cafes"):
        client.get(url)
    assert len(calls) == 1
    BusinessFactory(name="Another Cafe", member=MemberFactory(), city="Riverside")
    assert client.get("/directory/").context["results"].total == 2
    assert len(calls) == 2


def test_renamed_category_shows_at_once_and_a_cleared_cache_is_never_stale(
    client, directory, categories, roastery
):
    def facet_labels():
        results = client.get("/directory/").context["results"]
        return {o.label for f in results.category_facets for o in [f, *f.children]}

    assert "Cafes" in facet_labels()
    cafes = categories["cafes"]
    cafes.name = "Coffee Shops"
    cafes.save()
    assert "Coffee Shops" in facet_labels()
    # A cache restarted (or cleared) starts versions afresh: a version this process still
    # remembers can't come back and serve the old tree.
    remembered = caching.cache_version("taxonomy")
    cache.clear()
    assert caching.cache_version("taxonomy") != remembered
    type(cafes).objects.filter(pk=cafes.pk).update(name="Espresso Bars")  # no signal
    cache.clear()
    assert "Espresso Bars" in facet_labels()


def test_memoised_reads_are_rebuilt_after_a_bump(db):
    built = []

    def build():
        built.append(1)
        return {"n": len(built)}

    caching.forget_local()
    assert caching.cached("test-ns", "k", build) == {"n": 1}
    assert caching.cached("test-ns", "k", build) == {"n": 1}
    assert len(built) == 1
    caching.bump_cache_version("test-ns")
    assert caching.cached("test-ns", "k", build) == {"n": 2}
    caching.forget_local()  # another process: reads the shared cache, doesn't rebuild
    assert caching.cached("test-ns", "k", build) == {"n": 2}
    assert len(built) == 2


def test_levels_in_the_filter_follow_a_new_level(client, directory, roastery):
    assert "Patron" not in client.get("/directory/").text
    MembershipLevelFactory(name="Patron")
    assert "Patron" in client.get("/directory/").text


def test_a_transaction_changing_many_listings_queues_one_cache_drop_for_its_commit(
    directory, categories, django_capture_on_commit_callbacks
):
    before = caching.cache_version(FACETS)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        for number in range(5):
            BusinessFactory(name=f"Bulk {number}", categories=[categories["cafes"]])
        with transaction.atomic():  # a savepoint: the queued drop is outside it
            BusinessFactory(name="Bulk inner")
    drops = [callback for callback in callbacks if callback is drop_facets]
    assert len(drops) == 1
    assert caching.cache_version(FACETS) != before


def test_a_drop_queued_inside_a_rolled_back_savepoint_is_queued_again(
    directory, categories, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        try:
            with transaction.atomic():
                BusinessFactory(name="Rolled back")
                raise RuntimeError
        except RuntimeError:
            pass
        BusinessFactory(name="Kept")
    assert [callback for callback in callbacks if callback is drop_facets] == [drop_facets]
