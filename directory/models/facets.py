"""The facet summary: listings per category and town by the day their public listing ends,
kept by PostgreSQL triggers (directory/sql/)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FacetCount(models.Model):
    """Live listings per category and per town, by the day their public listing ends.

    PostgreSQL only: kept in step by the triggers of migration 0003 on every write to listings,
    their categories or the category tree, whatever writes them (a save, a bulk UPDATE from a
    member's renewal, a COPY), so the directory's filter-only facet counts and totals are sums
    over a few thousand rows instead of counts over a million listings. Rows are summed with
    ``public_until >= today``, so lapsing still takes effect by the calendar, with no cron.
    Elsewhere (SQLite) the table stays empty and the counts are computed from the listings.
    """

    class Kind(models.TextChoices):
        ALL = "all", _("all listings")  # category_id 0
        LEAF = "leaf", _("listings in the category itself")
        TOP = "top", _("listings in a top-level category or its children, each once")

    kind = models.CharField(max_length=4, choices=Kind.choices)
    category_id = models.BigIntegerField(default=0)
    city_slug = models.CharField(max_length=100)
    city = models.CharField(max_length=100)
    public_until = models.DateField()
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "category_id", "city_slug", "public_until"],
                name="directory_facetcount_key",
            )
        ]
        indexes = [
            models.Index(fields=["city_slug", "kind"], name="directory_facetcount_city"),
            # Most rows belong to dates already past (lapsed listings' counts, never summed
            # again): the day's sum reads only the current ones.
            models.Index(fields=["public_until"], name="directory_facetcount_until"),
        ]

    def __str__(self):
        return f"{self.kind} {self.category_id} {self.city_slug} {self.public_until}: {self.n}"
