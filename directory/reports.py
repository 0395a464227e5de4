"""The directory engagement report in the admin (Reports menu): listing views and contact-link
clicks per listing and month, the most viewed listings, and a chart of the monthly totals
(counted as directory/engagement.py says). It needs `directory.view_listingdailystats`
(Directory moderators and Chamber staff)."""

from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from chamber.charts import Series, bar_chart
from chamber.reports import ChamberReportView, ReportColumn, month_end, month_label
from directory import engagement
from membership.reports.filters import MembershipReportFilterSet

METRIC_COLUMNS = [
    ReportColumn("views", _("Page views")),
    ReportColumn("website_clicks", _("Website clicks")),
    ReportColumn("phone_clicks", _("Phone clicks")),
    ReportColumn("email_clicks", _("E-mail clicks")),
]


class EngagementReportView(ChamberReportView):
    page_title = _("Directory engagement")
    header_icon = "view"
    permission = "directory.view_listingdailystats"
    filterset_class = MembershipReportFilterSet  # months and a level
    paginate_by = 100
    index_url_name = "directory_reports:engagement"
    index_results_url_name = "directory_reports:engagement_results"
    caption = _("Views and contact-link clicks per listing and month")
    rule = engagement.__doc__

    @cached_property
    def level(self):
        return self.filters.value("level") if self.filters else None

    def build_rows(self):
        first, last = self.month_range
        return engagement.by_listing_and_month(first=first, last=month_end(last), level=self.level)

    def get_report_columns(self):
        return [
            ReportColumn("month", _("Month"), numeric=False),
            ReportColumn("listing", _("Listing"), numeric=False),
            *METRIC_COLUMNS,
        ]

    def get_extra_tables(self, rows):
        return [
            {
                "caption": _("Most viewed listings over the period"),
                "columns": [ReportColumn("listing", _("Listing"), numeric=False), *METRIC_COLUMNS],
                "rows": engagement.top_listings(rows),
            }
        ]

    def get_charts(self, rows):
        totals = engagement.monthly_totals(rows, self.months)
        return [
            bar_chart(
                title=_("Listing views and clicks each month"),
                description=_(
                    "All listings' page views and website, phone and e-mail clicks added up "
                    "for each month; the tables below give them per listing."
                ),
                categories=[month_label(month) for month in self.months],
                series=[
                    Series(str(_("Page views")), [row["views"] for row in totals]),
                    Series(str(_("Contact-link clicks")), [row["clicks"] for row in totals]),
                ],
                x_label=_("Month"),
                y_label=_("Count"),
                id_prefix="engagement",
            )
        ]
