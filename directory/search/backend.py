"""Wagtail's database search backend, tuned for finding businesses as people type.

Configured as the "directory" entry of WAGTAILSEARCH_BACKENDS: it reads the same index as the
default backend (AUTO_UPDATE is off, so nothing is indexed twice) and changes only how a query
is built and ranked, by the database's own compiler (`search_query_compiler()` in postgres.py
or sqlite.py): the last word is a prefix, and a listing whose name is exactly the query ranks
first.
"""

from modelsearch.backends.database import SearchBackend as database_search_backend

from directory.search import database


def SearchBackend(params):  # modelsearch looks the factory up by this name
    backend = database_search_backend(params)
    backend.query_compiler_class = database().search_query_compiler()
    return backend
