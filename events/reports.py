"""Two reports on events (Reports menu), both Wagtail reports, filterable and exportable:

- "Events: attendance and revenue": per event, who registered, arrived, waits, and what the
  tickets brought in (paid places, less refunds), in the event's currency.
- "Event guests to members": guests on their way to membership (below).

Event guests on their way to membership, per event and per month (Reports > Event guests
to members): how many guests came, said they were interested, got the follow-up, applied
(events/follow_ups.py links an application to the registration it came from) and became
members (their application made a member). A Wagtail report: filterable, exportable as CSV
and XLSX, with the month-by-month totals of the events in the filter above the per-event table.

A guest is a confirmed registration not made for a member; an event counts in the month it
starts (chamber time zone).
"""

from decimal import Decimal

import django_filters
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.reports import ReportView
from wagtail.admin.widgets import AdminDateInput
from wagtail.permission_policies import ModelPermissionPolicy

from chamber.viewsets import CsvSafeExportMixin
from events.models import EventKind, EventPage, Registration

GUEST = Q(
    registrations__status=Registration.Status.CONFIRMED,
    registrations__member__isnull=True,
)
COUNTS = {
    "guests": Count("registrations", filter=GUEST),
    "interested": Count(
        "registrations", filter=GUEST & Q(registrations__interested_in_membership=True)
    ),
    "followed_up": Count(
        "registrations", filter=GUEST & Q(registrations__followed_up_at__isnull=False)
    ),
    "applied": Count("registrations", filter=GUEST & Q(registrations__application__isnull=False)),
    "members": Count(
        "registrations", filter=GUEST & Q(registrations__application__member__isnull=False)
    ),
}
HEADINGS = {
    "guests": _("Guests"),
    "interested": _("Interested in membership"),
    "followed_up": _("Followed up"),
    "applied": _("Applied"),
    "members": _("Became members"),
}


def rate(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "-"


class GuestConversionFilterSet(WagtailFilterSet):
    starts_from = django_filters.DateFilter(
        field_name="starts_at",
        lookup_expr="date__gte",
        label=_("Events from"),
        widget=AdminDateInput,
    )
    starts_to = django_filters.DateFilter(
        field_name="starts_at", lookup_expr="date__lte", label=_("Events to"), widget=AdminDateInput
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=EventKind.choices)

    class Meta:
        model = EventPage
        fields = []


class GuestConversionReport(CsvSafeExportMixin, ReportView):
    page_title = _("Event guests to members")
    header_icon = "group"
    results_template_name = "events/admin/guest_conversion_results.html"
    index_url_name = "events_guest_conversion"
    index_results_url_name = "events_guest_conversion_results"
    filterset_class = GuestConversionFilterSet
    permission_policy = ModelPermissionPolicy(Registration)
    permission_required = "view"
    paginate_by = 50
    columns = [
        TitleColumn(
            "title",
            label=_("Event"),
            get_url=lambda event: reverse("wagtailadmin_pages:edit", args=[event.pk]),
        ),
        DateColumn("starts_at", label=_("Date")),
        *(Column(name, label=label) for name, label in HEADINGS.items()),
        Column("conversion", label=_("Guests who became members"), accessor="conversion"),
    ]
    list_export = ["title", "starts_at", *HEADINGS, "conversion"]
    export_headings = {
        "title": _("Event"),
        "starts_at": _("Date"),
        **HEADINGS,
        "conversion": _("Guests who became members"),
    }
    export_filename = "event-guests-to-members"

    def get_queryset(self):
        # Events that have happened (their guests can only have been followed up since).
        return (
            EventPage.objects.filter(starts_at__lt=timezone.now())
            .annotate(**COUNTS)
            .order_by("-starts_at", "-pk")
        )

    def decorate_paginated_queryset(self, object_list):
        for event in object_list:
            event.conversion = rate(event.members, event.guests)
        return object_list

    def to_row_dict(self, item):
        item.conversion = rate(item.members, item.guests)
        return super().to_row_dict(item)

    @cached_property
    def months(self) -> list[dict]:
        """The filtered events' guests, month by month (by the month each event starts)."""
        rows = (
            self.filter_queryset(EventPage.objects.filter(starts_at__lt=timezone.now()))
            .annotate(month=TruncMonth("starts_at", tzinfo=timezone.get_current_timezone()))
            .values("month")
            .annotate(events=Count("pk", distinct=True), **COUNTS)
            .order_by("-month")
        )
        return [{**row, "conversion": rate(row["members"], row["guests"])} for row in rows]

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["months"] = self.months
        context["headings"] = HEADINGS
        return context


# -- attendance and revenue ------------------------------------------------------------------

CONFIRMED = Q(registrations__status=Registration.Status.CONFIRMED)
PAID = Q(registrations__price__gt=0)
ATTENDANCE = {
    "registered": Count("registrations", filter=CONFIRMED),
    "arrived": Count(
        "registrations", filter=CONFIRMED & Q(registrations__checked_in_at__isnull=False)
    ),
    "waiting": Count(
        "registrations", filter=Q(registrations__status=Registration.Status.WAITLISTED)
    ),
    "paid_places": Count("registrations", filter=CONFIRMED & PAID),
    # What tickets brought in: confirmed paid places, and nothing for a refunded one (a
    # refunded place is cancelled). Places to pay at the door count when confirmed.
    "revenue": Sum("registrations__price", filter=CONFIRMED & PAID, default=Decimal("0")),
    "refunded": Sum(
        "registrations__price",
        filter=Q(registrations__refunded_at__isnull=False),
        default=Decimal("0"),
    ),
}
CENT = Decimal("0.01")
ATTENDANCE_HEADINGS = {
    "registered": _("Registered"),
    "arrived": _("Arrived"),
    "waiting": _("Waitlist"),
    "paid_places": _("Paid places"),
    "revenue": _("Revenue"),
    "refunded": _("Refunded"),
}


class EventAttendanceFilterSet(GuestConversionFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=EventPage.Status.choices)


class EventAttendanceReport(CsvSafeExportMixin, ReportView):
    page_title = _("Events: attendance and revenue")
    header_icon = "date"
    index_url_name = "events_attendance"
    index_results_url_name = "events_attendance_results"
    filterset_class = EventAttendanceFilterSet
    permission_policy = ModelPermissionPolicy(Registration)
    permission_required = "view"
    paginate_by = 50
    columns = [
        TitleColumn(
            "title",
            label=_("Event"),
            get_url=lambda event: (
                reverse("wagtailsnippets_events_registration:list") + f"?event={event.pk}"
            ),
        ),
        DateColumn("starts_at", label=_("Date")),
        Column("status", label=_("Status"), accessor="get_status_display"),
        Column(
            "capacity",
            label=_("Capacity"),
            accessor=lambda event: event.capacity if event.capacity is not None else _("No limit"),
        ),
        *(Column(name, label=label) for name, label in ATTENDANCE_HEADINGS.items()),
        Column("currency", label=_("Currency"), accessor=lambda event: event.currency.upper()),
    ]
    list_export = [
        "title",
        "starts_at",
        "get_status_display",
        "capacity",
        *ATTENDANCE_HEADINGS,
        "currency",
    ]
    export_headings = {
        "title": _("Event"),
        "starts_at": _("Date"),
        "get_status_display": _("Status"),
        **ATTENDANCE_HEADINGS,
    }
    export_filename = "events-attendance-revenue"

    def get_queryset(self):
        return EventPage.objects.annotate(**ATTENDANCE).order_by("-starts_at", "-pk")

    @staticmethod
    def _in_cents(event):
        # SQLite's SUM forgets the decimal places PostgreSQL keeps: money shows as 180.00.
        for name in ("revenue", "refunded"):
            setattr(event, name, Decimal(getattr(event, name)).quantize(CENT))
        return event

    def decorate_paginated_queryset(self, object_list):
        return [self._in_cents(event) for event in object_list]

    def to_row_dict(self, item):
        return super().to_row_dict(self._in_cents(item))
