"""Admin for the directory: business listings and categories, grouped under "Directory".

Searching in these listings uses the ORM (``search_backend_name = None``), not the Wagtail
search index: the index only accepts filters and sort orders on fields declared as
``FilterField``, so searching while filtering by category or level, or sorting by city, would
fail. Admin listings are small enough for ``icontains``.
"""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.admin.ui.tables import LiveStatusTagColumn, UpdatedAtColumn
from wagtail.admin.widgets import BooleanRadioSelect
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from chamber.viewsets import CsvSafeIndexView, ReadOnlySnippetViewSet
from directory.models.contact import ContactMessage
from directory.models.listings import Business, Category
from membership.models import MembershipLevel


def city_choices() -> list[tuple[str, str]]:
    """One choice per town, keyed by its slug so that "Riverside" and "riverside" are one."""
    choices: dict[str, str] = {}
    rows = Business.objects.order_by("city_slug", "city").values_list("city_slug", "city")
    for slug, city in rows.distinct():
        choices.setdefault(slug, city)
    return list(choices.items())


class BusinessFilterSet(WagtailFilterSet):
    category = django_filters.ModelChoiceFilter(
        label=_("Category"),
        queryset=Category.objects.select_related("parent"),
        method="filter_category",
        help_text=_("A top-level category includes its sub-categories."),
    )
    city = django_filters.ChoiceFilter(
        label=_("Town / city"), field_name="city_slug", choices=city_choices
    )
    level = django_filters.ModelChoiceFilter(
        label=_("Membership level"),
        field_name="member__level",
        queryset=MembershipLevel.objects.all(),
    )
    live = django_filters.BooleanFilter(label=_("Published"), widget=BooleanRadioSelect)
    has_unpublished_changes = django_filters.BooleanFilter(
        label=_("Changes awaiting review"),
        help_text=_("A saved draft, from a member or staff, that is not published yet."),
        widget=BooleanRadioSelect,
    )
    publicly_listed = django_filters.BooleanFilter(
        label=_("Shown in the public directory"),
        help_text=_("Published, and its member is in good standing today."),
        method="filter_publicly_listed",
        widget=BooleanRadioSelect,
    )

    class Meta:
        model = Business
        fields = []

    def filter_category(self, queryset, name, value):
        return queryset.in_categories(value.family_ids())

    def filter_publicly_listed(self, queryset, name, value):
        listed = Business.objects.publicly_listed()
        if value:
            return queryset.filter(pk__in=listed.values("pk"))
        return queryset.exclude(pk__in=listed.values("pk"))


class CategoryFilterSet(WagtailFilterSet):
    parent = django_filters.ModelChoiceFilter(
        label=_("Parent category"), queryset=Category.objects.filter(parent__isnull=True)
    )

    class Meta:
        model = Category
        fields = []


class BusinessViewSet(SnippetViewSet):
    model = Business
    index_view_class = CsvSafeIndexView
    icon = "site"
    menu_label = _("Directory listings")
    menu_name = "directory-listings"

    list_display = ["name", "member", "city", LiveStatusTagColumn(), UpdatedAtColumn()]
    filterset_class = BusinessFilterSet
    search_backend_name = None
    search_fields = ["name", "city", "member__name", "email", "keywords"]
    ordering = ["name", "pk"]
    list_per_page = 50

    list_export = [
        "name",
        "slug",
        "member",
        "member.level",
        "street",
        "city",
        "region",
        "postcode",
        "country",
        "phone",
        "email",
        "website",
        "live",
        "has_unpublished_changes",
        "verified_at",
    ]
    export_headings = {
        "member.level": _("Membership level"),
        "live": _("Published"),
        "has_unpublished_changes": _("Unpublished changes"),
    }
    export_filename = "directory-listings"

    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    FieldPanel("member"),
                    FieldPanel("name"),
                    FieldPanel("slug"),
                    FieldPanel("summary"),
                    FieldPanel("description"),
                    FieldPanel("logo"),
                    FieldPanel("categories", widget=forms.CheckboxSelectMultiple),
                    FieldPanel("keywords"),
                    FieldPanel("verified_at"),
                ],
                heading=_("Listing"),
            ),
            ObjectList(
                [
                    FieldPanel("street"),
                    FieldRowPanel([FieldPanel("city"), FieldPanel("region")]),
                    FieldRowPanel([FieldPanel("postcode"), FieldPanel("country")]),
                    FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
                ],
                heading=_("Location"),
            ),
            ObjectList(
                [
                    FieldRowPanel([FieldPanel("phone"), FieldPanel("phone_visibility")]),
                    FieldRowPanel([FieldPanel("email"), FieldPanel("email_visibility")]),
                    FieldPanel("accepts_messages"),
                    FieldPanel("website"),
                    MultiFieldPanel(
                        [
                            FieldPanel("facebook_url"),
                            FieldPanel("instagram_url"),
                            FieldPanel("linkedin_url"),
                            FieldPanel("x_url"),
                        ],
                        heading=_("Social media"),
                    ),
                    FieldPanel("opening_hours"),
                ],
                heading=_("Contact"),
            ),
        ]
    )

    def get_queryset(self, request):
        return Business.objects.select_related("member__level", "latest_revision")


class CategoryViewSet(SnippetViewSet):
    model = Category
    icon = "tag"
    menu_label = _("Categories")
    menu_name = "directory-categories"

    list_display = ["name", "parent", "sort_order", UpdatedAtColumn()]
    filterset_class = CategoryFilterSet
    search_backend_name = None
    search_fields = ["name", "slug"]
    ordering = ["sort_order", "name"]

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        # A plain select: the form field already offers only top-level categories.
        FieldPanel("parent", widget=forms.Select),
        FieldPanel("description"),
        FieldPanel("synonyms"),
        FieldPanel("sort_order"),
    ]

    def get_queryset(self, request):
        return Category.objects.select_related("parent")


class ContactMessageViewSet(ReadOnlySnippetViewSet):
    """Messages sent through listings' contact forms, read-only (chamber.viewsets
    register_read_only, in wagtail_hooks.py): who wrote to whom and when, for handling abuse.
    The text is not kept (directory/models/contact.py); the same `message_digest` on many rows
    is one text sent to many listings, the same `ip_hash` one sender."""

    model = ContactMessage
    icon = "mail"
    menu_label = _("Contact form messages")
    menu_name = "directory-contact-messages"
    list_display = ["business", "sender_name", "sender_email", "sent_at", "message_length"]
    list_filter = ["sent_at"]
    search_fields = ["business__name", "sender_name", "sender_email", "ip_hash", "message_digest"]
    ordering = ["-sent_at"]
    list_export = [
        "business",
        "sender_name",
        "sender_email",
        "sent_at",
        "ip_hash",
        "message_digest",
        "message_length",
    ]
    export_filename = "contact-form-messages"

    def get_queryset(self, request):
        return ContactMessage.objects.select_related("business")


class DirectoryViewSetGroup(SnippetViewSetGroup):
    items = (BusinessViewSet, CategoryViewSet, ContactMessageViewSet)
    menu_label = _("Directory")
    menu_icon = "site"
    menu_name = "directory"
    menu_order = 200
