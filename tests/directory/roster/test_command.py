"""`manage.py import_members`: the preview printed, errors exit non-zero and write nothing,
--dry-run writes nothing."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from directory.models import Business
from membership.models import Member
from tests.directory.roster.helpers import csv_bytes, harbour, quay

pytestmark = pytest.mark.django_db


@pytest.fixture
def roster_file(tmp_path, site_tree, levels, bakeries):
    def write(*rows):
        path = tmp_path / "roster.csv"
        path.write_bytes(csv_bytes(*rows))
        return str(path)

    return write


def run(*args) -> str:
    out = StringIO()
    call_command("import_members", *args, stdout=out)
    return out.getvalue()


def test_the_command_imports_and_says_what_it_did(roster_file):
    output = run(roster_file(harbour(), quay()))
    assert "Rows: 2 new, 0 update, 0 duplicate, 0 skip, 0 error" in output
    assert "Imported: 2 new, 0 updated, 0 skipped; 2 listing(s) created" in output
    assert Member.objects.count() == 2
    assert Business.objects.filter(live=True).count() == 2


def test_dry_run_writes_nothing(roster_file):
    output = run(roster_file(harbour(), quay()), "--dry-run")
    assert "Dry run: nothing was written." in output
    assert not Member.objects.exists()


def test_errors_exit_non_zero_and_write_nothing(roster_file):
    path = roster_file(harbour(), quay(Level="Platinum"))
    with pytest.raises(CommandError, match="1 error"):
        run(path)
    assert not Member.objects.exists()


def test_errors_are_printed(roster_file):
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("import_members", roster_file(quay(Level="Platinum")), stdout=out)
    assert "Row 2, Level: unknown level “Platinum”" in out.getvalue()


def test_options_drafts_and_duplicates(roster_file):
    path = roster_file(harbour(), harbour(Organisation="Harbour Bakery Ltd"))
    output = run(path, "--drafts", "--on-duplicate", "skip")
    assert "Row 3 (Harbour Bakery Ltd) looks like row 2 (Harbour Bakery)" in output
    assert Member.objects.count() == 1
    assert not Business.objects.get().live


def test_an_unreadable_file_is_a_clear_error(tmp_path, db):
    path = tmp_path / "roster.csv"
    path.write_bytes(b"Organisation Town\nHarbour Bakery Harbourton\n")
    with pytest.raises(CommandError, match="columns could not be told apart"):
        run(str(path))
