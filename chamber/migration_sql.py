"""Hand-written SQL in migrations, kept in versioned files.

An app keeps the SQL its migrations run in ``<app>/sql/<migration>.sql`` (and
``<migration>.reverse.sql`` to undo it), named after the migration that runs it. A migration
names the file *and its SHA-256*: the file is what that migration was written with, and an
edited file would silently give new databases something old ones never ran, so a changed
checksum stops the migration. A later change is a new file and a new migration.

    migrations.RunPython(
        run_sql_file("directory", "0003_facet_counts", sha256="fb80..."),
        run_sql_file("directory", "0003_facet_counts.reverse", sha256="8b1f..."),
    )

`sha256sum <app>/sql/<file>` gives the checksum to write; tests/chamber/test_migration_sql.py
checks that every file is named, with its checksum, by a migration of its app.
"""

import hashlib
import sqlite3
from pathlib import Path

from django.apps import apps as global_apps
from django.core.exceptions import ImproperlyConfigured


class SQLFileChanged(ImproperlyConfigured):
    """A migration's SQL file no longer has the checksum the migration was written with."""


def sql_path(app_label: str, name: str) -> Path:
    return Path(global_apps.get_app_config(app_label).path) / "sql" / f"{name}.sql"


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_sql(app_label: str, name: str, *, sha256: str) -> str:
    """The text of ``<app>/sql/<name>.sql``, once its checksum is the one expected."""
    path = sql_path(app_label, name)
    found = file_sha256(path)
    if found != sha256:
        raise SQLFileChanged(
            f"{path} has changed since its migration was written (SHA-256 {found}, expected "
            f"{sha256}). Migrations must run the SQL they were written with: put the change "
            "in a new file, run by a new migration."
        )
    return path.read_text(encoding="utf-8")


def statements(sql: str, vendor: str) -> list[str]:
    """`sql` as the statements to execute one by one: SQLite's driver runs one statement per
    call, so a file of several (a trigger's body holds semicolons of its own) is cut where
    SQLite says a statement is complete; other databases take the file whole."""
    if vendor != "sqlite":
        return [sql]
    found, pending = [], ""
    for line in sql.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            found.append(pending.strip())
            pending = ""
    if pending.strip() and not all(
        line.strip().startswith("--") or not line.strip() for line in pending.splitlines()
    ):
        found.append(pending.strip())
    return [statement for statement in found if statement]


def run_sql_file(app_label: str, name: str, *, sha256: str, vendor: str | None = "postgresql"):
    """A RunPython function that runs ``<app>/sql/<name>.sql`` on `vendor` (None: every
    database) and does nothing elsewhere. The checksum is checked everywhere, so an edited
    file fails on SQLite too."""

    def operation(apps, schema_editor):
        sql = read_sql(app_label, name, sha256=sha256)
        if vendor is None or schema_editor.connection.vendor == vendor:
            for statement in statements(sql, schema_editor.connection.vendor):
                schema_editor.execute(statement, params=None)

    operation.sql_file = (app_label, name, sha256)
    return operation
