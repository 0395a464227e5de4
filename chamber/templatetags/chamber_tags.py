"""Site-wide template tags."""

import logging
import re
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from django import template
from wagtail.images.models import SourceImageIOError
from wagtail.models import Page

from chamber.caching import cached
from chamber.selectors import NavLink
from chamber.site_url import absolute_url

logger = logging.getLogger(__name__)

register = template.Library()

# The 1.91:1 picture Facebook, LinkedIn and X show full width under a shared link.
SOCIAL_IMAGE_SPEC = "fill-1200x630"
# Logos keep their shape: cropping one to 1.91:1 would cut off its edges.
SOCIAL_LOGO_SPEC = "max-1200x630"

X_HOSTS = frozenset({"x.com", "www.x.com", "twitter.com", "www.twitter.com", "mobile.twitter.com"})
X_HANDLE = re.compile(r"[A-Za-z0-9_]{1,15}")
# First path segments of x.com pages that are not profiles.
X_NOT_HANDLES = frozenset({"home", "i", "intent", "search", "share", "explore", "hashtag"})


@dataclass(frozen=True)
class SocialImage:
    url: str
    width: int
    height: int
    alt: str
    # A picture for the large card; a logo gets the small one.
    large: bool


@register.simple_tag(takes_context=True)
def breadcrumb_links(context, page, include_self=False):
    """The breadcrumb trail above `page`: its ancestors below the tree root, the home page
    first and called "Home" (and `page` itself with `include_self`, for a view of the page
    that has a title of its own, e.g. a news topic); empty for the home page.

    Cached with the site chrome, which any page change drops: a page costs no query for it.
    """
    if not isinstance(page, Page) or page.depth <= 2:
        return []
    request = context.get("request")
    links = cached("chrome", f"crumbs:{page.pk}", lambda: _breadcrumb_links(page, request))
    if include_self:
        return [*links, NavLink(pk=page.pk, title=page.title, url=page.get_url(request))]
    return links


def _breadcrumb_links(page, request) -> list[NavLink]:
    ancestors = page.get_ancestors().filter(depth__gte=2).specific(defer=True)
    return [
        NavLink(
            pk=ancestor.pk,
            title="Home" if ancestor.depth == 2 else ancestor.title,
            url=ancestor.get_url(request),
        )
        for ancestor in ancestors
    ]


def x_handle(url: str) -> str:
    """The "@name" of an x.com or twitter.com profile URL; "" for any other URL."""
    if not url:
        return ""
    parts = urlsplit(url)
    if (parts.hostname or "").lower() not in X_HOSTS:
        return ""
    handle = parts.path.strip("/").split("/")[0].removeprefix("@")
    if not X_HANDLE.fullmatch(handle) or handle.lower() in X_NOT_HANDLES:
        return ""
    return f"@{handle}"


def page_meta_description(page) -> str:
    get_meta_description = getattr(page, "get_meta_description", None)
    if callable(get_meta_description):
        return get_meta_description() or ""
    return page.search_description or ""


def page_social_title(page, *, site_name: str) -> str:
    # The site's home page is titled with the chamber's name, as its <title> is.
    if not page.seo_title and page.depth <= 2 and site_name:
        return site_name
    return page.seo_title or page.title


def social_image(image, spec: str, *, large: bool) -> SocialImage | None:
    """`image` as an absolute-URL rendition for sharing cards, or None without one.

    If the image's renditions were prefetched, `spec` must be among them: Wagtail then looks
    nowhere else, and would try to create the rendition again on every request.
    """
    if not image:
        return None
    try:
        rendition = image.get_rendition(spec)
    except SourceImageIOError:
        logger.warning("Social image %s: source file missing", image.pk)
        return None
    # Local media gives a path, joined to SITE_URL; S3 a full URL, kept as it is.
    url = absolute_url(rendition.url)
    return SocialImage(
        url=url, width=rendition.width, height=rendition.height, alt=rendition.alt, large=large
    )


@register.inclusion_tag("components/social_meta.html", takes_context=True)
def social_meta(
    context,
    page=None,
    *,
    title=None,
    description=None,
    url=None,
    og_type=None,
    image=None,
    logo=None,
    logo_spec=SOCIAL_LOGO_SPEC,
):
    """The meta description, OpenGraph and X card tags for `page`, or for what the keywords
    describe (a listing, a deal); keywords also override the page's own values.

    `image` is a picture for the large card, `logo` a logo for the small one (at `logo_spec`:
    pass one the logo's prefetched renditions include); without either, the page's
    `get_social_image()` and then the chamber's logo are used.
    """
    request = context.get("request")
    chrome = context.get("chrome")
    chamber = chrome.chamber if chrome else None
    site_name = chamber.name if chamber else ""
    published = None
    if isinstance(page, Page):  # not a paginator's page that a view called `page`
        if title is None:
            title = page_social_title(page, site_name=site_name)
        if description is None:
            description = page_meta_description(page)
        if url is None:
            url = page.get_full_url(request)
        published = getattr(page, "date", None)
        if og_type is None:
            og_type = "article" if published is not None else "website"
        get_social_image = getattr(page, "get_social_image", None)
        if not image and not logo and callable(get_social_image):
            image = get_social_image()
    if not title:
        return {"title": ""}
    # Unset template variables arrive as "", hence truthiness rather than `is None`.
    if image:
        shared = social_image(image, SOCIAL_IMAGE_SPEC, large=True)
    elif logo:
        shared = social_image(logo, logo_spec, large=False)
    else:
        chamber_logo = chamber.logo if chamber else None
        shared = social_image(chamber_logo, SOCIAL_LOGO_SPEC, large=False)
    return {
        "title": title,
        "description": description or "",
        "url": url or "",
        "og_type": og_type or "website",
        "site_name": site_name,
        "image": shared,
        "published_time": published.isoformat() if published else "",
        "twitter_site": x_handle(chamber.x_url) if chamber else "",
    }


@register.simple_tag
def openstreetmap_url(place) -> str:
    """A link to `place` (a listing, the chamber's settings: anything with address fields and
    optionally latitude/longitude) on OpenStreetMap: a pin from coordinates, else an address
    search. A plain link: no map script or tiles are loaded by our pages."""
    lat, lon = getattr(place, "latitude", None), getattr(place, "longitude", None)
    if lat is not None and lon is not None:
        return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"
    fields = ("street", "city", "region", "postcode", "country")
    address = ", ".join(value for value in (getattr(place, name, "") for name in fields) if value)
    return "https://www.openstreetmap.org/search?" + urlencode({"query": address})
