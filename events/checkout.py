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

from events import emails, services
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


def start_checkout(registration: Registration, *, success_url: str, cancel_url: str) -> str:
    """A Checkout Session for a held registration; returns its URL. Its expiry is the hold's
    (less a margin), so Stripe ends the session before the seat goes back."""
    client = stripe_client()
    event = registration.event
    metadata = {"purpose": PURPOSE, "registration_id": str(registration.pk)}
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
            "line_items": [{"price": price.id, "quantity": 1}],
            "customer_email": registration.email,
            "client_reference_id": f"event-registration-{registration.pk}",
            "metadata": metadata,
            "payment_intent_data": {"metadata": metadata},
            "expires_at": int(expires_at.timestamp()),
            "success_url": success_url + "?session_id={CHECKOUT_SESSION_ID}",
            "cancel_url": cancel_url,
        }
    )
    Registration.objects.filter(pk=registration.pk).update(stripe_checkout_session_id=session.id)
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


@transaction.atomic
def fulfil(session: dict) -> str:
    """Confirm the registration a paid session names; idempotent. A registration whose hold
    had already run out is confirmed too: the buyer paid, and staff see the seat taken."""
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
    registration.status = Registration.Status.CONFIRMED
    registration.confirmed_at = timezone.now()
    registration.stripe_checkout_session_id = session["id"]
    registration.stripe_payment_intent_id = _payment_intent_id(session)
    registration.hold_expires_at = None
    registration.save()
    emails.send_confirmation(registration)
    return "event registration confirmed"


def expired(session: dict) -> str:
    registration = _registration_for(session)
    if registration is None:
        return "unknown registration"
    if registration.stripe_checkout_session_id != session.get("id"):
        return "session does not match the registration"
    released = services.registration_release_hold(registration_pk=registration.pk)
    return "seat released" if released else "nothing held"


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
