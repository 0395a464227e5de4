"""Demo jobs: a dozen vacancies at the demo's member businesses, on the job board.

Most are open; one closes within three days (so `send_job_closing_reminders` has work), one
was filled and closed, and the demo member has one open job and one waiting for staff approval.
Jobs go to publicly listed businesses whose level includes job postings, in a seeded order;
each is looked up by slug first, so a second run creates nothing. Saved through the ORM with
their first revision, as demo deals are.
"""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import Revision

from demo.membership import DEMO_MEMBER_EMAIL
from directory.models import Business
from jobs.models import JobPosting, JobViews
from membership.models import MemberContact

SEED = 2121
DAY = datetime.timedelta(days=1)
FT, PT = JobPosting.EmploymentType.FULL_TIME, JobPosting.EmploymentType.PART_TIME
CONTRACT, TEMPORARY = JobPosting.EmploymentType.CONTRACT, JobPosting.EmploymentType.TEMPORARY
INTERN, VOLUNTEER = JobPosting.EmploymentType.INTERNSHIP, JobPosting.EmploymentType.VOLUNTEER
ON_SITE, HYBRID = JobPosting.WorkplaceType.ON_SITE, JobPosting.WorkplaceType.HYBRID
REMOTE = JobPosting.WorkplaceType.REMOTE


@dataclass(frozen=True)
class Vacancy:
    title: str
    employment_type: str
    workplace_type: str
    description: str
    salary: tuple[int, int | None, str] | None  # (from, up to, unit)
    posted_days_ago: int
    open_days: int


VACANCIES = (
    Vacancy(
        "Office administrator",
        FT,
        ON_SITE,
        "<p>Keep our office running: answer the phone and e-mail, book appointments, order "
        "supplies and help with invoicing.</p><ul><li>Good with spreadsheets</li><li>Friendly "
        "on the phone</li></ul>",
        (38000, 44000, "year"),
        3,
        30,
    ),
    Vacancy(
        "Sales associate (weekends)",
        PT,
        ON_SITE,
        "<p>Saturdays and Sundays, 10 to 4. Help customers find what they need, run the till "
        "and keep the shop floor tidy. Training given.</p>",
        (17, 19, "hour"),
        6,
        30,
    ),
    Vacancy(
        "Bookkeeper",
        PT,
        HYBRID,
        "<p>Two days a week, one of them from home: accounts payable and receivable, bank "
        "reconciliations and month-end reports for our accountant.</p>",
        (26, None, "hour"),
        10,
        45,
    ),
    Vacancy(
        "Delivery driver",
        FT,
        ON_SITE,
        "<p>Deliver orders across the valley in our van. Clean driving licence needed; early "
        "starts, finished by 3pm.</p>",
        (40000, None, "year"),
        2,
        30,
    ),
    Vacancy(
        "Marketing intern",
        INTERN,
        HYBRID,
        "<p>A paid twelve-week internship for a student or recent graduate: social media, "
        "our newsletter and a small local campaign of your own.</p>",
        (2400, None, "month"),
        12,
        40,
    ),
    Vacancy(
        "Customer service representative",
        FT,
        REMOTE,
        "<p>Answer customers by phone, chat and e-mail from home. We provide the laptop and "
        "headset; you provide patience and a quiet room.</p>",
        None,
        8,
        30,
    ),
    Vacancy(
        "Seasonal shop assistant",
        TEMPORARY,
        ON_SITE,
        "<p>Help us through the busy season, November to January. Flexible hours, staff "
        "discount, and a good chance of a permanent role after.</p>",
        (16, 18, "hour"),
        27,
        30,  # closes within three days
    ),
    Vacancy(
        "Apprentice technician",
        FT,
        ON_SITE,
        "<p>Learn a trade with us: a three-year apprenticeship with day release to the "
        "community college, paid from day one.</p>",
        (30000, 34000, "year"),
        15,
        60,
    ),
    Vacancy(
        "Volunteer event helpers",
        VOLUNTEER,
        ON_SITE,
        "<p>Give a few hours at our open day: welcome visitors, hand out samples and help "
        "set up. Lunch and a thank-you gift for every helper.</p>",
        None,
        4,
        21,
    ),
    Vacancy(
        "IT support contractor",
        CONTRACT,
        REMOTE,
        "<p>A three-month contract to move our office to new laptops and set up backups. "
        "Mostly remote, with two or three days on site.</p>",
        (55, 70, "hour"),
        5,
        30,
    ),
    Vacancy(
        "Receptionist",
        PT,
        ON_SITE,
        "<p>Mornings, Monday to Friday: greet clients, manage the diary and keep the front "
        "desk running smoothly.</p>",
        (18, None, "hour"),
        20,
        30,
    ),
    Vacancy(
        "Warehouse operative",
        TEMPORARY,
        ON_SITE,
        "<p>Pick, pack and dispatch orders for eight weeks over our busiest period. Forklift "
        "licence a plus.</p>",
        (17, None, "hour"),
        35,
        30,  # filled and closed
    ),
)
FILLED = "Warehouse operative"


def _employers(rng: random.Random) -> list[Business]:
    businesses = list(
        Business.objects.publicly_listed()
        .filter(member__level__jobs_allowed__gt=0)
        .exclude(member__contacts__user__email=DEMO_MEMBER_EMAIL)
        .order_by("pk")
    )
    rng.shuffle(businesses)
    return businesses


def _job(vacancy: Vacancy, business: Business, *, today, slug: str) -> JobPosting:
    posted_on = today - vacancy.posted_days_ago * DAY
    job = JobPosting(
        business=business,
        title=vacancy.title,
        slug=slug,
        town="" if vacancy.workplace_type == REMOTE else business.city,
        employment_type=vacancy.employment_type,
        workplace_type=vacancy.workplace_type,
        description=vacancy.description,
        apply_email=f"jobs@{slugify(business.name)[:40] or 'employer'}.example",
        posted_on=posted_on,
        closes_on=posted_on + vacancy.open_days * DAY,
    )
    if vacancy.salary:
        low, high, unit = vacancy.salary
        job.salary_min = Decimal(low)
        job.salary_max = Decimal(high) if high else None
        job.salary_unit = unit
    return job


def _save_with_revision(job: JobPosting, *, now, user=None) -> JobPosting:
    """Save `job` (published when `job.live`) with its first revision, without the
    publication's signal and log line (as demo deals are saved)."""
    if job.live:
        job.first_published_at = job.last_published_at = now
    job.save()
    revision = Revision.objects.create(
        content_object=job,
        base_content_type=job.get_base_content_type(),
        content=job.serializable_data(),
        object_str=str(job),
        user=user,
    )
    JobPosting.objects.filter(pk=job.pk).update(
        latest_revision=revision,
        live_revision=revision if job.live else None,
        has_unpublished_changes=not job.live,
    )
    return job


def _demo_member_jobs(*, now, today) -> list[JobPosting]:
    """The demo member's own jobs: one open, one waiting for the chamber office."""
    contact = (
        MemberContact.objects.filter(user__email=DEMO_MEMBER_EMAIL).select_related("user").first()
    )
    business = (
        Business.objects.filter(member_id=contact.member_id).order_by("pk").first()
        if contact
        else None
    )
    if business is None:
        return []
    open_job = _job(VACANCIES[0], business, today=today, slug=f"team-assistant-{business.slug}")
    open_job.title = "Team assistant"
    open_job.live = True
    waiting = _job(VACANCIES[1], business, today=today, slug=f"weekend-helper-{business.slug}")
    waiting.title, waiting.posted_on = "Weekend helper", today
    waiting.closes_on = today + 30 * DAY
    waiting.live = False
    return [
        _save_with_revision(open_job, now=now),
        _save_with_revision(waiting, now=now, user=contact.user),
    ]


@transaction.atomic
def build_jobs(*, log) -> None:
    if JobPosting.objects.exists():
        log("Demo: jobs already there.")
        return
    rng = random.Random(SEED)
    now = timezone.now()
    today = timezone.localdate(now)
    created = []
    for vacancy, business in zip(VACANCIES, _employers(rng), strict=False):
        job = _job(vacancy, business, today=today, slug=slugify(f"{vacancy.title} {business.name}"))
        job.live = True
        if vacancy.title == FILLED:
            job.live, job.filled, job.closed_at = False, True, now - 5 * DAY
            job.first_published_at = job.last_published_at = now - 35 * DAY
            _save_with_revision(job, now=now)
            JobPosting.objects.filter(pk=job.pk).update(has_unpublished_changes=False)
        else:
            _save_with_revision(job, now=now)
        created.append(job)
    created.extend(_demo_member_jobs(now=now, today=today))
    views = [
        JobViews(job=job, day=today - back * DAY, views=rng.randint(0, 15))
        for job in created
        if job.first_published_at
        for back in range(min(14, max(1, (today - job.posted_on).days)))
    ]
    JobViews.objects.bulk_create(views, ignore_conflicts=True)
    log(f"Demo: {len(created)} jobs created ({JobPosting.objects.open().count()} open now).")
