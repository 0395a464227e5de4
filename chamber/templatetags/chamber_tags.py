"""Site-wide template tags: navigation and the pages every template links to."""

from django import template
from wagtail.models import Page, Site

register = template.Library()


def _site_root(context) -> Page | None:
    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else None
    return site.root_page if site else None


@register.simple_tag(takes_context=True)
def main_menu_pages(context):
    """Live top-level pages that editors marked "Show in menus"."""
    root = _site_root(context)
    if root is None:
        return Page.objects.none()
    return root.get_children().live().public().in_menu()


@register.simple_tag(takes_context=True)
def join_page(context):
    """The page the "Join" call to action points at (the child of the home page slugged 'join')."""
    root = _site_root(context)
    if root is None:
        return None
    return root.get_children().live().public().filter(slug="join").first()


@register.simple_tag
def breadcrumb_pages(page):
    """Ancestors of `page` below the tree root, home page first; empty for the home page."""
    if page is None or page.depth <= 2:
        return []
    return list(page.get_ancestors().filter(depth__gte=2).specific(defer=True))
