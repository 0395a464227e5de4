"""`send_event_reminders`: the day before, once per confirmed registration, with the .ics;
never for cancelled events, waitlisted people or other days."""

import io

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from events.models import Registration
from tests.events.conftest import local
from tests.mail import committed

pytestmark = pytest.mark.django_db


def remind():
    """Run the command as cron does: its transactions commit, so the queued mail goes."""
    with committed():
        call_command("send_event_reminders", stdout=io.StringIO())


def attend(event, email, status=Registration.Status.CONFIRMED):
    return Registration.objects.create(
        event=event, name=email.split("@")[0], email=email, status=status
    )


@time_machine.travel(local(2027, 3, 13, 9, 0), tick=False)
def test_reminders_go_the_day_before_and_once(event_factory):
    tomorrow = event_factory("Breakfast", starts_at=local(2027, 3, 14, 7, 30))
    later = event_factory("Gala", starts_at=local(2027, 3, 20, 18))
    cancelled = event_factory("Picnic", starts_at=local(2027, 3, 14, 12), status="cancelled")
    attend(tomorrow, "ada@x.example")
    attend(tomorrow, "wanda@x.example", status=Registration.Status.WAITLISTED)
    attend(later, "grace@x.example")
    attend(cancelled, "carl@x.example")

    remind()
    remind()

    [message] = mail.outbox
    assert message.to == ["ada@x.example"]
    assert message.subject == "Tomorrow: Breakfast"
    assert message.attachments[0][0] == "event.ics"
    assert Registration.objects.get(email="ada@x.example").reminder_sent_at == local(
        2027, 3, 13, 9, 0
    )


def test_tomorrow_is_the_chambers_local_day(event_factory):
    """At 11 pm in New York it is already the next day in UTC: "tomorrow" is still local."""
    event = event_factory("Breakfast", starts_at=local(2027, 6, 2, 7, 30))
    attend(event, "ada@x.example")

    with time_machine.travel(local(2027, 6, 1, 23, 0), tick=False):
        remind()
    assert len(mail.outbox) == 1

    mail.outbox.clear()
    with time_machine.travel(local(2027, 5, 31, 23, 30), tick=False):
        remind()
    assert mail.outbox == []
