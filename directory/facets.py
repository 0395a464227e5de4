"""The directory's facets: how many listings each category and town would show, given the
other filters chosen, and the options the page offers.

On PostgreSQL a filter-only page sums today's rows of the facet summary (FacetCount, kept by
triggers: directory/sql/); elsewhere, or with a filter the summary doesn't cover (a level, a
listing feature), the counts are one query over the listings. Either is cached until a listing,
member or category changes (directory/caches.py), and per day, since standing ends by the date.
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import CharField, Count, F, Min, Sum, Value
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from chamber.caching import cached, get_cached, set_cached
from directory.caches import FACETS
from directory.features import ListingFeature
from directory.models.facets import FacetCount
from directory.models.listings import Business
from directory.search import database
from directory.taxonomy import CategoryNode, category_tree

MAX_CITY_FACETS = 12


@dataclass
class FacetOption:
    value: str
    label: str
    count: int | None  # None: not counted (a search too broad to count)
    selected: bool = False
    children: list["FacetOption"] = field(default_factory=list)


@dataclass(frozen=True)
class Selection:
    """The valid filters chosen, from the filter set's cleaned data.

    `features` narrow to listings with, say, a deal on show (directory/features.py). Deals start
    and end by the second, so nothing computed under one is cached (and the few listings they
    leave are cheap to count).
    """

    category: CategoryNode | None
    city: str
    level_slug: str
    features: tuple[ListingFeature, ...] = ()


def selection_key_parts(selection: Selection, *, q: str = "") -> dict[str, str]:
    return {
        "q": q,
        "category": selection.category.slug if selection.category else "",
        "city": selection.city,
        "level": selection.level_slug,
    }


def today_key() -> str:
    return timezone.localdate().isoformat()


def uses_facet_summary() -> bool:
    return database().HAS_FACET_SUMMARY


@dataclass
class FacetTable:
    """The facet summary summed for today: listings per (kind, category) in each town ("all"
    rows under category 0), the same over every town, and each town's label. Small
    (towns x categories), shared read-only by every filter-only page until a listing changes."""

    by_city: dict[str, dict[tuple[str, int], int]]
    overall: dict[tuple[str, int], int]
    city_labels: dict[str, str]


def facet_table() -> FacetTable:
    """Today's facet summary, read with one query after any change to listings, members or
    categories (the facets namespace is bumped then, see directory/signals.py) and kept in
    memory meanwhile; the date in the key makes standing that ends today take effect."""
    today = timezone.localdate()
    return cached(FACETS, f"table:{today.isoformat()}", lambda: _build_facet_table(today))


def _build_facet_table(today) -> FacetTable:
    rows = (
        FacetCount.objects.filter(public_until__gte=today)
        .values("kind", "category_id", "city_slug")
        .annotate(label=Min("city"), total=Sum("n"))
        .values_list("kind", "category_id", "city_slug", "label", "total")
        .order_by()
    )
    by_city: dict[str, dict[tuple[str, int], int]] = {}
    overall: dict[tuple[str, int], int] = defaultdict(int)
    city_labels: dict[str, str] = {}
    for kind, category_id, city_slug, label, total in rows:
        if not total:
            continue
        by_city.setdefault(city_slug, {})[(kind, category_id)] = total
        overall[(kind, category_id)] += total
        city_labels[city_slug] = min(label, city_labels.get(city_slug, label))
    return FacetTable(by_city=by_city, overall=dict(overall), city_labels=city_labels)


def summary_counts(selection: Selection):
    """Facet counts and the total of a filter-only page, from today's facet table (no query
    while it is current)."""
    table = facet_table()
    key = (FacetCount.Kind.ALL.value, 0)
    if selection.category is not None:
        is_top = selection.category.parent is None
        key = (
            FacetCount.Kind.TOP.value if is_top else FacetCount.Kind.LEAF.value,
            selection.category.pk,
        )
    in_city = table.by_city.get(selection.city, {}) if selection.city else table.overall
    category_counts = {
        count_key: count for count_key, count in in_city.items() if count_key[0] != "all"
    }
    city_rows = [
        (city_slug, table.city_labels[city_slug], counts[key])
        for city_slug, counts in table.by_city.items()
        if counts.get(key)
    ]
    return category_counts, city_rows, in_city.get(key, 0)


def _split_facet_rows(rows):
    """(kind, key, label, count) rows of a facet query -> category counts keyed by
    (kind, category pk), (town slug, label, count) rows, and the "total" row's count."""
    category_counts: dict[tuple[str, int], int] = {}
    city_rows: list[tuple[str, str, int]] = []
    total = 0
    for kind, key, label, count in rows:
        if not count:
            continue
        if kind == "city":
            city_rows.append((key, label, count))
        elif kind == "total":
            total = count
        else:
            category_counts[(kind, int(key))] = count
    return category_counts, city_rows, total


def unfiltered_counts():
    """(category counts, town rows) over every public listing, no filter applied: from the
    facet summary on PostgreSQL, else the cached facet counts."""
    if uses_facet_summary():
        categories, rows, _total = summary_counts(Selection(category=None, city="", level_slug=""))
        return categories, rows
    listed = Business.objects.publicly_listed()
    return cached_facet_counts(
        category_base=listed,
        city_base=listed,
        key_parts={"q": "", "category": "", "city": "", "level": ""},
    )


def all_cities() -> list[tuple[str, str, None]]:
    """The towns with public listings, largest first, without counts (for capped searches)."""
    _categories, rows = unfiltered_counts()
    return [(slug, label, None) for slug, label, _count in sorted(rows, key=lambda r: -r[2])]


def cached_facet_counts(*, category_base, city_base, key_parts: dict[str, str]):
    """Facet counts, cached per combination of the *other* filters.

    The category facet doesn't depend on the chosen category, nor the town facet on the chosen
    town, so each is cached under the filters it does depend on and shared by every page that
    differs only in its own choice. Entries are dropped on any change to listings, members or
    categories (directory/signals.py) and carry today's date, since standing ends by the date.
    """
    today = timezone.localdate().isoformat()
    category_key = "category:" + facet_key(key_parts, without="category", today=today)
    city_key = "city:" + facet_key(key_parts, without="city", today=today)
    category_counts = get_cached(FACETS, category_key)
    city_rows = get_cached(FACETS, city_key)
    if category_counts is None or city_rows is None:
        fresh_categories, fresh_cities = facet_counts(
            category_base=category_base if category_counts is None else None,
            city_base=city_base if city_rows is None else None,
        )
        if category_counts is None:
            category_counts = fresh_categories
            set_cached(FACETS, category_key, category_counts)
        if city_rows is None:
            city_rows = fresh_cities
            set_cached(FACETS, city_key, city_rows)
    return category_counts, city_rows


def facet_key(parts: dict[str, str], *, without: str, today: str) -> str:
    relevant = sorted((name, value) for name, value in parts.items() if name != without)
    raw = today + "|" + "|".join(f"{name}={value}" for name, value in relevant)
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def facet_counts(*, category_base=None, city_base=None):
    """The facet counts asked for, in one query: per category ("leaf"), per top-level category
    counting each listing once ("top"), and per town ("city")."""
    text = CharField()
    parts = []
    if category_base is not None:
        through = Business.categories.through.objects.filter(
            business__in=category_base.values("pk")
        )
        parts.append(
            through.values("category_id")
            .annotate(n=Count("business_id"), kind=Value("leaf"), key=Cast("category_id", text))
            .annotate(label=Value(""))
            .values_list("kind", "key", "label", "n")
            .order_by()
        )
        parts.append(
            through.annotate(top=Coalesce("category__parent_id", "category_id"))
            .values("top")
            .annotate(
                n=Count("business_id", distinct=True), kind=Value("top"), key=Cast("top", text)
            )
            .annotate(label=Value(""))
            .values_list("kind", "key", "label", "n")
            .order_by()
        )
    if city_base is not None:
        parts.append(
            city_base.values("city_slug")
            .annotate(n=Count("pk"), kind=Value("city"), key=F("city_slug"), label=Min("city"))
            .values_list("kind", "key", "label", "n")
            .order_by()
        )
    if not parts:
        return {}, []
    rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    category_counts, city_rows, _total = _split_facet_rows(rows)
    return category_counts, city_rows


def category_facets(counts, *, selected: CategoryNode | None) -> list[FacetOption]:
    """Top-level categories with their sub-categories, each with the number of listings that
    choosing it would show (a parent counts a listing once, however many children it is in).

    With `counts` None (a capped search), every category is offered, without counts.
    """
    selected_pk = selected.pk if selected else None
    uncounted = counts is None
    options = []
    for root in category_tree().roots:
        option = FacetOption(
            value=root.slug,
            label=root.name,
            count=None if uncounted else counts.get(("top", root.pk), 0),
            selected=root.pk == selected_pk,
            children=[
                FacetOption(
                    value=child.slug,
                    label=child.name,
                    count=None if uncounted else counts.get(("leaf", child.pk), 0),
                    selected=child.pk == selected_pk,
                )
                for child in root.children
            ],
        )
        if uncounted or option.count or option.selected:
            options.append(option)
    return options


def city_facets(rows, *, selected: str) -> list[FacetOption]:
    rows = sorted(rows, key=lambda row: (-(row[2] or 0), row[0]))[:MAX_CITY_FACETS]
    return [
        FacetOption(value=slug, label=label, count=count, selected=slug == selected)
        for slug, label, count in rows
    ]
