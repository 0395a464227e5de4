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
from django.db.models import Q
from django.utils import timezone

from events import emails, refunds
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
    guests: list[dict] | tuple = (),
) -> tuple[Registration, bool]:
    """Register someone for `event`, with the `guests` they bring (each a dict with a name and
    an optional e-mail); returns the booker's registration and whether it is new.

    The booking's places go together: all confirmed at once for free tickets (with the
    confirmation e-mail), all held for one Checkout for paid ones (`pay_online`; without
    online payment, confirmed to pay at the door), or all put on the waitlist when the event
    is full. Fewer seats left than places asked for refuses the booking, so no party is split.
    Registering again with the same e-mail returns the registration already there.
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
    if 1 + len(guests) > event.places_per_order:
        raise RegistrationRefused(f"One booking may take at most {event.places_per_order} places.")
    active = Registration.objects.filter(event=event, status__in=ACTIVE).exclude(
        status=Registration.Status.HELD, hold_expires_at__lte=now
    )
    existing = active.filter(email__iexact=email).first()
    if existing is not None and guests:
        raise RegistrationRefused(
            "You are already registered with this e-mail address. To bring others, register "
            "each of them with their own e-mail address."
        )
    if existing is not None:
        return existing, False
    for guest in guests:
        if guest.get("email") and active.filter(email__iexact=guest["email"]).exists():
            raise RegistrationRefused(f"{guest['name']} is already registered for this event.")

    price = ticket_type.price_for(member=rate.member_rate)
    places = 1 + len(guests)
    free = None if event.capacity is None else event.capacity - _seats_taken(event, now)
    if free is not None and 0 < free < places:
        raise RegistrationRefused(
            f"Only {free} place{'s' if free != 1 else ''} left: book fewer places, or "
            "come back if more open up."
        )
    if free is not None and free <= 0:
        status = Registration.Status.WAITLISTED
    elif price == Decimal("0") or not pay_online:
        status = Registration.Status.CONFIRMED
    else:
        status = Registration.Status.HELD
    common = {
        "event": event,
        "ticket_type": ticket_type,
        "member": rate.member,
        "organisation": organisation,
        "price": price,
        "currency": event.currency,
        "status": status,
        "confirmed_at": now if status == Registration.Status.CONFIRMED else None,
        "hold_expires_at": now + HOLD if status == Registration.Status.HELD else None,
    }
    registration = Registration.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        name=name,
        email=email,
        interested_in_membership=interested_in_membership,
        **common,
    )
    party = [
        Registration.objects.create(
            booked_by=registration, name=guest["name"], email=guest.get("email", ""), **common
        )
        for guest in guests
    ]
    tell_booking(registration, party)
    return registration, True


def tell_booking(registration: Registration, party: list[Registration]) -> None:
    """E-mail a booking confirmed or waitlisted (when made, or once paid): the booker about
    every place, each guest with an e-mail of their own about theirs."""
    if registration.status == Registration.Status.CONFIRMED:
        send = emails.send_confirmation
    elif registration.status == Registration.Status.WAITLISTED:
        send = emails.send_waitlisted
    else:
        return  # held for Checkout: told once paid (events.checkout.fulfil calls this again)
    send(registration, party=party)
    for guest in party:
        if guest.email:
            send(guest)


def booking(registration: Registration):
    """A registration and the places booked with it."""
    return Registration.objects.filter(Q(pk=registration.pk) | Q(booked_by=registration))


@transaction.atomic
def release_holds(registrations) -> int:
    """Give back the seats of `registrations` still held for a Checkout that ended unpaid
    (places offered from the waitlist keep their payment window); returns how many."""
    released = 0
    for registration in registrations.select_for_update().order_by("pk"):
        if registration.status != Registration.Status.HELD or is_offer(registration):
            continue
        registration.status = Registration.Status.EXPIRED
        registration.save(update_fields=["status"])
        released += 1
    return released


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


# How long a person promoted from the waitlist to a paid place has to pay for it.
PAYMENT_WINDOW = datetime.timedelta(hours=48)


def _promote_from_waitlist(event: EventPage, now) -> list[Registration]:
    """Fill free seats from the waitlist, first come first served (called under the event's
    lock). A free place is confirmed at once; a paid place is held for the person for
    PAYMENT_WINDOW (never past the start) and they are e-mailed a link to pay. A hold that
    runs out frees the seat for the next person (`promote_waitlists`, run from cron)."""
    if event.status == EventPage.Status.CANCELLED or event.starts_at <= now:
        return []
    free_seats = None if event.capacity is None else event.capacity - _seats_taken(event, now)
    promoted = []
    waiting = Registration.objects.filter(
        event=event, status=Registration.Status.WAITLISTED
    ).order_by("created_at", "pk")
    for registration in waiting:
        if free_seats is not None and free_seats <= 0:
            break
        if registration.price == 0:
            registration.status = Registration.Status.CONFIRMED
            registration.confirmed_at = now
            registration.save(update_fields=["status", "confirmed_at"])
            emails.send_confirmation(registration)
        else:
            registration.status = Registration.Status.HELD
            registration.hold_expires_at = min(now + PAYMENT_WINDOW, event.starts_at)
            registration.save(update_fields=["status", "hold_expires_at"])
            emails.send_place_offered(registration)
        promoted.append(registration)
        if free_seats is not None:
            free_seats -= 1
    return promoted


def is_offer(registration: Registration, now=None) -> bool:
    """A paid place offered from the waitlist, its payment window still open (longer than a
    Checkout hold: see HOLD)."""
    now = now or timezone.now()
    return (
        registration.status == Registration.Status.HELD
        and registration.hold_expires_at is not None
        and registration.hold_expires_at > now + HOLD
    )


def cancellation_problem(registration: Registration, now=None) -> str:
    """Why the attendee may not cancel `registration` themselves, or "" if they may."""
    now = now or timezone.now()
    event = registration.event
    active = (Registration.Status.CONFIRMED, Registration.Status.WAITLISTED)
    if registration.status not in active and not is_offer(registration, now):
        return "This registration is not active."
    if event.starts_at <= now:
        return "The event has started."
    if refunds.needs_refund(registration) and now > event.refunds_close_at:
        return (
            "Paid places can be cancelled with a refund until "
            f"{event.refund_hours} hours before the start: please write to the chamber office."
        )
    return ""


def registration_cancel(*, registration: Registration) -> list[Registration]:
    """The attendee cancels (a place, a place offered from the waitlist, or their place on
    the waitlist); a paid place is refunded in full first, through Stripe, within the event's
    refund window. The seat goes to the next person waiting. Returns who was promoted."""
    registration = Registration.objects.select_related("event").get(pk=registration.pk)
    if problem := cancellation_problem(registration):
        raise CancellationRefused(problem)
    refund_id = ""
    if refunds.needs_refund(registration):
        try:  # before anything changes, with no lock held
            refund_id = refunds.refund(registration, reason="Cancelled by the attendee")
        except refunds.RefundFailed as failure:
            raise CancellationRefused(str(failure)) from failure
    return _cancel(registration, refund_id=refund_id, notify="attendee")


@transaction.atomic
def _cancel(registration: Registration, *, refund_id: str, notify: str) -> list[Registration]:
    """Mark one registration cancelled (and refunded) under the event's lock, e-mail the
    person and promote from the waitlist."""
    now = timezone.now()
    event = lock_event(registration.event_id)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status in (Registration.Status.CANCELLED, Registration.Status.EXPIRED):
        return []  # cancelled meanwhile (the refund's idempotency key made it one refund)
    registration.status = Registration.Status.CANCELLED
    if refund_id:
        registration.stripe_refund_id = refund_id
        registration.refunded_at = now
    registration.save(update_fields=["status", "stripe_refund_id", "refunded_at"])
    registration.event = event
    if notify == "attendee":
        emails.send_cancelled(registration)
        return _promote_from_waitlist(event, now)
    emails.send_event_cancelled(registration)
    return []


class EventCancellation:
    """What cancelling an event did: who was refunded and e-mailed, and whose refund failed
    (they stay registered; cancelling again retries them)."""

    def __init__(self):
        self.cancelled: list[Registration] = []
        self.failed: list[tuple[Registration, str]] = []


def cancel_event(event: EventPage, *, user) -> EventCancellation:
    """Staff cancel the event: its page says so (a new published revision, so the page keeps
    its URL and says "cancelled"), every paid place is refunded in full through Stripe, and
    everyone registered, held or waiting is e-mailed. Safe to run again: those already
    cancelled are left alone, failed refunds are retried."""
    event = EventPage.objects.get(pk=event.pk)
    if event.status != EventPage.Status.CANCELLED:
        event.status = EventPage.Status.CANCELLED
        revision = event.save_revision(user=user, log_action=True)
        if event.live:
            revision.publish(user=user)
    result = EventCancellation()
    people = Registration.objects.filter(event=event, status__in=ACTIVE).order_by("pk")
    for registration in people:
        refund_id = ""
        if refunds.needs_refund(registration):
            try:
                refund_id = refunds.refund(registration, reason="The event was cancelled")
            except refunds.RefundFailed as failure:
                result.failed.append((registration, str(failure)))
                continue
        _cancel(registration, refund_id=refund_id, notify="event")
        result.cancelled.append(registration)
    return result


@transaction.atomic
def _promote_event(event_pk: int, now) -> list[Registration]:
    event = lock_event(event_pk)
    Registration.objects.filter(
        event=event, status=Registration.Status.HELD, hold_expires_at__lte=now
    ).update(status=Registration.Status.EXPIRED)
    return _promote_from_waitlist(event, now)


def promote_waitlists(now=None) -> list[Registration]:
    """For every upcoming event with people waiting: holds that ran out give their seats
    back, and the waitlist moves up (run every few minutes from cron)."""
    now = now or timezone.now()
    waiting = (
        Registration.objects.filter(
            status=Registration.Status.WAITLISTED,
            event__starts_at__gt=now,
            event__status=EventPage.Status.SCHEDULED,
        )
        .values_list("event_id", flat=True)
        .distinct()
        .order_by("event_id")
    )
    promoted = []
    for event_pk in list(waiting):
        promoted += _promote_event(event_pk, now)
    return promoted


@transaction.atomic
def offer_checkout_started(*, registration_pk: int, session_expires_at) -> None:
    """A person paying for an offered place has a Checkout session: the hold lasts at least as
    long as the session (and a little more), so the seat is theirs while they pay."""
    registration = Registration.objects.select_for_update().get(pk=registration_pk)
    floor = session_expires_at + (HOLD - datetime.timedelta(minutes=CHECKOUT_MINUTES))
    if registration.status == Registration.Status.HELD and registration.hold_expires_at < floor:
        registration.hold_expires_at = floor
        registration.save(update_fields=["hold_expires_at"])
