"""Reads shared by every page: the chamber's details and the site navigation ("chrome").

Every page shows them and they change rarely, so they are cached per site and dropped by
chamber/signals.py whenever a page is published, unpublished, moved or deleted, or the
chamber settings are saved. The time-out bounds anything a signal cannot see.
"""

from dataclasses import dataclass, field

from django.core.cache import cache
from wagtail.models import Site

from chamber.models import ChamberSettings

CHROME_TIMEOUT = 300
VERSION_KEY = "chamber:chrome:version"


@dataclass(frozen=True)
class NavLink:
    pk: int
    title: str
    url: str


@dataclass
class SiteChrome:
    chamber: ChamberSettings
    menu: list[NavLink] = field(default_factory=list)
    join: NavLink | None = None
    logo: dict | None = None


def chrome_version() -> int:
    return cache.get_or_set(VERSION_KEY, 1, timeout=None)


def invalidate_site_chrome() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not set yet, or evicted: any new value invalidates
        cache.set(VERSION_KEY, 1, timeout=None)


def site_chrome(request) -> SiteChrome:
    site = Site.find_for_request(request)
    if site is None:
        return SiteChrome(chamber=ChamberSettings())
    key = f"chamber:chrome:{site.pk}:{chrome_version()}"
    chrome = cache.get(key)
    if chrome is None:
        chrome = _build_site_chrome(site)
        cache.set(key, chrome, CHROME_TIMEOUT)
    return chrome


def _build_site_chrome(site: Site) -> SiteChrome:
    chamber = ChamberSettings.for_site(site)
    # The header and footer links: the home page's live, public children; the one slugged
    # 'join' is the target of the "Join" buttons rather than a menu item.
    children = site.root_page.get_children().live().public()
    menu, join = [], None
    for page in children:
        link = NavLink(pk=page.pk, title=page.title, url=page.get_url(current_site=site))
        if page.slug == "join":
            join = link
        elif page.show_in_menus:
            menu.append(link)
    logo = None
    if chamber.logo_id:
        rendition = chamber.logo.get_rendition("height-96")
        logo = {"url": rendition.url, "width": rendition.width, "height": rendition.height}
    return SiteChrome(chamber=chamber, menu=menu, join=join, logo=logo)
