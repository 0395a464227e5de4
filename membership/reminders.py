"""Renewal reminders for members who pay by hand (not renewed by a Stripe subscription).

Each stage (days from `paid_through`, e.g. -30, -7, 0, 14) is sent at most once per paid period:
a `RenewalReminder` row is claimed with the send (chamber.jobs.send_once), and a unique
constraint stops a second one. A run that missed days catches up with the latest stage that is
due (one e-mail, not a burst). A send that fails is logged and left unrecorded, so the next run
retries it.
"""

import datetime
from functools import partial
from urllib.parse import urlencode

from django.conf import settings
from django.utils import timezone

from chamber import emails
from chamber.jobs import JobRun, send_once
from membership.models.members import Member, membership_grace_days
from membership.models.pages import JoinPage
from membership.models.payments import RenewalReminder
from membership.tokens import renewal_token


def due_stage(paid_through: datetime.date, today: datetime.date, stages: list[int]) -> int | None:
    """The latest stage whose day has come (None before the first one)."""
    passed = [
        stage for stage in sorted(stages) if paid_through + datetime.timedelta(stage) <= today
    ]
    return passed[-1] if passed else None


def reminder_candidates(today: datetime.date, stages: list[int]):
    earliest, latest = min(stages), max(stages)
    # Everyone who will not be charged automatically: auto-renew off, or no Stripe subscription
    # to renew (e.g. a member paying offline whose auto-renew flag was left on).
    return (
        Member.objects.renewing_by_hand()
        .filter(
            status__in=[Member.Status.ACTIVE, Member.Status.PAST_DUE],
            no_end_date=False,  # nothing to renew
            paid_through__isnull=False,
            paid_through__lte=today - datetime.timedelta(earliest),
            # A member whose last stage was more than a week ago is left to staff.
            paid_through__gte=today - datetime.timedelta(latest + 7),
        )
        .select_related("level")
    )


def send_renewal_reminders(today: datetime.date | None = None, stages=None) -> JobRun:
    """Send the reminders that are due; the run lists (member id, stage) pairs."""
    today = today or timezone.localdate()
    stages = sorted(stages or settings.RENEWAL_REMINDER_DAYS)
    run = JobRun()
    join_page = JoinPage.objects.live().first()
    grace = datetime.timedelta(days=membership_grace_days())
    for member in reminder_candidates(today, stages):
        stage = due_stage(member.paid_through, today, stages)
        if stage is None:
            continue
        sent_stages = set(
            RenewalReminder.objects.filter(
                member=member, period_end=member.paid_through
            ).values_list("stage", flat=True)
        )
        if any(sent >= stage for sent in sent_stages):
            continue
        recipients = member.billing_emails()
        context = {
            "member": member,
            "stage": stage,
            "days": (member.paid_through - today).days,
            "lapses_on": member.paid_through + grace,
            "pay_url": renewal_url(join_page, member),
        }
        send_once(
            run,
            [(member.pk, stage)],
            recipients=recipients,
            claim=partial(
                RenewalReminder.objects.create,
                member=member,
                stage=stage,
                period_end=member.paid_through,
                sent_to=", ".join(recipients),
            ),
            send=partial(emails.send, "membership/emails/renewal_reminder", recipients, context),
            description=f"renewal reminder {stage:+d} for member {member.pk}",
        )
    return run


def renewal_url(join_page, member) -> str:
    if join_page is None:
        return emails.absolute("/")
    query = urlencode({"token": renewal_token(member)})
    return f"{join_page.get_full_url()}{join_page.reverse_subpage('renew_view')}?{query}"
