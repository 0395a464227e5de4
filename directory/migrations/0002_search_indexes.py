"""PostgreSQL-only indexes that let the directory's full-text search use an index.

- A GIN index on the expression the directory search backend queries,
  (title || body || autocomplete) of Wagtail's search index entries: the separate indexes
  Wagtail ships on each column can't serve a query on their concatenation.
- An index on the listing id as text, the type index entries refer to objects by, so the join
  from index entries to listings is an index lookup instead of a hash join over every listing.
"""

from django.db import migrations

CREATE = [
    "CREATE INDEX IF NOT EXISTS directory_indexentry_search_gin ON wagtailsearch_indexentry "
    "USING gin (((title || body) || autocomplete))",
    "CREATE INDEX IF NOT EXISTS directory_business_id_text ON directory_business "
    "(((id)::varchar(50)))",
]
DROP = [
    "DROP INDEX IF EXISTS directory_indexentry_search_gin",
    "DROP INDEX IF EXISTS directory_business_id_text",
]


def run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0001_initial"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = [migrations.RunPython(run(CREATE), run(DROP))]
