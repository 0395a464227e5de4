-- Migration 0007 was edited after some databases had run it: its first version did not add
-- the index on directory_facetcount.public_until that Django's model state says exists. This
-- adds it where it is missing (PostgreSQL and SQLite alike) and does nothing where it is there.

CREATE INDEX IF NOT EXISTS directory_facetcount_until ON directory_facetcount (public_until);
