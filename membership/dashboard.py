"""Membership's part of the admin home's "Today's work" (chamber/dashboard.py): each value is
one query, and each links to the admin list filtered to show exactly what it counts."""

import datetime

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chamber.dashboard import FIGURE, WorkItem, register
from membership import reminders
from membership.models import Application, Member, Payment, StripeEvent

FAILED_PAYMENT = "invoice.payment_failed"
RECENT_DAYS = 30
MEMBERS = ("membership.view_member", "membership.change_member")


def _month_start() -> datetime.date:
    return timezone.localdate().replace(day=1)


def _year_start() -> datetime.date:
    return timezone.localdate().replace(month=1, day=1)


def applications(status: str):
    return lambda: Application.objects.filter(status=status).count()


def failed_payments() -> int:
    since = timezone.now() - datetime.timedelta(days=RECENT_DAYS)
    return StripeEvent.objects.filter(type=FAILED_PAYMENT, created__gte=since).count()


def renewals_due() -> int:
    return Member.objects.renewal_due().count()


def past_due() -> int:
    return (
        Member.objects.with_current_status().filter(current_status=Member.Status.PAST_DUE).count()
    )


def reminders_skipped() -> int:
    return reminders.reminders_skipped().count()


def dues_since(start) -> str:
    """Dues recorded since `start`, per currency ("1,250.00 USD"), in one query."""
    totals = (
        Payment.objects.filter(paid_on__gte=start)
        .values("currency")
        .annotate(total=Sum("amount"))
        .order_by("currency")
    )
    return " + ".join(f"{row['total']:,.2f} {row['currency'].upper()}" for row in totals) or "0"


def new_members() -> int:
    return Member.objects.filter(joined_on__gte=_month_start()).count()


def register_items() -> None:
    applications_list = "wagtailsnippets_membership_application:list"
    members_list = "wagtailsnippets_membership_member:list"
    payments_list = "wagtailsnippets_membership_payment:list"
    items = [
        WorkItem(
            "applications-to-approve",
            _("applications to approve"),
            applications(Application.Status.SUBMITTED),
            applications_list,
            "membership.view_application",
            query={"status": Application.Status.SUBMITTED},
            order=10,
        ),
        WorkItem(
            "applications-awaiting-payment",
            _("applications awaiting payment"),
            applications(Application.Status.AWAITING_PAYMENT),
            applications_list,
            "membership.view_application",
            query={"status": Application.Status.AWAITING_PAYMENT},
            order=11,
        ),
        WorkItem(
            "failed-payments",
            _("failed card payments in the last 30 days"),
            failed_payments,
            "wagtailsnippets_membership_stripeevent:list",
            "membership.view_stripeevent",
            query={"type": FAILED_PAYMENT},
            order=30,
        ),
        WorkItem(
            "renewals-due",
            _("renewals due in 30 days, paying by hand"),
            renewals_due,
            members_list,
            MEMBERS,
            query={"renewal_due": "true"},
            order=31,
        ),
        WorkItem(
            "past-due",
            _("members past due"),
            past_due,
            members_list,
            MEMBERS,
            query={"status": Member.Status.PAST_DUE},
            order=32,
        ),
        WorkItem(
            "reminders-skipped",
            _("renewal reminders not sent: no contact with an e-mail"),
            reminders_skipped,
            members_list,
            MEMBERS,
            query={"reminder_skipped": "true"},
            order=33,
        ),
    ]
    figures = [
        WorkItem(
            "dues-this-month",
            _("Dues recorded this month"),
            lambda: dues_since(_month_start()),
            payments_list,
            "membership.view_payment",
            query=lambda: {"paid_on_after": _month_start().isoformat()},
            kind=FIGURE,
            order=60,
        ),
        WorkItem(
            "dues-this-year",
            _("Dues recorded this year"),
            lambda: dues_since(_year_start()),
            payments_list,
            "membership.view_payment",
            query=lambda: {"paid_on_after": _year_start().isoformat()},
            kind=FIGURE,
            order=61,
        ),
        WorkItem(
            "new-members",
            _("New members this month"),
            new_members,
            members_list,
            MEMBERS,
            query=lambda: {"joined_on_after": _month_start().isoformat()},
            kind=FIGURE,
            order=62,
        ),
    ]
    for item in items + figures:
        register(item)
