"""SQLite (the embedded default): Wagtail's FTS5 index, no stemming; facet counts are counted
from the listings themselves. The same functions as postgres.py, by the plainest SQL."""

import functools

from django.db.models import Prefetch

from directory.search.query import compiler_exact_match, search_terms

# No facet summary here: filter-only pages count from the listings.
HAS_FACET_SUMMARY = False


def _categories_field(model):
    return model._meta.get_field("categories")


# Listing filters and reads ---------------------------------------------------------------------


def in_categories(queryset, category_ids: list[int]):
    links = _categories_field(queryset.model).remote_field.through.objects.filter(
        category_id__in=category_ids
    )
    return queryset.filter(pk__in=links.values("business_id"))


def with_ids(queryset, ids: list[int]):
    return queryset.filter(pk__in=ids)


def card_categories(queryset):
    """A result card's categories: one more query for the page's listings."""
    category = _categories_field(queryset.model).related_model
    return queryset.prefetch_related(
        Prefetch("categories", queryset=category.objects.order_by("name").only("name"))
    )


# Keyword matching ------------------------------------------------------------------------------


def matches(listed, query: str):
    """Listings of `listed` matching `query`, unranked and unordered: the backend's own search,
    as a queryset that takes further filters."""
    results = listed.search(search_terms(query), backend="directory", order_by_relevance=False)
    return results.get_queryset().order_by()


def ranked_matches(listed, query: str):
    """Listings of `listed` matching `query`, best first (the backend's ranking)."""
    return listed.search(search_terms(query), backend="directory").get_queryset()


def ranked(listings, query: str, ids: list[int]):
    """The publicly listed listings `ids` (all matching `query`), best first."""
    if not search_terms(query):
        return listings.none()
    return ranked_matches(listings.publicly_listed(), query).filter(pk__in=ids)


def sample(matches, query: str, limit: int):
    """The first `limit` (listing, town slug, town, category) rows of the matches, one per
    category link, and whether there were more. No relevance is read: ranking is a query of
    its own here."""
    rows = list(matches.values_list("pk", "city_slug", "city", "categories")[: limit + 1])
    return rows[:limit], {}, len(rows) > limit


# The search backend's query --------------------------------------------------------------------


@functools.cache
def search_query_compiler():
    """The backend's query compiler (backend.py), made on first use as in postgres.py."""
    from modelsearch.backends.database.sqlite.sqlite import SQLiteSearchQueryCompiler

    class SearchQueryCompiler(SQLiteSearchQueryCompiler):
        LAST_TERM_IS_PREFIX = True  # FTS5: "riverbend" AND "bak"* (no stemming on SQLite)

        def search(self, config, start, stop, score_field=None):
            queryset = super().search(config, None, None, score_field=score_field)
            exact = compiler_exact_match(self, queryset)
            if exact is not None:
                queryset = queryset.order_by(exact.desc(), *queryset.query.order_by)
            return queryset[start:stop]

    return SearchQueryCompiler
