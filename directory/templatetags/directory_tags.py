import html
import json

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.safestring import mark_safe

from chamber.templatetags.chamber_tags import openstreetmap_url

register = template.Library()

# The escapes Django's json_script uses: the JSON can't close the <script> element early.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def ld_json(data) -> str:
    """Render `data` for a <script type="application/ld+json"> element."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES))  # noqa: S308


# The listing page's map link is the same as the contact page's (chamber_tags).
register.simple_tag(openstreetmap_url)


@register.simple_tag
def facet_options(name: str, options) -> str:
    """The radio buttons of one facet (selectors.FacetOption, with their children), as list
    items: built here because a page shows dozens of them and the template spent a dozen
    variable look-ups on each. Every value is escaped, as the template's autoescape would."""
    items = []
    for option in options:
        items.append(_facet_option(name, option, ""))
        items.extend(
            _facet_option(name, child, ' class="filters__child"')
            for child in option.children
            if child.count or child.selected
        )
    return mark_safe("\n".join(items))  # noqa: S308 - every value in it is escaped


def _escape(value) -> str:
    """conditional_escape without its lazy-string wrapper (it runs hundreds of times a page)."""
    return str(value) if hasattr(value, "__html__") else html.escape(str(value))


def _facet_option(name: str, option, li_attributes: str) -> str:
    input_id = _escape(f"{name}-{option.value}")
    count = ""
    if option.count is not None:
        number = intcomma(option.count) if option.count >= 1000 else str(option.count)
        count = (
            '<span class="facet-count"><span class="visually-hidden">, </span>'
            f'{_escape(number)}<span class="visually-hidden"> listings</span></span>'
        )
    checked = " checked" if option.selected else ""
    return (
        f'<li{li_attributes}><input type="radio" name="{_escape(name)}" '
        f'value="{_escape(option.value)}" id="{input_id}"{checked}>'
        f'<label for="{input_id}">{_escape(option.label)} {count}</label></li>'
    )
