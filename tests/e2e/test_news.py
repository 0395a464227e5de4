"""Policy news in a real browser: a visitor on a phone narrows the news to a topic with the
keyboard, opens an item and finds its way back by the breadcrumbs."""

import re

import pytest
from django.utils.text import slugify
from wagtail.rich_text import RichText

from home.models import NewsIndexPage, NewsKind
from tests.e2e.helpers import E2E_DB
from tests.factories import NewsPageFactory, TopicFactory

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = playwright.expect

pytestmark = E2E_DB

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def news(site_tree):
    parking = TopicFactory(name="Parking", slug="parking")
    permits = TopicFactory(name="Permits", slug="permits")
    index = NewsIndexPage.objects.get()
    items = [
        ("Two free hours on Main Street", parking, NewsKind.POLICY, 3),
        ("Permit answers within 30 days", permits, NewsKind.PRESS, 10),
        ("New bike racks downtown", parking, NewsKind.NEWS, 20),
    ]
    for title, topic, kind, days_ago in items:
        NewsPageFactory(
            parent=index,
            title=title,
            slug=slugify(title),
            days_ago=days_ago,
            kind=kind,
            summary=f"Summary of “{title}”.",
            body=[("paragraph", RichText(f"<p>The full story of {title.lower()}.</p>"))],
            topics=[topic],
            publish=True,
        )
    return index


def test_a_visitor_on_a_phone_filters_the_news_by_topic_and_reads_an_item(new_page, news):
    page = new_page(viewport=PHONE)
    page.goto("/news/")
    expect(page.get_by_role("heading", level=1)).to_have_text("News")
    expect(page.locator(".news-card")).to_have_count(3)

    # Keyboard only: choose the topic and submit the filter form.
    page.get_by_label("Topic").focus()
    page.keyboard.press("ArrowDown")  # "All topics" -> "Parking"
    expect(page.get_by_label("Topic")).to_have_value("parking")
    page.get_by_role("button", name="Show news").focus()
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"[?&]topic=parking"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Parking")
    titles = page.locator(".news-card .card__title").all_inner_texts()
    assert titles == ["Two free hours on Main Street", "New bike racks downtown"]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.get_by_role("link", name="Two free hours on Main Street").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Two free hours on Main Street")
    expect(page.get_by_text("Policy position")).to_be_visible()
    expect(page.get_by_text("The full story of two free hours on main street.")).to_be_visible()
    # The related item shares the topic; the other topic's item is not offered.
    related = page.get_by_role("region", name="Related news")
    expect(related.get_by_role("link", name="New bike racks downtown")).to_be_visible()
    expect(related.get_by_text("Permit answers within 30 days")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="News").click()
    expect(page).to_have_url(re.compile(r"/news/$"))
