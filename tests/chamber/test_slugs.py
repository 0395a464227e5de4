"""chamber.slugs.unique_slug: a listing's or a deal's slug, set once from its name."""

import pytest

from deals.models import Deal
from tests.factories import BusinessFactory

pytestmark = pytest.mark.django_db


def test_a_name_taken_gets_the_next_number():
    assert [BusinessFactory(name="Riverbend Bakery").slug for _ in range(3)] == [
        "riverbend-bakery",
        "riverbend-bakery-2",
        "riverbend-bakery-3",
    ]


def test_a_route_name_is_never_a_slug_and_an_empty_name_gets_the_fallback():
    assert BusinessFactory(name="Category").slug == "category-business"  # /directory/category/
    assert BusinessFactory(name="!!!").slug == "listing"
    business = BusinessFactory()
    assert Deal.objects.create(business=business, title="Feed", summary="x").slug == "feed-deal"
    assert Deal.objects.create(business=business, title="???", summary="x").slug == "deal"


def test_the_slug_is_kept_when_the_name_changes():
    business = BusinessFactory(name="Old Name")
    business.name = "New Name"
    business.save()
    business.refresh_from_db()
    assert business.slug == "old-name"
