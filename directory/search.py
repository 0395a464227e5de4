"""Keyword search over publicly listed businesses (see directory/search_backend.py)."""

from directory.models import Business


def ranked_matches(query: str):
    """Publicly listed businesses matching `query`, best first, as a plain queryset.

    A queryset (rather than Wagtail's SearchResults) lets the directory apply its own filters,
    count facets and paginate over the matches with ordinary SQL.
    """
    results = Business.objects.publicly_listed().search(query, backend="directory")
    return results.get_queryset()
