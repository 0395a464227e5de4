-- PostgreSQL only: trigram similarity for "Did you mean ...?" (directory/search/suggest.py).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
