-- Migration 0006 was edited after some databases had run it: its first version kept the
-- category ids with two trigger functions (directory_category_ids_added / _removed, on
-- transition tables named added_links / removed_links); the edited one uses a single
-- function, directory_category_ids_links(), on tables named links. This brings a database
-- migrated with either version to the same triggers. Safe to run on either: it replaces.

CREATE OR REPLACE FUNCTION directory_category_ids_links() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE directory_business b
    SET category_ids = directory_category_ids_of(b.id)
    WHERE b.id IN (SELECT DISTINCT business_id FROM links);
    RETURN NULL;
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

DROP FUNCTION IF EXISTS directory_category_ids_added();
DROP FUNCTION IF EXISTS directory_category_ids_removed();
