"""PostgreSQL only: each listing's category ids on its own row, and sort indexes that cover them.

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

from directory.facet_sql import postgresql_only

INSTALL = r"""
ALTER TABLE directory_business
    ADD COLUMN IF NOT EXISTS category_ids integer[] NOT NULL DEFAULT '{}';

CREATE OR REPLACE FUNCTION directory_category_ids_of(p_business bigint) RETURNS integer[]
LANGUAGE sql STABLE AS $$
    SELECT COALESCE(array_agg(bc.category_id::integer ORDER BY bc.category_id), '{}')
    FROM directory_business_categories bc
    WHERE bc.business_id = p_business
$$;

-- Both statement triggers name their transition table "links": the rows inserted, or the
-- rows deleted.
CREATE OR REPLACE FUNCTION directory_category_ids_links() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE directory_business b
    SET category_ids = directory_category_ids_of(b.id)
    WHERE b.id IN (SELECT DISTINCT business_id FROM links);
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION directory_category_ids_on_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.category_ids := directory_category_ids_of(NEW.id);
    RETURN NEW;
END $$;

DROP TRIGGER IF EXISTS directory_category_ids_added ON directory_business_categories;
CREATE TRIGGER directory_category_ids_added
AFTER INSERT ON directory_business_categories
REFERENCING NEW TABLE AS links
FOR EACH STATEMENT EXECUTE FUNCTION directory_category_ids_links();

DROP TRIGGER IF EXISTS directory_category_ids_removed ON directory_business_categories;
CREATE TRIGGER directory_category_ids_removed
AFTER DELETE ON directory_business_categories
REFERENCING OLD TABLE AS links
FOR EACH STATEMENT EXECUTE FUNCTION directory_category_ids_links();

DROP TRIGGER IF EXISTS directory_category_ids_on_insert ON directory_business;
CREATE TRIGGER directory_category_ids_on_insert
BEFORE INSERT ON directory_business
FOR EACH ROW EXECUTE FUNCTION directory_category_ids_on_insert();

UPDATE directory_business b
SET category_ids = links.ids
FROM (
    SELECT business_id, array_agg(category_id::integer ORDER BY category_id) AS ids
    FROM directory_business_categories
    GROUP BY business_id
) links
WHERE links.business_id = b.id;

CREATE INDEX IF NOT EXISTS directory_business_category_ids
ON directory_business USING gin (category_ids);

DROP INDEX IF EXISTS directory_featured_order;
CREATE INDEX directory_featured_order
ON directory_business (is_featured DESC, name, id) INCLUDE (category_ids, public_until)
WHERE live;

DROP INDEX IF EXISTS directory_city_featured_order;
CREATE INDEX directory_city_featured_order
ON directory_business (city_slug, is_featured DESC, name, id) INCLUDE (category_ids, public_until)
WHERE live;
"""

UNINSTALL = r"""
DROP INDEX IF EXISTS directory_featured_order;
CREATE INDEX directory_featured_order
ON directory_business (is_featured DESC, name, id) WHERE live;
DROP INDEX IF EXISTS directory_city_featured_order;
CREATE INDEX directory_city_featured_order
ON directory_business (city_slug, is_featured DESC, name, id) WHERE live;
DROP TRIGGER IF EXISTS directory_category_ids_on_insert ON directory_business;
DROP TRIGGER IF EXISTS directory_category_ids_removed ON directory_business_categories;
DROP TRIGGER IF EXISTS directory_category_ids_added ON directory_business_categories;
DROP FUNCTION IF EXISTS directory_category_ids_on_insert();
DROP FUNCTION IF EXISTS directory_category_ids_links();
DROP FUNCTION IF EXISTS directory_category_ids_of(bigint);
DROP INDEX IF EXISTS directory_business_category_ids;
ALTER TABLE directory_business DROP COLUMN IF EXISTS category_ids;
"""


class Migration(migrations.Migration):
    dependencies = [("directory", "0005_account_area")]

    operations = [migrations.RunPython(postgresql_only(INSTALL), postgresql_only(UNINSTALL))]
