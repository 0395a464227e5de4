CREATE INDEX IF NOT EXISTS directory_indexentry_search_gin ON wagtailsearch_indexentry USING gin (((title || body) || autocomplete));
CREATE INDEX IF NOT EXISTS directory_business_id_text ON directory_business (((id)::varchar(50)));
