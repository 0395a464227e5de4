from django.contrib.sitemaps import Sitemap
from django.utils.functional import cached_property

from directory.browse import alphabet
from directory.models.listings import Business
from directory.models.pages import DirectoryPage


class BusinessSitemap(Sitemap):
    """Public listings, in pages of 5,000 URLs (the sitemap index links every page)."""

    limit = 5000
    changefreq = "weekly"

    def items(self):
        if self.directory_path is None:
            return Business.objects.none()
        # Ordered by primary key so that the pages stay stable while listings are added.
        return Business.objects.publicly_listed().only("slug", "updated_at").order_by("pk")

    def location(self, business):
        return f"{self.directory_path}{business.slug}/"

    def lastmod(self, business):
        return business.updated_at

    @cached_property
    def directory_path(self) -> str | None:
        directory = DirectoryPage.objects.live().first()
        return directory.url if directory else None


class DirectoryBrowseSitemap(Sitemap):
    """The directory's browsing pages: the A-Z index, each letter that has public listings,
    and the category tree (directory/browse.py, cached like the facets)."""

    changefreq = "daily"

    def items(self):
        if self.directory_path is None:
            return []
        letters = [f"a-z/{letter.key}/" for letter in alphabet() if letter.count]
        return ["a-z/", *letters, "categories/"]

    def location(self, item):
        return f"{self.directory_path}{item}"

    @cached_property
    def directory_path(self) -> str | None:
        directory = DirectoryPage.objects.live().first()
        return directory.url if directory else None
