"""Staff actions in the admin: decide applications, record, correct and refund payments,
change levels, move a level's subscribers to its current price.

Each view is a small form in front of a service (membership.applications, membership.dues),
which does the work and writes the audit log. The views are wired into the snippet viewsets in
membership/viewsets.py (``get_urlpatterns``), so they live under those viewsets' URLs, behind
Wagtail's admin login, and answer a user without the model permission with Wagtail's usual
"permission denied". Each one checks the real model permission (``ModelPermissionPolicy``), not
the read-only policy the viewsets' generic views use for these models.
"""

from decimal import Decimal

import stripe
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
from django_tasks.base import TaskResultStatus
from wagtail.admin import messages
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.widgets import AdminDateInput
from wagtail.permission_policies import ModelPermissionPolicy

from chamber.viewsets import ObjectActionView
from membership import corrections, dues, price_moves, reminders, services
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
from membership.models.payments import Payment, SubscriberPriceMove
from membership.selectors import login_state
from membership.stripe_gateway import stripe_enabled

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
    """Any payment's receipt, as the member sees it, for staff to open and print; a
    correction's is the receipt of the payment it corrects (which lists it)."""

    permission_policy = ModelPermissionPolicy(Payment)
    permission_required = "view"
    template_name = "membership/admin/receipt.html"

    def get_context_data(self, **kwargs):
        requested = get_object_or_404(Payment, pk=self.kwargs["pk"])
        payment = get_object_or_404(
            Payment.objects.select_related("member__level").prefetch_related("corrections"),
            pk=requested.corrects_id or requested.pk,
        )
        payment.receipt_number = receipt_number(payment)
        return {
            **super().get_context_data(**kwargs),
            "payment": payment,
            "member": payment.member,
            "member_address": member_address(payment.member),
            "back_url": reverse(
                "wagtailsnippets_membership_payment:inspect", args=[quote(requested.pk)]
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


# Payment corrections ------------------------------------------------------------------------


def payment_url(name: str, payment: Payment) -> str:
    """A URL of the payment viewset (inspect, receipt, void, adjust, refund)."""
    return reverse(Payment.snippet_viewset.get_url_name(name), args=(quote(payment.pk),))


def paid_through_words(change: dues.PaidThroughChange) -> str:
    """What a correction does (or did) to the member's paid-through date, in a sentence."""

    def day(value):
        return date_format(value) if value else _("no date (no payment left)")

    if change.kept:
        return _(
            "The paid-through date (%(date)s) was set by hand, not by the payments, and stays "
            "as it is; change it on the member if it should move."
        ) % {"date": day(change.before)}
    if not change.changed:
        return _("The paid-through date stays %(date)s.") % {"date": day(change.before)}
    return _("The paid-through date moves from %(before)s to %(after)s.") % {
        "before": day(change.before),
        "after": day(change.after),
    }


class ReasonField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Reason"))
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3}))
        kwargs.setdefault(
            "help_text",
            _("Required. Kept with the correction, in the payment's and the member's history."),
        )
        super().__init__(max_length=2000, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value.strip():
            raise forms.ValidationError(_("Say why: a correction needs a reason."))
        return value.strip()


class VoidForm(forms.Form):
    reason = ReasonField()

    def __init__(self, *args, payment: Payment, **kwargs):  # every correction form gets it
        super().__init__(*args, **kwargs)


class AdjustForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount received"),
        max_digits=9,
        decimal_places=2,
        min_value=Decimal("0.00"),
    )
    period_end = forms.DateField(
        label=_("Pays for the period to"),
        widget=AdminDateInput,
        help_text=_("The last day of the period this payment pays for."),
    )
    reason = ReasonField()

    def __init__(self, *args, payment: Payment, **kwargs):
        super().__init__(*args, **kwargs)
        self.payment = payment
        self.fields["amount"].help_text = _("What the payment actually was, in %(currency)s.") % {
            "currency": payment.currency.upper()
        }

    def clean(self):
        data = super().clean()
        effect = self.payment.effect()
        period_end = data.get("period_end")
        if period_end is not None and period_end <= self.payment.period_start:
            self.add_error(
                "period_end",
                _("The period starts on %(start)s: it must end after that.")
                % {"start": date_format(self.payment.period_start)},
            )
        if data.get("amount") == effect.net_amount and period_end == effect.period_end:
            raise forms.ValidationError(
                _("Nothing to adjust: the amount and period are as recorded.")
            )
        return data


STRIPE_REFUND_REASONS = [
    ("requested_by_customer", _("Requested by the member")),
    ("duplicate", _("Duplicate payment")),
    ("", _("Not given")),
]


class RefundForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount to refund"), max_digits=9, decimal_places=2, min_value=Decimal("0.01")
    )
    stripe_reason = forms.ChoiceField(
        label=_("Reason given to Stripe"), choices=STRIPE_REFUND_REASONS, required=False
    )
    reason = ReasonField()

    def __init__(self, *args, payment: Payment, **kwargs):
        super().__init__(*args, **kwargs)
        self.refundable = payment.effect().net_amount
        self.fields["amount"].help_text = _(
            "In %(currency)s; at most %(most)s. Refunding all of it ends the period the "
            "payment paid for; a partial refund keeps it."
        ) % {"currency": payment.currency.upper(), "most": self.refundable}

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount > self.refundable:
            raise forms.ValidationError(
                _("At most %(most)s is left to refund.") % {"most": self.refundable}
            )
        return amount


class PaymentActionView(ObjectActionView):
    """A correction of one payment, for staff with the `change_payment` permission."""

    model = Payment
    permission_policy = ModelPermissionPolicy(Payment)
    permission_required = "change"
    header_icon = "form"

    def get_queryset(self):
        return Payment.objects.select_related("member__level").prefetch_related("corrections")

    def problem(self) -> str:
        return corrections.offline_correction_problem(self.object)

    def dispatch(self, request, *args, **kwargs):
        # Without the permission, super().dispatch refuses before anything is said about the
        # payment.
        if not self.user_has_permission(self.permission_required):
            return super().dispatch(request, *args, **kwargs)
        if problem := self.problem():
            messages.error(request, problem)
            return redirect(self.get_object_url())
        return super().dispatch(request, *args, **kwargs)

    def get_object_url(self):
        return payment_url("inspect", self.object)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "payment": self.object}

    def get_summary(self):
        payment = self.object
        effect = payment.effect()
        summary = [
            (_("Member"), payment.member),
            (_("Amount"), f"{payment.amount} {payment.currency.upper()}"),
            (_("Method"), payment.get_method_display()),
            (_("Paid on"), date_format(payment.paid_on)),
            (
                _("Period"),
                _("%(start)s to %(end)s")
                % {
                    "start": date_format(payment.period_start),
                    "end": date_format(effect.period_end),
                },
            ),
            (_("Reference"), payment.reference or payment.stripe_invoice_id or "-"),
            (_("State"), payment.state_label()),
        ]
        if effect.net_amount != payment.amount:
            summary.append((_("Amount after corrections"), effect.net_amount))
        return summary

    def succeeded(self, correction: corrections.Correction, message: str):
        messages.success(
            self.request,
            f"{message} {paid_through_words(correction.paid_through)}",
            buttons=[messages.button(payment_url("receipt", self.object), _("Receipt"))],
        )
        return redirect(self.get_object_url())

    def refused(self, error: Exception):
        messages.error(self.request, str(error))
        return redirect(self.get_object_url())


class VoidPaymentView(PaymentActionView):
    form_class = VoidForm
    page_title = _("Void payment")
    submit_button_label = _("Void payment")

    @property
    def intro(self):
        change = corrections.preview(self.object.member, corrections.void_row(self.object))
        return _(
            "Voiding records that this payment did not happen as recorded (a bounced cheque, "
            "the wrong member). The payment stays on record, marked void, with your reason; "
            "its receipt says VOID. %(effect)s"
        ) % {"effect": paid_through_words(change)}

    def form_valid(self, form):
        try:
            correction = corrections.payment_void(
                payment=self.object, reason=form.cleaned_data["reason"], user=self.request.user
            )
        except corrections.CorrectionError as error:
            return self.refused(error)
        return self.succeeded(correction, _("Payment voided."))


class AdjustPaymentView(PaymentActionView):
    form_class = AdjustForm
    page_title = _("Adjust payment")
    submit_button_label = _("Adjust payment")
    intro = _(
        "Correct what was received or the period it pays for. The payment stays as recorded; "
        "the adjustment is kept beside it with your reason, and the member's paid-through "
        "date follows the corrected period."
    )

    def get_initial(self):
        effect = self.object.effect()
        return {"amount": effect.net_amount, "period_end": effect.period_end}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            correction = corrections.payment_adjust(
                payment=self.object,
                amount=data["amount"],
                period_end=data["period_end"],
                reason=data["reason"],
                user=self.request.user,
            )
        except corrections.CorrectionError as error:
            return self.refused(error)
        return self.succeeded(correction, _("Payment adjusted."))


class RefundPaymentView(PaymentActionView):
    """Refund a card payment through Stripe; a Stripe error is shown and nothing is written."""

    form_class = RefundForm
    page_title = _("Refund payment")
    submit_button_label = _("Refund through Stripe")

    def problem(self) -> str:
        return corrections.refund_problem(self.object)

    @property
    def intro(self):
        effect = self.object.effect()
        full = Payment(
            kind=Payment.Kind.REFUND,
            corrects=self.object,
            amount=-effect.net_amount,
            period_end=effect.period_end,
        )
        change = corrections.preview(self.object.member, full)
        return _(
            "The money goes back to the member's card through Stripe, and the refund is "
            "recorded beside the payment with your reason. Refunding all that is left: "
            "%(effect)s A partial refund keeps the period. The subscription, if any, goes on: "
            "cancel it in the billing portal or Stripe if the member is leaving."
        ) % {"effect": paid_through_words(change)}

    def get_initial(self):
        return {"amount": self.object.effect().net_amount, "stripe_reason": "requested_by_customer"}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            correction = corrections.payment_refund(
                payment=self.object,
                amount=data["amount"],
                reason=data["reason"],
                stripe_reason=data["stripe_reason"],
                user=self.request.user,
            )
        except stripe.StripeError as error:
            messages.error(
                self.request,
                _("Stripe did not make the refund, and nothing was recorded: %(error)s")
                % {"error": error.user_message or str(error) or type(error).__name__},
            )
            return self.render_to_response(self.get_context_data(form=form))
        except corrections.CorrectionError as error:
            messages.error(self.request, str(error))
            return self.render_to_response(self.get_context_data(form=form))
        return self.succeeded(
            correction,
            _("Refunded %(amount)s %(currency)s through Stripe.")
            % {"amount": -correction.row.amount, "currency": correction.row.currency.upper()},
        )


# Level prices -------------------------------------------------------------------------------


class MoveSubscribersView(ObjectActionView):
    """Move the level's subscribers to its current yearly price, a batch per submit, and show
    what the runs so far did (membership/price_moves.py)."""

    model = MembershipLevel
    permission_policy = ModelPermissionPolicy(MembershipLevel)
    permission_required = "change"
    form_class = forms.Form
    header_icon = "pick"
    page_title = _("Move subscribers to the current price")

    def dispatch(self, request, *args, **kwargs):
        if self.user_has_permission(self.permission_required) and not (
            self.object.stripe_price_id and stripe_enabled()
        ):
            messages.error(
                request,
                _("Stripe is not configured, or this level has no Stripe price yet."),
            )
            return redirect(self.get_object_url())
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def remaining(self) -> int:
        return price_moves.subscribers_to_move(self.object).count()

    @property
    def submit_button_label(self):
        if self.remaining > price_moves.BATCH:
            return _("Move the next %(count)d") % {"count": price_moves.BATCH}
        return _("Move %(count)d subscriber(s)") % {"count": self.remaining}

    @property
    def intro(self):
        level = self.object
        return _(
            "Members whose card renews automatically pay the yearly price they subscribed "
            "at. This moves each subscription at the %(level)s level to the current price, "
            "%(dues)s %(currency)s a year, from its next renewal: nobody is charged or "
            "credited now (no proration). Members already at the price are left alone, so "
            "running it again changes nothing; a failure is listed and tried again next time."
        ) % {"level": level, "dues": level.annual_dues, "currency": level.currency.upper()}

    def get_summary(self):
        level = self.object
        moves = list(price_moves.moves_to_current_price(level))
        by_outcome = {outcome: [] for outcome in SubscriberPriceMove.Outcome.values}
        for move in moves:
            by_outcome[move.outcome].append(move)
        summary = [
            (_("Level"), level),
            (_("Current yearly price"), level.stripe_price_id),
            (
                _("Members renewing automatically"),
                price_moves.level_subscribers(level).count(),
            ),
            (_("Moved to this price"), len(by_outcome[SubscriberPriceMove.Outcome.MOVED])),
            (
                _("Already at this price"),
                len(by_outcome[SubscriberPriceMove.Outcome.UNCHANGED]),
            ),
            (_("Still to move"), self.remaining),
        ]
        failed = by_outcome[SubscriberPriceMove.Outcome.FAILED]
        if failed:
            summary.append(
                (
                    _("Failed (tried again next time)"),
                    "\n".join(f"{move.member}: {move.error}" for move in failed),
                )
            )
        return summary

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not self.remaining:
            context["submit_button_label"] = _("Check again")
        return context

    def form_valid(self, form):
        result = price_moves.move_subscribers_task.enqueue(
            level_id=self.object.pk, user_id=self.request.user.pk, limit=price_moves.BATCH
        )
        if result.status == TaskResultStatus.SUCCESSFUL:
            run = result.return_value
            messages.success(
                self.request,
                _(
                    "%(moved)d moved, %(unchanged)d already at the price, %(failed)d failed; "
                    "%(remaining)d still to move."
                )
                % {
                    "moved": len(run["moved"]),
                    "unchanged": len(run["unchanged"]),
                    "failed": len(run["failed"]),
                    "remaining": run["remaining"],
                },
            )
        elif result.status == TaskResultStatus.FAILED:
            messages.error(
                self.request, _("The move stopped on an error; the site's log has the details.")
            )
        else:
            messages.info(
                self.request, _("The move runs in the background; this page shows its progress.")
            )
        return redirect(self.request.path)


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
