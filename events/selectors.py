"""Reads for events: what is on show, upcoming and past, a month's calendar, cards for lists,
seats, and which rate a visitor pays.

Events on show are the live, public pages (`shown_events`); nothing else re-states it.
"""

import calendar
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.utils import timezone

from chamber.selectors import live_page_url, public_pages
from events.models import EventIndexPage, EventPage, Registration, TicketType
from membership.models import Member, MemberContact
from membership.selectors import member_in_good_standing_for


def events_on_show():
    """THE rule for an event being on show: its page is live and not behind a view
    restriction. Members-only events are on show too: only registering is for members.
    (`public_pages`: Wagtail's `.public()` without its query for the restrictions each time.)"""
    return public_pages(EventPage.objects.live())


def shown_events():
    """The events on show, with what their cards and pages read."""
    return (
        events_on_show()
        .select_related("organiser", "image")
        .prefetch_related(
            Prefetch("ticket_types", queryset=TicketType.objects.order_by("sort_order", "pk"))
        )
    )


def paid_ticket_q() -> Q:
    """Events with a ticket on sale that costs something (to anyone)."""
    return Q(
        Exists(
            TicketType.objects.filter(event=OuterRef("pk"), comp=False).filter(
                Q(member_price__gt=0) | Q(non_member_price__gt=0)
            )
        )
    )


def upcoming_events(at: datetime.datetime | None = None):
    """Events not yet over at `at` (one running now included), soonest first."""
    return shown_events().filter(ends_at__gte=at or timezone.now()).order_by("starts_at", "pk")


def past_events(at: datetime.datetime | None = None):
    return shown_events().filter(ends_at__lt=at or timezone.now()).order_by("-starts_at", "-pk")


def events_page_url() -> str:
    return live_page_url(EventIndexPage)


@dataclass(frozen=True)
class EventCard:
    """An event in a list: what everyone may read."""

    url: str
    title: str
    summary: str
    kind: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    all_day: bool
    multi_day: bool
    place: str
    organiser: str
    members_only: bool
    free: bool
    cancelled: bool


def event_cards(events, *, index_url: str) -> list[EventCard]:
    return [
        EventCard(
            url=f"{index_url}{event.slug}/",
            title=event.title,
            summary=event.summary,
            kind=event.get_kind_display(),
            starts_at=event.local_start,
            ends_at=event.local_end,
            all_day=event.all_day,
            multi_day=event.multi_day,
            place=(
                "Online" if event.attendance_mode == "online" else event.venue_name or event.city
            ),
            organiser=event.organiser_name,
            members_only=event.members_only,
            free=event.is_free,
            cancelled=event.cancelled,
        )
        for event in events
    ]


def next_event_cards(*, limit: int = 3) -> list[EventCard]:
    """The next events that are going ahead, for the home page."""
    index_url = events_page_url()
    if not index_url:
        return []
    events = upcoming_events().exclude(status=EventPage.Status.CANCELLED)[:limit]
    return event_cards(events, index_url=index_url)


# -- on the organiser's listing page -----------------------------------------------------------

LISTING_EVENTS = 4


def business_ids_with_events():
    """The listings (as `business_id`) that organise an upcoming event going ahead: the
    directory's "Only businesses with upcoming events" filter and its listing pages ask this
    (directory.features). The rule of `upcoming_events`, as a subquery."""
    return (
        events_on_show()
        .filter(ends_at__gte=timezone.now(), organiser__isnull=False)
        .exclude(status=EventPage.Status.CANCELLED)
        .annotate(business_id=F("organiser_id"))
        .values("business_id")
    )


def listing_events_section(business) -> tuple[str, dict]:
    """The "Upcoming events" section of an organiser's listing page in the directory."""
    index_url = events_page_url()
    events = (
        upcoming_events()
        .filter(organiser=business)
        .exclude(status=EventPage.Status.CANCELLED)[:LISTING_EVENTS]
    )
    cards = event_cards(events, index_url=index_url) if index_url else []
    return "events/includes/listing_events.html", {"cards": cards, "events_url": index_url}


# -- member rates, on the join page ---------------------------------------------------------------

JOIN_PAGE_EVENTS = 3


@dataclass(frozen=True)
class MemberRate:
    title: str
    url: str
    starts_at: datetime.datetime
    all_day: bool
    ticket: str
    member_price: Decimal
    non_member_price: Decimal
    currency: str


def join_page_member_rates() -> tuple[str, dict] | None:
    """Upcoming events whose tickets cost members less, for the join page's "Member rates at
    events" (membership.join_extras): the soonest few, with both prices, and how many there are.
    None when no upcoming event has a member rate (the section would promise nothing)."""
    index_url = events_page_url()
    if not index_url:
        return None
    cheaper = TicketType.objects.filter(
        comp=False, member_price__lt=F("non_member_price")
    ).order_by("member_price", "sort_order", "pk")
    events = (
        upcoming_events()
        .exclude(status=EventPage.Status.CANCELLED)
        .filter(Exists(cheaper.filter(event=OuterRef("pk"))))
        .prefetch_related(Prefetch("ticket_types", queryset=cheaper, to_attr="member_rates"))
    )
    total = events.count()
    if not total:
        return None
    rates = []
    for event in events[:JOIN_PAGE_EVENTS]:
        ticket = event.member_rates[0]
        rates.append(
            MemberRate(
                title=event.title,
                url=f"{index_url}{event.slug}/",
                starts_at=event.local_start,
                all_day=event.all_day,
                ticket=ticket.name,
                member_price=ticket.member_price,
                non_member_price=ticket.non_member_price,
                currency=event.currency.upper(),
            )
        )
    return "events/includes/join_member_rates.html", {
        "rates": rates,
        "total": total,
        "events_url": index_url,
    }


# -- the month calendar ------------------------------------------------------------------------


@dataclass
class CalendarDay:
    day: datetime.date
    in_month: bool
    is_today: bool
    events: list = field(default_factory=list)


def month_weeks(year: int, month: int, events) -> list[list[CalendarDay]]:
    """The weeks (Sunday first) of `month`, each day with the events on it (a multi-day event
    on each of its days), in the chamber's zone."""
    today = timezone.localdate()
    weeks = calendar.Calendar(firstweekday=calendar.SUNDAY).monthdatescalendar(year, month)
    days = {
        day: CalendarDay(day=day, in_month=day.month == month, is_today=day == today)
        for week in weeks
        for day in week
    }
    for event in events:
        day, last = event.local_start.date(), event.local_end.date()
        while day <= last:
            if day in days:
                days[day].events.append(event)
            day += datetime.timedelta(days=1)
    return [[days[day] for day in week] for week in weeks]


def events_between(first: datetime.date, last: datetime.date):
    """Events on show that touch the local days `first` to `last`."""
    start = timezone.make_aware(datetime.datetime.combine(first, datetime.time.min))
    end = timezone.make_aware(datetime.datetime.combine(last, datetime.time.max))
    return shown_events().filter(starts_at__lte=end, ends_at__gte=start).order_by("starts_at")


# -- seats and rates ---------------------------------------------------------------------------


def seats_taken(event: EventPage, at: datetime.datetime | None = None) -> int:
    return Registration.objects.filter(event=event).taking_seats(at).count()


def seats_left(event: EventPage) -> int | None:
    if event.capacity is None:
        return None
    return max(0, event.capacity - seats_taken(event))


@dataclass(frozen=True)
class Rate:
    """Which prices a visitor pays: `member` is the member in good standing whose rate applies
    (None: non-member prices); `lapsed` a member they represent whose standing has run out
    (the reason they pay the non-member price)."""

    member: Member | None = None
    lapsed: Member | None = None

    @property
    def member_rate(self) -> bool:
        return self.member is not None


def rate_for(user, *, preferred_id: int | None = None) -> Rate:
    """Member prices for a user representing a member in good standing (membership decides
    standing); for anyone else non-member prices, with the lapsed member named if there is
    one."""
    if not getattr(user, "is_authenticated", False):
        return Rate()
    member = member_in_good_standing_for(user, preferred_id=preferred_id)
    if member is not None:
        return Rate(member=member)
    contact = (
        MemberContact.objects.filter(user=user).select_related("member").order_by("pk").first()
    )
    return Rate(lapsed=contact.member if contact else None)


@dataclass(frozen=True)
class TicketOffer:
    ticket: TicketType
    price: Decimal
    member_price_applies: bool
    saving: Decimal  # what the member rate saves (0 if none)


def ticket_offers(event: EventPage, rate: Rate) -> list[TicketOffer]:
    offers = []
    for ticket in event.on_sale_ticket_types():
        price = ticket.price_for(member=rate.member_rate)
        offers.append(
            TicketOffer(
                ticket=ticket,
                price=price,
                member_price_applies=rate.member_rate,
                saving=max(Decimal("0"), ticket.non_member_price - ticket.member_price),
            )
        )
    return offers


def registration_for_user(event: EventPage, user) -> Registration | None:
    """The user's active registration for `event` (confirmed, held or waitlisted)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Registration.objects.filter(event=event, user=user)
        .exclude(status__in=[Registration.Status.CANCELLED, Registration.Status.EXPIRED])
        .order_by("-pk")
        .first()
    )


def upcoming_event_count() -> int:
    """The staff dashboard's figure: live events not yet over."""
    return EventPage.objects.live().filter(ends_at__gte=timezone.now()).count()


def interested_guest_count() -> int:
    """Guests (no member rate) who said they are interested in joining, on registrations
    that stand."""
    return Registration.objects.filter(
        member__isnull=True,
        interested_in_membership=True,
        status=Registration.Status.CONFIRMED,
    ).count()
