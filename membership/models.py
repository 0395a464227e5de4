"""Membership: levels and member organisations, and the one rule of good standing.

Payments, applications and Stripe arrive with the membership issue; this module already holds
what the directory needs to decide who is publicly listed.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.fields import RichTextField
from wagtail.search import index

# Stored for members whose standing does not run out on a date (status "active").
FOREVER = datetime.date.max


class MembershipLevel(index.Indexed, models.Model):
    """A dues level (e.g. Community, Business, Leadership) and what its listing may show."""

    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    annual_dues = models.DecimalField(_("annual dues"), max_digits=9, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="usd")
    benefits = RichTextField(_("benefits"), blank=True, features=["bold", "italic", "ul", "link"])
    # Listing features: a "basic" listing has none of these; an "enhanced" one has some or all.
    listing_logo = models.BooleanField(_("listing shows the logo"), default=False)
    listing_description = models.BooleanField(_("listing shows the description"), default=False)
    listing_social_links = models.BooleanField(_("listing shows social links"), default=False)
    listing_opening_hours = models.BooleanField(_("listing shows opening hours"), default=False)
    featured_placement = models.BooleanField(
        _("featured placement"),
        default=False,
        help_text=_("Listed first in the directory's default order and on the home page."),
    )
    deals_allowed = models.PositiveSmallIntegerField(_("number of deals allowed"), default=0)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("offered to new members"), default=True)

    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["sort_order", "annual_dues"]
        verbose_name = _("membership level")

    def __str__(self):
        return self.name

    @property
    def enhanced_listing(self) -> bool:
        return any(
            (
                self.listing_logo,
                self.listing_description,
                self.listing_social_links,
                self.listing_opening_hours,
                self.featured_placement,
            )
        )


class MemberQuerySet(models.QuerySet):
    def in_good_standing(self, on: datetime.date | None = None):
        return self.filter(good_standing_until__gte=on or timezone.localdate())


class Member(index.Indexed, models.Model):
    """A member organisation. One member may have several directory listings (locations)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACTIVE = "active", _("Active")
        PAST_DUE = "past_due", _("Past due")
        LAPSED = "lapsed", _("Lapsed")
        CANCELLED = "cancelled", _("Cancelled")

    name = models.CharField(_("organisation name"), max_length=200)
    level = models.ForeignKey(
        MembershipLevel,
        verbose_name=_("level"),
        on_delete=models.PROTECT,
        related_name="members",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    paid_through = models.DateField(_("paid through"), null=True, blank=True)
    joined_on = models.DateField(_("member since"), default=timezone.localdate)
    auto_renew = models.BooleanField(_("auto-renew"), default=True)
    stripe_customer_id = models.CharField(_("Stripe customer id"), max_length=255, blank=True)
    stripe_subscription_id = models.CharField(
        _("Stripe subscription id"), max_length=255, blank=True
    )
    # Derived from status, paid_through and the grace period on every save (see
    # compute_good_standing_until); stored so that listings and deals can filter on a date
    # and membership lapses by the calendar, with no scheduled job.
    good_standing_until = models.DateField(null=True, blank=True, editable=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MemberQuerySet.as_manager()

    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.FilterField("status"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("member")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        from membership.selectors import membership_grace_days

        self.good_standing_until = self.compute_good_standing_until(
            grace_days=membership_grace_days()
        )
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "good_standing_until"}
        super().save(*args, **kwargs)

    def compute_good_standing_until(self, *, grace_days: int) -> datetime.date | None:
        """The last day this member is in good standing: THE rule, decided here only.

        Active members are in good standing; past-due and lapsed members stay so until their
        paid-through date plus the grace period; pending and cancelled members are not.
        """
        if self.status == self.Status.ACTIVE:
            return FOREVER
        if self.status in (self.Status.PAST_DUE, self.Status.LAPSED) and self.paid_through:
            return self.paid_through + datetime.timedelta(days=grace_days)
        return None

    def in_good_standing(self, on: datetime.date | None = None) -> bool:
        until = self.good_standing_until
        return until is not None and until >= (on or timezone.localdate())


class MemberContact(models.Model):
    """A person (Django user) who represents a member organisation."""

    class Role(models.TextChoices):
        PRIMARY = "primary", _("Primary contact")
        BILLING = "billing", _("Billing contact")
        STAFF = "staff", _("Staff")

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="contacts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="member_contacts",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.PRIMARY)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("member contact")
        constraints = [
            models.UniqueConstraint(fields=["member", "user"], name="unique_member_contact")
        ]

    def __str__(self):
        return f"{self.user} for {self.member} ({self.get_role_display()})"
