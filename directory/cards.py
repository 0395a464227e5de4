"""The directory's result cards, ready to render.

A card holds only what templates/directory/directory_page.html shows for a listing, worked out
once per page in Python: its address from the directory page's URL (read once, not per card),
and the logo's <img> from the renditions already prefetched with the page's listings
(selectors.with_card_data), without the `{% image %}` tag's per-card look-up and cache
write. Text stays plain strings, so the template escapes it as it always did.
"""

import functools
from dataclasses import dataclass

from django.utils.safestring import SafeString
from wagtail.images.models import Filter
from wagtail.images.shortcuts import get_rendition_or_not_found

from directory.taxonomy import category_tree

# Logos keep their shape (never cropped: round monograms stay round) and are never scaled up
# (`max-`): shown on a neutral tile at most 240 × 120 CSS pixels, with a sharper one for  # noqa: RUF003
# high-density screens.
CARD_LOGO = Filter("max-240x120")
CARD_LOGO_2X = Filter("max-480x240")
CARD_LOGO_ATTRIBUTES = {"alt": "", "loading": "lazy"}


@dataclass(frozen=True)
class ResultCard:
    url: str
    name: str
    city: str
    summary: str
    is_featured: bool
    logo: SafeString | str  # the <img> element, or "" when the level shows no logo
    categories: tuple[str, ...]


def result_cards(listings, *, directory_url: str) -> list[ResultCard]:
    """Cards for `listings` (loaded with selectors.with_card_data), linked under
    `directory_url` (the directory page's URL, ending in a slash)."""
    return [
        ResultCard(
            url=f"{directory_url}{business.slug}/",
            name=business.name,
            city=business.city,
            summary=business.summary,
            is_featured=business.is_featured,
            logo=card_logo(business),
            categories=category_names(business),
        )
        for business in listings
    ]


def category_names(business) -> tuple[str, ...]:
    """The names of the listing's categories, A-Z: from its own category ids where the
    queryset read them (selectors.with_card_data on PostgreSQL), else from the prefetch."""
    ids = getattr(business, "card_category_ids", None)
    if ids is None:
        return tuple(category.name for category in business.categories.all())
    by_pk = category_tree().by_pk
    return tuple(sorted((by_pk[pk].name for pk in ids if pk in by_pk), key=str.casefold))


def card_logo(business) -> SafeString | str:
    if not business.shows_logo:
        return ""
    image = business.logo
    one, two = _rendition(image, CARD_LOGO), _rendition(image, CARD_LOGO_2X)
    if one.pk is None:  # the "not found" stand-in for a missing file
        return one.img_tag(CARD_LOGO_ATTRIBUTES)
    sharper = two.url if two.pk is not None and two.width > one.width else ""
    return _img_tag(one, one.file.name, one.width, one.height, sharper)


def _rendition(image, spec: Filter):
    try:  # from the prefetched renditions: no query
        return image.find_existing_rendition(spec)
    except image.get_rendition_model().DoesNotExist:
        return get_rendition_or_not_found(image, spec)  # made once, as {% image %}


@functools.lru_cache(maxsize=2048)
def _img_tag(rendition, file_name: str, width: int, height: int, url_2x: str) -> SafeString:
    """The card's <img> for a rendition, built once per process: a page shows up to 20 logos,
    and most listings of a town share a handful. Keyed by the rendition's row (a model
    instance hashes by its id), its file and size and the high-density file, which are all
    the tag depends on (`url_2x`: empty when the image is too small for a sharper copy)."""
    srcset = {"srcset": f"{rendition.url} 1x, {url_2x} 2x"} if url_2x else {}
    attributes = {**CARD_LOGO_ATTRIBUTES, **srcset}
    return rendition.img_tag(attributes)
