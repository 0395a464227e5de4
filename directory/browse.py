"""Browsing the directory without searching: an A-Z index of the public listings and the
category tree with how many public listings each category has (#22).

Both are cached in the facets namespace (directory/caches.py), so any change to a listing,
member or category drops them, and per day, since standing ends by the date; a warm page
reads nothing from the database. What they list is Business.objects.publicly_listed(), the
one visibility rule.
"""

import unicodedata
from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import Substr

from chamber.caching import cached
from directory.caches import FACETS
from directory.facets import (
    FacetOption,
    category_facets,
    today_key,
    unfiltered_counts,
)
from directory.models.listings import Business

LETTERS = tuple("abcdefghijklmnopqrstuvwxyz")
OTHER = "other"  # names that start with a digit or anything else: shown as "#"
INDEX_KEYS = (*LETTERS, OTHER)
LETTER_PAGE_SIZE = 100


@dataclass(frozen=True)
class Letter:
    key: str  # in the URL: "a".."z", or "other"
    label: str  # "A".."Z", or "#"
    count: int


@dataclass(frozen=True)
class IndexEntry:
    slug: str
    name: str
    city: str


def letter_of(initial: str) -> str:
    """The index key a name starting with `initial` files under: its letter without accents
    ("É" under "e"), or OTHER."""
    base = unicodedata.normalize("NFKD", initial)[:1].lower()
    return base if base in LETTERS else OTHER


def letter_label(key: str) -> str:
    return "#" if key == OTHER else key.upper()


def _initials() -> dict[str, list[str]]:
    """Each index key's first characters, as stored, with the listings under each (largest
    first): one GROUP BY over the public listings."""
    rows = (
        Business.objects.publicly_listed()
        .annotate(initial=Substr("name", 1, 1))
        .values("initial")
        .annotate(n=Count("pk"))
        .values_list("initial", "n")
        .order_by()
    )
    by_key: dict[str, list[tuple[str, int]]] = {}
    for initial, n in rows:
        by_key.setdefault(letter_of(initial or ""), []).append((initial or "", n))
    return {key: sorted(pairs, key=lambda pair: -pair[1]) for key, pairs in by_key.items()}


def alphabet() -> list[Letter]:
    """Every index key, A-Z then "#", with its number of public listings (0: no link)."""
    initials = cached(FACETS, f"browse:initials:{today_key()}", _initials)
    return [
        Letter(key=key, label=letter_label(key), count=sum(n for _i, n in initials.get(key, ())))
        for key in INDEX_KEYS
    ]


def letter_page(key: str, number: int) -> tuple[list[IndexEntry], int, int]:
    """Page `number` (clamped to the last) of the public listings filed under `key`, by
    name, with the number of listings and the page number shown: one query for the page,
    then cached until a listing changes. The count comes from the cached alphabet."""
    initials = cached(FACETS, f"browse:initials:{today_key()}", _initials)
    pairs = initials.get(key, ())
    total = sum(n for _initial, n in pairs)
    last = max(1, -(-total // LETTER_PAGE_SIZE))
    number = min(max(1, number), last)
    if not total:
        return [], 0, 1

    def build() -> list[IndexEntry]:
        start = (number - 1) * LETTER_PAGE_SIZE
        rows = (
            Business.objects.publicly_listed()
            .annotate(initial=Substr("name", 1, 1))
            .filter(initial__in=[initial for initial, _n in pairs])
            .order_by("name", "pk")
            .values_list("slug", "name", "city")[start : start + LETTER_PAGE_SIZE]
        )
        return [IndexEntry(slug=slug, name=name, city=city) for slug, name, city in rows]

    entries = cached(FACETS, f"browse:letter:{key}:{number}:{today_key()}", build)
    return entries, total, number


def category_counts_tree() -> list[FacetOption]:
    """The category tree with the number of public listings in each category (a parent
    counts a listing once, however many of its children it is in); categories without
    listings are left out. From the same cached counts as the directory's category facet."""
    counts, _cities = unfiltered_counts()
    tree = category_facets(counts, selected=None)
    for root in tree:
        root.children = [child for child in root.children if child.count]
    return tree
