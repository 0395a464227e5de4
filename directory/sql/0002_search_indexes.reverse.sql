DROP INDEX IF EXISTS directory_indexentry_search_gin;
DROP INDEX IF EXISTS directory_business_id_text;
