"""The news feeds: /news/feed/ (RSS 2.0), /news/feed/atom/ and the per-topic feeds under
/news/topic/<slug>/feed/, and the autodiscovery links pointing at them.

Feeds are read as a feed reader would: parsed as XML, then the text of each element.
"""

import html
from urllib.parse import urlsplit

import pytest
from defusedxml import ElementTree as ET  # Wagtail (Willow) depends on defusedxml
from django.utils import timezone
from wagtail.models import PageViewRestriction

from home.feeds import FEED_ITEMS
from home.models import NewsKind
from tests.home.helpers import DAY, XSS

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
RSS_TYPE = "application/rss+xml; charset=utf-8"
ATOM_TYPE = "application/atom+xml; charset=utf-8"


def rss(client, url: str = "/news/feed/"):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == RSS_TYPE
    root = ET.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    return root.find("channel")


def atom(client, url: str = "/news/feed/atom/"):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == ATOM_TYPE
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    return root


def rss_items(channel) -> list[dict]:
    return [
        {
            "title": item.findtext("title"),
            "link": item.findtext("link"),
            "guid": item.findtext("guid"),
            "description": item.findtext("description"),
            "pubDate": item.findtext("pubDate"),
            "categories": [category.text for category in item.findall("category")],
        }
        for item in channel.findall("item")
    ]


def atom_entries(feed) -> list[dict]:
    return [
        {
            "title": entry.findtext(f"{ATOM}title"),
            "link": entry.find(f"{ATOM}link").get("href"),
            "id": entry.findtext(f"{ATOM}id"),
            "summary": entry.findtext(f"{ATOM}summary"),
            "updated": entry.findtext(f"{ATOM}updated"),
            "categories": [category.get("term") for category in entry.findall(f"{ATOM}category")],
        }
        for entry in feed.findall(f"{ATOM}entry")
    ]


def all_text(element) -> str:
    return " ".join(element.itertext()) + " ".join(
        value for child in element.iter() for value in child.attrib.values()
    )


def head(response) -> str:
    assert response.status_code == 200
    return response.text.split("</head>", 1)[0]


@pytest.fixture
def published_news(news_factory, news_index, topics):
    """Three public items (two on parking, two on permits) and four the public must not
    see."""
    items = [
        news_factory(
            title="Free parking on Main Street",
            summary="Our position for the council vote.",
            topics=[topics["permits"], topics["parking"]],
            kind=NewsKind.POLICY,
            days_ago=1,
            publish=True,
        ),
        news_factory(title="Faster permits", topics=[topics["permits"]], days_ago=0),
        news_factory(title="Bus route 4", topics=[topics["parking"]], days_ago=9),
    ]
    news_factory(title="Draft", live=False)
    news_factory(title="Unpublished", publish=True, days_ago=1).unpublish()
    private = news_factory(title="Members only", days_ago=2)
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    news_factory(title="Next week", publish=True, go_live_at=timezone.now() + 7 * DAY)
    return items


def test_rss_feed_lists_live_public_news_newest_first_with_absolute_links(
    client, published_news, news_index
):
    channel = rss(client)
    assert channel.findtext("title") == "Chamber of Commerce: News"
    assert channel.findtext("link") == news_index.get_full_url()
    assert channel.findtext("description") == news_index.intro
    self_link = channel.find(f"{ATOM}link")
    assert self_link.get("rel") == "self"
    assert self_link.get("href") == news_index.get_full_url() + "feed/"

    items = rss_items(channel)
    assert [item["title"] for item in items] == [
        "Faster permits",
        "Free parking on Main Street",
        "Bus route 4",
    ]
    first, second = items[0], items[1]
    assert second["link"] == second["guid"] == published_news[0].get_full_url()
    for item in items:
        link = urlsplit(item["link"])
        assert link.scheme == "http" and link.netloc == "testserver", item["link"]
        assert link.path.startswith("/news/")
    assert second["description"] == "Our position for the council vote."
    assert second["categories"] == ["Parking & transport", "Permits & zoning"]
    # The item's date, at noon.
    assert first["pubDate"].startswith(f"{timezone.localdate():%a, %d %b %Y} 12:00:00 ")


def test_atom_feed_lists_the_same_news(client, published_news, news_index):
    feed = atom(client)
    assert feed.findtext(f"{ATOM}title") == "Chamber of Commerce: News"
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert links == {
        "alternate": news_index.get_full_url(),
        "self": news_index.get_full_url() + "feed/atom/",
    }
    assert feed.findtext(f"{ATOM}subtitle") == news_index.intro
    entries = atom_entries(feed)
    assert [entry["title"] for entry in entries] == [
        "Faster permits",
        "Free parking on Main Street",
        "Bus route 4",
    ]
    parking = entries[1]
    assert parking["link"] == parking["id"] == published_news[0].get_full_url()
    assert parking["summary"] == "Our position for the council vote."
    assert parking["updated"]  # when it was last published
    assert parking["categories"] == ["Parking & transport", "Permits & zoning"]
    assert all(entry["link"].startswith("http://testserver/news/") for entry in entries)


def test_feeds_hold_the_twenty_newest_items(client, news_factory):
    assert FEED_ITEMS == 20
    for days_ago in range(FEED_ITEMS + 2):
        news_factory(title=f"Item {days_ago:02}", days_ago=days_ago)
    newest = [f"Item {days_ago:02}" for days_ago in range(FEED_ITEMS)]
    assert [item["title"] for item in rss_items(rss(client))] == newest
    assert [entry["title"] for entry in atom_entries(atom(client))] == newest


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_topic_feed_holds_only_that_topics_news(client, published_news, news_index, kind):
    url = "/news/topic/parking-transport/feed/" + ("atom/" if kind == "atom" else "")
    if kind == "rss":
        channel = rss(client, url)
        titles = [item["title"] for item in rss_items(channel)]
        title, link = channel.findtext("title"), channel.findtext("link")
        description = channel.findtext("description")
        self_link = channel.find(f"{ATOM}link").get("href")
    else:
        feed = atom(client, url)
        titles = [entry["title"] for entry in atom_entries(feed)]
        title, description = feed.findtext(f"{ATOM}title"), feed.findtext(f"{ATOM}subtitle")
        links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
        link, self_link = links["alternate"], links["self"]
    assert titles == ["Free parking on Main Street", "Bus route 4"]
    assert title == "Chamber of Commerce: Parking & transport"
    assert description == "Parking, buses and getting around."
    assert link == news_index.get_full_url() + "?topic=parking-transport"
    assert self_link == "http://testserver" + url


@pytest.mark.parametrize(
    "url",
    [
        "/news/topic/no-such-topic/feed/",
        "/news/topic/no-such-topic/feed/atom/",
        "/news/topic/Parking-Transport/feed/",
    ],
)
def test_feed_of_an_unknown_topic_is_not_found(client, news_index, topics, url):
    assert client.get(url).status_code == 404


def test_feed_of_a_topic_without_news_is_empty_but_valid(client, published_news):
    assert rss_items(rss(client, "/news/topic/workforce-skills/feed/")) == []
    assert atom_entries(atom(client, "/news/topic/workforce-skills/feed/atom/")) == []


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_markup_in_titles_and_summaries_stays_text_in_feed_readers(client, news_factory, kind):
    news_factory(title=f"Parking {XSS}", summary=f"Summary {XSS} & more")
    if kind == "rss":
        root = rss(client)
        (item,) = rss_items(root)
        title, summary = item["title"], item["description"]
    else:
        root = atom(client)
        (entry,) = atom_entries(root)
        title, summary = entry["title"], entry["summary"]
    # Readers render RSS titles and descriptions, and Atom summaries, as HTML: after XML
    # parsing the markup is still escaped, so a reader shows it as text.
    assert summary == f"Summary {html.escape(XSS)} &amp; more"
    if kind == "rss":
        assert title == f"Parking {html.escape(XSS)}"
        assert "<script" not in all_text(root)
    else:
        # An Atom title without type="html" is text: shown as it is, so it holds the title
        # exactly as typed, escaped only by the XML.
        assert root.find(f"{ATOM}entry/{ATOM}title").get("type", "text") == "text"
        assert title == f"Parking {XSS}"


def test_atom_titles_are_escaped_once(client, news_factory):
    """Issue #22: "Parking &amp; transport" in feed readers, from escaping the text twice."""
    news_factory(title="Parking & transport: Smith's <plan>", summary="Buses & bikes")
    response = client.get("/news/feed/atom/")
    assert b"Parking &amp; transport: Smith's &lt;plan&gt;</title>" in response.content
    (entry,) = atom_entries(ET.fromstring(response.content))
    assert entry["title"] == "Parking & transport: Smith's <plan>"
    # The summary is type="html": escaped for the XML and once more as HTML, shown as typed.
    assert html.unescape(entry["summary"]) == "Buses & bikes"


def test_news_list_head_links_to_the_rss_and_atom_feeds(client, news_index, topics):
    page_head = head(client.get("/news/"))
    assert (
        '<link rel="alternate" type="application/rss+xml" title="News (RSS)" href="/news/feed/">'
        in page_head
    )
    assert (
        '<link rel="alternate" type="application/atom+xml" title="News (Atom)" '
        'href="/news/feed/atom/">' in page_head
    )
    topic_head = head(client.get("/news/", {"topic": "parking-transport"}))
    assert (
        '<link rel="alternate" type="application/rss+xml" title="News: Parking &amp; transport '
        '(RSS)" href="/news/topic/parking-transport/feed/">' in topic_head
    )
    assert "/news/topic/" not in page_head


def test_news_pages_and_the_home_page_link_to_the_rss_feed(client, news_factory):
    page = news_factory(title="Night market returns")
    feed_link = '<link rel="alternate" type="application/rss+xml" title="News (RSS)"'
    for url in (page.url, "/"):
        page_head = head(client.get(url))
        assert feed_link in page_head, url
        assert 'href="/news/feed/"' in page_head.split(feed_link, 1)[1].split(">", 1)[0], url


def test_the_feed_links_on_the_news_list_work(client, news_factory, topics):
    news_factory(title="Parking", topics=[topics["parking"]])
    body = client.get("/news/", {"topic": "parking-transport"}).text.split("</head>", 1)[1]
    helptext = body.split('<p class="helptext">Follow', 1)[1].split("</p>", 1)[0]
    for href in (
        "/news/topic/parking-transport/feed/",
        "/news/topic/parking-transport/feed/atom/",
        "/news/feed/",
        "/news/feed/atom/",
    ):
        assert f'href="{href}"' in helptext
        assert client.get(href).status_code == 200, href
