"""The durable e-mail queue (chamber/mail.py) as production runs it (MAIL_DELIVERY = "queue"):
queued with the change that causes it, sent by `deliver_mail`, at most once, retried with
backoff, and what failed or stuck shown to staff with "Send again"."""

import datetime
import io

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from chamber import emails
from chamber.mail import (
    deliver_queued,
    deserialize,
    mail_health,
    mail_rows,
    serialize,
)
from chamber.models import JobHeartbeat

pytestmark = pytest.mark.django_db

LIST = "/admin/outgoing-mail/"


class DownBackend(EmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError(111, "Connection refused")


@pytest.fixture
def queue_mode(settings, site_tree):
    settings.MAIL_DELIVERY = "queue"
    settings.MAIL_RETRY_MINUTES = [1, 5]


def send_one(to="ada@aspen.example"):
    return emails.send("membership/emails/application_rejected", [to], {"application": None})


def later(minutes: float):
    return time_machine.travel(timezone.now() + datetime.timedelta(minutes=minutes))


def test_an_email_is_queued_with_the_change_or_not_at_all(queue_mode):
    with pytest.raises(RuntimeError), transaction.atomic():
        send_one()
        raise RuntimeError("the change fails")
    assert not mail_rows().exists()

    with transaction.atomic():
        send_one()
    (row,) = mail_rows()
    assert row.status == "READY"
    assert row.args_kwargs["kwargs"]["message"]["to"] == ["ada@aspen.example"]
    assert mail.outbox == []  # nothing is sent in the request


def test_the_command_delivers_once_and_records_its_run(queue_mode):
    send_one("a@example.org")
    send_one("b@example.org")
    out = io.StringIO()

    call_command("deliver_mail", stdout=out)
    call_command("deliver_mail", stdout=out)

    assert out.getvalue().splitlines() == [
        "2 e-mail(s) sent, 0 failed.",
        "0 e-mail(s) sent, 0 failed.",
    ]
    assert sorted(message.to[0] for message in mail.outbox) == ["a@example.org", "b@example.org"]
    assert JobHeartbeat.objects.get(name="deliver_mail").succeeded


def test_a_message_claimed_by_a_worker_that_died_is_never_sent_again(queue_mode):
    """At most once: the claim commits before sending, so a worker killed mid-send leaves
    the message 'sending'; later runs leave it alone; after 15 minutes staff see it stuck."""
    send_one()
    row = mail_rows().get()
    row.claim("worker-that-was-killed")

    assert deliver_queued().sent == []
    assert mail.outbox == []
    assert mail_health().stuck == 0
    with later(16):
        assert deliver_queued().sent == []
        assert mail_health().stuck == 1


def test_failures_are_retried_with_backoff_then_wait_for_staff(queue_mode, settings):
    settings.MAIL_TRANSPORT = f"{__name__}.DownBackend"
    send_one()
    start = timezone.now()

    assert len(deliver_queued().failed) == 1  # attempt 1
    with time_machine.travel(start + datetime.timedelta(seconds=50)):
        assert deliver_queued().failed == []  # attempt 2 is not due for a minute
    with time_machine.travel(start + datetime.timedelta(minutes=2)):
        assert len(deliver_queued().failed) == 1  # attempt 2; the next in 5 minutes
    with time_machine.travel(start + datetime.timedelta(minutes=8)):
        assert len(deliver_queued().failed) == 1  # attempt 3, the last
        assert deliver_queued().failed == []
        health = mail_health()

    attempts = list(mail_rows().order_by("enqueued_at"))
    assert [row.args_kwargs["kwargs"]["attempt"] for row in attempts] == [1, 2, 3]
    assert [row.exception_class_path.rsplit(".", 1)[1] for row in attempts] == [
        "MailWillRetry",
        "MailWillRetry",
        "MailGaveUp",
    ]
    assert all("Connection refused" in row.traceback for row in attempts)
    assert health.failed == 1 and health.problems == 1
    assert mail.outbox == []


def test_a_message_is_sent_exactly_as_it_was_written():
    message = EmailMultiAlternatives(
        subject="Ünïcode subject",
        body="Plain text",
        from_email="Chamber <hello@example.org>",
        to=["a@example.org"],
        cc=["c@example.org"],
        bcc=["b@example.org"],
        reply_to=["r@example.org"],
        headers={"X-Chamber": "1"},
    )
    message.attach_alternative("<p>HTML</p>", "text/html")
    message.attach("note.txt", b"attached", "text/plain")

    copy = deserialize(serialize(message))

    for name in ("subject", "body", "from_email", "to", "cc", "bcc", "reply_to", "extra_headers"):
        assert getattr(copy, name) == getattr(message, name), name
    assert copy.alternatives == message.alternatives
    assert copy.attachments == message.attachments


def test_a_silent_sender_is_not_failed_by_a_database_error(monkeypatch):
    from chamber import mail as queue

    def broken(*args, **kwargs):
        from django.db import DatabaseError

        raise DatabaseError("database away")

    monkeypatch.setattr(queue, "enqueue", broken)
    connection = get_connection("chamber.mail.QueuedEmailBackend", fail_silently=True)
    sent = connection.send_messages([EmailMultiAlternatives("s", "b", to=["a@example.org"])])
    assert sent == 0


# What staff see -----------------------------------------------------------------------------


@pytest.fixture
def gave_up(queue_mode, settings):
    """A message that failed for good, and one stuck while sending."""
    settings.MAIL_TRANSPORT = f"{__name__}.DownBackend"
    settings.MAIL_RETRY_MINUTES = []
    send_one("ada@aspen.example")
    deliver_queued()
    send_one("stuck@example.org")
    mail_rows().get(status="READY").claim("killed")
    settings.MAIL_TRANSPORT = "django.core.mail.backends.locmem.EmailBackend"


def test_staff_see_what_needs_attention_and_send_it_again(client, staff_user, gave_up):
    client.force_login(staff_user)
    with later(20):
        home = client.get("/admin/")
        listing = client.get(LIST, {"state": "attention"})
    assert "1 e-mail could not be sent." in home.text
    assert "1 e-mail is stuck while sending." in home.text
    assert listing.status_code == 200
    assert "ada@aspen.example" in listing.text and "stuck@example.org" in listing.text
    assert "Failed: waiting for staff" in listing.text
    assert "Stuck while sending" in listing.text
    assert "Connection refused" in listing.text

    failed = mail_rows().get(status="FAILED")
    page = client.get(LIST + f"send-again/{failed.pk}/")
    assert page.status_code == 200
    response = client.post(LIST + f"send-again/{failed.pk}/")
    assert response.status_code == 302
    assert not mail_rows().filter(pk=failed.pk).exists()
    assert deliver_queued().sent
    assert [message.to for message in mail.outbox] == [["ada@aspen.example"]]

    stuck = mail_rows().get(status="RUNNING")
    with later(20):
        warning = client.get(LIST + f"send-again/{stuck.pk}/")
    assert "may have reached its recipients" in warning.text


def test_the_list_never_shows_a_message_body(client, staff_user, queue_mode):
    emails.send(
        "membership/emails/application_rejected",
        ["ada@aspen.example"],
        {"application": None, "decision_note": "SECRET-BODY-TEXT"},
    )
    client.force_login(staff_user)
    assert "SECRET-BODY-TEXT" in mail_rows().get().args_kwargs["kwargs"]["message"]["body"]
    assert "SECRET-BODY-TEXT" not in client.get(LIST).text


def test_editors_cannot_see_or_resend_mail(client, gave_up):
    editor = get_user_model().objects.create_user("eddie", "e@example.org", "a long passphrase")
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    failed = mail_rows().get(status="FAILED")

    assert client.get(LIST).status_code in (302, 403)
    assert client.post(LIST + f"send-again/{failed.pk}/").status_code in (302, 403)
    assert "Outgoing e-mail" not in client.get("/admin/").text
    assert mail_rows().filter(pk=failed.pk).exists()


def test_a_sent_message_cannot_be_sent_again(client, staff_user, queue_mode):
    send_one()
    deliver_queued()
    sent = mail_rows().get()
    client.force_login(staff_user)
    assert client.post(LIST + f"send-again/{sent.pk}/").status_code == 404
    assert len(mail.outbox) == 1
