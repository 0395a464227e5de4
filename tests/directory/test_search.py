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


def test_plurals_find_the_singular_on_every_database(client, listings):
    assert "Riverbend Bakery" in names(client, "bakeries")
    assert names(client, "bakery", city="millbrook") == ["Millbrook Coffee House"]  # "Bakeries"
    assert names(client, "pastry") == ["Riverbend Bakery"]


def test_every_word_form_finds_the_category_on_every_database(client, listings):
    """Stemmed on SQLite too (FTS5's porter tokenizer): "bakery" finds the Bakeries category's
    listings, not only the one that says "bakery"."""
    assert set(names(client, "bakery")) == {"Riverbend Bakery", "Millbrook Coffee House"}
    assert names(client, "plumbings") == ["Cedar Falls Plumbing"]
    assert names(client, "millbrook bakeries") == ["Millbrook Coffee House"]


def test_a_category_synonym_finds_its_listings(client, listings, categories):
    assert names(client, "plumber") == []
    categories["plumbing"].synonyms = "plumber, plumbers"
    categories["plumbing"].save()  # re-indexes the category's listings
    assert names(client, "plumber") == ["Cedar Falls Plumbing"]
    assert names(client, "plumbers") == ["Cedar Falls Plumbing"]


def test_a_typo_suggests_the_corrected_search_and_the_nearest_category(client, listings):
    response = client.get("/directory/", {"q": "riverbend bakry", "city": "riverside"})
    assert response.context["results"].total == 0
    html = response.content.decode()
    assert (
        'Did you mean <a href="?q=riverbend+bakery&amp;city=riverside">riverbend bakery</a>?'
        in (html)
    )
    assert '/directory/category/bakeries/">Bakeries</a>' in html
    assert names(client, "riverbend bakery", city="riverside") == ["Riverbend Bakery"]


def test_an_empty_search_suggests_the_nearest_town(client, listings):
    html = client.get("/directory/", {"q": "milbrok"}).content.decode()
    assert 'Did you mean <a href="?q=millbrook">millbrook</a>?' in html
    assert '<a href="/directory/?city=millbrook">businesses in Millbrook</a>' in html


def test_nothing_near_suggests_nothing(client, listings):
    response = client.get("/directory/", {"q": "xylophone"})
    assert response.context["results"].suggestion is None
    assert "Did you mean" not in response.content.decode()


def test_a_broad_search_ranks_every_match_not_the_oldest(client, listings, categories, monkeypatch):
    """More matches than the sample holds: the sample is the best-ranked of all of them, not
    the first in storage order, so the newest listing shows when it is the best match."""
    for number in range(12):
        BusinessFactory(name=f"Rope Store {number}", summary="Harbour rope.")
    newest = BusinessFactory(name="Harbour Harbour", summary="Harbour rope at the harbour.")
    monkeypatch.setattr(keywords, "SAMPLE_ROWS", 4)
    monkeypatch.setattr(keywords, "MIN_SAMPLE_CANDIDATES", 2)
    results = client.get("/directory/", {"q": "harbour"}).context["results"]
    assert results.capped
    assert next(iter(results.page)).name == "Harbour Harbour"
    sample = keywords.read_sample(keywords.matches("harbour"), "harbour")
    assert newest.pk in {row[0] for row in sample.rows}
    # Narrowed to a town, the candidates are read again, also best first.
    assert names(client, "harbour", city=newest.city_slug)[0] == "Harbour Harbour"


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
