"""/account/jobs/: members post jobs for their own businesses as drafts staff publish, within
their level's `jobs_allowed`, see each job's state and views, close a job at once and repost a
closed one. Who may open which URL is tests/membership/account/test_access_matrix.py's."""

import datetime
import threading

import pytest
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from chamber import reviews
from jobs import submissions
from jobs.models import JobPosting, JobViews
from tests.admin_actions import staff_publish
from tests.factories import (
    BusinessFactory,
    JobPostingFactory,
    MemberFactory,
    MembershipLevelFactory,
)
from tests.jobs.conftest import DAY

pytestmark = pytest.mark.django_db

LIST_URL = "/account/jobs/"
NEW_URL = "/account/jobs/new/"
PAYLOAD = '<script>alert(1)</script><img src=x onerror="alert(2)">'


def form_data(business, **values) -> dict:
    return {
        "business": business.pk,
        "title": "Counter assistant",
        "employment_type": "part_time",
        "workplace_type": "on_site",
        "town": "Riverside",
        "description": "Serve our customers.\n\n- Weekends\n- Early starts",
        "salary_min": "",
        "salary_max": "",
        "salary_currency": "usd",
        "salary_unit": "hour",
        "apply_url": "",
        "apply_email": "jobs@aspen.example",
        "closes_on": (timezone.localdate() + 30 * DAY).isoformat(),
        **values,
    }


def test_a_member_posts_a_job_that_waits_for_review(ada, member_a, jobs_index, staff_inbox):
    response = ada.post(NEW_URL, form_data(member_a.business))
    assert response.status_code == 303
    job = JobPosting.objects.get()
    assert (job.live, job.has_unpublished_changes, job.posted_on) == (
        False,
        True,
        timezone.localdate(),
    )
    assert job.description == (
        "<p>Serve our customers.</p><ul><li>Weekends</li><li>Early starts</li></ul>"
    )
    assert reviews.is_waiting(job)
    assert [message.to for message in mail.outbox] == [[staff_inbox]]
    assert "New job posting to review: Counter assistant" in mail.outbox[0].subject
    listing = ada.get(LIST_URL).text
    assert "Waiting for approval" in listing and "1 of 3 job postings used" in listing


def test_staff_approve_the_job_and_it_is_on_the_board(client, ada, member_a, staff_user):
    ada.post(NEW_URL, form_data(member_a.business))
    job = JobPosting.objects.get()
    staff_publish(client, staff_user, job)
    job.refresh_from_db()
    assert job.live and not reviews.is_waiting(job)
    assert client.get(f"/jobs/{job.slug}/").status_code == 200


def test_the_description_is_sanitised_whatever_arrives(ada, member_a, jobs_index):
    ada.post(NEW_URL, form_data(member_a.business, description=PAYLOAD))
    job = JobPosting.objects.get()
    assert "<script" not in job.description and "<img" not in job.description
    assert "&lt;script&gt;" in job.description  # typed text stays text
    # Saved through the ORM (an import, the admin), markup is cleaned to the allowed elements.
    job.description = f'<p onclick="x()">Hi</p>{PAYLOAD}<a href="javascript:alert(1)">a</a>'
    job.save()
    job.refresh_from_db()
    # Elements and attributes outside the allowed few go; a script's text stays inert text.
    assert job.description == "<p>Hi</p>alert(1)<a>a</a>"


def test_a_member_at_its_allowance_cannot_post_another(ada, member_a, job_factory):
    for number in range(3):
        job_factory(title=f"Job {number}")
    assert not ada.get(NEW_URL).context["allowance"].can_add
    response = ada.post(NEW_URL, form_data(member_a.business))
    assert response.status_code == 400
    assert "You are using 3 of 3 job postings" in response.text
    assert JobPosting.objects.count() == 3


def test_closed_and_expired_jobs_free_their_place(ada, member_a, job_factory):
    jobs = [job_factory(title=f"Job {number}") for number in range(3)]
    JobPosting.objects.filter(pk=jobs[0].pk).update(closes_on=timezone.localdate() - DAY)
    ada.post(f"/account/jobs/{jobs[1].slug}/close/", {"filled": "no"})
    assert submissions.job_allowance(member_a).used == 1
    assert ada.post(NEW_URL, form_data(member_a.business)).status_code == 303


def test_a_level_without_jobs_cannot_post(client, member_b, jobs_index):
    client.force_login(member_b.user)
    page = client.get(LIST_URL).text
    assert "Your level does not include job postings" in page
    response = client.post(NEW_URL, form_data(member_b.business))
    assert response.status_code == 400
    assert not JobPosting.objects.exists()


def test_a_member_posts_only_for_its_own_business(ada, member_b, jobs_index):
    response = ada.post(NEW_URL, form_data(member_b.business))
    assert response.status_code == 400
    assert "business" in response.context["form"].errors
    assert not JobPosting.objects.exists()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"closes_on": "+91"}, "closes_on"),
        ({"closes_on": "-1"}, "closes_on"),
        ({"apply_email": "", "apply_url": ""}, "apply_url"),
        ({"town": "", "workplace_type": "on_site"}, "town"),
        ({"salary_min": "30", "salary_max": "20"}, "salary_max"),
        ({"salary_max": "20"}, "salary_min"),
    ],
)
def test_the_form_refuses_what_the_board_cannot_show(ada, member_a, jobs_index, values, field):
    if "closes_on" in values:
        days = int(values["closes_on"])
        values = {"closes_on": (timezone.localdate() + datetime.timedelta(days=days)).isoformat()}
    response = ada.post(NEW_URL, form_data(member_a.business, **values))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not JobPosting.objects.exists()


def test_a_remote_job_needs_no_town(ada, member_a, jobs_index):
    response = ada.post(NEW_URL, form_data(member_a.business, town="", workplace_type="remote"))
    assert response.status_code == 303
    assert JobPosting.objects.get().location == "Remote"


def test_changes_to_an_open_job_wait_while_the_board_shows_it_as_it_was(
    client, ada, member_a, job_factory
):
    job = job_factory(title="Counter assistant", publish=True)
    data = form_data(member_a.business, title="Senior counter assistant")
    assert ada.post(f"/account/jobs/{job.slug}/", data).status_code == 303
    job.refresh_from_db()
    assert job.title == "Counter assistant" and job.has_unpublished_changes
    assert reviews.is_waiting(job)
    assert "Senior counter assistant" not in client.get(f"/jobs/{job.slug}/").text
    assert "Changes waiting for approval" in ada.get(LIST_URL).text


def test_closing_takes_the_job_down_at_once_and_counts_as_filled(ada, job_factory):
    job = job_factory(title="Counter assistant", publish=True)
    response = ada.post(f"/account/jobs/{job.slug}/close/", {"filled": "yes"})
    assert response.status_code == 303
    job.refresh_from_db()
    assert not job.live and job.filled
    assert "Closed: filled" in ada.get(LIST_URL).text
    assert ada.post(f"/account/jobs/{job.slug}/close/", {"filled": "yes"}).status_code == 303


def test_reposting_a_closed_job_sends_it_for_review_with_new_dates(
    client, ada, job_factory, staff_user
):
    today = timezone.localdate()
    job = job_factory(
        title="Counter assistant", publish=True, posted_on=today - 40 * DAY, closes_on=today - DAY
    )
    assert client.get(f"/jobs/{job.slug}/").status_code == 410
    assert "Repost for 30 days" in ada.get(LIST_URL).text
    assert ada.post(f"/account/jobs/{job.slug}/repost/").status_code == 303
    job.refresh_from_db()
    assert reviews.is_waiting(job)
    staff_publish(client, staff_user, job)
    job.refresh_from_db()
    assert (job.posted_on, job.closes_on) == (today, today + 30 * DAY)
    assert client.get(f"/jobs/{job.slug}/").status_code == 200


def test_reposting_respects_the_allowance(ada, job_factory):
    today = timezone.localdate()
    closed = job_factory(title="Old", posted_on=today - 40 * DAY, closes_on=today - DAY)
    for number in range(3):
        job_factory(title=f"Job {number}")
    response = ada.post(f"/account/jobs/{closed.slug}/repost/", follow=True)
    assert "You are using 3 of 3 job postings" in response.text
    closed.refresh_from_db()
    assert not closed.has_unpublished_changes


def test_the_list_shows_each_jobs_views(ada, job_factory):
    job = job_factory(title="Counter assistant")
    JobViews.objects.create(job=job, day=timezone.localdate(), views=7)
    row = ada.get(LIST_URL).context["rows"][0]
    assert (row.status, row.views, row.public_url) == ("Open", 7, f"/jobs/{job.slug}/")


def test_views_are_counted_once_a_visitor_a_day_but_not_the_employers(client, ada, job_factory):
    job = job_factory(title="Counter assistant")
    ada.get(f"/jobs/{job.slug}/")  # the employer's own people
    assert not JobViews.objects.exists()
    ada.logout()
    client.get(f"/jobs/{job.slug}/")
    client.get(f"/jobs/{job.slug}/")
    assert JobViews.objects.get().views == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite has no row locks (it locks the database)"
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_submissions_at_once_cannot_both_take_the_last_place(settings):
    """While one submission holds the member's row, a second waits, then counts the first."""
    settings.STAFF_NOTIFICATION_EMAILS = []
    member = MemberFactory(level=MembershipLevelFactory(name="Solo", jobs_allowed=1))
    business = BusinessFactory(member=member)
    values = {
        "business": business,
        "title": "Second",
        "employment_type": JobPosting.EmploymentType.FULL_TIME,
        "workplace_type": JobPosting.WorkplaceType.ON_SITE,
        "town": business.city,
        "description": "<p>Second.</p>",
        "apply_email": "jobs@solo.example",
        "closes_on": timezone.localdate() + 30 * DAY,
    }
    outcome = []

    def second_submission():
        try:
            submissions.job_submit_new(member=member, values=values, user=None)
            outcome.append("saved")
        except submissions.JobLimitReached:
            outcome.append("refused")
        finally:
            connection.close()

    with transaction.atomic():
        submissions._lock_member(member)  # the first submission, between check and write
        waiting = threading.Thread(target=second_submission)
        waiting.start()
        waiting.join(timeout=1)
        assert waiting.is_alive()  # blocked on the member's row
        JobPostingFactory(business=business, title="First")
    waiting.join(timeout=10)

    assert outcome == ["refused"]
    assert list(JobPosting.objects.values_list("title", flat=True)) == ["First"]
