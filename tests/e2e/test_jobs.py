"""The job board in a real browser: a visitor on a phone filters the board and opens a job; the
board, a job's page, a closed job's page and the member's job pages pass axe at desktop and
phone widths."""

import datetime

import pytest
from django.utils import timezone

from membership.models import MemberContact
from tests.e2e.helpers import E2E_DB, axe_violations
from tests.factories import (
    BusinessFactory,
    EnhancedLevelFactory,
    JobPostingFactory,
    MemberContactFactory,
    MemberFactory,
    UserFactory,
)

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = playwright.expect

pytestmark = E2E_DB

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
PASSWORD = "a long passphrase"
DAY = datetime.timedelta(days=1)


@pytest.fixture
def board(site_tree):
    member = MemberFactory(name="Harbor Print", level=EnhancedLevelFactory())
    user = UserFactory(username="hana@harbor.example", email="hana@harbor.example")
    MemberContactFactory(member=member, user=user, role=MemberContact.Role.PRIMARY)
    business = BusinessFactory(member=member, name="Harbor Print", city="Riverside", live=True)
    business.save()
    today = timezone.localdate()
    return {
        "user": user,
        "designer": JobPostingFactory(
            business=business,
            title="Print designer",
            employment_type="full_time",
            salary_min=42000,
            salary_max=48000,
            description="<p>Design flyers, banners and <b>brochures</b>.</p>",
        ),
        "driver": JobPostingFactory(
            business=business, title="Delivery driver", employment_type="part_time"
        ),
        "closed": JobPostingFactory(
            business=business,
            title="Summer helper",
            posted_on=today - 40 * DAY,
            closes_on=today - DAY,
        ),
    }


def test_a_visitor_on_a_phone_filters_the_board_and_opens_a_job(new_page, board):
    page = new_page(viewport=PHONE)
    page.goto("/jobs/")
    page.locator("summary", has_text="Search and filters").click()
    page.get_by_label("Part-time").check()
    page.get_by_role("button", name="Show jobs").click()
    expect(page.get_by_role("status").filter(has_text="1 open job")).to_be_visible()
    page.get_by_role("link", name="Delivery driver").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delivery driver")
    expect(page.get_by_role("link", name="jobs [at] employer [dot] example")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_job_pages_pass_axe_on_desktop_and_phone(new_page, board, axe_source):
    paths = [
        "/jobs/",
        "/jobs/?employment=full_time&salary=on&sort=closing",
        f"/jobs/{board['designer'].slug}/",
        f"/jobs/{board['closed'].slug}/",
    ]
    for viewport in (DESKTOP, PHONE):
        page = new_page(viewport=viewport)
        for path in paths:
            page.goto(path)
            assert axe_violations(page, axe_source) == [], (path, viewport)
            assert page.locator("h1").count() == 1, path
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_members_job_pages_pass_axe_on_desktop_and_phone(new_page, board, axe_source):
    paths = ["/account/jobs/", "/account/jobs/new/", f"/account/jobs/{board['designer'].slug}/"]
    for viewport in (DESKTOP, PHONE):
        page = new_page(viewport=viewport)
        page.goto("/accounts/login/")
        page.get_by_label("E-mail address").fill("hana@harbor.example")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        for path in paths:
            page.goto(path)
            assert axe_violations(page, axe_source) == [], (path, viewport)
