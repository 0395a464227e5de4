"""Bring the portal back in step with Stripe when webhooks were missed (issue #25).

Stripe retries a webhook for about three days; a longer outage, or a wrong webhook secret after
a deploy, loses events. `reconcile()` reads from the Stripe API what the webhooks would have
said and applies it through the webhook's own code paths, all idempotent (a payment is recorded
once per invoice or session, a state older than the member's is ignored):

1. **events** of the handled types created in the last `since` days (Stripe keeps 30): each one
   not yet processed is stored and processed exactly as if it had been delivered
   (`webhooks.store_event` / `process_event`), oldest first;
2. **Checkout Sessions** of applications still waiting for payment: a paid one is fulfilled
   (the member is made), as the thanks page or `checkout.session.completed` would;
3. **invoices** paid in the window for every member's subscription: one not recorded as a
   payment is applied as `invoice.paid` would be;
4. **subscriptions**: each member's subscription as Stripe has it now (status, cancellation,
   price) is applied as `customer.subscription.updated` / `.deleted` would be.

Steps 2 to 4 catch what fell out of the event window. Every Stripe read happens before the rows it
concerns are locked. `dry_run` reads everything and reports what would change, writing nothing.
"""

import datetime
import json
import logging
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from membership.checkout import fulfil_session, retrieve_checkout_session
from membership.models.applications import OPEN_STATUSES, Application
from membership.models.members import Member
from membership.models.payments import Payment, StripeEvent
from membership.stripe_gateway import stripe_client
from membership.stripe_prices import level_for_price
from membership.webhooks import (
    HANDLERS,
    SUBSCRIPTION_STATUS,
    on_invoice_paid,
    on_subscription_deleted,
    on_subscription_updated,
    process_event,
    store_event,
    subscription_price,
)

logger = logging.getLogger(__name__)

MAX_EVENT_DAYS = 30  # Stripe keeps events for 30 days


class StripeNotConfigured(Exception):
    pass


def plain(stripe_object) -> dict:
    """A Stripe object as the JSON a webhook carries: the library turns Stripe's decimal
    strings ("19500") into Decimal, which a JSON field cannot store; back to strings."""
    return json.loads(json.dumps(stripe_object.to_dict(), default=str))


@dataclass
class Reconciliation:
    dry_run: bool
    changes: list[str] = field(default_factory=list)  # one line per change (or would-be change)
    errors: list[str] = field(default_factory=list)
    events_read: int = 0

    def summary(self) -> str:
        verb = "would change" if self.dry_run else "changed"
        lines = [f"{self.events_read} event(s) read; {len(self.changes)} thing(s) {verb}."]
        lines += [f"  {line}" for line in self.changes]
        lines += [f"  error: {line}" for line in self.errors]
        return "\n".join(lines)


def reconcile(*, since_days: int = 3, dry_run: bool = False, client=None) -> Reconciliation:
    client = client or stripe_client()
    if client is None:
        raise StripeNotConfigured("Stripe is not configured (STRIPE_SECRET_KEY).")
    since = timezone.now() - datetime.timedelta(days=since_days)
    result = Reconciliation(dry_run=dry_run)
    _events(client, since, min(since_days, MAX_EVENT_DAYS), result)
    _checkout_sessions(client, result)
    _invoices(client, since, result)
    _subscriptions(client, result)
    return result


def _events(client, since, days: int, result: Reconciliation) -> None:
    start = int((timezone.now() - datetime.timedelta(days=days)).timestamp())
    listed = client.v1.events.list(
        params={"created": {"gte": start}, "types": sorted(HANDLERS), "limit": 100}
    )
    events = [plain(event) for event in listed.auto_paging_iter()]
    result.events_read = len(events)
    done = set(
        StripeEvent.objects.filter(
            stripe_id__in=[event["id"] for event in events], processed_at__isnull=False
        ).values_list("stripe_id", flat=True)
    )
    for event in sorted(events, key=lambda event: (event["created"], event["id"])):
        if event["id"] in done:
            continue
        if result.dry_run:
            result.changes.append(f"event {event['id']} ({event['type']}) not yet processed")
            continue
        row = store_event(event)
        try:
            outcome = process_event(row.pk)
        except Exception as error:
            logger.exception("Reconciling Stripe event %s failed", row.stripe_id)
            StripeEvent.objects.filter(pk=row.pk).update(
                error=f"{type(error).__name__}: {error}"[:2000], attempts=F("attempts") + 1
            )
            result.errors.append(f"event {event['id']} ({event['type']}): {error}")
            continue
        if outcome != "duplicate":
            result.changes.append(f"event {event['id']} ({event['type']}): {outcome}")


def _checkout_sessions(client, result: Reconciliation) -> None:
    waiting = Application.objects.filter(
        status__in=OPEN_STATUSES,
        member__isnull=True,
    ).exclude(stripe_checkout_session_id="")
    for application in waiting:
        session = retrieve_checkout_session(application.stripe_checkout_session_id, client=client)
        if session.get("payment_status") not in ("paid", "no_payment_required"):
            continue
        if result.dry_run:
            result.changes.append(f"application {application.pk}: paid at Checkout, no member")
            continue
        fulfilment = fulfil_session(session)
        result.changes.append(f"application {application.pk}: {fulfilment.result}")


def _subscribers():
    return Member.objects.exclude(stripe_subscription_id="").order_by("pk")


def _invoices(client, since, result: Reconciliation) -> None:
    for member in _subscribers():
        listed = client.v1.invoices.list(
            params={
                "subscription": member.stripe_subscription_id,
                "status": "paid",
                "created": {"gte": int(since.timestamp())},
                "limit": 100,
            }
        )
        for invoice in listed.auto_paging_iter():
            invoice = plain(invoice)
            if Payment.objects.filter(stripe_invoice_id=invoice["id"]).exists():
                continue
            if not invoice.get("amount_paid"):
                continue
            if result.dry_run:
                result.changes.append(f"invoice {invoice['id']}: paid, not recorded")
                continue
            with transaction.atomic():
                outcome = on_invoice_paid(invoice, None, None)
            result.changes.append(f"invoice {invoice['id']}: {outcome}")


def _subscriptions(client, result: Reconciliation) -> None:
    now = SimpleNamespace(created=timezone.now())  # what Stripe says now is the newest state
    for member in _subscribers():
        subscription = plain(client.v1.subscriptions.retrieve(member.stripe_subscription_id))
        ended = subscription.get("status") in ("canceled", "incomplete_expired")
        if not _differs(member, subscription, ended=ended):
            continue
        if result.dry_run:
            result.changes.append(
                f"member {member.pk}: subscription {subscription['id']} is "
                f"{subscription.get('status')}"
            )
            continue
        apply = on_subscription_deleted if ended else on_subscription_updated
        with transaction.atomic():
            outcome = apply(subscription, now, None)
        result.changes.append(f"member {member.pk}: {outcome}")


def _differs(member: Member, subscription: dict, *, ended: bool) -> bool:
    """Does the member's state disagree with its subscription's (as the handlers set it)?"""
    if ended:
        return member.auto_renew or member.cancel_at_period_end
    cancelling = bool(subscription.get("cancel_at_period_end"))
    status = SUBSCRIPTION_STATUS.get(subscription.get("status"))
    level = level_for_price(subscription_price(subscription))
    return (
        member.cancel_at_period_end != cancelling
        or member.auto_renew == cancelling
        or (status is not None and status != member.status)
        or (level is not None and level.pk != member.level_id)
    )
