"""Events that member businesses organise, submitted from /account/events/ (events/account.py)
for the chamber office to approve in the review queue (chamber/reviews.py).

A submitted event is a draft EventPage under /events/, organised by one of the member's
listings and owned by the person who submitted it, with one saved revision: the review queue
sees it waiting (unpublished changes, latest revision undecided), staff approve it (publishing
the revision makes the page live) or send it back with a reason. Which drafts are members'
is read from the page itself (`member_submitted_q`: its owner represents its organiser's
member), so events staff draft in the admin never wait in the members' queue.

A level allows `events_allowed` events a year: the member's events (submitted or published)
that start within a year either side of now count; the member's row is locked while the limit
is checked and the event written, so two contacts submitting at once can't both take the last
place.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from chamber.allowances import Allowance
from chamber.rich_text import plain_to_rich_text
from chamber.slugs import unique_slug
from events.models import EventIndexPage, EventPage, TicketType
from membership.models import Member, MemberContact

YEAR = datetime.timedelta(days=365)
# The routes of /events/ an event's slug must not take.
RESERVED = ("past", "calendar", "feed")


def member_submitted_q() -> Q:
    """Events a member submitted: their owner represents the member that organises them."""
    return Q(organiser__isnull=False) & Q(
        Exists(
            MemberContact.objects.filter(
                user=OuterRef("owner"), member=OuterRef("organiser__member")
            )
        )
    )


def member_events(member: Member):
    """Every event organised by one of `member`'s listings (newest first), drafts included."""
    return (
        EventPage.objects.filter(organiser__member=member)
        .select_related("organiser", "latest_revision")
        .order_by("-starts_at", "-pk")
    )


class EventAllowance(Allowance):
    @property
    def message(self) -> str:
        if self.allowed == 0:
            return "Your level does not include events of your own; ask about upgrading."
        return (
            f"You have {self.used} of the {self.allowed} events a year your level allows. "
            "Ask the chamber office if you need another."
        )


def event_allowance(member: Member, at: datetime.datetime | None = None) -> EventAllowance:
    at = at or timezone.now()
    used = (
        member_events(member)
        .exclude(status=EventPage.Status.CANCELLED)
        .filter(starts_at__gt=at - YEAR, starts_at__lt=at + YEAR)
        .count()
    )
    return EventAllowance(used=used, allowed=member.level.events_allowed)


class EventLimitReached(Exception):
    def __init__(self, allowance: EventAllowance):
        super().__init__(allowance.message)
        self.allowance = allowance


@transaction.atomic
def event_submit(*, member: Member, values: dict, user) -> EventPage:
    """A draft event from the account form's `values`, waiting for review."""
    member = Member.objects.select_for_update().select_related("level").get(pk=member.pk)
    allowance = event_allowance(member)
    if not allowance.can_add:
        raise EventLimitReached(allowance)
    index = EventIndexPage.objects.get()
    description = values.pop("description", "")
    member_price = values.pop("member_price", None) or Decimal("0")
    non_member_price = values.pop("non_member_price", None) or Decimal("0")
    event = EventPage(live=False, owner=user, **values)
    event.slug = unique_slug(
        event, event.title, max_length=200, fallback="event", reserved=RESERVED, suffix="event"
    )
    if description:
        event.body = [("paragraph", plain_to_rich_text(description))]
    event.ticket_types = [
        TicketType(
            name="General admission",
            member_price=member_price,
            non_member_price=max(non_member_price, member_price),
        )
    ]
    index.add_child(instance=event)
    event.save_revision(user=user, log_action=True)
    return event
