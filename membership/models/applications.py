"""What the join form submitted: kept forever as the audit trail of how a member joined."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from membership.models.members import Member, MembershipLevel

# What an applicant fills in on the join form (and what staff export).
APPLICANT_FIELDS = [
    "organisation_name",
    "first_name",
    "last_name",
    "email",
    "phone",
    "website",
    "street",
    "city",
    "region",
    "postcode",
    "country",
    "primary_category",
    "level",
    "auto_renew",
    "message",
]
# An application still waiting for a decision or a payment: one per address at a time (the
# constraint below), and the ones Checkout may still fulfil.
OPEN_STATUSES = ("submitted", "awaiting_payment")


class Application(models.Model):
    """What the join form submitted; kept forever as the audit trail of how a member joined."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted (to be invoiced)")
        AWAITING_PAYMENT = "awaiting_payment", _("Awaiting payment")
        PAID = "paid", _("Paid")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    organisation_name = models.CharField(_("organisation name"), max_length=200)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    street = models.CharField(_("street address"), max_length=200)
    city = models.CharField(_("city"), max_length=100)
    region = models.CharField(_("state / region"), max_length=100, blank=True)
    postcode = models.CharField(_("postcode"), max_length=20)
    country = models.CharField(_("country"), max_length=100, blank=True)
    primary_category = models.ForeignKey(
        "directory.Category",
        verbose_name=_("primary category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    level = models.ForeignKey(
        MembershipLevel,
        verbose_name=_("level"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    auto_renew = models.BooleanField(_("renew automatically every year"), default=True)
    message = models.TextField(_("message"), blank=True)

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    member = models.ForeignKey(
        Member,
        verbose_name=_("member"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="applications",
    )
    stripe_checkout_session_id = models.CharField(
        _("Stripe Checkout session"), max_length=255, blank=True, db_index=True
    )
    checkout_attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    submitted_from = models.GenericIPAddressField(_("submitted from"), null=True, blank=True)
    # Where the applicant came from, when a join link said (membership/referrals.py), e.g.
    # "events.registration:42": the app that made the link finds its applications by it.
    source = models.CharField(_("came from"), max_length=120, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("note to the applicant"), blank=True)
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("application")
        constraints = [
            # One open application per address, however many times (or at once) it is sent.
            models.UniqueConstraint(
                Lower("email"),
                condition=models.Q(status__in=OPEN_STATUSES),
                name="one_open_application_per_email",
            )
        ]

    def __str__(self):
        return f"{self.organisation_name} ({self.get_status_display()})"

    @property
    def contact_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()
