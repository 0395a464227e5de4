"""The payments export, for the chamber's accountant: one row per payment or correction in the
Payments list's filters (paid on from/to, method, kind, member's level), then totals per
method and currency; CSV or XLSX (chamber/exports.py), streamed.

Totals, THE rule: the net amount of a method and currency is the sum of `amount` over every
row exported, payments and corrections alike, each counted on its own date (`paid_on`). A
correction's amount already is its effect on the money received (a void: minus what was left;
a refund: minus what Stripe returned; an adjustment: the difference; see `Payment`), so a May
payment refunded in June counts +195 in May and -195 in June, as the bank statement has it, and
a range that holds both nets to 0. "Received" sums the payments, "Corrections" the corrections,
so Net = Received + Corrections. Computed in SQL, in one query.

Each row also says the payment's state after all its corrections, whatever their date
(`Payment.state_label`: received, voided, adjusted, refunded), and a correction names the
payment it corrects ("Corrects"), so the accountant can pair them.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from chamber.exports import CHUNK_SIZE, Cell, Sheet, spreadsheet_response
from membership.models import Payment

HEADINGS = [
    "Payment ID",
    "Date",
    "Member",
    "Member ID",
    "Level",
    "Kind",
    "Description",
    "Period start",
    "Period end",
    "Amount",
    "Currency",
    "Method",
    "Reference",
    "Stripe invoice id",
    "Stripe payment intent id",
    "Stripe refund id",
    "State",
    "Corrects",
]
TOTAL_HEADINGS = ["Method", "Currency", "Rows", "Received", "Corrections", "Net amount"]
CENT = Decimal("0.01")  # SQLite's sums come back as 100, PostgreSQL's as 100.00
# Wider than a payment's amount: 100,000 payments of 195.00 need ten digits.
TOTAL_FIELD = DecimalField(max_digits=15, decimal_places=2)
ZERO = Value(Decimal("0.00"), output_field=TOTAL_FIELD)


def description(payment: Payment) -> str:
    """What the money was for, in words an accountant files: "Annual dues 2026-05-01 to
    2027-04-30"; a correction: "Refund of payment 12: <the reason staff gave>"."""
    if payment.is_correction:
        return _("%(kind)s of payment %(id)s: %(reason)s") % {
            "kind": payment.get_kind_display(),
            "id": payment.corrects_id,
            "reason": payment.reason,
        }
    return _("Annual dues %(start)s to %(end)s") % {
        "start": payment.period_start.isoformat(),
        "end": payment.period_end.isoformat(),
    }


def payment_row(payment: Payment) -> list[Cell]:
    member = payment.member
    return [
        payment.pk,
        payment.paid_on,
        member.name,
        member.pk,
        member.level.name,
        payment.get_kind_display(),
        description(payment),
        payment.period_start,
        payment.period_end,
        payment.amount,
        payment.currency.upper(),
        payment.get_method_display(),
        payment.reference,
        payment.stripe_invoice_id,
        payment.stripe_payment_intent_id,
        payment.stripe_refund_id,
        payment.state_label(),
        payment.corrects_id,
    ]


def payment_rows(payments: QuerySet) -> Iterator[list[Cell]]:
    rows = payments.select_related("member__level").prefetch_related("corrections")
    for payment in rows.iterator(chunk_size=CHUNK_SIZE):
        yield payment_row(payment)


@dataclass(frozen=True)
class Total:
    method: str  # the method's label ("Cheque")
    currency: str  # upper case ("USD")
    rows: int
    received: Decimal  # payments
    corrections: Decimal  # voids, adjustments, refunds (negative when money went back)

    @property
    def net(self) -> Decimal:
        return self.received + self.corrections


def payment_totals(payments: QuerySet) -> list[Total]:
    """The totals of `payments` per method and currency (the rule: module docstring)."""
    original = Q(kind=Payment.Kind.PAYMENT)
    groups = (
        payments.order_by()
        .prefetch_related(None)
        .values("method", "currency")
        .annotate(
            rows=Count("pk"),
            received=Coalesce(Sum("amount", filter=original, output_field=TOTAL_FIELD), ZERO),
            corrections=Coalesce(Sum("amount", filter=~original, output_field=TOTAL_FIELD), ZERO),
        )
        .order_by("method", "currency")
    )
    return [
        Total(
            method=str(Payment.Method(group["method"]).label),
            currency=group["currency"].upper(),
            rows=group["rows"],
            received=Decimal(group["received"]).quantize(CENT),
            corrections=Decimal(group["corrections"]).quantize(CENT),
        )
        for group in groups
    ]


def total_rows(payments: QuerySet) -> Iterator[list[Cell]]:
    # A generator: the totals are read after the rows, when the response gets there.
    for total in payment_totals(payments):
        yield [
            total.method,
            total.currency,
            total.rows,
            total.received,
            total.corrections,
            total.net,
        ]


def payments_export(payments: QuerySet, export_format: str, filename: str = "payments"):
    """`payments` as a spreadsheet: the rows, then the totals (in a CSV after a blank row,
    each line labelled "Total"; in an XLSX on a second sheet, "Totals")."""
    sheets = [
        Sheet(title="Payments", headings=HEADINGS, rows=payment_rows(payments)),
        Sheet(
            title="Totals",
            headings=TOTAL_HEADINGS,
            rows=total_rows(payments),
            csv_label="Total",
        ),
    ]
    return spreadsheet_response(export_format, filename, sheets)
