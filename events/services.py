"""Writes for events: registering (capacity under the event's row lock), confirming a paid
registration, releasing a hold, checking people in.

Capacity: every path that takes a seat locks the event's row first and counts the seats taken
inside the same transaction, so two registrations at the same moment are counted one after the
other and the last seat goes once. No network call (Stripe, mail) happens while the lock is
held: e-mail is queued in the transaction and sent after it commits.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from events import emails
from events.models import EventPage, Registration, TicketType
from events.selectors import Rate

# How long a seat stays held while its buyer is on Stripe Checkout. Stripe's shortest session
# is 30 minutes; the hold outlives the session by a little so the session never outlives it.
CHECKOUT_MINUTES = 30
HOLD = datetime.timedelta(minutes=CHECKOUT_MINUTES + 5)
ACTIVE = (
    Registration.Status.CONFIRMED,
    Registration.Status.HELD,
    Registration.Status.WAITLISTED,
)


class RegistrationRefused(Exception):
    """Registration is not possible; the message says why, in words for the visitor."""


def lock_event(event_pk: int) -> EventPage:
    """The event, its row locked until the transaction ends (only the event's own table: the
    page tree stays free for editors)."""
    return EventPage.objects.select_for_update(of=("self",)).get(pk=event_pk)


def _seats_taken(event: EventPage, at) -> int:
    return Registration.objects.filter(event=event).taking_seats(at).count()


@transaction.atomic
def registration_create(
    *,
    event: EventPage,
    ticket_type: TicketType,
    rate: Rate,
    name: str,
    email: str,
    organisation: str = "",
    interested_in_membership: bool = False,
    user=None,
    pay_online: bool = True,
) -> tuple[Registration, bool]:
    """Register someone for `event`; returns the registration and whether it is new.

    Free tickets are confirmed at once (with the confirmation e-mail); a paid ticket holds a
    seat for Checkout (`pay_online`) or, without online payment, is confirmed to pay at the
    door; a full event puts the person on the waitlist. Registering again with the same
    e-mail returns the registration already there.
    """
    now = timezone.now()
    event = lock_event(event.pk)
    state = event.registration_state(now)
    if state != "open":
        raise RegistrationRefused(
            {
                "cancelled": "This event is cancelled.",
                "not-yet": "Registration is not open yet.",
                "closed": "Registration has closed.",
            }[state]
        )
    if ticket_type.event_id != event.pk or ticket_type.comp:
        raise RegistrationRefused("That ticket is not on sale.")
    if event.members_only and not rate.member_rate:
        raise RegistrationRefused("This event is for members in good standing only.")
    existing = (
        Registration.objects.filter(event=event, email__iexact=email, status__in=ACTIVE)
        .exclude(status=Registration.Status.HELD, hold_expires_at__lte=now)
        .first()
    )
    if existing is not None:
        return existing, False

    price = ticket_type.price_for(member=rate.member_rate)
    full = event.capacity is not None and _seats_taken(event, now) >= event.capacity
    registration = Registration(
        event=event,
        ticket_type=ticket_type,
        user=user if getattr(user, "is_authenticated", False) else None,
        member=rate.member,
        name=name,
        email=email,
        organisation=organisation,
        interested_in_membership=interested_in_membership,
        price=price,
        currency=event.currency,
    )
    if full:
        registration.status = Registration.Status.WAITLISTED
    elif price == Decimal("0") or not pay_online:
        registration.status = Registration.Status.CONFIRMED
        registration.confirmed_at = now
    else:
        registration.status = Registration.Status.HELD
        registration.hold_expires_at = now + HOLD
    registration.save()
    if registration.confirmed:
        emails.send_confirmation(registration)
    elif registration.status == Registration.Status.WAITLISTED:
        emails.send_waitlisted(registration)
    return registration, True


@transaction.atomic
def registration_release_hold(*, registration_pk: int, reason: str = "") -> bool:
    """A held seat whose Checkout ended unpaid goes back (True if this call released it)."""
    registration = Registration.objects.select_for_update().get(pk=registration_pk)
    if registration.status != Registration.Status.HELD:
        return False
    registration.status = Registration.Status.EXPIRED
    registration.save(update_fields=["status"])
    return True


@transaction.atomic
def registration_check_in(*, registration: Registration, arrived: bool) -> Registration:
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    registration.checked_in_at = timezone.now() if arrived else None
    registration.save(update_fields=["checked_in_at"])
    return registration


@transaction.atomic
def registration_add_walk_in(
    *, event: EventPage, name: str, email: str = "", organisation: str = ""
) -> Registration:
    """Someone who came without registering: confirmed and arrived. Staff at the door decide
    whether there is room, so capacity is not enforced."""
    event = lock_event(event.pk)
    now = timezone.now()
    return Registration.objects.create(
        event=event,
        name=name,
        email=email,
        organisation=organisation,
        status=Registration.Status.CONFIRMED,
        currency=event.currency,
        walk_in=True,
        confirmed_at=now,
        checked_in_at=now,
    )


class CancellationRefused(Exception):
    """The attendee cannot cancel this registration themselves; the message says why."""


def _promote_from_waitlist(event: EventPage, now) -> list[Registration]:
    """Fill free seats from the waitlist, first come first served (called under the event's
    lock). Only free places are promoted automatically: a paid place needs a payment window,
    which staff handle for now."""
    free_seats = None if event.capacity is None else event.capacity - _seats_taken(event, now)
    promoted = []
    waiting = Registration.objects.filter(
        event=event, status=Registration.Status.WAITLISTED
    ).order_by("created_at", "pk")
    for registration in waiting:
        if free_seats is not None and free_seats <= 0:
            break
        if registration.price != 0:
            continue
        registration.status = Registration.Status.CONFIRMED
        registration.confirmed_at = now
        registration.save(update_fields=["status", "confirmed_at"])
        emails.send_confirmation(registration)
        promoted.append(registration)
        if free_seats is not None:
            free_seats -= 1
    return promoted


@transaction.atomic
def registration_cancel(*, registration: Registration) -> list[Registration]:
    """The attendee cancels (a free place, or a place on the waitlist); the seat goes to the
    next person waiting. Returns who was promoted. A paid place needs a refund, which the
    chamber office makes."""
    event = lock_event(registration.event_id)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status not in (Registration.Status.CONFIRMED, Registration.Status.WAITLISTED):
        raise CancellationRefused("This registration is not active.")
    if registration.price != 0 and registration.status == Registration.Status.CONFIRMED:
        raise CancellationRefused(
            "Paid places are cancelled by the chamber office, who refund them: please write to us."
        )
    now = timezone.now()
    if event.starts_at <= now:
        raise CancellationRefused("The event has started.")
    registration.status = Registration.Status.CANCELLED
    registration.save(update_fields=["status"])
    return _promote_from_waitlist(event, now)
