"""The paid periods that still count, per member: what the members and retention reports read
from the payments (THE rule for corrections is `Payment.effect`)."""

import datetime
from collections import defaultdict
from typing import NamedTuple

from membership.models.payments import Payment


class Period(NamedTuple):
    paid_on: datetime.date
    start: datetime.date
    end: datetime.date  # after adjustments


def counting_periods(payments) -> dict[int, list[Period]]:
    """Each member's periods paid by `payments` (originals) that still count, oldest first.
    Two queries. Plain rows, not model instances: a chamber has thousands of payments and few
    corrections; only a corrected payment is rebuilt to ask `Payment.effect`."""
    corrections = defaultdict(list)
    for row in Payment.objects.filter(corrects__in=payments.values("pk")).values(
        "pk", "corrects_id", "kind", "amount", "period_end", "stripe_refund_id"
    ):
        corrections[row.pop("corrects_id")].append(Payment(**row))
    periods: dict[int, list[Period]] = defaultdict(list)
    for pk, member_id, amount, paid_on, start, end in payments.values_list(
        "pk", "member_id", "amount", "paid_on", "period_start", "period_end"
    ).order_by("period_start", "pk"):
        if pk in corrections:
            effect = Payment(pk=pk, amount=amount, period_end=end).effect(corrections[pk])
            if not effect.counts:
                continue
            end = effect.period_end
        periods[member_id].append(Period(paid_on, start, end))
    return periods
