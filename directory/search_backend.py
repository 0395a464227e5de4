"""Wagtail's database search backend, tuned for finding businesses as people type.

Configured as the "directory" entry of WAGTAILSEARCH_BACKENDS: it reads the same index as the
default backend (AUTO_UPDATE is off, so nothing is indexed twice) and changes only how a query
is built and ranked:

- The last word is a prefix ("bak" finds "Bakery"). On PostgreSQL it is matched both stemmed
  ('bakeries' -> 'bakeri':*) and unstemmed against the autocomplete vector, because a partial
  word can be longer than its stem ('plumbin' vs the stem 'plumb' of "plumbing").
- A listing whose name is exactly the query ranks first.
- On PostgreSQL the vector searched is (title || body || autocomplete), the expression of the
  GIN index created by directory's migration 0002, so the search can use an index.
"""

import re
from functools import cache, reduce

from django.db.models import Case, F, FloatField, Value, When
from modelsearch.backends.database import SearchBackend as database_search_backend
from modelsearch.query import PlainText

# A one- or two-letter prefix matches a large share of all words: cheap to type, costly to
# run (about 250 ms at a million listings), so such a last word must match whole.
MIN_PREFIX_LENGTH = 3
EXACT_MATCH_BONUS = 100


def exact_name(query: str) -> str:
    """The query as a name to compare exactly (case aside): runs of spaces count as one."""
    return " ".join(query.split())


def exact_match_bonus(field: str, query: str, bonus: float = 1):
    """CASE WHEN <field> = <the whole query> (case-insensitive) THEN bonus ELSE 0."""
    return Case(
        When(**{f"{field}__iexact": exact_name(query)}, then=Value(float(bonus))),
        default=Value(0.0),
        output_field=FloatField(),
    )


def _exact_match(compiler, queryset, bonus: float = 1):
    field = getattr(queryset.model, "search_exact_field", None)
    if not (field and compiler.order_by_relevance and isinstance(compiler.query, PlainText)):
        return None
    return exact_match_bonus(field, compiler.query.query_string, bonus)


@cache
def _postgres_compiler():
    from django.contrib.postgres.search import CombinedSearchQuery, SearchQuery
    from modelsearch.backends.database.postgres.postgres import PostgresSearchQueryCompiler
    from modelsearch.backends.database.postgres.query import Lexeme

    class StemOrWord(CombinedSearchQuery):
        """The last word stemmed OR as typed: ``stemmed || word``, or only ``word`` when the
        stem is the word itself ('plumb':*). The matches and the rank are the same (ts_rank
        drops repeated operands), but PostgreSQL estimates an OR as the sum of its sides: two
        equal prefixes were estimated at twice their (already overestimated) matches, so the
        keyword sample read the table instead of the index (30 ms instead of 4 at 100,000
        listings). The CASE folds to one constant while planning: to_tsquery with a fixed
        configuration is immutable."""

        def __init__(self, stemmed, word):
            super().__init__(stemmed, self.BITOR, word, stemmed.config)

        def as_sql(self, compiler, connection):
            stemmed, stemmed_params = compiler.compile(self.lhs)
            word, word_params = compiler.compile(self.rhs)
            sql = f"CASE WHEN {stemmed} = {word} THEN {word} ELSE ({stemmed} || {word}) END"
            params = [*stemmed_params, *word_params, *word_params, *stemmed_params, *word_params]
            return sql, params

    class DirectoryPostgresSearchQueryCompiler(PostgresSearchQueryCompiler):
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
            # The bonus goes inside the rank: a separate leading ORDER BY key made PostgreSQL
            # sort the whole filtered set first (seconds at a million listings).
            rank = super()._build_rank_expression(vectors, config)
            exact = _exact_match(self, self.queryset, bonus=EXACT_MATCH_BONUS)
            return rank if exact is None else rank + exact

    return DirectoryPostgresSearchQueryCompiler


@cache
def _sqlite_compiler():
    from modelsearch.backends.database.sqlite.sqlite import SQLiteSearchQueryCompiler

    class DirectorySQLiteSearchQueryCompiler(SQLiteSearchQueryCompiler):
        LAST_TERM_IS_PREFIX = True  # FTS5: "riverbend" AND "bak"* (no stemming on SQLite)

        def search(self, config, start, stop, score_field=None):
            queryset = super().search(config, None, None, score_field=score_field)
            exact = _exact_match(self, queryset)
            if exact is not None:
                queryset = queryset.order_by(exact.desc(), *queryset.query.order_by)
            return queryset[start:stop]

    return DirectorySQLiteSearchQueryCompiler


def SearchBackend(params):  # modelsearch looks the factory up by this name
    backend = database_search_backend(params)  # picks the vendor's class at run time
    vendor = type(backend).__module__.rsplit(".", 1)[-1]
    if vendor == "postgres":
        backend.query_compiler_class = _postgres_compiler()
    elif vendor == "sqlite":
        backend.query_compiler_class = _sqlite_compiler()
    return backend
