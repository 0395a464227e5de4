"""Membership's sections of the member record (membership/record.py): contacts and their
log-in state, payments with their receipts, renewal reminders sent and skipped, the original
application, and the member's log. Each loads its rows in one or two queries.

Registered in membership/apps.py; the directory and deals register their own.
"""

import datetime
from dataclasses import dataclass

from django.contrib.admin.utils import quote
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.models import ModelLogEntry

from membership import corrections, dues, price_moves, reminders
from membership.models.members import ContactInvitation, Member, MemberContact
from membership.record import RecordSection, register_section
from membership.selectors import login_state

LOG_ENTRIES = 20  # the latest shown on the record; "Full history" has them all

CONTACT_PERMISSIONS = (
    "membership.view_membercontact",
    "membership.add_membercontact",
    "membership.change_membercontact",
    "membership.delete_membercontact",
)
INVITATION_PERMISSIONS = (
    "membership.view_contactinvitation",
    "membership.change_contactinvitation",
)
PAYMENT_PERMISSIONS = (
    "membership.view_payment",
    "membership.add_payment",
    "membership.change_payment",
    "membership.delete_payment",
)
REMINDER_PERMISSIONS = ("membership.view_renewalreminder", "membership.change_member")
APPLICATION_PERMISSIONS = ("membership.view_application", "membership.change_application")
LOG_PERMISSIONS = ("membership.change_member",)
# Log entries about money: shown only to users who may see payments.
PAYMENT_LOG_ACTIONS = (
    dues.PAYMENT_RECORDED,
    corrections.PAYMENT_VOIDED,
    corrections.PAYMENT_ADJUSTED,
    corrections.PAYMENT_REFUNDED,
    price_moves.SUBSCRIPTION_PRICE_MOVED,
)


def may(user, permissions) -> bool:
    return any(user.has_perm(permission) for permission in permissions)


def url(viewset_model, name: str, pk) -> str:
    return reverse(viewset_model.snippet_viewset.get_url_name(name), args=(quote(pk),))


# Contacts -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContactRow:
    contact: MemberContact
    name: str
    email: str
    role: str
    login_state: str
    password_link_url: str  # "" when the user may not send it, or there is no address


ROLE_ORDER = [value for value, _label in MemberContact.Role.choices]


def contacts_section(request, member):
    user = request.user
    contacts = sorted(
        member.contacts.select_related("user"),
        key=lambda contact: (
            ROLE_ORDER.index(contact.role),
            contact.user.get_full_name(),
            contact.pk,
        ),
    )
    may_send = user.has_perm("membership.change_membercontact")
    rows = [
        ContactRow(
            contact=contact,
            name=contact.user.get_full_name() or contact.user.get_username(),
            email=contact.user.email,
            role=contact.get_role_display(),
            login_state=login_state(contact.user),
            password_link_url=(
                url(MemberContact, "send_password_link", contact.pk)
                if may_send and contact.user.email and contact.user.is_active
                else ""
            ),
        )
        for contact in contacts
    ]
    invitations = []
    if may(user, INVITATION_PERMISSIONS):
        invitations = list(
            ContactInvitation.objects.filter(
                member=member,
                accepted_at__isnull=True,
                revoked_at__isnull=True,
                expires_at__gt=timezone.now(),
            )
            .select_related("invited_by")
            .order_by("-created_at", "-pk")
        )
    return "membership/admin/record/contacts.html", {"contacts": rows, "invitations": invitations}


# Payments -----------------------------------------------------------------------------------


def payments_section(request, member):
    user = request.user
    # Money received, each with its state after its corrections (void, adjustment, refund: rows
    # of their own, read in the one prefetch `state_label` uses).
    payments = list(
        member.payments.originals().prefetch_related("corrections").order_by("-paid_on", "-pk")
    )
    may_print = user.has_perm("membership.view_payment")
    for payment in payments:
        payment.receipt_url = url_of_receipt(payment) if may_print else ""
        payment.inspect_url = url(type(payment), "inspect", payment.pk)
    return "membership/admin/record/payments.html", {
        "payments": payments,
        "record_payment_url": (
            member_url("record_payment", member) if user.has_perm("membership.add_payment") else ""
        ),
    }


def url_of_receipt(payment) -> str:
    return reverse(type(payment).snippet_viewset.get_url_name("receipt"), args=[payment.pk])


def member_url(name: str, member: Member) -> str:
    return url(Member, name, member.pk)


# Reminders ----------------------------------------------------------------------------------


def reminders_section(request, member):
    today = timezone.localdate()
    due = (
        reminders.members_due(today)
        .filter(pk=member.pk)
        .annotate(has_address=reminders.has_reminder_address())
        .values_list("due_stage", "has_address")
        .first()
    )
    sent = list(member.reminders.order_by("-sent_at", "-pk"))
    for reminder in sent:
        reminder.stage_label = reminders.stage_label(reminder.stage)
    context = {
        "sent": sent,
        "send_url": (
            member_url("send_reminder", member)
            if request.user.has_perm("membership.change_member")
            else ""
        ),
        "due": None,
        "skipped": False,
        "next": None,
    }
    if due is not None:
        stage, has_address = due
        context["due"] = {
            "stage_label": reminders.stage_label(stage),
            "since": member.paid_through + datetime.timedelta(days=stage),
        }
        context["skipped"] = not has_address
    else:
        upcoming = reminders.next_stage_on(member, today)
        if upcoming is not None:
            day, stage = upcoming
            context["next"] = {"on": day, "stage_label": reminders.stage_label(stage)}
        context["none_because"] = no_reminder_reason(member)
    return "membership/admin/record/reminders.html", context


def no_reminder_reason(member) -> str:
    if member.renews_automatically:
        return _("The card subscription renews it: no reminders are sent.")
    if member.no_end_date:
        return _("No end date: nothing to renew.")
    if member.status in (Member.Status.PENDING, Member.Status.CANCELLED):
        return _("Reminders go to active and past-due members only.")
    return ""


# Application --------------------------------------------------------------------------------


def application_section(request, member):
    applications = list(member.applications.select_related("level").order_by("created_at", "pk"))
    for application in applications:
        application.inspect_url = url(type(application), "inspect", application.pk)
    return "membership/admin/record/application.html", {"applications": applications}


# Log ----------------------------------------------------------------------------------------


def log_section(request, member):
    entries = ModelLogEntry.objects.for_instance(member).select_related("user")
    if not may(request.user, PAYMENT_PERMISSIONS):
        entries = entries.exclude(action__in=PAYMENT_LOG_ACTIONS)
    entries = list(entries.order_by("-timestamp", "-pk")[: LOG_ENTRIES + 1])
    return "membership/admin/record/log.html", {
        "entries": entries[:LOG_ENTRIES],
        "more": len(entries) > LOG_ENTRIES,
        "history_url": member_url("history", member),
    }


def register_sections() -> None:
    sections = [
        RecordSection(
            "contacts", gettext_lazy("Contacts"), contacts_section, CONTACT_PERMISSIONS, 10, "user"
        ),
        RecordSection(
            "payments", gettext_lazy("Payments"), payments_section, PAYMENT_PERMISSIONS, 20, "form"
        ),
        RecordSection(
            "reminders",
            gettext_lazy("Renewal reminders"),
            reminders_section,
            REMINDER_PERMISSIONS,
            30,
            "mail",
        ),
        RecordSection(
            "application",
            gettext_lazy("Application"),
            application_section,
            APPLICATION_PERMISSIONS,
            60,
            "form",
        ),
        RecordSection("log", gettext_lazy("Log"), log_section, LOG_PERMISSIONS, 90, "history"),
    ]
    for section in sections:
        register_section(section)
