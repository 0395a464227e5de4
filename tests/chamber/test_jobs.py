"""chamber.jobs.send_once: each message at most once, a failed send retried by the next run."""

import pytest
from django.db import IntegrityError

from chamber.jobs import JobRun, send_once
from membership.models import RenewalReminder
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def reminder_job(member, run, *, send):
    return send_once(
        run,
        [(member.pk, -7)],
        recipients=["owner@example.org"],
        claim=lambda: RenewalReminder.objects.create(
            member=member, stage=-7, period_end=member.paid_through
        ),
        send=send,
        description=f"reminder for member {member.pk}",
    )


def test_a_message_is_claimed_and_sent_once():
    member = MemberFactory()
    sent = []
    first, second = JobRun(), JobRun()
    assert reminder_job(member, first, send=lambda: sent.append("mail"))
    assert not reminder_job(member, second, send=lambda: sent.append("mail"))
    assert sent == ["mail"]
    assert first.sent == [(member.pk, -7)]
    assert second.sent == second.failed == second.skipped == []  # claimed by the first run
    assert RenewalReminder.objects.filter(member=member).count() == 1


def test_a_failed_send_leaves_no_claim_so_the_next_run_retries(caplog):
    member = MemberFactory()
    run = JobRun()

    def mail_server_down():
        raise ConnectionRefusedError("SMTP refused")

    assert not reminder_job(member, run, send=mail_server_down)
    assert run.failed == [(member.pk, -7)]
    assert not RenewalReminder.objects.exists()
    assert "the next run retries it" in caplog.text
    retry = JobRun()
    assert reminder_job(member, retry, send=lambda: None)
    assert retry.sent == [(member.pk, -7)]


def test_no_recipient_is_skipped_not_failed():
    run = JobRun()
    claimed = []
    sent = send_once(
        run,
        ["listing 1", "listing 2"],
        recipients=[],
        claim=lambda: claimed.append(True),
        send=lambda: None,
        description="check request",
    )
    assert not sent
    assert run.skipped == ["listing 1", "listing 2"]
    assert claimed == []


def test_an_integrity_error_while_sending_is_not_taken_for_a_claim_by_another_run():
    """Only the claim's unique constraint means "another run has it"; the send's own errors
    are failures to retry."""
    member = MemberFactory()
    run = JobRun()

    def send():
        raise IntegrityError("something else")

    assert not reminder_job(member, run, send=send)
    assert run.failed == [(member.pk, -7)]
    assert not RenewalReminder.objects.exists()
