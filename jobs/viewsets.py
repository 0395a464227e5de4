"""Admin for job postings: the snippet listing with filters, views and export.

Searching uses the ORM (``search_backend_name = None``), as deals' admin does, so searching
combines with the filters.
"""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.ui.tables import Column, LiveStatusTagColumn, UpdatedAtColumn
from wagtail.admin.widgets import BooleanRadioSelect
from wagtail.snippets.views.snippets import SnippetViewSet

from chamber.viewsets import CsvSafeIndexView
from jobs.models.postings import JobPosting
from jobs.selectors import with_views


class JobPostingFilterSet(WagtailFilterSet):
    employment_type = django_filters.ChoiceFilter(
        label=_("Employment type"), choices=JobPosting.EmploymentType.choices
    )
    workplace_type = django_filters.ChoiceFilter(
        label=_("Workplace"), choices=JobPosting.WorkplaceType.choices
    )
    live = django_filters.BooleanFilter(label=_("Published"), widget=BooleanRadioSelect)
    has_unpublished_changes = django_filters.BooleanFilter(
        label=_("Waiting for approval"), widget=BooleanRadioSelect
    )
    open = django_filters.BooleanFilter(
        label=_("On the job board now"),
        help_text=_("Published, not past its closing date, and its business publicly listed."),
        method="filter_open",
        widget=BooleanRadioSelect,
    )

    class Meta:
        model = JobPosting
        fields = []

    def filter_open(self, queryset, name, value):
        open_jobs = JobPosting.objects.open().values("pk")
        return queryset.filter(pk__in=open_jobs) if value else queryset.exclude(pk__in=open_jobs)


class JobPostingViewSet(SnippetViewSet):
    model = JobPosting
    index_view_class = CsvSafeIndexView
    icon = "user"
    menu_label = _("Job board")
    menu_name = "jobs"
    menu_order = 260
    add_to_admin_menu = True
    list_display = [
        "title",
        "business",
        "employment_type",
        "posted_on",
        "closes_on",
        Column("view_total", label=_("Views"), sort_key="view_total"),
        LiveStatusTagColumn(),
        UpdatedAtColumn(),
    ]
    filterset_class = JobPostingFilterSet
    search_backend_name = None
    search_fields = ["title", "town", "business__name"]
    ordering = ["-posted_on", "-pk"]
    list_per_page = 50
    list_export = [
        "title",
        "slug",
        "business",
        "business.member",
        "employment_type",
        "workplace_type",
        "town",
        "posted_on",
        "closes_on",
        "live",
        "filled",
        "view_total",
    ]
    export_headings = {
        "business.member": _("Member"),
        "live": _("Published"),
        "view_total": _("Page views"),
    }
    export_filename = "jobs"

    panels = [
        FieldPanel("business"),
        FieldPanel("title"),
        FieldPanel("slug"),
        FieldRowPanel(
            [
                FieldPanel("employment_type"),
                FieldPanel("workplace_type", widget=forms.RadioSelect),
            ]
        ),
        FieldPanel("town"),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("salary_min"), FieldPanel("salary_max")]),
                FieldRowPanel([FieldPanel("salary_currency"), FieldPanel("salary_unit")]),
            ],
            heading=_("Salary (optional)"),
        ),
        FieldRowPanel([FieldPanel("apply_url"), FieldPanel("apply_email")]),
        FieldRowPanel([FieldPanel("posted_on"), FieldPanel("closes_on")]),
    ]

    def get_queryset(self, request):
        return with_views(JobPosting.objects.select_related("business", "latest_revision"))
