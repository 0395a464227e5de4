"""RSS 2.0 and Atom feeds of the news (all of it, or one topic), with Django's syndication
framework. Links are absolute.

Feed readers render RSS item titles and descriptions, and Atom summaries, as HTML, so those
plain-text fields are escaped here on top of the XML escaping (as the deals feed does): markup
an editor typed stays text in the reader. Atom titles are text and are left as they are."""

import datetime

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape

from chamber.models import ChamberSettings
from home.models.news import NewsIndexPage, NewsPage
from home.models.topics import Topic
from home.selectors import news_pages

FEED_ITEMS = 20


class NewsRssFeed(Feed):
    feed_type = Rss201rev2Feed

    def __init__(self, index_page: NewsIndexPage, *, topic_slug: str | None = None):
        super().__init__()
        self.index_page = index_page
        self.topic_slug = topic_slug

    def get_object(self, request, *args, **kwargs):
        self.request = request
        if self.topic_slug is None:
            return None
        topic = Topic.objects.filter(slug=self.topic_slug).first()
        if topic is None:
            raise Http404("No such topic")
        return topic

    def title(self, topic):
        chamber = ChamberSettings.for_request(self.request).name
        return f"{chamber}: {topic.name if topic else self.index_page.title}"

    def link(self, topic):
        url = self.index_page.get_full_url(self.request)
        return f"{url}?topic={topic.slug}" if topic else url

    def feed_url(self, topic):
        return self.index_page.feed_url(topic=topic, atom=self.feed_type is Atom1Feed, full=True)

    def description(self, topic):
        if topic and topic.description:
            return topic.description
        return self.index_page.intro or self.index_page.title

    subtitle = description

    def items(self, topic):
        pages = news_pages(within=self.index_page)
        if topic is not None:
            pages = pages.filter(topics=topic)
        return pages.prefetch_related("topics")[:FEED_ITEMS]

    def item_title(self, item: NewsPage):
        return escape(item.title)

    def item_description(self, item: NewsPage):
        return escape(item.summary)

    def item_link(self, item: NewsPage):
        return item.get_full_url(self.request)

    def item_guid(self, item: NewsPage):
        return item.get_full_url(self.request)

    def item_pubdate(self, item: NewsPage):
        return _midday(item.date)

    def item_updateddate(self, item: NewsPage):
        return item.last_published_at or _midday(item.date)

    def item_categories(self, item: NewsPage):
        return [topic.name for topic in item.topics.all()]


class NewsAtomFeed(NewsRssFeed):
    feed_type = Atom1Feed

    def item_title(self, item: NewsPage):
        # An Atom title is plain text (no type="html"), unlike its summary and RSS's title:
        # escaped once more, "Parking & transport" would show as "Parking &amp; transport".
        return item.title


def _midday(day: datetime.date) -> datetime.datetime:
    """A news item's date as a moment (noon, local time) for the feed's timestamps."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
