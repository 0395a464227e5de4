"""Dues: every change to a member's paid period, status and level goes through here.

Two rules keep the money right whatever order Stripe's events arrive in:

- A payment is recorded at most once, keyed by Stripe's invoice or checkout session (database
  unique constraints), and ``paid_through`` only ever moves forward to the end of a period that
  was paid for (a maximum, which does not depend on order).
- Status, level and renewal flags follow the newest Stripe state: each change carries the time
  Stripe says it happened, and an older state never overwrites a newer one. Two states of the
  same second are settled by severity (cancelled > lapsed > past due > active), so the outcome
  is the same in any order.

A correction (a void, an adjustment, a refund: membership/corrections.py) is the one thing
that may move `paid_through` back: it is then recomputed from the payments that still count
(`paid_through_from_payments`).

Each status change leaves an entry in Wagtail's audit log.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from wagtail.log_actions import log

from membership.models.members import PAYING, Member, MembershipLevel, membership_grace_days
from membership.models.payments import Payment
from membership.stripe_gateway import stripe_client
from membership.stripe_prices import sync_level_prices

Status = Member.Status

# Which of two states of the same second wins (see the module docstring).
SEVERITY = {
    Status.PENDING: 0,
    Status.ACTIVE: 1,
    Status.PAST_DUE: 2,
    Status.LAPSED: 3,
    Status.CANCELLED: 4,
}

STATUS_CHANGED = "membership.status_changed"
LEVEL_CHANGED = "membership.level_changed"
PAYMENT_RECORDED = "membership.payment_recorded"
NO_END_DATE_CHANGED = "membership.no_end_date"


def add_years(day: datetime.date, years: int = 1) -> datetime.date:
    """The same calendar day `years` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def from_timestamp(seconds: int) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC)


def local_date(seconds: int) -> datetime.date:
    return timezone.localdate(from_timestamp(seconds))


def lock_member(member_id: int) -> Member:
    """The member row, locked until the end of the transaction (PostgreSQL)."""
    return Member.objects.select_for_update(of=("self",)).select_related("level").get(pk=member_id)


@dataclass(frozen=True)
class StripeState:
    """What a Stripe object says about a member at a moment (None: says nothing about it)."""

    at: datetime.datetime
    status: str | None = None
    level: MembershipLevel | None = None
    auto_renew: bool | None = None
    cancel_at_period_end: bool | None = None


def apply_stripe_state(member: Member, state: StripeState, *, reason: str) -> bool:
    """Apply `state` unless the member already reflects a newer one; True if anything changed.

    `member` must be locked (lock_member) by the caller's transaction.
    """
    if member.stripe_state_at is not None:
        if state.at < member.stripe_state_at:
            return False
        if (
            state.at == member.stripe_state_at
            and state.status is not None
            and SEVERITY[state.status] < SEVERITY[member.status]
        ):
            return False
    previous_status, previous_level = member.status, member.level
    member.stripe_state_at = state.at
    if state.status is not None:
        member.status = state.status
    if state.level is not None:
        member.level = state.level
    if state.auto_renew is not None:
        member.auto_renew = state.auto_renew
    if state.cancel_at_period_end is not None:
        member.cancel_at_period_end = state.cancel_at_period_end
    member.save()
    log_changes(member, previous_status, previous_level, reason=reason)
    return True


def set_status(member: Member, status: str, *, reason: str, user=None) -> None:
    """A change decided here or by staff (not by Stripe): applies at once."""
    previous_status, previous_level = member.status, member.level
    member.status = status
    member.save()
    log_changes(member, previous_status, previous_level, reason=reason, user=user)


def change_level(
    member: Member, level: MembershipLevel, *, reason: str, user=None
) -> MembershipLevel | None:
    """Move a member to another level; the level it left, or None if it was already there.

    A Stripe subscription moves to the level's yearly price from its next renewal (no pro-rata
    charge), so Stripe's later events agree with it. Stripe is called first, with no lock held;
    then the member is locked and moved. Both steps can be repeated: Stripe's update sets the
    same price again, and a member already at the level is left as it is.
    """
    member = Member.objects.select_related("level").get(pk=member.pk)
    if member.level_id == level.pk:
        return None
    client = stripe_client()
    if client is not None and member.stripe_subscription_id:
        if not level.stripe_price_id:
            sync_level_prices(level, client=client)
        subscription = client.v1.subscriptions.retrieve(member.stripe_subscription_id)
        item = subscription["items"]["data"][0]
        client.v1.subscriptions.update(
            member.stripe_subscription_id,
            params={
                "items": [{"id": item["id"], "price": level.stripe_price_id}],
                "proration_behavior": "none",
            },
        )
    with transaction.atomic():
        member = lock_member(member.pk)
        previous_status, previous_level = member.status, member.level
        if previous_level.pk == level.pk:
            return None
        member.level = level
        member.save()
        log_changes(member, previous_status, previous_level, reason=reason, user=user)
    return previous_level


def log_changes(
    member, previous_status, previous_level, *, reason: str, user=None, previous_no_end_date=None
) -> None:
    """Audit-log a change of status, level and/or "no end date" (one entry each)."""
    if previous_no_end_date is not None and previous_no_end_date != member.no_end_date:
        log(
            instance=member,
            action=NO_END_DATE_CHANGED,
            user=user,
            data={"to": member.no_end_date, "reason": reason},
        )
    if previous_status != member.status:
        log(
            instance=member,
            action=STATUS_CHANGED,
            user=user,
            data={"from": previous_status, "to": member.status, "reason": reason},
        )
    if previous_level.pk != member.level.pk:
        log(
            instance=member,
            action=LEVEL_CHANGED,
            user=user,
            data={"from": previous_level.name, "to": member.level.name, "reason": reason},
        )


def extend_paid_through(member: Member, period_end: datetime.date) -> bool:
    """Move `paid_through` forward to `period_end` (never back); True if it moved."""
    if member.paid_through is not None and member.paid_through >= period_end:
        return False
    member.paid_through = period_end
    member.save()
    return True


def record_payment(
    member: Member,
    *,
    amount: Decimal,
    currency: str,
    method: str,
    paid_on: datetime.date,
    period_start: datetime.date,
    period_end: datetime.date,
    user=None,
    **identity,
) -> Payment | None:
    """Record a payment and extend the paid period; None if this payment is already recorded.

    `identity` holds the Stripe ids (stripe_invoice_id, stripe_checkout_session_id,
    stripe_payment_intent_id), reference, application: the unique Stripe ids make a second
    call with the same invoice or session a no-op. `member` must be locked by the caller.
    """
    recorded = Q()
    for key in ("stripe_invoice_id", "stripe_checkout_session_id"):
        if identity.get(key):
            recorded |= Q(**{key: identity[key]})
    if recorded and Payment.objects.filter(recorded).exists():
        return None
    with transaction.atomic():  # a savepoint: a concurrent twin fails alone, not the caller
        payment = Payment.objects.create(
            member=member,
            amount=amount,
            currency=currency,
            method=method,
            paid_on=paid_on,
            period_start=period_start,
            period_end=period_end,
            recorded_by=user,
            paid_through_before=member.paid_through,
            **identity,
        )
    extend_paid_through(member, period_end)
    log(
        instance=member,
        action=PAYMENT_RECORDED,
        user=user,
        data={
            "amount": str(amount),
            "currency": currency,
            "method": method,
            "period_end": period_end.isoformat(),
        },
    )
    return payment


def paid_through_from_payments(
    member: Member, *, correction: Payment | None = None
) -> datetime.date | None:
    """THE rule for the paid-through date the member's payments account for: the latest end
    of a period that a payment still pays for (`Payment.effect`), or, if none does, the date the
    member was paid through before its first payment was recorded (a date staff typed or
    imported; None if unknown). `correction`, an unsaved correction row, is counted as if it
    were recorded: what the date would become (the correction forms show it before staff
    confirm)."""
    payments = list(
        Payment.objects.originals()
        .filter(member=member)
        .prefetch_related("corrections")
        .order_by("created_at", "pk")
    )
    dates = [payments[0].paid_through_before] if payments else []
    for payment in payments:
        corrections = list(payment.corrections.all())
        if correction is not None and correction.corrects_id == payment.pk:
            corrections.append(correction)
        effect = payment.effect(corrections)
        if effect.counts:
            dates.append(effect.period_end)
    return max((day for day in dates if day is not None), default=None)


@dataclass(frozen=True)
class PaidThroughChange:
    before: datetime.date | None
    after: datetime.date | None
    kept: bool = False  # set by hand past what the payments account for: left as it was

    @property
    def changed(self) -> bool:
        return self.before != self.after


def follow_payments(
    member: Member, *, accounted_before: datetime.date | None, reason: str, user=None
) -> PaidThroughChange:
    """After a correction: move `paid_through` to what the payments now account for, and the
    status word with it. `accounted_before` is `paid_through_from_payments` just before the
    correction; a paid-through date that differed from it was typed by staff, and stays (the
    correction cannot know what they meant). `member` must be locked by the caller.

    Status: no payment left makes the member pending again, as before its first payment
    (unless staff marked it "no end date"); a period that now ends in the past makes it past
    due or lapsed, as the dates say (`Member.status_on`); one moved forward to today or later
    makes a past-due or lapsed member active, as recording a payment does.
    """
    before = member.paid_through
    if before != accounted_before:
        return PaidThroughChange(before, before, kept=True)
    after = paid_through_from_payments(member)
    if after == before:
        return PaidThroughChange(before, after)
    member.paid_through = after
    member.save()
    today = timezone.localdate()
    moved_forward = after is not None and (before is None or after > before)
    if after is None:
        if member.status in PAYING and not member.no_end_date:
            set_status(member, Status.PENDING, reason=reason, user=user)
    elif moved_forward and after >= today and member.status in (Status.PAST_DUE, Status.LAPSED):
        set_status(member, Status.ACTIVE, reason=reason, user=user)
    else:
        by_dates = member.status_on(today)
        if by_dates != member.status:
            set_status(member, by_dates, reason=reason, user=user)
    return PaidThroughChange(before, after)


def next_period(member: Member, paid_on: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The year a one-time or offline payment buys: from the later of `paid_on` and the end
    of the current paid period."""
    start = max(paid_on, member.paid_through or paid_on)
    return start, add_years(start)


@transaction.atomic
def record_offline_payment(
    member: Member,
    *,
    amount: Decimal,
    method: str,
    paid_on: datetime.date,
    reference: str = "",
    user=None,
) -> Payment:
    """Staff record a cheque, transfer, cash or waived year: one more year, member active."""
    member = lock_member(member.pk)
    start, end = next_period(member, max(paid_on, timezone.localdate()))
    payment = record_payment(
        member,
        amount=amount,
        currency=member.level.currency,
        method=method,
        paid_on=paid_on,
        period_start=start,
        period_end=end,
        reference=reference,
        user=user,
    )
    if member.status != Status.ACTIVE:
        set_status(member, Status.ACTIVE, reason=f"offline payment ({method})", user=user)
    return payment


@dataclass
class StatusUpdate:
    past_due: int = 0
    lapsed: int = 0


def update_membership_statuses(today: datetime.date | None = None) -> StatusUpdate:
    """Store the status word the dates say (`Member.status_on`): past due after `paid_through`,
    lapsed after the grace period. Standing does not wait for this (it is a date); the words,
    the history and what is sent with them do. Idempotent; a member already moved is not
    touched again."""
    today = today or timezone.localdate()
    grace_days = membership_grace_days()
    result = StatusUpdate()
    behind = (
        Member.objects.with_current_status(today).exclude(current_status=F("status")).order_by("pk")
    )
    reasons = {
        Status.PAST_DUE: "dues not paid by the due date",
        Status.LAPSED: "dues not paid within the grace period",
    }
    for member_id in behind.values_list("pk", flat=True):
        with transaction.atomic():
            member = lock_member(member_id)
            status = member.status_on(today, grace_days=grace_days)
            if status != member.status:
                set_status(member, status, reason=reasons[status])
                setattr(result, status, getattr(result, status) + 1)
    return result


class AutoRenewNeedsCheckout(Exception):
    """Auto-renew can only be switched on for a member with a Stripe subscription."""


def set_auto_renew(member: Member, auto_renew: bool, *, user=None) -> Member:
    """Switch between yearly auto-renewal and paying each year by hand.

    With a Stripe subscription, turning auto-renew off cancels it at the period end (and back
    on undoes that); Stripe's `customer.subscription.updated` then confirms the same state.
    Stripe is called first, with no lock held, then the member is locked and written: asking
    twice asks Stripe for the same state twice.
    """
    member = Member.objects.get(pk=member.pk)
    subscription_id = member.stripe_subscription_id
    client = stripe_client()
    if auto_renew and not (client is not None and subscription_id):
        # Nothing would charge the member: turning auto-renew on needs a card at Checkout
        # (checkout.start_renewal_checkout(auto_renew=True)), which starts a subscription.
        raise AutoRenewNeedsCheckout(member)
    if client is not None and subscription_id:
        client.v1.subscriptions.update(
            subscription_id, params={"cancel_at_period_end": not auto_renew}
        )
    with transaction.atomic():
        member = lock_member(member.pk)
        if client is not None and subscription_id:
            member.cancel_at_period_end = not auto_renew
        member.auto_renew = auto_renew
        member.save()
        log(instance=member, action="wagtail.edit", user=user, data={"auto_renew": auto_renew})
    return member
