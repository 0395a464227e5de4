"""Fixtures for the news, feeds and home page tests (tests/home/test_news*.py,
test_home_page.py). Constants and helpers are in tests/home/helpers.py; news items are built by
NewsPageFactory (tests/factories.py), dated `days_ago` days before today, so the newest-first
order is set by the test, never by the order of creation.
"""

import pytest

from home.models import NewsIndexPage, NewsPage, Topic
from tests.factories import DocumentFactory, ImageFactory, NewsPageFactory
from tests.home.helpers import make_topics


@pytest.fixture
def news_index(site_tree) -> NewsIndexPage:
    """The /news/ page setup_site creates."""
    return NewsIndexPage.objects.get()


@pytest.fixture
def topics(db) -> dict[str, Topic]:
    """Parking, permits, workforce (keys of TOPICS)."""
    return make_topics()


@pytest.fixture
def news_image(db):
    return ImageFactory()


@pytest.fixture
def news_document(db):
    return DocumentFactory()


@pytest.fixture
def news_factory(news_index):
    """`make(**values)`: a live news item under /news/ (see NewsPageFactory: `days_ago`,
    `publish=True`, `live=False`, `topics`, `authors`, `image` ...)."""

    def make(**values) -> NewsPage:
        return NewsPageFactory(parent=news_index, **values)

    return make
