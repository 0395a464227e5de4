"""Demo events: a believable chamber calendar around today — mixers, ribbon cuttings, workshops,
policy breakfasts and a gala; past and upcoming, free and paid, one nearly full, one for
members only, one cancelled, one over two days — each with member and non-member prices where
the Community level's "member rates at chamber events" shows.

Dates are relative to the day the demo is built; each event is looked up by slug, so a second
run creates nothing.
"""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.text import slugify

from directory.models import Business
from events.models import EventIndexPage, EventPage, Registration, TicketType
from events.submissions import event_submit
from membership.models import Application, Member, MemberContact, MembershipLevel

SEED = 2031
FREE = (Decimal("0"), Decimal("0"))


@dataclass(frozen=True)
class DemoEvent:
    title: str
    kind: str
    summary: str
    days: int  # from today
    start: tuple[int, int] | None  # local time; None: all day
    hours: float = 2
    last_day: int = 0  # days after the first, for multi-day events
    prices: tuple[Decimal, Decimal] = FREE
    capacity: int | None = None
    registered: int = 0
    members_only: bool = False
    cancelled: bool = False
    online: bool = False
    organiser: int | None = None  # index into the demo's organising businesses
    venue: str = "Riverside Chamber Hall"
    street: str = "120 Main Street"


EVENTS = (
    DemoEvent(
        "Business After Hours: autumn mixer",
        "mixer",
        "Drinks, bites and introductions among members and guests.",
        -41,
        (17, 30),
        prices=(Decimal("0"), Decimal("15")),
        registered=54,
        organiser=0,
    ),
    DemoEvent(
        "Legislative preview breakfast",
        "policy-breakfast",
        "Our state representatives on the session ahead and what it means for small business.",
        -19,
        (7, 30),
        hours=1.5,
        prices=(Decimal("25"), Decimal("40")),
        capacity=80,
        registered=71,
    ),
    DemoEvent(
        "Ribbon cutting: a new bakery on Mill Lane",
        "ribbon-cutting",
        "Celebrate a new member's opening with the mayor and the chamber board.",
        -8,
        (11, 0),
        hours=0.5,
        organiser=1,
    ),
    DemoEvent(
        "Ribbon cutting: grand reopening",
        "ribbon-cutting",
        "A refitted shop floor, a ribbon and cake: come and welcome them back.",
        3,
        (11, 0),
        hours=0.5,
        organiser=2,
    ),
    DemoEvent(
        "Coffee & Connections",
        "mixer",
        "An early-morning mixer: bring cards, meet ten people before nine.",
        6,
        (8, 0),
        hours=1.5,
        capacity=40,
        registered=38,
        organiser=0,
    ),
    DemoEvent(
        "Workshop: marketing on a shoestring",
        "workshop",
        "Three hours of practical marketing for owners with more time than budget; "
        "in the hall or online.",
        12,
        (13, 0),
        hours=3,
        prices=(Decimal("35"), Decimal("60")),
        capacity=30,
        registered=17,
        online=True,
    ),
    DemoEvent(
        "Policy breakfast: the state of the city",
        "policy-breakfast",
        "The mayor's yearly address to the business community, with questions.",
        18,
        (7, 30),
        hours=1.5,
        prices=(Decimal("30"), Decimal("45")),
        capacity=120,
        registered=64,
    ),
    DemoEvent(
        "CEO roundtable (members only)",
        "lunch",
        "A frank lunch conversation among owners of member businesses; Chatham House rules.",
        25,
        (12, 0),
        hours=1.5,
        prices=(Decimal("20"), Decimal("20")),
        capacity=20,
        registered=9,
        members_only=True,
    ),
    DemoEvent(
        "Riverfront summer picnic",
        "mixer",
        "Moved indoors last year, cancelled this one: the riverfront is under repair.",
        31,
        (16, 0),
        hours=3,
        cancelled=True,
    ),
    DemoEvent(
        "Small business expo",
        "other",
        "Two days, sixty stands: member businesses show what they do to the whole town.",
        45,
        None,
        last_day=1,
        venue="Riverside Fairgrounds",
        street="1 Fairground Road",
    ),
    DemoEvent(
        "Annual awards gala",
        "gala",
        "The chamber's evening of the year: dinner, the business awards and dancing.",
        62,
        (18, 30),
        hours=4,
        prices=(Decimal("95"), Decimal("125")),
        capacity=220,
        registered=143,
    ),
)

GUESTS = (
    "Alex Morgan",
    "Priya Shah",
    "Sam Okafor",
    "Jordan Lee",
    "Maria Gonzalez",
    "Chris Novak",
    "Dana Whitfield",
    "Luis Ortega",
    "Hannah Kim",
    "Tom Brennan",
)


def _moment(day: datetime.date, at: tuple[int, int]) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(*at)))


def _event(data: DemoEvent, *, today, organisers) -> EventPage:
    first = today + datetime.timedelta(days=data.days)
    if data.start is None:
        starts_at = _moment(first, (9, 0))
        ends_at = _moment(first + datetime.timedelta(days=data.last_day), (17, 0))
    else:
        starts_at = _moment(first, data.start)
        ends_at = starts_at + datetime.timedelta(hours=data.hours)
    organiser = (
        organisers[data.organiser]
        if data.organiser is not None and data.organiser < len(organisers)
        else None
    )
    event = EventPage(
        title=data.title,
        kind=data.kind,
        summary=data.summary,
        starts_at=starts_at,
        ends_at=ends_at,
        all_day=data.start is None,
        venue_name=organiser.name if organiser and data.kind == "ribbon-cutting" else data.venue,
        street=organiser.street if organiser and organiser.street else data.street,
        city="Riverside",
        region="NY",
        postcode="12345",
        online_url="https://meet.example.org/chamber-workshop" if data.online else "",
        capacity=data.capacity,
        organiser=organiser,
        members_only=data.members_only,
        status=EventPage.Status.CANCELLED if data.cancelled else EventPage.Status.SCHEDULED,
        body=[
            (
                "paragraph",
                f"<p>{data.summary} Members pay member rates; guests are welcome and may "
                "join the chamber on the night.</p>",
            )
        ],
    )
    member_price, non_member_price = data.prices
    event.ticket_types = [
        TicketType(
            name="General admission",
            member_price=member_price,
            non_member_price=non_member_price,
        )
    ]
    return event


def build_events(*, log) -> None:
    index = EventIndexPage.objects.first()
    if index is None:
        log("Demo: no events page.")
        return
    rng = random.Random(SEED)
    today = timezone.localdate()
    organisers = list(
        Business.objects.filter(live=True, member__status=Member.Status.ACTIVE).order_by("pk")[:3]
    )
    members = list(Member.objects.in_good_standing().order_by("pk")[:60])
    created = 0
    now = timezone.now()
    for data in EVENTS:
        slug = slugify(data.title)
        if EventPage.objects.filter(slug=slug).exists():
            continue
        event = _event(data, today=today, organisers=organisers)
        event.slug = slug
        event.live = True
        event.first_published_at = event.last_published_at = now
        index.add_child(instance=event)
        ticket = event.ticket_types.first()
        registrations, party = [], []
        for number in range(data.registered):
            # Every fifth place was booked by the person before, for a colleague.
            booker = registrations[-1] if number % 5 == 4 and registrations else None
            is_member = members and rng.random() < 0.7
            member = members[rng.randrange(len(members))] if is_member else None
            if booker is not None:
                member = booker.member
            name = GUESTS[number % len(GUESTS)]
            (party if booker else registrations).append(
                Registration(
                    event=event,
                    ticket_type=ticket,
                    member=member,
                    booked_by=booker,
                    name=name,
                    email="" if booker else f"{name.split()[0].lower()}.{number}@guests.example",
                    organisation=member.name if member else "",
                    interested_in_membership=member is None and rng.random() < 0.3,
                    price=ticket.price_for(member=member is not None),
                    currency=event.currency,
                    status=Registration.Status.CONFIRMED,
                    confirmed_at=now,
                    checked_in_at=(
                        event.starts_at if data.days < 0 and rng.random() < 0.85 else None
                    ),
                )
            )
        Registration.objects.bulk_create(registrations)
        for place in party:  # their bookers have primary keys now
            place.booked_by_id = place.booked_by.pk
            place.interested_in_membership = False
        Registration.objects.bulk_create(party)
        created += 1
    if created:
        _an_event_a_member_submitted(today)
        converted = _guests_on_the_way_to_membership(rng, now=now)
        log(f"Demo: {created} events created; {converted} guest(s) applied to join.")


def _guests_on_the_way_to_membership(rng: random.Random, *, now) -> int:
    """Guests of the past events have had their follow-up e-mail, and a few applied to join
    (events/follow_ups.py links each application to the guest's registration, by e-mail), so
    "Event guests to members" has something to show."""
    guests = Registration.objects.filter(
        event__ends_at__lt=now - datetime.timedelta(days=1),
        member__isnull=True,
        status=Registration.Status.CONFIRMED,
    ).select_related("event")
    guests.update(followed_up_at=now - datetime.timedelta(days=2))
    level = MembershipLevel.objects.filter(active=True).order_by("annual_dues", "pk").first()
    interested = [guest for guest in guests.order_by("pk") if guest.interested_in_membership]
    if level is None:
        return 0
    converted = 0
    for guest in interested[:: max(1, len(interested) // 4)][:4]:
        first, _, last = guest.name.partition(" ")
        Application.objects.get_or_create(
            email=guest.email,
            defaults={
                "organisation_name": f"{last or first} & Co.",
                "first_name": first,
                "last_name": last or first,
                "street": f"{rng.randint(2, 400)} Harbour Road",
                "city": "Riverside",
                "region": "OR",
                "postcode": "97999",
                "level": level,
                "auto_renew": False,
                "message": f"We met you at {guest.event.title} and would like to join.",
                "source": f"events.registration:{guest.pk}",
            },
        )
        converted += 1
    return converted


def _an_event_a_member_submitted(today: datetime.date) -> None:
    """A member business's open day, sent from its account and waiting in the review queue."""
    contact = (
        MemberContact.objects.filter(
            member__level__events_allowed__gt=0, member__businesses__live=True
        )
        .select_related("member__level", "user")
        .order_by("member__name", "pk")
        .first()
    )
    if contact is None:
        return
    day = today + datetime.timedelta(days=17)
    event_submit(
        member=contact.member,
        values={
            "organiser": contact.member.businesses.filter(live=True).order_by("pk").first(),
            "title": f"Open day at {contact.member.name}",
            "kind": "other",
            "summary": "Tours every half hour, coffee and a chance to meet the team.",
            "starts_at": _moment(day, (10, 0)),
            "ends_at": _moment(day, (14, 0)),
            "venue_name": contact.member.name,
            "city": "Riverside",
            "description": "Drop in any time: no need to book, but registering helps us plan.",
        },
        user=contact.user,
    )
