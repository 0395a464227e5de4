"""Jobs' section of the member record (membership/record.py, which may not import jobs): the
job postings of the member's listings, where each stands and its page views, in one query."""

from django.contrib.admin.utils import quote
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jobs.models.postings import JobPosting
from jobs.selectors import with_views
from membership.record import RecordSection, register_section

JOB_PERMISSIONS = tuple(
    f"jobs.{action}_jobposting" for action in ("view", "add", "change", "delete", "publish")
)


def review_state(job: JobPosting, *, today) -> str:
    """Published or not, changes awaiting review, and its closing date (whether it is on the
    board also asks the listing: `JobPosting.objects.open`)."""
    if not job.live:
        if job.closed_at is not None:
            return _("Closed: filled") if job.filled else _("Closed")
        return _("Draft: not published")
    parts = [_("Published")]
    if job.has_unpublished_changes:
        parts.append(_("changes awaiting review"))
    word = _("closed %(date)s") if job.closes_on < today else _("closes %(date)s")
    parts.append(word % {"date": date_format(job.closes_on)})
    return "; ".join(parts)


def jobs_section(request, member):
    today = timezone.localdate()
    jobs = list(
        with_views(JobPosting.objects.filter(business__member=member))
        .select_related("business")
        .order_by("-posted_on", "-pk")
    )
    may_edit = request.user.has_perm("jobs.change_jobposting")
    edit_url_name = JobPosting.snippet_viewset.get_url_name("edit")
    for job in jobs:
        job.review_state = review_state(job, today=today)
        job.edit_url = reverse(edit_url_name, args=(quote(job.pk),)) if may_edit else ""
    return "jobs/admin/member_record_jobs.html", {"jobs": jobs}


def register_sections() -> None:
    register_section(
        RecordSection(
            "jobs",
            gettext_lazy("Job postings"),
            jobs_section,
            JOB_PERMISSIONS,
            order=55,
            icon="user",
        )
    )
