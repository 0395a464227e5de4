"""The reminder the day before an event (`send_event_reminders`, run daily from cron).

Each registration is reminded at most once: it is claimed by setting `reminder_sent_at` only
where it is still empty, in the transaction that queues the e-mail, so two runs at once (or a
second run the same day) send nothing twice, and a rolled-back claim sends nothing.
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from events import emails
from events.models import EventPage, Registration


@dataclass
class ReminderRun:
    sent: list[int] = field(default_factory=list)


def due_reminders(now: datetime.datetime):
    """Confirmed registrations (with an address) for live, scheduled events that start on the
    chamber's next local day, not yet reminded."""
    tomorrow = timezone.localdate(now) + datetime.timedelta(days=1)
    start = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time.min))
    end = start + datetime.timedelta(days=1)
    return (
        Registration.objects.filter(
            status=Registration.Status.CONFIRMED,
            reminder_sent_at__isnull=True,
            event__live=True,
            event__status=EventPage.Status.SCHEDULED,
            event__starts_at__gte=start,
            event__starts_at__lt=end,
        )
        .exclude(email="")
        .select_related("event")
        .order_by("pk")
    )


def send_event_reminders(now: datetime.datetime | None = None) -> ReminderRun:
    now = now or timezone.now()
    run = ReminderRun()
    for registration in due_reminders(now):
        with transaction.atomic():
            claimed = Registration.objects.filter(
                pk=registration.pk, reminder_sent_at__isnull=True
            ).update(reminder_sent_at=now)
            if claimed:
                party = registration.party.filter(status=Registration.Status.CONFIRMED)
                emails.send_reminder(registration, party=list(party.order_by("pk")))
                run.sent.append(registration.pk)
    return run
