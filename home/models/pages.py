from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from chamber.routing import CachedChildRoutingMixin, CachedViewRestrictionsMixin
from chamber.selectors import live_page_url
from deals.selectors import current_deal_cards, deals_page_url
from directory.cards import result_cards
from directory.models import DirectoryPage
from directory.selectors import featured_businesses, publicly_listed_in_order
from events.selectors import events_page_url, next_event_cards
from home.blocks import BodyStreamBlock
from home.models.news import NewsIndexPage
from home.models.social import SocialMetaMixin  # also where migration 0002 finds it
from home.selectors import latest_news_items
from membership.selectors import members_in_good_standing_count

HOME_DEALS = 4
HOME_EVENTS = 3
HOME_NEWS = 3
HOME_FEATURED = 6


class HomePage(CachedChildRoutingMixin, CachedViewRestrictionsMixin, SocialMetaMixin, Page):
    """The site root: hero, featured members, current deals, latest news and the join call.

    Its fragments come from the other apps' public selectors, which apply their own visibility
    rules; this page only chooses how many to show.
    """

    hero_heading = models.CharField(_("hero heading"), max_length=120)
    hero_text = models.TextField(_("hero text"), blank=True)
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("hero image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    primary_cta_label = models.CharField(_("primary button label"), max_length=40, blank=True)
    primary_cta_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("primary button page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    secondary_cta_label = models.CharField(_("secondary button label"), max_length=40, blank=True)
    secondary_cta_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("secondary button page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    intro = models.TextField(
        _("introduction"),
        blank=True,
        help_text=_(
            "A short paragraph under the hero: who the chamber is and what it does. “{count}” "
            "is replaced by the number of members in good standing."
        ),
    )
    join_heading = models.CharField(
        _("join call heading"),
        max_length=120,
        blank=True,
        default="Join {count} local businesses",
        help_text=_("“{count}” is replaced by the number of members in good standing."),
    )
    join_text = models.TextField(
        _("join call text"),
        blank=True,
        default="Get listed in the directory, offer deals to other members and have a say "
        "in local policy.",
    )
    body = StreamField(BodyStreamBlock(), blank=True, verbose_name=_("body"))

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("hero_heading"),
                FieldPanel("hero_text"),
                FieldPanel("hero_image"),
                FieldPanel("primary_cta_label"),
                FieldPanel("primary_cta_page"),
                FieldPanel("secondary_cta_label"),
                FieldPanel("secondary_cta_page"),
            ],
            heading=_("Hero"),
        ),
        FieldPanel("intro"),
        InlinePanel(
            "featured_businesses",
            heading=_("Featured members"),
            label=_("Featured member"),
            max_num=HOME_FEATURED,
            help_text=_(
                "Choose up to six listings to feature. Listings that are not publicly listed "
                "(draft, or their member has lapsed) are skipped. With none chosen, the home "
                "page rotates through the members whose level includes featured placement."
            ),
        ),
        MultiFieldPanel(
            [FieldPanel("join_heading"), FieldPanel("join_text")], heading=_("Join call")
        ),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("hero_text"),
        index.SearchField("intro"),
        index.SearchField("body"),
    ]

    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = 1
    social_image_field = "hero_image"

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        directory = DirectoryPage.objects.live().first()
        chosen_ids = [item.business_id for item in self.featured_businesses.all()]
        featured = publicly_listed_in_order(chosen_ids) if chosen_ids else []
        if not featured:
            featured = featured_businesses(limit=HOME_FEATURED)
        member_count = members_in_good_standing_count()
        context.update(
            directory=directory,
            featured_cards=(
                result_cards(featured, directory_url=directory.url) if directory else []
            ),
            deals_url=deals_page_url(),
            deal_cards=current_deal_cards(limit=HOME_DEALS),
            events_url=events_page_url(),
            event_cards=next_event_cards(limit=HOME_EVENTS),
            news_url=live_page_url(NewsIndexPage),
            news_items=latest_news_items(limit=HOME_NEWS),
            member_count=member_count,
            # One source for "how many members" wherever the page says it.
            intro=self.intro.replace("{count}", f"{member_count:,}"),
            join_heading=self.join_heading.replace("{count}", f"{member_count:,}"),
        )
        return context


class HomeFeaturedBusiness(Orderable):
    """A listing the editors chose for the home page."""

    page = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="featured_businesses")
    business = models.ForeignKey(
        "directory.Business",
        verbose_name=_("listing"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    panels = [FieldPanel("business")]

    class Meta(Orderable.Meta):
        verbose_name = _("featured member")


class StandardPage(CachedViewRestrictionsMixin, SocialMetaMixin, Page):
    """About, contact, advocacy and other editorial pages."""

    intro = models.TextField(_("introduction"), blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown at the top of the page and when the page is shared."),
    )
    show_contact_details = models.BooleanField(
        _("show the chamber's contact details"),
        default=False,
        help_text=_(
            "Shows the address, phone, e-mail and a map link from the chamber settings "
            "(for the contact page)."
        ),
    )
    body = StreamField(BodyStreamBlock(), blank=True, verbose_name=_("body"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("image"),
        FieldPanel("show_contact_details"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["home.HomePage", "home.StandardPage"]
    subpage_types = ["home.StandardPage"]
    social_image_field = "image"

    class Meta:
        verbose_name = _("standard page")
