"""Making events in tests (tests/events and the browser tests in tests/e2e)."""

import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.text import slugify

from events.models import EventIndexPage, EventPage, TicketType


def make_event(
    title: str, *, days: float = 7, prices=(0, 0), tickets=None, live=True, **values
) -> EventPage:
    """A live event under /events/, starting in `days` days (default 7) at 6 pm for two hours,
    with one ticket type (`prices=(member, non-member)`, free by default)."""
    if "starts_at" not in values:
        day = timezone.localdate() + datetime.timedelta(days=days)
        values["starts_at"] = timezone.make_aware(
            datetime.datetime.combine(day, datetime.time(18, 0))
        )
    values.setdefault("ends_at", values["starts_at"] + datetime.timedelta(hours=2))
    values.setdefault("kind", "mixer")
    values.setdefault("summary", f"All about {title}.")
    values.setdefault("venue_name", "Chamber Hall")
    values.setdefault("street", "120 Main Street")
    values.setdefault("city", "Riverside")
    event = EventPage(title=title, slug=slugify(title), live=live, **values)
    event.ticket_types = tickets or [
        TicketType(
            name="General admission",
            member_price=Decimal(prices[0]),
            non_member_price=Decimal(prices[1]),
        )
    ]
    EventIndexPage.objects.get().add_child(instance=event)
    return EventPage.objects.get(pk=event.pk)
