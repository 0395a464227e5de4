"""Sitemaps on the site's address (SITE_URL) rather than the host a crawler asked on.

Page sitemaps take their URLs from Wagtail's Site, which `setup_site` writes from SITE_URL;
Django's own sitemaps (listings, deals) and its sitemap index build theirs from the request's
host and scheme, which `SiteUrlSitemap` and `sitemap_index` replace.
"""

import dataclasses
from urllib.parse import urlsplit

from django.contrib.sitemaps import Sitemap
from wagtail.contrib.sitemaps import views as sitemap_views

from chamber.site_url import absolute_url, site_address


class SiteUrlSitemap(Sitemap):
    """A Django sitemap whose `location()` paths are joined to SITE_URL."""

    def get_protocol(self, protocol=None):
        return site_address().scheme

    def get_domain(self, site=None):
        return site_address().url.split("://", 1)[1]


def sitemap_index(request, sitemaps, **kwargs):
    """Django's sitemap index, with each section's address moved onto SITE_URL."""
    response = sitemap_views.index(request, sitemaps, **kwargs)
    response.context_data["sitemaps"] = [
        dataclasses.replace(item, location=absolute_url(_path_and_query(item.location)))
        for item in response.context_data["sitemaps"]
    ]
    return response


def _path_and_query(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path
