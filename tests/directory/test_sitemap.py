import pytest

pytestmark = pytest.mark.django_db


def test_sitemap_index_lists_pages_and_listings(client, listings):
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    assert "/sitemap-pages.xml" in index.text
    assert "/sitemap-listings.xml" in index.text


def test_listing_sitemap_has_public_listings_only(client, listings):
    xml = client.get("/sitemap-listings.xml").text
    assert "<loc>http://testserver/directory/riverbend-bakery/</loc>" in xml
    assert "/directory/cedar-falls-plumbing/" in xml
    assert "lapsed-bakery-outlet" not in xml
    assert "draft-bakery" not in xml


def test_lapsing_a_member_drops_its_listing_from_the_sitemap_at_once(client, listings):
    import datetime

    from django.utils import timezone

    member = listings["bakery"].member
    member.status = member.Status.LAPSED
    member.paid_through = timezone.localdate() - datetime.timedelta(days=60)
    member.save()
    assert "riverbend-bakery" not in client.get("/sitemap-listings.xml").text
    assert "/directory/" in client.get("/sitemap-pages.xml").text
