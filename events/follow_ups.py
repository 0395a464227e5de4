"""Guests on the way to membership: the follow-up after an event, and which applications
came of it.

- `send_guest_follow_ups` (run daily from cron) e-mails each guest of an event that ended
  between one and fourteen days ago — confirmed, not registered for a member, not already
  someone who represents a member or has applied — once, with a join link that fills in the
  application with what they told us (membership/referrals.py). A registration is claimed by
  setting `followed_up_at` only where it is still empty, in the transaction that queues the
  e-mail, like the reminders (events/reminders.py).
- An application records the registration it came from (`Registration.application`): the one
  its join link names, or else the latest guest registration with the same e-mail address in
  the last `MATCH_DAYS` days (a guest who found the join page on their own still counts).
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from chamber import emails
from events.models import EventPage, Registration
from membership import referrals
from membership.models import Application, JoinPage, MemberContact

SOURCE_PREFIX = "events.registration:"
FOLLOW_UP_AFTER = datetime.timedelta(days=1)
FOLLOW_UP_WITHIN = datetime.timedelta(days=14)
MATCH_DAYS = 180


@dataclass
class FollowUpRun:
    sent: list[int] = field(default_factory=list)
    skipped: str = ""


def guest_registrations():
    """Confirmed registrations not made for a member (whatever the person's e-mail)."""
    return Registration.objects.filter(
        status=Registration.Status.CONFIRMED, member__isnull=True
    ).exclude(email="")


def due_follow_ups(now: datetime.datetime):
    already_members = MemberContact.objects.filter(user__email__iexact=OuterRef("email"))
    applied = Application.objects.filter(email__iexact=OuterRef("email"))
    return (
        guest_registrations()
        .filter(
            followed_up_at__isnull=True,
            application__isnull=True,
            event__live=True,
            event__status=EventPage.Status.SCHEDULED,
            event__ends_at__lte=now - FOLLOW_UP_AFTER,
            event__ends_at__gt=now - FOLLOW_UP_WITHIN,
        )
        .exclude(Exists(already_members))
        .exclude(Exists(applied))
        .select_related("event")
        .order_by("pk")
    )


def join_link(registration, join_url: str) -> str:
    first, _, last = registration.name.partition(" ")
    return referrals.join_link(
        join_url,
        source=f"{SOURCE_PREFIX}{registration.pk}",
        initial={
            "organisation_name": registration.organisation,
            "first_name": first,
            "last_name": last,
            "email": registration.email,
        },
    )


def send_guest_follow_ups(now: datetime.datetime | None = None) -> FollowUpRun:
    now = now or timezone.now()
    run = FollowUpRun()
    join_page = JoinPage.objects.live().first()
    if join_page is None:
        run.skipped = "no live join page"
        return run
    join_url = join_page.get_full_url()
    for registration in due_follow_ups(now):
        with transaction.atomic():
            claimed = Registration.objects.filter(
                pk=registration.pk, followed_up_at__isnull=True
            ).update(followed_up_at=now)
            if claimed:
                emails.send(
                    "events/emails/guest_follow_up",
                    [registration.email],
                    {
                        "registration": registration,
                        "event": registration.event,
                        "join_url": join_link(registration, join_url),
                    },
                )
                run.sent.append(registration.pk)
    return run


def record_application(application: Application) -> None:
    """Link a new application to the guest registration it came from, if any."""
    registration = None
    if application.source.startswith(SOURCE_PREFIX):
        pk = application.source.removeprefix(SOURCE_PREFIX)
        if pk.isdigit():
            registration = guest_registrations().filter(pk=int(pk)).first()
    if registration is None:
        since = timezone.now() - datetime.timedelta(days=MATCH_DAYS)
        registration = (
            guest_registrations()
            .filter(email__iexact=application.email, created_at__gte=since)
            .order_by("-created_at", "-pk")
            .first()
        )
    if registration is not None:
        Registration.objects.filter(pk=registration.pk, application__isnull=True).update(
            application=application
        )


def application_saved(sender, instance, created, raw=False, **kwargs):
    """post_save of membership's Application (connected in events/apps.py)."""
    if created and not raw:
        record_application(instance)
