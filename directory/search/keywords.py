"""What a keyword search finds: the matching listings in order, and the facet counts.

A search reads its matches once, at most SAMPLE_ROWS rows (the sample). When that is every
match (the usual case), the facet counts and the results come from that sample exactly, ranked
by the relevance read with it (PostgreSQL) or by a ranking query (SQLite). When a common
word matches more, the sample holds the best-ranked SAMPLE_ROWS of all the matches (each
database ranks every match in a top-N sort, so the newest listings compete with the oldest):
at most CANDIDATE_LIMIT of them (plus any named exactly as the query) are paged, the total
shows as "More than ...", and the facets list their options without counts.
"""

from collections import defaultdict
from dataclasses import dataclass

from chamber.caching import get_cached, set_cached
from directory.caches import FACETS
from directory.facets import Selection, all_cities, facet_key, today_key
from directory.filters import PAGE_SIZE, SORT_ORDERINGS
from directory.models.listings import Business
from directory.search import database
from directory.search.query import exact_name, search_terms
from directory.taxonomy import category_tree

# Keyword searches read at most this many rows of matches (listings on PostgreSQL, (listing,
# category) pairs elsewhere) to count facets exactly, and past that rank at most
# CANDIDATE_LIMIT listings (the total then shows "More than ...").
SAMPLE_ROWS = 1000
CANDIDATE_LIMIT = 1000
MIN_SAMPLE_CANDIDATES = 100  # a broad search ranks the sample's matches if it holds this many
# The sample is the best-ranked SAMPLE_ROWS matches out of all of them (each database's
# `sample`), not the first ones in storage order: those were the oldest listings, so a new
# listing never showed for a common word.


def matches(query: str):
    """Publicly listed businesses matching `query`, unranked and unordered: cheap to filter,
    count and cut short."""
    if not search_terms(query):
        return Business.objects.none()
    return database().matches(Business.objects.publicly_listed(), query)


def ranked(query: str, ids: list[int]):
    """The listings `ids` (all matching `query`), best match first."""
    return database().ranked(Business.objects, query, ids)


def exact_name_matches(query: str):
    """Publicly listed businesses named exactly `query` (ignoring case and extra spaces)."""
    name = exact_name(query)
    if not name:
        return Business.objects.none()
    return Business.objects.publicly_listed().filter(
        **{f"{Business.search_exact_field}__iexact": name}
    )


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
    """The best-ranked SAMPLE_ROWS listings matching a query (and the level).

    ``rows`` are (listing, town slug, town, category) rows; ``relevance`` (PostgreSQL) maps
    each listing to its rank for the query, read in the same pass so the results need no second
    query to rank them. ``broad``: there are more matches than that, too many to count facets,
    and the sample's listings that pass the filters are the candidates to rank when there are
    at least MIN_SAMPLE_CANDIDATES of them (or no town or category narrows them); otherwise
    the filters get a candidate query of their own."""

    rows: tuple[tuple, ...]
    relevance: dict[int, float]
    broad: bool


def keyword_matches(filterset, selection: Selection, query: str, sort: str) -> KeywordMatches:
    """Read the matches once, at most SAMPLE_ROWS rows, the best-ranked (see read_sample).

    When that is every match (the usual case), the facet counts and the results come from
    that sample exactly, ranked by the relevance read with it. When a common word matches more,
    at most CANDIDATE_LIMIT of the best-ranked matches (plus any whose
    name is exactly the query) are ranked and paged, the total shows as "1,000+", and the
    facets list their options without counts. The sample depends only on the query and the
    level, so it is cached for the other towns, categories and sorts; for a broad query its
    listings are the candidates to rank when enough of them pass the filters (Sample).
    """
    base = matches(query)
    sample_key = "sample:" + facet_key(
        {"q": query, "level": selection.level_slug}, without="", today=today_key()
    )
    sample = None if selection.features else get_cached(FACETS, sample_key)
    if sample is None:
        sample = read_sample(filterset.filter_queryset_except(base, "category", "city"), query)
        if not selection.features:
            set_cached(FACETS, sample_key, sample)
    if not sample.broad:
        ids, category_counts, city_rows = sample_facets(sample.rows, selection, category_tree())
        capped = False
    else:
        exact = filterset.filter_queryset_except(exact_name_matches(query), "q")
        in_sample = sample_facets(sample.rows, selection, category_tree())[0]
        from_sample = len(in_sample) >= MIN_SAMPLE_CANDIDATES or (
            selection.category is None and not selection.city
        )
        if from_sample:
            candidates = in_sample  # enough of the sample's listings pass the filters
        else:
            results = filterset.filter_queryset_except(base, "q")
            candidates = database().best_ids(results, query, CANDIDATE_LIMIT + 1)
        found = [*exact.values_list("pk", flat=True)[:PAGE_SIZE], *candidates]
        ids = list(dict.fromkeys(found))
        capped = from_sample or len(ids) > CANDIDATE_LIMIT
        ids = ids[:CANDIDATE_LIMIT]
        category_counts, city_rows = None, all_cities()
    return KeywordMatches(
        ids=ordered(ids, query, sort, sample.relevance),
        capped=capped,
        category_counts=category_counts,
        city_rows=city_rows,
    )


def ordered(ids: list[int], query: str, sort: str, relevance: dict[int, float]) -> list[int]:
    """`ids` in the order of `sort`: by relevance from the sample's ranks when it ranked every
    one of them, else (or for another sort) with a query."""
    if not ids:
        return []
    if sort == "relevance" and all(pk in relevance for pk in ids):
        return sorted(ids, key=lambda pk: (-relevance[pk], -pk))
    if sort == "relevance":
        listings = ranked(query, ids)
    else:
        listings = Business.objects.with_ids(ids).order_by(*SORT_ORDERINGS[sort])
    return list(listings.values_list("pk", flat=True))


def read_sample(matches, query: str) -> Sample:
    """Read the best-ranked matches, up to SAMPLE_ROWS rows, the database's way (see its
    `sample`)."""
    if not search_terms(query):  # nothing searchable (only punctuation, say)
        return Sample(rows=(), relevance={}, broad=False)
    rows, relevance, broad = database().sample(matches, query, SAMPLE_ROWS)
    return Sample(rows=tuple(rows), relevance=relevance, broad=broad)


def sample_facets(rows, selection: Selection, tree):
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
