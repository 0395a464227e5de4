"""/account/jobs/: the member's own job postings, their state and views; new jobs and changes
sent to the chamber office for review; closing a job at once; reposting a closed one.

Every job is looked up through the chosen member's own jobs, so another member's slug is a
404. Any contact of the member may manage its jobs, as with deals. The writes are in
jobs/submissions.py; nothing here publishes.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from chamber.http import SeeOther
from chamber.ratelimit import TOO_MANY_SUBMISSIONS, member_may_submit
from chamber.reviews import Decision, sent_back_note, sent_back_notes
from jobs import submissions
from jobs.account_forms import JobForm
from jobs.models.postings import JobPosting
from jobs.selectors import job_views, jobs_page
from jobs.submissions import JobLimitReached, job_allowance, member_jobs
from membership.account.access import account_view


def _list_url() -> str:
    return reverse("account_jobs:jobs")


def _own_job(request, slug: str) -> JobPosting:
    return get_object_or_404(member_jobs(request.account.member), slug=slug)


def _locked_for(job: JobPosting, user) -> bool:
    """Staff have locked the job in the admin (while they edit it)."""
    return job.locked and job.locked_by_id != user.pk


# The list -------------------------------------------------------------------------------------

OPEN = "Open"


def job_status(job: JobPosting, *, shown: bool, on, sent_back: bool = False) -> str:
    """The job's state in the member's words (from its published row)."""
    if submissions.closed(job):
        return "Closed: filled" if job.filled else "Closed"
    if not job.live:
        return "Sent back for changes" if sent_back else "Waiting for approval"
    if job.closes_on < on:
        return "Closed: closing date passed"
    if not shown:
        if not job.business.live:
            return "Not on show: its listing is not published"
        return "Not on show: membership not in good standing"
    return OPEN


@dataclass(frozen=True)
class JobRow:
    job: JobPosting
    status: str
    changes_waiting: bool
    views: int
    public_url: str  # "" unless open
    closable: bool
    repostable: bool
    sent_back: Decision | None = None

    @property
    def tone(self) -> str:
        return "" if self.status == OPEN else "accent"


def _rows(jobs: list[JobPosting]) -> list[JobRow]:
    today = timezone.localdate()
    shown = set(
        JobPosting.objects.open(today)
        .filter(pk__in=[job.pk for job in jobs])
        .values_list("pk", flat=True)
    )
    page = jobs_page() if shown else None
    sent_back = sent_back_notes(jobs)
    views = job_views(jobs)
    rows = []
    for job in jobs:
        over = submissions.closed(job) or (job.live and job.closes_on < today)
        rows.append(
            JobRow(
                job=job,
                status=job_status(
                    job, shown=job.pk in shown, on=today, sent_back=job.pk in sent_back
                ),
                changes_waiting=job.live and job.has_unpublished_changes,
                views=views.get(job.pk, 0),
                public_url=page.job_url(job) if page and job.pk in shown else "",
                closable=not submissions.closed(job),
                repostable=over and not job.has_unpublished_changes,
                sent_back=sent_back.get(job.pk),
            )
        )
    return rows


@account_view
@require_GET
def job_list(request):
    member = request.account.member
    return TemplateResponse(
        request,
        "jobs/account/jobs.html",
        {
            "account": request.account,
            "account_section": "jobs",
            "rows": _rows(list(member_jobs(member))),
            "allowance": job_allowance(member),
        },
    )


# New jobs and changes -------------------------------------------------------------------------


def _form_page(request, *, form, job=None, allowance=None, locked=False, status=200):
    return TemplateResponse(
        request,
        "jobs/account/job_form.html",
        {
            "account": request.account,
            "account_section": "jobs",
            "form": form,
            "job": job,
            "changes_waiting": job is not None and job.has_unpublished_changes,
            "sent_back": sent_back_note(job) if job is not None else None,
            "allowance": allowance,
            "locked": locked,
            "has_businesses": request.account.member.businesses.exists(),
        },
        status=status,
    )


@account_view
def job_new(request):
    member = request.account.member
    posted = request.method == "POST"
    form = JobForm(request.POST if posted else None, member=member)
    allowance = job_allowance(member)
    if not allowance.can_add:
        return _form_page(request, form=form, allowance=allowance, status=400 if posted else 200)
    if posted and form.is_valid() and not member_may_submit("job", member.pk):
        form.add_error(None, TOO_MANY_SUBMISSIONS)
        return _form_page(request, form=form, allowance=allowance, status=429)
    if posted and form.is_valid():
        try:
            job = submissions.job_submit_new(member=member, values=form.values(), user=request.user)
        except JobLimitReached as refused:  # another contact took the last place meanwhile
            return _form_page(request, form=form, allowance=refused.allowance, status=400)
        messages.success(
            request,
            f"Thank you: “{job.title}” is with the chamber office, who publish it after a check.",
        )
        return SeeOther(_list_url())
    return _form_page(request, form=form, status=400 if posted else 200)


@account_view
def job_edit(request, slug):
    job = _own_job(request, slug)
    locked = _locked_for(job, request.user)
    posted = request.method == "POST"
    # A separate instance: the form writes what was typed into it, the row stays as it is.
    draft = JobPosting.objects.get(pk=job.pk).get_latest_revision_as_object()
    form = JobForm(request.POST if posted else None, instance=draft, member=request.account.member)
    if posted and locked:
        messages.error(request, "The chamber office is editing this job; please try later.")
        return _form_page(request, form=form, job=job, locked=True, status=409)
    if posted and form.is_valid():
        if not form.has_changed():
            messages.info(request, "Nothing was changed.")
            return SeeOther(_list_url())
        if not member_may_submit("job", request.account.member.pk):
            form.add_error(None, TOO_MANY_SUBMISSIONS)
            return _form_page(request, form=form, job=job, status=429)
        try:
            submissions.job_submit_changes(job=job, changes=form.changes(), user=request.user)
        except JobLimitReached as refused:
            return _form_page(request, form=form, job=job, allowance=refused.allowance, status=400)
        messages.success(
            request,
            "Thank you: your changes wait for the chamber office to review."
            + (" The job board shows the job as it was until then." if job.live else ""),
        )
        return SeeOther(_list_url())
    return _form_page(request, form=form, job=job, locked=locked, status=400 if posted else 200)


@account_view
@require_POST
def job_close(request, slug):
    job = _own_job(request, slug)
    filled = request.POST.get("filled") == "yes"
    if _locked_for(job, request.user):
        messages.error(request, "The chamber office is editing this job; please try later.")
    elif submissions.job_close(job=job, user=request.user, filled=filled):
        messages.success(request, f"“{job.title}” was closed: it is no longer on the job board.")
    else:
        messages.info(request, f"“{job.title}” was closed already.")
    return SeeOther(_list_url())


@account_view
@require_POST
def job_repost(request, slug):
    job = _own_job(request, slug)
    if _locked_for(job, request.user):
        messages.error(request, "The chamber office is editing this job; please try later.")
        return SeeOther(_list_url())
    if not member_may_submit("job", request.account.member.pk):
        messages.error(request, TOO_MANY_SUBMISSIONS)
        return SeeOther(_list_url())
    try:
        submissions.job_repost(job=job, user=request.user)
    except JobLimitReached as refused:
        messages.error(request, refused.allowance.message)
        return SeeOther(_list_url())
    messages.success(
        request,
        f"“{job.title}” is posted again, open for 30 days once the chamber office approves it.",
    )
    return SeeOther(_list_url())
