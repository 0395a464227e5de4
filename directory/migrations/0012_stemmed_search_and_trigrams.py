"""Search that finds what people type (issue #22):

- SQLite: the directory's own FTS5 tables, stemmed (porter) and as typed, one row per listing,
  kept by triggers on Wagtail's search index (directory/sql/0012_sqlite_stemmed_search.sql), so
  "bakery" finds the Bakeries category and "plumbers" finds "plumber";
- PostgreSQL: the pg_trgm extension, for "Did you mean ...?" (directory/sql/0012_trigram.sql).

Each file runs on its own database only and does nothing on the other.
"""

from django.db import migrations

from chamber.migration_sql import run_sql_file


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0011_category_synonyms"),
        ("wagtailsearch", "0010_add_text_fields"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(
            run_sql_file(
                "directory",
                "0012_sqlite_stemmed_search",
                sha256="9f20926857ab09b7f8c3e08f63fcf43c0190b37cffd6762b00a1c916aa28699c",
                vendor="sqlite",
            ),
            run_sql_file(
                "directory",
                "0012_sqlite_stemmed_search.reverse",
                sha256="027a81b524e2cd6b023e119dbdaea412cb77c746cb32b8139545d6d82c6d27fa",
                vendor="sqlite",
            ),
        ),
        migrations.RunPython(
            run_sql_file(
                "directory",
                "0012_trigram",
                sha256="1e897ada91acbc5fd2d3e5981a5f49a27ce29ef1fde01d9010439ef0f8ebef49",
            ),
            migrations.RunPython.noop,
        ),
    ]
