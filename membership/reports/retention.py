"""Retention: per month, the memberships due to renew, renewed and lapsed, and the renewal
rate. THE rule for "renewed":

- A membership is **due** on each day a paid period ends: the end of each payment that still
  counts (voided and fully refunded ones don't; an adjustment's end wins:
  `Payment.effect`), and the member's paid-through date now (which also covers dates typed by
  staff or imported, with no payment behind them). It is due in the month of that day. Members
  with no end date never are, nor are pending members (applicants).
- It **renewed** when a payment that still counts pays for time after that day and was received
  by the end of the grace period after it (early renewals included); or, with no such payment
  anywhere, when the member's paid-through date is now later than that day (staff extended it
  by hand).
- It **lapsed** when the grace period after that day has run out without a renewal (a member
  who pays later, after its grace, lapsed and re-joined). Until then it is **open**: not due
  yet, or in its grace period.
- **Renewal rate**: renewed / (renewed + lapsed), of the memberships whose outcome is known.

Three queries: the members, their payments, and the corrections of those payments.
"""

import datetime
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from chamber.reports import month_end, month_key
from membership.models.members import Member, MembershipLevel, membership_grace_days
from membership.models.payments import Payment
from membership.reports.periods import counting_periods

RENEWED, LAPSED, OPEN = "renewed", "lapsed", "open"


def renewal_rate(renewed: int, lapsed: int) -> Decimal | None:
    """Renewed as a percentage of the decided (renewed + lapsed), one decimal; None if none."""
    decided = renewed + lapsed
    if not decided:
        return None
    return (Decimal(100) * renewed / decided).quantize(Decimal("0.1"))


def outcome(
    *,
    due: datetime.date,
    paid_through: datetime.date | None,
    periods: list[tuple[datetime.date, datetime.date]],
    grace: datetime.timedelta,
    today: datetime.date,
) -> str:
    """RENEWED, LAPSED or OPEN for a membership due on `due`; `periods` are the member's
    counting payments as (paid on, period end)."""
    later = [paid_on for paid_on, period_end in periods if period_end > due]
    if any(paid_on <= due + grace for paid_on in later):
        return RENEWED
    if not later and paid_through is not None and paid_through > due:
        return RENEWED
    return LAPSED if today > due + grace else OPEN


def retention_by_month(
    *, months: list[datetime.date], level: MembershipLevel | None = None
) -> list[dict]:
    today = timezone.localdate()
    grace = datetime.timedelta(days=membership_grace_days())
    first, last = months[0], month_end(months[-1])
    # A member whose paid-through date is before the range has no period ending in it (its
    # paid-through date is the end of its last counting period, or later).
    members = Member.objects.exclude(status=Member.Status.PENDING).filter(
        no_end_date=False, paid_through__gte=first
    )
    if level:
        members = members.filter(level=level)
    paid_through = dict(members.values_list("pk", "paid_through"))
    adjusted = Payment.objects.filter(corrects=OuterRef("pk"), kind=Payment.Kind.ADJUSTMENT)
    payments = (
        Payment.objects.originals()
        .filter(member__in=members)
        .filter(Q(period_end__gte=first) | Exists(adjusted))
    )
    periods = {
        member_id: [(period.paid_on, period.end) for period in member_periods]
        for member_id, member_periods in counting_periods(payments).items()
    }
    rows = {
        month_key(month): {"month": month_key(month), "due": 0, RENEWED: 0, LAPSED: 0, OPEN: 0}
        for month in months
    }
    for member_id, member_paid_through in paid_through.items():
        member_periods = periods.get(member_id, [])
        due_days = {period_end for _paid_on, period_end in member_periods}
        due_days.add(member_paid_through)
        for due in due_days:
            if not first <= due <= last:
                continue
            row = rows[month_key(due)]
            row["due"] += 1
            row[
                outcome(
                    due=due,
                    paid_through=member_paid_through,
                    periods=member_periods,
                    grace=grace,
                    today=today,
                )
            ] += 1
    for row in rows.values():
        row["rate"] = renewal_rate(row[RENEWED], row[LAPSED])
    return list(rows.values())


def totals(rows: list[dict]) -> dict:
    summed = {"month": "Total"}
    for key in ("due", RENEWED, LAPSED, OPEN):
        summed[key] = sum(row[key] for row in rows)
    summed["rate"] = renewal_rate(summed[RENEWED], summed[LAPSED])
    return summed
