"""Correcting a payment: void, adjust, refund (issue #18). A payment is never edited or deleted.

Each correction is a new `Payment` row that `corrects` the original (see the model), with the
reason and who made it; the member's paid-through date is then recomputed from the payments
that still count (`dues.paid_through_from_payments`, `dues.follow_payments`), and the change is
written to the audit log of the member and of the payment.

- **Void** (offline payments): it did not happen, or not like that (a bounced cheque, a payment
  recorded on the wrong member). Its period stops counting.
- **Adjust** (offline payments): the amount received and/or the end of the period it pays for
  were not what was recorded.
- **Refund** (card payments): money goes back through Stripe. A card payment mirrors Stripe,
  so it changes only by a refund at Stripe: made here (`payment_refund`, which calls Stripe
  first and then records, with no lock held during the call) or in Stripe's dashboard (the
  `refund.*` and `charge.refunded` webhooks). Both record through `record_stripe_refund`, once
  per Stripe refund (a unique constraint): whichever comes first records it, the other finds it.
  A recorded refund that then fails at Stripe is undone by an adjustment naming the same refund
  (once, too), so the payment counts again.

Every writer locks the member row first, so two corrections of one member (a void and a
webhook, two staff) happen one after the other.

Each audit-log entry gets a uuid of its own: Wagtail's history shows only the latest entry of
an action among those sharing the request's uuid, across all objects, so the member's entry and
the payment's would otherwise hide one another.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from uuid import uuid4

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from membership import dues
from membership.dues import PaidThroughChange, local_date, lock_member
from membership.models.members import Member
from membership.models.payments import Payment
from membership.stripe_gateway import stripe_client
from membership.stripe_prices import amount_in_cents

Kind = Payment.Kind

PAYMENT_VOIDED = "membership.payment_voided"
PAYMENT_ADJUSTED = "membership.payment_adjusted"
PAYMENT_REFUNDED = "membership.payment_refunded"
LOG_ACTIONS = {
    Kind.VOID: PAYMENT_VOIDED,
    Kind.ADJUSTMENT: PAYMENT_ADJUSTED,
    Kind.REFUND: PAYMENT_REFUNDED,
}

# Stripe's refund states that mean the money is (or is on its way) back to the customer, and
# those that mean a refund did not happen after all.
REFUND_RECORDED_STATES = ("succeeded", "pending")
REFUND_UNDONE_STATES = ("failed", "canceled")


class CorrectionError(Exception):
    """A correction that cannot be made; the message is for staff."""


@dataclass(frozen=True)
class Correction:
    row: Payment  # the correction recorded (or found already recorded)
    paid_through: PaidThroughChange
    created: bool = True


def cents_to_amount(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


# What may be corrected -----------------------------------------------------------------------


def _original(payment: Payment) -> Payment:
    """The payment as recorded now, with its corrections (read under the member's lock)."""
    return Payment.objects.prefetch_related("corrections").get(pk=payment.pk)


def offline_correction_problem(payment: Payment) -> str:
    """Why `payment` cannot be voided or adjusted ("" if it can)."""
    if payment.is_correction:
        return _("Only a payment can be corrected, not a %(kind)s.") % {
            "kind": payment.get_kind_display().lower()
        }
    if payment.method == Payment.Method.STRIPE:
        return _("A card payment mirrors Stripe: it is corrected by refunding it through Stripe.")
    if payment.effect().voided:
        return _("This payment is already void.")
    return ""


def refund_problem(payment: Payment) -> str:
    """Why `payment` cannot be refunded through Stripe ("" if it can)."""
    if payment.is_correction:
        return _("Only a payment can be refunded, not a %(kind)s.") % {
            "kind": payment.get_kind_display().lower()
        }
    if payment.method != Payment.Method.STRIPE:
        return _("Only card payments are refunded through Stripe; void or adjust this one.")
    if payment.effect().net_amount <= 0:
        return _("This payment has been refunded in full.")
    if not (payment.stripe_payment_intent_id or payment.stripe_invoice_id):
        return _("This payment names no Stripe payment to refund.")
    return ""


def _check_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise CorrectionError(_("Say why: a correction needs a reason."))
    return reason


# Recording a correction ----------------------------------------------------------------------


def _record(
    member: Member,
    original: Payment,
    *,
    kind: str,
    amount: Decimal,
    period_end: datetime.date,
    reason: str,
    user=None,
    paid_on: datetime.date | None = None,
    **identity,
) -> Correction:
    """Write the correction row, recompute paid-through, log it; `member` is locked."""
    accounted_before = dues.paid_through_from_payments(member)
    with transaction.atomic():  # a savepoint: a concurrent twin (same void, refund) fails alone
        row = Payment.objects.create(
            member=member,
            kind=kind,
            corrects=original,
            amount=amount,
            currency=original.currency,
            method=original.method,
            paid_on=paid_on or timezone.localdate(),
            period_start=original.period_start,
            period_end=period_end,
            reason=reason,
            recorded_by=user,
            **identity,
        )
    change = dues.follow_payments(
        member,
        accounted_before=accounted_before,
        reason=f"payment {Kind(kind).label.lower()}",
        user=user,
    )
    data = {
        "payment": original.pk,
        "correction": row.pk,
        "amount": str(amount),
        "currency": original.currency,
        "reason": reason,
        "paid_through_from": change.before.isoformat() if change.before else None,
        "paid_through_to": change.after.isoformat() if change.after else None,
        "paid_through_kept": change.kept,
    }
    for instance in (member, original):
        log(instance=instance, action=LOG_ACTIONS[kind], user=user, data=data, uuid=uuid4())
    return Correction(row, change)


def void_row(original: Payment, *, reason: str = "", user=None) -> Payment:
    """The void of `original`, unsaved: what `payment_void` records (and previews show)."""
    effect = original.effect()
    return Payment(
        member_id=original.member_id,
        kind=Kind.VOID,
        corrects=original,
        amount=-effect.net_amount,
        period_end=effect.period_end,
        reason=reason,
    )


def adjustment_row(
    original: Payment, *, amount: Decimal, period_end: datetime.date, reason: str = ""
) -> Payment:
    """The adjustment of `original` to `amount` and `period_end`, unsaved."""
    return Payment(
        member_id=original.member_id,
        kind=Kind.ADJUSTMENT,
        corrects=original,
        amount=amount - original.effect().net_amount,
        period_end=period_end,
        reason=reason,
    )


def preview(member: Member, row: Payment) -> PaidThroughChange:
    """What recording the unsaved correction `row` would do to the paid-through date."""
    member = Member.objects.get(pk=member.pk)
    accounted = dues.paid_through_from_payments(member)
    if member.paid_through != accounted:
        return PaidThroughChange(member.paid_through, member.paid_through, kept=True)
    return PaidThroughChange(
        member.paid_through, dues.paid_through_from_payments(member, correction=row)
    )


@transaction.atomic
def payment_void(*, payment: Payment, reason: str, user=None) -> Correction:
    """Void an offline payment: it stops counting; the money it recorded is taken back out."""
    reason = _check_reason(reason)
    member = lock_member(payment.member_id)
    original = _original(payment)
    if problem := offline_correction_problem(original):
        raise CorrectionError(problem)
    row = void_row(original)
    return _record(
        member,
        original,
        kind=Kind.VOID,
        amount=row.amount,
        period_end=row.period_end,
        reason=reason,
        user=user,
    )


@transaction.atomic
def payment_adjust(
    *,
    payment: Payment,
    amount: Decimal,
    period_end: datetime.date,
    reason: str,
    user=None,
) -> Correction:
    """Correct an offline payment's amount and/or the end of the period it pays for."""
    reason = _check_reason(reason)
    member = lock_member(payment.member_id)
    original = _original(payment)
    if problem := offline_correction_problem(original):
        raise CorrectionError(problem)
    if amount < 0:
        raise CorrectionError(_("The amount received cannot be negative."))
    if period_end <= original.period_start:
        raise CorrectionError(_("The period must end after it starts."))
    effect = original.effect()
    if amount == effect.net_amount and period_end == effect.period_end:
        raise CorrectionError(_("Nothing to adjust: the amount and period are as recorded."))
    row = adjustment_row(original, amount=amount, period_end=period_end)
    return _record(
        member,
        original,
        kind=Kind.ADJUSTMENT,
        amount=row.amount,
        period_end=period_end,
        reason=reason,
        user=user,
    )


# Refunds through Stripe ----------------------------------------------------------------------


def payment_intent_for(payment: Payment, *, client) -> str:
    """The Stripe PaymentIntent that paid `payment`: recorded with it (one-time Checkout), or
    found through its invoice (a subscription's invoice names its payments in the
    `invoice_payments` list; invoices no longer carry a payment_intent)."""
    if payment.stripe_payment_intent_id:
        return payment.stripe_payment_intent_id
    if payment.stripe_invoice_id:
        listed = client.v1.invoice_payments.list(
            params={"invoice": payment.stripe_invoice_id, "status": "paid", "limit": 10}
        )
        for invoice_payment in listed.data:
            intent = object_id(
                (invoice_payment.to_dict().get("payment") or {}).get("payment_intent")
            )
            if intent:
                return intent
    raise CorrectionError(_("Stripe has no payment for this record; refund it in Stripe."))


def payment_for_refund(refund: dict, *, client) -> Payment | None:
    """Our payment that a Stripe refund (a plain dict) returns money from: by its
    PaymentIntent, directly or through the invoice it paid. Reads Stripe: call it with no lock
    held."""
    intent = refund.get("payment_intent")
    intent_id = intent if isinstance(intent, str) else (intent or {}).get("id", "")
    if not intent_id:
        return None
    payments = Payment.objects.originals().filter(method=Payment.Method.STRIPE)
    payment = payments.filter(stripe_payment_intent_id=intent_id).first()
    if payment is not None or client is None:
        return payment
    listed = client.v1.invoice_payments.list(
        params={"payment": {"type": "payment_intent", "payment_intent": intent_id}, "limit": 10}
    )
    invoices = [object_id(row.to_dict().get("invoice")) for row in listed.data]
    return payments.filter(stripe_invoice_id__in=[i for i in invoices if i]).first()


def object_id(value) -> str:
    if not value:
        return ""
    return value if isinstance(value, str) else value["id"]


def record_stripe_refund(
    refund: dict, *, payment: Payment, reason: str = "", user=None
) -> Correction | None:
    """Record what Stripe says of a refund (a plain dict) of `payment`: a refund row once it is
    accepted (succeeded or pending), and, should a recorded refund then fail or be canceled,
    an adjustment that puts the money back (the charge keeps it), once each; None when there
    is nothing to record. Called inside a transaction; locks the member."""
    status = refund.get("status")
    if status in REFUND_RECORDED_STATES:
        kind = Kind.REFUND
    elif status in REFUND_UNDONE_STATES:
        kind = Kind.ADJUSTMENT
    else:
        return None
    member = lock_member(payment.member_id)
    rows = Payment.objects.filter(stripe_refund_id=refund["id"])
    recorded = {row.kind: row for row in rows}
    unchanged = PaidThroughChange(member.paid_through, member.paid_through)
    if kind in recorded:
        return Correction(recorded[kind], unchanged, False)
    if kind == Kind.ADJUSTMENT and Kind.REFUND not in recorded:
        return None  # it failed before it was ever recorded: nothing happened to the money
    original = _original(payment)
    if kind == Kind.REFUND:
        metadata = refund.get("metadata") or {}
        amount = -cents_to_amount(refund["amount"])
        reason = (
            reason
            or metadata.get("chamber_reason", "")
            or _("Refunded in Stripe (%(reason)s)")
            % {"reason": refund.get("reason") or _("no reason given")}
        )
        if user is None and str(metadata.get("chamber_user", "")).isdigit():
            user = _user(int(metadata["chamber_user"]))
        paid_on = local_date(refund["created"])
    else:
        amount = -recorded[Kind.REFUND].amount
        reason = _("Stripe refund %(refund)s %(status)s: the money stayed with the chamber.") % {
            "refund": refund["id"],
            "status": status,
        }
        paid_on = None
    try:
        return _record(
            member,
            original,
            kind=kind,
            amount=amount,
            period_end=original.effect().period_end,
            reason=reason,
            user=user,
            paid_on=paid_on,
            stripe_refund_id=refund["id"],
            stripe_payment_intent_id=object_id(refund.get("payment_intent")),
        )
    except IntegrityError:  # a twin delivery recorded it after our check
        return Correction(rows.get(kind=kind), unchanged, False)


def _user(pk: int):
    return get_user_model().objects.filter(pk=pk).first()


def payment_refund(
    *, payment: Payment, amount: Decimal, reason: str, stripe_reason: str = "", user=None
) -> Correction:
    """Refund (part of) a card payment through Stripe, then record it.

    Stripe is called first, with no lock held; a Stripe error (`stripe.StripeError`) propagates
    and nothing is written. The refund carries our reason and user in its metadata, so the
    webhook that reports it records the same if it happens to arrive first; the idempotency key
    names the payment, the amount already refunded and this amount, so a double submit makes
    one refund.
    """
    reason = _check_reason(reason)
    payment = _original(payment)
    if problem := refund_problem(payment):
        raise CorrectionError(problem)
    refundable = payment.effect().net_amount
    if not Decimal("0.01") <= amount <= refundable:
        raise CorrectionError(
            _("The amount to refund must be between 0.01 and %(most)s.") % {"most": refundable}
        )
    client = stripe_client()
    if client is None:
        raise CorrectionError(_("Stripe is not configured, so nothing can be refunded here."))
    intent_id = payment_intent_for(payment, client=client)
    cents = amount_in_cents(amount)
    already = amount_in_cents(payment.effect().refunded)
    metadata = {"chamber_payment": str(payment.pk), "chamber_reason": reason[:500]}
    if user is not None:
        metadata["chamber_user"] = str(user.pk)
    params = {"payment_intent": intent_id, "amount": cents, "metadata": metadata}
    if stripe_reason:
        params["reason"] = stripe_reason
    refund = client.v1.refunds.create(
        params=params,
        options={"idempotency_key": f"chamber-payment-{payment.pk}-refund-{already}-{cents}"},
    )
    with transaction.atomic():
        correction = record_stripe_refund(
            refund.to_dict(), payment=payment, reason=reason, user=user
        )
    if correction is None:
        raise CorrectionError(
            _("Stripe has not accepted the refund (%(status)s); see the payment in Stripe.")
            % {"status": refund.status}
        )
    return correction
