"""Staff actions in the admin: decide applications, record offline payments, change levels.

Each view is a small form in front of a service (membership.applications, membership.dues),
which does the work and writes the audit log. The views are wired into the snippet viewsets in
membership/viewsets.py (``get_urlpatterns``), so they live under those viewsets' URLs, behind
Wagtail's admin login, and answer a user without the model permission with Wagtail's usual
"permission denied". Each one checks the real model permission (``ModelPermissionPolicy``), not
the read-only policy the viewsets' generic views use for these models.
"""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib.admin.utils import quote
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.widgets import AdminDateInput
from wagtail.permission_policies import ModelPermissionPolicy

from chamber.viewsets import ObjectActionView
from membership import dues, reminders, services
from membership.account.receipts import member_address, receipt_number
from membership.applications import (
    DECIDABLE,
    DecisionError,
    approve_application,
    reject_application,
)
from membership.checkout import send_payment_receipt
from membership.models.applications import Application
from membership.models.members import Member, MemberContact, MembershipLevel
from membership.models.payments import Payment
from membership.selectors import login_state

APPROVABLE = (*DECIDABLE, Application.Status.PAID)


def member_url(name: str, member: Member) -> str:
    """A URL of the member viewset (edit, inspect: the member record, record_payment,
    change_level, send_reminder, history)."""
    return reverse(Member.snippet_viewset.get_url_name(name), args=(quote(member.pk),))


def member_record_url(user, member: Member) -> str | None:
    """The member record (the member's inspect view), if `user` may see it."""
    if ModelPermissionPolicy(Member).user_has_any_permission(
        user, ["view", "add", "change", "delete"]
    ):
        return member_url("inspect", member)
    return None


# Applications -------------------------------------------------------------------------------


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=_("Note to the applicant"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Optional; included in the e-mail to the applicant."),
    )


class ApplicationDecisionView(ObjectActionView):
    model = Application
    permission_policy = ModelPermissionPolicy(Application)
    permission_required = "change"
    form_class = DecisionForm
    header_icon = "form"
    allowed_statuses = ()

    def get_queryset(self):
        return Application.objects.select_related("level", "member")

    def get_summary(self):
        application = self.object
        submitted = date_format(timezone.localtime(application.created_at), "DATETIME_FORMAT")
        return [
            (_("Organisation"), application.organisation_name),
            (_("Contact"), f"{application.contact_name} <{application.email}>"),
            (_("Level"), application.level),
            (_("Status"), application.get_status_display()),
            (_("Submitted at"), submitted),
            (_("Message"), application.message or "-"),
        ]

    def get(self, request, *args, **kwargs):
        if self.object.status not in self.allowed_statuses:
            messages.error(
                request,
                _("This application is already %(status)s.")
                % {"status": self.object.get_status_display()},
            )
            return redirect(self.get_object_url())
        return super().get(request, *args, **kwargs)

    def form_valid(self, form):
        note = form.cleaned_data["note"]
        try:
            result = self.decide(note)
        except DecisionError as error:
            messages.error(self.request, str(error))
            return redirect(self.get_object_url())
        self.object.refresh_from_db()
        self.success(result)
        return redirect(self.get_object_url())


class ApproveApplicationView(ApplicationDecisionView):
    page_title = _("Approve application")
    submit_button_label = _("Approve and e-mail the applicant")
    allowed_statuses = APPROVABLE
    intro = _(
        "Approving creates the member (pending until its first payment is recorded), its "
        "primary contact and a draft directory listing, and e-mails the applicant a link to "
        "set their password."
    )

    def decide(self, note):
        return approve_application(self.object, user=self.request.user, note=note)

    def success(self, member):
        buttons = []
        if member.status == Member.Status.PENDING and self.request.user.has_perm(
            "membership.add_payment"
        ):
            buttons.append(
                messages.button(member_url("record_payment", member), _("Record first payment"))
            )
        if self.request.user.has_perm("membership.change_member"):
            buttons.append(messages.button(member_url("edit", member), _("Edit member")))
        messages.success(
            self.request,
            _("Application approved: %(member)s is now a member (%(status)s).")
            % {"member": member, "status": member.get_status_display()},
            buttons=buttons,
        )


class RejectApplicationView(ApplicationDecisionView):
    page_title = _("Reject application")
    submit_button_label = _("Reject and e-mail the applicant")
    allowed_statuses = DECIDABLE
    intro = _("The applicant is told by e-mail, with your note if you write one.")

    def decide(self, note):
        return reject_application(self.object, user=self.request.user, note=note)

    def success(self, application):
        messages.success(
            self.request,
            _("Application from %(organisation)s rejected; the applicant has been e-mailed.")
            % {"organisation": application.organisation_name},
        )


# Members ------------------------------------------------------------------------------------

OFFLINE_METHODS = [
    (value, label) for value, label in Payment.Method.choices if value != Payment.Method.STRIPE
]


class OfflinePaymentForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount"), max_digits=9, decimal_places=2, min_value=Decimal("0.00")
    )
    method = forms.ChoiceField(label=_("Method"), choices=[("", "---------"), *OFFLINE_METHODS])
    paid_on = forms.DateField(label=_("Paid on"), widget=AdminDateInput)
    reference = forms.CharField(
        label=_("Reference"),
        max_length=200,
        required=False,
        help_text=_("Cheque number, bank transfer reference, or why the dues were waived."),
    )
    send_receipt = forms.BooleanField(
        label=_("E-mail a receipt to the member's billing contacts"),
        required=False,
        initial=True,
    )

    def __init__(self, *args, member: Member, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].help_text = _(
            "In %(currency)s. The %(level)s level's dues are %(dues)s."
        ) % {
            "currency": member.level.currency.upper(),
            "level": member.level,
            "dues": member.level.annual_dues,
        }

    def clean_paid_on(self):
        paid_on = self.cleaned_data["paid_on"]
        if paid_on > timezone.localdate():
            raise forms.ValidationError(_("A payment cannot be recorded before it is received."))
        return paid_on


class MemberActionView(ObjectActionView):
    model = Member
    header_icon = "group"

    def get_queryset(self):
        return Member.objects.select_related("level")

    def get_object_url(self):
        """Back to the member record, where the actions are (for a user who may see it)."""
        return member_record_url(self.request.user, self.object) or super().get_object_url()

    def get_summary(self):
        member = self.object
        return [
            (_("Level"), member.level),
            (_("Status"), member.get_status_display()),
            (_("Paid through"), date_format(member.paid_through) if member.paid_through else "-"),
        ]


class RecordPaymentView(MemberActionView):
    permission_policy = ModelPermissionPolicy(Payment)
    permission_required = "add"
    form_class = OfflinePaymentForm
    page_title = _("Record payment")
    submit_button_label = _("Record payment")
    intro = _(
        "A cheque, bank transfer, cash or waived year: the member is paid for one more year "
        "from today or from the end of the current paid period, whichever is later, and "
        "becomes active."
    )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "member": self.object}

    def get_initial(self):
        return {
            "amount": self.object.level.annual_dues,
            "paid_on": timezone.localdate(),
            "send_receipt": True,
        }

    def form_valid(self, form):
        data = form.cleaned_data
        payment = dues.record_offline_payment(
            self.object,
            amount=data["amount"],
            method=data["method"],
            paid_on=data["paid_on"],
            reference=data["reference"],
            user=self.request.user,
        )
        self.object.refresh_from_db()
        messages.success(
            self.request,
            _("Payment of %(amount)s %(currency)s recorded for %(member)s: paid through %(date)s.")
            % {
                "amount": payment.amount,
                "currency": payment.currency.upper(),
                "member": self.object,
                "date": date_format(self.object.paid_through),
            },
        )
        if data["send_receipt"]:
            recipients = send_payment_receipt(payment)
            if recipients:
                messages.success(self.request, _("Receipt e-mailed to %s.") % ", ".join(recipients))
            else:
                messages.warning(
                    self.request,
                    _("No receipt was e-mailed: the member has no contact with an e-mail."),
                )
        return redirect(self.get_object_url())


class PaymentReceiptView(PermissionCheckedMixin, TemplateView):
    """Any payment's receipt, as the member sees it, for staff to open and print."""

    permission_policy = ModelPermissionPolicy(Payment)
    permission_required = "view"
    template_name = "membership/admin/receipt.html"

    def get_context_data(self, **kwargs):
        payment = get_object_or_404(
            Payment.objects.select_related("member__level"), pk=self.kwargs["pk"]
        )
        payment.receipt_number = receipt_number(payment)
        return {
            **super().get_context_data(**kwargs),
            "payment": payment,
            "member": payment.member,
            "member_address": member_address(payment.member),
            "back_url": reverse(
                "wagtailsnippets_membership_payment:inspect", args=[quote(payment.pk)]
            ),
        }


class ChangeLevelForm(forms.Form):
    level = forms.ModelChoiceField(
        label=_("Level"), queryset=MembershipLevel.objects.all(), empty_label=None
    )

    def __init__(self, *args, member: Member, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["level"]
        field.label_from_instance = lambda level: (
            f"{level} ({level.annual_dues} {level.currency.upper()})"
            if level.active
            else _("%(level)s (not offered to new members)") % {"level": level}
        )
        if member.stripe_subscription_id:
            field.help_text = _(
                "This member pays by a Stripe subscription: it is moved to the new level's "
                "yearly price, which applies from the next renewal (no pro-rata charge)."
            )


class ChangeLevelView(MemberActionView):
    permission_policy = ModelPermissionPolicy(Member)
    permission_required = "change"
    form_class = ChangeLevelForm
    page_title = _("Change level")
    submit_button_label = _("Change level")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "member": self.object}

    def get_initial(self):
        return {"level": self.object.level}

    def form_valid(self, form):
        level = form.cleaned_data["level"]
        member = self.object
        previous = dues.change_level(
            member, level, reason="changed by staff", user=self.request.user
        )
        if previous is None:
            messages.info(
                self.request,
                _("%(member)s is already at the %(level)s level.")
                % {"member": member, "level": level},
            )
        else:
            messages.success(
                self.request,
                _("%(member)s moved from the %(previous)s level to %(level)s.")
                % {"member": member, "previous": previous, "level": level},
            )
        return redirect(self.get_object_url())


class SendReminderView(MemberActionView):
    """The renewal reminder the member is due, shown exactly as it would be e-mailed, and
    "Send now": under the cron job's rule (membership/reminders.py), at most once per stage
    and paid period, so pressing it twice, or cron running after it, sends one e-mail."""

    permission_policy = ModelPermissionPolicy(Member)
    permission_required = "change"
    form_class = forms.Form
    page_title = _("Renewal reminder")
    submit_button_label = _("Send now")

    @cached_property
    def due(self):
        return reminders.preview(self.object)

    @property
    def intro(self):
        if self.due is None:
            return _(
                "No reminder is due for this member now: the first goes out %(days)d days "
                "before the paid-through date, each stage once; members whose card renews "
                "automatically, or without an end date, get none."
            ) % {"days": -min(settings.RENEWAL_REMINDER_DAYS)}
        if not self.due[0].recipients:
            return _("This reminder is due but the member has no contact with an e-mail.")
        return _("This is the reminder due now, as it will be e-mailed.")

    def get_summary(self):
        summary = super().get_summary()
        if self.due is None:
            return summary
        due, rendered = self.due
        return [
            *summary,
            (_("To"), ", ".join(due.recipients) or "-"),
            (_("Subject"), rendered.subject),
            (_("Message"), rendered.text.strip()),
        ]

    def form_valid(self, form):
        run = reminders.send_renewal_reminders(member_ids=[self.object.pk])
        if run.sent:
            messages.success(self.request, _("Renewal reminder sent to %s.") % self.object)
        elif run.skipped:
            messages.warning(
                self.request, _("Not sent: %s has no contact with an e-mail.") % self.object
            )
        elif run.failed:
            messages.error(self.request, _("Sending failed; the next cron run tries again."))
        else:
            messages.info(self.request, _("No reminder was due, or it was already sent."))
        return redirect(self.get_object_url())


# Contacts -----------------------------------------------------------------------------------


class SendPasswordLinkView(ObjectActionView):
    """E-mail a contact the link to set a password (a new account whose welcome e-mail was
    lost, or a forgotten password), from the member record; logged on the member."""

    model = MemberContact
    permission_policy = ModelPermissionPolicy(MemberContact)
    permission_required = "change"
    form_class = forms.Form
    header_icon = "user"
    page_title = _("Send set-password link")
    submit_button_label = _("Send the link")

    def get_queryset(self):
        return MemberContact.objects.select_related("member", "user")

    @property
    def intro(self):
        if self.object.user.has_usable_password():
            return _(
                "This contact has a password. The link lets them choose a new one; the "
                "current one keeps working until they do."
            )
        return _("This contact has not set a password yet: the link lets them set one.")

    def get_summary(self):
        user = self.object.user
        return [
            (_("Contact"), user.get_full_name() or user.get_username()),
            (_("E-mail"), user.email or "-"),
            (_("Member"), self.object.member),
            (_("Role"), self.object.get_role_display()),
            (_("Log-in"), login_state(user)),
        ]

    def get_object_url(self):
        """Back to the member record, where the action started."""
        return member_record_url(self.request.user, self.object.member) or reverse(
            self.index_url_name
        )

    def form_valid(self, form):
        try:
            address = services.contact_send_password_link(
                contact=self.object, sent_by=self.request.user
            )
        except services.NoAddress:
            messages.error(
                self.request,
                _("Not sent: this contact has no e-mail address, or their account is disabled."),
            )
        else:
            messages.success(self.request, _("Set-password link sent to %s.") % address)
        return redirect(self.get_object_url())
