"""Admin base classes every app's viewsets build on.

- ``CsvSafeIndexView``: listings whose CSV export defuses cells a spreadsheet would run as
  formulas. Listings, applications and payments carry text typed by members and applicants;
  the XLSX export already writes such cells as text.
- ``StreamedExportIndexView``: listings whose export reads the rows as it writes them
  (chamber/exports.py), not all at once first.
- ``ReadOnlyPermissionPolicy`` and ``ReadOnlySnippetViewSet``: records of what happened
  (applications, payments, Stripe events, reminders, redemptions). Wagtail's generic views may
  list, filter, export and inspect them, never add, edit, copy or delete them; staff change them
  only through an app's own actions, which check the model's real permissions and call the
  services that write the audit log.
- ``PermissionCheckedChooserViewSet``: Wagtail's snippet choosers ask only for admin access, so
  an Editor could open `/admin/snippets/choose/membership/payment/` by hand and read every
  payment; with this chooser, only users with a permission on the model may list or choose
  (or one granted by ``grant_chooser``).
- ``access_checked(bulk_action_class)``: the same for Wagtail's bulk actions, whose confirmation
  page (`/admin/bulk/membership/payment/delete/?id=...`) lists by name the records the user may
  not act on.
- ``LocalTimeInspectView``: inspect pages that show date-times in the user's time zone.
- ``ObjectActionView``: a staff action on one object (approve, record a payment, send an
  e-mail again): a summary of the object, a form, the service call on POST.
"""

import datetime

from django.contrib.admin.utils import quote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.widgets.button import Button
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry, register_permission_policy
from wagtail.snippets.views import chooser as snippet_chooser
from wagtail.snippets.views.snippets import SnippetViewSet

# A spreadsheet opening a CSV runs a cell starting with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
PHONE_CHARACTERS = set("0123456789 ()+-./x")
VIEW_ACTIONS = ["view", "add", "change", "delete"]


def csv_safe(value: str) -> str:
    """`value` as a CSV cell no spreadsheet runs: a leading formula character is quoted, unless
    the value is only a phone number ("+1 555 ...")."""
    if value.startswith(FORMULA_PREFIXES) and not set(value) <= PHONE_CHARACTERS:
        return f"'{value}"
    return value


class CsvSafeExportMixin:
    """For a view with Wagtail's spreadsheet export (an index view, a report): CSV text cells
    no spreadsheet runs as formulas (the XLSX export already writes them as text)."""

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        if export_format == self.FORMAT_CSV and isinstance(value, str):
            return csv_safe(value)
        return value


class CsvSafeIndexView(CsvSafeExportMixin, SnippetViewSet.index_view_class):
    pass


class StreamedExportIndexView(CsvSafeIndexView):
    """An index view whose export starts without loading the rows: Wagtail's listing context
    counts them with ``len(object_list)``, which fetches every row into the queryset's cache
    before the first byte is written (270 MB for 100,000 members, bench/exports.py). An export
    needs none of that context: it goes straight from the filtered, searched and ordered
    queryset to `as_spreadsheet`, after the same permission check (in ``dispatch``)."""

    def get(self, request, *args, **kwargs):
        if self.is_export:
            return self.as_spreadsheet(self.get_queryset(), request.GET["export"])
        return super().get(request, *args, **kwargs)


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """Wagtail's generic views may list, export and inspect the model, never add, edit, copy
    or delete it; any of the model's Django permissions lets a user see it."""

    def user_has_permission(self, user, action):
        if action != "view":
            return False
        return any(user.has_perm(self._get_permission_name(name)) for name in VIEW_ACTIONS)

    def users_with_any_permission(self, actions):
        if "view" not in actions:
            return get_user_model().objects.none()
        return super().users_with_any_permission(VIEW_ACTIONS)


def register_read_only(*models) -> None:
    """Give `models` the read-only policy; call in wagtail_hooks.py before registering their
    viewsets, which would otherwise create the default policy."""
    for model in models:
        register_permission_policy(model, ReadOnlyPermissionPolicy(model))


class ReadOnlyHistoryView(SnippetViewSet.history_view_class):
    # The generic history view asks for add/change/delete, which nobody has here.
    any_permission_required = ["view"]


class LocalTimeInspectView(SnippetViewSet.inspect_view_class):
    """Shows date-times in the user's time zone: the generic template's ``|localize`` turns
    them into text before Django's own conversion to local time would apply."""

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            return timezone.localtime(value)
        return value


class ReadOnlyInspectView(LocalTimeInspectView):
    history_url_name = None

    def get_history_url(self):
        if self.history_url_name:
            return reverse(self.history_url_name, args=(quote(self.object.pk),))

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if history_url := self.get_history_url():
            buttons.append(Button(_("History"), url=history_url, icon_name="history"))
        return buttons


# Permissions that open a model's chooser besides the model's own: {"app_label.model": {...}}.
_chooser_grants: dict[str, set[str]] = {}


def grant_chooser(model_label: str, *permissions: str) -> None:
    """Let users with any of `permissions` choose records of `model_label` ("membership.member")
    too: a form a user may fill in needs the chooser, although its records are not theirs to
    see (a higher app calls this from its AppConfig.ready())."""
    _chooser_grants.setdefault(model_label.lower(), set()).update(permissions)


def may_choose(user, model) -> bool:
    """THE rule for a permission-checked chooser: any permission on the model, or a grant."""
    if ModelPermissionPolicy(model).user_has_any_permission(user, VIEW_ACTIONS):
        return True
    granted = _chooser_grants.get(model._meta.label_lower, ())
    return any(user.has_perm(permission) for permission in granted)


class _ChooserPermissionRequired:
    """A chooser view for users who may see the model's records in the admin at all."""

    def dispatch(self, request, *args, **kwargs):
        if not may_choose(request.user, self.model_class):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class PermissionCheckedChooserViewSet(snippet_chooser.SnippetChooserViewSet):
    choose_view_class = type(
        "ChooseView", (_ChooserPermissionRequired, snippet_chooser.ChooseView), {}
    )
    choose_results_view_class = type(
        "ChooseResultsView", (_ChooserPermissionRequired, snippet_chooser.ChooseResultsView), {}
    )
    chosen_view_class = type(
        "ChosenView", (_ChooserPermissionRequired, snippet_chooser.SnippetChosenView), {}
    )
    chosen_multiple_view_class = type(
        "ChosenMultipleView",
        (_ChooserPermissionRequired, snippet_chooser.SnippetChosenMultipleView),
        {},
    )


# Any of these, on the model's permission policy (snippets, pages, images, documents), shows
# that the user works with the model in the admin; actions a policy does not know count as none.
ANY_ACTIONS = [*VIEW_ACTIONS, "choose", "publish"]


class _ModelAccessRequired:
    def dispatch(self, request, *args, **kwargs):
        policy = policy_registry.get_by_type(self.model)
        if not policy.user_has_any_permission(request.user, ANY_ACTIONS):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def access_checked(bulk_action_class):
    """`bulk_action_class` for users with a permission on the model only (registered in
    wagtail_hooks.py in place of Wagtail's own)."""
    return type(
        bulk_action_class.__name__,
        (_ModelAccessRequired, bulk_action_class),
        {"__module__": bulk_action_class.__module__, "__doc__": access_checked.__doc__},
    )


class ReadOnlySnippetViewSet(SnippetViewSet):
    chooser_viewset_class = PermissionCheckedChooserViewSet
    index_view_class = CsvSafeIndexView
    inspect_view_class = ReadOnlyInspectView
    history_view_class = ReadOnlyHistoryView
    inspect_view_enabled = True
    copy_view_enabled = False
    search_backend_name = None


class ObjectActionView(PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView):
    """A form about one object, shown on GET and acted upon on POST (CSRF-protected)."""

    model = None
    permission_policy = None  # the real model permission, set by subclasses
    permission_required = None
    index_url_name = None
    inspect_url_name = None
    edit_url_name = None
    header_icon = ""
    template_name = "chamber/admin/action_form.html"
    submit_button_label = _("Save")
    intro = ""

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.object = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])

    def get_queryset(self):
        return self.model._default_manager.all()

    def get_page_subtitle(self):
        return str(self.object)

    def get_object_url(self):
        """Where the object is shown: its edit page if the user may edit it, else inspect."""
        user = self.request.user
        policy = ModelPermissionPolicy(self.model)
        if self.edit_url_name and policy.user_has_permission(user, "change"):
            return reverse(self.edit_url_name, args=(quote(self.object.pk),))
        if self.inspect_url_name:
            return reverse(self.inspect_url_name, args=(quote(self.object.pk),))
        return reverse(self.index_url_name)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {
                "url": reverse(self.index_url_name),
                "label": capfirst(self.model._meta.verbose_name_plural),
            },
            {"url": self.get_object_url(), "label": str(self.object)},
            {"url": "", "label": self.get_page_title(), "sublabel": str(self.object)},
        ]

    def get_summary(self) -> list[tuple[str, object]]:
        """(label, value) pairs shown above the form, so staff see what they act on."""
        return []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            object=self.object,
            summary=self.get_summary(),
            intro=self.intro,
            action_url=self.request.path,
            submit_button_label=self.submit_button_label,
            cancel_url=self.get_object_url(),
            media=context["form"].media,
        )
        return context

    def form_invalid(self, form):
        messages.validation_error(
            self.request, _("Nothing was saved: please correct the errors below."), form
        )
        return super().form_invalid(form)
