"""The search query as typed: the same rules on every database.

- Only words count: letters and digits in any script. Everything else separates words for the
  full-text parsers anyway, and must not reach them raw (SQLite FTS5 has its own syntax).
- The last word is a prefix ("bak" finds "Bakery"), if it is long enough to be worth one.
- A listing whose name is exactly the query ranks first.
"""

import re

from django.db.models import Case, FloatField, Value, When
from modelsearch.query import PlainText

WORD = re.compile(r"\w+")
# A one- or two-letter prefix matches a large share of all words: cheap to type, costly to
# run (about 250 ms at a million listings), so such a last word must match whole.
MIN_PREFIX_LENGTH = 3
EXACT_MATCH_BONUS = 100


def search_terms(query: str) -> str:
    return " ".join(WORD.findall(query))


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


def compiler_exact_match(compiler, queryset, bonus: float = 1):
    """The exact-name bonus for a search compiler's query, when it ranks by relevance and the
    model names its exact field (`search_exact_field`); None otherwise."""
    field = getattr(queryset.model, "search_exact_field", None)
    if not (field and compiler.order_by_relevance and isinstance(compiler.query, PlainText)):
        return None
    return exact_match_bonus(field, compiler.query.query_string, bonus)
