"""PostgreSQL: the listing row carries its own search vector and category ids, and a summary
table carries the facet counts, all kept by triggers (directory/sql/); the full-text query is
stemmed and ranked by `ts_rank`.

`directory_business.search_document` and `directory_business.category_ids` are columns the
model does not declare (they exist on PostgreSQL only): `SearchDocument` and `CategoryIds` are
the only code that names them.
"""

import functools
import re
from functools import reduce

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import (
    CombinedSearchQuery,
    SearchQuery,
    SearchRank,
    SearchVectorField,
)
from django.db import connection
from django.db.models import BooleanField, Expression, F, IntegerField
from modelsearch.backends.database.postgres.query import Lexeme
from modelsearch.query import PlainText

from directory.search.query import (
    EXACT_MATCH_BONUS,
    MIN_PREFIX_LENGTH,
    compiler_exact_match,
    exact_match_bonus,
    search_terms,
)

# Filter-only pages count from the facet summary (directory_facetcount, kept by triggers).
HAS_FACET_SUMMARY = True


class CategoryIds(Expression):
    """directory_business.category_ids: the listing's own category ids (not their parents),
    kept equal to the category links by triggers; the sort indexes carry it, so a category
    filter is tested inside the index walk instead of probing the link table for every
    listing."""

    def __init__(self):
        super().__init__(output_field=ArrayField(IntegerField()))

    def as_sql(self, compiler, connection):
        alias = compiler.query.get_initial_alias()
        return f"{compiler.quote_name_unless_alias(alias)}.category_ids", []


class SearchDocument(Expression):
    """directory_business.search_document: a copy, kept by a trigger, of the listing's vector
    in Wagtail's search index, so matching a word *and* a town or the visibility rule is one
    bitmap AND over one table instead of a join on the index's text object id."""

    def __init__(self):
        super().__init__(output_field=SearchVectorField())

    def as_sql(self, compiler, connection):
        alias = compiler.query.get_initial_alias()
        return f"{compiler.quote_name_unless_alias(alias)}.search_document", []


class PkIsAny(Expression):
    """``<pk> = ANY(<ids as one bigint[] parameter>)``."""

    output_field = BooleanField()

    def __init__(self, ids: list[int]):
        super().__init__()
        self.ids = ids

    def as_sql(self, compiler, connection):
        alias = compiler.query.get_initial_alias()
        column = compiler.query.model._meta.pk.column
        name = f"{compiler.quote_name_unless_alias(alias)}.{connection.ops.quote_name(column)}"
        return f"{name} = ANY(%s::bigint[])", [self.ids]


# Listing filters and reads ---------------------------------------------------------------------


def in_categories(queryset, category_ids: list[int]):
    return queryset.alias(category_ids=CategoryIds()).filter(category_ids__overlap=category_ids)


def with_ids(queryset, ids: list[int]):
    """The ids go as one array (``= ANY``): ``IN`` takes a parameter per id, and quoting 1,000
    of them into the statement costs more Python time than PostgreSQL takes to rank them."""
    return queryset.filter(PkIsAny(ids))


def card_categories(queryset):
    """A result card's categories: the row's own category ids (``card_category_ids``), named
    from the cached taxonomy, at no extra query."""
    return queryset.annotate(card_category_ids=CategoryIds())


# Keyword matching ------------------------------------------------------------------------------


def tsquery(model, query: str):
    """The tsquery the directory backend builds for `query`."""
    results = model._default_manager.all().search(search_terms(query), backend="directory")
    compiler = results.query_compiler
    return compiler.build_tsquery(compiler.query, config=compiler.get_config(results.backend))


def matches(listed, query: str):
    """Listings of `listed` matching `query`, unranked and unordered: on the listing's own copy
    of its search vector, with the tsquery the backend builds, so filters on the listing
    combine with the match in one index scan."""
    return (
        listed.alias(search_document=SearchDocument())
        .filter(search_document=tsquery(listed.model, query))
        .order_by()  # no sort: a LIMIT stops the scan early
    )


def relevance(model, query: str):
    """A listing's relevance to `query` (needs the search_document alias): its full-text rank
    plus the exact-name bonus. Listings rank by it, then newest first."""
    exact = exact_match_bonus(model.search_exact_field, query, EXACT_MATCH_BONUS)
    return SearchRank(F("search_document"), tsquery(model, query)) + exact


def ranked(listings, query: str, ids: list[int]):
    """The listings `ids` (all matching `query`), best first: ranked on their own
    search_document (the weighted vector the backend ranks) plus the exact-name bonus, without
    joining the search index."""
    if not ids or not search_terms(query):
        return listings.none()
    return (
        listings.with_ids(ids)
        .alias(search_document=SearchDocument())
        .annotate(relevance=relevance(listings.model, query))
        .order_by("-relevance", "-pk")
    )


def best_ids(queryset, query: str, limit: int) -> list[int]:
    """The ids of the `limit` listings of `queryset` (matches of `query`, with the
    search_document alias) that rank best, newest first among equals."""
    ranked = queryset.annotate(relevance=relevance(queryset.model, query))
    return list(ranked.order_by("-relevance", "-pk").values_list("pk", flat=True)[:limit])


def sample(matches, query: str, limit: int):
    """The `limit` best-ranked matches as (listing, town slug, town, category) rows, with
    each listing's relevance read in the same pass, and whether there were more. One row per
    listing: its categories come from its own category ids, so the limit counts listings.

    Ranking every match (a top-N sort) costs about what reading them does: 38 ms for a word
    in 4,000 of 20,000 listings, against 20 ms to read the first 1,001 in storage order, which
    left a broad search ranking only the oldest listings."""
    found = list(
        matches.annotate(
            sample_category_ids=CategoryIds(), relevance=relevance(matches.model, query)
        )
        .order_by("-relevance", "-pk")
        .values_list("pk", "city_slug", "city", "sample_category_ids", "relevance")[: limit + 1]
    )
    rows = [
        (pk, city_slug, city, category_id)
        for pk, city_slug, city, category_ids, _relevance in found[:limit]
        for category_id in (category_ids or [None])
    ]
    ranks = {row[0]: row[4] for row in found[:limit]}
    return rows, ranks, len(found) > limit


# "Did you mean ...?" ----------------------------------------------------------------------------

# pg_trgm's similarity (shared trigrams / all trigrams) a near word must reach, its own default
# for the % operator: "bakry" is 0.44 of "bakery", "riverbend" 0.33 of "riverside".
MIN_SIMILARITY = 0.3
CLOSEST_SQL = """
SELECT term.value, best.word, best.score
FROM unnest(%s::text[]) AS term(value)
CROSS JOIN LATERAL (
    SELECT word, similarity(word, term.value) AS score
    FROM unnest(%s::text[]) AS candidate(word)
    WHERE similarity(word, term.value) >= %s
    ORDER BY score DESC, word
    LIMIT 1
) AS best
"""


def closest(terms: list[str], candidates: list[str]) -> dict[str, tuple[str, float]]:
    """For each of `terms`, the nearest of `candidates` by trigram similarity (pg_trgm), and
    how near, if near enough: one query for every term."""
    with connection.cursor() as cursor:
        cursor.execute(CLOSEST_SQL, [terms, candidates, MIN_SIMILARITY])
        return {term: (word, score) for term, word, score in cursor.fetchall()}


# The search backend's query --------------------------------------------------------------------


class StemOrWord(CombinedSearchQuery):
    """The last word stemmed OR as typed: ``stemmed || word``, or only ``word`` when the stem is
    the word itself ('plumb':*). The matches and the rank are the same (ts_rank drops repeated
    operands), but PostgreSQL estimates an OR as the sum of its sides: two equal prefixes were
    estimated at twice their (already overestimated) matches, so the keyword sample read the
    table instead of the index (30 ms instead of 4 at 100,000 listings). The CASE folds to one
    constant while planning: to_tsquery with a fixed configuration is immutable."""

    def __init__(self, stemmed, word):
        super().__init__(stemmed, self.BITOR, word, stemmed.config)

    def as_sql(self, compiler, connection):
        stemmed, stemmed_params = compiler.compile(self.lhs)
        word, word_params = compiler.compile(self.rhs)
        sql = f"CASE WHEN {stemmed} = {word} THEN {word} ELSE ({stemmed} || {word}) END"
        params = [*stemmed_params, *word_params, *word_params, *stemmed_params, *word_params]
        return sql, params


@functools.cache
def search_query_compiler():
    """The backend's query compiler (backend.py). Made on first use: modelsearch's PostgreSQL
    module reads its index model when imported, which the app registry has only once every
    app's models are loaded, after this module."""
    from modelsearch.backends.database.postgres.postgres import PostgresSearchQueryCompiler

    class SearchQueryCompiler(PostgresSearchQueryCompiler):
        """The last word is a prefix, matched both stemmed ('bakeries' -> 'bakeri':*) and
        unstemmed against the autocomplete vector, because a partial word can be longer than its
        stem ('plumbin' vs the stem 'plumb' of "plumbing"). The vector searched is
        (title || body || autocomplete), the expression of the GIN index on Wagtail's index
        entries (directory/sql/0002_search_indexes.sql)."""

        LAST_TERM_IS_PREFIX = True

        def build_tsquery_content(self, query, config=None, invert=False):
            if not isinstance(query, PlainText) or invert:
                return super().build_tsquery_content(query, config=config, invert=invert)
            terms = [term for term in re.split(r"[\s\-]+", query.query_string) if term]
            if not terms:
                return None
            *head, last = terms
            prefix = len(last) >= MIN_PREFIX_LENGTH
            last_query = StemOrWord(
                SearchQuery(Lexeme(last, prefix=prefix), search_type="raw", config=config),
                SearchQuery(Lexeme(last, prefix=prefix), search_type="raw", config="simple"),
            )
            if not head:
                return last_query
            combine = (lambda a, b: a & b) if query.operator == "and" else (lambda a, b: a | b)
            head_query = SearchQuery(
                reduce(combine, [Lexeme(term) for term in head]), search_type="raw", config=config
            )
            return combine(head_query, last_query)

        def get_index_vectors(self, search_query):
            return [
                *super().get_index_vectors(search_query),
                (F("index_entries__autocomplete"), 1.0),
            ]

        def _build_rank_expression(self, vectors, config):
            # The bonus goes inside the rank: a separate leading ORDER BY key made PostgreSQL sort
            # the whole filtered set first (seconds at a million listings).
            rank = super()._build_rank_expression(vectors, config)
            exact = compiler_exact_match(self, self.queryset, bonus=EXACT_MATCH_BONUS)
            return rank if exact is None else rank + exact

    return SearchQueryCompiler
