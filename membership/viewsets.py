"""Admin for membership, grouped under "Membership": members, applications, payments, levels,
contacts, renewal reminders and Stripe events.

Searching uses the ORM rather than the Wagtail search index, for the reason given in
directory/viewsets.py: the index refuses filters and sort orders on undeclared fields.

Applications, payments, reminders and Stripe events are records of what happened: their
generic views only list, filter, export and inspect (``chamber.viewsets``: the read-only
viewset, and its permission policy registered in wagtail_hooks.py). Staff change them only
through the actions in membership/admin_views.py (approve, reject, record a payment, change a
level), which call the services that write the audit log; those actions hang off these
viewsets' URLs and buttons.
"""

import json

import django_filters
from django import forms
from django.contrib.admin.utils import quote, unquote
from django.db.models import OuterRef, Q, Subquery
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import (
    BooleanColumn,
    Column,
    DateColumn,
    TitleColumn,
    UpdatedAtColumn,
)
from wagtail.admin.widgets import BooleanRadioSelect
from wagtail.admin.widgets.button import Button, HeaderButton
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from chamber.viewsets import (
    CsvSafeIndexView,
    LocalTimeInspectView,
    PermissionCheckedChooserViewSet,
    ReadOnlyInspectView,
    ReadOnlySnippetViewSet,
    StreamedExportIndexView,
)
from membership import admin_views, corrections, dues, member_exports, payment_export, reminders
from membership.models.applications import APPLICANT_FIELDS, Application
from membership.models.members import (
    ContactInvitation,
    Member,
    MemberContact,
    MembershipLevel,
    standing_until_label,
)
from membership.models.payments import Payment, RenewalReminder, StripeEvent
from membership.record import render_sections
from membership.selectors import renewal_in_words, standing_in_words
from membership.stripe_gateway import stripe_enabled


def formatted_date(value) -> str:
    return date_format(value) if value else ""


def payment_period(payment) -> str:
    return f"{formatted_date(payment.period_start)} to {formatted_date(payment.period_end)}"


# Levels -------------------------------------------------------------------------------------


class LevelForm(WagtailAdminModelForm):
    """The level's slug names its Stripe prices (their lookup keys): once the level has them,
    it can no longer be changed here."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.stripe_product_id and "slug" in self.fields:
            self.fields["slug"].disabled = True
            self.fields["slug"].help_text = _(
                "Fixed: the level's Stripe prices are named after it."
            )
        if "annual_dues" in self.fields:
            self.fields["annual_dues"].help_text = _(
                "A new amount applies to new members and to renewals paid by hand. Members "
                "whose card renews automatically keep the amount they subscribed at, until "
                'moved with "Move subscribers to this price" (from their next renewal).'
            )


def move_subscribers_button(user, level, button_class=Button, **kwargs) -> list:
    """ "Move subscribers to this price", for a level with a Stripe price and a user who may
    change levels."""
    if not (
        stripe_enabled()
        and level.stripe_price_id
        and user.has_perm("membership.change_membershiplevel")
    ):
        return []
    url = reverse(
        MembershipLevel.snippet_viewset.get_url_name("move_subscribers"), args=(quote(level.pk),)
    )
    return [
        button_class(
            _("Move subscribers to this price"),
            url=url,
            icon_name="resubmit",
            priority=15,
            **kwargs,
        )
    ]


class LevelEditView(SnippetViewSet.edit_view_class):
    @cached_property
    def header_more_buttons(self):
        return [
            *super().header_more_buttons,
            *move_subscribers_button(self.request.user, self.object),
        ]


class MembershipLevelViewSet(SnippetViewSet):
    model = MembershipLevel
    icon = "pick"
    menu_label = _("Levels")
    menu_name = "membership-levels"
    edit_view_class = LevelEditView

    list_display = [
        "name",
        "annual_dues",
        BooleanColumn("active", label=_("Offered to new members"), sort_key="active"),
        UpdatedAtColumn(),
    ]
    search_backend_name = None
    search_fields = ["name", "slug"]
    ordering = ["sort_order", "annual_dues"]

    edit_handler = ObjectList(
        [
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
            FieldRowPanel(
                [
                    FieldPanel("deals_allowed"),
                    FieldPanel("events_allowed"),
                    FieldPanel("jobs_allowed"),
                ]
            ),
            FieldRowPanel([FieldPanel("sort_order"), FieldPanel("active")]),
            MultiFieldPanel(
                [
                    # Kept by membership.stripe_prices.sync_level_prices after each save
                    # (wagtail_hooks.py); typing them would point the level at the wrong prices.
                    FieldPanel("stripe_product_id", read_only=True),
                    FieldPanel("stripe_price_id", read_only=True),
                    FieldPanel("stripe_one_time_price_id", read_only=True),
                ],
                heading=_("Stripe"),
            ),
        ],
        base_form_class=LevelForm,
    )

    @property
    def move_subscribers_view(self):
        return self.construct_view(admin_views.MoveSubscribersView)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path(
                "move-subscribers/<int:pk>/",
                self.move_subscribers_view,
                name="move_subscribers",
            ),
        ]


# Members ------------------------------------------------------------------------------------


MEMBER_SEARCH_FIELDS = [
    "name",
    "contacts__user__first_name",
    "contacts__user__last_name",
    "contacts__user__email",
    "contacts__user__username",
    "businesses__name",
    "stripe_customer_id",
    "stripe_subscription_id",
]


# Standing follows payments: a status, paid-through date or "no end date" typed into the form
# changes what a member may do as surely as a payment does.
STANDING_FIELDS = ("status", "paid_through", "no_end_date")
STANDING_PERMISSION = "membership.add_payment"


class MemberForm(WagtailAdminModelForm):
    """The member form; its standing fields are read-only to staff who may not record payments
    (Membership staff may, chamber/roles.py): a disabled field keeps the saved value whatever
    is posted."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        if user is not None and not user.has_perm(STANDING_PERMISSION):
            for name in STANDING_FIELDS:
                if name in self.fields:
                    self.fields[name].disabled = True
                    self.fields[name].help_text = _(
                        "Changed by Membership staff, who record payments."
                    )


class MemberFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=Member.Status.choices,
        field_name="current_status",  # what the dates say today (Member.status_on)
    )
    in_good_standing = django_filters.BooleanFilter(
        label=_("In good standing today"),
        method="filter_in_good_standing",
        widget=BooleanRadioSelect,
    )
    no_end_date = django_filters.BooleanFilter(
        label=_("No end date (honorary, life)"), widget=BooleanRadioSelect
    )
    renewal_due = django_filters.BooleanFilter(
        label=_("Renewal due within 30 days, paying by hand"),
        method="filter_renewal_due",
        widget=BooleanRadioSelect,
    )
    expiring_soon = django_filters.BooleanFilter(
        label=_("Paid-through date within 30 days, however they renew"),
        method="filter_expiring_soon",
        widget=BooleanRadioSelect,
    )
    reminder_skipped = django_filters.BooleanFilter(
        label=_("Renewal reminder due but not sent: no contact with an e-mail"),
        method="filter_reminder_skipped",
        widget=BooleanRadioSelect,
    )
    joined_on = django_filters.DateFromToRangeFilter(label=_("Member since"))

    class Meta:
        model = Member
        fields = ["status", "level", "no_end_date"]

    def filter_renewal_due(self, queryset, name, value):
        due = Member.objects.renewal_due()
        if value:
            return queryset.filter(pk__in=due.values("pk"))
        return queryset.exclude(pk__in=due.values("pk"))

    def filter_expiring_soon(self, queryset, name, value):
        expiring = Member.objects.expiring_soon()
        if value:
            return queryset.filter(pk__in=expiring.values("pk"))
        return queryset.exclude(pk__in=expiring.values("pk"))

    def filter_reminder_skipped(self, queryset, name, value):
        skipped = reminders.reminders_skipped()
        if value:
            return queryset.filter(pk__in=skipped.values("pk"))
        return queryset.exclude(pk__in=skipped.values("pk"))

    def filter_in_good_standing(self, queryset, name, value):
        in_good_standing = Member.objects.in_good_standing()
        if value:
            return queryset.filter(pk__in=in_good_standing.values("pk"))
        return queryset.exclude(pk__in=in_good_standing.values("pk"))


def member_action_buttons(user, member, button_class=Button, **kwargs) -> list:
    """ "Record payment", "Change level" and "Renewal reminder", for a user allowed to."""
    buttons = []
    if user.has_perm("membership.add_payment"):
        buttons.append(
            button_class(
                _("Record payment"),
                url=admin_views.member_url("record_payment", member),
                icon_name="form",
                priority=15,
                **kwargs,
            )
        )
    if user.has_perm("membership.change_member"):
        buttons.append(
            button_class(
                _("Change level"),
                url=admin_views.member_url("change_level", member),
                icon_name="pick",
                priority=16,
                **kwargs,
            )
        )
        buttons.append(
            button_class(
                _("Renewal reminder"),
                url=admin_views.member_url("send_reminder", member),
                icon_name="mail",
                priority=17,
                **kwargs,
            )
        )
    return buttons


def renews_label(member) -> str:
    """The list's short word for `renewal_in_words`: who renews the membership."""
    if member.no_end_date:
        return str(_("No end date"))
    return str(_("Automatically") if member.renews_automatically else _("By hand"))


class MemberIndexView(StreamedExportIndexView):
    def _get_title_column(self, field_name, column_class=TitleColumn, **kwargs):
        """The member's name opens its record (everything about the member, with the
        actions), not the edit form, which is one click further in the record's header and in
        the row's menu. Wagtail builds the title column's link itself, so it is replaced."""
        column = super()._get_title_column(field_name, column_class, **kwargs)
        column._get_url_func = self.get_inspect_url
        return column

    def search_queryset(self, queryset):
        """Every word typed must match the organisation, a contact's name, e-mail or log-in, a
        listing's name (directory's `businesses`) or a Stripe id: "rosa riverbend" finds the
        member whose contact is Rosa and whose listing is Riverbend Bakery."""
        if not self.is_searching:
            return queryset
        matching = Member.objects.all()
        for word in self.search_query.split()[:10]:
            any_field = Q()
            for field in MEMBER_SEARCH_FIELDS:
                any_field |= Q(**{f"{field}__icontains": word})
            matching = matching.filter(pk__in=Member.objects.filter(any_field).values("pk"))
        return queryset.filter(pk__in=matching.values("pk"))

    def as_spreadsheet(self, queryset, spreadsheet_format):
        """The roster, when an app has registered it (membership/member_exports.py)."""
        export = member_exports.registered()
        if export is None:
            return super().as_spreadsheet(queryset, spreadsheet_format)
        return export(self.request, queryset, spreadsheet_format)

    def get_list_more_buttons(self, instance):
        return [
            *as_member_record(
                super().get_list_more_buttons(instance), self.get_inspect_url(instance)
            ),
            *member_action_buttons(self.request.user, instance),
        ]


def as_member_record(buttons, record_url) -> list:
    """Wagtail's "Inspect" button, named for what it opens here: the member record."""
    for button in buttons:
        if record_url and button.url == record_url:
            button.label = _("Member record")
    return buttons


class MemberEditView(SnippetViewSet.edit_view_class):
    @cached_property
    def header_more_buttons(self):
        return [
            *as_member_record(super().header_more_buttons, self.get_inspect_url()),
            *member_action_buttons(self.request.user, self.object),
        ]

    def save_instance(self):
        """Save, and log a status, level or "no end date" typed into the form like the dues
        service does."""
        before = Member.objects.select_related("level").get(pk=self.object.pk)
        member = super().save_instance()
        dues.log_changes(
            member,
            before.status,
            before.level,
            reason="edited by staff",
            user=self.request.user,
            previous_no_end_date=before.no_end_date,
        )
        return member


class MemberCreateView(SnippetViewSet.add_view_class):
    def save_instance(self):
        member = super().save_instance()
        if member.no_end_date:
            dues.log_changes(
                member,
                member.status,
                member.level,
                reason="added by staff",
                user=self.request.user,
                previous_no_end_date=False,
            )
        return member


class MemberRecordView(LocalTimeInspectView):
    """The member record: the membership at a glance, then the sections the user may see
    (membership/record.py), with the actions on the member in the header."""

    page_title = _("Member record")
    template_name = "membership/admin/member_record.html"

    def get_object(self, queryset=None):
        members = Member.objects.select_related("level").with_current_status()
        return get_object_or_404(members, pk=unquote(str(self.pk)))

    def get_fields(self):
        return []  # the summary below and the sections say it all, in words

    @cached_property
    def header_more_buttons(self):
        buttons = [
            *super().header_more_buttons,
            *member_action_buttons(self.request.user, self.object),
        ]
        if self.request.user.has_perm("membership.change_member"):
            buttons.append(
                Button(
                    _("History"),
                    url=admin_views.member_url("history", self.object),
                    icon_name="history",
                    priority=30,
                )
            )
        return buttons

    def get_summary(self) -> list[tuple[str, str]]:
        member = self.object
        level = member.level
        return [
            (_("Status"), member.get_current_status_display()),
            (_("Standing"), standing_in_words(member)),
            (_("Level"), f"{level} ({level.annual_dues} {level.currency.upper()} a year)"),
            (
                _("Paid through"),
                formatted_date(member.paid_through)
                or (_("No end date") if member.no_end_date else "-"),
            ),
            (_("Renewal"), renewal_in_words(member)),
            (_("Member since"), formatted_date(member.joined_on)),
        ]

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "summary": self.get_summary(),
            "sections": render_sections(self.request, self.object),
        }


class StandingPanel(FieldPanel):
    """The stored good-standing date, read only, as staff should read it."""

    def __init__(self, field_name="good_standing_until", **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(field_name, **kwargs)

    def format_value_for_display(self, value):
        return standing_until_label(value)


class MemberViewSet(SnippetViewSet):
    chooser_viewset_class = PermissionCheckedChooserViewSet
    model = Member
    icon = "group"
    menu_label = _("Members")
    menu_name = "members"
    index_view_class = MemberIndexView
    add_view_class = MemberCreateView
    edit_view_class = MemberEditView
    inspect_view_class = MemberRecordView
    inspect_view_enabled = True

    list_display = [
        "name",
        "level",
        # What the dates say today, whether or not update_membership_status has run.
        Column("current_status", label=_("Status"), accessor="get_current_status_display"),
        "paid_through",
        Column(
            "good_standing_until",
            label=_("In good standing until"),
            accessor="good_standing_label",
            sort_key="good_standing_until",
        ),
        Column("renews", label=_("Renews"), accessor=renews_label),
        DateColumn(
            "last_reminder_at",
            label=_("Last reminder"),
            accessor="last_reminder_at",
            sort_key="last_reminder_at",
        ),
    ]
    filterset_class = MemberFilterSet
    search_backend_name = None
    search_fields = MEMBER_SEARCH_FIELDS
    ordering = ["name", "pk"]
    list_per_page = 50

    list_export = [
        "name",
        "level",
        "get_current_status_display",
        "paid_through",
        "joined_on",
        "auto_renew",
        "no_end_date",
        "in_good_standing",
        "good_standing_label",
        "renews_automatically",
        "last_reminder_at",
        "stripe_customer_id",
    ]
    export_headings = {
        "get_current_status_display": _("Status"),
        "no_end_date": _("No end date"),
        "in_good_standing": _("In good standing"),
        "good_standing_label": _("In good standing until"),
        "renews_automatically": _("Renews automatically"),
        "last_reminder_at": _("Last reminder"),
    }
    export_filename = "members"

    panels = [
        FieldPanel("name"),
        # A handful of levels: a select beats a chooser modal.
        FieldPanel("level", widget=forms.Select),
        FieldRowPanel([FieldPanel("status"), FieldPanel("paid_through")]),
        FieldRowPanel([FieldPanel("joined_on"), FieldPanel("auto_renew")]),
        FieldPanel("no_end_date"),
        StandingPanel(),
        MultiFieldPanel(
            [
                # Written by the Stripe integration; editing them here would desynchronise it.
                FieldPanel("stripe_customer_id", read_only=True),
                FieldPanel("stripe_subscription_id", read_only=True),
            ],
            heading=_("Stripe"),
        ),
    ]

    def get_edit_handler(self):
        # The panels above, with the form that guards the standing fields.
        return ObjectList(self.panels, base_form_class=MemberForm).bind_to_model(self.model)

    def get_queryset(self, request):
        # The latest reminder for the current paid period: the renewal list shows who has
        # been reminded (one subquery, not one query per row).
        last_reminder = RenewalReminder.objects.filter(
            member=OuterRef("pk"), period_end=OuterRef("paid_through")
        ).order_by("-sent_at")
        return (
            Member.objects.select_related("level")
            .with_current_status()
            .annotate(last_reminder_at=Subquery(last_reminder.values("sent_at")[:1]))
        )

    @property
    def record_payment_view(self):
        return self.construct_view(admin_views.RecordPaymentView)

    @property
    def change_level_view(self):
        return self.construct_view(admin_views.ChangeLevelView)

    @property
    def send_reminder_view(self):
        return self.construct_view(admin_views.SendReminderView)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("record-payment/<int:pk>/", self.record_payment_view, name="record_payment"),
            path("change-level/<int:pk>/", self.change_level_view, name="change_level"),
            path("send-reminder/<int:pk>/", self.send_reminder_view, name="send_reminder"),
        ]


class MemberContactViewSet(SnippetViewSet):
    chooser_viewset_class = PermissionCheckedChooserViewSet
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

    @property
    def send_password_link_view(self):
        return self.construct_view(admin_views.SendPasswordLinkView, edit_url_name=None)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path(
                "send-password-link/<int:pk>/",
                self.send_password_link_view,
                name="send_password_link",
            ),
        ]


class ContactInvitationViewSet(ReadOnlySnippetViewSet):
    """Invitations members' primary contacts sent (membership/account/contact_services.py):
    a record to look up, never edited here."""

    model = ContactInvitation
    icon = "mail"
    menu_label = _("Contact invitations")
    menu_name = "contact-invitations"

    list_display = [
        "email",
        "member",
        "role",
        "invited_by",
        DateColumn("created_at", label=_("Sent at"), sort_key="created_at"),
        DateColumn("expires_at", label=_("Expires at"), sort_key="expires_at"),
        DateColumn("accepted_at", label=_("Accepted at"), sort_key="accepted_at"),
        DateColumn("revoked_at", label=_("Revoked at"), sort_key="revoked_at"),
    ]
    list_filter = ["role"]
    search_fields = ["email", "member__name"]
    ordering = ["-created_at", "-pk"]
    list_per_page = 50

    def get_queryset(self, request):
        return ContactInvitation.objects.select_related("member", "invited_by")


# Applications -------------------------------------------------------------------------------


def application_action_buttons(user, application, button_class=Button, **kwargs) -> list:
    """ "Approve" and "Reject" while the application can still be decided."""
    if not user.has_perm("membership.change_application"):
        return []
    viewset = Application.snippet_viewset
    buttons = []
    if application.status in admin_views.APPROVABLE:
        buttons.append(
            button_class(
                _("Approve"),
                url=reverse(viewset.get_url_name("approve"), args=(quote(application.pk),)),
                icon_name="check",
                priority=5,
                **kwargs,
            )
        )
    if application.status in admin_views.DECIDABLE:
        buttons.append(
            button_class(
                _("Reject"),
                url=reverse(viewset.get_url_name("reject"), args=(quote(application.pk),)),
                icon_name="cross",
                priority=6,
                **kwargs,
            )
        )
    return buttons


class ApplicationIndexView(CsvSafeIndexView):
    def get_list_more_buttons(self, instance):
        return [
            *super().get_list_more_buttons(instance),
            *application_action_buttons(self.request.user, instance),
        ]


class ApplicationInspectView(ReadOnlyInspectView):
    @cached_property
    def header_buttons(self):
        return application_action_buttons(self.request.user, self.object, button_class=HeaderButton)

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        member = self.object.member
        user = self.request.user
        if member is not None:
            if user.has_perm("membership.change_member"):
                buttons.append(
                    Button(
                        _("Edit member"),
                        url=admin_views.member_url("edit", member),
                        icon_name="group",
                    )
                )
            if member.status == Member.Status.PENDING:
                buttons.extend(
                    button
                    for button in member_action_buttons(user, member)
                    if button.label == _("Record payment")
                )
        return buttons


class ApplicationViewSet(ReadOnlySnippetViewSet):
    model = Application
    icon = "form"
    menu_label = _("Applications")
    menu_name = "membership-applications"
    index_view_class = ApplicationIndexView
    inspect_view_class = ApplicationInspectView

    list_display = [
        "organisation_name",
        Column("contact", label=_("Contact"), accessor="contact_name", sort_key="last_name"),
        "email",
        "level",
        "status",
        DateColumn("created_at", label=_("Submitted at"), sort_key="created_at"),
    ]
    list_filter = ["status", "level"]
    search_fields = ["organisation_name", "email", "first_name", "last_name"]
    ordering = ["-created_at", "-pk"]
    list_per_page = 50

    list_export = [
        *APPLICANT_FIELDS,
        "get_status_display",
        "member",
        "created_at",
        "decided_by",
        "decided_at",
        "decision_note",
        "source",
    ]
    export_headings = {"get_status_display": _("Status")}
    export_filename = "applications"

    def get_queryset(self, request):
        return Application.objects.select_related("level", "member")

    @property
    def approve_view(self):
        return self.construct_view(admin_views.ApproveApplicationView, edit_url_name=None)

    @property
    def reject_view(self):
        return self.construct_view(admin_views.RejectApplicationView, edit_url_name=None)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("approve/<int:pk>/", self.approve_view, name="approve"),
            path("reject/<int:pk>/", self.reject_view, name="reject"),
        ]


# Payments -----------------------------------------------------------------------------------


class PaymentFilterSet(WagtailFilterSet):
    method = django_filters.ChoiceFilter(
        label=_("Method"),
        choices=Payment.Method.choices,
        widget=forms.RadioSelect,
        empty_label=_("All"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"),
        choices=Payment.Kind.choices,
        widget=forms.RadioSelect,
        empty_label=_("All"),
    )
    # The member's level today: a payment does not record the level it paid for.
    level = django_filters.ModelChoiceFilter(
        label=_("Member's level"),
        field_name="member__level",
        queryset=MembershipLevel.objects.order_by("sort_order", "name"),
    )
    paid_on = django_filters.DateFromToRangeFilter(label=_("Paid on"))

    class Meta:
        model = Payment
        fields = []


def payment_action_buttons(user, payment, button_class=Button, **kwargs) -> list:
    """Void, Adjust (offline payments) and Refund (card payments), for a user with the
    `change_payment` permission, while the payment can still be corrected that way."""
    if payment.is_correction or not user.has_perm("membership.change_payment"):
        return []
    actions = []
    if not corrections.offline_correction_problem(payment):
        actions += [("void", _("Void"), "cross"), ("adjust", _("Adjust"), "edit")]
    if not corrections.refund_problem(payment):
        actions.append(("refund", _("Refund"), "arrow-left"))
    return [
        button_class(
            label,
            url=admin_views.payment_url(name, payment),
            icon_name=icon,
            priority=20 + index,
            **kwargs,
        )
        for index, (name, label, icon) in enumerate(actions)
    ]


class PaymentCorrections(Component):
    """The corrections of a payment (or, for a correction, the payment it corrects), as a
    table on the payment's admin page."""

    template_name = "membership/admin/payment_corrections.html"

    def __init__(self, payment):
        self.payment = payment

    def get_context_data(self, parent_context=None):
        rows = list(
            self.payment.corrections.select_related("recorded_by").order_by("created_at", "pk")
        )
        return {
            "payment": self.payment,
            "rows": rows,
            "effect": self.payment.effect(rows),
        }


class PaymentInspectView(ReadOnlyInspectView):
    def get_object(self, queryset=None):
        payments = Payment.objects.select_related("member", "corrects", "recorded_by")
        return get_object_or_404(payments.prefetch_related("corrections"), pk=unquote(str(self.pk)))

    @cached_property
    def header_buttons(self):
        return payment_action_buttons(self.request.user, self.object, button_class=HeaderButton)

    @cached_property
    def header_more_buttons(self):
        return [
            *super().header_more_buttons,
            Button(
                _("Receipt"),
                url=reverse("wagtailsnippets_membership_payment:receipt", args=[self.object.pk]),
                icon_name="doc-full",
            ),
        ]

    def get_fields(self):
        """The member and the payment's state first, what was recorded, then the corrections
        (or, for a correction, the payment it corrects and why)."""
        moved = {"member", "kind", "corrects", "reason", "paid_through_before"}
        recorded = [name for name in super().get_fields() if name not in moved]
        return ["member", "state", "kind", *recorded, "corrects", "reason", "corrections_table"]

    def get_field_label(self, field_name, field):
        labels = {"state": _("State"), "corrections_table": _("Corrections")}
        if field_name in labels:
            return labels[field_name]
        return super().get_field_label(field_name, field)

    def get_state_display_value(self):
        return self.object.state_label()

    def get_corrections_table_display_value(self):
        if self.object.is_correction:
            return "-"
        return PaymentCorrections(self.object)

    def get_corrects_display_value(self):
        original = self.object.corrects
        if original is None:
            return "-"
        return format_html(
            '<a href="{}">{}</a>', admin_views.payment_url("inspect", original), original
        )

    def get_reason_display_value(self):
        return self.object.reason or "-"


class PaymentIndexView(StreamedExportIndexView):
    """Payments, with the totals of what the filters select above the list, and an export
    for the accountant (membership/payment_export.py) in place of the generic one."""

    def as_spreadsheet(self, queryset, spreadsheet_format):
        return payment_export.payments_export(queryset, spreadsheet_format)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not self.is_export:
            context["totals"] = payment_export.payment_totals(self.get_queryset())
        return context


class PaymentViewSet(ReadOnlySnippetViewSet):
    model = Payment
    icon = "form"
    menu_label = _("Payments")
    menu_name = "membership-payments"
    index_view_class = PaymentIndexView
    index_results_template_name = "membership/admin/payment_index_results.html"

    list_display = [
        "member",
        "amount",
        Column("currency", label=_("Currency"), accessor=lambda p: p.currency.upper()),
        "method",
        Column("state", label=_("State"), accessor="state_label"),
        "paid_on",
        Column(
            "period",
            label=_("Period"),
            accessor=payment_period,
            sort_key="period_end",
        ),
        Column(
            "reference",
            label=_("Reference / Stripe invoice"),
            accessor=lambda p: p.reference or p.stripe_invoice_id or p.stripe_checkout_session_id,
        ),
    ]
    filterset_class = PaymentFilterSet
    search_fields = [
        "member__name",
        "reference",
        "stripe_invoice_id",
        "stripe_checkout_session_id",
        "stripe_payment_intent_id",
    ]
    ordering = ["-paid_on", "-pk"]
    list_per_page = 50

    # Shows the list's "Download CSV/XLSX" buttons; what they give, the columns and totals,
    # is membership/payment_export.py (PaymentIndexView.as_spreadsheet).
    list_export = payment_export.HEADINGS

    inspect_view_class = PaymentInspectView

    def get_queryset(self, request):
        return Payment.objects.select_related(
            "member__level", "application", "recorded_by", "corrects"
        ).prefetch_related("corrections")

    @property
    def void_view(self):
        return self.construct_view(admin_views.VoidPaymentView, edit_url_name=None)

    @property
    def adjust_view(self):
        return self.construct_view(admin_views.AdjustPaymentView, edit_url_name=None)

    @property
    def refund_view(self):
        return self.construct_view(admin_views.RefundPaymentView, edit_url_name=None)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path(
                "receipt/<int:pk>/",
                admin_views.PaymentReceiptView.as_view(),
                name="receipt",
            ),
            path("void/<int:pk>/", self.void_view, name="void"),
            path("adjust/<int:pk>/", self.adjust_view, name="adjust"),
            path("refund/<int:pk>/", self.refund_view, name="refund"),
        ]


# Stripe events ------------------------------------------------------------------------------


def stripe_event_types() -> list[tuple[str, str]]:
    types = StripeEvent.objects.order_by("type").values_list("type", flat=True).distinct()
    return [(value, value) for value in types]


class StripeEventFilterSet(WagtailFilterSet):
    type = django_filters.ChoiceFilter(
        label=_("Type"), choices=stripe_event_types, widget=forms.RadioSelect, empty_label=_("All")
    )
    processed = django_filters.BooleanFilter(
        label=_("Processed"),
        field_name="processed_at",
        lookup_expr="isnull",
        exclude=True,
        widget=BooleanRadioSelect,
    )
    failed = django_filters.BooleanFilter(
        label=_("Failed"), method="filter_failed", widget=BooleanRadioSelect
    )

    class Meta:
        model = StripeEvent
        fields = []

    def filter_failed(self, queryset, name, value):
        if value:
            return queryset.exclude(error="")
        return queryset.filter(error="")


class StripeEventInspectView(ReadOnlyInspectView):
    def get_payload_display_value(self):
        payload = json.dumps(self.object.payload, indent=2, sort_keys=True, ensure_ascii=False)
        # format_html escapes the payload: Stripe events carry text typed by customers.
        return format_html('<pre class="w-whitespace-pre-wrap">{}</pre>', payload)


class StripeEventViewSet(ReadOnlySnippetViewSet):
    model = StripeEvent
    icon = "code"
    menu_label = _("Stripe events")
    menu_name = "stripe-events"
    inspect_view_class = StripeEventInspectView

    list_display = [
        "type",
        "stripe_id",
        DateColumn("created", label=_("Created at Stripe"), sort_key="created"),
        DateColumn("processed_at", label=_("Processed"), sort_key="processed_at"),
        "result",
        BooleanColumn("failed", label=_("Error"), accessor=lambda event: bool(event.error)),
    ]
    filterset_class = StripeEventFilterSet
    search_fields = ["stripe_id", "type"]
    ordering = ["-created", "-pk"]
    list_per_page = 50


# Renewal reminders --------------------------------------------------------------------------


class RenewalReminderViewSet(ReadOnlySnippetViewSet):
    model = RenewalReminder
    icon = "mail"
    menu_label = _("Renewal reminders")
    menu_name = "renewal-reminders"

    list_display = [
        "member",
        "stage",
        "period_end",
        DateColumn("sent_at", label=_("Sent at"), sort_key="sent_at"),
    ]
    search_fields = ["member__name", "sent_to"]
    ordering = ["-sent_at", "-pk"]
    list_per_page = 50

    def get_queryset(self, request):
        return RenewalReminder.objects.select_related("member")


class MembershipViewSetGroup(SnippetViewSetGroup):
    items = (
        MemberViewSet,
        ApplicationViewSet,
        PaymentViewSet,
        MembershipLevelViewSet,
        MemberContactViewSet,
        ContactInvitationViewSet,
        RenewalReminderViewSet,
        StripeEventViewSet,
    )
    menu_label = _("Membership")
    menu_icon = "group"
    menu_name = "membership"
    menu_order = 210
    # Apps above membership add their own items here (the directory: "Import a roster").
    submenu_hook = "register_membership_menu_item"
