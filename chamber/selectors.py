"""Reads shared by every page: the chamber's details and the site navigation ("chrome").

Every page shows them and they change rarely, so they are cached per site and dropped by
chamber/signals.py whenever a page is published, unpublished, moved or deleted, or the
chamber settings are saved. The time-out bounds anything a signal cannot see.
"""

from dataclasses import dataclass, field

from wagtail.models import PageViewRestriction, Site

from chamber import privacy
from chamber.caching import bump_cache_version, cached
from chamber.models import ChamberSettings


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


def default_chamber_settings() -> ChamberSettings | None:
    """The default site's ChamberSettings, for work outside a request (services, e-mails,
    commands); None before `setup_site` has made a site."""
    site = Site.objects.filter(is_default_site=True).only("pk").first()
    return ChamberSettings.for_site(site) if site else None


def live_page_url(page_class) -> str:
    """The URL of the first live page of `page_class` (the deals page, the news page), or ""
    without one; cached with the site chrome, so dropped whenever a page changes."""
    return cached(
        "chrome",
        f"page-url:{page_class._meta.label_lower}",
        lambda: getattr(page_class.objects.live().first(), "url", "") or "",
    )


def restricted_page_paths() -> tuple[str, ...]:
    """Tree paths of the pages with a view restriction (private sections), cached with the
    site chrome (chamber/signals.py drops it when a restriction is added or removed)."""
    return cached(
        "chrome",
        "restricted-paths",
        lambda: tuple(PageViewRestriction.objects.values_list("page__path", flat=True)),
    )


def public_pages(pages):
    """`pages` without those in a private section: Wagtail's `.public()` without its query
    for the restrictions on every call."""
    for path in restricted_page_paths():
        pages = pages.exclude(path__startswith=path)
    return pages


def view_restrictions() -> list[PageViewRestriction]:
    """Every view restriction with its page's path and its groups, cached with the site chrome
    like restricted_page_paths."""
    return cached(
        "chrome",
        "view-restrictions",
        lambda: list(PageViewRestriction.objects.select_related("page").prefetch_related("groups")),
    )


def pages_visible_to(pages, request):
    """`pages` without those in a private section the request may not see: a members-only
    news section lists its articles to members, as they can open each one. The sections are
    Wagtail's view restrictions, tested as they are when serving a page (members in good
    standing for a log-in restriction (chamber/privacy.py), groups, or a password this
    session has given)."""
    if request is None:
        return public_pages(pages)
    for restriction in view_restrictions():
        if not privacy.accepts(restriction, request):
            pages = pages.exclude(path__startswith=restriction.page.path)
    return pages


def invalidate_site_chrome() -> None:
    bump_cache_version("chrome")


def site_chrome(request) -> SiteChrome:
    site = Site.find_for_request(request)
    if site is None:
        return SiteChrome(chamber=ChamberSettings())
    return cached("chrome", str(site.pk), lambda: _build_site_chrome(site))


# A page class whose `chrome_role` is JOIN (membership's join page) is the target of the site's
# "Join" buttons rather than a menu item.
JOIN = "join"


def _build_site_chrome(site: Site) -> SiteChrome:
    chamber = ChamberSettings.for_site(site)
    # The header and footer links: the home page's live, public children.
    children = site.root_page.get_children().live().public()
    menu, join = [], None
    for page in children:
        link = NavLink(pk=page.pk, title=page.title, url=page.get_url(current_site=site))
        if getattr(page.specific_class, "chrome_role", None) == JOIN:
            join = link
        elif page.show_in_menus:
            menu.append(link)
    logo = None
    if chamber.logo_id:
        rendition = chamber.logo.get_rendition("height-96")
        logo = {"url": rendition.url, "width": rendition.width, "height": rendition.height}
    return SiteChrome(chamber=chamber, menu=menu, join=join, logo=logo)
