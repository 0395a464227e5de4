"""Revenue by month and level, with totals per currency: THE rule for which month money
counts in.

- Dues are `Payment` rows. A payment counts in the month it was received (`paid_on`), under
  its member's level *now* (a payment does not record the level), in its own currency; waived
  years count nothing. Currencies are never added together.
- A **void** or an **adjustment** corrects the record of a payment: it counts in the month of
  the payment it corrects, so a voided payment counts zero there, and an adjusted one the
  amount finally received (each correction row's signed `amount` is its effect on the money
  received: membership/models/payments.py).
- A **refund** is money going back, on the day it was made: it counts (negative) in its own
  month, and so does the adjustment that undoes a refund that failed at Stripe. A month
  already reported therefore changes only when a payment in it is voided or adjusted.
- Other money (event tickets) is not a `Payment`: the app that takes it registers a
  `RevenueSource` (events does, from its `AppConfig.ready()`), shown in a column of its own
  beside dues, never mixed into them, and left out when the report is filtered by level.

One query for dues (grouped by month, currency and level in the database), one per source.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, DateField, F, Q, Sum, When
from django.db.models.functions import TruncMonth

from chamber.reports import month_end, month_key
from membership.models.members import MembershipLevel
from membership.models.payments import Payment

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class RevenueSource:
    """Money the portal takes besides dues. `amounts(first_day, last_day)` gives
    (first day of the month, currency, amount) triples, in as few queries as it can."""

    key: str
    label: str
    amounts: Callable[[datetime.date, datetime.date], Iterable[tuple]]


_sources: dict[str, RevenueSource] = {}


def register_source(source: RevenueSource) -> None:
    _sources[source.key] = source


def sources() -> list[RevenueSource]:
    return sorted(_sources.values(), key=lambda source: source.key)


def dues_counted_on():
    """The day a payment row's amount counts on (see the module's rule)."""
    Kind = Payment.Kind
    return Case(
        When(Q(kind=Kind.REFUND) | ~Q(stripe_refund_id=""), then=F("paid_on")),
        When(kind=Kind.PAYMENT, then=F("paid_on")),
        default=F("corrects__paid_on"),
        output_field=DateField(),
    )


def revenue_by_month(
    *, months: list[datetime.date], level: MembershipLevel | None = None
) -> tuple[list[dict], list[MembershipLevel], list[RevenueSource]]:
    """One row per month and currency: dues per level, dues, each source, total."""
    first, last = months[0], month_end(months[-1])
    levels = [level] if level else list(MembershipLevel.objects.all())
    payments = Payment.objects.annotate(counted_on=dues_counted_on()).filter(
        counted_on__gte=first, counted_on__lte=last
    )
    if level:
        payments = payments.filter(member__level=level)
    amounts: dict[tuple, Decimal] = defaultdict(lambda: ZERO)
    for group in (
        payments.annotate(month=TruncMonth("counted_on"))
        .values("month", "currency", "member__level_id")
        .annotate(amount=Sum("amount"))
        .order_by()
    ):
        key = (month_key(group["month"]), group["currency"], f"level_{group['member__level_id']}")
        amounts[key] += group["amount"]
    shown_sources = [] if level else sources()
    for source in shown_sources:
        for month, currency, amount in source.amounts(first, last):
            amounts[(month_key(month), currency, f"source_{source.key}")] += amount
    currencies = sorted({currency for _month, currency, _key in amounts}) or [
        levels[0].currency if levels else "usd"
    ]
    rows = []
    for month in months:
        for currency in currencies:
            row = {"month": month_key(month), "currency": currency.upper()}
            for one in levels:
                row[f"level_{one.pk}"] = amounts.get(
                    (row["month"], currency, f"level_{one.pk}"), ZERO
                )
            row["dues"] = sum(
                (
                    amount
                    for (m, c, key), amount in amounts.items()
                    if m == row["month"] and c == currency and key.startswith("level_")
                ),
                ZERO,
            )
            for source in shown_sources:
                row[f"source_{source.key}"] = amounts.get(
                    (row["month"], currency, f"source_{source.key}"), ZERO
                )
            row["total"] = row["dues"] + sum(
                (row[f"source_{source.key}"] for source in shown_sources), ZERO
            )
            rows.append(row)
    return rows, levels, shown_sources


def totals_by_currency(rows: list[dict]) -> list[dict]:
    """A total row per currency (every amount column summed)."""
    totals: dict[str, dict] = {}
    for row in rows:
        total = totals.setdefault(row["currency"], {"month": "Total", "currency": row["currency"]})
        for key, value in row.items():
            if isinstance(value, Decimal):
                total[key] = total.get(key, ZERO) + value
    return list(totals.values())
