"""Money and messages about dues: payments, Stripe's webhook events, renewal reminders sent."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from membership.models.applications import Application
from membership.models.members import Member


class Payment(models.Model):
    """Money received for dues: one row per Stripe invoice or checkout, or per offline payment."""

    class Method(models.TextChoices):
        STRIPE = "stripe", _("Card (Stripe)")
        CHEQUE = "cheque", _("Cheque")
        BANK_TRANSFER = "bank_transfer", _("Bank transfer")
        CASH = "cash", _("Cash")
        WAIVED = "waived", _("Waived")

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="payments"
    )
    amount = models.DecimalField(_("amount"), max_digits=9, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="usd")
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    paid_on = models.DateField(_("paid on"))
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    reference = models.CharField(_("reference"), max_length=200, blank=True)
    # Stripe's own ids make recording a payment idempotent: an invoice or a checkout session
    # is paid for at most once, however often its events arrive.
    stripe_invoice_id = models.CharField(max_length=255, blank=True)
    stripe_checkout_session_id = models.CharField(max_length=255, blank=True)
    stripe_payment_intent_id = models.CharField(max_length=255, blank=True)
    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="payments",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-paid_on", "-pk"]
        verbose_name = _("payment")
        constraints = [
            models.UniqueConstraint(
                fields=["stripe_invoice_id"],
                condition=~models.Q(stripe_invoice_id=""),
                name="payment_once_per_stripe_invoice",
            ),
            models.UniqueConstraint(
                fields=["stripe_checkout_session_id"],
                condition=~models.Q(stripe_checkout_session_id=""),
                name="payment_once_per_checkout_session",
            ),
        ]

    def __str__(self):
        return f"{self.amount} {self.currency.upper()} from {self.member} on {self.paid_on}"


class StripeEvent(models.Model):
    """Every webhook event received, stored once by Stripe's id: idempotency and audit trail."""

    stripe_id = models.CharField(_("event id"), max_length=255, unique=True)
    type = models.CharField(_("type"), max_length=100, db_index=True)
    created = models.DateTimeField(_("created at Stripe"))
    livemode = models.BooleanField(default=False)
    payload = models.JSONField(_("payload"))
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=255, blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("Stripe event")

    def __str__(self):
        return f"{self.type} {self.stripe_id}"


class RenewalReminder(models.Model):
    """A renewal reminder that was sent: at most one per member, stage and paid-through period."""

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="reminders"
    )
    # Days relative to paid_through: -30, -7, 0, 14 ...
    stage = models.SmallIntegerField(_("days from the due date"))
    period_end = models.DateField(_("for dues paid through"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    sent_to = models.TextField(_("sent to"), blank=True)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("renewal reminder")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "stage", "period_end"], name="one_reminder_per_stage_and_period"
            )
        ]

    def __str__(self):
        return f"{self.member}: {self.stage:+d} days for {self.period_end}"
