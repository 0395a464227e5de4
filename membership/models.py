"""Membership: levels and member organisations, and the one rule of good standing.

Payments, applications and Stripe arrive with the membership issue; this module already holds
what the directory needs to decide who is publicly listed.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from chamber.routing import CachedViewRestrictionsMixin
from chamber.selectors import JOIN

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

    def __str__(self):
        return f"{self.organisation_name} ({self.get_status_display()})"

    @property
    def contact_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


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


class JoinPage(CachedViewRestrictionsMixin, RoutablePageMixin, Page):
    """/join/: the levels and the application form; /join/thanks/ after paying."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link", "ul"])
    offline_payment_text = RichTextField(
        _("how to pay without a card"),
        blank=True,
        features=["bold", "italic", "link", "ul"],
        help_text=_("Shown when online payment is off, and after an application is received."),
    )
    thanks_text = RichTextField(
        _("thank-you message"),
        blank=True,
        features=["bold", "italic", "link", "ul"],
        help_text=_("Shown to a new member after paying."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("offline_payment_text"),
        FieldPanel("thanks_text"),
    ]
    parent_page_types = ["home.HomePage"]
    subpage_types: list[str] = []
    max_count = 1
    chrome_role = JOIN  # the site's "Join" buttons lead here

    class Meta:
        verbose_name = _("join page")

    @path("")
    def join_view(self, request):
        from membership.views import join

        return join(request, page=self)

    @path("thanks/")
    def thanks_view(self, request):
        from membership.views import join_thanks

        return join_thanks(request, page=self)

    @path("retry/")
    def retry_view(self, request):
        from membership.views import join_retry

        return join_retry(request, page=self)

    @path("renew/")
    def renew_view(self, request):
        from membership.views import renew

        return renew(request, page=self)
