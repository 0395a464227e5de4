"""Keyword search over publicly listed businesses (see directory/search_backend.py)."""

import re

from django.db import connection
from django.db.models import Expression, F

from directory.models import Business
from directory.search_backend import EXACT_MATCH_BONUS, exact_match_bonus, exact_name

# Searchable words: letters and digits in any script. Everything else separates words for the
# full-text parsers anyway, and must not reach them raw (SQLite FTS5 has its own syntax).
WORD = re.compile(r"\w+")


def search_terms(query: str) -> str:
    return " ".join(WORD.findall(query))


def ranked_matches(query: str):
    """Publicly listed businesses matching `query`, best first, as a plain queryset.

    A queryset (rather than Wagtail's SearchResults) lets the directory apply its own filters,
    count facets and paginate over the matches with ordinary SQL.
    """
    terms = search_terms(query)
    if not terms:
        return Business.objects.none()
    results = Business.objects.publicly_listed().search(terms, backend="directory")
    return results.get_queryset()


def matches(query: str):
    """Publicly listed businesses matching `query`, unranked and unordered: cheap to filter,
    count and cut short.

    On PostgreSQL the match is on the listing's own copy of its search vector (migration
    0004), with the tsquery the directory backend builds, so filters on the listing combine
    with it in one index scan; elsewhere it is the backend's own search.
    """
    terms = search_terms(query)
    if not terms:
        return Business.objects.none()
    listed = Business.objects.publicly_listed()
    if connection.vendor != "postgresql":
        results = listed.search(terms, backend="directory", order_by_relevance=False)
        return results.get_queryset().order_by()
    return (
        listed.alias(search_document=SearchDocument())
        .filter(search_document=postgres_tsquery(query))
        .order_by()  # no sort: a LIMIT stops the scan early
    )


def postgres_tsquery(query: str):
    """The tsquery the directory backend builds for `query` (PostgreSQL)."""
    results = Business.objects.all().search(search_terms(query), backend="directory")
    compiler = results.query_compiler
    return compiler.build_tsquery(compiler.query, config=compiler.get_config(results.backend))


def ranked(query: str, ids: list[int]):
    """The listings `ids` (all matching `query`), best match first.

    On PostgreSQL they are ranked on their own search_document (the same weighted vector the
    backend ranks), plus the exact-name bonus, without joining the search index; elsewhere
    by the backend.
    """
    if connection.vendor != "postgresql":
        return ranked_matches(query).filter(pk__in=ids)
    if not ids or not search_terms(query):
        return Business.objects.none()
    return (
        Business.objects.with_ids(ids)
        .alias(search_document=SearchDocument())
        .annotate(relevance=relevance(query))
        .order_by("-relevance", "-pk")
    )


def relevance(query: str):
    """A listing's relevance to `query` (PostgreSQL; needs the search_document alias): its
    full-text rank plus the exact-name bonus. Listings rank by it, then newest first."""
    from django.contrib.postgres.search import SearchRank

    exact = exact_match_bonus(Business.search_exact_field, query, EXACT_MATCH_BONUS)
    return SearchRank(F("search_document"), postgres_tsquery(query)) + exact


class SearchDocument(Expression):
    """directory_business.search_document: PostgreSQL only, not a model field (migration 0004
    adds the column and a trigger keeps it equal to the listing's search-index vector)."""

    def __init__(self):
        from django.contrib.postgres.search import SearchVectorField

        super().__init__(output_field=SearchVectorField())

    def as_sql(self, compiler, connection):
        alias = compiler.query.get_initial_alias()
        return f"{compiler.quote_name_unless_alias(alias)}.search_document", []


def exact_name_matches(query: str):
    """Publicly listed businesses named exactly `query` (ignoring case and extra spaces)."""
    name = exact_name(query)
    if not name:
        return Business.objects.none()
    return Business.objects.publicly_listed().filter(
        **{f"{Business.search_exact_field}__iexact": name}
    )
