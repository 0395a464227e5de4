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


# How many options of a long facet show before its "Show all" disclosure.
TOP_FACET_OPTIONS = {"category": 6, "city": 6}


@register.simple_tag
def facet_options(name: str, options, part: str = "top") -> str:
    """The radio buttons of one facet (selectors.FacetOption, with their children), as list
    items: built here because a page shows dozens of them and the template spent a dozen
    variable look-ups on each. Every value is escaped, as the template's autoescape would.

    A long facet shows in two parts: `part="top"`, the options with the most listings (and
    the chosen one), in the facet's own order; `part="more"`, the rest, which the page puts
    behind "Show all". A category's children are indented under it: in the top part for the
    chosen branch; otherwise in the "more" part, under their parent's name, so that no
    option is offered twice and the top part stays short."""
    top = top_options(name, options)
    if part == "more":
        return mark_safe("\n".join(_more_items(name, options, top)))  # noqa: S308 - escaped
    return mark_safe(  # noqa: S308 - every value in it is escaped
        "\n".join(
            _facet_branch(name, option, expanded=False) for option in options if option in top
        )
    )


def top_options(name: str, options) -> list:
    """The options shown before "Show all": the largest (TOP_FACET_OPTIONS), and the chosen
    branch."""
    limit = TOP_FACET_OPTIONS.get(name, len(options))
    top = sorted(options, key=lambda option: -(option.count or 0))[:limit]
    return top + [option for option in options if _branch_selected(option) and option not in top]


def _more_items(name: str, options, top):
    """The list items behind "Show all", in the facet's order: each option not in `top`
    with its children, and the children of the top options, under their parent's name."""
    for option in options:
        if option not in top:
            yield _facet_branch(name, option, expanded=True)
        elif not _branch_selected(option) and (children := _children(name, option)):
            yield (
                '<li class="filters__group"><span class="filters__group-label">'
                f'{_escape(option.label)}</span><ul class="filters__children">{children}</ul></li>'
            )


def _branch_selected(option) -> bool:
    return option.selected or any(child.selected for child in option.children)


def _children(name: str, option) -> str:
    return "".join(
        _facet_option(name, child) for child in option.children if child.count or child.selected
    )


def _facet_branch(name: str, option, *, expanded: bool) -> str:
    """An option's list item; its children (when `expanded`, or in the chosen branch) in an
    indented list inside it."""
    item = _facet_option(name, option)
    children = _children(name, option) if expanded or _branch_selected(option) else ""
    if not children:
        return item
    return item.removesuffix("</li>") + f'<ul class="filters__children">{children}</ul></li>'


def _escape(value) -> str:
    """conditional_escape without its lazy-string wrapper (it runs hundreds of times a page)."""
    return str(value) if hasattr(value, "__html__") else html.escape(str(value))


def _facet_option(name: str, option) -> str:
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
        f'<li><input type="radio" name="{_escape(name)}" '
        f'value="{_escape(option.value)}" id="{input_id}"{checked}>'
        f'<label for="{input_id}">{_escape(option.label)} {count}</label></li>'
    )
