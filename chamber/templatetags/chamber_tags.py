"""Site-wide template tags."""

from django import template

register = template.Library()


@register.simple_tag
def breadcrumb_pages(page):
    """Ancestors of `page` below the tree root, home page first; empty for the home page."""
    if page is None or page.depth <= 2:
        return []
    return list(page.get_ancestors().filter(depth__gte=2).specific(defer=True))
