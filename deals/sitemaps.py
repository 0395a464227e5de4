from django.utils.functional import cached_property

from chamber.sitemaps import SiteUrlSitemap
from deals.models.deals import Deal
from deals.selectors import deals_page


class DealSitemap(SiteUrlSitemap):
    """Deals on show that are open to everyone. Members-only deals are left out: their pages
    hold nothing a search engine may index beyond a log-in prompt."""

    changefreq = "daily"

    def items(self):
        if self.deals_path is None:
            return Deal.objects.none()
        return Deal.objects.shown().public_audience().only("slug", "updated_at").order_by("pk")

    def location(self, deal):
        return f"{self.deals_path}{deal.slug}/"

    def lastmod(self, deal):
        return deal.updated_at

    @cached_property
    def deals_path(self) -> str | None:
        page = deals_page()
        return page.url if page else None
