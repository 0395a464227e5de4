"""Serving a page without reading the page tree on every request.

Before a page's view starts, Wagtail finds the request's Site (a query ranking every site by
hostname and port), loads the root page's specific object, each page down the path and its
specific object, and then the view restrictions of the page and its ancestors (two queries):
six queries and, on a directory page, more time than the directory's own work. What they read
changes rarely, and the site chrome's cache is already dropped whenever it does (any page saved,
published, unpublished, moved or deleted, a view restriction or a site changed: see
chamber/signals.py), so they are kept there:

- `SiteMiddleware` answers `Site.find_for_request` from the cached list of sites, each with its
  root page's specific object, by Wagtail's own ranking (`pick_site`).
- `CachedChildRoutingMixin` (the home page) finds its child pages by slug in the cache.
- `CachedViewRestrictionsMixin` (every page type) skips the restriction queries when no
  restriction can apply: no restricted page and no alias page lies on the page's path.

Objects come out of the shared cache unpickled, so every request gets its own copies. Anything
not in the cache (an unknown slug, a page under a restriction) takes Wagtail's own path.
"""

import contextlib

from django.db import DatabaseError
from django.http.request import split_domain_port
from wagtail.models import Page, PageViewRestriction, Site

from chamber.caching import get_cached, set_cached
from chamber.selectors import restricted_page_paths

NAMESPACE = "chrome"  # dropped by chamber/signals.py on any change to pages, sites, restrictions

# Wagtail's ranks (wagtail.models.sites.get_site_for_hostname), best first.
MATCH_HOSTNAME_PORT = 0
MATCH_HOSTNAME_DEFAULT = 1
MATCH_DEFAULT = 2
MATCH_HOSTNAME = 3


def cached_sites() -> list[Site]:
    """Every Site, with its root page's specific object loaded (fresh copies on each call)."""
    sites = get_cached(NAMESPACE, "sites")
    if sites is None:
        sites = list(Site.objects.select_related("root_page"))
        for site in sites:
            site.root_page.specific  # noqa: B018 - loads the specific object, cached with it
        set_cached(NAMESPACE, "sites", sites)
    return sites


def pick_site(sites: list[Site], hostname: str, port) -> Site | None:
    """The site Wagtail's `get_site_for_hostname` would choose, from `sites`."""

    def rank(site: Site) -> int | None:
        if site.hostname == hostname:
            if str(site.port) == str(port):
                return MATCH_HOSTNAME_PORT
            return MATCH_HOSTNAME_DEFAULT if site.is_default_site else MATCH_HOSTNAME
        return MATCH_DEFAULT if site.is_default_site else None

    ranked = sorted(
        ((rank(site), index, site) for index, site in enumerate(sites) if rank(site) is not None),
        key=lambda entry: entry[:2],
    )
    if not ranked:
        return None
    best_rank, _index, best = ranked[0]
    if len(ranked) == 1 or best_rank in (MATCH_HOSTNAME_PORT, MATCH_HOSTNAME_DEFAULT):
        return best
    if best_rank == MATCH_DEFAULT:
        # The default site, then sites of the hostname on other ports: a single one of them
        # wins over the default; with several, the default stays.
        return ranked[1][2] if len(ranked) == 2 else best
    return None  # several sites of the hostname, none on this port, and no default


class SiteMiddleware:
    """Find the request's Site from the cache, where `Site.find_for_request` looks first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        hostname = split_domain_port(request._get_raw_host())[0]
        # Without a database the site is left to Wagtail, if the request needs one (/healthz
        # doesn't).
        with contextlib.suppress(DatabaseError):
            request._wagtail_site = pick_site(cached_sites(), hostname, request.get_port())
        return self.get_response(request)


class CachedChildRoutingMixin:
    """Route to a child page found by slug in the cache (fresh copies each time): the site's
    top-level pages (the directory, deals, news, ...) answer most requests."""

    def route(self, request, path_components):
        if path_components:
            child = cached_child(self, path_components[0])
            if child is not None:
                child._cached_parent_obj = self
                return child.route(request, path_components[1:])
        return super().route(request, path_components)


def cached_child(parent, slug: str):
    """The specific child page of `parent` at `slug`, or None when it has none (not cached:
    misses are unbounded, and Wagtail's own route answers them)."""
    children = get_cached(NAMESPACE, f"children:{parent.pk}")
    if children is None:
        children = {page.slug: page for page in parent.get_children().specific()}
        set_cached(NAMESPACE, f"children:{parent.pk}", children)
    return children.get(slug)


class CachedViewRestrictionsMixin:
    """`get_view_restrictions` without its two queries where no restriction can apply."""

    def get_view_restrictions(self):
        if self.alias_of_id is None and not any(
            self.path.startswith(path) for path in restriction_sensitive_paths()
        ):
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()


def restriction_sensitive_paths() -> tuple[str, ...]:
    """Tree paths of restricted pages and of alias pages (whose restrictions are their
    source's): a page under none of them has no view restriction."""
    aliases = get_cached(NAMESPACE, "alias-paths")
    if aliases is None:
        aliases = tuple(Page.objects.filter(alias_of__isnull=False).values_list("path", flat=True))
        set_cached(NAMESPACE, "alias-paths", aliases)
    return (*restricted_page_paths(), *aliases)
