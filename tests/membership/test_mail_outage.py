"""The mail server is down during every path that sends e-mail (issue #25): the request or
webhook still succeeds, the message waits in the queue (chamber/mail.py), and a delivery run
after the server is back sends it exactly once.

The transport (`MAIL_TRANSPORT`) is `FlakyBackend`: locmem, except while `FlakyBackend.failure`
is set, when it raises that error — a refused connection, a timeout, a 5xx from the server.
Delivery runs inline after each commit, as in development (the harder case: it happens in the
request); production's queue mode is covered in tests/chamber/test_mail_queue.py.
"""

import datetime
import smtplib

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from chamber.mail import deliver_queued, mail_rows
from membership.checkout import send_payment_receipt
from membership.models import Application, Member
from membership.reminders import send_renewal_reminders
from tests.factories import ApplicationFactory
from tests.mail import committed
from tests.membership.helpers import (
    WEBHOOK_SECRET,
    application_data,
    card_payment,
    member_paying_by_hand,
)
from tests.stripe_double import post_event

pytestmark = pytest.mark.django_db

FAILURES = {
    "connection refused": ConnectionRefusedError(111, "Connection refused"),
    "timeout": TimeoutError("timed out"),
    "5xx": smtplib.SMTPDataError(554, b"Transaction failed"),
}


class FlakyBackend(EmailBackend):
    failure: Exception | None = None

    def send_messages(self, messages):
        if FlakyBackend.failure is not None:
            raise FlakyBackend.failure
        return super().send_messages(messages)


@pytest.fixture(params=list(FAILURES))
def mail_server_down(request, settings):
    settings.MAIL_TRANSPORT = f"{__name__}.FlakyBackend"
    FlakyBackend.failure = FAILURES[request.param]
    yield
    FlakyBackend.failure = None


def server_back_and_delivered() -> list:
    """The server answers again; a delivery run after the first retry is due. Returns what
    that run sent, and checks a second run sends nothing more."""
    FlakyBackend.failure = None
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=2)):
        first = deliver_queued()
        again = deliver_queued()
    assert again.sent == [] and again.failed == []
    assert len(first.sent) == len(mail.outbox)
    return list(mail.outbox)


def waiting_subjects() -> list[str]:
    """Messages whose first attempt failed and whose next one waits."""
    rows = mail_rows().filter(status="READY")
    return sorted(row.args_kwargs["kwargs"]["message"]["subject"] for row in rows)


def test_joining(client, join_page, levels, mail_server_down):
    response = client.post(join_page.url, application_data(levels["community"]))
    assert response.status_code == 303
    assert Application.objects.count() == 1
    assert mail.outbox == []
    assert len(waiting_subjects()) == 2  # the applicant's and the staff's

    sent = server_back_and_delivered()
    assert sorted(m.to[0].lower() for m in sent) == [
        "office@chamber.example",
        "rosa@riverbend.example",
    ]


def test_approving_an_application(staff_client, mail_server_down):
    application = ApplicationFactory(email="rosa@riverbend.example")
    url = f"/admin/snippets/membership/application/approve/{application.pk}/"
    response = staff_client.post(url, {"note": "Welcome."})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED
    assert mail.outbox == []

    (sent,) = server_back_and_delivered()
    assert sent.to == ["rosa@riverbend.example"] and "approved" in sent.subject.lower()


def test_a_payment_receipt(member_a, mail_server_down):
    payment = card_payment(member_a, invoice_id="in_outage")
    with committed():
        send_payment_receipt(payment)
    assert mail.outbox == []

    (sent,) = server_back_and_delivered()
    assert sent.to == ["ada@aspen.example"] and "995.00" in sent.body


def test_a_renewal_reminder(levels, mail_server_down):
    today = timezone.localdate()
    member_paying_by_hand(levels["community"], paid_through=today + datetime.timedelta(days=7))
    with committed():
        run = send_renewal_reminders(today=today, stages=[-7])
    assert len(run.sent) == 1 and run.failed == []  # queued: the job's part is done
    assert mail.outbox == []

    (sent,) = server_back_and_delivered()
    assert sent.to == ["rosa@riverbend.example"]


def test_a_failed_card_payment_webhook_answers_200(
    client, join_page, levels, fake_stripe, mail_server_down
):
    """The finding: invoice.payment_failed answered 500 after committing, because its e-mail
    raised from an on-commit hook; Stripe retried an event already processed."""
    FlakyBackend.failure = None  # up while the member joins
    client.post(join_page.url, application_data(levels["community"]))
    application = Application.objects.get()
    for event in fake_stripe.complete_checkout(application.stripe_checkout_session_id):
        assert post_event(client, event, WEBHOOK_SECRET).status_code == 200
    member = Member.objects.get()
    mail.outbox.clear()
    fake_stripe.advance(days=366)
    FlakyBackend.failure = FAILURES["connection refused"]

    responses = [
        post_event(client, event, WEBHOOK_SECRET)
        for event in fake_stripe.fail_renewal(member.stripe_subscription_id)
    ]

    assert [r.status_code for r in responses] == [200] * len(responses)
    member.refresh_from_db()
    assert member.status == Member.Status.PAST_DUE
    assert mail.outbox == []
    assert any("payment failed" in subject.lower() for subject in waiting_subjects())
    (sent,) = server_back_and_delivered()
    assert sent.subject.startswith("Your membership payment failed")
    assert "/account/billing/" in sent.body


def test_an_invitation(ada, mail_server_down):
    response = ada.post(
        "/account/contacts/invite/", {"email": "nia@aspen.example", "role": "staff"}
    )
    assert response.status_code in (302, 303)
    assert mail.outbox == []

    (sent,) = server_back_and_delivered()
    assert sent.to == ["nia@aspen.example"]


def test_a_password_reset(client, member_a, mail_server_down):
    response = client.post("/accounts/password_reset/", {"email": "ada@aspen.example"})
    assert response.status_code == 302
    assert mail.outbox == []

    (sent,) = server_back_and_delivered()
    assert sent.to == ["ada@aspen.example"] and "/accounts/reset/" in sent.body


def test_nothing_is_lost_or_doubled_across_many_failed_runs(client, join_page, levels, settings):
    """Down for three delivery runs: each keeps its error, the message goes once at the end."""
    settings.MAIL_TRANSPORT = f"{__name__}.FlakyBackend"
    FlakyBackend.failure = FAILURES["5xx"]
    try:
        client.post(join_page.url, application_data(levels["community"], auto_renew=None))
        start = timezone.now()
        for minutes in (2, 8, 40):
            with time_machine.travel(start + datetime.timedelta(minutes=minutes)):
                run = deliver_queued()
            assert run.sent == [] and len(run.failed) == 2
    finally:
        FlakyBackend.failure = None
    with time_machine.travel(start + datetime.timedelta(hours=3)):
        assert len(deliver_queued().sent) == 2
        assert deliver_queued().sent == []
    assert len(mail.outbox) == 2
    failed = DBTaskResult.objects.filter(status="FAILED")
    assert failed.count() == 8  # the inline try and three runs, for each of the two messages
    assert all("554" in row.traceback for row in failed)
