"""Keyword search over listings, and every part of the directory that differs by database.

- ``query.py``: the query as typed: its searchable words, the exact-name rule, the prefix rule;
- ``postgres.py`` and ``sqlite.py``: each database's own expressions and SQL behind the same
  functions (category filters, id lists, card categories, matching, ranking, the keyword
  sample, whether the facet summary exists); `database()` below is the one place that picks;
- ``backend.py``: the Wagtail search backend ("directory" in WAGTAILSEARCH_BACKENDS) that
  builds and ranks the full-text query;
- ``keywords.py``: what a keyword search finds: its matches in order, and the facet counts of
  the sample it reads once.

Neither database module imports the directory's models: the listing queryset asks them for its
own filters (``Business.objects.in_categories``), so they must load before it.
"""

from django.db import connection

from directory.search import postgres, sqlite


def database():
    """The module for the database in use: `postgres` or `sqlite`."""
    return postgres if connection.vendor == "postgresql" else sqlite
