"""Meta description, OpenGraph and X card tags on every page; robots.txt."""

import datetime
import xml.etree.ElementTree as ET
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.images.models import SourceImageIOError
from wagtail.models import Site

from chamber.models import ChamberSettings
from chamber.selectors import site_chrome
from chamber.templatetags.chamber_tags import SOCIAL_IMAGE_SPEC, social_image, x_handle
from demo.images import draw_logo, draw_skyline, get_or_create_image
from home.models import HomePage
from tests.chamber.helpers import head_of, meta

pytestmark = pytest.mark.django_db


def hero_image():
    return get_or_create_image(
        title="Main Street", filename="main-street.png", draw=lambda: draw_skyline()
    )


def chamber_settings(site: Site) -> ChamberSettings:
    return ChamberSettings.for_site(site)


# The bare site: one home page, tags checked one behaviour at a time.


def test_editor_typed_markup_is_escaped(client, site_tree):
    home = HomePage.objects.get()
    title = '</title><script>alert("title")</script>'
    description = '"><script>alert("description")</script>'
    home.seo_title, home.search_description = title, description
    home.save_revision().publish()

    response = client.get("/")
    assert b"<script>alert" not in response.content
    head = head_of(response)
    # The parser un-escapes attribute values: what crawlers read is exactly what was typed.
    assert meta(head, "og:title") == meta(head, "twitter:title") == title
    assert meta(head, "description") == meta(head, "og:description") == description


def test_site_without_a_logo_or_image_gets_a_small_card_and_no_image(client, site_tree):
    head = head_of(client.get("/"))
    assert meta(head, "og:image") is None
    assert meta(head, "twitter:image") is None
    assert meta(head, "twitter:card") == "summary"
    # The home page without an SEO title is shared under the chamber's name, not "Home".
    assert meta(head, "og:title") == chamber_settings(Site.objects.get()).name


def test_x_profile_in_the_settings_becomes_twitter_site(client, site_tree):
    settings = chamber_settings(Site.objects.get())
    settings.x_url = "https://x.com/RiversideCoC"
    settings.save()
    assert meta(head_of(client.get("/")), "twitter:site") == "@RiversideCoC"

    settings.x_url = "https://mastodon.example/@riverside"
    settings.save()
    assert meta(head_of(client.get("/")), "twitter:site") is None


@pytest.mark.parametrize(
    ("url", "handle"),
    [
        ("https://x.com/RiversideCoC", "@RiversideCoC"),
        ("https://twitter.com/riverside_coc/", "@riverside_coc"),
        ("https://www.x.com/@riverside?lang=en", "@riverside"),
        ("https://mobile.twitter.com/riverside/status/1", "@riverside"),
        ("https://x.com/", ""),
        ("https://x.com/home", ""),
        ("https://x.com/not-a-handle", ""),
        ("https://notx.com/riverside", ""),
        ("https://x.com.evil.example/riverside", ""),
        ("", ""),
    ],
)
def test_x_handle(url, handle):
    assert x_handle(url) == handle


def render_social_meta(page, request, chrome=None) -> str:
    template = Template("{% load chamber_tags %}{% social_meta page %}")
    chrome = chrome or site_chrome(request)
    return template.render(Context({"page": page, "request": request, "chrome": chrome}))


def test_news_like_pages_are_articles_with_a_publication_date(site_tree):
    request = RequestFactory().get("/")
    home = HomePage.objects.get()
    home.date = datetime.date(2025, 3, 14)
    head = BeautifulSoup(render_social_meta(home, request), "html.parser")
    assert meta(head, "og:type") == "article"
    assert meta(head, "article:published_time") == "2025-03-14"


def test_image_urls_from_remote_storage_are_kept_and_local_ones_go_on_the_site_url(settings):
    settings.SITE_URL = "https://chamber.example.org"
    rendition = SimpleNamespace(
        url="https://media.example-cdn.org/images/hero.fill-1200x630.jpg",
        width=1200,
        height=630,
        alt="Main Street",
    )
    image = SimpleNamespace(pk=1, get_rendition=lambda spec: rendition)
    assert social_image(image, SOCIAL_IMAGE_SPEC, large=True).url == rendition.url
    rendition.url = "/media/images/hero.fill-1200x630.jpg"
    assert social_image(image, SOCIAL_IMAGE_SPEC, large=True).url == (
        "https://chamber.example.org/media/images/hero.fill-1200x630.jpg"
    )


def test_missing_image_file_leaves_the_image_out_instead_of_failing():
    def missing(spec):
        raise SourceImageIOError("gone")

    image = SimpleNamespace(pk=1, get_rendition=missing)
    assert social_image(image, SOCIAL_IMAGE_SPEC, large=True) is None


# Cost: renditions are the expensive part.


@pytest.fixture
def home_with_hero(site_tree):
    home = HomePage.objects.get()
    home.hero_image = hero_image()
    home.save_revision().publish()
    settings = chamber_settings(Site.objects.get())
    settings.logo = get_or_create_image(
        title="Logo", filename="logo.png", draw=lambda: draw_logo("Riverside")
    )
    settings.save()
    return home


def test_tags_cost_at_most_two_queries_for_a_page_with_an_image(
    home_with_hero, django_assert_max_num_queries
):
    home_with_hero.hero_image.get_rendition(SOCIAL_IMAGE_SPEC)  # made once, on first share
    cache.clear()
    request = RequestFactory().get("/")
    # What every page works out anyway, for its header and canonical link.
    chrome = site_chrome(request)
    page = HomePage.objects.get()  # fresh: its image not loaded yet
    page.get_full_url(request)

    with django_assert_max_num_queries(2):  # the image, then its rendition
        html = render_social_meta(page, request, chrome)
    assert 'property="og:image"' in html

    page = HomePage.objects.get()
    page.get_full_url(request)
    with django_assert_max_num_queries(1):  # the rendition now comes from the cache
        render_social_meta(page, request, chrome)


def test_rendition_lookups_do_not_multiply(client, home_with_hero):
    client.get("/")  # first view: renditions made
    with CaptureQueriesContext(connection) as first:
        head = head_of(client.get("/"))
    with CaptureQueriesContext(connection) as second:
        client.get("/")

    assert meta(head, "og:image") == meta(head, "twitter:image")
    social_lookups = [q for q in first if SOCIAL_IMAGE_SPEC in q["sql"]]
    assert len(social_lookups) <= 1
    assert not [q for q in second if SOCIAL_IMAGE_SPEC in q["sql"]]


# robots.txt


def test_robots_txt_keeps_crawlers_out_of_private_paths_and_names_the_sitemap(client, site_tree):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "max-age=3600" in response["Cache-Control"]
    assert "public" in response["Cache-Control"]
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    for path in ("/admin/", "/account/", "/accounts/", "/search/"):
        assert f"Disallow: {path}" in lines
    (sitemap_line,) = [line for line in lines if line.startswith("Sitemap: ")]
    assert sitemap_line == "Sitemap: http://testserver/sitemap.xml"


def test_robots_txt_sitemap_url_serves_the_sitemap_index(client, site_tree):
    lines = client.get("/robots.txt").content.decode().splitlines()
    sitemap_url = next(line for line in lines if line.startswith("Sitemap: ")).split(" ", 1)[1]

    response = client.get(sitemap_url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own response
    assert root.tag.endswith("sitemapindex")
    assert root.findall("{http://www.sitemaps.org/schemas/sitemap/0.9}sitemap")


def test_robots_txt_only_answers_reads(client, site_tree):
    assert client.post("/robots.txt").status_code == 405
    assert client.head("/robots.txt").status_code == 200
