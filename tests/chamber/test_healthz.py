import datetime
import re
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import OperationalError, connection
from django.utils import timezone

from chamber.models import JobHeartbeat
from chamber.scheduled import scheduled_jobs

pytestmark = pytest.mark.django_db

JOBS = {
    "update_membership_status",
    "send_renewal_reminders",
    "send_listing_check_requests",
    "send_deal_expiry_reminders",
    "send_event_reminders",
    "send_job_closing_reminders",
    "send_guest_follow_ups",
    "promote_waitlists",
    "run_roster_imports",
    "deliver_mail",  # every minute: stale after an hour
    "stripe_reconcile",
}
# Commands in the README's crontab that are Wagtail's or a library's, not the project's.
NOT_OURS = {"searchpromotions_garbage_collect", "publish_scheduled", "prune_db_task_results"}


def beat(name, *, hours_ago, succeeded=True):
    JobHeartbeat.objects.update_or_create(
        name=name,
        defaults={
            "finished_at": timezone.now() - datetime.timedelta(hours=hours_ago),
            "succeeded": succeeded,
        },
    )


def test_every_cron_job_in_the_readme_is_watched():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    crontab = readme.split("```cron", 1)[1].split("```", 1)[0]
    in_readme = set(re.findall(r"manage\.py (\w+)", crontab)) - NOT_OURS
    assert {job.name for job in scheduled_jobs()} == in_readme == JOBS


def test_healthz_answers_200_with_json_when_the_database_answers(client):
    for name in JOBS:
        beat(name, hours_ago=0.5)
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["database"]) == ("ok", "ok")
    assert set(body["jobs"]) == JOBS
    assert not any(job["stale"] or job["warning"] for job in body["jobs"].values())
    assert body["mail"] == {"failed": 0, "stuck": 0, "overdue": 0}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_warns_when_a_job_has_not_run_for_36_hours_but_stays_200(client):
    for name in JOBS:
        beat(name, hours_ago=35)
    beat("deliver_mail", hours_ago=0.5)
    beat("promote_waitlists", hours_ago=0.5)  # every 10 minutes: stale after two hours
    beat("run_roster_imports", hours_ago=0.5)  # every minute: stale after an hour
    beat("send_renewal_reminders", hours_ago=37)
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "warn"
    stale = {name for name, job in body["jobs"].items() if job["stale"]}
    assert stale == {"send_renewal_reminders"}
    assert "37 hours ago" in body["jobs"]["send_renewal_reminders"]["warning"]


def test_the_mail_job_is_stale_after_an_hour(client):
    for name in JOBS:
        beat(name, hours_ago=0.25)
    beat("deliver_mail", hours_ago=1.5)
    body = client.get("/healthz").json()
    assert body["status"] == "warn"
    assert (
        body["jobs"]["deliver_mail"]["warning"] == "last ran 90 minutes ago: is cron still running?"
    )


def test_healthz_warns_about_jobs_that_never_ran_or_failed(client):
    for name in JOBS - {"update_membership_status"}:
        beat(name, hours_ago=1)
    beat("send_deal_expiry_reminders", hours_ago=1, succeeded=False)
    jobs = client.get("/healthz").json()["jobs"]
    assert jobs["update_membership_status"]["last_finished"] is None
    assert "never run" in jobs["update_membership_status"]["warning"]
    assert "failed" in jobs["send_deal_expiry_reminders"]["warning"]
    assert not jobs["send_deal_expiry_reminders"]["stale"]


def test_a_command_run_is_recorded(client, site_tree):
    call_command("update_membership_status", stdout=mock.Mock())
    heartbeat = JobHeartbeat.objects.get(name="update_membership_status")
    assert heartbeat.succeeded
    assert heartbeat.summary == "0 member(s) now past due, 0 lapsed."
    assert timezone.now() - heartbeat.finished_at < datetime.timedelta(minutes=1)
    job = client.get("/healthz").json()["jobs"]["update_membership_status"]
    assert (job["stale"], job["warning"]) == (False, "")


def test_a_command_that_raises_is_recorded_as_failed(site_tree):
    with (
        mock.patch(
            "membership.management.commands.update_membership_status.update_membership_statuses",
            side_effect=RuntimeError("database went away"),
        ),
        pytest.raises(RuntimeError),
    ):
        call_command("update_membership_status")
    heartbeat = JobHeartbeat.objects.get(name="update_membership_status")
    assert not heartbeat.succeeded
    assert heartbeat.summary == "RuntimeError: database went away"


def test_healthz_answers_503_when_the_database_is_down(client):
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"
    assert "no-cache" in response["Cache-Control"]


def test_healthz_needs_no_login_and_refuses_writes(client):
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405
