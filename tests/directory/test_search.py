import pytest
from django.db import connection

from directory.search import keywords
from tests.factories import BusinessFactory

pytestmark = pytest.mark.django_db


def names(client, query: str, **params) -> list[str]:
    response = client.get("/directory/", {"q": query, **params})
    assert response.status_code == 200
    return [business.name for business in response.context["results"].page]


def test_partial_last_word_matches_as_the_user_types(client, listings):
    assert names(client, "bak") == ["Riverbend Bakery", "Millbrook Coffee House"]
    assert names(client, "riverbend bak") == ["Riverbend Bakery"]
    assert names(client, "plumbin") == ["Cedar Falls Plumbing"]


def test_words_in_keywords_summary_category_and_town_match(client, listings):
    assert names(client, "sourdough") == ["Riverbend Bakery"]
    assert names(client, "boilers") == ["Cedar Falls Plumbing"]
    assert names(client, "cafes") == ["Millbrook Coffee House"]
    assert set(names(client, "millbrook")) == {"Millbrook Coffee House"}


def test_every_word_must_match(client, listings):
    assert names(client, "coffee plumbing") == []


def test_an_exact_name_match_ranks_first(client, listings):
    BusinessFactory(
        name="Riverbend Bakery Outlet Warehouse",
        summary="Riverbend Bakery seconds: bakery bread, bakery cakes, bakery everything.",
        keywords="riverbend bakery, bakery, bakery outlet",
        member=listings["bakery"].member,
    )
    assert names(client, "Riverbend Bakery")[0] == "Riverbend Bakery"
    assert names(client, "riverbend bakery outlet warehouse")[0] == (
        "Riverbend Bakery Outlet Warehouse"
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="stemming needs PostgreSQL")
def test_plurals_find_the_singular_on_postgresql(client, listings):
    assert "Riverbend Bakery" in names(client, "bakeries")
    assert names(client, "bakery", city="millbrook") == ["Millbrook Coffee House"]  # "Bakeries"
    assert names(client, "pastry") == ["Riverbend Bakery"]


def test_search_respects_filters_and_visibility(client, listings):
    assert names(client, "bak", city="millbrook") == ["Millbrook Coffee House"]
    assert "Lapsed Bakery Outlet" not in names(client, "bakery")
    assert "Draft Bakery" not in names(client, "bakery")


def test_search_facets_count_only_the_matches(client, listings):
    response = client.get("/directory/", {"q": "bak"})
    cities = {option.value: option.count for option in response.context["results"].city_facets}
    assert cities == {"riverside": 1, "millbrook": 1}


def test_other_sorts_apply_to_search_results(client, listings):
    assert names(client, "bak", sort="name") == ["Millbrook Coffee House", "Riverbend Bakery"]


@pytest.mark.parametrize(
    "query", ['"', '">', "<script>", "a AND OR NOT", "bak*", "NEAR(a b)", "(", "'", "-", ":"]
)
def test_search_syntax_in_the_query_is_plain_text(client, listings, query):
    response = client.get("/directory/", {"q": query})
    assert response.status_code == 200


def test_punctuation_separates_words(client, listings):
    assert names(client, "riverbend-bakery") == ["Riverbend Bakery"]
    assert names(client, "<>") == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's tsquery")
@pytest.mark.parametrize(
    "query, searched",
    [
        ("plumb", "'plumb':*"),  # its own stem: searched once
        ("plumbing", "'plumb':* | 'plumbing':*"),  # stem and word as typed
        ("riverbend bakeries", "'riverbend' & ( 'bakeri':* | 'bakeries':* )"),
        ("riverbend bak", "'riverbend' & 'bak':*"),
    ],
)
def test_the_planner_sees_each_last_word_form_once(listings, query, searched):
    """The stemmed and as-typed forms of the last word are OR-ed only when they differ: the
    planner estimates an OR of two equal prefixes at twice their matches."""
    matches = keywords.matches(query).values_list("pk")
    sql, params = matches.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert f"@@ '{searched}'::tsquery" in plan.replace("''", "'"), plan
    assert ("CASE" in plan) is False
