"""Bring databases migrated with the first versions of 0006 and 0007 to what those migrations
do now: both were edited after they had run on some databases (a trigger function renamed, an
index added), so such a database never got the change. Each statement replaces or adds only
what is missing, so a database migrated with the edited versions is left as it is.

- directory/sql/0009_category_ids_links.sql (PostgreSQL): the category-ids triggers on one
  function, the two old functions dropped;
- directory/sql/0009_facetcount_until_index.sql (every database): the facet summary's index on
  ``public_until``.
"""

from django.db import migrations

from chamber.migration_sql import run_sql_file


class Migration(migrations.Migration):
    dependencies = [("directory", "0008_sort_indexes")]

    operations = [
        migrations.RunPython(
            run_sql_file(
                "directory",
                "0009_category_ids_links",
                sha256="d36352a340319bb70efdb2b8387068ea1e8389f913826c963af1eb18ea7bc602",
            ),
            migrations.RunPython.noop,
        ),
        migrations.RunPython(
            run_sql_file(
                "directory",
                "0009_facetcount_until_index",
                sha256="e210ae1d3816a150aca9fc537d81f3957bc7d03a07288fe967581eb8d1b1b04a",
                vendor=None,
            ),
            migrations.RunPython.noop,
        ),
    ]
