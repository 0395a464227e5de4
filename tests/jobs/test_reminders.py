"""The closing reminder: an e-mail to the employer 3 days before a job closes, at most once per
posting (JobNotice), from the daily `send_job_closing_reminders` command; a reposted job, with
a new closing date, is reminded again."""

import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from jobs.models import JobNotice, JobPosting
from jobs.notifications import send_job_closing_reminders
from tests.jobs.conftest import DAY
from tests.mail import committed

pytestmark = pytest.mark.django_db


def test_a_job_closing_within_three_days_is_reminded_once(job_factory, member_a):
    today = timezone.localdate()
    soon = job_factory(title="Counter assistant", closes_on=today + 3 * DAY)
    job_factory(title="Later", closes_on=today + 4 * DAY)
    with committed():
        run = send_job_closing_reminders()
    assert run.sent == [soon]
    (message,) = mail.outbox
    assert message.to == [member_a.user.email]
    assert message.subject == "Your job posting closes soon: Counter assistant"
    assert f"/jobs/{soon.slug}/" in message.body
    assert "/account/jobs/" in message.body
    notice = JobNotice.objects.get()
    assert (notice.job, notice.closes_on) == (soon, soon.closes_on)

    with committed():
        assert send_job_closing_reminders().sent == []
    assert len(mail.outbox) == 1


def test_closed_and_lapsed_jobs_are_not_reminded(job_factory):
    today = timezone.localdate()
    job_factory(title="Closed", closes_on=today - DAY, posted_on=today - 9 * DAY)
    job_factory(title="Draft", closes_on=today + DAY, live=False)
    assert send_job_closing_reminders().sent == []
    assert mail.outbox == []


def test_a_reposted_job_is_reminded_before_its_new_closing_date(job_factory):
    today = timezone.localdate()
    job = job_factory(title="Counter assistant", closes_on=today + DAY)
    send_job_closing_reminders()
    JobPosting.objects.filter(pk=job.pk).update(posted_on=today, closes_on=today + 2 * DAY)
    assert send_job_closing_reminders().sent == [job]
    assert JobNotice.objects.count() == 2


def test_the_command_reports_its_run(job_factory):
    job_factory(title="Counter assistant", closes_on=timezone.localdate() + DAY)
    out = io.StringIO()
    call_command("send_job_closing_reminders", stdout=out)
    assert "1 job(s) reminded, 0 failed" in out.getvalue()
