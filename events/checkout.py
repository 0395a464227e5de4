"""Paid tickets through Stripe Checkout (`mode=payment`).

The seat is held first (services.registration_create commits a HELD registration under the
event's lock), then Stripe is called with no lock held. Fulfilment comes through membership's
webhook machinery (registered in apps.py as a checkout purpose) and the registration page the
buyer returns to, in either order and as often as they come: it only ever confirms the one
registration the session names, so no delivery makes a second one.
"""

import datetime
import logging
import re

from django.db import transaction
from django.utils import timezone

from events import services
from events.models import Registration
from membership.checkout import retrieve_checkout_session
from membership.stripe_gateway import stripe_client

logger = logging.getLogger(__name__)

PURPOSE = "event_registration"
CHECKOUT_SESSION_ID = re.compile(r"cs_[A-Za-z0-9_]{1,250}")


def checkout_available() -> bool:
    return stripe_client() is not None


def cents(amount) -> int:
    return int((amount * 100).to_integral_value())


def places_to_pay(registration: Registration) -> list[Registration]:
    """What one Checkout pays for: the held registration and the places booked with it that
    are held for the same Checkout (a place offered from the waitlist is paid on its own)."""
    if services.is_offer(registration):
        return [registration]
    party = Registration.objects.filter(
        booked_by=registration,
        status=Registration.Status.HELD,
        stripe_checkout_session_id="",
        hold_expires_at=registration.hold_expires_at,
    ).order_by("pk")
    return [registration, *party]


def start_checkout(registration: Registration, *, success_url: str, cancel_url: str) -> str:
    """A Checkout Session for a held registration and the places booked with it (one line,
    the ticket's price times the places); returns its URL. Its expiry is the hold's (less a
    margin), so Stripe ends the session before the seats go back."""
    client = stripe_client()
    event = registration.event
    places = places_to_pay(registration)
    metadata = {"purpose": PURPOSE, "registration_id": str(registration.pk)}
    if len(places) > 1:
        metadata["places"] = str(len(places))
    price = client.v1.prices.create(
        params={
            "currency": registration.currency,
            "unit_amount": cents(registration.price),
            "product_data": {"name": f"{event.title}: {registration.ticket_type.name}"},
        }
    )
    expires_at = timezone.now() + datetime.timedelta(minutes=services.CHECKOUT_MINUTES)
    session = client.v1.checkout.sessions.create(
        params={
            "mode": "payment",
            "line_items": [{"price": price.id, "quantity": len(places)}],
            "customer_email": registration.email,
            "client_reference_id": f"event-registration-{registration.pk}",
            "metadata": metadata,
            "payment_intent_data": {"metadata": metadata},
            "expires_at": int(expires_at.timestamp()),
            "success_url": success_url + "?session_id={CHECKOUT_SESSION_ID}",
            "cancel_url": cancel_url,
        }
    )
    Registration.objects.filter(pk__in=[place.pk for place in places]).update(
        stripe_checkout_session_id=session.id
    )
    # A place offered from the waitlist stays held at least while its buyer is at Checkout.
    services.offer_checkout_started(registration_pk=registration.pk, session_expires_at=expires_at)
    return session.url


def _registration_for(session: dict) -> Registration | None:
    registration_id = (session.get("metadata") or {}).get("registration_id", "")
    if not str(registration_id).isdigit():
        return None
    return Registration.objects.filter(pk=registration_id).first()


def _payment_intent_id(session: dict) -> str:
    intent = session.get("payment_intent") or ""
    return intent if isinstance(intent, str) else intent.get("id", "")


def _paid_by(registration: Registration, session_id: str):
    """The places a session pays for: the registration it names and those booked with it
    that were sent to the same session."""
    return (
        services.booking(registration).filter(stripe_checkout_session_id=session_id).order_by("pk")
    )


@transaction.atomic
def fulfil(session: dict) -> str:
    """Confirm the places a paid session pays for; idempotent. A place whose hold had already
    run out is confirmed too: the buyer paid, and staff see the seat taken."""
    registration = _registration_for(session)
    if registration is None:
        return "unknown registration"
    if session.get("payment_status") not in ("paid", "no_payment_required"):
        return "payment not yet received"
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if not session.get("id") or registration.stripe_checkout_session_id not in ("", session["id"]):
        return "session does not match the registration"
    if registration.confirmed:
        return "registration already confirmed"
    if not registration.stripe_checkout_session_id:  # a session from before it was recorded
        registration.stripe_checkout_session_id = session["id"]
        registration.save(update_fields=["stripe_checkout_session_id"])
    places = list(_paid_by(registration, session["id"]).select_for_update())
    now = timezone.now()
    intent = _payment_intent_id(session)
    for place in places:
        place.status = Registration.Status.CONFIRMED
        place.confirmed_at = now
        place.stripe_payment_intent_id = intent
        place.hold_expires_at = None
        place.save(
            update_fields=["status", "confirmed_at", "stripe_payment_intent_id", "hold_expires_at"]
        )
    booker, party = places[0], places[1:]
    services.tell_booking(booker, party)
    if party:
        return f"event registration confirmed ({len(places)} places)"
    return "event registration confirmed"


def expired(session: dict) -> str:
    registration = _registration_for(session)
    if registration is None:
        return "unknown registration"
    if registration.stripe_checkout_session_id != session.get("id"):
        return "session does not match the registration"
    released = services.release_holds(_paid_by(registration, session["id"]))
    if not released:
        return "nothing held"
    return "seat released" if released == 1 else f"{released} seats released"


def payment_failed(session: dict) -> str:
    return expired(session)


def fulfil_returning_buyer(registration: Registration, session_id: str) -> None:
    """The buyer is back from Checkout: fulfil now rather than wait for the webhook (which
    finds it done). A session id that isn't this registration's is ignored unread."""
    if (
        registration.confirmed
        or not CHECKOUT_SESSION_ID.fullmatch(session_id or "")
        or session_id != registration.stripe_checkout_session_id
        or not checkout_available()
    ):
        return
    try:
        session = retrieve_checkout_session(session_id)
    except Exception:  # Stripe down: the webhook fulfils it later
        logger.exception("Could not read Checkout Session %s", session_id)
        return
    if session.get("status") == "complete":
        fulfil(session)
