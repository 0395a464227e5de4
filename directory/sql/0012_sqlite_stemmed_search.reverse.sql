DROP TRIGGER IF EXISTS directory_business_fts_insert;
DROP TRIGGER IF EXISTS directory_business_fts_update;
DROP TRIGGER IF EXISTS directory_business_fts_delete;
DROP TABLE IF EXISTS directory_business_stems;
DROP TABLE IF EXISTS directory_business_words;
