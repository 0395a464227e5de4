"""Reads for the directory: the search page's results and facets, and listing look-ups.

Query budget of a directory page, whatever the number of results: one query for the page of
results (with the total as a window count), one for their logos' renditions when any have a
logo, and, except on PostgreSQL (where each listing row carries its category ids), one for
their categories. Category names and levels come from the cached taxonomy.
Facet counts (and, for keywords, the ordered matches) are cached until a listing, member or
category changes (directory/signals.py): on PostgreSQL a filter-only page reads them from
today's facet table, one query after each change; a keyword search costs its matching and
ranking queries once per combination of query, filters and sort. Whatever comes from a cache,
the page's rows are read with the visibility rule, so a cache can't show a hidden listing.
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import CharField, Count, F, Min, Prefetch, Sum, Value, Window
from django.db.models.functions import Cast, Coalesce
from django.http import QueryDict
from django.utils import timezone
from django.utils.functional import cached_property
from wagtail.images.models import Image

from chamber.caching import cached, get_cached, set_cached
from chamber.pagination import parse_page_number
from directory import search
from directory.features import ListingFeature, listing_features
from directory.filters import DirectoryFilterSet
from directory.models import Business, Category, CategoryIds, FacetCount
from directory.signals import FACETS_NAMESPACE
from directory.taxonomy import CategoryNode, category_tree, level_by_slug

PAGE_SIZE = 20
# Keyword searches read at most this many rows of matches (listings on PostgreSQL, (listing,
# category) pairs elsewhere) to count facets exactly, and past that rank at most
# CANDIDATE_LIMIT listings (the total then shows "More than ...").
SAMPLE_ROWS = 1000
CANDIDATE_LIMIT = 1000
MIN_SAMPLE_CANDIDATES = 100  # a broad search ranks the sample's matches if it holds this many
# Any list can be paged through its first 1,000 listings (as many as a broad search ranks):
# a page is an index walk past every listing before it, so page 20,000 of a million cost 0.5 s.
MAX_PAGES = CANDIDATE_LIMIT // PAGE_SIZE
MAX_CITY_FACETS = 12
LOGO_RENDITIONS = ("fill-160x160", "fill-400x400")
# The listing columns a result card shows (directory/cards.py); the rest stay unread.
CARD_FIELDS = ("slug", "name", "city", "summary", "is_featured", "logo")
SORT_ORDERINGS = {
    "featured": ("-is_featured", "name", "pk"),
    "name": ("name", "pk"),
    "newest": ("-created_at", "-pk"),
}


@dataclass
class FacetOption:
    value: str
    label: str
    count: int | None  # None: not counted (a search too broad to count)
    selected: bool = False
    children: list["FacetOption"] = field(default_factory=list)


@dataclass
class DirectoryResults:
    filterset: DirectoryFilterSet
    page: "ResultsPage"
    query: str
    sort: str
    category: CategoryNode | None
    city: str
    level_name: str
    category_facets: list[FacetOption]
    city_facets: list[FacetOption]
    ignored: dict[str, str]

    @property
    def total(self) -> int:
        return self.page.paginator.count

    @property
    def capped(self) -> bool:
        """More listings match than were ranked: the total is a lower bound."""
        return self.page.capped

    @property
    def beyond_last_page(self) -> int:
        """How many listings lie past the last page that can be opened (MAX_PAGES)."""
        if self.capped:
            return 0
        return max(0, self.total - self.page.paginator.num_pages * self.page.paginator.per_page)

    features: tuple[ListingFeature, ...] = ()  # the listing features asked for (has_deals)

    @property
    def is_filtered(self) -> bool:
        return bool(self.query or self.category or self.city or self.level_name or self.features)

    @property
    def feature_options(self) -> list[tuple[ListingFeature, bool]]:
        """Every listing feature's filter, and whether it is applied."""
        return [(feature, feature in self.features) for feature in listing_features()]


class WindowCountPaginator(Paginator):
    """Reads the total from a ``_total`` window annotation on the page's own rows, saving the
    separate COUNT query; falls back to COUNT only when the requested page is empty."""

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by().count()

    @cached_property
    def num_pages(self) -> int:
        return min(Paginator.num_pages.func(self), MAX_PAGES)


class ResultsPage:
    """One page of results. With `ids` (a keyword search's matches, in order), the page reads
    its slice of them; with `total` known (from the facet summary), the page is a plain
    LIMIT/OFFSET read; either is clamped to the last page. Otherwise the total rides on the
    page's own rows as a window count."""

    capped = False  # set for a keyword search that matched more than it ranked

    def __init__(
        self,
        queryset,
        number: int,
        per_page: int,
        *,
        total: int | None = None,
        ids: list[int] | None = None,
    ):
        """What a card shows (with_card_data) is added only to the query that reads the page's
        rows; the query that picks them runs without it, so on PostgreSQL it can be an
        index-only walk (the join to the member for the logo flag made it read every listing
        it passed)."""
        number = min(number, MAX_PAGES)
        if ids is not None:
            total = len(ids)
        if total is not None:
            self.paginator = WindowCountPaginator(queryset, per_page)
            self.paginator.count = total
            number = min(number, self.paginator.num_pages)
            start = (number - 1) * per_page
            if ids is not None:
                # The visibility rule is applied again: ids may come from the cache.
                page_ids = ids[start : start + per_page]
                position = {pk: index for index, pk in enumerate(page_ids)}
                found = with_card_data(queryset).filter(pk__in=page_ids) if page_ids else []
                rows = sorted(found, key=lambda business: position[business.pk])
            else:
                # Order and cut on the narrow id column first, then read the page's full
                # rows: the sort doesn't carry every column of every candidate.
                page_ids = queryset.values("pk")[start : start + per_page]
                rows = list(with_card_data(queryset).filter(pk__in=page_ids)) if total else []
        else:
            rows = list(
                with_card_data(queryset).annotate(_total=Window(Count("pk")))[
                    (number - 1) * per_page : number * per_page
                ]
            )
            self.paginator = WindowCountPaginator(queryset, per_page)
            if rows:
                self.paginator.count = rows[0]._total  # fills the cached_property
            elif number > 1:  # past the end: show the last page instead
                number = self.paginator.num_pages
                last = (number - 1) * per_page
                rows = list(with_card_data(queryset)[last : last + per_page])
        self.object_list = rows
        self.number = number
        self.elided_range = list(
            self.paginator.get_elided_page_range(number, on_each_side=1, on_ends=1)
        )

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    def has_next(self):
        return self.number < self.paginator.num_pages

    def has_previous(self):
        return self.number > 1

    def next_page_number(self):
        return self.number + 1

    def previous_page_number(self):
        return self.number - 1

    def start_index(self):
        return (self.number - 1) * self.paginator.per_page + 1 if self.object_list else 0

    def end_index(self):
        return (self.number - 1) * self.paginator.per_page + len(self.object_list)


def with_listing_data(queryset):
    """Load what a result card or detail page shows, in a fixed number of queries."""
    return queryset.select_related("member__level", "logo").prefetch_related(
        Prefetch("categories", queryset=Category.objects.order_by("name")),
        Prefetch(
            "logo__renditions",
            queryset=Image.get_rendition_model().objects.filter(filter_spec__in=LOGO_RENDITIONS),
        ),
    )


def listing_queryset():
    """Publicly listed businesses, ready to render."""
    return with_listing_data(Business.objects.publicly_listed())


def with_card_data(queryset):
    """Load what a result card shows (directory/cards.py) and no more: the listing's card
    columns, whether its level shows a logo, and its logo with its renditions, as model
    instances with every other column deferred (half the time of loading whole rows with
    their member and level). On PostgreSQL the card's categories are the listing row's own
    category ids (migration 0006), named from the cached taxonomy; elsewhere they are one
    more query."""
    queryset = (
        queryset.only(*CARD_FIELDS)
        .select_related("logo")
        .annotate(level_shows_logo=F("member__level__listing_logo"))
        .prefetch_related(
            Prefetch(
                "logo__renditions",
                queryset=Image.get_rendition_model().objects.filter(
                    filter_spec__in=LOGO_RENDITIONS
                ),
            )
        )
    )
    if connection.vendor == "postgresql":
        return queryset.annotate(card_category_ids=CategoryIds())
    return queryset.prefetch_related(
        Prefetch("categories", queryset=Category.objects.order_by("name").only("name"))
    )


def card_queryset():
    """Publicly listed businesses, ready to show as result cards."""
    return with_card_data(Business.objects.publicly_listed())


def directory_results(
    *, params: QueryDict, category: CategoryNode | None = None
) -> DirectoryResults:
    """Everything the directory search page shows for these query parameters.

    `category` pins the category (the category landing pages); the `category` parameter is
    then ignored.
    """
    if category is not None:
        params = params.copy()
        params["category"] = category.slug
    filterset = DirectoryFilterSet(params, queryset=Business.objects.publicly_listed())
    filterset.is_valid()  # invalid parameters are left out of cleaned_data, i.e. ignored
    cleaned = filterset.form.cleaned_data
    query = cleaned.get("q") or ""
    sort = cleaned.get("sort") or ""
    if sort not in SORT_ORDERINGS and not (sort == "relevance" and query):
        sort = "relevance" if query else "featured"
    selection = Selection(
        category=category_tree().by_slug.get(cleaned.get("category") or ""),
        city=cleaned.get("city") or "",
        level_slug=cleaned.get("level") or "",
        features=tuple(feature for feature in listing_features() if cleaned.get(feature.param)),
    )
    number = parse_page_number(params.get("page"))
    if query:
        page, counts = _keyword_results(filterset, selection, query, sort, number)
    else:
        page, counts = _filtered_results(filterset, selection, sort, number)
    category_counts, city_rows = counts
    level = level_by_slug(selection.level_slug)
    return DirectoryResults(
        filterset=filterset,
        page=page,
        query=query,
        sort=sort,
        category=selection.category,
        city=selection.city,
        level_name=level.name if level else "",
        category_facets=category_facets(category_counts, selected=selection.category),
        city_facets=city_facets(city_rows, selected=selection.city),
        ignored=filterset.ignored,
        features=selection.features,
    )


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


def _filtered_results(filterset, selection: Selection, sort: str, number: int):
    """No keywords: on PostgreSQL the total and facet counts are sums over the facet summary
    (FacetCount), and the page is read in index order; elsewhere, or with a filter the summary
    doesn't cover (level), they are counted from the listings and cached."""
    ordered = filterset.qs.order_by(*SORT_ORDERINGS[sort])
    if uses_facet_summary() and not selection.level_slug and not selection.features:
        category_counts, city_rows, total = summary_counts(selection)
        page = ResultsPage(ordered, number, PAGE_SIZE, total=total)
    elif selection.features:
        page = ResultsPage(ordered, number, PAGE_SIZE)
        category_counts, city_rows = facet_counts(
            category_base=filterset.filter_queryset_except(filterset.queryset, "category"),
            city_base=filterset.filter_queryset_except(filterset.queryset, "city"),
        )
    else:
        page = ResultsPage(ordered, number, PAGE_SIZE)
        category_counts, city_rows = cached_facet_counts(
            category_base=filterset.filter_queryset_except(filterset.queryset, "category"),
            city_base=filterset.filter_queryset_except(filterset.queryset, "city"),
            key_parts={
                "q": "",
                "category": selection.category.slug if selection.category else "",
                "city": selection.city,
                "level": selection.level_slug,
            },
        )
    return page, (category_counts, city_rows)


@dataclass
class KeywordMatches:
    """What a keyword search found for one combination of query, filters and sort: the
    matching listings in order, and the facet counts (None: too broad to count)."""

    ids: list[int]
    capped: bool
    category_counts: dict[tuple[str, int], int] | None
    city_rows: list[tuple[str, str, int | None]]


@dataclass(frozen=True)
class Sample:
    """The first SAMPLE_ROWS listings matching a query (and the level), in no order.

    ``rows`` are (listing, town slug, town, category) rows; ``relevance`` (PostgreSQL) maps
    each listing to its rank for the query, read in the same pass so the results need no second
    query to rank them. ``broad``: there are more matches than that, too many to count facets,
    and the sample's listings that pass the filters are the candidates to rank when there are
    at least MIN_SAMPLE_CANDIDATES of them (or no town or category narrows them); otherwise
    the filters get a candidate query of their own."""

    rows: tuple[tuple, ...]
    relevance: dict[int, float]
    broad: bool


def _keyword_results(filterset, selection: Selection, query: str, sort: str, number: int):
    """Keywords: the matches in order and the facet counts, cached per combination of query,
    filters and sort (and per day) until any listing, member or category changes, like the
    facet counts; the page then reads only its own rows, checking visibility again."""
    parts = _selection_key_parts(selection, q=query)
    if selection.features:
        found = _keyword_matches(filterset, selection, query, sort, parts)
    else:
        key = "search:" + _facet_key({**parts, "sort": sort}, without="", today=_today_key())
        found = get_cached(FACETS_NAMESPACE, key)
        if found is None:
            found = _keyword_matches(filterset, selection, query, sort, parts)
            set_cached(FACETS_NAMESPACE, key, found)
    page = ResultsPage(Business.objects.publicly_listed(), number, PAGE_SIZE, ids=found.ids)
    page.capped = found.capped
    return page, (found.category_counts, found.city_rows)


def _keyword_matches(filterset, selection, query, sort, parts) -> KeywordMatches:
    """Read the matches once, at most SAMPLE_ROWS rows (see _sample).

    When that is every match (the usual case), the facet counts and the results come from
    that sample exactly, ranked by the relevance read with it. When a common word matches more,
    the work is bounded instead: at most CANDIDATE_LIMIT matching listings (plus any whose
    name is exactly the query) are ranked and paged, the total shows as "1,000+", and the
    facets list their options without counts. The sample depends only on the query and the
    level, so it is cached for the other towns, categories and sorts; for a broad query its
    listings are the candidates to rank when enough of them pass the filters (Sample).
    """
    base = search.matches(query)
    sample_key = "sample:" + _facet_key(
        {"q": parts["q"], "level": parts["level"]}, without="", today=_today_key()
    )
    sample = None if selection.features else get_cached(FACETS_NAMESPACE, sample_key)
    if sample is None:
        sample = _sample(filterset.filter_queryset_except(base, "category", "city"), query)
        if not selection.features:
            set_cached(FACETS_NAMESPACE, sample_key, sample)
    if not sample.broad:
        ids, category_counts, city_rows = _sample_facets(sample.rows, selection, category_tree())
        capped = False
    else:
        exact = filterset.filter_queryset_except(search.exact_name_matches(query), "q")
        in_sample = _sample_facets(sample.rows, selection, category_tree())[0]
        from_sample = len(in_sample) >= MIN_SAMPLE_CANDIDATES or (
            selection.category is None and not selection.city
        )
        if from_sample:
            candidates = in_sample  # enough of the sample's listings pass the filters
        else:
            results = filterset.filter_queryset_except(base, "q")
            candidates = list(results.values_list("pk", flat=True)[: CANDIDATE_LIMIT + 1])
        found = [*exact.values_list("pk", flat=True)[:PAGE_SIZE], *candidates]
        ids = list(dict.fromkeys(found))
        capped = from_sample or len(ids) > CANDIDATE_LIMIT
        ids = ids[:CANDIDATE_LIMIT]
        category_counts, city_rows = None, all_cities()
    return KeywordMatches(
        ids=_ordered(ids, query, sort, sample.relevance),
        capped=capped,
        category_counts=category_counts,
        city_rows=city_rows,
    )


def _ordered(ids: list[int], query: str, sort: str, relevance: dict[int, float]) -> list[int]:
    """`ids` in the order of `sort`: by relevance from the sample's ranks when it ranked every
    one of them, else (or for another sort) with a query."""
    if not ids:
        return []
    if sort == "relevance" and all(pk in relevance for pk in ids):
        return sorted(ids, key=lambda pk: (-relevance[pk], -pk))
    if sort == "relevance":
        ordered = search.ranked(query, ids)
    else:
        ordered = Business.objects.with_ids(ids).order_by(*SORT_ORDERINGS[sort])
    return list(ordered.values_list("pk", flat=True))


def _sample(matches, query: str) -> Sample:
    """Read the matches up to SAMPLE_ROWS rows: on PostgreSQL one row per listing, with its
    categories from its own category ids (so the cap counts listings) and its relevance;
    elsewhere one row per category link."""
    if not search.search_terms(query):  # nothing searchable (only punctuation, say)
        return Sample(rows=(), relevance={}, broad=False)
    if connection.vendor == "postgresql":
        found = list(
            matches.annotate(
                sample_category_ids=CategoryIds(), relevance=search.relevance(query)
            ).values_list("pk", "city_slug", "city", "sample_category_ids", "relevance")[
                : SAMPLE_ROWS + 1
            ]
        )
        rows = [
            (pk, city_slug, city, category_id)
            for pk, city_slug, city, category_ids, _relevance in found[:SAMPLE_ROWS]
            for category_id in (category_ids or [None])
        ]
        relevance = {row[0]: row[4] for row in found[:SAMPLE_ROWS]}
        return Sample(rows=tuple(rows), relevance=relevance, broad=len(found) > SAMPLE_ROWS)
    rows = list(matches.values_list("pk", "city_slug", "city", "categories")[: SAMPLE_ROWS + 1])
    return Sample(rows=tuple(rows[:SAMPLE_ROWS]), relevance={}, broad=len(rows) > SAMPLE_ROWS)


def _selection_key_parts(selection: Selection, *, q: str = "") -> dict[str, str]:
    return {
        "q": q,
        "category": selection.category.slug if selection.category else "",
        "city": selection.city,
        "level": selection.level_slug,
    }


def _today_key() -> str:
    return timezone.localdate().isoformat()


def _sample_facets(rows, selection: Selection, tree):
    """Results and facet counts from every (listing, town, category) row matching the query
    and the level: each facet counts over the listings that pass the *other* filters."""
    listings: dict[int, tuple[str, str, set[int]]] = {}
    for pk, city_slug, city, category_id in rows:
        entry = listings.setdefault(pk, (city_slug, city, set()))
        if category_id is not None:
            entry[2].add(category_id)
    family = set(selection.category.family_ids) if selection.category else None
    ids = []
    category_counts: dict[tuple[str, int], int] = defaultdict(int)
    cities: dict[str, list] = {}
    for pk, (city_slug, city, category_ids) in listings.items():
        in_category = family is None or not family.isdisjoint(category_ids)
        in_city = not selection.city or city_slug == selection.city
        if in_category and in_city:
            ids.append(pk)
        if in_city:
            tops = set()
            for category_id in category_ids:
                category_counts[("leaf", category_id)] += 1
                node = tree.by_pk.get(category_id)
                if node is not None:
                    tops.add(node.parent.pk if node.parent else node.pk)
            for top in tops:
                category_counts[("top", top)] += 1
        if in_category:
            cities.setdefault(city_slug, [city, 0])[1] += 1
    city_rows = [(slug, label, count) for slug, (label, count) in cities.items()]
    return ids, dict(category_counts), city_rows


def uses_facet_summary() -> bool:
    return connection.vendor == "postgresql"


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
    return cached(FACETS_NAMESPACE, f"table:{today.isoformat()}", lambda: _build_facet_table(today))


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


def all_cities() -> list[tuple[str, str, None]]:
    """The towns with public listings, largest first, without counts (for capped searches)."""
    if uses_facet_summary():
        _categories, rows, _total = summary_counts(Selection(category=None, city="", level_slug=""))
    else:
        listed = Business.objects.publicly_listed()
        _categories, rows = cached_facet_counts(
            category_base=listed,
            city_base=listed,
            key_parts={"q": "", "category": "", "city": "", "level": ""},
        )
    return [(slug, label, None) for slug, label, _count in sorted(rows, key=lambda r: -r[2])]


def cached_facet_counts(*, category_base, city_base, key_parts: dict[str, str]):
    """Facet counts, cached per combination of the *other* filters.

    The category facet doesn't depend on the chosen category, nor the town facet on the chosen
    town, so each is cached under the filters it does depend on and shared by every page that
    differs only in its own choice. Entries are dropped on any change to listings, members or
    categories (directory/signals.py) and carry today's date, since standing ends by the date.
    """
    today = timezone.localdate().isoformat()
    category_key = "category:" + _facet_key(key_parts, without="category", today=today)
    city_key = "city:" + _facet_key(key_parts, without="city", today=today)
    category_counts = get_cached(FACETS_NAMESPACE, category_key)
    city_rows = get_cached(FACETS_NAMESPACE, city_key)
    if category_counts is None or city_rows is None:
        fresh_categories, fresh_cities = facet_counts(
            category_base=category_base if category_counts is None else None,
            city_base=city_base if city_rows is None else None,
        )
        if category_counts is None:
            category_counts = fresh_categories
            set_cached(FACETS_NAMESPACE, category_key, category_counts)
        if city_rows is None:
            city_rows = fresh_cities
            set_cached(FACETS_NAMESPACE, city_key, city_rows)
    return category_counts, city_rows


def _facet_key(parts: dict[str, str], *, without: str, today: str) -> str:
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


def publicly_listed_business(slug: str) -> Business | None:
    """The listing at `slug`, if public, with `features`: the listing features it has (so its
    page asks for a feature's section only when there is something to show)."""
    features = listing_features()
    business = (
        listing_queryset()
        .annotate(**{f"has_{feature.name}": feature.exists() for feature in features})
        .filter(slug=slug)
        .first()
    )
    if business is not None:
        business.features = [f for f in features if getattr(business, f"has_{f.name}")]
    return business


def featured_businesses(*, limit: int = 6, on=None) -> list[Business]:
    """Publicly listed businesses with featured placement, rotated daily so that every featured
    member takes its turn on the home page."""
    from django.utils import timezone

    featured = card_queryset().filter(is_featured=True).order_by("name", "pk")
    count = featured.count()
    if count <= limit:
        return list(featured)
    start = (on or timezone.localdate()).toordinal() * limit % count
    rows = list(featured[start : start + limit])
    return rows + list(featured[: limit - len(rows)]) if len(rows) < limit else rows


def publicly_listed_in_order(ids: list[int]) -> list[Business]:
    """The publicly listed businesses among `ids`, in the order given (editors' choices);
    the others (drafts, lapsed members) are left out."""
    found = {business.pk: business for business in card_queryset().filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found]
