"""/jobs/: keyword search (word starts and parts), filters with counts, sort, pagination, the
RSS feed; fuzzed parameters never fail; the queries per page don't grow with the jobs shown."""

import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobs.models import JobPosting
from jobs.views import PAGE_SIZE
from tests.factories import BusinessFactory, CategoryFactory, MemberFactory
from tests.jobs.conftest import DAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(job_factory, employer, levels, bakeries):
    """Five open jobs at two employers in two towns: Aspen Bakery (Food & Drink / Bakeries) in
    Riverside, Millbrook Motors (Home Trades / Plumbing) in Millbrook."""
    food = CategoryFactory(name="Food & Drink", slug="food-drink")
    bakeries.parent = food
    bakeries.save()
    trades = CategoryFactory(name="Home Trades", slug="home-trades")
    plumbing = CategoryFactory(name="Plumbing", slug="plumbing", parent=trades)
    garage = BusinessFactory(
        name="Millbrook Motors",
        city="Millbrook",
        member=MemberFactory(name="Millbrook Motors", level=levels["leadership"]),
        categories=[plumbing],
    )
    today = timezone.localdate()
    return {
        "baker": job_factory(
            title="Bread baker",
            employment_type="full_time",
            closes_on=today + 9 * DAY,
            salary_min=40000,
        ),
        "pastry": job_factory(
            title="Pastry assistant", employment_type="part_time", closes_on=today + 3 * DAY
        ),
        "intern": job_factory(
            title="Marketing intern",
            employment_type="internship",
            workplace_type="hybrid",
            posted_on=today,
        ),
        "mechanic": job_factory(
            business=garage,
            title="Mechanic",
            employment_type="temporary",
            town="Millbrook",
            closes_on=today + 20 * DAY,
            salary_min=25,
            salary_unit="hour",
        ),
        "remote": job_factory(
            business=garage,
            title="Bookkeeper",
            workplace_type="remote",
            town="",
            employment_type="contract",
        ),
    }


def titles(response) -> list[str]:
    return [card.title for card in response.context["cards"]]


def facet(response, name) -> dict[str, int]:
    return {option.value: option.count for option in response.context["facets"][name]}


def test_the_board_lists_open_jobs_newest_first(client, board):
    response = client.get("/jobs/")
    assert response.status_code == 200
    assert titles(response)[0] == "Marketing intern"  # posted today, the rest yesterday
    assert len(titles(response)) == 5


def test_closing_soon_sorts_by_closing_date(client, board):
    assert titles(client.get("/jobs/", {"sort": "closing"}))[:3] == [
        "Pastry assistant",
        "Bread baker",
        "Mechanic",
    ]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("brea", {"Bread baker"}),  # a word's start
        ("BREAD BAKER", {"Bread baker"}),
        ("bak", {"Bread baker", "Pastry assistant", "Marketing intern"}),  # Aspen Bakery's
        ("keep", {"Bookkeeper"}),  # inside a word
        ("millbrook", {"Mechanic", "Bookkeeper"}),  # the employer's name, the town
        ("pastry assist", {"Pastry assistant"}),  # every word
        ("pastry mechanic", set()),
    ],
)
def test_keyword_search(client, board, q, expected):
    assert set(titles(client.get("/jobs/", {"q": q}))) == expected


def test_the_description_is_searched_by_its_words_not_its_markup(client, job_factory):
    job_factory(title="Baker", description="<ul><li>Sourdough &amp; rye</li></ul>")
    assert titles(client.get("/jobs/", {"q": "sourdough & rye"})) == ["Baker"]
    assert titles(client.get("/jobs/", {"q": "li"})) == []


def test_filters_count_what_each_option_would_show(client, board):
    response = client.get("/jobs/", {"employment": "full_time"})
    assert titles(response) == ["Bread baker"]
    # A facet counts over the other filters: every employment type stays countable.
    assert facet(response, "employment") == {
        "full_time": 1,
        "part_time": 1,
        "contract": 1,
        "temporary": 1,
        "internship": 1,
    }
    assert facet(response, "workplace") == {"on_site": 1}
    assert facet(response, "town") == {"riverside": 1}
    assert facet(response, "salary") == {"on": 1}


def test_town_workplace_salary_and_category_filters(client, board):
    assert set(titles(client.get("/jobs/", {"town": "millbrook"}))) == {"Mechanic"}
    assert set(titles(client.get("/jobs/", {"workplace": "remote"}))) == {"Bookkeeper"}
    assert set(titles(client.get("/jobs/", {"salary": "on"}))) == {"Bread baker", "Mechanic"}
    response = client.get("/jobs/", {"category": "bakeries"})
    assert set(titles(response)) == {"Bread baker", "Pastry assistant", "Marketing intern"}
    assert set(titles(client.get("/jobs/", {"category": "home-trades"}))) == {
        "Mechanic",
        "Bookkeeper",
    }
    # A top category counts its sub-categories' jobs; categories with none are left out.
    assert facet(client.get("/jobs/"), "category") == {
        "food-drink": 3,
        "bakeries": 3,
        "home-trades": 2,
        "plumbing": 2,
    }


def test_an_unknown_filter_value_is_ignored_and_said(client, board):
    response = client.get("/jobs/", {"employment": "pirate", "sort": "random"})
    assert response.status_code == 200
    assert len(titles(response)) == 5
    assert set(response.context["ignored"]) == {"employment", "sort"}


def test_pages_of_twelve(client, job_factory):
    for number in range(PAGE_SIZE + 2):
        job_factory(title=f"Job {number:02}")
    first = client.get("/jobs/")
    assert len(titles(first)) == PAGE_SIZE
    assert len(titles(client.get("/jobs/", {"page": "2"}))) == 2
    assert client.get("/jobs/", {"page": "999"}).status_code == 200


def test_the_feed_lists_open_jobs(client, board):
    today = timezone.localdate()
    JobPosting.objects.filter(pk=board["pastry"].pk).update(closes_on=today - DAY)
    feed = client.get("/jobs/feed/").content
    channel = ET.fromstring(feed).find("channel")  # noqa: S314 - our own response
    items = [item.findtext("title") for item in channel.findall("item")]
    assert len(items) == 4
    assert "Bread baker — Aspen Bakery (Riverside)" in items
    assert not any("Pastry" in title for title in items)


def test_a_job_page_shows_the_business_card_and_its_other_jobs(client, board, employer):
    response = client.get(f"/jobs/{board['baker'].slug}/")
    assert [card.name for card in response.context["business_cards"]] == [employer.name]
    others = {card.title for card in response.context["other_jobs"]}
    assert others == {"Pastry assistant", "Marketing intern"}


def measure(client, path) -> int:
    client.get(path)  # warm the caches (chrome, routing, taxonomy)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.parametrize("path", ["/jobs/", "/jobs/?q=a&salary=on&sort=closing"])
def test_the_board_query_count_does_not_grow_with_the_jobs(client, job_factory, path):
    job_factory(title="Job a", salary_min=10)
    few = measure(client, path)
    for number in range(8):
        job_factory(title=f"Job a{number}", employment_type="contract", salary_min=10)
    assert measure(client, path) == few


def test_a_job_page_query_count_does_not_grow_with_other_jobs(client, job_factory):
    job = job_factory(title="Baker")
    job_factory(title="Other")
    few = measure(client, f"/jobs/{job.slug}/")
    for number in range(4):
        job_factory(title=f"Other {number}")
    assert measure(client, f"/jobs/{job.slug}/") == few


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.dictionaries(
        st.sampled_from(
            ["q", "employment", "workplace", "town", "category", "salary", "sort", "page", "x"]
        ),
        st.text(max_size=300),
        max_size=6,
    )
)
def test_fuzzed_query_strings_never_fail(client, jobs_index, params):
    assert client.get("/jobs/", params).status_code == 200
