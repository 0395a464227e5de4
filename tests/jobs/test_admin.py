"""Staff's side of the job board: the review queue (approve, send back with a reason the member
sees and is e-mailed), the admin's job list, today's work counts and the jobs report."""

import pytest
from django.core import mail
from django.utils import timezone

from chamber import reviews
from jobs.models import JobPosting, JobViews
from tests.jobs.conftest import DAY
from tests.jobs.test_account_jobs import NEW_URL, form_data
from tests.mail import committed

pytestmark = pytest.mark.django_db


def submitted(ada, member_a) -> JobPosting:
    assert ada.post(NEW_URL, form_data(member_a.business)).status_code == 303
    mail.outbox.clear()
    return JobPosting.objects.get()


def test_the_review_queue_lists_the_job_and_approving_publishes_it(
    client, ada, member_a, staff_user
):
    job = submitted(ada, member_a)
    kind = reviews.kind_named("job")
    assert list(reviews.waiting(kind)) == [job]
    client.force_login(staff_user)
    queue = client.get("/admin/review-queue/", {"kind": "job"})
    assert queue.status_code == 200 and "Counter assistant" in queue.text
    with committed():
        reviews.review_approve(
            kind=kind, pk=job.pk, revision_id=job.latest_revision_id, user=staff_user
        )
    job.refresh_from_db()
    assert job.live and not reviews.waiting(kind).exists()
    assert client.get(f"/jobs/{job.slug}/").status_code == 200


def test_sending_back_tells_the_member_why(client, ada, member_a, staff_user):
    job = submitted(ada, member_a)
    with committed():
        _job, recipients = reviews.review_send_back(
            kind=reviews.kind_named("job"),
            pk=job.pk,
            revision_id=job.latest_revision_id,
            user=staff_user,
            reason="Please give the hourly rate.",
        )
    assert recipients == [member_a.user.email]
    (message,) = mail.outbox
    assert message.subject == "Please look again at your job posting: Counter assistant"
    assert "Please give the hourly rate." in message.body
    client.force_login(member_a.user)
    assert "Please give the hourly rate." in client.get("/account/jobs/").text


def test_todays_work_counts_jobs_to_review_and_open_jobs(
    client, ada, member_a, staff_user, job_factory
):
    submitted(ada, member_a)
    job_factory(title="Open one")
    client.force_login(staff_user)
    home = client.get("/admin/").text
    assert "job postings to review" in home
    assert "Open jobs on the job board" in home


def test_the_admin_list_filters_jobs_on_the_board(client, staff_user, job_factory):
    job_factory(title="Open one")
    job_factory(title="Closed one", closes_on=timezone.localdate() - DAY)
    client.force_login(staff_user)
    response = client.get("/admin/snippets/jobs/jobposting/", {"open": "true"})
    assert response.status_code == 200
    assert "Open one" in response.text and "Closed one" not in response.text


def test_the_report_gives_each_jobs_state_and_views_and_the_months_totals(
    client, staff_user, job_factory, member_a
):
    today = timezone.localdate()
    filled = job_factory(title="Filled one", posted_on=today)
    job_factory(title="Open one", posted_on=today)
    JobViews.objects.create(job=filled, day=today, views=12)
    JobPosting.objects.filter(pk=filled.pk).update(
        live=False, closed_at=timezone.now(), filled=True
    )
    client.force_login(staff_user)
    response = client.get("/admin/reports/jobs/postings/")
    assert response.status_code == 200
    rows = {row["job"]: row for row in response.context["view"].rows}
    assert (rows["Filled one"]["state"], rows["Filled one"]["views"]) == ("filled", 12)
    assert rows["Open one"]["state"] == "open"
    (month,) = [m for m in response.context["view"].monthly(list(rows.values())) if m["posted"]]
    assert (month["posted"], month["filled"], month["closed"], month["views"]) == (2, 1, 1, 12)
    export = client.get("/admin/reports/jobs/postings/", {"export": "csv"})
    assert export.status_code == 200
    assert b"Filled one" in b"".join(export.streaming_content)


def test_the_member_record_lists_the_members_jobs_with_state_and_views(
    client, staff_user, job_factory, member_a
):
    job = job_factory(title="Counter assistant")
    JobViews.objects.create(job=job, day=timezone.localdate(), views=4)
    client.force_login(staff_user)
    response = client.get(f"/admin/snippets/membership/member/inspect/{member_a.pk}/")
    assert response.status_code == 200
    section = response.text.split('id="jobs-section"', 1)[1].split("</table>", 1)[0]
    assert "Counter assistant" in section
    assert f"/admin/snippets/jobs/jobposting/edit/{job.pk}/" in section
    assert "Published; closes" in section and "<td>4</td>" in section
