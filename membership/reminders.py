"""Renewal reminders for members who pay by hand (not renewed by a Stripe subscription).

Each stage (days from `paid_through`, e.g. -30, -7, 0, 14) is sent at most once per paid period:
a `RenewalReminder` row is claimed with the send (chamber.jobs.send_once), and a unique
constraint stops a second one. A run that missed days catches up with the latest stage that is
due (one e-mail, not a burst). A send that fails is logged and left unrecorded, so the next run
retries it.

A member due a reminder with no primary or billing contact with an e-mail is *skipped*: nothing
is recorded (there is nothing to retry until staff add a contact), and `reminders_skipped`
finds them again from the same rule, for the admin home and the member's record.
"""

import datetime
from dataclasses import dataclass
from functools import partial
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Case, Exists, IntegerField, OuterRef, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from chamber import emails
from chamber.jobs import JobRun, send_once
from membership.models.members import Member, MemberContact, membership_grace_days
from membership.models.pages import JoinPage
from membership.models.payments import RenewalReminder
from membership.tokens import renewal_token

TEMPLATE = "membership/emails/renewal_reminder"


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


def reminder_stages() -> list[int]:
    return sorted(settings.RENEWAL_REMINDER_DAYS)


def members_due(today: datetime.date | None = None, stages=None):
    """The members due a reminder today, each annotated with its `due_stage`: the candidates
    whose latest stage has come and was not sent yet (nor a later one) for the paid period.

    `due_reminder` decides the same for one member in memory; this is the rule in SQL, for the
    cron job, the bulk "send now", and the count and list of skipped sends, in one query
    whatever the number of members (tests hold the two equal).
    """
    today = today or timezone.localdate()
    stages = sorted(stages or reminder_stages())
    due_stage = Case(
        *[
            When(paid_through__lte=today - datetime.timedelta(days=stage), then=Value(stage))
            for stage in reversed(stages)
        ],
        default=None,
        output_field=IntegerField(),
    )
    sent = RenewalReminder.objects.filter(
        member=OuterRef("pk"),
        period_end=OuterRef("paid_through"),
        stage__gte=OuterRef("due_stage"),
    )
    return (
        reminder_candidates(today, stages)
        .annotate(due_stage=due_stage)
        .filter(due_stage__isnull=False)
        .exclude(Exists(sent))
    )


def has_reminder_address():
    """Whether the member (the outer query's row) has a contact dues e-mails can go to:
    `Member.billing_emails` in SQL."""
    return Exists(
        MemberContact.objects.filter(
            member=OuterRef("pk"), role__in=MemberContact.DUES_ROLES
        ).exclude(user__email="")
    )


def reminders_skipped(today: datetime.date | None = None):
    """Members due a reminder that cannot be sent: no primary or billing contact with an
    e-mail. Each cron run skips them (and says so in its output) until staff add one."""
    return members_due(today).filter(~has_reminder_address())


# What a bulk "send now" would do for a member.
WILL_SEND, NO_ADDRESS, NOTHING_DUE = "send", "no_address", "nothing_due"


def outlook(member_ids, today: datetime.date | None = None) -> dict[int, str]:
    """For each of `member_ids`: WILL_SEND, NO_ADDRESS or NOTHING_DUE, in one query."""
    due = dict(
        members_due(today)
        .filter(pk__in=list(member_ids))
        .annotate(has_address=has_reminder_address())
        .values_list("pk", "has_address")
    )

    def what(member_id):
        if member_id not in due:
            return NOTHING_DUE
        return WILL_SEND if due[member_id] else NO_ADDRESS

    return {member_id: what(member_id) for member_id in member_ids}


def stage_label(stage: int) -> str:
    """A stage in words: "30 days before the paid-through date", "on the paid-through date"."""
    if stage == 0:
        return _("on the paid-through date")
    days = abs(stage)
    if stage < 0:
        return ngettext(
            "%(days)d day before the paid-through date",
            "%(days)d days before the paid-through date",
            days,
        ) % {"days": days}
    return ngettext(
        "%(days)d day after the paid-through date",
        "%(days)d days after the paid-through date",
        days,
    ) % {"days": days}


def next_stage_on(member, today: datetime.date | None = None, stages=None):
    """(date, stage) of the member's next reminder after today, or None: none is coming (it
    renews automatically, has no end date, is not paying, or the last stage has passed)."""
    today = today or timezone.localdate()
    stages = sorted(stages or reminder_stages())
    if (
        member.renews_automatically
        or member.no_end_date
        or member.paid_through is None
        or member.status not in (Member.Status.ACTIVE, Member.Status.PAST_DUE)
    ):
        return None
    for stage in stages:
        day = member.paid_through + datetime.timedelta(days=stage)
        if day > today:
            return day, stage
    return None


@dataclass(frozen=True)
class DueReminder:
    member: Member
    stage: int
    recipients: list[str]
    context: dict


def due_reminder(member, today, stages, *, join_page=None) -> DueReminder | None:
    """The reminder `member` is due today (None before the first stage, or when this stage or
    a later one was already sent for the current paid period)."""
    stage = due_stage(member.paid_through, today, stages)
    if stage is None:
        return None
    sent_stages = set(
        RenewalReminder.objects.filter(member=member, period_end=member.paid_through).values_list(
            "stage", flat=True
        )
    )
    if any(sent >= stage for sent in sent_stages):
        return None
    grace = datetime.timedelta(days=membership_grace_days())
    if join_page is None:
        join_page = JoinPage.objects.live().first()
    context = {
        "member": member,
        "stage": stage,
        "days": (member.paid_through - today).days,
        "lapses_on": member.paid_through + grace,
        "pay_url": renewal_url(join_page, member),
    }
    return DueReminder(member, stage, member.billing_emails(), context)


def send_renewal_reminders(
    today: datetime.date | None = None, stages=None, *, member_ids=None
) -> JobRun:
    """Send the reminders that are due; the run lists (member id, stage) pairs. `member_ids`:
    only these members (staff's "send now"), under the same once-per-stage rule."""
    today = today or timezone.localdate()
    stages = sorted(stages or reminder_stages())
    run = JobRun()
    join_page = JoinPage.objects.live().first()
    candidates = members_due(today, stages)
    if member_ids is not None:
        candidates = candidates.filter(pk__in=member_ids)
    for member in candidates:
        due = due_reminder(member, today, stages, join_page=join_page)
        if due is None:
            continue
        send_once(
            run,
            [(member.pk, due.stage)],
            recipients=due.recipients,
            claim=partial(
                RenewalReminder.objects.create,
                member=member,
                stage=due.stage,
                period_end=member.paid_through,
                sent_to=", ".join(due.recipients),
            ),
            send=partial(emails.send, TEMPLATE, due.recipients, due.context),
            description=f"renewal reminder {due.stage:+d} for member {member.pk}",
        )
    return run


def preview(
    member, today: datetime.date | None = None
) -> tuple[DueReminder, emails.Rendered] | None:
    """The reminder `member` would be sent now, rendered exactly as it would go (None when
    none is due: not yet, already sent, renews automatically or has no end date)."""
    today = today or timezone.localdate()
    stages = reminder_stages()
    if not reminder_candidates(today, stages).filter(pk=member.pk).exists():
        return None
    due = due_reminder(member, today, stages)
    return (due, emails.render(TEMPLATE, due.context)) if due else None


def renewal_url(join_page, member) -> str:
    if join_page is None:
        return emails.absolute("/")
    query = urlencode({"token": renewal_token(member)})
    return f"{join_page.get_full_url()}{join_page.reverse_subpage('renew_view')}?{query}"
