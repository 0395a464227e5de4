"""Whatever query string a visitor (or a bot) sends, the directory answers without a 5xx.

The listings are built once per test function (Hypothesis runs every example inside one call),
so each example costs exactly one request. Each request runs in a savepoint, as a real request
runs in its own transaction: an example that breaks the connection's transaction (e.g. a
database error on PostgreSQL) fails on its own instead of poisoning the examples after it.
"""

import datetime
import re
from urllib.parse import urlencode

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from chamber.filters import MAX_QUERY_LENGTH
from membership.models import Member
from tests.factories import (
    BusinessFactory,
    CategoryFactory,
    EnhancedLevelFactory,
    MemberFactory,
    MembershipLevelFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PARAMETERS = ("q", "category", "city", "level", "sort", "page")
CATEGORY_SLUGS = ["food-drink", "bakeries", "cafes", "home-trades", "plumbing"]
CITY_SLUGS = ["riverside", "millbrook", "cedar-falls", "nowhere"]
LEVEL_SLUGS = ["community", "leadership"]
SORTS = ["relevance", "featured", "name", "newest"]
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

# Every run tries 300 query strings; CI's slow step (and `make test-slow`) tries 10,000.
FUZZ = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
DEEP_FUZZ = settings(FUZZ, max_examples=10_000)


@pytest.fixture
def town(site_tree, monkeypatch):
    """A few listings across categories, towns and levels: enough for every facet to show, and
    small pages so that pagination has several pages without rendering many cards."""
    monkeypatch.setattr("directory.selectors.PAGE_SIZE", 3)
    food = CategoryFactory(name="Food & Drink", slug="food-drink")
    trades = CategoryFactory(name="Home Trades", slug="home-trades")
    bakeries = CategoryFactory(name="Bakeries", slug="bakeries", parent=food)
    cafes = CategoryFactory(name="Cafes", slug="cafes", parent=food)
    plumbing = CategoryFactory(name="Plumbing", slug="plumbing", parent=trades)
    basic = MembershipLevelFactory(name="Community")
    enhanced = EnhancedLevelFactory(name="Leadership")
    member = MemberFactory(level=basic)
    for number, (city, categories) in enumerate(
        [
            ("Riverside", [bakeries]),
            ("Riverside", [bakeries, cafes]),
            ("Millbrook", [cafes]),
            ("Cedar Falls", [plumbing]),
            ("Cedar Falls", []),
        ]
        * 2
    ):
        BusinessFactory(name=f"Shop {number}", city=city, member=member, categories=categories)
    BusinessFactory(
        name="Riverbend Bakery",
        keywords="sourdough, cakes",
        member=MemberFactory(level=enhanced),
        categories=[bakeries],
        opening_hours="Mon-Sat 7am-3pm",
    )
    BusinessFactory(
        name="Lapsed Outlet",
        member=MemberFactory(
            level=basic,
            status=Member.Status.LAPSED,
            paid_through=TODAY - datetime.timedelta(days=90),
        ),
        categories=[bakeries],
    )


# -- strategies ------------------------------------------------------------------------------

any_text = st.text(max_size=300)  # every code point but surrogates: controls, RTL, emoji...
nasty_text = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "\x00" * 5,
        "\t\n\r",
        "\u202e\u200b\ufeff",
        "%",
        "%00",
        "_",
        "'",
        '"',
        "\\",
        "' OR 1=1 --",
        "<script>alert(1)</script>",
        "\u00dcnic\u00f6de \U0001d518 \U0001f35e",  # accents, maths letters, emoji
        "a" * 5_000,
        "\x00" + "b" * 300,
    ]
)
slugish = st.from_regex(r"[-a-zA-Z0-9_]{1,90}", fullmatch=True)


def choice_or_junk(valid: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(valid), slugish, any_text, nasty_text)


page_values = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.integers(min_value=-3, max_value=5).map(str),
    st.sampled_from(
        [
            "",
            "abc",
            "1e9",
            "1.5",
            "NaN",
            "inf",
            "-0",
            " 2 ",
            "\uff12",
            "\u0663",
            "9" * 5_000,
            "0x10",
        ]
    ),
    any_text,
)

VALUES = {
    "q": st.one_of(any_text, nasty_text, st.sampled_from(["sourdough", "bakery cakes", "shop"])),
    "category": choice_or_junk(CATEGORY_SLUGS),
    "city": choice_or_junk(CITY_SLUGS),
    "level": choice_or_junk(LEVEL_SLUGS),
    "sort": choice_or_junk(SORTS),
    "page": page_values,
}


@st.composite
def query_pairs(draw) -> list[tuple[str, str]]:
    """Some known parameters, each possibly repeated, plus a few unknown ones, in any order."""
    pairs = []
    for name in draw(st.lists(st.sampled_from(PARAMETERS), unique=True)):
        values = draw(st.lists(VALUES[name], min_size=1, max_size=3))
        pairs.extend((name, value) for value in values)
    pairs.extend(draw(st.lists(st.tuples(any_text, any_text), max_size=2)))
    return draw(st.permutations(pairs))


# Raw query strings, as a bot might send them: bad percent-escapes, invalid UTF-8, no `=`.
raw_query_strings = st.lists(
    st.sampled_from([*"%&=+;?#", *"0123456789abcdefABCDEFxyz", *PARAMETERS]), max_size=80
).map("".join)


@st.composite
def query_strings(draw) -> str:
    if draw(st.integers(min_value=0, max_value=9)) == 0:
        return draw(raw_query_strings)
    return urlencode(draw(query_pairs()))


def get(client, path: str, query: str):
    with transaction.atomic():
        return client.get(f"{path}?{query}" if query else path)


def check_directory_response(response, expected_status: int = 200):
    assert response.status_code == expected_status
    if expected_status == 200:
        results = response.context["results"]
        assert len(results.query) <= MAX_QUERY_LENGTH
        assert not CONTROL_CHARACTERS.search(results.query)
        assert 1 <= results.page.number <= results.page.paginator.num_pages


category_paths = st.one_of(
    st.sampled_from(CATEGORY_SLUGS).map(lambda slug: (f"/directory/category/{slug}/", 200)),
    # No category's slug starts with "no-".
    slugish.map(lambda slug: (f"/directory/category/no-{slug}/", 404)),
)
paths = st.one_of(st.just(("/directory/", 200)), category_paths)


# -- tests -----------------------------------------------------------------------------------


@FUZZ
@given(target=paths, query=query_strings())
@example(target=("/directory/", 200), query="q=%00&city=%00&category=%00&level=%00&sort=%00")
@example(target=("/directory/category/bakeries/", 200), query="category=%00&page=-1")
@example(target=("/directory/", 200), query="page=" + "9" * 5_000)
@example(target=("/directory/", 200), query="q=%ff%fe&city=%C0%80&level=%E2%82")
@example(target=("/directory/", 200), query="q=a%22b+NEAR(x+y)+*")
def test_directory_never_fails_on_any_query_string(client, town, target, query):
    path, status = target
    check_directory_response(get(client, path, query), status)


@pytest.mark.slow
@DEEP_FUZZ
@given(target=paths, query=query_strings())
def test_directory_never_fails_on_any_query_string_deep(client, town, target, query):
    path, status = target
    check_directory_response(get(client, path, query), status)
