"""PostgreSQL-only indexes that let the directory's full-text search use an index
(directory/sql/0002_search_indexes.sql).

- A GIN index on the expression the directory search backend queries,
  (title || body || autocomplete) of Wagtail's search index entries: the separate indexes
  Wagtail ships on each column can't serve a query on their concatenation.
- An index on the listing id as text, the type index entries refer to objects by, so the join
  from index entries to listings is an index lookup instead of a hash join over every listing.
"""

from django.db import migrations

from chamber.migration_sql import run_sql_file


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0001_initial"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = [
        migrations.RunPython(
            run_sql_file("directory", "0002_search_indexes", sha256="8e7a013fca9b2efcfde424696767f3d596542be9655ca76827aecc7f489fe60e"),
            run_sql_file("directory", "0002_search_indexes.reverse", sha256="05e97e5fed85f8468f6163bd1d30e153b516e8a7b8146c83441eeb63ca133e8c"),
        ),
    ]
