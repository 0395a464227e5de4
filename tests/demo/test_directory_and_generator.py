"""The demo directory (`setup_site --demo`) and the benchmark generator (`generate_listings`)."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils.text import slugify
from wagtail.images.models import Image
from wagtail.models import Revision
from wagtail.search.backends import get_search_backend

from demo.directory import demo_roster
from demo.management.commands.generate_listings import (
    COMMON_TERM,
    RARE_TERM,
    index_entry_model,
    search_indexes_for,
)
from directory.models import Business, Category
from membership.models import Member, MembershipLevel
from tests.directory.consistency import category_ids_out_of_step, rebuilt, summary

pytestmark = pytest.mark.django_db

# The valley the demo towns lie in (around 44.9°N, 123.0°W).
LATITUDES = (Decimal("44.6"), Decimal("45.3"))
LONGITUDES = (Decimal("-123.5"), Decimal("-122.5"))


def search(query: str, queryset=None):
    return list(get_search_backend().search(query, queryset or Business.objects.all()))


def index_entries(model):
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(model)
    return index_entry_model().objects.filter(content_type=content_type)


def snapshot() -> dict[str, int]:
    return {
        "levels": MembershipLevel.objects.count(),
        "members": Member.objects.count(),
        "categories": Category.objects.count(),
        "listings": Business.objects.count(),
        "listing categories": Business.categories.through.objects.count(),
        "revisions": Revision.objects.count(),
        "images": Image.objects.count(),
        "index entries": index_entries(Business).count(),
    }


def generate(*args: str) -> str:
    out = io.StringIO()
    call_command("generate_listings", *args, stdout=out)
    return out.getvalue()


def test_demo_roster_is_the_same_on_every_run():
    first, second = demo_roster(grace_days=30), demo_roster(grace_days=30)
    assert [listing.data for listing in first] == [listing.data for listing in second]
    assert len({listing.slug for listing in first}) == len(first) >= 200


def test_generate_listings_creates_listings_with_categories_and_search_entries():
    output = generate("--count", "300", "--seed", "7", "--batch-size", "120")
    listings = Business.objects.select_related("member__level")
    assert listings.count() == 300
    assert 150 < Member.objects.count() < 300
    assert not listings.filter(categories=None).exists()
    assert index_entries(Business).count() == 300
    assert index_entries(Member).count() == Member.objects.count()
    assert 270 <= listings.filter(live=True).count() < 300
    for business in listings:
        # What Business.save() would have derived.
        assert business.public_until == business.member.good_standing_until
        assert business.is_featured == business.member.level.featured_placement
        assert business.city_slug == slugify(business.city)
        assert business.slug.startswith(slugify(business.name))
    assert f'Common search term: "{COMMON_TERM}"' in output
    assert f'Rare search term: "{RARE_TERM}" (in 5 listings)' in output

    common = search(COMMON_TERM)
    assert 30 <= len(common) <= 90  # about 20% of 300
    assert len(search(RARE_TERM)) == 5
    assert Business.objects.publicly_listed().count() < 300
    if connection.vendor == "postgresql":  # the listing rows' copies, written by triggers
        assert category_ids_out_of_step() == []
        assert summary() == rebuilt()


def fingerprint(listings) -> list[tuple]:
    return [
        (
            business.name,
            business.city,
            business.summary,
            business.description,
            business.keywords,
            business.phone,
            business.latitude,
            business.live,
            business.member.status,
            business.member.level_id,
            tuple(sorted(category.slug for category in business.categories.all())),
        )
        for business in listings
    ]


def test_generate_listings_is_deterministic_for_a_seed():
    generate("--count", "40", "--seed", "11")
    generate("--count", "40", "--seed", "11")
    generate("--count", "40", "--seed", "12")
    listings = list(
        Business.objects.order_by("pk").select_related("member").prefetch_related("categories")
    )
    first, again, other_seed = listings[:40], listings[40:80], listings[80:]
    assert fingerprint(first) == fingerprint(again)
    assert fingerprint(first) != fingerprint(other_seed)
    assert len({business.slug for business in listings}) == 120


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the fast index path is PostgreSQL's")
def test_generated_index_entries_equal_what_the_search_backend_writes():
    generate("--count", "60", "--seed", "3")
    columns = ("object_id", "title", "autocomplete", "body", "title_text", "body_text")

    def entries(model):
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {', '.join(f'{c}::text' for c in columns)} FROM "  # noqa: S608
                f"{index_entry_model()._meta.db_table} WHERE content_type_id = %s "
                "ORDER BY object_id",
                [index_entries(model).values_list("content_type_id", flat=True).first()],
            )
            return cursor.fetchall()

    generated = {model: entries(model) for model in (Business, Member)}
    with search_indexes_for(Business, Member) as indexes:
        for model, objects in (
            (Business, Business.objects.prefetch_related("categories")),
            (Member, Member.objects.all()),
        ):
            for index in indexes[model]:
                index.add_items(model, list(objects))  # the backend's own way
    for model, rows in generated.items():
        assert len(rows) == model.objects.count()
        assert entries(model) == rows
