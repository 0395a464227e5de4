"""The base of the chamber's admin reports (Reports menu): Wagtail's `ReportView`, over rows a
report computes rather than a queryset it pages through.

A report is filtered by a django-filter FilterSet (a range of months, and whatever else the
report adds: a level), shows its numbers as accessible SVG charts (chamber/charts.py) and in a
table (caption, `th scope`), and exports the same rows as CSV or XLSX through Wagtail's own
export, with every text cell made formula-safe (`csv_safe`). Each report states its counting
rule on the page (`rule`), so staff can tell what a number means.

Who may open a report is one Django permission (`permission`), checked on every request,
export and results fragment included; the menu item shows only to those who have it.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.urls import include, path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.reports import ReportView

from chamber.viewsets import csv_safe

DEFAULT_MONTHS = 12
MAX_MONTHS = 60  # five years: what a report computes stays bounded


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_end(month: datetime.date) -> datetime.date:
    return add_months(month, 1) - datetime.timedelta(days=1)


def months_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """The first day of each month from `first`'s to `last`'s, both included."""
    months, month = [], month_start(first)
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def month_key(month: datetime.date) -> str:
    """A month as exported and shown in tables: "2026-03" (sorts, and spreadsheets read it)."""
    return month.strftime("%Y-%m")


def month_label(month: datetime.date) -> str:
    """A month on a chart's axis: "Mar 2026"."""
    return date_format(month, "M Y")


class MonthField(forms.DateField):
    """A month (`<input type="month">`, "2026-03"), cleaned to its first day."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ("%Y-%m", "%Y-%m-%d")

    def to_python(self, value):
        value = super().to_python(value)
        return month_start(value) if value else value


class MonthFilter(django_filters.Filter):
    """A month bound of the report's range: read by the report, never applied to a queryset."""

    field_class = MonthField

    def filter(self, qs, value):
        return qs


class ReportModelChoiceFilter(django_filters.ModelChoiceFilter):
    """A choice (a level, say) read by the report, never applied to a queryset."""

    def filter(self, qs, value):
        return qs


class MonthRangeFilterSet(WagtailFilterSet):
    """From and to months; the last 12 months (this one included) when left empty."""

    from_month = MonthFilter(label=_("From month"))
    to_month = MonthFilter(label=_("To month"))

    def month_range(self) -> tuple[datetime.date, datetime.date]:
        """(first day of the first month, first day of the last month), at most MAX_MONTHS."""
        data = self.form.cleaned_data if self.is_valid() else {}
        this_month = month_start(timezone.localdate())
        last = data.get("to_month") or this_month
        first = data.get("from_month") or add_months(last, 1 - DEFAULT_MONTHS)
        if first > last:
            first, last = last, first
        return max(first, add_months(last, 1 - MAX_MONTHS)), last

    def value(self, name):
        return self.form.cleaned_data.get(name) if self.is_valid() else None


def rule_html(text: str):
    """A counting rule written as a docstring (paragraphs, "- " items, `code`, *emphasis*), as
    HTML."""
    blocks = []
    for block in text.strip().replace("`", "").replace("*", "").split("\n\n"):
        items, paragraph = [], []
        for line in block.splitlines():
            line = line.strip()
            if line.startswith("- "):
                items.append(line[2:])
            elif items:
                items[-1] += " " + line
            else:
                paragraph.append(line)
        if paragraph:
            blocks.append(format_html("<p>{}</p>", " ".join(paragraph)))
        if items:
            blocks.append(
                format_html(
                    "<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((i,) for i in items))
                )
            )
    return format_html_join("", "{}", ((block,) for block in blocks))


@dataclass(frozen=True)
class ReportColumn:
    key: str
    heading: str
    numeric: bool = True


class ChamberReportView(ReportView):
    """A report over computed rows (dicts keyed by `ReportColumn.key`)."""

    template_name = "chamber/admin/report.html"
    results_template_name = "chamber/admin/report_results.html"
    paginate_by = None
    permission = ""  # the Django permission that opens the report ("membership.view_member")
    caption = ""
    rule = ""  # how the numbers are counted, in words, shown under the table
    filterset_class = MonthRangeFilterSet

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    # -- what a report provides -------------------------------------------------------------

    def build_rows(self) -> list[dict]:
        raise NotImplementedError

    def get_report_columns(self) -> Sequence[ReportColumn]:
        raise NotImplementedError

    def get_charts(self, rows: list[dict]) -> list:
        return []

    def get_extra_tables(self, rows: list[dict]) -> list[dict]:
        """Tables shown after the main one: dicts of `caption`, `columns`, `rows`."""
        return []

    def get_totals(self, rows: list[dict]) -> list[dict]:
        """Rows for the table's foot (a total per currency, say); not exported."""
        return []

    # -- plumbing ---------------------------------------------------------------------------

    @cached_property
    def month_range(self) -> tuple[datetime.date, datetime.date]:
        if self.filters:
            return self.filters.month_range()
        return MonthRangeFilterSet(data={}).month_range()

    @cached_property
    def months(self) -> list[datetime.date]:
        return months_between(*self.month_range)

    @cached_property
    def rows(self) -> list[dict]:
        return self.build_rows()

    @cached_property
    def report_columns(self) -> list[ReportColumn]:
        return list(self.get_report_columns())

    def get_filtered_queryset(self):
        return self.rows

    @property
    def list_export(self):
        return [column.key for column in self.report_columns]

    def to_row_dict(self, item):
        return {column.key: item.get(column.key) for column in self.report_columns}

    def get_heading(self, queryset, field):
        # Headings carry level and listing names, which staff and members type.
        return csv_safe(next(str(c.heading) for c in self.report_columns if c.key == field))

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        if isinstance(value, str):
            return csv_safe(value)
        return value

    def get_filename(self):
        first, last = self.month_range
        return f"{slugify(self.get_page_title())}-{month_key(first)}-to-{month_key(last)}"

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        columns = self.report_columns
        page_rows = list(context["object_list"])
        context.update(
            report_columns=columns,
            table_rows=[self._cells(row, columns) for row in page_rows],
            totals=self._total_cells(columns),
            charts=self.get_charts(self.rows) if self.rows else [],
            caption=self.caption,
            extra_tables=[
                {**table, "rows": [self._cells(row, table["columns"]) for row in table["rows"]]}
                for table in (self.get_extra_tables(self.rows) if self.rows else [])
            ],
            rule=rule_html(self.rule) if self.rule else "",
            period=(month_label(self.month_range[0]), month_label(self.month_range[1])),
        )
        return context

    @staticmethod
    def _cells(row: dict, columns) -> list[tuple[object, bool]]:
        cells = [(row.get(column.key), column.numeric) for column in columns]
        return [("—" if value is None else value, numeric) for value, numeric in cells]

    def _total_cells(self, columns):
        totals = self.get_totals(self.rows) if self.rows else []
        return [self._cells(total, columns) for total in totals]


class ReportMenuItem(MenuItem):
    """A Reports menu entry shown only to users with the report's permission."""

    def __init__(self, *args, permission: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


def report_urls(namespace: str, prefix: str, reports: Sequence[tuple[str, type]]):
    """Admin URLs for `reports` ((route, view class) pairs) under `prefix`: each report's page
    ("<namespace>:<route>") and the results fragment its filters refresh ("..._results")."""
    patterns = []
    for route, view_class in reports:
        name = route.replace("-", "_")
        patterns += [
            path(f"{route}/", view_class.as_view(), name=name),
            path(
                f"{route}/results/", view_class.as_view(results_only=True), name=f"{name}_results"
            ),
        ]
    return path(prefix, include((patterns, namespace)))
