"""Hand-written SQL lives in versioned files that migrations run by checksum
(chamber/migration_sql.py), and migration 0009 brings databases that ran the first versions of
the edited migrations 0006 and 0007 in step."""

import importlib
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connection

from chamber import migration_sql
from tests.factories import BusinessFactory, CategoryFactory

ROOT = Path(__file__).resolve().parents[2]
SQL_FILES = sorted(ROOT.glob("*/sql/*.sql"))
REPAIR = importlib.import_module("directory.migrations.0009_repair_edited_migrations")
postgres_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="the triggers are PostgreSQL's"
)


def test_the_sql_files_are_found():
    assert {path.parent.parent.name for path in SQL_FILES} == {"directory"}
    assert len(SQL_FILES) >= 12


@pytest.mark.parametrize("path", SQL_FILES, ids=lambda path: path.name)
def test_each_sql_file_is_named_with_its_checksum_by_a_migration_of_its_app(path):
    """An edited file no longer matches the checksum its migration names (and the migration
    refuses to run it); a file no migration names is dead. A later migration may run a file
    again (0013 puts back 0012's triggers after rebuilding a table), by the same checksum."""
    name = path.name.removesuffix(".sql")
    checksum = migration_sql.file_sha256(path)
    migrations = (path.parent.parent / "migrations").glob("0*.py")
    app, quoted = path.parent.parent.name, re.escape(name)
    runs = re.compile(rf'(run_sql_file|read_sql)\(\s*"{app}",\s*"{quoted}"')
    naming = sorted(m.name for m in migrations if runs.search(m.read_text()))
    assert naming, f"{name}: no migration runs it"
    for migration in naming:
        text = (path.parent.parent / "migrations" / migration).read_text()
        assert checksum in text, (name, migration)
    assert naming[0].startswith(name.split("_", 1)[0])  # named after the migration that runs it


def test_an_edited_sql_file_stops_its_migration(tmp_path, monkeypatch):
    edited = tmp_path / "0003_facet_counts.sql"
    edited.write_text("SELECT 1; -- edited after the migration was written\n")
    monkeypatch.setattr(migration_sql, "sql_path", lambda app_label, name: edited)
    with pytest.raises(migration_sql.SQLFileChanged, match="new file, run by a new migration"):
        migration_sql.read_sql("directory", "0003_facet_counts", sha256="0" * 64)


class Editor:
    """What the operations use of a schema editor, inside the test's transaction (SQLite's
    own editor refuses to open in one)."""

    connection = connection

    def execute(self, sql, params=None):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def run_repair():
    """Migration 0009's operations, forwards, on the test database."""
    for operation in REPAIR.Migration.operations:
        operation.code(apps, Editor())


def facetcount_indexes() -> set[str]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "directory_facetcount")
    return {name for name, details in constraints.items() if details["index"]}


@pytest.mark.django_db
def test_the_repair_adds_the_facet_summary_index_a_first_0007_database_lacks():
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX directory_facetcount_until")
    assert "directory_facetcount_until" not in facetcount_indexes()
    run_repair()
    assert "directory_facetcount_until" in facetcount_indexes()
    run_repair()  # again: nothing to do, nothing fails
    assert "directory_facetcount_until" in facetcount_indexes()


# The category-ids trigger functions as the first version of migration 0006 made them.
FIRST_0006 = """
CREATE FUNCTION directory_category_ids_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE directory_business b SET category_ids = directory_category_ids_of(b.id)
    WHERE b.id IN (SELECT DISTINCT business_id FROM added_links);
    RETURN NULL;
END $$;
CREATE FUNCTION directory_category_ids_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE directory_business b SET category_ids = directory_category_ids_of(b.id)
    WHERE b.id IN (SELECT DISTINCT business_id FROM removed_links);
    RETURN NULL;
END $$;
DROP TRIGGER directory_category_ids_added ON directory_business_categories;
CREATE TRIGGER directory_category_ids_added AFTER INSERT ON directory_business_categories
REFERENCING NEW TABLE AS added_links
FOR EACH STATEMENT EXECUTE FUNCTION directory_category_ids_added();
DROP TRIGGER directory_category_ids_removed ON directory_business_categories;
CREATE TRIGGER directory_category_ids_removed AFTER DELETE ON directory_business_categories
REFERENCING OLD TABLE AS removed_links
FOR EACH STATEMENT EXECUTE FUNCTION directory_category_ids_removed();
DROP FUNCTION directory_category_ids_links();
"""


def category_id_functions() -> dict[str, str]:
    """Trigger name -> the function it runs, for the category-ids triggers."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.tgname, p.proname FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid "
            "WHERE t.tgname LIKE 'directory_category_ids_%%' AND NOT t.tgisinternal"
        )
        return dict(cursor.fetchall())


def functions_named(*names: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT proname FROM pg_proc WHERE proname = ANY(%s)", [list(names)])
        return {row[0] for row in cursor.fetchall()}


@postgres_only
@pytest.mark.django_db
def test_the_repair_moves_a_first_0006_database_to_one_trigger_function():
    with connection.cursor() as cursor:
        cursor.execute(FIRST_0006)
    assert category_id_functions()["directory_category_ids_added"] == "directory_category_ids_added"

    run_repair()

    assert category_id_functions() == {
        "directory_category_ids_added": "directory_category_ids_links",
        "directory_category_ids_removed": "directory_category_ids_links",
        "directory_category_ids_on_insert": "directory_category_ids_on_insert",
    }
    old = ("directory_category_ids_added", "directory_category_ids_removed")
    assert functions_named(*old) == set()
    # And the triggers work: a listing's own category ids follow its category links.
    bakeries, cafes = CategoryFactory(name="Bakeries"), CategoryFactory(name="Cafes")
    business = BusinessFactory(categories=[bakeries])
    business.categories.set([cafes])
    business.save()
    with connection.cursor() as cursor:
        cursor.execute("SELECT category_ids FROM directory_business WHERE id = %s", [business.pk])
        assert cursor.fetchone()[0] == [cafes.pk]


@postgres_only
@pytest.mark.django_db
def test_the_repair_changes_nothing_on_a_database_migrated_with_the_edited_0006():
    before = category_id_functions()
    run_repair()
    assert category_id_functions() == before
