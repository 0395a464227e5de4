"""Outgoing e-mail in the admin (Settings → Outgoing e-mail): every delivery attempt the queue
made (chamber/mail.py), what needs staff — failed for good, stuck while sending, overdue
because nothing delivers — and "Send again".

Staff see who a message went to, its subject, its state and its error, never its body: a body
may hold a password-reset link. The list is read-only (``ReadOnlyPermissionPolicy``); sending
again needs the model's change permission.
"""

import django_filters
from django import forms
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button
from wagtail.permission_policies import ModelPermissionPolicy

from chamber import mail
from chamber.viewsets import ObjectActionView


def message_of(row: DBTaskResult) -> dict:
    return (row.args_kwargs or {}).get("kwargs", {}).get("message", {})


def attempt_of(row: DBTaskResult) -> int:
    return int((row.args_kwargs or {}).get("kwargs", {}).get("attempt", 1))


def recipients(row: DBTaskResult) -> str:
    message = message_of(row)
    return ", ".join([*message.get("to", []), *message.get("cc", []), *message.get("bcc", [])])


def subject(row: DBTaskResult) -> str:
    return message_of(row).get("subject", "")


def state(row: DBTaskResult, now=None) -> str:
    now = now or timezone.now()
    if row.status == TaskResultStatus.SUCCESSFUL:
        return str(_("Sent"))
    if row.status == TaskResultStatus.RUNNING:
        return str(_("Stuck while sending") if mail.stuck(row, now) else _("Sending"))
    if row.status == TaskResultStatus.FAILED:
        if mail.failed_for_good(row):
            return str(_("Failed: waiting for staff"))
        return str(_("Failed; tried again later"))
    if row.run_after != get_date_max():
        return str(_("Waiting to try again from %(time)s")) % {
            "time": date_format(timezone.localtime(row.run_after), "DATETIME_FORMAT")
        }
    return str(_("Waiting to be sent"))


def error(row: DBTaskResult) -> str:
    """The exception's message (the traceback's last line), without the class path."""
    lines = [line for line in (row.traceback or "").splitlines() if line.strip()]
    if not lines:
        return ""
    last = lines[-1]
    return last.split(": ", 1)[1] if ": " in last else last


class OutgoingMailFilterSet(WagtailFilterSet):
    STATES = [
        ("attention", _("Needs attention")),
        ("waiting", _("Waiting")),
        ("sent", _("Sent")),
        ("retried", _("Failed, tried again later")),
    ]
    state = django_filters.ChoiceFilter(
        label=_("State"), choices=STATES, method="filter_state", empty_label=_("All")
    )

    class Meta:
        model = DBTaskResult
        fields = []

    def filter_state(self, queryset, name, value):
        now = timezone.now()
        if value == "attention":
            return queryset.filter(mail.failed_q() | mail.stuck_q(now) | mail.overdue_q(now))
        if value == "waiting":
            return queryset.filter(status=TaskResultStatus.READY)
        if value == "sent":
            return queryset.filter(status=TaskResultStatus.SUCCESSFUL)
        if value == "retried":
            return queryset.filter(
                status=TaskResultStatus.FAILED, exception_class_path=mail.RETRY_PATH
            )
        return queryset


class OutgoingMailIndexView(ModelViewSet.index_view_class):
    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        may_resend = self.request.user.has_perm("django_tasks_database.change_dbtaskresult")
        # Decided from the row in memory: no query per row of the list.
        if may_resend and mail.may_send_again(instance):
            buttons.append(
                Button(
                    _("Send again"),
                    url=reverse("outgoing_mail:send_again", args=[instance.pk]),
                    icon_name="redirect",
                    priority=10,
                )
            )
        return buttons


class SendAgainView(ObjectActionView):
    model = DBTaskResult
    permission_policy = ModelPermissionPolicy(DBTaskResult)
    permission_required = "change"
    index_url_name = "outgoing_mail:index"
    header_icon = "mail"
    page_title = _("Send again")
    submit_button_label = _("Send again")
    form_class = forms.Form

    def get_queryset(self):
        now = timezone.now()
        return mail.mail_rows().filter(mail.failed_q() | mail.stuck_q(now))

    def get_page_subtitle(self):
        return subject(self.object)

    def get_object_url(self):
        return reverse(self.index_url_name) + "?state=attention"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": _("Outgoing e-mail")},
            {"url": "", "label": self.get_page_title(), "sublabel": subject(self.object)},
        ]

    @property
    def intro(self):
        if self.object.status == TaskResultStatus.RUNNING:
            return _(
                "This message was being sent when the process sending it stopped: it may have "
                "reached its recipients. Sending it again may deliver it twice."
            )
        return _(
            "The message is queued again and sent within a minute; if the mail server still "
            "refuses it, it is tried again later as usual."
        )

    def get_summary(self):
        return [
            (_("To"), recipients(self.object)),
            (_("Subject"), subject(self.object)),
            (_("State"), state(self.object)),
            (_("Error"), error(self.object) or "-"),
        ]

    def form_valid(self, form):
        mail.send_again(self.object)
        messages.success(
            self.request,
            _("“%(subject)s” is queued to be sent again.") % {"subject": subject(self.object)},
        )
        return redirect(self.get_object_url())


class OutgoingMailViewSet(ModelViewSet):
    model = DBTaskResult
    name = "outgoing_mail"
    url_prefix = "outgoing-mail"
    icon = "mail"
    menu_label = _("Outgoing e-mail")
    menu_name = "outgoing-mail"
    add_to_settings_menu = True
    index_view_class = OutgoingMailIndexView
    filterset_class = OutgoingMailFilterSet
    form_fields = ["status"]  # never used: nobody may add or edit (read-only policy)
    copy_view_enabled = False
    list_per_page = 50
    list_display = [
        Column("recipients", label=_("To"), accessor=recipients),
        Column("subject", label=_("Subject"), accessor=subject),
        Column("state", label=_("State"), accessor=state),
        Column("attempt", label=_("Attempt"), accessor=attempt_of),
        DateColumn("enqueued_at", label=_("Queued"), sort_key="enqueued_at"),
        Column("error", label=_("Error"), accessor=error),
    ]
    ordering = ["-enqueued_at"]

    def get_queryset(self, request):
        return mail.mail_rows()

    @property
    def send_again_view(self):
        return self.construct_view(SendAgainView)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("send-again/<uuid:pk>/", self.send_again_view, name="send_again"),
        ]


class MailProblemsPanel(Component):
    """On the admin home, only when e-mail waits for staff."""

    name = "outgoing_mail"
    template_name = "chamber/admin/mail_problems_panel.html"
    order = 80

    def __init__(self, health: mail.MailHealth):
        self.health = health

    def get_context_data(self, parent_context):
        return {
            "health": self.health,
            "url": reverse("outgoing_mail:index") + "?state=attention",
        }
