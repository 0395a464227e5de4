"""A member's standing in words, and the one thing to do next (the dashboard's headline)."""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format

from membership.models.members import PAYING, Member

# Members paying by hand are offered "Renew now" this many days before their dues run out.
RENEW_OFFERED_DAYS = 60


@dataclass(frozen=True)
class Standing:
    headline: str
    detail: str
    tone: str  # "good", "warning" or "bad": the colour of the panel
    action: str  # "", "renew", "update_card" or "contact": what the dashboard offers first


def _day(day: datetime.date) -> str:
    return date_format(day, "j F Y")


def subscription_running(member: Member) -> bool:
    """A Stripe subscription exists and has not ended (it may be set to end with the period):
    auto-renewal is switched there, not by paying again."""
    return bool(member.stripe_subscription_id) and (
        member.auto_renew or member.cancel_at_period_end
    )


def standing(member: Member, today: datetime.date | None = None) -> Standing:
    today = today or timezone.localdate()
    paid_through = member.paid_through
    Status = Member.Status
    status = member.status_on(today)  # the word the dates say, whether or not cron has run
    if member.no_end_date and status in PAYING:
        return Standing("Active", "Your membership does not need renewing.", "good", "")
    if status in (Status.ACTIVE, Status.PAST_DUE) and paid_through is None:
        return Standing(
            "No dues recorded",
            "The chamber has not recorded what your dues cover yet. Contact the office.",
            "warning",
            "contact",
        )
    if status == Status.ACTIVE:
        if member.renews_automatically and not member.cancel_at_period_end:
            return Standing(
                f"Active until {_day(paid_through)}",
                f"Renews automatically by card on {_day(paid_through)}.",
                "good",
                "",
            )
        soon = paid_through - today <= datetime.timedelta(days=RENEW_OFFERED_DAYS)
        detail = (
            "Automatic renewal is off: the membership ends then unless you renew."
            if member.cancel_at_period_end
            else "Renew before then to stay listed and keep member benefits."
        )
        return Standing(
            f"Active until {_day(paid_through)}",
            detail,
            "warning" if soon else "good",
            "renew" if soon else "",
        )
    if status == Status.PAST_DUE:
        until = member.good_standing_until
        grace = (
            f" You keep member benefits until {_day(until)}."
            if member.has_end_date and until >= today
            else ""
        )
        if member.renews_automatically:
            return Standing(
                "Payment failed — update your card",
                "We couldn't take this year's dues from your card." + grace,
                "bad",
                "update_card",
            )
        due = f" on {_day(paid_through)}" if paid_through else ""
        return Standing("Dues are overdue", f"Your dues were due{due}." + grace, "bad", "renew")
    if status == Status.LAPSED:
        until = member.good_standing_until
        if member.has_end_date and until >= today:
            # Lapsed early (the subscription ended after failed payments): benefits last
            # until the grace period ends.
            return Standing(
                "Membership ended",
                f"You keep member benefits until {_day(until)}; renew to keep them after that.",
                "bad",
                "renew",
            )
        headline = (
            f"Lapsed on {_day(until + datetime.timedelta(days=1))}"
            if member.has_end_date
            else "Lapsed"
        )
        return Standing(
            headline,
            "Your listing is hidden from the directory until you renew.",
            "bad",
            "renew",
        )
    if status == Status.PENDING:
        return Standing(
            "Awaiting confirmation",
            "Your membership starts once the chamber has confirmed your application and dues.",
            "warning",
            "contact",
        )
    return Standing(
        "Cancelled",
        "This membership has been cancelled. Contact the chamber office to rejoin.",
        "bad",
        "contact",
    )
