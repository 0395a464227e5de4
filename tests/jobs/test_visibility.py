"""Which jobs are on the board: published, posted, not past the closing day, and the employer's
member in good standing that day (JobPostingQuerySet.open) — everywhere a job shows: the list,
its page (410 once it was on the board and closed, 404 if it never was), the feed, the sitemap,
the listing's "Open jobs" and the directory's filter."""

import pytest
from django.utils import timezone

from jobs import submissions
from jobs.models import JobPosting
from membership.models import Member
from tests.jobs.conftest import DAY

pytestmark = pytest.mark.django_db


def on_board(client, job) -> bool:
    listed = job.title in client.get("/jobs/").text
    page = client.get(f"/jobs/{job.slug}/").status_code
    feed = job.title in client.get("/jobs/feed/").text
    sitemap = f"/jobs/{job.slug}/" in client.get("/sitemap-jobs.xml").text
    assert len({listed, page == 200, feed, sitemap}) == 1, (listed, page, feed, sitemap)
    return listed


def test_an_open_job_is_everywhere(client, job_factory):
    job = job_factory(title="Pastry chef")
    assert on_board(client, job)
    assert JobPosting.objects.open().get() == job


def test_a_draft_never_published_is_not_found(client, job_factory):
    job = job_factory(title="Pastry chef", live=False)
    job.save_revision()
    assert not on_board(client, job)
    assert client.get(f"/jobs/{job.slug}/").status_code == 404


def test_a_job_pending_review_shows_its_published_version_only(client, job_factory):
    job = job_factory(title="Pastry chef", publish=True)
    draft = job.get_latest_revision_as_object()
    draft.title = "Head pastry chef"
    submissions.store_revision(draft, user=None, waiting=True)
    page = client.get(f"/jobs/{job.slug}/").text
    assert "Pastry chef" in page and "Head pastry chef" not in page


def test_a_job_shows_through_its_closing_day_and_answers_410_after(client, job_factory):
    today = timezone.localdate()
    job = job_factory(title="Pastry chef", posted_on=today - 30 * DAY, closes_on=today)
    assert on_board(client, job)
    JobPosting.objects.filter(pk=job.pk).update(closes_on=today - DAY)
    assert not on_board(client, job)
    gone = client.get(f"/jobs/{job.slug}/")
    assert gone.status_code == 410
    assert "This job is closed" in gone.text
    assert 'href="/jobs/"' in gone.text


def test_the_410_page_links_to_open_jobs(client, job_factory):
    today = timezone.localdate()
    closed = job_factory(title="Pastry chef", closes_on=today - DAY, posted_on=today - 9 * DAY)
    other = job_factory(title="Bread baker")
    gone = client.get(f"/jobs/{closed.slug}/")
    assert gone.status_code == 410
    assert f'href="/jobs/{other.slug}/"' in gone.text
    assert '<meta name="robots" content="noindex">' in gone.text


def test_a_job_posted_for_a_later_day_is_not_shown_yet(client, job_factory):
    job = job_factory(title="Pastry chef", posted_on=timezone.localdate() + DAY)
    assert not on_board(client, job)


def test_a_job_closed_by_its_employer_answers_410(client, job_factory, member_a):
    job = job_factory(title="Pastry chef", publish=True)
    assert submissions.job_close(job=job, user=member_a.user, filled=True)
    assert not on_board(client, job)
    assert client.get(f"/jobs/{job.slug}/").status_code == 410
    job.refresh_from_db()
    assert (job.live, job.filled, job.has_unpublished_changes) == (False, True, False)
    assert job.closed_at is not None


def test_a_lapsed_member_takes_its_jobs_down_by_the_calendar(client, job_factory, member_a):
    job = job_factory(title="Pastry chef")
    assert on_board(client, job)
    # Standing ends by the date at query time: no job run changes anything.
    member_a.status = Member.Status.LAPSED
    member_a.paid_through = timezone.localdate() - 400 * DAY
    member_a.save()
    assert not on_board(client, job)
    assert client.get(f"/jobs/{job.slug}/").status_code == 410


def test_an_unpublished_listing_takes_its_jobs_down(client, job_factory, employer):
    job = job_factory(title="Pastry chef")
    employer.unpublish()
    assert not on_board(client, job)


def test_a_listing_page_shows_its_open_jobs_only(client, job_factory, employer):
    job_factory(title="Pastry chef")
    job_factory(title="Old vacancy", closes_on=timezone.localdate() - DAY)
    page = client.get(f"/directory/{employer.slug}/").text
    assert "Open jobs" in page and "Pastry chef" in page and "Old vacancy" not in page


def test_a_listing_without_open_jobs_has_no_jobs_section(client, employer, jobs_index):
    assert "Open jobs" not in client.get(f"/directory/{employer.slug}/").text


def test_the_directory_filters_businesses_hiring_now(client, job_factory, employer, member_b):
    job_factory(title="Pastry chef")
    page = client.get("/directory/", {"has_jobs": "on"}).text
    assert employer.name in page and member_b.business.name not in page
