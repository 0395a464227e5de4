"""iCalendar (.ics) for events, with the `icalendar` library: one event (the confirmation
e-mail's attachment and the event page's "Add to calendar") and the feed of upcoming events.

Timed events carry their local times with the chamber's zone (TZID and a VTIMEZONE), so a
calendar shows 6 pm on either side of a DST change; all-day events are dates (DTEND the day
after the last, as RFC 5545 has it).
"""

import datetime
import zoneinfo

import icalendar
from django.conf import settings
from django.utils import timezone

from chamber.site_url import site_address

PRODID = "-//Chamber portal//Events//EN"


def _zone():
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _uid(event) -> str:
    return f"event-{event.pk}@{site_address().hostname}"


def vevent(event, *, url: str, online_url: str = "") -> icalendar.Event:
    item = icalendar.Event()
    item.add("uid", _uid(event))
    item.add("dtstamp", timezone.now())
    item.add("summary", event.title)
    if event.all_day:
        item.add("dtstart", event.local_start.date())
        item.add("dtend", event.local_end.date() + datetime.timedelta(days=1))
    else:
        item.add("dtstart", event.starts_at.astimezone(_zone()))
        item.add("dtend", event.ends_at.astimezone(_zone()))
    description = event.summary
    if online_url:
        description += f"\n\nJoin online: {online_url}"
    item.add("description", description)
    location = ", ".join(event.address_lines) or ("Online" if event.online_url else "")
    if location:
        item.add("location", location)
    item.add("url", url)
    item.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    item.add("last-modified", event.last_published_at or timezone.now())
    return item


def calendar(events_with_urls, *, name: str, method: str = "") -> bytes:
    """An iCalendar file of (event, url[, online_url]) entries."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    if method:
        cal.add("method", method)
    for event, url, *online in events_with_urls:
        cal.add_component(vevent(event, url=url, online_url=online[0] if online else ""))
    cal.add_missing_timezones()
    return cal.to_ical()
