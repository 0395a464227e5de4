"""The upcoming events as RSS 2.0 (all of them, or one kind: `?kind=workshop`), with Django's
syndication framework, beside the iCal feed (events/views.py). Links are absolute.

Feed readers render RSS titles and descriptions as HTML, so the plain-text title and summary
are escaped here on top of the XML escaping, as the news feed does (home/feeds.py)."""

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.html import escape

from chamber.models import ChamberSettings
from events.models import EventIndexPage, EventKind, EventPage
from events.selectors import upcoming_events

FEED_ITEMS = 50


def feed_kind(request) -> str | None:
    """The `?kind=` a feed is for, or None for all; an unknown kind is a 404 (a subscribed
    address that stopped meaning anything should say so, not silently become "everything")."""
    kind = request.GET.get("kind") or None
    if kind is not None and kind not in EventKind.values:
        raise Http404("No such kind of event")
    return kind


class EventRssFeed(Feed):
    feed_type = Rss201rev2Feed

    def get_object(self, request, *args, **kwargs):
        self.request = request
        self.index_page = EventIndexPage.objects.live().public().first()
        if self.index_page is None:
            raise Http404("No events page")
        return feed_kind(request)

    def title(self, kind):
        chamber = ChamberSettings.for_request(self.request).name
        heading = EventKind(kind).label if kind else self.index_page.title
        return f"{chamber}: {heading}"

    def link(self, kind):
        url = self.index_page.get_full_url(self.request)
        return f"{url}?kind={kind}" if kind else url

    def feed_url(self, kind):
        url = self.request.build_absolute_uri(reverse("events:rss"))
        return f"{url}?kind={kind}" if kind else url

    def description(self, kind):
        return f"Upcoming {EventKind(kind).label.lower() if kind else 'events'}"

    def items(self, kind):
        events = upcoming_events()
        if kind:
            events = events.filter(kind=kind)
        return events[:FEED_ITEMS]

    def item_title(self, item: EventPage):
        cancelled = "Cancelled: " if item.cancelled else ""
        return escape(f"{cancelled}{item.title}")

    def item_description(self, item: EventPage):
        # When and where first: a reader shows this, and the date is what matters.
        when = render_to_string("events/includes/when.txt", {"event": item}).strip()
        place = item.venue_name or item.city
        lines = [when, place, item.summary]
        return escape(" — ".join(line for line in lines if line))

    def item_link(self, item: EventPage):
        return item.get_full_url(self.request)

    def item_guid(self, item: EventPage):
        return item.get_full_url(self.request)

    def item_pubdate(self, item: EventPage):
        return item.first_published_at

    def item_updateddate(self, item: EventPage):
        return item.last_published_at

    def item_categories(self, item: EventPage):
        return [item.get_kind_display()]
