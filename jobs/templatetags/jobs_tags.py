"""Template helpers of the job board."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


def _entities(text: str) -> str:
    return "".join(f"&#{ord(character)};" for character in text)


@register.simple_tag
def obfuscated_email(address: str, label: str = ""):
    """A mailto link whose address never appears in the HTML as written: the link's address is
    character entities (browsers decode them, address harvesters reading the page source with
    a pattern don't), and the text shows "name [at] example [dot] org" unless `label` is given.
    It still works without JavaScript, and screen readers read the text as it is."""
    if not address:
        return ""
    local, _at, domain = address.partition("@")
    shown = label or f"{local} [at] {domain.replace('.', ' [dot] ')}"
    href = mark_safe(_entities(f"mailto:{address}"))  # noqa: S308 - entities of every character
    return format_html('<a href="{}" rel="nofollow">{}</a>', href, shown)
