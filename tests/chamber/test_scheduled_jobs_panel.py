"""The admin home says when the cron jobs last ran, and warns staff when one has stopped."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from chamber.models import JobHeartbeat
from chamber.scheduled import scheduled_jobs

pytestmark = pytest.mark.django_db


def panel(client, user):
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser").find(id="scheduled-jobs-section")


def test_staff_see_every_job_and_a_warning_when_one_stopped(client, staff_user):
    for job in scheduled_jobs():
        JobHeartbeat.objects.create(name=job.name, finished_at=timezone.now(), succeeded=True)
    JobHeartbeat.objects.filter(name="send_renewal_reminders").update(
        finished_at=timezone.now() - datetime.timedelta(hours=40)
    )

    section = panel(client, staff_user)

    assert section is not None
    text = " ".join(section.get_text(" ").split())
    assert "Scheduled jobs need attention" in text
    assert "One job has not run in the last 36 hours or failed" in text
    rows = {row.th.code.get_text(): row for row in section.select("tbody tr")}
    assert set(rows) == {job.name for job in scheduled_jobs()}
    assert "last ran 40 hours ago" in rows["send_renewal_reminders"].get_text()
    assert "OK" in rows["update_membership_status"].get_text()


def test_jobs_that_never_ran_say_so(client, staff_user):
    section = panel(client, staff_user)
    assert section.select("tbody tr")
    for row in section.select("tbody tr"):
        assert "Never" in row.get_text() and "is cron set up?" in row.get_text()


def test_editors_do_not_see_the_panel(client, site_tree):
    editor = get_user_model().objects.create_user("eddie", "e@example.org", "a long passphrase")
    editor.groups.add(Group.objects.get(name="Editors"))
    assert panel(client, editor) is None
