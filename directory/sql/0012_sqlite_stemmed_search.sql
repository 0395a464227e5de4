-- SQLite only: the directory's own full-text tables, one row per listing (rowid = listing id),
-- copied by triggers from each listing's entry in Wagtail's search index, like
-- directory_business.search_document on PostgreSQL (0004).
--   directory_business_stems: stemmed by FTS5's porter tokenizer ("bakeries" and "bakery" are
--     both "bakeri"), with the name and the category names (and synonyms) in columns of their
--     own, so that ranking can weigh them;
--   directory_business_words: the same text unstemmed, for a last word typed part-way that is
--     longer than its stem ("plumbin" of "plumbing", stem "plumb").
CREATE VIRTUAL TABLE IF NOT EXISTS directory_business_stems USING fts5(
    name, categories, body, tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE IF NOT EXISTS directory_business_words USING fts5(
    body, tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER IF NOT EXISTS directory_business_fts_insert
AFTER INSERT ON wagtailsearch_indexentry
WHEN NEW.content_type_id = (
    SELECT id FROM django_content_type WHERE app_label = 'directory' AND model = 'business'
)
BEGIN
    DELETE FROM directory_business_stems WHERE rowid = CAST(NEW.object_id AS INTEGER);
    DELETE FROM directory_business_words WHERE rowid = CAST(NEW.object_id AS INTEGER);
    INSERT INTO directory_business_stems (rowid, name, categories, body)
    SELECT b.id, b.name,
        coalesce((
            SELECT group_concat(c.name || ' ' || c.synonyms, ' ')
            FROM directory_business_categories l
            JOIN directory_category c ON c.id = l.category_id
            WHERE l.business_id = b.id
        ), ''),
        coalesce(NEW.body, '') || ' ' || coalesce(NEW.autocomplete, '')
    FROM directory_business b WHERE b.id = CAST(NEW.object_id AS INTEGER);
    INSERT INTO directory_business_words (rowid, body)
    VALUES (
        CAST(NEW.object_id AS INTEGER),
        coalesce(NEW.body, '') || ' ' || coalesce(NEW.autocomplete, '')
    );
END;

CREATE TRIGGER IF NOT EXISTS directory_business_fts_update
AFTER UPDATE ON wagtailsearch_indexentry
WHEN NEW.content_type_id = (
    SELECT id FROM django_content_type WHERE app_label = 'directory' AND model = 'business'
)
BEGIN
    DELETE FROM directory_business_stems WHERE rowid = CAST(NEW.object_id AS INTEGER);
    DELETE FROM directory_business_words WHERE rowid = CAST(NEW.object_id AS INTEGER);
    INSERT INTO directory_business_stems (rowid, name, categories, body)
    SELECT b.id, b.name,
        coalesce((
            SELECT group_concat(c.name || ' ' || c.synonyms, ' ')
            FROM directory_business_categories l
            JOIN directory_category c ON c.id = l.category_id
            WHERE l.business_id = b.id
        ), ''),
        coalesce(NEW.body, '') || ' ' || coalesce(NEW.autocomplete, '')
    FROM directory_business b WHERE b.id = CAST(NEW.object_id AS INTEGER);
    INSERT INTO directory_business_words (rowid, body)
    VALUES (
        CAST(NEW.object_id AS INTEGER),
        coalesce(NEW.body, '') || ' ' || coalesce(NEW.autocomplete, '')
    );
END;

CREATE TRIGGER IF NOT EXISTS directory_business_fts_delete
AFTER DELETE ON wagtailsearch_indexentry
WHEN OLD.content_type_id = (
    SELECT id FROM django_content_type WHERE app_label = 'directory' AND model = 'business'
)
BEGIN
    DELETE FROM directory_business_stems WHERE rowid = CAST(OLD.object_id AS INTEGER);
    DELETE FROM directory_business_words WHERE rowid = CAST(OLD.object_id AS INTEGER);
END;

INSERT INTO directory_business_stems (rowid, name, categories, body)
SELECT b.id, b.name,
    coalesce((
        SELECT group_concat(c.name || ' ' || c.synonyms, ' ')
        FROM directory_business_categories l
        JOIN directory_category c ON c.id = l.category_id
        WHERE l.business_id = b.id
    ), ''),
    coalesce(e.body, '') || ' ' || coalesce(e.autocomplete, '')
FROM wagtailsearch_indexentry e
JOIN django_content_type ct ON ct.id = e.content_type_id
JOIN directory_business b ON b.id = CAST(e.object_id AS INTEGER)
WHERE ct.app_label = 'directory' AND ct.model = 'business';

INSERT INTO directory_business_words (rowid, body)
SELECT CAST(e.object_id AS INTEGER), coalesce(e.body, '') || ' ' || coalesce(e.autocomplete, '')
FROM wagtailsearch_indexentry e
JOIN django_content_type ct ON ct.id = e.content_type_id
WHERE ct.app_label = 'directory' AND ct.model = 'business';
