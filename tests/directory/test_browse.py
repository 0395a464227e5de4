"""Browsing the directory (#22): the A-Z index, the category tree with counts, and the
phone-first directory page's "Filters (n)" count, facet parts and "Featured" label."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from directory.caches import drop_facets
from tests.factories import BusinessFactory, MemberFactory

pytestmark = pytest.mark.django_db


def count_queries(client, url: str) -> tuple[int, int]:
    """Queries for `url` just after a listing changed (the directory's caches dropped, the
    site's routing and chrome still cached), then warm."""
    assert client.get(url).status_code == 200
    drop_facets()
    with CaptureQueriesContext(connection) as cold:
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as warm:
        assert client.get(url).status_code == 200
    return len(cold), len(warm)


def letter_counts(response) -> dict[str, int]:
    return {letter.key: letter.count for letter in response.context["letters"]}


def entry_names(response) -> list[str]:
    return [entry.name for entry in response.context["entries"]]


def lapse(business) -> None:
    member = business.member
    member.status = member.Status.LAPSED
    member.paid_through = timezone.localdate() - datetime.timedelta(days=90)
    member.save()


# -- A-Z ----------------------------------------------------------------------------------------


def test_a_z_counts_only_public_listings(client, listings):
    response = client.get("/directory/a-z/")
    assert response.status_code == 200
    counts = letter_counts(response)
    assert (counts["r"], counts["m"], counts["c"]) == (1, 1, 1)
    assert counts["l"] == 0  # Lapsed Bakery Outlet: its member is past the grace period
    assert counts["d"] == 0  # Draft Bakery: never published
    assert sum(counts.values()) == 3
    html = response.text
    assert 'href="/directory/a-z/r/"' in html
    assert 'href="/directory/a-z/l/"' not in html  # a letter without listings is no link
    assert 'href="/directory/categories/"' in html


def test_a_letter_lists_its_public_listings_by_name(client, listings):
    BusinessFactory(name="riverboat tours", city="Millbrook")  # a lower-case initial too
    response = client.get("/directory/a-z/r/")
    assert entry_names(response) == ["Riverbend Bakery", "riverboat tours"]
    assert 'href="/directory/riverbend-bakery/"' in response.text
    assert 'aria-current="page">R</a>' in response.text
    assert entry_names(client.get("/directory/a-z/l/")) == []
    assert entry_names(client.get("/directory/a-z/d/")) == []


def test_digits_symbols_and_accents_file_where_a_reader_looks(client, directory):
    BusinessFactory(name="7 Seas Diner")
    BusinessFactory(name="“Quoted” Books")
    BusinessFactory(name="Élan Salon")
    counts = letter_counts(client.get("/directory/a-z/"))
    assert counts["other"] == 2
    assert counts["e"] == 1
    response = client.get("/directory/a-z/other/")
    assert entry_names(response) == ["7 Seas Diner", "“Quoted” Books"]
    assert ">#<" in response.text
    assert entry_names(client.get("/directory/a-z/e/")) == ["Élan Salon"]


@pytest.mark.parametrize(
    "path", ["zz", "ab", "%C3%A9", "1", "other2", "-", "%00", "a%20b", "null", "a-z"]
)
def test_an_unknown_letter_is_not_found(client, listings, path):
    assert client.get(f"/directory/a-z/{path}/").status_code == 404


def test_a_capital_letter_redirects_to_the_page(client, listings):
    response = client.get("/directory/a-z/R/")
    assert response.status_code == 301
    assert response["Location"] == "/directory/a-z/r/"


def test_a_letter_is_paged_and_a_bad_page_number_shows_a_page(client, directory, monkeypatch):
    from directory import browse

    monkeypatch.setattr(browse, "LETTER_PAGE_SIZE", 2)
    monkeypatch.setattr("directory.views.LETTER_PAGE_SIZE", 2)
    for name in ("Bay 1", "Bay 2", "Bay 3"):
        BusinessFactory(name=name)
    assert entry_names(client.get("/directory/a-z/b/")) == ["Bay 1", "Bay 2"]
    second = client.get("/directory/a-z/b/?page=2")
    assert entry_names(second) == ["Bay 3"]
    assert "page 2 of 2" in second.text
    assert entry_names(client.get("/directory/a-z/b/?page=99")) == ["Bay 3"]
    assert entry_names(client.get("/directory/a-z/b/?page=x")) == ["Bay 1", "Bay 2"]


def test_the_index_follows_listing_changes_at_once(client, listings):
    assert letter_counts(client.get("/directory/a-z/"))["r"] == 1
    assert entry_names(client.get("/directory/a-z/r/")) == ["Riverbend Bakery"]
    lapse(listings["bakery"])
    assert letter_counts(client.get("/directory/a-z/"))["r"] == 0
    assert entry_names(client.get("/directory/a-z/r/")) == []
    cafe = listings["cafe"]
    cafe.name = "Riverside Coffee House"
    cafe.save()
    assert entry_names(client.get("/directory/a-z/r/")) == ["Riverside Coffee House"]
    assert letter_counts(client.get("/directory/a-z/"))["m"] == 0


def test_a_z_pages_cost_one_query_per_part_cold_and_none_warm(client, listings):
    for number in range(30):
        BusinessFactory(name=f"Bay {number}")
    assert count_queries(client, "/directory/a-z/") == (1, 0)
    assert count_queries(client, "/directory/a-z/b/") == (2, 0)


def test_a_business_cannot_take_a_browse_address(directory):
    assert BusinessFactory(name="A-Z").slug != "a-z"
    assert BusinessFactory(name="Categories").slug != "categories"


# -- categories ---------------------------------------------------------------------------------


def tree_counts(response) -> dict[str, int]:
    return {
        option.value: option.count
        for root in response.context["tree"]
        for option in (root, *root.children)
    }


def test_categories_page_counts_public_listings_in_the_tree(client, listings):
    response = client.get("/directory/categories/")
    assert response.status_code == 200
    # The cafe is in Bakeries and Cafes: Food & Drink counts it once. Lapsed and draft
    # bakeries are not counted.
    assert tree_counts(response) == {
        "food-drink": 2,
        "bakeries": 2,
        "cafes": 1,
        "home-trades": 1,
        "plumbing": 1,
    }
    html = response.text
    assert 'href="/directory/category/bakeries/"' in html
    # Sub-categories sit in a list inside their parent's item.
    food = html.split('href="/directory/category/food-drink/"', 1)[1].split("</li>\n", 1)[0]
    assert "/directory/category/bakeries/" in food
    assert "/directory/category/plumbing/" not in food


def test_categories_page_drops_a_category_whose_listings_lapse(client, listings):
    lapse(listings["plumber"])
    counts = tree_counts(client.get("/directory/categories/"))
    assert "plumbing" not in counts
    assert "home-trades" not in counts


def test_categories_page_costs_one_query_cold_and_none_warm(client, listings):
    cold, warm = count_queries(client, "/directory/categories/")
    assert warm == 0
    assert cold == 1


def test_sitemap_lists_the_browse_pages(client, listings):
    assert "/sitemap-browse.xml" in client.get("/sitemap.xml").text
    xml = client.get("/sitemap-browse.xml").text
    locations = re.findall(r"<loc>http://testserver(.*?)</loc>", xml)
    assert locations == [
        "/directory/a-z/",
        "/directory/a-z/c/",
        "/directory/a-z/m/",
        "/directory/a-z/r/",
        "/directory/categories/",
    ]


# -- the directory page -------------------------------------------------------------------------


def filters_label(response) -> str:
    return re.search(r'<summary class="filters-panel__toggle">(.*?)</summary>', response.text)[1]


def test_filters_button_counts_the_filters_applied(client, listings, levels):
    assert filters_label(client.get("/directory/")) == "Filters (0)"
    assert filters_label(client.get("/directory/?q=bakery&sort=name")) == "Filters (0)"
    assert filters_label(client.get("/directory/?category=bakeries")) == "Filters (1)"
    assert (
        filters_label(client.get("/directory/?category=bakeries&city=riverside&level=leadership"))
        == "Filters (3)"
    )
    # An unknown value is ignored, so not counted.
    assert filters_label(client.get("/directory/?category=nope&level=nope")) == "Filters (0)"
    assert filters_label(client.get("/directory/category/food-drink/")) == "Filters (1)"


def test_directory_links_to_the_browse_pages(client, listings):
    html = client.get("/directory/").text
    assert 'href="/directory/a-z/"' in html
    assert 'href="/directory/categories/"' in html


def test_sub_categories_are_offered_once_under_their_parent(client, listings):
    html = client.get("/directory/").text
    top, more = html.split('class="facet-more"', 1)
    assert 'id="category-food-drink"' in top
    assert 'id="category-bakeries"' not in top  # behind "Show all categories"
    assert more.count('id="category-bakeries"') == 1
    assert '<span class="filters__group-label">Food &amp; Drink</span>' in more
    # The chosen branch shows its sub-categories indented under the parent, up top.
    html = client.get("/directory/?category=bakeries").text
    top = html.split('class="facet-more"', 1)[0]
    branch = top.split('id="category-food-drink"', 1)[1].split('id="category-home-trades"')[0]
    assert '<ul class="filters__children">' in branch
    assert 'id="category-bakeries" checked' in branch
    assert html.count('id="category-bakeries"') == 1


def test_featured_label_only_for_levels_with_featured_placement(client, listings):
    html = client.get("/directory/").text
    cards = {
        name: card
        for card in html.split('<article class="card business-card')[1:]
        for name in re.findall(r'<h3 class="card__title"><a href="[^"]+">([^<]+)</a>', card)
    }
    assert "Featured member" in cards["Riverbend Bakery"]  # Leadership: featured placement
    assert "Featured member" not in cards["Millbrook Coffee House"]  # Community
    assert "Featured member" not in cards["Cedar Falls Plumbing"]
    level = listings["bakery"].member.level
    level.featured_placement = False
    level.save()
    assert "Featured member" not in client.get("/directory/").text
    promoted = MemberFactory(level=listings["cafe"].member.level)
    BusinessFactory(name="Basic Listing", member=promoted)
    assert "Featured member" not in client.get("/directory/").text
