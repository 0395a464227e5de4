"""SITE_URL, the site's public address (chamber/site_url.py): every absolute link the site
hands out uses it, whatever host the request came in on (issue #22: canonical links, og:url,
sitemaps and feeds all said http://localhost/).

The test client asks as "testserver"; the site's address here is https://chamber.example.org,
so a link built from the request would show up as http://testserver/...
"""

import json
import re
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from defusedxml import ElementTree as ET
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from wagtail.models import Site

from chamber.checks import (
    site_record_matches_site_url,
    site_url_is_an_address,
    site_url_is_public,
)
from chamber.emails import absolute
from chamber.site_setup import site_setup
from chamber.site_url import absolute_url, parse_site_url
from home.models import NewsIndexPage
from tests.factories import (
    DealFactory,
    ImageFactory,
    JobPostingFactory,
    NewsPageFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PUBLIC = "https://chamber.example.org"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ATOM = "{http://www.w3.org/2005/Atom}"
URL_IN_TEXT = re.compile(r"https?://[^\s\"'<>]+")


@pytest.fixture
def public_site(settings, site_tree):
    """The site at PUBLIC, as `setup_site` leaves it once SITE_URL is set."""
    settings.SITE_URL = PUBLIC
    return site_setup(demo=False, log=lambda line: None).site


@pytest.fixture
def town(public_site, listings):
    """A listing with a logo, a public deal and a news item with an `&` in its title."""
    bakery = listings["bakery"]
    bakery.logo = ImageFactory(title="Riverbend logo")
    bakery.save()
    deal = DealFactory(business=bakery, title="Two loaves for one")
    job = JobPostingFactory(business=bakery, title="Baker")
    news = NewsPageFactory(parent=NewsIndexPage.objects.get(), title="Parking & permits")
    return {"bakery": bakery, "deal": deal, "job": job, "news": news}


def assert_public(url: str) -> None:
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == PUBLIC, url


def head_urls(html: str) -> dict[str, str]:
    head = BeautifulSoup(html, "html.parser").head
    urls = {"canonical": head.find("link", rel="canonical")["href"]}
    for name in ("og:url", "og:image"):
        tag = head.find("meta", property=name)
        if tag:
            urls[name] = tag["content"]
    return urls


def json_ld_urls(html: str) -> list[str]:
    found = []
    for script in BeautifulSoup(html, "html.parser").find_all("script", type="application/ld+json"):
        data = json.loads(script.string)
        found += [data[key] for key in ("url", "logo", "image") if key in data]
        found += [data["offeredBy"]["url"]] if "offeredBy" in data else []
        found += [data["hiringOrganization"]["sameAs"]] if "hiringOrganization" in data else []
    return found


def test_setup_site_writes_site_url_to_the_default_site(public_site, settings):
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port, site.root_url) == ("chamber.example.org", 443, PUBLIC)

    settings.SITE_URL = "http://127.0.0.1:8000"
    site_setup(demo=False, log=lambda line: None)
    site = Site.objects.get()
    assert (site.hostname, site.port, site.root_url) == ("127.0.0.1", 8000, settings.SITE_URL)


def test_pages_name_the_site_url_in_canonical_og_and_json_ld(client, town):
    bakery, deal = town["bakery"], town["deal"]
    pages = {
        "/": "/",
        "/directory/": "/directory/",
        f"/directory/{bakery.slug}/": f"/directory/{bakery.slug}/",
        "/directory/category/bakeries/": "/directory/category/bakeries/",
        "/directory/a-z/": "/directory/a-z/",
        "/directory/categories/": "/directory/categories/",
        "/deals/": "/deals/",
        f"/deals/{deal.slug}/": f"/deals/{deal.slug}/",
        "/jobs/": "/jobs/",
        f"/jobs/{town['job'].slug}/": f"/jobs/{town['job'].slug}/",
        "/news/": "/news/",
        town["news"].url: town["news"].url,
    }
    for path, canonical_path in pages.items():
        response = client.get(path)
        assert response.status_code == 200, path
        urls = head_urls(response.text)
        assert urls["canonical"] == PUBLIC + canonical_path
        if "og:url" in urls:
            assert urls["og:url"] == urls["canonical"]
        for url in [*urls.values(), *json_ld_urls(response.text)]:
            assert_public(url)

    listing = client.get(f"/directory/{bakery.slug}/").text
    ld = json_ld_urls(listing)
    assert ld[0] == f"{PUBLIC}/directory/{bakery.slug}/"
    assert ld[1].startswith(f"{PUBLIC}/media/images/")  # the logo, and the image
    assert head_urls(listing)["og:image"].startswith(f"{PUBLIC}/media/images/")
    assert json_ld_urls(client.get(f"/jobs/{town['job'].slug}/").text) == [
        f"{PUBLIC}/jobs/{town['job'].slug}/",
        f"{PUBLIC}/directory/{bakery.slug}/",
    ]
    assert json_ld_urls(client.get(f"/deals/{deal.slug}/").text) == [
        f"{PUBLIC}/deals/{deal.slug}/",
        f"{PUBLIC}/directory/{bakery.slug}/",
    ]


def test_sitemaps_and_robots_txt_name_the_site_url(client, town):
    index = ET.fromstring(client.get("/sitemap.xml").content)
    sections = [loc.text for loc in index.iter(f"{SITEMAP}loc")]
    assert sections == [
        f"{PUBLIC}/sitemap-pages.xml",
        f"{PUBLIC}/sitemap-listings.xml",
        f"{PUBLIC}/sitemap-browse.xml",
        f"{PUBLIC}/sitemap-deals.xml",
        f"{PUBLIC}/sitemap-jobs.xml",
    ]
    every_url = []
    for section in sections:
        response = client.get(urlsplit(section).path)
        assert response.status_code == 200
        every_url += [loc.text for loc in ET.fromstring(response.content).iter(f"{SITEMAP}loc")]
    for url in every_url:
        assert_public(url)
    assert {
        f"{PUBLIC}/",
        f"{PUBLIC}/directory/{town['bakery'].slug}/",
        f"{PUBLIC}/deals/{town['deal'].slug}/",
        f"{PUBLIC}/jobs/{town['job'].slug}/",
        f"{PUBLIC}/directory/a-z/",
        PUBLIC + town["news"].url,
    } <= set(every_url)

    robots = client.get("/robots.txt").text.splitlines()
    assert f"Sitemap: {PUBLIC}/sitemap.xml" in robots


def test_feeds_name_the_site_url(client, town):
    news_rss = ET.fromstring(client.get("/news/feed/").content).find("channel")
    deals_rss = ET.fromstring(client.get("/deals/feed/").content).find("channel")
    jobs_rss = ET.fromstring(client.get("/jobs/feed/").content).find("channel")
    atom = ET.fromstring(client.get("/news/feed/atom/").content)
    links = [
        news_rss.findtext("link"),
        news_rss.find(f"{ATOM}link").get("href"),
        deals_rss.findtext("link"),
        deals_rss.find(f"{ATOM}link").get("href"),
        jobs_rss.findtext("link"),
        jobs_rss.find(f"{ATOM}link").get("href"),
        *(link.get("href") for link in atom.iter(f"{ATOM}link")),
        *(entry.text for entry in atom.iter(f"{ATOM}id")),
    ]
    for channel in (news_rss, deals_rss, jobs_rss):
        for item in channel.findall("item"):
            links += [item.findtext("link"), item.findtext("guid")]
    for url in links:
        assert_public(url)
    assert f"{PUBLIC}/jobs/{town['job'].slug}/" in links
    assert f"{PUBLIC}/deals/feed/" in links and f"{PUBLIC}/news/feed/atom/" in links
    assert PUBLIC + town["news"].url in links
    assert f"{PUBLIC}/deals/{town['deal'].slug}/" in links


def test_email_links_name_the_site_url(client, public_site):
    UserFactory(email="rosa@riverbend.example")
    response = client.post("/accounts/password_reset/", {"email": "rosa@riverbend.example"})
    assert response.status_code == 302
    (message,) = mail.outbox
    html = message.alternatives[0][0]
    urls = URL_IN_TEXT.findall(message.body) + [
        a["href"] for a in BeautifulSoup(html, "html.parser").find_all("a")
    ]
    resets = [url for url in urls if "/accounts/reset/" in url]
    assert len(resets) == 2
    for url in resets:
        assert_public(url)
    # Named after the chamber, not after the host the form was posted to.
    assert message.subject == "Reset your password at Chamber of Commerce"
    assert absolute("/account/") == f"{PUBLIC}/account/"


@pytest.mark.parametrize(
    ("value", "url"),
    [
        ("https://chamber.example.org", "https://chamber.example.org"),
        ("https://Chamber.Example.org:443/", "https://chamber.example.org"),
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("http://chamber.example.org:80", "http://chamber.example.org"),
        ("http://[::1]:8000", "http://[::1]:8000"),
    ],
)
def test_site_url_is_read_as_wagtails_site_would_say_it(value, url, settings):
    assert parse_site_url(value).url == url
    settings.SITE_URL = value
    assert absolute_url("/directory/") == f"{url}/directory/"
    # Media on S3 already has its own address.
    assert absolute_url("https://cdn.example/logo.png") == "https://cdn.example/logo.png"


@pytest.mark.parametrize(
    "value",
    [
        "",
        "chamber.example.org",
        "ftp://chamber.example.org",
        "https://chamber.example.org/chamber/",
        "https://chamber.example.org/?a=1",
        "https://chamber.example.org:8443",  # Wagtail's Site would say http://…:8443
        "http://chamber.example.org:443",
        "https://chamber.example.org:notaport",
    ],
)
def test_an_address_wagtail_cannot_hold_is_refused_by_the_system_checks(value, settings):
    with pytest.raises(ImproperlyConfigured):
        parse_site_url(value)
    settings.SITE_URL = value
    assert [error.id for error in site_url_is_an_address(None)] == ["chamber.E002"]
    assert site_url_is_public(None) == []  # one message about it is enough


@pytest.mark.parametrize(
    ("value", "warned"),
    [
        ("http://127.0.0.1:8000", True),  # the default, when SITE_URL is unset
        ("http://localhost", True),
        ("https://chamber.localhost", True),
        ("http://[::1]:8000", True),
        ("https://chamber.example.org", False),
        ("http://192.0.2.10:8080", False),
    ],
)
def test_deploy_check_warns_about_an_address_of_this_machine(value, warned, settings):
    settings.SITE_URL = value
    assert site_url_is_an_address(None) == []
    assert [warning.id for warning in site_url_is_public(None)] == (
        ["chamber.W001"] if warned else []
    )


def test_database_check_warns_until_setup_site_writes_a_changed_site_url(site_tree, settings):
    assert site_record_matches_site_url(None, databases=["default"]) == []
    settings.SITE_URL = PUBLIC
    (warning,) = site_record_matches_site_url(None, databases=["default"])
    assert warning.id == "chamber.W002"
    assert "http://testserver" in warning.msg and PUBLIC in warning.msg
    assert site_record_matches_site_url(None) == []  # only with --database
    site_setup(demo=False, log=lambda line: None)
    assert site_record_matches_site_url(None, databases=["default"]) == []
