"""Member deals: offers from member businesses, to other members or to everyone.

Who sees what is decided in two places only: `DealQuerySet.shown` (is the deal on show at all)
and `Deal.is_open_to` (may this user read a members-only deal's details, terms and code).
Everything that renders a deal (pages, cards, feeds, JSON-LD, the sitemap) asks them.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.fields import RichTextField
from wagtail.models import DraftStateMixin, LockableMixin, PreviewableMixin, RevisionMixin
from wagtail.search import index

from chamber.rich_text import clean_rich_text
from chamber.slugs import unique_slug
from directory.models import Business, Category, publicly_listed_q
from membership.selectors import user_is_member_in_good_standing

# Route names under /deals/ and /account/deals/ that no deal may take as its slug.
RESERVED_SLUGS = {"feed", "page", "redeem", "new"}


class DealQuerySet(models.QuerySet):
    def shown(self, at: datetime.datetime | None = None):
        """THE rule for a deal being on show: published, within its validity window (both ends
        included) at `at`, and its business publicly listed that day. Decided by the clock at
        query time: a deal appears and expires on its own, with no cron."""
        at = at or timezone.now()
        return self.filter(
            publicly_listed_q(timezone.localdate(at), prefix="business__"),
            models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=at),
            live=True,
            valid_from__lte=at,
        )

    def public_audience(self):
        return self.filter(audience=Deal.Audience.PUBLIC)


class Deal(
    DraftStateMixin,
    LockableMixin,
    RevisionMixin,
    PreviewableMixin,
    index.Indexed,
    ClusterableModel,
):
    class Audience(models.TextChoices):
        MEMBERS = "members", _("Chamber members only")
        PUBLIC = "public", _("Everyone")

    business = models.ForeignKey(
        Business,
        verbose_name=_("offered by"),
        on_delete=models.CASCADE,
        related_name="deals",
    )
    title = models.CharField(_("title"), max_length=120)
    slug = models.SlugField(
        _("slug"),
        max_length=140,
        unique=True,
        blank=True,
        help_text=_("The deal's web address; set once from the title."),
    )
    summary = models.CharField(
        _("summary"),
        max_length=200,
        help_text=_(
            "One line everyone sees, also for a members-only deal (e.g. 'Savings on office "
            "printing'). Put the offer itself in the details."
        ),
    )
    details = RichTextField(
        _("details"), blank=True, features=["bold", "italic", "ul", "ol", "link"]
    )
    terms = models.TextField(_("terms and conditions"), blank=True)
    redemption_instructions = models.TextField(
        _("how to redeem"),
        blank=True,
        help_text=_("What a member does to get the deal, e.g. 'Show this page at the till'."),
    )
    code = models.CharField(_("discount code"), max_length=60, blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    valid_from = models.DateTimeField(_("valid from"), default=timezone.now)
    valid_until = models.DateTimeField(
        _("valid until"), null=True, blank=True, help_text=_("Leave empty for an ongoing offer.")
    )
    audience = models.CharField(
        _("who may use it"), max_length=10, choices=Audience.choices, default=Audience.MEMBERS
    )
    categories = ParentalManyToManyField(
        Category, verbose_name=_("categories"), related_name="deals", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DealQuerySet.as_manager()

    # Only what everyone may read is indexed: a search must never find a members-only deal by
    # words of its details, terms or code.
    search_fields = [
        index.SearchField("title", boost=5),
        index.AutocompleteField("title"),
        index.SearchField("summary"),
        index.SearchField("public_details"),
        index.RelatedFields("business", [index.SearchField("name")]),
        index.FilterField("live"),
        index.FilterField("audience"),
        index.FilterField("business_id"),
    ]

    class Meta:
        ordering = ["-valid_from", "-pk"]
        verbose_name = _("deal")
        verbose_name_plural = _("deals")
        indexes = [models.Index(fields=["live", "valid_from", "valid_until"])]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": _("This address is reserved; choose another.")})
        if self.valid_from and self.valid_until and self.valid_until <= self.valid_from:
            raise ValidationError({"valid_until": _("The deal must end after it starts.")})

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(
                self,
                self.title,
                max_length=120,
                fallback="deal",
                reserved=RESERVED_SLUGS,
                suffix="deal",
            )
        self.details = clean_rich_text(self.details)
        super().save(*args, **kwargs)

    @property
    def members_only(self) -> bool:
        return self.audience == self.Audience.MEMBERS

    def public_details(self) -> str:
        """The details as plain text where everyone may read them (indexed for search)."""
        return "" if self.members_only else strip_tags(self.details)

    def is_open_to(self, user) -> bool:
        """THE rule for reading a deal's details, terms, instructions and code: everyone for a
        public deal; for a members-only deal, a user representing a member in good standing,
        or staff."""
        if not self.members_only:
            return True
        return user_is_member_in_good_standing(user)

    def days_left(self, at: datetime.datetime | None = None) -> int | None:
        """Whole days until the deal ends (0 on its last day), or None for an ongoing deal."""
        if self.valid_until is None:
            return None
        today = timezone.localdate(at or timezone.now())
        return max(0, (timezone.localdate(self.valid_until) - today).days)

    def get_preview_template(self, request, mode_name):
        return "deals/deal_detail.html"

    def get_preview_context(self, request, mode_name):
        return {"deal": self, "page": None, "preview": True, "open": True, "revealed": True}


class DealRedemption(models.Model):
    """A member took up a deal ("Get this deal"): at most one per member, deal and day."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="redemptions")
    member = models.ForeignKey(
        "membership.Member", on_delete=models.CASCADE, related_name="deal_redemptions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    redeemed_at = models.DateTimeField(default=timezone.now)
    redeemed_on = models.DateField()

    class Meta:
        verbose_name = _("deal redemption")
        constraints = [
            models.UniqueConstraint(
                fields=["deal", "member", "redeemed_on"], name="deals_one_redemption_a_day"
            )
        ]

    def __str__(self):
        return f"{self.deal}: {self.member} ({self.redeemed_on})"


class DealViews(models.Model):
    """Views of a deal's page per day, for the offering member's statistics.

    Kept apart from `Deal`: publishing a revision rewrites the deal's row, which would put
    back the counts the revision was saved with."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="daily_views")
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["deal", "day"], name="deals_views_one_row_a_day")
        ]

    def __str__(self):
        return f"{self.deal}: {self.views} views on {self.day}"


class DealNotice(models.Model):
    """An e-mail sent to the offering member about a deal, recorded so each goes once."""

    class Kind(models.TextChoices):
        LIVE = "live", _("deal approved and published")
        EXPIRING = "expiring", _("deal ends soon")

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["deal", "kind"], name="deals_one_notice_per_kind")
        ]

    def __str__(self):
        return f"{self.deal}: {self.get_kind_display()}"
