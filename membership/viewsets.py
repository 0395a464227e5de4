"""Admin for membership: levels, members and their contacts, grouped under "Membership".

Searching uses the ORM rather than the Wagtail search index, for the reason given in
directory/viewsets.py: the index refuses filters and sort orders on undeclared fields.
"""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.ui.tables import BooleanColumn, UpdatedAtColumn
from wagtail.admin.widgets import BooleanRadioSelect
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from membership.models import Member, MemberContact, MembershipLevel


class MembershipLevelViewSet(SnippetViewSet):
    model = MembershipLevel
    icon = "pick"
    menu_label = _("Levels")
    menu_name = "membership-levels"

    list_display = [
        "name",
        "annual_dues",
        BooleanColumn("active", label=_("Offered to new members"), sort_key="active"),
        UpdatedAtColumn(),
    ]
    search_backend_name = None
    search_fields = ["name", "slug"]
    ordering = ["sort_order", "annual_dues"]

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldRowPanel([FieldPanel("annual_dues"), FieldPanel("currency")]),
        FieldPanel("benefits"),
        MultiFieldPanel(
            [
                FieldPanel("listing_logo"),
                FieldPanel("listing_description"),
                FieldPanel("listing_social_links"),
                FieldPanel("listing_opening_hours"),
                FieldPanel("featured_placement"),
            ],
            heading=_("Directory listing"),
        ),
        FieldPanel("deals_allowed"),
        FieldRowPanel([FieldPanel("sort_order"), FieldPanel("active")]),
    ]


class MemberFilterSet(WagtailFilterSet):
    in_good_standing = django_filters.BooleanFilter(
        label=_("In good standing today"),
        method="filter_in_good_standing",
        widget=BooleanRadioSelect,
    )

    class Meta:
        model = Member
        fields = ["status", "level"]

    def filter_in_good_standing(self, queryset, name, value):
        in_good_standing = Member.objects.in_good_standing()
        if value:
            return queryset.filter(pk__in=in_good_standing.values("pk"))
        return queryset.exclude(pk__in=in_good_standing.values("pk"))


class MemberViewSet(SnippetViewSet):
    model = Member
    icon = "group"
    menu_label = _("Members")
    menu_name = "members"

    list_display = [
        "name",
        "level",
        "status",
        "paid_through",
        BooleanColumn(
            "in_good_standing", label=_("In good standing"), sort_key="good_standing_until"
        ),
    ]
    filterset_class = MemberFilterSet
    search_backend_name = None
    search_fields = ["name", "stripe_customer_id", "stripe_subscription_id"]
    ordering = ["name", "pk"]
    list_per_page = 50

    list_export = [
        "name",
        "level",
        "get_status_display",
        "paid_through",
        "joined_on",
        "auto_renew",
        "in_good_standing",
        "good_standing_until",
        "stripe_customer_id",
    ]
    export_headings = {
        "get_status_display": _("Status"),
        "in_good_standing": _("In good standing"),
        "good_standing_until": _("In good standing until"),
    }
    export_filename = "members"

    panels = [
        FieldPanel("name"),
        # A handful of levels: a select beats a chooser modal.
        FieldPanel("level", widget=forms.Select),
        FieldRowPanel([FieldPanel("status"), FieldPanel("paid_through")]),
        FieldRowPanel([FieldPanel("joined_on"), FieldPanel("auto_renew")]),
        FieldPanel("good_standing_until", read_only=True),
        MultiFieldPanel(
            [
                # Written by the Stripe integration; editing them here would desynchronise it.
                FieldPanel("stripe_customer_id", read_only=True),
                FieldPanel("stripe_subscription_id", read_only=True),
            ],
            heading=_("Stripe"),
        ),
    ]

    def get_queryset(self, request):
        return Member.objects.select_related("level")


class MemberContactViewSet(SnippetViewSet):
    model = MemberContact
    icon = "user"
    menu_label = _("Contacts")
    menu_name = "member-contacts"

    list_display = ["user", "member", "role", "created_at"]
    list_filter = ["role"]
    search_backend_name = None
    search_fields = ["member__name", "user__username", "user__email", "user__last_name"]
    ordering = ["member__name", "user__username"]

    panels = [
        FieldPanel("member"),
        FieldPanel("user"),
        FieldPanel("role"),
    ]

    def get_queryset(self, request):
        return MemberContact.objects.select_related("member", "user")


class MembershipViewSetGroup(SnippetViewSetGroup):
    items = (MemberViewSet, MembershipLevelViewSet, MemberContactViewSet)
    menu_label = _("Membership")
    menu_icon = "group"
    menu_name = "membership"
    menu_order = 210
