"""Job postings: vacancies at member businesses, on the job board while open.

Who sees a posting is decided in one place, `JobPostingQuerySet.open`; everything that renders
one (the list, its page, the feed, the sitemap, a listing's "Open jobs", the JSON-LD) asks it.
"""

import datetime
import html

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail.fields import RichTextField
from wagtail.models import DraftStateMixin, LockableMixin, PreviewableMixin, RevisionMixin
from wagtail.search import index

from chamber.rich_text import clean_rich_text
from chamber.slugs import unique_slug
from directory.models import Business, publicly_listed_q
from membership.models import CURRENCIES

# Route names under /jobs/ and /account/jobs/ that no job may take as its slug.
RESERVED_SLUGS = {"feed", "page", "new"}
DEFAULT_OPEN_DAYS = 30
MAX_OPEN_DAYS = 90


def default_closes_on() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=DEFAULT_OPEN_DAYS)


class JobPostingQuerySet(models.QuerySet):
    def open(self, on: datetime.date | None = None):
        """THE rule for a job being on the board: published, posted on or before `on`, its
        closing date not passed (the closing day itself included), and its business publicly
        listed that day (so a member that stops being in good standing takes its jobs down
        with its listing). Decided by the date at query time: no scheduled job closes jobs."""
        on = on or timezone.localdate()
        return self.filter(
            publicly_listed_q(on, prefix="business__"),
            live=True,
            posted_on__lte=on,
            closes_on__gte=on,
        )


class JobPosting(
    DraftStateMixin,
    LockableMixin,
    RevisionMixin,
    PreviewableMixin,
    index.Indexed,
    models.Model,
):
    class WorkplaceType(models.TextChoices):
        ON_SITE = "on_site", _("On-site")
        HYBRID = "hybrid", _("Hybrid")
        REMOTE = "remote", _("Remote")

    class EmploymentType(models.TextChoices):
        FULL_TIME = "full_time", _("Full-time")
        PART_TIME = "part_time", _("Part-time")
        CONTRACT = "contract", _("Contract")
        TEMPORARY = "temporary", _("Temporary")
        INTERNSHIP = "internship", _("Internship")
        VOLUNTEER = "volunteer", _("Volunteer")

    class SalaryUnit(models.TextChoices):
        HOUR = "hour", _("per hour")
        DAY = "day", _("per day")
        WEEK = "week", _("per week")
        MONTH = "month", _("per month")
        YEAR = "year", _("per year")

    business = models.ForeignKey(
        Business, verbose_name=_("employer"), on_delete=models.CASCADE, related_name="jobs"
    )
    title = models.CharField(_("job title"), max_length=120)
    slug = models.SlugField(
        _("slug"),
        max_length=140,
        unique=True,
        blank=True,
        help_text=_("The job's web address; set once from the title."),
    )
    town = models.CharField(
        _("town"),
        max_length=100,
        blank=True,
        help_text=_("Where the work is: a town of the directory. Empty for a remote job."),
    )
    town_slug = models.SlugField(max_length=100, blank=True, editable=False)
    workplace_type = models.CharField(
        _("workplace"), max_length=10, choices=WorkplaceType.choices, default=WorkplaceType.ON_SITE
    )
    employment_type = models.CharField(
        _("employment type"),
        max_length=12,
        choices=EmploymentType.choices,
        default=EmploymentType.FULL_TIME,
    )
    salary_min = models.DecimalField(
        _("salary from"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    salary_max = models.DecimalField(
        _("salary up to"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    salary_currency = models.CharField(
        _("currency"), max_length=3, choices=CURRENCIES, default="usd"
    )
    salary_unit = models.CharField(
        _("salary per"), max_length=5, choices=SalaryUnit.choices, default=SalaryUnit.YEAR
    )
    description = RichTextField(_("description"), features=["bold", "italic", "ul", "ol", "link"])
    # The description's words without its markup, kept on save: what keyword search reads (a
    # search for "li" must not find every job with a bulleted list).
    description_text = models.TextField(blank=True, editable=False)
    apply_url = models.URLField(_("apply online at"), max_length=500, blank=True)
    apply_email = models.EmailField(_("apply by e-mail to"), blank=True)
    posted_on = models.DateField(_("posted on"), default=timezone.localdate)
    closes_on = models.DateField(
        _("closing date"),
        default=default_closes_on,
        help_text=_("The last day applications are taken; at most 90 days after posting."),
    )
    # Set when the member closes the job (filled or not) from their account.
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    filled = models.BooleanField(_("filled"), default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = JobPostingQuerySet.as_manager()

    search_fields = [
        index.SearchField("title", boost=5),
        index.AutocompleteField("title"),
        index.SearchField("town"),
        index.RelatedFields("business", [index.SearchField("name")]),
        index.FilterField("live"),
        index.FilterField("business_id"),
    ]

    class Meta:
        ordering = ["-posted_on", "-pk"]
        verbose_name = _("job posting")
        verbose_name_plural = _("job postings")
        indexes = [models.Index(fields=["live", "posted_on", "closes_on"])]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(
                self,
                f"{self.title} {self.business.name}" if self.business_id else self.title,
                max_length=120,
                fallback="job",
                reserved=RESERVED_SLUGS,
                suffix="job",
            )
        self.town_slug = slugify(self.town)[:100]
        self.description = clean_rich_text(self.description)
        self.description_text = html.unescape(strip_tags(self.description))
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        errors = {}
        if self.slug in RESERVED_SLUGS:
            errors["slug"] = _("This address is reserved; choose another.")
        if self.workplace_type != self.WorkplaceType.REMOTE and not self.town:
            errors["town"] = _("Choose the town where the work is (or make the job remote).")
        if not self.apply_url and not self.apply_email:
            errors["apply_url"] = _("Give a web address or an e-mail address to apply to.")
        if self.salary_min and self.salary_max and self.salary_max < self.salary_min:
            errors["salary_max"] = _("The top of the range must not be below its bottom.")
        if self.salary_max and not self.salary_min:
            errors["salary_min"] = _("Give the bottom of the range (or the salary itself).")
        if self.posted_on and self.closes_on:
            if self.closes_on < self.posted_on:
                errors["closes_on"] = _("The closing date must be on or after the posting date.")
            elif self.closes_on > self.posted_on + datetime.timedelta(days=MAX_OPEN_DAYS):
                errors["closes_on"] = _("A job stays open at most 90 days after posting.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_remote(self) -> bool:
        return self.workplace_type == self.WorkplaceType.REMOTE

    @property
    def has_salary(self) -> bool:
        return self.salary_min is not None

    @property
    def location(self) -> str:
        """Where, in words: "Riverside", "Riverside (hybrid)", "Remote"."""
        if self.is_remote:
            return str(_("Remote")) + (f" ({self.town})" if self.town else "")
        if self.workplace_type == self.WorkplaceType.HYBRID:
            return f"{self.town} ({_('hybrid')})"
        return self.town

    def days_left(self, on: datetime.date | None = None) -> int:
        """Whole days until applications close (0 on the closing day)."""
        return max(0, (self.closes_on - (on or timezone.localdate())).days)

    def get_preview_template(self, request, mode_name):
        return "jobs/job_detail.html"

    def get_preview_context(self, request, mode_name):
        return {"job": self, "page": None, "preview": True}


class JobViews(models.Model):
    """Views of a job's page per day, for the employer and the jobs report (kept apart from
    `JobPosting` for the reason given on deals' DealViews: publishing rewrites the row)."""

    job = models.ForeignKey(JobPosting, on_delete=models.CASCADE, related_name="daily_views")
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "day"], name="jobs_views_one_row_a_day")
        ]

    def __str__(self):
        return f"{self.job}: {self.views} views on {self.day}"


class JobNotice(models.Model):
    """An e-mail sent to the employer about a job, recorded so each goes once per posting
    period (a reposted job has a new closing date, and may be reminded again)."""

    class Kind(models.TextChoices):
        CLOSING = "closing", _("job closes soon")

    job = models.ForeignKey(JobPosting, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    closes_on = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["job", "kind", "closes_on"], name="jobs_one_notice_per_closing"
            )
        ]

    def __str__(self):
        return f"{self.job}: {self.get_kind_display()} ({self.closes_on})"
