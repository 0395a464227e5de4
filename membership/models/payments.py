"""Money and messages about dues: payments and their corrections, Stripe's webhook events,
renewal reminders sent, and subscribers moved to a level's current price."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from membership.models.applications import Application
from membership.models.members import Member, MembershipLevel


@dataclass(frozen=True)
class PaymentEffect:
    """What a payment still stands for once its corrections are applied (`Payment.effect`)."""

    net_amount: Decimal  # the amount plus every correction's (negative for voids and refunds)
    refunded: Decimal  # returned through Stripe (a positive number)
    voided: bool
    period_end: datetime.date  # the end of the period it pays for (an adjustment may move it)
    counts: bool  # whether its period still counts toward the member's paid-through date


class PaymentQuerySet(models.QuerySet):
    def originals(self):
        """Money received (not the corrections of it): what receipts are for."""
        return self.filter(kind=Payment.Kind.PAYMENT)


class Payment(models.Model):
    """Money received for dues: one row per Stripe invoice or checkout, or per offline payment;
    and the corrections of such a payment, each a row of its own.

    A payment is never edited or deleted. A void, an adjustment or a refund is a new row that
    `corrects` the original, with the reason, who recorded it and when, and an `amount` that is
    the correction's effect on the money received (a void: minus what was left; a refund: minus
    what Stripe returned; an adjustment: the difference): summing `amount` over any set of rows
    gives the money actually received, so the dashboard's totals need no special case.
    """

    class Method(models.TextChoices):
        STRIPE = "stripe", _("Card (Stripe)")
        CHEQUE = "cheque", _("Cheque")
        BANK_TRANSFER = "bank_transfer", _("Bank transfer")
        CASH = "cash", _("Cash")
        WAIVED = "waived", _("Waived")

    class Kind(models.TextChoices):
        PAYMENT = "payment", _("Payment")
        VOID = "void", _("Void")
        ADJUSTMENT = "adjustment", _("Adjustment")
        REFUND = "refund", _("Refund")

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="payments"
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.PAYMENT, db_index=True
    )
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects payment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    reason = models.TextField(_("reason"), blank=True)
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
    # A refund is recorded once per Stripe refund, whether staff made it here or in Stripe's
    # dashboard, and however often its events arrive; an adjustment naming a refund undoes it
    # (the refund failed at Stripe).
    stripe_refund_id = models.CharField(max_length=255, blank=True)
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
    # The member's paid-through date just before this payment was recorded: what a member's
    # paid-through date goes back to when every payment it has is voided (a date typed by staff
    # or imported before the portal recorded any payment). Unknown (None) for payments recorded
    # before corrections existed.
    paid_through_before = models.DateField(
        _("paid through before this payment"), null=True, blank=True, editable=False
    )

    objects = PaymentQuerySet.as_manager()

    class Meta:
        ordering = ["-paid_on", "-pk"]
        verbose_name = _("payment")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="payment", corrects__isnull=True, amount__gte=0)
                    | (
                        models.Q(kind__in=["void", "adjustment", "refund"])
                        & models.Q(corrects__isnull=False)
                        & ~models.Q(reason="")
                        & ~models.Q(kind__in=["void", "refund"], amount__gt=0)
                    )
                ),
                name="payment_or_correction_with_a_reason",
            ),
            models.UniqueConstraint(
                fields=["corrects"],
                condition=models.Q(kind="void"),
                name="payment_voided_once",
            ),
            # A Stripe refund is recorded once, and undone (should it fail) once.
            models.UniqueConstraint(
                fields=["stripe_refund_id"],
                condition=~models.Q(stripe_refund_id="") & models.Q(kind="refund"),
                name="payment_once_per_stripe_refund",
            ),
            models.UniqueConstraint(
                fields=["stripe_refund_id"],
                condition=~models.Q(stripe_refund_id="") & models.Q(kind="adjustment"),
                name="failed_stripe_refund_undone_once",
            ),
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
        if self.kind != self.Kind.PAYMENT:
            return (
                f"{self.get_kind_display()} of {self.amount} {self.currency.upper()} for "
                f"{self.member} on {self.paid_on}"
            )
        return f"{self.amount} {self.currency.upper()} from {self.member} on {self.paid_on}"

    @property
    def is_correction(self) -> bool:
        return self.kind != self.Kind.PAYMENT

    def effect(self, corrections=None) -> PaymentEffect:
        """What this payment stands for after `corrections` (default: its recorded ones, in the
        order they were made). THE rule for corrections:

        - a void cancels the payment: its period no longer counts;
        - a refund returns money; the period stops counting once refunds have returned all
          of it (a partial refund keeps it); a refund that failed at Stripe is undone by an
          adjustment naming it;
        - an adjustment changes the amount received and/or the period's end (the latest
          adjustment's period end wins).
        """
        if corrections is None:
            corrections = self.corrections.all()
        corrections = sorted(corrections, key=lambda row: (row.pk is None, row.pk or 0))
        net_amount = self.amount + sum((row.amount for row in corrections), Decimal(0))
        # Refunds, less those undone because they failed at Stripe.
        refunded = -sum(
            (
                row.amount
                for row in corrections
                if row.kind == self.Kind.REFUND
                or (row.kind == self.Kind.ADJUSTMENT and row.stripe_refund_id)
            ),
            Decimal(0),
        )
        voided = any(row.kind == self.Kind.VOID for row in corrections)
        adjustments = [row for row in corrections if row.kind == self.Kind.ADJUSTMENT]
        period_end = adjustments[-1].period_end if adjustments else self.period_end
        refunded_in_full = refunded > 0 and net_amount <= 0
        return PaymentEffect(
            net_amount=net_amount,
            refunded=refunded,
            voided=voided,
            period_end=period_end,
            counts=not voided and not refunded_in_full,
        )

    def state_label(self) -> str:
        """The payment's state in words, for staff lists and receipts."""
        if self.is_correction:
            return str(self.get_kind_display())
        effect = self.effect()
        if effect.voided:
            return str(_("Voided"))
        if effect.refunded and not effect.counts:
            return str(_("Refunded"))
        if effect.refunded:
            return str(_("Partly refunded"))
        if any(
            row.kind == self.Kind.ADJUSTMENT and not row.stripe_refund_id
            for row in self.corrections.all()
        ):
            return str(_("Adjusted"))
        return str(_("Received"))


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


class SubscriberPriceMove(models.Model):
    """One member's subscription moved (or found already) at a level's current yearly price:
    the record that makes "move existing subscribers" idempotent, and its result for staff
    (membership/price_moves.py). A failed move is tried again by the next run."""

    class Outcome(models.TextChoices):
        MOVED = "moved", _("Moved to the new price")
        UNCHANGED = "unchanged", _("Already at the new price")
        FAILED = "failed", _("Failed")

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="price_moves"
    )
    level = models.ForeignKey(
        MembershipLevel, verbose_name=_("level"), on_delete=models.CASCADE, related_name="+"
    )
    stripe_subscription_id = models.CharField(_("Stripe subscription"), max_length=255)
    from_price_id = models.CharField(_("from price"), max_length=255, blank=True)
    to_price_id = models.CharField(_("to price"), max_length=255)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    error = models.TextField(_("error"), blank=True)
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("first tried"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last tried"), auto_now=True)

    class Meta:
        ordering = ["member__name", "pk"]
        verbose_name = _("subscriber moved to a new price")
        verbose_name_plural = _("subscribers moved to a new price")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "to_price_id"], name="one_price_move_per_member_and_price"
            )
        ]

    def __str__(self):
        return f"{self.member}: {self.get_outcome_display()} ({self.to_price_id})"
