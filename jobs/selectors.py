"""Reads for the job board: open jobs, cards for lists, facet counts, a member's own jobs and
their numbers.

Nothing here re-states the visibility rule: `JobPosting.objects.open()` says which jobs are on
the board.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from chamber.selectors import live_page_url
from directory.models import Business
from directory.taxonomy import category_tree
from jobs.models.pages import JobsIndexPage
from jobs.models.postings import JobPosting, JobViews


@dataclass(frozen=True)
class JobCard:
    url: str
    title: str
    business_name: str
    location: str
    employment_type: str
    posted_on: datetime.date
    closes_on: datetime.date
    days_left: int


def open_jobs(on=None):
    """Jobs on the board now, with what their pages and cards render."""
    return JobPosting.objects.open(on).select_related("business")


def open_job(slug: str) -> JobPosting | None:
    return open_jobs().filter(slug=slug).first()


def once_published_job(slug: str) -> JobPosting | None:
    """A job that was on the board once (published at least once), open or not: its address
    answers 410 Gone after it closes, not 404."""
    return (
        JobPosting.objects.filter(slug=slug, first_published_at__isnull=False)
        .select_related("business")
        .first()
    )


def job_cards(jobs, *, jobs_url: str) -> list[JobCard]:
    """Cards for `jobs`, linked under `jobs_url` (the job board's URL, ending in a slash)."""
    today = timezone.localdate()
    return [
        JobCard(
            url=f"{jobs_url}{job.slug}/",
            title=job.title,
            business_name=job.business.name,
            location=job.location,
            employment_type=job.get_employment_type_display(),
            posted_on=job.posted_on,
            closes_on=job.closes_on,
            days_left=job.days_left(today),
        )
        for job in jobs
    ]


def jobs_page():
    return JobsIndexPage.objects.live().first()


def jobs_page_url() -> str:
    """The job board's URL ("" without one), cached with the site chrome."""
    return live_page_url(JobsIndexPage)


def open_job_cards(*, limit: int | None = None, business=None, exclude=None) -> list[JobCard]:
    """Cards of open jobs (newest first), for a listing's page and a job's "other jobs": one
    query."""
    jobs_url = jobs_page_url()
    if not jobs_url:
        return []
    jobs = open_jobs()
    if business is not None:
        jobs = jobs.filter(business=business)
    if exclude is not None:
        jobs = jobs.exclude(pk=exclude.pk)
    jobs = jobs.order_by("-posted_on", "-pk")
    if limit is not None:
        jobs = jobs[:limit]
    return job_cards(jobs, jobs_url=jobs_url)


def business_ids_with_jobs(on=None):
    """The listings with an open job (a subquery for the directory's filter)."""
    return JobPosting.objects.open(on).values("business_id")


def listing_jobs_section(business) -> tuple[str, dict]:
    """The "Open jobs" section of a listing's page in the directory."""
    return "jobs/includes/listing_jobs.html", {"cards": open_job_cards(business=business)}


def open_job_count() -> int:
    return JobPosting.objects.open().count()


def with_views(queryset):
    """Each job's page views over its life (`view_total`), as a subquery: no extra query, and
    no row multiplication."""
    views = JobViews.objects.filter(job=OuterRef("pk")).values("job").annotate(n=Sum("views"))
    return queryset.annotate(view_total=Coalesce(Subquery(views.values("n")), 0))


def job_views(jobs) -> dict[int, int]:
    """Page views per job id, in one query whatever the number of jobs."""
    ids = [job.pk for job in jobs]
    return dict(
        JobViews.objects.filter(job_id__in=ids)
        .values("job_id")
        .annotate(n=Sum("views"))
        .values_list("job_id", "n")
        .order_by()
    )


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


def _options(counts: dict[str, int], labels: dict[str, str], selected: str) -> list[FacetOption]:
    """`labels` in their order, each with its count; options that would show nothing are left
    out, unless chosen."""
    return [
        FacetOption(value, str(label), counts.get(value, 0), value == selected)
        for value, label in labels.items()
        if counts.get(value) or value == selected
    ]


def job_facets(filterset) -> dict[str, list[FacetOption]]:
    """For each filter, its options with how many open jobs each would show given the *other*
    filters chosen (`PublicFilterSet.filter_queryset_except`, as the directory's facets count):
    a grouped query or two per facet, so a page's queries don't grow with jobs or options."""
    cleaned = filterset.form.cleaned_data
    base = filterset.queryset

    def over(name):
        return filterset.filter_queryset_except(base, name).order_by()

    def grouped(name, field):
        rows = over(name).values_list(field).annotate(n=Count("pk")).values_list(field, "n")
        return dict(rows)

    towns: dict[str, tuple[str, int]] = {}
    rows = over("town").exclude(town_slug="").values_list("town_slug", "town")
    for slug, name, n in rows.annotate(n=Count("pk")).values_list("town_slug", "town", "n"):
        label, count = towns.get(slug, (name, 0))
        towns[slug] = (min(label, name), count + n)
    chosen_town = cleaned.get("town") or ""
    return {
        "employment": _options(
            grouped("employment", "employment_type"),
            dict(JobPosting.EmploymentType.choices),
            cleaned.get("employment") or "",
        ),
        "workplace": _options(
            grouped("workplace", "workplace_type"),
            dict(JobPosting.WorkplaceType.choices),
            cleaned.get("workplace") or "",
        ),
        "town": [
            FacetOption(slug, label, n, slug == chosen_town)
            for slug, (label, n) in sorted(towns.items(), key=lambda item: item[1][0].casefold())
        ],
        "category": _category_options(over("category"), cleaned.get("category") or ""),
        "salary": [
            FacetOption(
                "on",
                "Salary given",
                over("salary").filter(salary_min__isnull=False).count(),
                bool(cleaned.get("salary")),
            )
        ],
    }


def _category_options(jobs, selected: str) -> list[FacetOption]:
    """Open jobs per category of their business, top-level categories counting their
    sub-categories' (a job counts once per category): two queries, jobs per business and
    those businesses' categories, summed over the cached category tree."""
    per_business = dict(jobs.values_list("business_id").annotate(n=Count("pk")))
    if not per_business:
        return []
    through = Business.categories.through.objects.filter(business_id__in=list(per_business))
    businesses_in: dict[int, set[int]] = {}
    for business_id, category_id in through.values_list("business_id", "category_id"):
        businesses_in.setdefault(category_id, set()).add(business_id)
    options = []
    for root in category_tree().roots:
        for node in (root, *root.children):
            ids = set().union(*(businesses_in.get(pk, set()) for pk in node.family_ids))
            count = sum(per_business[business_id] for business_id in ids)
            if count or node.slug == selected:
                label = node.name if node is root else f"{root.name} / {node.name}"
                options.append(FacetOption(node.slug, label, count, node.slug == selected))
    return options
