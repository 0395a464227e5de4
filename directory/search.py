"""Keyword search over publicly listed businesses (see directory/search_backend.py)."""

import re

from directory.models import Business

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
