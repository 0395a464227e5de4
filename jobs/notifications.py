"""E-mails to the employer: when staff send a new job or changes back from the review queue,
and 3 days before a job closes.

The closing reminder is recorded as a `JobNotice` (unique per job, kind and closing date), so it
goes at most once per posting however often the command runs; a reposted job, with a new
closing date, is reminded again before that date.
"""

import datetime
from functools import partial

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from chamber import emails
from chamber.jobs import JobRun, send_once
from jobs.models.postings import JobNotice, JobPosting
from jobs.selectors import jobs_page

CLOSING_NOTICE_DAYS = 3


def job_sent_back(*, obj: JobPosting, revision, reason: str, user) -> list[str]:
    """The review queue's notice (chamber/reviews.py `send_back_notice`). Returns the
    recipients: the member's primary contacts and whoever submitted the job."""
    member = obj.business.member
    recipients = member.notice_emails(author_id=revision.user_id)
    emails.send(
        "jobs/emails/job_sent_back",
        recipients,
        {
            "job_title": revision.object_str or obj.title,
            "member": member,
            "reason": reason,
            "edit_url": emails.absolute(
                reverse("account_jobs:job_edit", args=[obj.slug]) + f"?member={member.pk}"
            ),
        },
    )
    return recipients


def jobs_due_closing_notice(on: datetime.date):
    """Open jobs that close within 3 days (their closing day included) and have not had their
    notice for this closing date."""
    return (
        JobPosting.objects.open(on)
        .filter(closes_on__lte=on + datetime.timedelta(days=CLOSING_NOTICE_DAYS))
        .exclude(
            Exists(
                JobNotice.objects.filter(
                    job=OuterRef("pk"),
                    kind=JobNotice.Kind.CLOSING,
                    closes_on=OuterRef("closes_on"),
                )
            )
        )
        .select_related("business__member")
        .order_by("closes_on", "pk")
    )


def send_job_closing_reminders(now: datetime.datetime | None = None) -> JobRun:
    """E-mail each open job's member once, 3 days (or fewer, for a job posted for less)
    before the job closes (chamber.jobs.send_once: a failed send is not recorded, so the next
    run tries again)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    page = jobs_page()
    run = JobRun()
    for job in jobs_due_closing_notice(today):
        member = job.business.member
        recipients = member.notice_emails()
        context = {
            "job": job,
            "member": member,
            "public_url": page.job_url(job, full=True) if page else "",
            "account_url": emails.absolute(reverse("account_jobs:jobs") + f"?member={member.pk}"),
        }
        send_once(
            run,
            [job],
            recipients=recipients,
            claim=partial(
                JobNotice.objects.create,
                job=job,
                kind=JobNotice.Kind.CLOSING,
                closes_on=job.closes_on,
                sent_at=now,
            ),
            send=partial(emails.send, "jobs/emails/job_closing", recipients, context),
            description=f"closing notice of job {job.pk}",
        )
    return run
