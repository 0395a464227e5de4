from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from home.blocks import BodyStreamBlock

HOME_DEALS = 4


class HomePage(Page):
    """The site root. Later issues add featured members, deals and news to it."""

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
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("hero_text"), index.SearchField("body")]

    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        from deals.selectors import current_deal_cards, deals_page_url
        from directory.cards import result_cards
        from directory.models import DirectoryPage
        from directory.selectors import featured_businesses

        context = super().get_context(request, *args, **kwargs)
        context["directory"] = DirectoryPage.objects.live().first()
        directory = context["directory"]
        context["featured_cards"] = (
            result_cards(featured_businesses(), directory_url=directory.url) if directory else []
        )
        context["deals_url"] = deals_page_url()
        context["deal_cards"] = current_deal_cards(limit=HOME_DEALS)
        return context


class StandardPage(Page):
    """About, contact, advocacy and other editorial pages."""

    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BodyStreamBlock(), blank=True, verbose_name=_("body"))

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["home.HomePage", "home.StandardPage"]

    class Meta:
        verbose_name = _("standard page")
