"""The job board's pages, served through JobsIndexPage's routes: the list and a job's page.

A job that was on the board and has closed (its closing date passed, the employer closed it,
or its member is no longer in good standing) answers 410 Gone with links to open jobs, so
search engines drop it; an address that never was a job is a 404.
"""

from django.http import Http404
from django.template.response import TemplateResponse

from chamber.pagination import page_of
from directory.cards import result_cards
from directory.models import DirectoryPage
from directory.selectors import card_queryset
from jobs import services
from jobs.filters import SORT_ORDERINGS, JobFilterSet
from jobs.selectors import (
    job_cards,
    job_facets,
    once_published_job,
    open_job,
    open_job_cards,
    open_jobs,
)
from jobs.structured_data import job_json_ld
from membership.models import MemberContact

PAGE_SIZE = 12
FILTERS = ("q", "employment", "workplace", "town", "category", "salary")


def job_index(request, *, page):
    filterset = JobFilterSet(request.GET, queryset=open_jobs())
    filterset.is_valid()  # invalid parameters are left out of cleaned_data, i.e. ignored
    cleaned = filterset.form.cleaned_data
    sort = cleaned.get("sort") or "newest"
    jobs = filterset.filter_queryset_except(filterset.queryset).order_by(*SORT_ORDERINGS[sort])
    page_obj = page_of(jobs, request.GET.get("page"), PAGE_SIZE)
    jobs_url = page.get_url(request)
    return TemplateResponse(
        request,
        "jobs/jobs_index.html",
        {
            "page": page,
            "self": page,
            "filterset": filterset,
            "facets": job_facets(filterset),
            "page_obj": page_obj,
            "cards": job_cards(page_obj.object_list, jobs_url=jobs_url),
            "jobs_url": jobs_url,
            "query": cleaned.get("q") or "",
            "is_filtered": any(cleaned.get(name) for name in FILTERS),
            "ignored": filterset.ignored,
            "sort": sort,
        },
    )


def job_detail(request, *, page, slug):
    job = open_job(slug)
    if job is None:
        return _gone(request, page=page, slug=slug)
    url = page.job_url(job, full=True)
    directory = DirectoryPage.objects.live().first()
    business_url = directory.business_url(job.business, full=True) if directory else ""
    business_cards = (
        result_cards(card_queryset().filter(pk=job.business_id), directory_url=directory.url)
        if directory
        else []
    )
    if not _is_employer(request.user, job):
        services.job_count_view(job, visitor=services.visitor_key(request))
    return TemplateResponse(
        request,
        "jobs/job_detail.html",
        {
            "page": page,
            "self": page,
            "job": job,
            "canonical_url": url,
            "business_cards": business_cards,
            "other_jobs": open_job_cards(business=job.business, exclude=job, limit=5),
            "json_ld": job_json_ld(job, url=url, business_url=business_url),
        },
    )


def _gone(request, *, page, slug):
    job = once_published_job(slug)
    if job is None:
        raise Http404("No such job")
    return TemplateResponse(
        request,
        "jobs/job_closed.html",
        {
            "page": page,
            "self": page,
            "job": job,
            "other_jobs": open_job_cards(business=job.business, limit=5),
            "latest_jobs": open_job_cards(limit=5),
        },
        status=410,
    )


def _is_employer(user, job) -> bool:
    """The employer's own people looking at their job don't count as views."""
    if not user.is_authenticated:
        return False
    return MemberContact.objects.filter(member_id=job.business.member_id, user=user).exists()
