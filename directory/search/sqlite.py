"""SQLite (the embedded default): the directory's own FTS5 tables, stemmed by the porter
tokenizer; facet counts are counted from the listings themselves. The same functions as
postgres.py, by the plainest SQL."""

import difflib
import functools

from django.db.models import BooleanField, Expression, FloatField, Prefetch

from directory.search.query import (
    EXACT_MATCH_BONUS,
    MIN_PREFIX_LENGTH,
    compiler_exact_match,
    exact_match_bonus,
    search_terms,
)

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
#
# On the directory's own FTS5 tables (directory/sql/0012_sqlite_stemmed_search.sql), one row per
# listing, rowid = listing id: `directory_business_stems` is stemmed by the porter tokenizer
# (the query's words are stemmed the same way, so "plumbers" meets "plumber" and "bakery" meets
# "Bakeries"), `directory_business_words` is as typed. Every word must match; the last is a
# prefix (if long enough), stemmed or as typed, like StemOrWord on PostgreSQL: "plumbin" is
# longer than "plumb", the stem of "plumbing", so only the unstemmed copy holds it.

STEMS = "directory_business_stems"
WORDS = "directory_business_words"
# bm25 weights of the stemmed table's columns (name, categories, body): the name weighs as
# its boost does on PostgreSQL (10), a category name or synonym half that.
COLUMN_WEIGHTS = (10.0, 5.0, 1.0)


def _phrase(word: str, *, prefix: bool = False) -> str:
    """One word as an FTS5 string (its own syntax can't leak in: words are letters/digits)."""
    return '"' + word.replace('"', '""') + '"' + ("*" if prefix else "")


def fts_queries(query: str) -> tuple[str, str, str] | None:
    """The FTS5 queries for `query`: (every word, the last a prefix; every word but the last;
    the last word as a prefix, or "" when it is too short to be one). None: no words."""
    terms = search_terms(query).split()
    if not terms:
        return None
    *head, last = terms
    prefix = len(last) >= MIN_PREFIX_LENGTH
    head_query = " ".join(_phrase(term) for term in head)
    every = " ".join(filter(None, [head_query, _phrase(last, prefix=prefix)]))
    return every, head_query, _phrase(last, prefix=True) if prefix else ""


class _ListingText(Expression):
    """An expression about the listing row of the query, over the directory's FTS5 tables."""

    def __init__(self, query: str):
        super().__init__()
        self.fts = fts_queries(query)

    @staticmethod
    def listing_pk(compiler, connection) -> str:
        alias = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        return f"{alias}.{connection.ops.quote_name(compiler.query.model._meta.pk.column)}"


class FullTextMatch(_ListingText):
    """The listing's id is among the rows of the stemmed table matching every word, or (for a
    last word typed part-way) of the stemmed table matching the others and the unstemmed one
    matching the last. (S608: only the constant table names and the quoted id column are
    written into the SQL; the words go as parameters.)"""

    output_field = BooleanField()

    def as_sql(self, compiler, connection):
        pk = self.listing_pk(compiler, connection)
        every, head, last = self.fts
        sql = f"{pk} IN (SELECT rowid FROM {STEMS} WHERE {STEMS} MATCH %s)"  # noqa: S608
        params = [every]
        if last and head:
            sql += (
                f" OR {pk} IN (SELECT s.rowid FROM {STEMS} s JOIN {WORDS} w ON w.rowid = s.rowid"  # noqa: S608
                f" WHERE s.{STEMS} MATCH %s AND w.{WORDS} MATCH %s)"
            )
            params += [head, last]
        elif last:
            sql += f" OR {pk} IN (SELECT rowid FROM {WORDS} WHERE {WORDS} MATCH %s)"  # noqa: S608
            params += [last]
        return f"({sql})", params


class FullTextRank(_ListingText):
    """How well the listing matches (higher is better): bm25 on the stemmed table, its name
    and category columns weighted (COLUMN_WEIGHTS), or on the unstemmed table for a listing
    only the last word typed part-way found."""

    output_field = FloatField()

    def as_sql(self, compiler, connection):
        pk = self.listing_pk(compiler, connection)
        every, _head, last = self.fts
        weights = ", ".join(str(weight) for weight in COLUMN_WEIGHTS)
        stemmed = (
            f"(SELECT -bm25({STEMS}, {weights}) FROM {STEMS}"  # noqa: S608
            f" WHERE {STEMS} MATCH %s AND rowid = {pk})"
        )
        params = [every]
        if last:
            unstemmed = (
                f"(SELECT -bm25({WORDS}) FROM {WORDS} WHERE {WORDS} MATCH %s AND rowid = {pk})"  # noqa: S608
            )
            return f"coalesce({stemmed}, {unstemmed}, 0.0)", [*params, last]
        return f"coalesce({stemmed}, 0.0)", params


def matches(listed, query: str):
    """Listings of `listed` matching `query`, unranked and unordered, as a queryset that takes
    further filters."""
    if fts_queries(query) is None:
        return listed.none()
    return listed.filter(FullTextMatch(query)).order_by()


def relevance(model, query: str):
    """A listing's relevance to `query`: its full-text rank plus the exact-name bonus."""
    exact = exact_match_bonus(model.search_exact_field, query, EXACT_MATCH_BONUS)
    return FullTextRank(query) + exact


def ranked_matches(listed, query: str):
    """Listings of `listed` matching `query`, best first, newest first among equals."""
    return (
        matches(listed, query)
        .annotate(relevance=relevance(listed.model, query))
        .order_by("-relevance", "-pk")
    )


def ranked(listings, query: str, ids: list[int]):
    """The publicly listed listings `ids` (all matching `query`), best first."""
    if not ids:
        return listings.none()
    return ranked_matches(listings.publicly_listed(), query).filter(pk__in=ids)


def best_ids(queryset, query: str, limit: int) -> list[int]:
    """The ids of the `limit` listings of `queryset` (matches of `query`) that rank best."""
    ranked = queryset.annotate(relevance=relevance(queryset.model, query))
    return list(ranked.order_by("-relevance", "-pk").values_list("pk", flat=True)[:limit])


def sample(matches, query: str, limit: int):
    """The (listing, town slug, town, category) rows, one per category link, of the
    best-ranked matches, at most `limit`, and whether there were more. Ranking every match is
    cheap at the sizes an embedded database serves. The relevance is not kept: ranking the
    page is a query of its own here."""
    ranked = matches.annotate(relevance=relevance(matches.model, query))
    rows = list(
        ranked.order_by("-relevance", "-pk").values_list("pk", "city_slug", "city", "categories")[
            : limit + 1
        ]
    )
    return rows[:limit], {}, len(rows) > limit


# "Did you mean ...?" ----------------------------------------------------------------------------

# difflib's ratio (2 * matching characters / total length) a near word must reach: "bakry" is
# 0.91 of "bakery", "resturant" 0.95 of "restaurant", "riverbend" 0.67 of "riverside".
MIN_SIMILARITY = 0.75


def closest(terms: list[str], candidates: list[str]) -> dict[str, tuple[str, float]]:
    """For each of `terms`, the nearest of `candidates` and how near, if near enough."""
    found = {}
    for term in terms:
        for word in difflib.get_close_matches(term, candidates, n=1, cutoff=MIN_SIMILARITY):
            found[term] = (word, difflib.SequenceMatcher(None, term, word).ratio())
    return found


# The search backend's query --------------------------------------------------------------------


@functools.cache
def search_query_compiler():
    """The backend's query compiler (backend.py), made on first use as in postgres.py."""
    from modelsearch.backends.database.sqlite.sqlite import SQLiteSearchQueryCompiler

    class SearchQueryCompiler(SQLiteSearchQueryCompiler):
        """Wagtail's index, as typed: site search's pages (the directory's listings are
        searched on its own stemmed tables, above)."""

        LAST_TERM_IS_PREFIX = True  # FTS5: "riverbend" AND "bak"*

        def search(self, config, start, stop, score_field=None):
            queryset = super().search(config, None, None, score_field=score_field)
            exact = compiler_exact_match(self, queryset)
            if exact is not None:
                queryset = queryset.order_by(exact.desc(), *queryset.query.order_by)
            return queryset[start:stop]

    return SearchQueryCompiler
