"""Admin for events: registrations (the attendee list per event, filtered by event, exported
as CSV or XLSX) and the check-in page used at the door (events/admin_views.py)."""

import django_filters
from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel
from wagtail.admin.widgets import BooleanRadioSelect
from wagtail.snippets.views.snippets import SnippetViewSet

from chamber.viewsets import CsvSafeIndexView, PermissionCheckedChooserViewSet
from events import admin_views
from events.models import EventPage, Registration


class RegistrationFilterSet(WagtailFilterSet):
    event = django_filters.ModelChoiceFilter(
        label=_("Event"), queryset=EventPage.objects.order_by("-starts_at")
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Registration.Status.choices)
    interested_in_membership = django_filters.BooleanFilter(
        label=_("Interested in membership"), widget=BooleanRadioSelect
    )
    guests = django_filters.BooleanFilter(
        label=_("Guests (no member)"),
        field_name="member",
        lookup_expr="isnull",
        widget=BooleanRadioSelect,
    )

    class Meta:
        model = Registration
        fields = []


class RegistrationViewSet(SnippetViewSet):
    model = Registration
    # Guests' names and e-mails: Wagtail's chooser would list them to any admin user.
    chooser_viewset_class = PermissionCheckedChooserViewSet
    index_view_class = CsvSafeIndexView
    icon = "group"
    menu_label = _("Event registrations")
    menu_name = "event-registrations"
    menu_order = 260
    add_to_admin_menu = True
    list_display = [
        "name",
        "organisation",
        "event",
        "ticket_type",
        "status",
        "price",
        "checked_in_at",
    ]
    filterset_class = RegistrationFilterSet
    search_backend_name = None
    search_fields = ["name", "email", "organisation", "event__title"]
    ordering = ["event", "name"]
    list_per_page = 100
    list_export = [
        "event",
        "name",
        "email",
        "booker_name",
        "organisation",
        "ticket_type",
        "member",
        "price",
        "currency",
        "status",
        "interested_in_membership",
        "walk_in",
        "created_at",
        "checked_in_at",
    ]
    export_headings = {
        "member": _("Member rate for"),
        "booker_name": _("Booked by"),
        "checked_in_at": _("Arrived"),
    }
    export_filename = "event-registrations"
    panels = [
        FieldPanel("name"),
        FieldPanel("email"),
        FieldPanel("organisation"),
        FieldPanel("status"),
        FieldPanel("interested_in_membership"),
        FieldPanel("checked_in_at"),
    ]

    def get_queryset(self, request):
        return Registration.objects.select_related("event", "ticket_type", "member", "booked_by")

    @property
    def check_in_index_view(self):
        return self.construct_view(admin_views.CheckInIndexView)

    @property
    def check_in_view(self):
        return self.construct_view(admin_views.CheckInView)

    @property
    def cancel_event_view(self):
        return self.construct_view(admin_views.CancelEventView)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("check-in/", self.check_in_index_view, name="check_in_index"),
            path("check-in/<int:event_pk>/", self.check_in_view, name="check_in"),
            path("cancel-event/<int:event_pk>/", self.cancel_event_view, name="cancel_event"),
        ]
