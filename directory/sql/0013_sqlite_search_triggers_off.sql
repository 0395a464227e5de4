-- SQLite only (migration 0013): lift the search triggers of 0012 (which read directory_business) while a
-- migration rebuilds that table: Django's SQLite schema editor copies the table, drops it and
-- renames the copy, and SQLite refuses the rename while a trigger names the dropped table. The
-- FTS tables keep their rows; the migration puts the triggers back (0012's file) afterwards.
DROP TRIGGER IF EXISTS directory_business_fts_insert;
DROP TRIGGER IF EXISTS directory_business_fts_update;
DROP TRIGGER IF EXISTS directory_business_fts_delete;
