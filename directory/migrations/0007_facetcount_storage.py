"""PostgreSQL only: keep the facet summary small while its triggers rewrite it
(directory/sql/0007_facetcount_storage.sql).

Every listing write moves a few counts in directory_facetcount, and an UPDATE writes a new row
version. Packed full, the table had no room for the new version on the same page, so each
update also added index entries and left a dead row elsewhere: after generating 100,000
listings the table held 17,558 rows on 2,306 pages (eight a page), and summing it took 9 ms
instead of 3.

- ``fillfactor = 50`` leaves half of each page free, so an update that changes only ``n`` (no
  indexed column) stays on its page as a HOT update, and the page prunes its own dead versions
  the next time it is read, without waiting for VACUUM.
- Autovacuum visits the table after every 1,000 changed rows rather than after a fifth of it, so
  the dead versions HOT can't reuse don't pile up between visits.
- ``VACUUM FULL`` rewrites it compactly now (it is a few thousand rows: milliseconds).

Most of its rows belong to dates already past: the counts of listings that lapsed, never summed
again (at 1,000,000 generated listings, 56,789 of 64,692 rows). An index on ``public_until``
lets the day's sum read only the current rows: 8 ms -> 5 ms at that size.
"""

from django.db import migrations, models

from chamber.migration_sql import read_sql, run_sql_file

COMPACT_SHA256 = "fbf8aec5f50d88c1852a4e221448c3ab8b3eb89f357075dbd6f76080fdde0e8e"


def compact(apps, schema_editor):
    sql = read_sql("directory", "0007_facetcount_storage.compact", sha256=COMPACT_SHA256)
    connection = schema_editor.connection
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    atomic = False  # VACUUM can't run inside a transaction

    dependencies = [("directory", "0006_category_ids")]

    operations = [
        migrations.AddIndex(
            model_name="facetcount",
            index=models.Index(fields=["public_until"], name="directory_facetcount_until"),
        ),
        migrations.RunPython(
            run_sql_file("directory", "0007_facetcount_storage", sha256="cc2799f9800424abdb8fc7915ddf3cc8ea37604c7e028c0661f733b805df96a3"),
            run_sql_file("directory", "0007_facetcount_storage.reverse", sha256="f6cebe79ee366bd8a9787bb28eb6dd43d03aa544c4d2b80df012bf42e51f37ed"),
        ),
        migrations.RunPython(compact, migrations.RunPython.noop),
    ]
