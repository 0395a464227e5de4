"""PostgreSQL only: each listing's category ids on its own row, and sort indexes that cover them
(directory/sql/0006_category_ids.sql).

The directory's default page (category + town, featured first) was a walk down the town's
featured-order index that probed the category link table for every listing until it had 20:
about 1,000 probes, 7-40 ms at 100,000 listings. With the listing's category ids in an integer
array beside it, the two featured-order indexes can carry that array and ``public_until`` as
INCLUDE columns, and the same walk becomes an index-only scan that tests both without leaving
the index: 0.2-0.6 ms. The indexes keep their names and key columns, so Django's model state
(Business.Meta.indexes) still describes them; on SQLite they stay plain.

``category_ids`` holds the listing's own categories (not their parents): a filter on a parent
asks for an overlap with the parent and its children, from the cached taxonomy. Triggers keep it
equal to the link table whatever writes the links (the admin, the account area, COPY in
generate_listings): statement-level triggers with transition tables rewrite each touched
listing once per statement, and a listing inserted after its links (foreign keys are
deferrable) reads them on the way in. A GIN index serves the rarer plans (a category in no
particular town, deep pages).
"""

from django.db import migrations

from chamber.migration_sql import run_sql_file


class Migration(migrations.Migration):
    dependencies = [("directory", "0005_account_area")]

    operations = [
        migrations.RunPython(
            run_sql_file("directory", "0006_category_ids", sha256="c1aff89278c69b52f2a7b000640c4d38870c3e848e207a2e5bffd41b3ff8bc4f"),
            run_sql_file("directory", "0006_category_ids.reverse", sha256="a02ee83376476908f16ae941c0ed39998f4905f5bbe28e216cb244c17cc728c6"),
        ),
    ]
