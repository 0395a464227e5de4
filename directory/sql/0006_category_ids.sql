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
