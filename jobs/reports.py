"""The job board report in the admin (Reports menu): the jobs posted in a range of months,
each with its state and page views, and per month how many were posted, filled and closed.

How it counts:

- a job counts in the month it was posted (its posting date, reposts included: a reposted job
  counts in the month of its latest posting);
- *filled*: the employer closed it saying it was filled; *closed*: it is off the board
  (closed by the employer, filled or not, or past its closing date);
- *views*: visits to the job's page, each visitor once a day, the employer's own people not
  counted, over the job's whole life.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chamber.charts import Series, bar_chart
from chamber.reports import (
    ChamberReportView,
    MonthRangeFilterSet,
    ReportColumn,
    month_end,
    month_key,
    month_label,
)
from jobs.models.postings import JobPosting
from jobs.selectors import job_views


def job_state(job: JobPosting, *, today, open_ids: set[int]) -> str:
    if job.pk in open_ids:
        return "open"
    if job.closed_at is not None and not job.live:
        return "filled" if job.filled else "closed"
    if job.live and job.closes_on < today:
        return "closed"
    if not job.live and job.first_published_at is None:
        return "waiting"
    return "not shown"


class JobsReportFilterSet(MonthRangeFilterSet):
    class Meta:
        model = JobPosting
        fields = []


class JobsReportView(ChamberReportView):
    page_title = _("Job board")
    header_icon = "user"
    permission = "jobs.change_jobposting"
    filterset_class = JobsReportFilterSet
    paginate_by = 100
    index_url_name = "jobs_reports:postings"
    index_results_url_name = "jobs_reports:postings_results"
    caption = _("Jobs posted, their state and page views")
    rule = __doc__.split("How it counts:", 1)[1]

    def build_rows(self):
        first, last = self.month_range
        jobs = list(
            JobPosting.objects.filter(posted_on__gte=first, posted_on__lte=month_end(last))
            .select_related("business")
            .order_by("posted_on", "pk")
        )
        today = timezone.localdate()
        open_ids = set(
            JobPosting.objects.open(today)
            .filter(pk__in=[job.pk for job in jobs])
            .values_list("pk", flat=True)
        )
        views = job_views(jobs)
        return [
            {
                "month": month_key(job.posted_on.replace(day=1)),
                "job": job.title,
                "employer": job.business.name,
                "employment_type": job.get_employment_type_display(),
                "posted_on": job.posted_on,
                "closes_on": job.closes_on,
                "state": job_state(job, today=today, open_ids=open_ids),
                "views": views.get(job.pk, 0),
            }
            for job in jobs
        ]

    def get_report_columns(self):
        return [
            ReportColumn("month", _("Month"), numeric=False),
            ReportColumn("job", _("Job"), numeric=False),
            ReportColumn("employer", _("Employer"), numeric=False),
            ReportColumn("employment_type", _("Employment type"), numeric=False),
            ReportColumn("posted_on", _("Posted"), numeric=False),
            ReportColumn("closes_on", _("Closing date"), numeric=False),
            ReportColumn("state", _("State"), numeric=False),
            ReportColumn("views", _("Page views")),
        ]

    def monthly(self, rows):
        totals = {month_key(month): {"month": month_key(month)} for month in self.months}
        for total in totals.values():
            total.update(posted=0, filled=0, closed=0, views=0)
        for row in rows:
            total = totals[row["month"]]
            total["posted"] += 1
            total["filled"] += row["state"] == "filled"
            total["closed"] += row["state"] in ("filled", "closed")
            total["views"] += row["views"]
        return list(totals.values())

    def get_extra_tables(self, rows):
        return [
            {
                "caption": _("Jobs per month"),
                "columns": [
                    ReportColumn("month", _("Month"), numeric=False),
                    ReportColumn("posted", _("Posted")),
                    ReportColumn("filled", _("Filled")),
                    ReportColumn("closed", _("Closed (filled or not)")),
                    ReportColumn("views", _("Page views")),
                ],
                "rows": self.monthly(rows),
            }
        ]

    def get_charts(self, rows):
        totals = self.monthly(rows)
        return [
            bar_chart(
                title=_("Jobs posted and filled each month"),
                description=_(
                    "How many jobs were posted each month, and how many of them were filled; "
                    "the tables below give each job."
                ),
                categories=[month_label(month) for month in self.months],
                series=[
                    Series(str(_("Posted")), [row["posted"] for row in totals]),
                    Series(str(_("Filled")), [row["filled"] for row in totals]),
                ],
                x_label=_("Month"),
                y_label=_("Jobs"),
                id_prefix="jobs",
            )
        ]
