"""Levels, member organisations and the people who represent them, and the one rule of good
standing (`Member.compute_good_standing_until`)."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.fields import RichTextField
from wagtail.search import index

from chamber.selectors import default_chamber_settings

DEFAULT_GRACE_DAYS = 30


def membership_grace_days() -> int:
    """The grace period of the default site's ChamberSettings (30 days before setup)."""
    chamber = default_chamber_settings()
    return chamber.membership_grace_days if chamber else DEFAULT_GRACE_DAYS


# Stored for members whose standing does not run out on a date (status "active").
FOREVER = datetime.date.max

# Dues currencies: two-decimal ones only, as amounts go to Stripe in cents.
CURRENCIES = [
    ("usd", _("US dollar")),
    ("cad", _("Canadian dollar")),
    ("eur", _("Euro")),
    ("gbp", _("Pound sterling")),
    ("aud", _("Australian dollar")),
    ("nzd", _("New Zealand dollar")),
    ("chf", _("Swiss franc")),
]


class MembershipLevel(index.Indexed, models.Model):
    """A dues level (e.g. Community, Business, Leadership) and what its listing may show."""

    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    annual_dues = models.DecimalField(_("annual dues"), max_digits=9, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES, default="usd")
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
    # Kept by membership.stripe_prices.sync_level_prices; never typed by staff.
    stripe_product_id = models.CharField(_("Stripe product"), max_length=255, blank=True)
    stripe_price_id = models.CharField(_("Stripe yearly price"), max_length=255, blank=True)
    stripe_one_time_price_id = models.CharField(
        _("Stripe one-time price"), max_length=255, blank=True
    )
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


# THE rule for "renews automatically": a Stripe subscription will charge the member without
# anyone doing anything (auto-renew on, and a subscription to do it). A member paying by hand
# whose auto-renew flag was left on does not.
RENEWS_AUTOMATICALLY = models.Q(auto_renew=True) & ~models.Q(stripe_subscription_id="")


class MemberQuerySet(models.QuerySet):
    def in_good_standing(self, on: datetime.date | None = None):
        return self.filter(good_standing_until__gte=on or timezone.localdate())

    def renewing_by_hand(self):
        """Members no subscription will charge: they pay each year themselves."""
        return self.exclude(RENEWS_AUTOMATICALLY)


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
    # True only while a Stripe subscription renews the membership (set by the Stripe flow).
    auto_renew = models.BooleanField(_("auto-renew"), default=False)
    stripe_customer_id = models.CharField(_("Stripe customer id"), max_length=255, blank=True)
    stripe_subscription_id = models.CharField(
        _("Stripe subscription id"), max_length=255, blank=True
    )
    cancel_at_period_end = models.BooleanField(_("cancels at period end"), default=False)
    # When the Stripe state last applied to status/level happened (Stripe's event time), and how
    # strongly: events arrive out of order, so an older snapshot never overwrites a newer one.
    stripe_state_at = models.DateTimeField(null=True, blank=True, editable=False)
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

    @property
    def renews_automatically(self) -> bool:
        """RENEWS_AUTOMATICALLY, for one member in memory."""
        return self.auto_renew and bool(self.stripe_subscription_id)

    def primary_contacts(self):
        return self.contacts.filter(role=MemberContact.Role.PRIMARY).select_related("user")

    def billing_emails(self) -> list[str]:
        """Where dues e-mails go (receipts, failed payments, reminders): the primary and
        billing contacts' addresses."""
        contacts = self.contacts.select_related("user").filter(
            role__in=[MemberContact.Role.PRIMARY, MemberContact.Role.BILLING]
        )
        return sorted({contact.user.email for contact in contacts if contact.user.email})


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


class ContactInvitation(models.Model):
    """An invitation, sent by a primary contact, for someone to represent the member.

    The e-mailed link carries a signed token naming this row; it works once (accepted_at) and
    until it expires or is revoked.
    """

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail"))
    role = models.CharField(
        _("role"),
        max_length=20,
        choices=MemberContact.Role.choices,
        default=MemberContact.Role.STAFF,
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("contact invitation")

    def __str__(self):
        return f"{self.email} to {self.member} ({self.get_role_display()})"

    @property
    def is_open(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )
