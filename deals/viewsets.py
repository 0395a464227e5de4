"""Admin for deals: the snippet listing with filters, totals and export; redemptions read-only.

Searching uses the ORM (``search_backend_name = None``), as the directory's admin does, so
searching combines with the filters.
"""

import django_filters
from django import forms
from django.db.models import Count, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.ui.tables import Column, LiveStatusTagColumn, UpdatedAtColumn
from wagtail.admin.widgets import BooleanRadioSelect
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from chamber.viewsets import CsvSafeIndexView, ReadOnlySnippetViewSet
from deals.models.deals import Deal, DealRedemption, DealViews


class DealFilterSet(WagtailFilterSet):
    audience = django_filters.ChoiceFilter(label=_("Audience"), choices=Deal.Audience.choices)
    live = django_filters.BooleanFilter(label=_("Published"), widget=BooleanRadioSelect)
    has_unpublished_changes = django_filters.BooleanFilter(
        label=_("Waiting for approval"),
        help_text=_("A draft, from a member or staff, that is not published yet."),
        widget=BooleanRadioSelect,
    )
    shown = django_filters.BooleanFilter(
        label=_("On show now"),
        help_text=_("Published, within its dates, and its business is publicly listed."),
        method="filter_shown",
        widget=BooleanRadioSelect,
    )

    class Meta:
        model = Deal
        fields = []

    def filter_shown(self, queryset, name, value):
        shown = Deal.objects.shown().values("pk")
        return queryset.filter(pk__in=shown) if value else queryset.exclude(pk__in=shown)


def with_totals(queryset):
    """Each deal's redemptions and page views, as subqueries (no row multiplication)."""
    redemptions = (
        DealRedemption.objects.filter(deal=OuterRef("pk"))
        .values("deal")
        .annotate(n=Count("pk"))
        .values("n")
    )
    views = DealViews.objects.filter(deal=OuterRef("pk")).values("deal").annotate(n=Sum("views"))
    return queryset.annotate(
        redemption_total=Coalesce(Subquery(redemptions), 0),
        view_total=Coalesce(Subquery(views.values("n")), 0),
    )


class DealViewSet(SnippetViewSet):
    model = Deal
    index_view_class = CsvSafeIndexView
    icon = "tag"
    menu_label = _("Deals")
    menu_name = "deals"
    list_display = [
        "title",
        "business",
        "audience",
        "valid_until",
        Column("view_total", label=_("Views"), sort_key="view_total"),
        Column("redemption_total", label=_("Redemptions"), sort_key="redemption_total"),
        LiveStatusTagColumn(),
        UpdatedAtColumn(),
    ]
    filterset_class = DealFilterSet
    search_backend_name = None
    search_fields = ["title", "summary", "business__name", "code"]
    ordering = ["-valid_from", "-pk"]
    list_per_page = 50
    list_export = [
        "title",
        "slug",
        "business",
        "business.member",
        "audience",
        "valid_from",
        "valid_until",
        "live",
        "has_unpublished_changes",
        "view_total",
        "redemption_total",
    ]
    export_headings = {
        "business.member": _("Member"),
        "live": _("Published"),
        "has_unpublished_changes": _("Waiting for approval"),
        "view_total": _("Page views"),
        "redemption_total": _("Redemptions"),
    }
    export_filename = "deals"

    panels = [
        FieldPanel("business"),
        FieldPanel("title"),
        FieldPanel("slug"),
        FieldPanel("summary"),
        FieldPanel("audience", widget=forms.RadioSelect),
        FieldRowPanel([FieldPanel("valid_from"), FieldPanel("valid_until")]),
        FieldPanel("details"),
        FieldPanel("terms"),
        MultiFieldPanel(
            [FieldPanel("redemption_instructions"), FieldPanel("code")],
            heading=_("Redemption (members in good standing only, for a members-only deal)"),
        ),
        FieldPanel("image"),
        FieldPanel("categories", widget=forms.CheckboxSelectMultiple),
    ]

    def get_queryset(self, request):
        return with_totals(Deal.objects.select_related("business", "latest_revision"))


class DealRedemptionViewSet(ReadOnlySnippetViewSet):
    """Who took up which deal, read-only (chamber.viewsets.register_read_only, in
    wagtail_hooks.py): the record behind the totals."""

    model = DealRedemption
    icon = "list-ul"
    menu_label = _("Redemptions")
    menu_name = "deal-redemptions"
    list_display = ["deal", "member", "user", "redeemed_at"]
    list_filter = ["redeemed_on"]
    search_fields = ["deal__title", "member__name"]
    ordering = ["-redeemed_at"]
    list_export = ["deal", "deal.business", "member", "user", "redeemed_at"]
    export_filename = "deal-redemptions"

    def get_queryset(self, request):
        return DealRedemption.objects.select_related("deal__business", "member", "user")


class DealsViewSetGroup(SnippetViewSetGroup):
    items = (DealViewSet, DealRedemptionViewSet)
    menu_label = _("Deals")
    menu_icon = "tag"
    menu_name = "deals-group"
    menu_order = 250
