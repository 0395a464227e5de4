"""Refunds of paid places through Stripe's API: an attendee cancelling in time, or staff
cancelling the whole event.

A refund is asked for before anything changes here and with no database lock held (Stripe can
be slow or down); its idempotency key is the registration's, so asking twice (a double click,
two staff members, a retried command) refunds once, and Stripe answers the second time with
the same refund. Only then is the registration marked cancelled and refunded (services.py).
"""

from django.utils.translation import gettext as _

from events.models import Registration
from membership.stripe_gateway import stripe_client


class RefundFailed(Exception):
    """Stripe did not refund; the message says why, in words for the person asking."""


def needs_refund(registration: Registration) -> bool:
    """Paid online and not refunded yet (a place paid at the door has nothing to refund)."""
    return bool(
        registration.price
        and registration.stripe_payment_intent_id
        and not registration.stripe_refund_id
        and registration.status == Registration.Status.CONFIRMED
    )


def refund(registration: Registration, *, reason: str) -> str:
    """Refund `registration`'s price through Stripe; returns the refund's id. The amount is
    always named: places booked together share one payment, and each is refunded alone."""
    client = stripe_client()
    if client is None:
        raise RefundFailed(_("Online payments are switched off, so nothing can be refunded."))
    try:
        stripe_refund = client.v1.refunds.create(
            params={
                "payment_intent": registration.stripe_payment_intent_id,
                "amount": int((registration.price * 100).to_integral_value()),
                "reason": "requested_by_customer",
                "metadata": {
                    "chamber_event_registration": str(registration.pk),
                    "chamber_reason": reason[:500],
                },
            },
            options={"idempotency_key": f"chamber-event-registration-{registration.pk}-refund"},
        )
    except Exception as error:  # stripe.StripeError, or the network
        raise RefundFailed(
            _("The payment service could not refund this place just now: nothing was changed.")
        ) from error
    if stripe_refund.status in ("failed", "canceled"):
        raise RefundFailed(_("The payment service refused the refund: nothing was changed."))
    return stripe_refund.id
