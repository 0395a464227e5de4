"""Site-wide template tags: navigation and the pages every template links to."""

from django import template
from wagtail.models import Page, Site

register = template.Library()


def _site_root(context) -> Page | None:
    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else None
    return site.root_page if site else None


@register.simple_tag(takes_context=True)
def site_navigation(context) -> dict:
    """The header and footer links, from one query of the home page's live, public children.

    ``menu``: the pages editors marked "Show in menus" (the join page excepted, since it has its
    own call to action); ``join``: the child slugged 'join', which the "Join" buttons point at.
    """
    root = _site_root(context)
    if root is None:
        return {"menu": [], "join": None}
    children = list(root.get_children().live().public())
    return {
        "menu": [page for page in children if page.show_in_menus and page.slug != "join"],
        "join": next((page for page in children if page.slug == "join"), None),
    }


@register.simple_tag
def breadcrumb_pages(page):
    """Ancestors of `page` below the tree root, home page first; empty for the home page."""
    if page is None or page.depth <= 2:
        return []
    return list(page.get_ancestors().filter(depth__gte=2).specific(defer=True))
