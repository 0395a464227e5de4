"""A roster file larger than ROSTER_IMPORT_INLINE_ROWS is written in the background by
`run_roster_imports`, not in the web request that confirms it (directory/roster/background.py):
the page shows how far it has got; all rows or none; only the uploader sees it."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from chamber import roles
from directory.models import RosterUpload
from membership.models import Member, MembershipLevel
from tests.directory.roster.helpers import csv_bytes, harbour, quay
from tests.directory.roster.test_admin import staff, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(client, site_tree, levels, bakeries, settings):
    settings.ROSTER_IMPORT_INLINE_ROWS = 1  # two rows: too many to write at once
    client.force_login(staff("maria", roles.MEMBERSHIP_STAFF))
    return client


def run_imports():
    call_command("run_roster_imports", stdout=io.StringIO())


def confirm(office) -> str:
    preview_url = upload(office, csv_bytes(harbour(), quay()))["Location"]
    response = office.post(preview_url, {})
    assert response.status_code == 302
    return response["Location"]


def test_a_large_file_is_queued_then_written_in_the_background(office):
    status_url = confirm(office)

    waiting = office.get(status_url)
    assert waiting.status_code == 200
    assert "Waiting to be imported" in waiting.text
    assert '<meta http-equiv="refresh" content="5">' in waiting.text
    assert not Member.objects.exists()  # nothing written by the request

    run_imports()

    assert sorted(Member.objects.values_list("name", flat=True)) == [
        "Harbour Bakery",
        "Quay Books",
    ]
    done = office.get(status_url)
    assert "Imported on" in done.text and "2 new members, 0 updated" in done.text
    assert 'http-equiv="refresh"' not in done.text
    member = Member.objects.get(name="Harbour Bakery")
    assert reverse("wagtailsnippets_membership_member:edit", args=[member.pk]) in done.text
    upload_row = RosterUpload.objects.get()
    assert upload_row.status == RosterUpload.Status.DONE
    assert bytes(upload_row.content) == b""  # the members' data goes once written
    run_imports()  # nothing queued: nothing written twice
    assert Member.objects.count() == 2


def test_a_failure_in_the_background_writes_nothing_and_says_so(office):
    status_url = confirm(office)
    # Between the confirmation and the run, staff delete the level the second row names.
    Member.objects.all().delete()
    MembershipLevel.objects.filter(slug="leadership").delete()

    run_imports()

    assert not Member.objects.exists()
    page = office.get(status_url).text
    assert "Failed: nothing was imported" in page
    assert RosterUpload.objects.get().status == RosterUpload.Status.FAILED


def test_only_the_uploader_sees_the_status(office, client):
    status_url = confirm(office)
    client.force_login(staff("pat", roles.MEMBERSHIP_STAFF))
    assert client.get(status_url).status_code == 404


def test_a_confirmed_upload_is_not_confirmed_twice(office):
    preview_url = upload(office, csv_bytes(harbour(), quay()))["Location"]
    status_url = office.post(preview_url, {})["Location"]
    again = office.post(preview_url, {})
    assert again.status_code == 302 and again["Location"] == status_url
    run_imports()
    assert Member.objects.count() == 2


def test_a_run_that_died_is_marked_failed(office):
    confirm(office)
    RosterUpload.objects.update(
        status=RosterUpload.Status.RUNNING,
        started_at=timezone.now() - datetime.timedelta(hours=3),
    )
    run_imports()
    upload_row = RosterUpload.objects.get()
    assert upload_row.status == RosterUpload.Status.FAILED
    assert "nothing was written" in upload_row.error
    assert not Member.objects.exists()
