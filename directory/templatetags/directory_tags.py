import json

from django import template
from django.utils.safestring import mark_safe

register = template.Library()

# The escapes Django's json_script uses: the JSON can't close the <script> element early.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def ld_json(data) -> str:
    """Render `data` for a <script type="application/ld+json"> element."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES))  # noqa: S308


@register.simple_tag
def openstreetmap_url(business) -> str:
    from urllib.parse import urlencode

    if business.latitude is not None and business.longitude is not None:
        lat, lon = business.latitude, business.longitude
        return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"
    address = ", ".join(
        part
        for part in (
            business.street,
            business.city,
            business.region,
            business.postcode,
            business.country,
        )
        if part
    )
    return "https://www.openstreetmap.org/search?" + urlencode({"query": address})
