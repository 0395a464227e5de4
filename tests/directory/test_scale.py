"""The directory's large-scale paths: the facet summary kept by PostgreSQL triggers, the
listing's copy of its search vector, and keyword searches too broad to count exactly."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from directory.filters import SORT_ORDERINGS
from directory.models import Business, FacetCount
from directory.search import keywords, sqlite
from membership.models import Member
from tests.directory.consistency import category_ids_out_of_step, rebuilt, summary
from tests.factories import BusinessFactory, CategoryFactory, MemberFactory

TODAY = timezone.localdate()
postgres_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="the facet summary is kept on PostgreSQL only"
)


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_facet_summary_stays_equal_to_a_rebuild_through_every_kind_of_change(categories):
    checks = []

    def check(step: str):
        kept = summary()
        checks.append(step)
        assert kept == rebuilt(), step

    member = MemberFactory()
    bakery = BusinessFactory(name="Crust", member=member, categories=[categories["bakeries"]])
    check("new listing with a category")
    # Two children of one parent: the parent counts the listing once.
    bakery.categories.set([categories["bakeries"], categories["cafes"]])
    bakery.save()
    check("second child of the same parent")
    assert FacetCount.objects.filter(kind="top", category_id=categories["food"].pk).get().n == 1
    bakery.categories.set([categories["cafes"], categories["plumbing"]])
    bakery.save()
    check("categories swapped")
    bakery.city = "Millbrook"
    bakery.save()
    check("moved town")
    other = BusinessFactory(name="Pipes", categories=[categories["plumbing"], categories["trades"]])
    check("listing in a parent and its child")
    other.live = False
    other.save()
    check("unpublished")
    member.status = Member.Status.LAPSED
    member.paid_through = TODAY - datetime.timedelta(days=400)
    member.save()  # copies the new date onto the listings with one bulk UPDATE
    check("member lapsed")
    member.paid_through = TODAY + datetime.timedelta(days=30)
    member.status = Member.Status.ACTIVE
    member.save()
    check("member renewed")
    spare = CategoryFactory(name="Spare")
    bakery.categories.add(spare)
    bakery.save()
    spare.parent = categories["food"]
    spare.save()
    check("category moved under a parent")
    bakery.delete()
    check("listing deleted")
    Business.objects.all().delete()
    check("all deleted")
    assert summary() == set()
    assert len(checks) == 11


def category_ids_of(business) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT category_ids FROM directory_business WHERE id = %s", [business.pk])
        return cursor.fetchone()[0]


@postgres_only
@pytest.mark.django_db
def test_listing_row_carries_its_category_ids_through_every_kind_of_change(categories):
    bakeries, cafes, plumbing = categories["bakeries"], categories["cafes"], categories["plumbing"]
    crust = BusinessFactory(name="Crust", categories=[bakeries])
    assert category_ids_of(crust) == [bakeries.pk]
    crust.categories.set([cafes, bakeries])
    crust.save()
    assert category_ids_of(crust) == sorted([bakeries.pk, cafes.pk])
    crust.categories.remove(bakeries)
    crust.save()
    assert category_ids_of(crust) == [cafes.pk]
    crust.categories.add(plumbing, bakeries)
    crust.save()
    assert category_ids_of(crust) == sorted([bakeries.pk, cafes.pk, plumbing.pk])
    pipes = BusinessFactory(name="Pipes", categories=[plumbing])
    # Plain SQL writes, outside the model: one statement touching several listings.
    Business.categories.through.objects.filter(category_id=plumbing.pk).delete()
    assert category_ids_of(crust) == sorted([bakeries.pk, cafes.pk])
    assert category_ids_of(pipes) == []
    Business.categories.through.objects.bulk_create(
        [
            Business.categories.through(business_id=crust.pk, category_id=plumbing.pk),
            Business.categories.through(business_id=pipes.pk, category_id=plumbing.pk),
        ]
    )
    assert category_ids_of(pipes) == [plumbing.pk]
    # Links written before their listing (the foreign keys are checked at commit): the
    # listing reads them as it is inserted, as generate_listings relies on.
    spare = CategoryFactory(name="Spare")
    early = BusinessFactory.build(name="Early", slug="early", member=MemberFactory())
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence('directory_business', 'id'))")
        early.pk = cursor.fetchone()[0]
    Business.categories.through.objects.create(business_id=early.pk, category_id=spare.pk)
    early.save()
    assert category_ids_of(early) == [spare.pk]
    spare_links = Business.categories.through.objects.filter(category=spare)
    spare_links.delete()
    spare.delete()
    assert category_ids_of(early) == []
    assert category_ids_out_of_step() == []
    # The filter reads the column: a parent category covers its children's listings.
    listed = Business.objects.publicly_listed()
    assert set(listed.in_categories(categories["food"].family_ids())) == {crust}
    assert set(listed.in_categories([plumbing.pk])) == {crust, pipes}


@postgres_only
@pytest.mark.django_db
def test_listing_carries_a_copy_of_its_search_vector(categories):
    business = BusinessFactory(name="Harbour Lights Chandlery", categories=[categories["food"]])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT b.search_document = (e.title || e.body || e.autocomplete) "
            "FROM directory_business b JOIN wagtailsearch_indexentry e "
            "ON e.object_id = b.id::varchar AND e.content_type_id = %s WHERE b.id = %s",
            [ContentType.objects.get_for_model(Business).pk, business.pk],
        )
        assert cursor.fetchone() == (True,)
    business.name = "Harbour Lights Ship Supplies"
    business.save()
    assert [b.pk for b in keywords.matches("ship")] == [business.pk]
    assert list(keywords.matches("chandlery")) == []


@pytest.fixture
def small_caps(monkeypatch):
    """Make "too broad to count" happen at 5 listings instead of thousands."""
    monkeypatch.setattr(keywords, "SAMPLE_ROWS", 4)
    monkeypatch.setattr(keywords, "CANDIDATE_LIMIT", 4)


def test_a_search_too_broad_to_count_ranks_a_bounded_set_and_says_so(
    client, directory, categories, small_caps
):
    for number in range(8):
        BusinessFactory(
            name=f"Harbour Supplies {number}",
            summary="Harbour chandlery and rope.",
            categories=[categories["plumbing"]],
        )
    exact = BusinessFactory(name="Harbour", categories=[categories["bakeries"]])

    response = client.get("/directory/", {"q": "harbour"})
    assert response.status_code == 200
    results = response.context["results"]
    assert results.capped
    assert results.total == 4
    names = [business.name for business in results.page]
    assert names[0] == exact.name  # an exact name is always among the ranked, and first
    assert len(names) == 4
    content = response.content.decode()
    assert "More than 4 businesses" in content
    assert "Add a word, a category or a town" in content
    # The facets offer every option but claim no counts.
    assert all(option.count is None for option in results.category_facets)
    assert {option.value for option in results.city_facets} == {"riverside"}
    assert all(option.count is None for option in results.city_facets)


def test_a_broad_search_in_a_town_ranks_that_towns_matches_not_just_the_samples(
    client, directory, categories, small_caps
):
    for number in range(8):
        BusinessFactory(name=f"Harbour Supplies {number}", categories=[categories["plumbing"]])
    in_town = {
        BusinessFactory(
            name=f"Harbour Cafe {number}", city="Millbrook", categories=[categories["cafes"]]
        ).name
        for number in range(3)
    }
    everywhere = client.get("/directory/", {"q": "harbour"}).context["results"]
    assert everywhere.capped  # ranked from the sample's listings alone
    # The sample read (listing, category) rows in no particular order: the town's listings
    # may lie outside it, so a town narrows the candidates with its own query.
    in_millbrook = client.get("/directory/", {"q": "harbour", "city": "millbrook"})
    results = in_millbrook.context["results"]
    assert {business.name for business in results.page} == in_town
    assert results.total == 3


def test_a_broad_search_ranks_the_samples_matches_when_it_holds_enough_of_them(
    client, directory, categories, small_caps, monkeypatch
):
    monkeypatch.setattr(keywords, "MIN_SAMPLE_CANDIDATES", 2)
    for number in range(8):
        BusinessFactory(name=f"Harbour Supplies {number}", categories=[categories["plumbing"]])
    results = client.get("/directory/", {"q": "harbour", "city": "riverside"}).context["results"]
    assert results.capped  # ranked from the sample's listings in the town, no second match
    assert 2 <= results.total <= 4
    assert all(business.city == "Riverside" for business in results.page)


def test_a_narrow_search_counts_facets_exactly_from_its_sample(
    client, directory, categories, small_caps
):
    BusinessFactory(name="Quay Bakery", categories=[categories["bakeries"]])
    BusinessFactory(name="Quay Plumbing", city="Millbrook", categories=[categories["plumbing"]])

    response = client.get("/directory/", {"q": "quay", "city": "riverside"})
    results = response.context["results"]
    assert not results.capped
    assert [business.name for business in results.page] == ["Quay Bakery"]
    counts = {option.value: option.count for option in results.category_facets}
    assert counts == {"food-drink": 1}
    assert {option.value: option.count for option in results.city_facets} == {
        "riverside": 1,
        "millbrook": 1,
    }


@pytest.mark.parametrize("query", ["harbour", "harb", "harbour rope"])
def test_ranking_from_the_sample_orders_as_the_ranking_query_does(
    client, directory, categories, query
):
    """The sample reads each match's relevance in the same pass (PostgreSQL), so the results
    need no second query to rank them: the order must be the one that query gives."""
    texts = [
        ("Harbour", "Rope and nets."),  # the exact name (for "harbour")
        ("Harbour Harbour Rope", "Harbour rope, harbour chandlery."),
        ("Quayside Rope", "Harbour rope."),
        ("Anchor Supplies", "Near the harbour; rope by the metre."),
        ("Harbourside Cafe", "Coffee with a view of the harbour, and rope."),
        ("Twin A", "Harbour rope."),  # ties on relevance: newest first
        ("Twin B", "Harbour rope."),
    ]
    for name, text in texts:
        BusinessFactory(name=name, summary=text, categories=[categories["plumbing"]])
    with CaptureQueriesContext(connection) as queries:
        results = client.get("/directory/", {"q": query}).context["results"]
    shown = [business.pk for business in results.page]
    assert len(shown) >= 3
    expected = list(keywords.ranked(query, shown).values_list("pk", flat=True))
    if connection.vendor != "postgresql":
        listed = Business.objects.publicly_listed()
        expected = list(sqlite.ranked_matches(listed, query).values_list("pk", flat=True))
    assert shown == expected
    if query == "harbour":
        assert next(iter(results.page)).name == "Harbour"
    if connection.vendor == "postgresql":
        assert not any("ts_rank" in query["sql"] and "ANY(" in query["sql"] for query in queries)


@postgres_only
def test_a_filter_page_picks_its_rows_from_the_listing_alone(client, directory, categories):
    """The query that picks a filter-only page's 20 listings reads nothing but the listing, so
    PostgreSQL can walk the town's featured-order index without visiting the table; what a
    card needs (the member's level, the logo) is joined when the 20 rows are read."""
    for number in range(3):
        BusinessFactory(name=f"Bakery {number}", categories=[categories["bakeries"]])
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/directory/", {"category": "bakeries", "city": "riverside"})
    assert len(response.context["results"].page) == 3
    (page_query,) = [q["sql"] for q in queries if "IN (SELECT" in q["sql"]]
    picking = page_query.split("IN (SELECT", 1)[1]
    assert "JOIN" not in picking
    assert "membership_member" in page_query.split("IN (SELECT", 1)[0]


@postgres_only
@pytest.mark.django_db
def test_every_sort_has_an_index_that_carries_category_and_standing():
    """Each sort, overall and within a town, is read in the order of an index (a page is then
    a walk of 20 entries, not a sort of every listing) that also holds the category ids and
    the standing, so filters are tested without visiting the table."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'directory_business'"
        )
        definitions = dict(cursor.fetchall())
    expected = {
        "directory_featured_order": "(is_featured DESC, name, id)",
        "directory_city_featured_order": "(city_slug, is_featured DESC, name, id)",
        "directory_name_order": "(name, id)",
        "directory_city_name_order": "(city_slug, name, id)",
        "directory_newest_order": "(created_at DESC, id DESC)",
        "directory_city_newest_order": "(city_slug, created_at DESC, id DESC)",
    }
    for name, keys in expected.items():
        definition = definitions[name]
        assert keys in definition, definition
        assert definition.endswith("INCLUDE (category_ids, public_until) WHERE live"), definition
    ordering_fields = {tuple(fields) for fields in SORT_ORDERINGS.values()}
    assert ordering_fields == {
        ("-is_featured", "name", "pk"),
        ("name", "pk"),
        ("-created_at", "-pk"),
    }
