DROP TRIGGER IF EXISTS directory_copy_search_document ON wagtailsearch_indexentry;
DROP FUNCTION IF EXISTS directory_copy_search_document();
DROP INDEX IF EXISTS directory_business_search_document;
ALTER TABLE directory_business DROP COLUMN IF EXISTS search_document;
