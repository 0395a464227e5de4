"""Members' own job postings, from their account: new jobs and changes as drafts for staff to
publish, closing a job at once, reposting a closed one, and the level's allowance.

The drafts work as deals' do (deals/submissions.py explains why a change is stored as a
revision built on a separate instance and the row learns only the pointer), and the allowance
is checked with the member's row locked, so two posts at once cannot both take the last place.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from wagtail.actions.unpublish import UnpublishAction
from wagtail.log_actions import log
from wagtail.models import Revision

from chamber import emails
from chamber.allowances import Allowance
from chamber.reviews import review_path
from chamber.revisions import store_revision, waiting_value
from chamber.rich_text import clean_rich_text
from jobs.models.postings import DEFAULT_OPEN_DAYS, JobPosting
from membership.models import Member

# The form's fields the member's values are written to.
JOB_FIELDS = (
    "business",
    "title",
    "employment_type",
    "workplace_type",
    "town",
    "description",
    "salary_min",
    "salary_max",
    "salary_currency",
    "salary_unit",
    "apply_url",
    "apply_email",
    "closes_on",
)


class JobLimitReached(Exception):
    """The member already has as many jobs as its level allows; nothing was saved."""

    def __init__(self, allowance: "JobAllowance"):
        self.allowance = allowance
        super().__init__(allowance.message)


class JobAllowance(Allowance):
    @property
    def message(self) -> str:
        if self.allowed == 0:
            return "Your level does not include job postings; ask about upgrading."
        return (
            f"You are using {self.used} of {self.allowed} job postings your level allows. "
            "Close a job, or wait until one closes, to post another."
        )


# The allowance --------------------------------------------------------------------------------


def closed(job: JobPosting) -> bool:
    """Unpublished with nothing waiting for staff: what `job_close` leaves behind."""
    return not job.live and not job.has_unpublished_changes


def counts_toward_limit(job: JobPosting, *, on: datetime.date | None = None) -> bool:
    """THE rule for a job taking one of the level's places: published and not past its
    closing date, or waiting for staff with a closing date to come (judged by the waiting
    draft, so a reposted job takes its place as soon as it is sent)."""
    on = on or timezone.localdate()
    if job.live and job.closes_on >= on:
        return True
    if not job.has_unpublished_changes:
        return False
    closes_on = waiting_value(job, "closes_on", parse_date)
    return closes_on is not None and closes_on >= on


def member_jobs(member: Member):
    """All jobs of the member's businesses, newest first, with what their states need."""
    return JobPosting.objects.filter(business__member=member).select_related(
        "business", "latest_revision"
    )


def job_allowance(member: Member, *, exclude_pk: int | None = None) -> JobAllowance:
    """How many of the level's places the member's jobs take (one query, plus the level)."""
    today = timezone.localdate()
    jobs = member_jobs(member)
    if exclude_pk:
        jobs = jobs.exclude(pk=exclude_pk)
    used = sum(1 for job in jobs if counts_toward_limit(job, on=today))
    return JobAllowance(used=used, allowed=member.level.jobs_allowed)


def _lock_member(member: Member) -> Member:
    return Member.objects.select_for_update().get(pk=member.pk)


def _check_limit(member: Member, *, exclude_pk: int | None = None) -> None:
    allowance = job_allowance(member, exclude_pk=exclude_pk)
    if not allowance.can_add:
        raise JobLimitReached(allowance)


# Writes ---------------------------------------------------------------------------------------


def _notify_staff(*, job: JobPosting, title: str, user, what: str) -> None:
    context = {
        "job_title": title,
        "business_name": job.business.name,
        "member": job.business.member,
        "submitted_by": user,
        "what": what,
        "admin_url": emails.absolute(review_path(job)),
    }
    emails.notify_staff_once(f"job:{job.pk}", "jobs/emails/staff_job_submitted", context)


@transaction.atomic
def job_submit_new(*, member: Member, values: dict, user) -> JobPosting:
    """A member's new job: saved unpublished with a first revision, posted today, for staff to
    publish. Raises JobLimitReached, saving nothing, when the level has no place left."""
    if values["business"].member_id != member.pk:
        raise ValueError("A member posts jobs for its own businesses only.")
    member = _lock_member(member)
    _check_limit(member)
    job = JobPosting(**values, posted_on=timezone.localdate(), live=False)
    job.save()
    job.save_revision(user=user, log_action="wagtail.create")
    _notify_staff(job=job, title=job.title, user=user, what="new")
    return job


@transaction.atomic
def job_submit_changes(*, job: JobPosting, changes: dict, user) -> Revision:
    """A member's changes to one of their jobs, as a draft revision for staff to publish (the
    board shows the job as it was meanwhile). A job that takes no place now but would once the
    changes are published is checked against the allowance like a new one."""
    member = _lock_member(job.business.member)
    if "business" in changes and changes["business"].member_id != member.pk:
        raise ValueError("A member posts jobs for its own businesses only.")
    row = JobPosting.objects.select_for_update().get(pk=job.pk)
    draft = row.get_latest_revision_as_object()
    for name, value in changes.items():
        setattr(draft, name, value)
    draft.description = clean_rich_text(draft.description)
    if draft.closes_on >= timezone.localdate() and not counts_toward_limit(row):
        _check_limit(member, exclude_pk=row.pk)
    revision = store_revision(draft, user=user, waiting=True)
    log(
        instance=row,
        action="wagtail.edit",
        user=user,
        revision=revision,
        data={"fields": sorted(changes), "by_member": True},
    )
    _notify_staff(job=row, title=draft.title, user=user, what="changes")
    return revision


@transaction.atomic
def job_repost(*, job: JobPosting, user) -> Revision:
    """Post a closed (or expired) job again: a draft posted today and open for the default 30
    days, for staff to approve like a new job. Checked against the allowance."""
    member = _lock_member(job.business.member)
    row = JobPosting.objects.select_for_update().get(pk=job.pk)
    _check_limit(member, exclude_pk=row.pk)
    today = timezone.localdate()
    draft = row.get_latest_revision_as_object()
    draft.posted_on = today
    draft.closes_on = today + datetime.timedelta(days=DEFAULT_OPEN_DAYS)
    draft.closed_at, draft.filled = None, False
    revision = store_revision(draft, user=user, waiting=True)
    log(
        instance=row,
        action="wagtail.edit",
        user=user,
        revision=revision,
        data={"fields": ["posted_on", "closes_on"], "by_member": True, "repost": True},
    )
    _notify_staff(job=row, title=draft.title, user=user, what="repost")
    return revision


@transaction.atomic
def job_close(*, job: JobPosting, user, filled: bool) -> bool:
    """The member closes their job now (filled, or no longer hiring): off the board at once,
    with no approval, and any changes waiting are taken off staff's list. Returns False when
    it was closed already."""
    row = JobPosting.objects.select_for_update().get(pk=job.pk)
    if closed(row):
        return False
    if row.live:
        # A member has no "publish" permission on jobs; taking down their own job needs none.
        UnpublishAction(row, user=user, log_action=True).execute(skip_permission_checks=True)
    else:
        log(instance=row, action="wagtail.unpublish", user=user, data={"by_member": True})
    # Unpublishing marks the job as having unpublished changes; a closed job has none waiting.
    JobPosting.objects.filter(pk=row.pk).update(
        has_unpublished_changes=False, closed_at=timezone.now(), filled=filled
    )
    return True
