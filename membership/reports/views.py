"""The membership reports in the admin (Reports menu): thin views over members.py,
revenue.py and retention.py. Members and retention need `membership.view_member`; revenue,
which shows money, `membership.view_payment`."""

from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from chamber.charts import Series, bar_chart, line_chart
from chamber.reports import ChamberReportView, ReportColumn, month_label
from membership.reports import members, retention, revenue
from membership.reports.filters import MembershipReportFilterSet

MONTH = ReportColumn("month", _("Month"), numeric=False)


class MembershipReportView(ChamberReportView):
    filterset_class = MembershipReportFilterSet
    header_icon = "group"

    @property
    def level(self):
        return self.filters.value("level") if self.filters else None

    @property
    def month_labels(self) -> list[str]:
        return [month_label(month) for month in self.months]


class MembersReportView(MembershipReportView):
    page_title = _("Members by level and status")
    permission = "membership.view_member"
    index_url_name = "membership_reports:members"
    index_results_url_name = "membership_reports:members_results"
    caption = _("Members at each month's end, by level and status; new and lapsed members")
    rule = members.__doc__

    @cached_property
    def report(self):
        return members.members_by_month(months=self.months, level=self.level)

    def build_rows(self):
        return self.report[0]

    def get_report_columns(self):
        levels = self.report[1]
        return [
            MONTH,
            *(ReportColumn(f"level_{level.pk}", level.name) for level in levels),
            ReportColumn("active", _("Active")),
            ReportColumn("past_due", _("Past due (in grace)")),
            ReportColumn("members", _("Members")),
            ReportColumn("new", _("New")),
            ReportColumn("lapsed", _("Lapsed")),
        ]

    def get_totals(self, rows):
        return [{"month": _("Total"), **members.totals(rows)}]

    def get_charts(self, rows):
        levels = self.report[1]
        return [
            line_chart(
                title=_("Members at each month's end, by level"),
                description=_(
                    "Members in good standing on the last day of each month from %(first)s "
                    "to %(last)s, one line per level; the table below gives the numbers."
                )
                % {"first": self.month_labels[0], "last": self.month_labels[-1]},
                categories=self.month_labels,
                series=[
                    Series(level.name, [row[f"level_{level.pk}"] for row in rows])
                    for level in levels
                ],
                x_label=_("Month"),
                y_label=_("Members"),
                id_prefix="members-by-level",
            ),
            bar_chart(
                title=_("New and lapsed members each month"),
                description=_(
                    "Members who joined and members whose grace period ran out, each month; "
                    "the table below gives the numbers."
                ),
                categories=self.month_labels,
                series=[
                    Series(str(_("New")), [row["new"] for row in rows]),
                    Series(str(_("Lapsed")), [row["lapsed"] for row in rows]),
                ],
                x_label=_("Month"),
                y_label=_("Members"),
                id_prefix="members-new-lapsed",
            ),
        ]


class RevenueReportView(MembershipReportView):
    page_title = _("Revenue")
    header_icon = "doc-full"
    permission = "membership.view_payment"
    index_url_name = "membership_reports:revenue"
    index_results_url_name = "membership_reports:revenue_results"
    caption = _("Money received each month, by level and currency, after corrections")
    rule = revenue.__doc__

    @cached_property
    def report(self):
        return revenue.revenue_by_month(months=self.months, level=self.level)

    def build_rows(self):
        return self.report[0]

    def get_report_columns(self):
        _rows, levels, sources = self.report
        return [
            MONTH,
            ReportColumn("currency", _("Currency"), numeric=False),
            *(ReportColumn(f"level_{level.pk}", level.name) for level in levels),
            ReportColumn("dues", _("Dues")),
            *(ReportColumn(f"source_{source.key}", source.label) for source in sources),
            ReportColumn("total", _("Total")),
        ]

    def get_totals(self, rows):
        return revenue.totals_by_currency(rows)

    def get_charts(self, rows):
        charts = []
        for currency in dict.fromkeys(row["currency"] for row in rows):
            of_currency = [row for row in rows if row["currency"] == currency]
            _rows, levels, sources = self.report
            series = [
                Series(level.name, [row[f"level_{level.pk}"] for row in of_currency])
                for level in levels
            ] + [
                Series(str(source.label), [row[f"source_{source.key}"] for row in of_currency])
                for source in sources
            ]
            charts.append(
                bar_chart(
                    title=_("Revenue each month in %(currency)s") % {"currency": currency},
                    description=_(
                        "Dues received each month by level, and other money beside them, in "
                        "%(currency)s after voids, adjustments and refunds; the table below "
                        "gives the amounts and totals."
                    )
                    % {"currency": currency},
                    categories=self.month_labels,
                    series=series,
                    x_label=_("Month"),
                    y_label=currency,
                    value_format=lambda value, currency=currency: f"{value:,.2f} {currency}",
                    id_prefix=f"revenue-{currency.lower()}",
                )
            )
        return charts


class RetentionReportView(MembershipReportView):
    page_title = _("Retention")
    header_icon = "rotate"
    permission = "membership.view_member"
    index_url_name = "membership_reports:retention"
    index_results_url_name = "membership_reports:retention_results"
    caption = _("Memberships due to renew each month, and what became of them")
    rule = retention.__doc__

    def build_rows(self):
        return retention.retention_by_month(months=self.months, level=self.level)

    def get_report_columns(self):
        return [
            MONTH,
            ReportColumn("due", _("Due to renew")),
            ReportColumn(retention.RENEWED, _("Renewed")),
            ReportColumn(retention.LAPSED, _("Lapsed")),
            ReportColumn(retention.OPEN, _("Open (not yet due, or in grace)")),
            ReportColumn("rate", _("Renewal rate (%)")),
        ]

    def get_totals(self, rows):
        return [retention.totals(rows)]

    def get_charts(self, rows):
        return [
            bar_chart(
                title=_("Renewals each month"),
                description=_(
                    "Of the memberships due to renew each month: renewed, lapsed, and still open "
                    "(not yet due, or in their grace period); the table below gives the numbers "
                    "and renewal rates."
                ),
                categories=self.month_labels,
                series=[
                    Series(str(_("Renewed")), [row[retention.RENEWED] for row in rows]),
                    Series(str(_("Lapsed")), [row[retention.LAPSED] for row in rows]),
                    Series(str(_("Open")), [row[retention.OPEN] for row in rows]),
                ],
                x_label=_("Month"),
                y_label=_("Memberships"),
                id_prefix="retention",
            )
        ]
