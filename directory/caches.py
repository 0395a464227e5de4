"""The directory's cached reads and when they are dropped.

Two namespaces of `chamber.caching` (a version bump drops a whole namespace, for every
process at once):

- TAXONOMY: the category tree and the levels (directory/taxonomy.py), dropped when staff
  change a category or a level;
- FACETS: facet counts, facet tables and keyword matches (directory/facets.py,
  directory/selectors.py), dropped whenever what is listed, or where, may have changed: a
  listing, member, category or standing change.
"""

from chamber.caching import bump_cache_version
from chamber.transactions import on_commit_once

TAXONOMY = "taxonomy"
FACETS = "directory-facets"


def taxonomy_changed() -> None:
    bump_cache_version(TAXONOMY)


def listings_changed() -> None:
    """Drop cached facet counts: what is listed, or where, may have changed.

    Now, and again once the transaction commits, so that a request that read the old rows
    meanwhile cannot leave its counts cached. A transaction that changes many listings (an
    import, the demo, a bulk action) queues that second drop once.
    """
    drop_facets()
    on_commit_once(drop_facets)


def drop_facets() -> None:
    bump_cache_version(FACETS)
