"""The member's job pages read a fixed number of queries, however many jobs the member has
(the board's and a job page's are pinned in test_board.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jobs.models import JobViews
from tests.jobs.conftest import DAY

pytestmark = pytest.mark.django_db


def queries(client, path) -> int:
    client.get(path)  # warm the caches (chrome, routing, sections)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_the_members_job_list_does_not_grow_with_its_jobs(ada, job_factory):
    today = timezone.localdate()
    job = job_factory(title="Job 0", publish=True)
    JobViews.objects.create(job=job, day=today, views=3)
    job_factory(title="Waiting", live=False).save_revision()  # the review queue's notes: 1 query
    few = queries(ada, "/account/jobs/")
    job_factory(title="Closed", posted_on=today - 40 * DAY, closes_on=today - DAY, publish=True)
    job_factory(title="Waiting too", live=False).save_revision()
    for number in range(1, 3):
        JobViews.objects.create(
            job=job_factory(title=f"Job {number}", publish=True), day=today, views=1
        )
    assert queries(ada, "/account/jobs/") == few
