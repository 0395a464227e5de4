"""Categories and listings (one member may have several listings), and THE rule for a listing
being public (`publicly_listed_q`)."""

import datetime
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.fields import RichTextField
from wagtail.models import DraftStateMixin, LockableMixin, PreviewableMixin, RevisionMixin
from wagtail.search import index
from wagtail.search.backends import get_search_backends
from wagtail.search.queryset import SearchableQuerySetMixin

from chamber.rich_text import clean_rich_text
from chamber.slugs import unique_slug
from directory.caches import listings_changed
from directory.search import database
from membership.selectors import user_is_member_in_good_standing

# Slugs the directory page routes use for itself; no listing may take them.
RESERVED_SLUGS = {"category", "search", "page", "a-z", "categories"}  # the page's own routes


class Category(index.Indexed, models.Model):
    """A trade or sector, in at most two levels (e.g. Food & Drink → Bakeries)."""

    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        limit_choices_to={"parent__isnull": True},
    )
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    synonyms = models.CharField(
        _("search synonyms"),
        max_length=255,
        blank=True,
        help_text=_(
            "Other words people search for this trade, separated by commas "
            "(e.g. plumber, plumbers for Plumbing). Listings in the category match them."
        ),
    )

    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return f"{self.parent.name} / {self.name}" if self.parent_id else self.name

    def clean(self):
        if self.parent_id:
            if self.parent_id == self.pk:
                raise ValidationError({"parent": _("A category cannot be its own parent.")})
            if self.parent.parent_id:
                raise ValidationError({"parent": _("Categories have two levels at most.")})
            if self.pk and self.children.exists():
                raise ValidationError(
                    {"parent": _("This category has sub-categories, so it must stay top-level.")}
                )

    @property
    def synonym_list(self) -> list[str]:
        return [word.strip() for word in self.synonyms.split(",") if word.strip()]

    def family_ids(self) -> list[int]:
        """This category and its sub-categories: what a filter on it covers."""
        return [self.pk, *self.children.values_list("pk", flat=True)]


def publicly_listed_q(on: datetime.date | None = None, *, prefix: str = "") -> models.Q:
    """THE public-visibility rule: published, and its member in good standing on `on`.

    `public_until` mirrors the member's good-standing date (kept in step on every save of a
    member or listing), so lapsing is decided by the calendar at query time, with no cron.
    `prefix` applies the rule through a relation (``"business__"`` for a listing's deals).
    """
    return models.Q(
        **{f"{prefix}live": True, f"{prefix}public_until__gte": on or timezone.localdate()}
    )


# The listings saved inside `indexed_once()`, to index at its end (None outside it).
_pending_index: ContextVar[set | None] = ContextVar("directory_pending_index", default=None)


@contextmanager
def indexed_once():
    """Inside: a listing saved (once or several times: created, its revision published) is
    put in the search index once, at the end, in bulk, and the directory's caches are dropped
    once. For writes of many listings (the roster import); if the block fails, nothing is
    indexed (its transaction rolls the listings back)."""
    pending: set = set()
    token = _pending_index.set(pending)
    try:
        yield
    finally:
        _pending_index.reset(token)
    _index_listings(pending)
    listings_changed()


INDEX_BATCH = 500


def _index_listings(pks: set) -> None:
    """Index the listings `pks` in bulk and forget them."""
    if pks:
        listings = list(Business.get_indexed_objects().filter(pk__in=pks))
        for backend in get_search_backends(with_auto_update=True):
            backend.add_bulk(Business, listings)
        pks.clear()


class BusinessQuerySet(SearchableQuerySetMixin, models.QuerySet):
    def publicly_listed(self, on: datetime.date | None = None):
        return self.filter(publicly_listed_q(on))

    def in_categories(self, category_ids):
        """Listings in any of `category_ids` (a category and its children, say)."""
        return database().in_categories(self, list(category_ids))

    def with_ids(self, ids):
        """Listings whose pk is in `ids` (see the database module for how)."""
        return database().with_ids(self, list(ids))


class Business(
    DraftStateMixin,
    LockableMixin,
    RevisionMixin,
    PreviewableMixin,
    index.Indexed,
    ClusterableModel,
):
    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Everyone")
        MEMBERS = "members", _("Logged-in members only")

    member = models.ForeignKey(
        "membership.Member",
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="businesses",
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        max_length=220,
        unique=True,
        blank=True,
        help_text=_("The listing's web address; set once from the name and kept when renamed."),
    )
    summary = models.CharField(_("summary"), max_length=240, blank=True)
    description = RichTextField(
        _("description"), blank=True, features=["bold", "italic", "ul", "ol", "link"]
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    categories = ParentalManyToManyField(
        Category, verbose_name=_("categories"), related_name="businesses", blank=True
    )

    street = models.CharField(_("street address"), max_length=200, blank=True)
    city = models.CharField(_("town / city"), max_length=100)
    city_slug = models.SlugField(max_length=100, editable=False, db_index=True)
    region = models.CharField(_("state / region"), max_length=100, blank=True)
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    country = models.CharField(_("country"), max_length=100, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )

    phone = models.CharField(_("phone"), max_length=40, blank=True)
    phone_visibility = models.CharField(
        _("who sees the phone number"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.PUBLIC,
    )
    email = models.EmailField(_("e-mail"), blank=True)
    email_visibility = models.CharField(
        _("who sees the e-mail address"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.MEMBERS,
    )
    website = models.URLField(_("website"), blank=True)
    accepts_messages = models.BooleanField(
        _("contact form"),
        default=True,
        help_text=_(
            "Show a “Contact this business” form on the listing's page. Messages go to the "
            "e-mail address above, which the sender never sees; they can be answered directly."
        ),
    )
    facebook_url = models.URLField(_("Facebook"), blank=True)
    instagram_url = models.URLField(_("Instagram"), blank=True)
    linkedin_url = models.URLField(_("LinkedIn"), blank=True)
    x_url = models.URLField(_("X (Twitter)"), blank=True)
    opening_hours = models.TextField(
        _("opening hours"),
        blank=True,
        help_text=_("One line per day or range, e.g. Mon-Fri 9am-5pm."),
    )
    keywords = models.CharField(
        _("keywords"),
        max_length=255,
        blank=True,
        help_text=_("Extra words people search for, comma-separated (e.g. sourdough, cakes)."),
    )
    verified_at = models.DateTimeField(_("details confirmed"), null=True, blank=True)
    # When the member was last asked to confirm the details (at most once a year).
    verification_requested_at = models.DateTimeField(null=True, blank=True, editable=False)

    # Copies of the member's state, refreshed on every save here and on every member change
    # (directory/signals.py), so the directory filters and sorts on this table alone.
    public_until = models.DateField(null=True, blank=True, editable=False)
    is_featured = models.BooleanField(default=False, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BusinessQuerySet.as_manager()

    # Indexed explicitly at the end of save() (after the categories are written) and removed
    # on delete in directory/signals.py, instead of Wagtail's post_save hook, so that each save
    # updates the search index once, with its categories.
    search_auto_update = False
    search_exact_field = "name"  # an exact name match ranks first (directory/search/query.py)
    search_fields = [
        index.SearchField("name", boost=10),
        index.AutocompleteField("name"),
        index.SearchField("summary", boost=2),
        index.SearchField("description"),
        index.SearchField("keywords", boost=2),
        index.AutocompleteField("keywords"),
        index.SearchField("city"),
        index.AutocompleteField("city"),
        index.RelatedFields(
            "categories",
            [
                index.SearchField("name"),
                index.SearchField("synonyms"),
                index.AutocompleteField("name"),
                index.FilterField("slug"),
            ],
        ),
        index.FilterField("live"),
        index.FilterField("public_until"),
        index.FilterField("city_slug"),
        index.FilterField("is_featured"),
        index.FilterField("member_id"),
        index.FilterField("name"),
        index.FilterField("created_at"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("business listing")
        verbose_name_plural = _("business listings")
        indexes = [
            # The directory's default order (featured first, then by name), overall and within
            # a town: a page of results is read in index order, not sorted out of every match.
            models.Index(
                fields=["-is_featured", "name", "id"],
                condition=models.Q(live=True),
                name="directory_featured_order",
            ),
            models.Index(
                fields=["city_slug", "-is_featured", "name", "id"],
                condition=models.Q(live=True),
                name="directory_city_featured_order",
            ),
            # The other sorts (by name, newest first), overall and within a town (migration
            # 0008: on PostgreSQL these carry the category ids and standing as well).
            models.Index(
                fields=["name", "id"], condition=models.Q(live=True), name="directory_name_order"
            ),
            models.Index(
                fields=["city_slug", "name", "id"],
                condition=models.Q(live=True),
                name="directory_city_name_order",
            ),
            models.Index(
                fields=["-created_at", "-id"],
                condition=models.Q(live=True),
                name="directory_newest_order",
            ),
            models.Index(
                fields=["city_slug", "-created_at", "-id"],
                condition=models.Q(live=True),
                name="directory_city_newest_order",
            ),
            # Exact-name look-ups (name__iexact) for the search's "exact name first" rule.
            models.Index(Upper("name"), name="directory_name_upper"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": _("This address is reserved; choose another.")})

    # What saving a draft revision writes (Wagtail's save_revision): the row's public content is
    # unchanged, so the search index and the directory caches must not see the draft in memory.
    REVISION_POINTER_FIELDS = frozenset({"latest_revision", "has_unpublished_changes"})

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) <= self.REVISION_POINTER_FIELDS:
            super().save(*args, **kwargs)
            return
        if not self.slug:
            self.slug = unique_slug(
                self,
                self.name,
                max_length=200,
                fallback="listing",
                reserved=RESERVED_SLUGS,
                suffix="business",
            )
        self.city_slug = slugify(self.city)[:100]
        self.description = clean_rich_text(self.description)
        self.refresh_member_state()
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "city_slug", "public_until", "is_featured"}
        super().save(*args, **kwargs)
        # ClusterableModel writes the categories after post_save: index and drop cached facet
        # counts only now, when they are in the database (or, in a bulk write, at its end).
        pending = _pending_index.get()
        if pending is not None:
            pending.add(self.pk)
            if len(pending) >= INDEX_BATCH:  # memory stays flat for any number of listings
                _index_listings(pending)
            return
        index.insert_or_update_object(self)
        listings_changed()

    def refresh_member_state(self) -> None:
        member = self.member
        self.public_until = member.good_standing_until
        self.is_featured = member.level.featured_placement

    # Tier: what the member's level lets this listing show.
    @property
    def level(self):
        return self.member.level

    @property
    def shows_logo(self) -> bool:
        # `level_shows_logo`: the level's flag read with the row (selectors.with_card_data).
        listing_logo = getattr(self, "level_shows_logo", None)
        if listing_logo is None:
            listing_logo = self.level.listing_logo
        return listing_logo and self.logo_id is not None

    @property
    def shows_description(self) -> bool:
        return self.level.listing_description and bool(self.description)

    @property
    def shows_social_links(self) -> bool:
        return self.level.listing_social_links and bool(self.social_links)

    @property
    def shows_opening_hours(self) -> bool:
        return self.level.listing_opening_hours and bool(self.opening_hours.strip())

    @property
    def member_since(self) -> datetime.date:
        return self.member.joined_on

    @property
    def social_links(self) -> list[tuple[str, str]]:
        candidates = [
            ("Facebook", self.facebook_url),
            ("Instagram", self.instagram_url),
            ("LinkedIn", self.linkedin_url),
            ("X", self.x_url),
        ]
        return [(label, url) for label, url in candidates if url]

    @property
    def opening_hours_lines(self) -> list[str]:
        return [line.strip() for line in self.opening_hours.splitlines() if line.strip()]

    @property
    def keyword_list(self) -> list[str]:
        return [word.strip() for word in self.keywords.split(",") if word.strip()]

    @property
    def takes_messages(self) -> bool:
        """THE rule for showing the contact form on a (public) listing's page: the member
        wants messages and there is an address to send them to."""
        return self.accepts_messages and bool(self.email)

    def phone_for(self, user) -> str:
        return self._private_field(self.phone, self.phone_visibility, user)

    def email_for(self, user) -> str:
        return self._private_field(self.email, self.email_visibility, user)

    @staticmethod
    def _private_field(value: str, visibility: str, user) -> str:
        if visibility == Business.Visibility.PUBLIC:
            return value
        return value if user_is_member_in_good_standing(user) else ""

    def get_preview_template(self, request, mode_name):
        return "directory/business_detail.html"

    def get_preview_context(self, request, mode_name):
        return {
            "business": self,
            "page": None,
            "preview": True,
            "phone": self.phone,
            "email": self.email,
        }
