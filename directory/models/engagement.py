"""How often each listing is looked at and its contact links used, counted per listing and day:
the numbers of the directory engagement report and the member's account (issue #19).

Only counts are stored: no visitor, address, cookie or browser is recorded, not even hashed.
One row per listing and day (a unique constraint), incremented in place
(directory/engagement.py), so a listing's year is at most 365 rows however busy it is.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ListingDailyStats(models.Model):
    class Kind(models.TextChoices):
        """What a beacon may count (the column it increments)."""

        VIEW = "view", _("Page view")
        WEBSITE = "website", _("Website click")
        PHONE = "phone", _("Phone click")
        EMAIL = "email", _("E-mail click")

    listing = models.ForeignKey(
        "directory.Business",
        verbose_name=_("listing"),
        on_delete=models.CASCADE,
        related_name="daily_stats",
    )
    day = models.DateField(_("day"))
    views = models.PositiveIntegerField(_("page views"), default=0)
    website_clicks = models.PositiveIntegerField(_("website clicks"), default=0)
    phone_clicks = models.PositiveIntegerField(_("phone clicks"), default=0)
    email_clicks = models.PositiveIntegerField(_("e-mail clicks"), default=0)

    class Meta:
        ordering = ["-day", "listing"]
        verbose_name = _("listing's daily statistics")
        verbose_name_plural = _("listings' daily statistics")
        constraints = [
            models.UniqueConstraint(fields=["listing", "day"], name="directory_stats_once_a_day")
        ]
        # The report reads a range of days across all listings.
        indexes = [models.Index(fields=["day"], name="directory_stats_day")]

    def __str__(self):
        return f"{self.listing} on {self.day}"


# Which column each kind increments.
COUNTERS = {
    ListingDailyStats.Kind.VIEW: "views",
    ListingDailyStats.Kind.WEBSITE: "website_clicks",
    ListingDailyStats.Kind.PHONE: "phone_clicks",
    ListingDailyStats.Kind.EMAIL: "email_clicks",
}
