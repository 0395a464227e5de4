"""Slugs for objects that get one from their name (listings, deals): set once, unique."""

from django.utils.text import slugify


def unique_slug(
    instance, text: str, *, max_length: int, fallback: str, reserved=(), suffix: str = ""
) -> str:
    """A slug for `instance` made from `text`, unique among its model's rows: "bakery",
    "bakery-2", ... `text` with nothing to slugify gives `fallback`; a slug in `reserved` (a
    route of the page that lists them) becomes "<slug>-<suffix>". `max_length` leaves room in
    the field for the numbering."""
    base = slugify(text)[:max_length] or fallback
    if base in reserved:
        base = f"{base}-{suffix}"
    rows = type(instance)._default_manager.exclude(pk=instance.pk)
    slug, number = base, 2
    while rows.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug
