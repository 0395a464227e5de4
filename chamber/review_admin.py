"""The review queue in the admin (issue #18): what members sent for review, oldest first; per
item a side-by-side diff of the waiting draft against the live version, with Approve and "Send
back with a reason"; after either, staff are back on the queue.

Built from Wagtail's own pieces: a generic listing view (filters, pagination, the admin's
table), the panels' field comparisons that Wagtail's "Compare revisions" view uses, its
publishing of a revision, and its log. Each kind (chamber/reviews.py) is shown to, and decided
by, users with its publish permission only.
"""

import datetime
from dataclasses import dataclass
from functools import cached_property

import django_filters
from django import forms
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape, format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.compare import FieldComparison, TextDiff
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.generic.base import BaseListingView, WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.models import Page, Revision

from chamber import reviews
from chamber.reviews import ReviewKind, ReviewRefused

QUEUE = "review_queue:index"


def display_name(user) -> str:
    if user is None:
        return str(_("(system)"))
    return user.get_full_name().strip() or user.get_username()


def review_url(kind: ReviewKind, pk) -> str:
    return reverse("review_queue:review", args=[kind.key, quote(pk)])


def admin_url(obj, view_name: str, *args) -> str:
    """`obj`'s "edit" or "history" page in the admin: a page's, or its snippet viewset's."""
    if isinstance(obj, Page):
        return reverse(f"wagtailadmin_pages:{view_name}", args=[obj.pk, *args])
    viewset = type(obj).snippet_viewset
    return reverse(viewset.get_url_name(view_name), args=[quote(obj.pk), *args])


def may_edit(user, obj) -> bool:
    """Both buttons' views ask for it: page permissions for a page, the model's for a snippet."""
    if isinstance(obj, Page):
        return obj.permissions_for_user(user).can_edit()
    meta = obj._meta
    return user.has_perm(f"{meta.app_label}.change_{meta.model_name}")


# The queue ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueRow:
    kind: ReviewKind
    obj: object
    revision: Revision

    @property
    def pk(self):
        return self.revision.pk

    @property
    def title(self) -> str:
        return self.revision.object_str or str(self.obj)

    @property
    def kind_label(self) -> str:
        return capfirst(self.kind.label)

    @property
    def member(self) -> str:
        return str(self.kind.member(self.obj))

    @cached_property
    def changes(self) -> str:
        if not self.obj.live:
            return str(_("New %(kind)s, not yet published") % {"kind": self.kind.label})
        return ", ".join(reviews.changed_fields(self.obj, self.revision)) or "-"

    @property
    def submitted_at(self):
        return self.revision.created_at

    @property
    def author(self) -> str:
        return display_name(self.revision.user)

    @property
    def url(self) -> str:
        return review_url(self.kind, self.obj.pk)


class ReviewQueueFilterSet(WagtailFilterSet):
    kind = django_filters.ChoiceFilter(
        label=_("Type"), method="filter_kind", empty_label=_("All"), choices=()
    )

    class Meta:
        model = Revision
        fields = []

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self.kinds = reviews.kinds_for(request.user)
        self.filters["kind"].extra["choices"] = [
            (kind.key, capfirst(kind.label_plural)) for kind in self.kinds
        ]

    def filter_kind(self, queryset, name, value):
        kind = reviews.kind_named(value)
        return queryset.filter(pk__in=reviews.waiting(kind).values("latest_revision_id"))


class QueuePaginator(WagtailPaginator):
    verbose_name = _("change waiting for review")
    verbose_name_plural = _("changes waiting for review")


class ReviewerRequired:
    """For users who may review at least one kind (`self.kinds`); others get Wagtail's
    "permission denied"."""

    def dispatch(self, request, *args, **kwargs):
        self.kinds = reviews.kinds_for(request.user)
        if not self.kinds:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class QueueView(ReviewerRequired, BaseListingView):
    template_name = "chamber/admin/review_queue.html"
    page_title = _("Review queue")
    header_icon = "tasks"
    index_url_name = QUEUE
    index_results_url_name = "review_queue:index_results"
    filterset_class = ReviewQueueFilterSet
    paginate_by = 50
    paginator_class = QueuePaginator
    verbose_name_plural = _("changes waiting for review")
    columns = [
        TitleColumn("title", label=_("Item"), get_url=lambda row: row.url),
        Column("kind_label", label=_("Type")),
        Column("member", label=_("Member")),
        Column("changes", label=_("What changed")),
        DateColumn("submitted_at", label=_("Sent")),
        Column("author", label=_("By")),
    ]

    def get_base_queryset(self):
        return reviews.waiting_revisions(self.kinds)

    def paginate_queryset(self, queryset, page_size):
        paginator, page, revisions, is_paginated = super().paginate_queryset(queryset, page_size)
        rows = [
            QueueRow(reviews.kind_of(revision.content_object), revision.content_object, revision)
            for revision in revisions
        ]
        return paginator, page, rows, is_paginated

    @cached_property
    def no_results_message(self):
        if self.is_filtering:
            return _("Nothing of this type waits for review.")
        return _("Nothing waits for review: every change members sent has been decided.")


class LocalDateComparison(FieldComparison):
    """Dates and times in a diff as staff read them elsewhere (in their time zone, formatted),
    not as Python prints them in UTC; an empty date as nothing rather than "None". Registered
    for date fields in wagtail_hooks.py, so Wagtail's own "Compare" views show them so too."""

    @staticmethod
    def display(value) -> str:
        if value is None:
            return ""
        if isinstance(value, datetime.datetime):
            if timezone.is_aware(value):
                value = timezone.localtime(value)
            return date_format(value, "DATETIME_FORMAT")
        return date_format(value, "DATE_FORMAT")

    def htmldiff(self):
        before, after = self.display(self.val_a), self.display(self.val_b)
        if before == after:
            return escape(before)
        changes = [("deletion", before), ("addition", after)]
        return TextDiff([(kind, text) for kind, text in changes if text]).to_html()


# One item -------------------------------------------------------------------------------------


class ReasonForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=reviews.REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "What the member should change. They get it by e-mail and see it on their "
            "account page; their draft is kept for them to fix."
        ),
        error_messages={"required": _("Say why the changes are sent back.")},
    )


class ApproveForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput)


@dataclass(frozen=True)
class FieldChange:
    """One changed field: Wagtail's comparison, shown once per side."""

    comparison: object

    @property
    def label(self):
        return self.comparison.field_label()

    @cached_property
    def html(self):
        if hasattr(self.comparison, "get_child_comparisons"):
            return self._children_html()
        return self.comparison.htmldiff()

    def _children_html(self):
        """An inline panel's rows (an event's ticket types): each row's fields, diffed."""
        rows = []
        for child in self.comparison.get_child_comparisons():
            fields = format_html_join(
                "; ",
                "{}: {}",
                (
                    (field.field_label(), field.htmldiff())
                    for field in child.get_field_comparisons()
                ),
            )
            added, removed = child.is_addition(), child.is_deletion()
            state = _(" (added)") if added else _(" (removed)") if removed else ""
            rows.append((fields, state))
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}{}</li>", rows))


class ReviewView(ReviewerRequired, WagtailAdminTemplateMixin, TemplateView):
    template_name = "chamber/admin/review.html"
    header_icon = "tasks"
    page_title = _("Review")

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.kind = reviews.kind_named(kwargs["kind"])
        if self.kind is None:
            raise Http404
        if not self.kind.may_review(request.user):
            raise PermissionDenied  # before the look-up: whether it exists is not theirs to know
        manager = self.kind.model._default_manager
        self.object = manager.select_related("latest_revision__user").filter(pk=kwargs["pk"])
        self.object = self.object.first()
        if self.object is None:
            raise Http404

    @cached_property
    def revision(self) -> Revision | None:
        return self.object.latest_revision

    @cached_property
    def sent_back(self):
        return reviews.sent_back_note(self.object)

    @cached_property
    def waiting(self) -> bool:
        return reviews.is_waiting(self.object)

    def get(self, request, *args, **kwargs):
        if not self.waiting and self.sent_back is None:
            messages.info(
                request, _("Nothing waits for review on “%(object)s”.") % {"object": self.object}
            )
            return redirect(QUEUE)
        return super().get(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.object)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(QUEUE), "label": _("Review queue")},
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    @cached_property
    def header_buttons(self):
        if not may_edit(self.request.user, self.object):
            return []
        return [
            HeaderButton(_("Edit"), url=admin_url(self.object, "edit"), icon_name="edit"),
            HeaderButton(_("History"), url=admin_url(self.object, "history"), icon_name="history"),
        ]

    def changes(self) -> list[FieldChange]:
        """The fields the waiting draft changes, by Wagtail's comparisons of the edit form's
        panels (as its "Compare" view makes them): against the live object, or against an empty
        one when nothing was published yet (then every field the draft fills in is shown)."""
        bound = self.kind.model.get_edit_handler().get_bound_panel(
            instance=self.object, request=self.request, form=None
        )
        live = self.object if self.object.live else self.kind.model()
        pending = self.revision.as_object()
        compared = (comparison(live, pending) for comparison in bound.get_comparison())
        return [FieldChange(comparison) for comparison in compared if comparison.has_changed()]

    def action_url(self, name: str) -> str:
        return reverse(f"review_queue:{name}", args=[self.kind.key, quote(self.object.pk)])

    def get_context_data(self, approve_form=None, send_back_form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        initial = {"revision": self.revision.pk}
        context.update(
            kind=self.kind,
            object=self.object,
            revision=self.revision,
            member=self.kind.member(self.object),
            author=display_name(self.revision.user),
            changes=self.changes(),
            waiting=self.waiting,
            sent_back=self.sent_back,
            approve_form=approve_form or ApproveForm(initial=initial),
            send_back_form=send_back_form or ReasonForm(initial=initial),
            approve_url=self.action_url("approve"),
            send_back_url=self.action_url("send_back"),
        )
        return context


class DecisionView(ReviewView):
    """A decision posted from the review page; staff go back to the queue once it is taken,
    or to the page again (with why) when it was not."""

    http_method_names = ["post"]
    form_class = ApproveForm

    def post(self, request, *args, **kwargs):
        form = self.form_class(request.POST)
        if not form.is_valid():
            return self.invalid(form)
        try:
            self.decide(form.cleaned_data)
        except ReviewRefused as refused:
            messages.error(request, str(refused))
            return redirect(review_url(self.kind, self.object.pk))
        return redirect(QUEUE)

    def invalid(self, form):
        messages.error(self.request, _("The form was out of date; look at the changes again."))
        return redirect(review_url(self.kind, self.object.pk))


class ApproveView(DecisionView):
    def decide(self, data):
        obj = reviews.review_approve(
            kind=self.kind, pk=self.object.pk, revision_id=data["revision"], user=self.request.user
        )
        messages.success(
            self.request,
            _("%(kind)s “%(object)s” approved and published.")
            % {"kind": capfirst(self.kind.label), "object": obj},
        )


class SendBackView(DecisionView):
    form_class = ReasonForm

    def invalid(self, form):
        if "revision" in form.errors:
            return super().invalid(form)
        messages.validation_error(
            self.request, _("Not sent back: please correct the errors below."), form
        )
        return self.render_to_response(self.get_context_data(send_back_form=form))

    def decide(self, data):
        obj, recipients = reviews.review_send_back(
            kind=self.kind,
            pk=self.object.pk,
            revision_id=data["revision"],
            user=self.request.user,
            reason=data["reason"],
        )
        if recipients:
            messages.success(
                self.request,
                _("%(kind)s “%(object)s” sent back; the reason was e-mailed to %(to)s.")
                % {"kind": capfirst(self.kind.label), "object": obj, "to": ", ".join(recipients)},
            )
        else:
            messages.warning(
                self.request,
                _(
                    "%(kind)s “%(object)s” sent back, but no contact of the member has an "
                    "e-mail address: they see the reason on their account page only."
                )
                % {"kind": capfirst(self.kind.label), "object": obj},
            )


# The viewset ----------------------------------------------------------------------------------


class ReviewQueueMenuItem(MenuItem):
    def is_shown(self, request):
        return bool(reviews.kinds_for(request.user))


class ReviewQueueViewSet(ViewSet):
    name = "review_queue"
    url_prefix = "review-queue"
    icon = "tasks"
    menu_label = _("Review queue")
    menu_name = "review-queue"
    menu_order = 150  # above the directory and deals
    add_to_admin_menu = True

    menu_item_class = ReviewQueueMenuItem

    def get_urlpatterns(self):
        return [
            path("", QueueView.as_view(), name="index"),
            path("results/", QueueView.as_view(results_only=True), name="index_results"),
            path("<slug:kind>/<str:pk>/", ReviewView.as_view(), name="review"),
            path("<slug:kind>/<str:pk>/approve/", ApproveView.as_view(), name="approve"),
            path("<slug:kind>/<str:pk>/send-back/", SendBackView.as_view(), name="send_back"),
        ]
