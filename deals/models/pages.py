"""/deals/: the page whose routes are the deals list, each deal's page, redemption and the feed
(deals/views.py, deals/feeds.py).

Each route imports its view when it runs, as Wagtail's routable pages do: while models are
being loaded, what the views use can't all be imported yet. The views and what they use import
the data models from deals/models/deals.py, never from this module."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Page

from chamber.routing import CachedViewRestrictionsMixin


class DealsIndexPage(CachedViewRestrictionsMixin, RoutablePageMixin, Page):
    """/deals/: current deals with filters, each deal's page, redemption and the feed."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = _("deals index page")

    @path("")
    def index_view(self, request):
        from deals.views import deal_index

        return deal_index(request, page=self)

    @path("feed/")
    def feed_view(self, request):
        from deals.feeds import DealsFeed

        return DealsFeed(page=self)(request)

    @path("<slug:slug>/")
    def deal_view(self, request, slug):
        from deals.views import deal_detail

        return deal_detail(request, page=self, slug=slug)

    @path("<slug:slug>/redeem/")
    def redeem_view(self, request, slug):
        from deals.views import deal_redeem

        return deal_redeem(request, page=self, slug=slug)

    def deal_url(self, deal, *, full: bool = False) -> str:
        base = self.get_full_url() if full else self.url
        return base + self.reverse_subpage("deal_view", kwargs={"slug": deal.slug})
