"""Issue #18: the admin home's "Today's work" panel: counts of what waits for staff and how the
membership stands, each a link to the admin list filtered to exactly what it counts, in a
fixed number of queries."""

import datetime
import re
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.submissions import event_submit
from membership.models import Application, Member, Payment, StripeEvent
from tests.factories import (
    ApplicationFactory,
    BusinessFactory,
    DealFactory,
    JobPostingFactory,
    MemberFactory,
    MembershipLevelFactory,
    UserFactory,
    account_member,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def panel(client, user):
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser").find(id="todays-work-section")


def todo(section) -> dict[str, tuple[int, str]]:
    """{label: (count, link)} of the panel's to-do lines."""
    found = {}
    for link in section.select(".todays-work a"):
        count, label = link.get_text(" ", strip=True).split(" ", 1)
        found[label] = (int(count), link["href"])
    return found


def figures(section) -> dict[str, tuple[str, str]]:
    return {
        row.th.get_text(strip=True): (row.td.get_text(strip=True), row.th.a["href"])
        for row in section.select("table tbody tr")
    }


def listed(client, url) -> int:
    """How many rows the admin list at `url` shows (not counting the Payments list's totals
    table above it)."""
    response = client.get(url)
    assert response.status_code == 200, url
    rows = BeautifulSoup(response.content, "html.parser").select("table.listing tbody tr")
    return sum(1 for row in rows if not row.find_parent(id="payment-totals"))


def stripe_event(type_, created):
    return StripeEvent.objects.create(
        stripe_id=f"evt_{StripeEvent.objects.count()}", type=type_, created=created, payload={}
    )


@pytest.fixture
def office(site_tree):
    """A known week at the office."""
    ApplicationFactory.create_batch(2)  # to approve
    ApplicationFactory(status=Application.Status.AWAITING_PAYMENT)
    ApplicationFactory(status=Application.Status.APPROVED)  # done: not counted
    stripe_event("invoice.payment_failed", timezone.now() - 3 * DAY)
    stripe_event("invoice.payment_failed", timezone.now() - 45 * DAY)  # too old
    stripe_event("invoice.paid", timezone.now())
    due = MemberFactory(name="Due by hand", paid_through=TODAY + 10 * DAY, auto_renew=False)
    MemberFactory(  # renews itself: not the office's work
        name="Renews itself",
        paid_through=TODAY + 10 * DAY,
        auto_renew=True,
        stripe_subscription_id="sub_1",
    )
    MemberFactory(name="Later", paid_through=TODAY + 90 * DAY, joined_on=TODAY - 400 * DAY)
    MemberFactory(  # past due: within the grace period
        name="Past due", status=Member.Status.ACTIVE, paid_through=TODAY - 5 * DAY
    )
    for amount, paid_on in ((100, TODAY), (50, TODAY), (400, TODAY.replace(month=1, day=1))):
        Payment.objects.create(
            member=due,
            amount=Decimal(amount),
            method=Payment.Method.CHEQUE,
            paid_on=paid_on,
            period_start=paid_on,
            period_end=paid_on + 365 * DAY,
        )
    listing = BusinessFactory()
    listing.summary = "New words waiting for review"
    listing.save_revision()
    DealFactory(publish=True).save_revision()
    DealFactory(live=False).save_revision()
    JobPostingFactory(live=False).save_revision()
    # An event a member business submitted from its account (events/submissions.py).
    organiser = account_member(
        "Harbour Printworks",
        MembershipLevelFactory(name="Event organisers", events_allowed=1),
        "pat@print.example",
    )
    event_submit(
        member=organiser,
        values={
            "organiser": organiser.business,
            "title": "Print open house",
            "kind": "other",
            "summary": "See the presses run.",
            "starts_at": timezone.now() + datetime.timedelta(days=9),
            "ends_at": timezone.now() + datetime.timedelta(days=9, hours=2),
            "city": "Riverside",
        },
        user=organiser.user,
    )


def staff():
    user = UserFactory()
    user.groups.add(Group.objects.get(name="Chamber staff"))
    return user


def test_the_panel_counts_the_office_work_and_each_count_opens_its_list(client, office):
    user = staff()
    section = panel(client, user)
    lines = todo(section)
    assert {label: count for label, (count, _) in lines.items()} == {
        "applications to approve": 2,
        "applications awaiting payment": 1,
        "listings with changes to review": 1,
        "deals to review": 2,
        "events to review": 1,
        "job postings to review": 1,
        "failed card payments in the last 30 days": 1,
        "renewals due in 30 days, paying by hand": 1,
        "members past due": 1,
        # "Due by hand" and "Past due" are due a reminder and have no contact to send it to.
        "renewal reminders not sent: no contact with an e-mail": 2,
    }
    for label, (count, url) in lines.items():
        if label != "failed card payments in the last 30 days":  # that list has no date filter
            assert listed(client, url) == count, label

    numbers = figures(section)
    month_total = "150.00 USD" if TODAY.month != 1 or TODAY.day != 1 else "550.00 USD"
    assert numbers["Dues recorded this month"][0] == month_total
    assert numbers["Dues recorded this year"][0] == "550.00 USD"
    assert listed(client, numbers["Dues recorded this year"][1]) == 3
    new_this_month = Member.objects.filter(joined_on__gte=TODAY.replace(day=1)).count()
    assert numbers["New members this month"][0] == str(new_this_month)
    assert listed(client, numbers["New members this month"][1]) == new_this_month
    assert re.search(r"joined_on_after=\d{4}-\d{2}-01", numbers["New members this month"][1])


def test_the_panel_costs_the_same_queries_whatever_the_data(client, office):
    user = staff()
    client.force_login(user)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/admin/").status_code == 200
        return len(captured)

    client.get("/admin/")
    before = queries()
    ApplicationFactory.create_batch(5)
    for _ in range(5):
        MemberFactory(paid_through=TODAY + 5 * DAY, auto_renew=False)
        BusinessFactory().save_revision()
    assert queries() == before


def test_editors_see_no_membership_work(client, office):
    editor = UserFactory()
    editor.groups.add(Group.objects.get(name="Editors"))
    section = panel(client, editor)
    assert section is None or not section.select(".todays-work a")
