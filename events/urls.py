"""The events' iCalendar files, outside the page tree: Wagtail's page paths end in a slash and
take no dot, and calendar apps expect a `.ics` address; the RSS feed sits beside it."""

from django.urls import path

from events import views
from events.feeds import EventRssFeed

app_name = "events"
urlpatterns = [
    path("events/feed.ics", views.event_feed, name="feed"),
    path("events/feed.rss", EventRssFeed(), name="rss"),
    path("events/<slug:slug>/event.ics", views.event_ics, name="event_ics"),
]
