ALTER TABLE directory_business ADD COLUMN IF NOT EXISTS search_document tsvector;

CREATE OR REPLACE FUNCTION directory_copy_search_document() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.content_type_id = (
        SELECT id FROM django_content_type WHERE app_label = 'directory' AND model = 'business'
    ) THEN
        UPDATE directory_business
        SET search_document = NEW.title || NEW.body || NEW.autocomplete
        WHERE id = NEW.object_id::bigint;
    END IF;
    RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS directory_copy_search_document ON wagtailsearch_indexentry;
CREATE TRIGGER directory_copy_search_document
AFTER INSERT OR UPDATE ON wagtailsearch_indexentry
FOR EACH ROW EXECUTE FUNCTION directory_copy_search_document();

UPDATE directory_business b
SET search_document = e.title || e.body || e.autocomplete
FROM wagtailsearch_indexentry e
JOIN django_content_type ct ON ct.id = e.content_type_id
WHERE ct.app_label = 'directory' AND ct.model = 'business' AND e.object_id = b.id::varchar;

CREATE INDEX IF NOT EXISTS directory_business_search_document
ON directory_business USING gin (search_document);
