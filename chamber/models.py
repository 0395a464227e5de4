from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting


@register_setting(icon="home")
class ChamberSettings(BaseSiteSetting):
    """Who the chamber is and the house rules every app reads (one row per Wagtail site)."""

    name = models.CharField(_("chamber name"), max_length=120, default="Chamber of Commerce")
    tagline = models.CharField(_("tagline"), max_length=200, blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    street = models.CharField(_("street address"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    region = models.CharField(_("state / region"), max_length=100, blank=True)
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    country = models.CharField(_("country"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    facebook_url = models.URLField(_("Facebook"), blank=True)
    instagram_url = models.URLField(_("Instagram"), blank=True)
    linkedin_url = models.URLField(_("LinkedIn"), blank=True)
    x_url = models.URLField(_("X (Twitter)"), blank=True)
    youtube_url = models.URLField(_("YouTube"), blank=True)

    membership_grace_days = models.PositiveSmallIntegerField(
        _("membership grace period (days)"),
        default=30,
        help_text=_(
            "How long after dues run out a member stays in good standing "
            "(listed in the directory, can use member deals)."
        ),
    )
    new_listings_need_approval = models.BooleanField(
        _("new listings need staff approval"),
        default=True,
        help_text=_(
            "When on, a new member's directory listing stays a draft until staff publish it."
        ),
    )
    member_edits_need_approval = models.BooleanField(
        _("members' listing changes need staff approval"),
        default=True,
        help_text=_(
            "When on, a member's changes to a published listing wait as a draft until staff "
            "publish them; when off, they go live at once."
        ),
    )
    dues_payment_instructions = models.TextField(
        _("how members pay dues without a card"),
        blank=True,
        default=(
            "Please pay by cheque payable to the chamber, or by bank transfer, quoting your "
            "business name. Contact the chamber office for an invoice or our bank details."
        ),
        help_text=_("Shown on members' account pages when online card payment is off."),
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("name"), FieldPanel("tagline"), FieldPanel("logo")], heading=_("Identity")
        ),
        MultiFieldPanel(
            [
                FieldPanel("street"),
                FieldPanel("city"),
                FieldPanel("region"),
                FieldPanel("postcode"),
                FieldPanel("country"),
                FieldPanel("phone"),
                FieldPanel("email"),
            ],
            heading=_("Contact details"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("facebook_url"),
                FieldPanel("instagram_url"),
                FieldPanel("linkedin_url"),
                FieldPanel("x_url"),
                FieldPanel("youtube_url"),
            ],
            heading=_("Social media"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("membership_grace_days"),
                FieldPanel("new_listings_need_approval"),
                FieldPanel("member_edits_need_approval"),
                FieldPanel("dues_payment_instructions"),
            ],
            heading=_("Membership rules"),
        ),
    ]

    class Meta:
        verbose_name = _("chamber settings")

    def __str__(self):
        return self.name

    @property
    def address_lines(self) -> list[str]:
        locality = " ".join(part for part in (self.city, self.region, self.postcode) if part)
        return [line for line in (self.street, locality, self.country) if line]

    @property
    def social_links(self) -> list[tuple[str, str]]:
        """(label, url) pairs for the links that are set, in a stable order."""
        candidates = [
            ("Facebook", self.facebook_url),
            ("Instagram", self.instagram_url),
            ("LinkedIn", self.linkedin_url),
            ("X", self.x_url),
            ("YouTube", self.youtube_url),
        ]
        return [(label, url) for label, url in candidates if url]


class JobHeartbeat(models.Model):
    """When a scheduled job (a cron-run command) last started and finished, and how it went:
    what the admin home and /healthz read to warn that cron has stopped (chamber/scheduled.py)."""

    name = models.CharField(_("job"), max_length=100, unique=True)
    started_at = models.DateTimeField(_("last started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("last finished"), null=True, blank=True)
    succeeded = models.BooleanField(_("last run succeeded"), default=False)
    summary = models.TextField(_("last run's outcome"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("scheduled job run")

    def __str__(self):
        return self.name
