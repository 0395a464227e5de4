"""Stripe webhooks: verify, store once, process once, in a transaction.

The view answers 400 for a bad signature or a malformed body and stores nothing. A verified
event is stored by its Stripe id (unique), then processed inside a transaction that holds its
row locked: two simultaneous deliveries of one event process it once, and a failed handler
rolls back its changes, keeps the error on the event and answers 500 so Stripe retries.

Handlers decide from the object's own state and timestamps (see membership.dues), never from
the order events arrive in. What a handler needs from Stripe is read before the event's row is
locked (`Handler.fetch`): no Stripe call waits on the network while a lock is held.
"""

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from chamber import emails
from membership import corrections
from membership.checkout import (
    cents_to_amount,
    fulfil_session,
    invoice_paid_period,
    object_id,
    record_stripe_payment,
    retrieve_checkout_session,
    send_payment_receipt,
)
from membership.checkout_purposes import purpose_of
from membership.dues import (
    StripeState,
    apply_stripe_state,
    from_timestamp,
    local_date,
    lock_member,
)
from membership.models.applications import Application
from membership.models.members import Member
from membership.models.pages import JoinPage
from membership.models.payments import Payment, StripeEvent
from membership.stripe_gateway import stripe_client
from membership.stripe_prices import level_for_price

logger = logging.getLogger(__name__)

SIGNATURE_TOLERANCE_SECONDS = 300

Status = Member.Status
SUBSCRIPTION_STATUS = {
    "active": Status.ACTIVE,
    "trialing": Status.ACTIVE,
    "past_due": Status.PAST_DUE,
    "unpaid": Status.PAST_DUE,
}


@csrf_exempt
@require_POST
def stripe_webhook(request):
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        return HttpResponse("Stripe webhooks are not configured.", status=400)
    header = request.headers.get("Stripe-Signature", "")
    try:
        body = request.body.decode("utf-8")
        stripe.WebhookSignature.verify_header(
            body, header, secret, tolerance=SIGNATURE_TOLERANCE_SECONDS
        )
    except (stripe.SignatureVerificationError, UnicodeDecodeError):
        return HttpResponse("Invalid signature.", status=400)
    if signed_in_the_future(header):
        # The library checks only that a signature is not too old.
        return HttpResponse("Invalid signature timestamp.", status=400)
    event = parse_event(body)
    if event is None:
        return HttpResponse("Not a Stripe event.", status=400)
    row = store_event(event)
    try:
        result = process_event(row.pk)
    except Exception as error:
        logger.exception("Stripe event %s failed", row.stripe_id)
        # Only a delivery that did not see the event processed records its failure: a twin
        # that processed it meanwhile keeps its outcome.
        StripeEvent.objects.filter(pk=row.pk, processed_at__isnull=True).update(
            error=f"{type(error).__name__}: {error}"[:2000], attempts=F("attempts") + 1
        )
        return JsonResponse({"received": True, "error": "processing failed"}, status=500)
    return JsonResponse({"received": True, "result": result})


def signed_in_the_future(header: str) -> bool:
    """A `t=` more than the tolerance ahead of our clock (verify_header has accepted `header`,
    so it has one)."""
    for part in header.split(","):
        key, _, value = part.partition("=")
        if key.strip() == "t" and value.strip().isdigit():
            return int(value) > time.time() + SIGNATURE_TOLERANCE_SECONDS
    return False


MAX_EVENT_DEPTH = 32  # Stripe's objects nest a handful of levels


def parse_event(body: str) -> dict | None:
    """The event in a signed body, or None when it is not one the handlers can read and the
    database store: not JSON, nested absurdly deep, holding a NUL, or without an id, a type, a
    creation time and a `data.object` that is an object."""
    try:
        event = json.loads(body)
    except (ValueError, RecursionError):
        return None
    if not isinstance(event, dict) or not _storable(event):
        return None
    data = event.get("data")
    created = event.get("created", 0)
    if (
        not isinstance(event.get("id"), str)
        or not 0 < len(event["id"]) <= 255
        or not isinstance(event.get("type"), str)
        or not 0 < len(event["type"]) <= 100
        or not isinstance(data, dict)
        or not isinstance(data.get("object"), dict)
        or not isinstance(created, int)
        or isinstance(created, bool)
        or not 0 <= created < 2**37  # a unix time a datetime can hold
    ):
        return None
    return event


def _storable(value, level: int = 0) -> bool:
    """Nested at most MAX_EVENT_DEPTH deep, and no NUL character (PostgreSQL's JSON refuses it)."""
    if level > MAX_EVENT_DEPTH:
        return False
    if isinstance(value, str):
        return "\x00" not in value
    if isinstance(value, dict):
        return all(
            _storable(key, level) and _storable(item, level + 1) for key, item in value.items()
        )
    if isinstance(value, list):
        return all(_storable(item, level + 1) for item in value)
    return True


def store_event(payload: dict) -> StripeEvent:
    """The stored event for `payload`, created on its first delivery only."""
    defaults = {
        "type": payload["type"],
        "created": from_timestamp(int(payload.get("created") or 0)),
        "livemode": bool(payload.get("livemode")),
        "payload": payload,
    }
    try:
        row, _ = StripeEvent.objects.get_or_create(stripe_id=payload["id"], defaults=defaults)
    except IntegrityError:  # a twin delivery created it between our read and our insert
        row = StripeEvent.objects.get(stripe_id=payload["id"])
    return row


def process_event(event_pk: int) -> str:
    """Process a stored event once; later calls return "duplicate".

    What the handler needs from Stripe is read first (`Handler.fetch`), with no lock held;
    then the event row is locked and the handler applies it (`Handler.apply`) in one
    transaction. Two deliveries of one event may both read; only one applies.
    """
    row = StripeEvent.objects.get(pk=event_pk)
    if row.processed_at is not None:
        return "duplicate"
    handler = HANDLERS.get(row.type)
    obj = row.payload.get("data", {}).get("object", {})
    fetched = handler.fetch(obj) if handler is not None and handler.fetch else None
    with transaction.atomic():
        row = StripeEvent.objects.select_for_update().get(pk=event_pk)
        if row.processed_at is not None:
            return "duplicate"
        result = handler.apply(obj, row, fetched) if handler is not None else "ignored"
        row.processed_at = timezone.now()
        row.result = result[:255]
        row.error = ""
        row.attempts += 1
        row.save(update_fields=["processed_at", "result", "error", "attempts"])
    return result


@dataclass(frozen=True)
class Handler:
    """How one event type is processed: `fetch(obj)` reads from Stripe what `apply` needs
    (called with no lock held; None: nothing to read), and `apply(obj, event, fetched)`
    changes our records under the event's lock and returns a result line."""

    apply: Callable[[dict, StripeEvent, object], str]
    fetch: Callable[[dict], object] | None = None


# Handlers (see `Handler`): `fetch` reads Stripe, `apply` changes our records.


def fetch_checkout_session(session: dict) -> dict:
    """The session as Stripe has it now: fulfilment acts on Stripe's state, not on whatever
    copy of the session the event carried."""
    return retrieve_checkout_session(session["id"])


def on_checkout_session(session: dict, event: StripeEvent, current: dict) -> str:
    return fulfil_session(current).result


def on_async_payment_failed(session: dict, event: StripeEvent, fetched: None) -> str:
    purpose = purpose_of(session)
    if purpose is not None:
        return purpose.payment_failed(session) if purpose.payment_failed else "ignored"
    application_id = session.get("client_reference_id") or ""
    application = (
        Application.objects.filter(pk=application_id).first() if application_id.isdigit() else None
    )
    if application is None:
        return "unknown application"
    if application.status in (Application.Status.PAID, Application.Status.APPROVED):
        return "already paid"
    email = application.email
    join_url = application_join_url()
    emails.send(
        "membership/emails/payment_failed_checkout",
        [email],
        {"application": application, "join_url": join_url},
    )
    return "payment failed"


def on_checkout_session_expired(session: dict, event: StripeEvent, fetched: None) -> str:
    """Dues sessions hold nothing; another app's session may (checkout_purposes.py)."""
    purpose = purpose_of(session)
    if purpose is None or purpose.expired is None:
        return "ignored"
    return purpose.expired(session)


def application_join_url() -> str:
    page = JoinPage.objects.live().first()
    return page.get_full_url() if page else ""


def invoice_subscription_id(invoice: dict) -> str:
    parent = invoice.get("parent") or {}
    details = parent.get("subscription_details") or {}
    return object_id(details.get("subscription")) or object_id(invoice.get("subscription"))


def unfulfilled_checkout(subscription_id: str) -> dict | None:
    """For an event about a subscription no member pays by yet (events arrive out of order):
    the Checkout Session that started it (through the application the subscription names),
    read from Stripe, so that applying the event fulfils the checkout first and no later state
    is dropped. None when a member already pays by it, or there is nothing to fulfil."""
    client = stripe_client()
    if client is None or not subscription_id:
        return None
    if Member.objects.filter(stripe_subscription_id=subscription_id).exists():
        return None
    subscription = client.v1.subscriptions.retrieve(subscription_id).to_dict()
    application_id = (subscription.get("metadata") or {}).get("application_id", "")
    application = (
        Application.objects.filter(pk=application_id).first()
        if str(application_id).isdigit()
        else None
    )
    if application is None or not application.stripe_checkout_session_id:
        return None
    return retrieve_checkout_session(application.stripe_checkout_session_id, client=client)


def fetch_invoice_checkout(invoice: dict) -> dict | None:
    return unfulfilled_checkout(invoice_subscription_id(invoice))


def fetch_subscription_checkout(subscription: dict) -> dict | None:
    return unfulfilled_checkout(subscription["id"])


def _member_for_subscription(subscription_id: str, checkout: dict | None) -> Member | None:
    """The member paying by this subscription, after fulfilling its `checkout` (from
    `unfulfilled_checkout`) if no member does yet."""
    if not subscription_id:
        return None
    member = Member.objects.filter(stripe_subscription_id=subscription_id).first()
    if member is None and checkout is not None:
        fulfil_session(checkout)
        member = Member.objects.filter(stripe_subscription_id=subscription_id).first()
    return member


def on_invoice_paid(invoice: dict, event: StripeEvent, checkout: dict | None) -> str:
    subscription_id = invoice_subscription_id(invoice)
    member = _member_for_subscription(subscription_id, checkout)
    if member is None:
        return "no member for this invoice"
    if not invoice.get("amount_paid"):
        return "nothing paid (trial)"
    period = invoice_paid_period(invoice)
    member = lock_member(member.pk)
    payment = record_stripe_payment(member, period)
    apply_stripe_state(
        member,
        StripeState(at=from_timestamp(period.paid_at), status=Status.ACTIVE),
        reason="invoice paid",
    )
    if payment is None:
        return "invoice already recorded"
    if invoice.get("billing_reason") != "subscription_create":
        send_payment_receipt(payment)
    return "payment recorded"


def on_invoice_payment_failed(invoice: dict, event: StripeEvent, checkout: dict | None) -> str:
    member = _member_for_subscription(invoice_subscription_id(invoice), checkout)
    if member is None:
        return "no member for this invoice"
    if Payment.objects.filter(stripe_invoice_id=invoice["id"]).exists():
        return "invoice already paid"
    member = lock_member(member.pk)
    apply_stripe_state(
        member, StripeState(at=event.created, status=Status.PAST_DUE), reason="payment failed"
    )
    recipients = member.billing_emails()
    context = {
        "member": member,
        "amount": cents_to_amount(invoice.get("amount_due") or 0),
        "currency": invoice.get("currency", ""),
        "billing_url": emails.absolute(reverse("account:billing_portal")),
        "next_attempt": (
            from_timestamp(invoice["next_payment_attempt"])
            if invoice.get("next_payment_attempt")
            else None
        ),
    }
    emails.send("membership/emails/payment_failed", recipients, context)
    return "member past due"


def subscription_price(subscription: dict):
    items = (subscription.get("items") or {}).get("data") or []
    return items[0].get("price") if items else None


def on_subscription_updated(subscription: dict, event: StripeEvent, checkout: dict | None) -> str:
    member = _member_for_subscription(subscription["id"], checkout)
    if member is None:
        return "no member for this subscription"
    member = lock_member(member.pk)
    cancelling = bool(subscription.get("cancel_at_period_end"))
    state = StripeState(
        at=event.created,
        status=SUBSCRIPTION_STATUS.get(subscription.get("status")),
        level=level_for_price(subscription_price(subscription)),
        auto_renew=not cancelling,
        cancel_at_period_end=cancelling,
    )
    changed = apply_stripe_state(member, state, reason=f"subscription {subscription.get('status')}")
    return "member updated" if changed else "older than the member's state"


def on_subscription_deleted(subscription: dict, event: StripeEvent, checkout: dict | None) -> str:
    member = _member_for_subscription(subscription["id"], checkout)
    if member is None:
        return "no member for this subscription"
    member = lock_member(member.pk)
    ended_on = local_date(subscription.get("ended_at") or int(event.created.timestamp()))
    still_paid = member.paid_through is not None and member.paid_through >= ended_on
    state = StripeState(
        at=event.created,
        # Paid-for time is kept: the member lapses when paid_through + grace has passed.
        status=Status.ACTIVE if still_paid else Status.LAPSED,
        auto_renew=False,
        cancel_at_period_end=False,
    )
    changed = apply_stripe_state(member, state, reason="subscription cancelled")
    return "subscription ended" if changed else "older than the member's state"


@dataclass(frozen=True)
class RefundsFetched:
    payment_id: int | None  # our payment the refunds return money from
    refunds: list[dict]  # every refund of that Stripe payment, as Stripe has them now


def fetch_refunds(obj: dict) -> RefundsFetched:
    """For a refund event (the refund) or `charge.refunded` (the charge): every refund of the
    same Stripe payment, read from Stripe now, and the payment of ours they belong to. Events
    about one refund arrive in any order and more than once; recording from Stripe's current
    list of refunds gives the same rows whichever arrives first."""
    client = stripe_client()
    intent_id = object_id(obj.get("payment_intent"))
    is_charge = obj.get("object") == "charge"
    charge_id = obj["id"] if is_charge else object_id(obj.get("charge"))
    if client is None:
        refunds = [] if is_charge else [obj]
    else:
        by = {"payment_intent": intent_id} if intent_id else {"charge": charge_id}
        listed = client.v1.refunds.list(params={**by, "limit": 100})
        refunds = [refund.to_dict() for refund in listed.auto_paging_iter()]
    payment = corrections.payment_for_refund({"payment_intent": intent_id}, client=client)
    return RefundsFetched(payment.pk if payment else None, refunds)


def on_refund(obj: dict, event: StripeEvent, fetched: RefundsFetched) -> str:
    """A refund made, settled or failed at Stripe (here or in Stripe's dashboard): each refund
    Stripe has accepted is recorded once as a correction of the payment, and a recorded one
    that failed is undone once (membership.corrections.record_stripe_refund)."""
    if fetched.payment_id is None:
        return "no payment for this refund"
    payment = Payment.objects.get(pk=fetched.payment_id)
    recorded = undone = 0
    for refund in sorted(fetched.refunds, key=lambda refund: (refund["created"], refund["id"])):
        correction = corrections.record_stripe_refund(refund, payment=payment)
        if correction is not None and correction.created:
            if correction.row.kind == Payment.Kind.REFUND:
                recorded += 1
            else:
                undone += 1
    if recorded or undone:
        return f"{recorded} refund(s) recorded, {undone} failed refund(s) undone"
    return "refunds already recorded"


HANDLERS = {
    "checkout.session.completed": Handler(on_checkout_session, fetch_checkout_session),
    "checkout.session.async_payment_succeeded": Handler(
        on_checkout_session, fetch_checkout_session
    ),
    "checkout.session.async_payment_failed": Handler(on_async_payment_failed),
    "checkout.session.expired": Handler(on_checkout_session_expired),
    "invoice.paid": Handler(on_invoice_paid, fetch_invoice_checkout),
    "invoice.payment_failed": Handler(on_invoice_payment_failed, fetch_invoice_checkout),
    "customer.subscription.created": Handler(on_subscription_updated, fetch_subscription_checkout),
    "customer.subscription.updated": Handler(on_subscription_updated, fetch_subscription_checkout),
    "customer.subscription.deleted": Handler(on_subscription_deleted, fetch_subscription_checkout),
    "charge.refunded": Handler(on_refund, fetch_refunds),
    "refund.created": Handler(on_refund, fetch_refunds),
    "refund.updated": Handler(on_refund, fetch_refunds),
    "refund.failed": Handler(on_refund, fetch_refunds),
}
