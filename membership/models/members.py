"""Levels, member organisations and the people who represent them, and the one rule of good
standing (`Member.compute_good_standing_until`)."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.fields import RichTextField
from wagtail.search import index

from chamber.selectors import default_chamber_settings

DEFAULT_GRACE_DAYS = 30


def membership_grace_days() -> int:
    """The grace period of the default site's ChamberSettings (30 days before setup)."""
    chamber = default_chamber_settings()
    return chamber.membership_grace_days if chamber else DEFAULT_GRACE_DAYS


# Stored for members whose standing has no end date (honorary, life, staff organisations):
# chosen by staff (`Member.no_end_date`), never implied by a status. Shown as "No end date".
FOREVER = datetime.date.max


def standing_until_label(until: datetime.date | None) -> str:
    if until is None:
        return str(_("Not in good standing"))
    if until == FOREVER:
        return str(_("No end date"))
    return date_format(until)


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
    events_allowed = models.PositiveSmallIntegerField(
        _("events a member may submit a year"),
        default=0,
        help_text=_("Events the member's businesses organise, submitted from their account."),
    )
    jobs_allowed = models.PositiveSmallIntegerField(
        _("job postings allowed at a time"),
        default=0,
        help_text=_("Open job postings (and those waiting for approval) on the job board."),
    )
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
    def included(self) -> list[str]:
        """What the level's directory listing and deals include, in words, for the join page."""
        listing = _("An enhanced directory listing") if self.enhanced_listing else None
        parts = [listing or _("A directory listing")]
        parts += [
            label
            for flag, label in (
                (self.listing_logo, _("Your logo on the listing")),
                (self.listing_description, _("A full description of your business")),
                (self.listing_social_links, _("Links to your social media")),
                (self.listing_opening_hours, _("Your opening hours")),
                (self.featured_placement, _("Featured in the directory and on the home page")),
            )
            if flag
        ]
        if self.deals_allowed:
            parts.append(
                ngettext(
                    "%(count)d member-to-member deal",
                    "Up to %(count)d member-to-member deals",
                    self.deals_allowed,
                )
                % {"count": self.deals_allowed}
            )
        if self.events_allowed:
            parts.append(
                ngettext(
                    "%(count)d event of your own a year in the chamber's calendar",
                    "Up to %(count)d events of your own a year in the chamber's calendar",
                    self.events_allowed,
                )
                % {"count": self.events_allowed}
            )
        if self.jobs_allowed:
            parts.append(
                ngettext(
                    "%(count)d job posting at a time on the job board",
                    "Up to %(count)d job postings at a time on the job board",
                    self.jobs_allowed,
                )
                % {"count": self.jobs_allowed}
            )
        return parts

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


# Statuses whose words follow the dates (active, then past due, then lapsed) and whose
# standing lasts until paid_through + grace; the others (pending, cancelled) have none.
PAYING = ("active", "past_due", "lapsed")


class MemberQuerySet(models.QuerySet):
    def in_good_standing(self, on: datetime.date | None = None):
        return self.filter(good_standing_until__gte=on or timezone.localdate())

    def with_current_status(self, on: datetime.date | None = None):
        """Annotate `current_status`: `Member.status_on`, in SQL (tests hold the two equal)."""
        on = on or timezone.localdate()
        grace = datetime.timedelta(days=membership_grace_days())
        Status = Member.Status
        dates = [
            models.When(paid_through__gte=on, then=models.Value(Status.ACTIVE)),
            models.When(paid_through__gte=on - grace, then=models.Value(Status.PAST_DUE)),
            models.When(paid_through__isnull=False, then=models.Value(Status.LAPSED)),
        ]
        return self.annotate(
            current_status=models.Case(
                models.When(
                    ~models.Q(status__in=PAYING)
                    | models.Q(no_end_date=True)
                    | models.Q(paid_through__isnull=True),
                    then="status",
                ),
                # The worse of the stored word and the dates' word.
                models.When(status=Status.LAPSED, then=models.Value(Status.LAPSED)),
                models.When(
                    status=Status.PAST_DUE,
                    paid_through__gte=on - grace,
                    then=models.Value(Status.PAST_DUE),
                ),
                *dates,
                output_field=models.CharField(),
            )
        )

    def renewing_by_hand(self):
        """Members no subscription will charge: they pay each year themselves."""
        return self.exclude(RENEWS_AUTOMATICALLY)

    def expiring_soon(self, *, within_days: int = 30, on: datetime.date | None = None):
        """Members whose paid-through date falls in the next `within_days` days, however they
        renew (the renewal list shows which renew automatically)."""
        on = on or timezone.localdate()
        return self.filter(
            status__in=PAYING,
            no_end_date=False,
            paid_through__gte=on,
            paid_through__lte=on + datetime.timedelta(days=within_days),
        )

    def renewal_due(self, *, within_days: int = 30, on: datetime.date | None = None):
        """Members paying by hand whose paid-through date falls in the next `within_days` days
        (the office's "renewals due" list): no subscription will renew them."""
        return self.renewing_by_hand().expiring_soon(within_days=within_days, on=on)


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
    no_end_date = models.BooleanField(
        _("no end date"),
        default=False,
        help_text=_(
            "Honorary, life and staff organisations: in good standing whatever the paid-through "
            "date, until this is turned off. Every change is in the member's history."
        ),
    )
    # When the Stripe state last applied to status/level happened (Stripe's event time), and how
    # strongly: events arrive out of order, so an older snapshot never overwrites a newer one.
    stripe_state_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Derived from status, paid_through, no_end_date and the grace period on every save (see
    # compute_good_standing_until); stored so that listings and deals can filter on a date
    # and membership lapses by the calendar, with no scheduled job.
    good_standing_until = models.DateField(null=True, blank=True, editable=False, db_index=True)
    # The member's id in the system the chamber moved from (GrowthZone, Wild Apricot, a
    # spreadsheet), kept so that a second import of the same file updates instead of duplicating.
    previous_id = models.CharField(
        _("ID in the previous system"), max_length=100, blank=True, db_index=True
    )
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

        A paying member (active, past due or lapsed alike) is in good standing until its
        paid-through date plus the grace period; one staff marked "no end date", for good
        (FOREVER). Pending and cancelled members are not, and neither is a paying member with
        no paid-through date. The status word never keeps standing alive.
        """
        if self.status not in PAYING:
            return None
        if self.no_end_date:
            return FOREVER
        if self.paid_through:
            return self.paid_through + datetime.timedelta(days=grace_days)
        return None

    def in_good_standing(self, on: datetime.date | None = None) -> bool:
        until = self.good_standing_until
        return until is not None and until >= (on or timezone.localdate())

    @property
    def has_end_date(self) -> bool:
        return self.good_standing_until not in (None, FOREVER)

    def good_standing_label(self) -> str:
        """The stored standing in words for staff: a date, "No end date" or "Not in good
        standing" (never 9999-12-31)."""
        return standing_until_label(self.good_standing_until)

    def status_on(self, on: datetime.date | None = None, *, grace_days: int | None = None) -> str:
        """The status word the dates say on `on`, never better than the stored one.

        Paid through `on`: active; within the grace period after it: past due; later: lapsed.
        A stored word that is worse (past due after a failed card payment, lapsed after a
        cancelled subscription) stands. Pending, cancelled and no-end-date members keep theirs.
        `update_membership_status` stores this word and sends what goes with it.
        """
        if self.status not in PAYING or self.no_end_date or self.paid_through is None:
            return self.status
        on = on or timezone.localdate()
        if grace_days is None:
            grace_days = membership_grace_days()
        Status = self.Status
        if self.paid_through >= on:
            by_dates = Status.ACTIVE
        elif self.paid_through + datetime.timedelta(days=grace_days) >= on:
            by_dates = Status.PAST_DUE
        else:
            by_dates = Status.LAPSED
        order = list(PAYING)
        return max(self.status, by_dates, key=order.index)

    @property
    def current_status(self) -> str:
        """status_on today (the `with_current_status` annotation when the queryset has it)."""
        annotated = self.__dict__.get("_current_status")
        return annotated if annotated is not None else self.status_on()

    @current_status.setter
    def current_status(self, value):  # set by MemberQuerySet.with_current_status
        self.__dict__["_current_status"] = value

    def get_current_status_display(self) -> str:
        return self.Status(self.current_status).label

    def clean(self):
        super().clean()
        if self.status in PAYING and not self.paid_through and not self.no_end_date:
            raise ValidationError(
                {
                    "paid_through": _(
                        'A %(status)s member needs a paid-through date, or tick "No end '
                        'date" for an honorary or life member.'
                    )
                    % {"status": self.Status(self.status).label.lower()}
                }
            )

    @property
    def renews_automatically(self) -> bool:
        """RENEWS_AUTOMATICALLY, for one member in memory."""
        return self.auto_renew and bool(self.stripe_subscription_id)

    def primary_contacts(self):
        return self.contacts.filter(role=MemberContact.Role.PRIMARY).select_related("user")

    def notice_emails(self, *, author_id=None) -> list[str]:
        """Where news about what the member shows goes (a listing, deal or event approved or
        sent back): the primary contacts (every contact when none is primary), and the
        contact who wrote what it is about (`author_id`, a user id)."""
        contacts = list(self.contacts.select_related("user"))
        primary = [c for c in contacts if c.role == MemberContact.Role.PRIMARY] or contacts
        chosen = [*primary, *(c for c in contacts if author_id and c.user_id == author_id)]
        return sorted({c.user.email for c in chosen if c.user.email})

    def billing_emails(self) -> list[str]:
        """Where dues e-mails go (receipts, failed payments, reminders): the primary and
        billing contacts' addresses."""
        contacts = self.contacts.select_related("user").filter(role__in=MemberContact.DUES_ROLES)
        return billing_emails_of(contacts)


def billing_emails_of(contacts) -> list[str]:
    """`Member.billing_emails` from contacts already loaded (with their users)."""
    return sorted(
        {
            contact.user.email
            for contact in contacts
            if contact.role in MemberContact.DUES_ROLES and contact.user.email
        }
    )


class MemberContact(models.Model):
    """A person (Django user) who represents a member organisation."""

    class Role(models.TextChoices):
        PRIMARY = "primary", _("Primary contact")
        BILLING = "billing", _("Billing contact")
        STAFF = "staff", _("Staff")

    # The contacts dues e-mails go to (receipts, failed payments, renewal reminders).
    DUES_ROLES = (Role.PRIMARY, Role.BILLING)

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
    # The person's phone at this member (a user may represent several members).
    phone = models.CharField(_("phone"), max_length=40, blank=True)
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
