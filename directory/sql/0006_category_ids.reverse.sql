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
