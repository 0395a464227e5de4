"""Routing from the cache (chamber/routing.py): the same answers as Wagtail's own routing, and
every change to pages, restrictions or sites seen at once."""

import itertools

import pytest
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.models.sites import get_site_for_hostname

from chamber.routing import cached_sites, pick_site
from home.models import StandardPage
from tests.factories import MemberContactFactory

pytestmark = pytest.mark.django_db


def add_page(parent, slug: str, title: str = "") -> StandardPage:
    page = StandardPage(title=title or slug.title(), slug=slug, intro=f"{slug} intro")
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


@pytest.fixture
def about(site_tree, client):
    page = add_page(site_tree.home, "about", "About the chamber")
    assert client.get("/about/").status_code == 200  # the routing caches are now warm
    return page


def wagtails_choice(hostname: str, port) -> Site | None:
    try:
        return get_site_for_hostname(hostname, port)
    except Site.DoesNotExist:
        return None


def test_the_site_is_the_one_wagtail_would_choose_for_every_host_and_port(site_tree):
    other_root = add_page(site_tree.home, "other-root")
    Site.objects.create(hostname="shop.example", port=80, root_page=other_root)
    Site.objects.create(hostname="shop.example", port=8080, root_page=other_root)
    Site.objects.create(hostname="events.example", port=443, root_page=other_root)
    hostnames = ["localhost", "shop.example", "events.example", "unknown.example"]
    ports = [80, "80", 443, 8080, 8000]
    for defaults in (True, False):  # with and without a default site
        Site.objects.filter(pk=site_tree.site.pk).update(is_default_site=defaults)
        sites = list(Site.objects.all())
        for hostname, port in itertools.product(hostnames, ports):
            expected = wagtails_choice(hostname, port)
            chosen = pick_site(sites, hostname, port)
            assert getattr(chosen, "pk", None) == getattr(expected, "pk", None), (hostname, port)


def test_a_warm_page_needs_no_routing_queries(client, about, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get("/about/").status_code == 200


def test_new_moved_renamed_and_unpublished_pages_are_routed_at_once(client, site_tree, about):
    add_page(site_tree.home, "gatherings")
    assert client.get("/gatherings/").status_code == 200
    about.slug = "who-we-are"
    about.save_revision().publish()
    assert client.get("/about/").status_code == 404
    assert client.get("/who-we-are/").status_code == 200
    about.refresh_from_db()
    StandardPage.objects.get(slug="gatherings").move(about, pos="last-child")
    assert client.get("/who-we-are/gatherings/").status_code == 200
    moved = client.get("/gatherings/")  # Wagtail's automatic redirect from the old address
    assert (moved.status_code, moved["Location"]) == (301, "/who-we-are/gatherings/")
    about.unpublish()
    assert client.get("/who-we-are/").status_code == 404
    about.delete()
    assert client.get("/who-we-are/gatherings/").status_code == 404


def test_a_restriction_added_to_a_warm_page_or_its_section_applies_at_once(
    client, site_tree, about
):
    team = add_page(about, "team")
    assert client.get("/about/team/").status_code == 200
    restriction = PageViewRestriction.objects.create(
        page=about, restriction_type=PageViewRestriction.LOGIN
    )
    for url in ("/about/", "/about/team/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/login/" in response["Location"]
    client.force_login(MemberContactFactory().user)  # a member in good standing
    assert client.get("/about/team/").status_code == 200
    client.logout()
    restriction.delete()
    assert client.get("/about/team/").status_code == 200
    PageViewRestriction.objects.create(
        page=team, restriction_type=PageViewRestriction.PASSWORD, password="board"
    )
    assert client.get("/about/").status_code == 200
    assert "password" in client.get("/about/team/").text.lower()


def test_an_alias_of_a_restricted_page_is_restricted_like_its_source(client, site_tree, about):
    PageViewRestriction.objects.create(page=about, restriction_type=PageViewRestriction.LOGIN)
    alias = about.create_alias(parent=site_tree.home, update_slug="about-us")
    assert alias.alias_of_id == about.pk
    assert client.get("/about-us/").status_code == 302


def test_a_changed_site_is_used_at_once(client, site_tree, about, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "shop.example", "store.example"]
    shop_root = add_page(site_tree.home, "shop-home", "Shop home")
    add_page(shop_root, "opening-hours")
    shop = Site.objects.create(hostname="shop.example", port=80, root_page=shop_root)
    assert client.get("/opening-hours/", headers={"host": "shop.example"}).status_code == 200
    assert client.get("/opening-hours/").status_code == 404  # the default site
    shop.hostname = "store.example"
    shop.save()
    assert client.get("/opening-hours/", headers={"host": "store.example"}).status_code == 200
    # shop.example now falls back to the default site, which has no such page.
    assert client.get("/opening-hours/", headers={"host": "shop.example"}).status_code == 404
    shop.delete()
    assert client.get("/opening-hours/", headers={"host": "store.example"}).status_code == 404


def test_cached_objects_are_fresh_copies_for_each_request(site_tree):
    first, second = cached_sites(), cached_sites()
    assert [site.pk for site in first] == [site.pk for site in second]
    assert first[0] is not second[0]
    assert first[0].root_page.specific is not second[0].root_page.specific
    assert isinstance(first[0].root_page.specific, Page)
