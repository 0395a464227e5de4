from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets.button import Button
from wagtail.snippets.models import register_snippet

from chamber.reports import ReportMenuItem
from events.admin_views import may_cancel_event
from events.models import EventPage
from events.reports import EventAttendanceReport, GuestConversionReport
from events.viewsets import RegistrationViewSet

register_snippet(RegistrationViewSet)


@hooks.register("register_admin_urls")
def register_report_urls():
    return [
        path(
            "reports/event-guests/", GuestConversionReport.as_view(), name="events_guest_conversion"
        ),
        path(
            "reports/event-guests/results/",
            GuestConversionReport.as_view(results_only=True),
            name="events_guest_conversion_results",
        ),
        path("reports/events/", EventAttendanceReport.as_view(), name="events_attendance"),
        path(
            "reports/events/results/",
            EventAttendanceReport.as_view(results_only=True),
            name="events_attendance_results",
        ),
    ]


@hooks.register("register_reports_menu_item")
def register_guest_conversion_menu_item():
    return ReportMenuItem(
        _("Event guests to members"),
        reverse("events_guest_conversion"),
        name="event-guests",
        icon_name="group",
        order=600,
        permission="events.view_registration",
    )


@hooks.register("register_page_header_buttons")
def cancel_event_button(page, user, view_name, next_url=None):
    """ "Cancel event" in an event's page header (edit view), for those who may (see
    admin_views.may_cancel_event)."""
    if isinstance(page.specific_deferred, EventPage) and may_cancel_event(user, page):
        yield Button(
            _("Cancel event and refund"),
            url=reverse("wagtailsnippets_events_registration:cancel_event", args=[page.pk]),
            icon_name="cross",
            priority=55,
        )


@hooks.register("register_reports_menu_item")
def register_attendance_menu_item():
    return ReportMenuItem(
        _("Events: attendance and revenue"),
        reverse("events_attendance"),
        name="events-attendance",
        icon_name="date",
        order=590,
        permission="events.view_registration",
    )
