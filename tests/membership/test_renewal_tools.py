"""Issue #18, item 5: the renewal tools. Memberships expiring soon, with how each renews; "Send
renewal reminders" for the members ticked in the list, at most once per stage as the cron job
sends them; reminders that could not be sent (no contact with an e-mail) counted on the admin
home and listed. The SQL rule behind the lists is held equal to the job's own."""

import datetime
import itertools
import zoneinfo

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from membership import reminders
from membership.models import Member, MemberContact, RenewalReminder
from tests.factories import MemberContactFactory, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
NOW = datetime.datetime(2026, 3, 10, 23, 30, tzinfo=NEW_YORK)  # late: UTC is already the 11th
TODAY = NOW.date()
DAY = datetime.timedelta(days=1)
MEMBERS = reverse("wagtailsnippets_membership_member:list")
BULK_SEND = reverse("wagtail_bulk_action", args=["membership", "member", "send_renewal_reminders"])


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def staff():
    user = UserFactory()
    user.groups.add(Group.objects.get(name="Chamber staff"))
    return user


def with_contact(member, email):
    MemberContactFactory(member=member, user=UserFactory(username=email.split("@")[0], email=email))
    return member


@pytest.fixture
def renewals(site_tree, frozen):
    return {
        # Due the 7-days-before reminder, with someone to send it to.
        "due": with_contact(
            MemberFactory(name="Aspen Books", paid_through=TODAY + 5 * DAY, auto_renew=False),
            "ada@aspen.example",
        ),
        # Due too, but nobody to send it to: skipped.
        "skipped": MemberFactory(
            name="Birch Barbers", paid_through=TODAY + 20 * DAY, auto_renew=False
        ),
        # Only a staff contact: dues e-mails go to primary and billing contacts.
        "staff_only": MemberFactory(
            name="Cedar Cafe", paid_through=TODAY + 2 * DAY, auto_renew=False
        ),
        "later": with_contact(
            MemberFactory(name="Dogwood Dental", paid_through=TODAY + 90 * DAY),
            "dee@dogwood.example",
        ),
        # The card subscription renews it: expiring soon, but no reminder.
        "card": with_contact(
            MemberFactory(
                name="Elm Electric",
                paid_through=TODAY + 12 * DAY,
                auto_renew=True,
                stripe_subscription_id="sub_elm",
            ),
            "eli@elm.example",
        ),
    }


@pytest.fixture
def _staff_only_contact(renewals):
    MemberContactFactory(
        member=renewals["staff_only"],
        user=UserFactory(username="cy", email="cy@cedar.example"),
        role=MemberContact.Role.STAFF,
    )


def bulk_url(*members) -> str:
    ids = "&".join(f"id={member.pk}" for member in members)
    return f"{BULK_SEND}?{ids}&next={MEMBERS}"


def rows(client, query: str) -> dict[str, list[str]]:
    """The member list's rows for `query`: {name: [cell texts]}."""
    response = client.get(f"{MEMBERS}?{query}")
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    found = {}
    for row in soup.select("table.listing tbody tr"):
        cells = [" ".join(cell.get_text(" ", strip=True).split()) for cell in row.find_all("td")]
        name = row.select_one("td.title .title-wrapper").get_text(strip=True)
        found[name] = cells
    return found


def test_send_now_for_a_selection_sends_each_due_reminder_once(
    client, renewals, _staff_only_contact
):
    client.force_login(staff())
    selected = [renewals[key] for key in ("due", "skipped", "staff_only", "later", "card")]
    page = client.get(bulk_url(*selected))
    assert page.status_code == 200
    soup = BeautifulSoup(page.content, "html.parser")
    text = " ".join(soup.get_text(" ", strip=True).split())
    assert "A reminder goes to 1 member Aspen Books" in text
    assert "Due, but 2 members have no contact with an e-mail" in text
    assert "Nothing due for 2 members" in text
    assert soup.find("button", string="Send 1 reminder")

    response = client.post(bulk_url(*selected), follow=True)
    assert response.redirect_chain[-1][0] == MEMBERS
    messages = [str(message).strip() for message in response.context["messages"]]
    assert "1 renewal reminder sent." in messages
    assert "2 reminders not sent: the members have no contact with an e-mail." in messages
    [sent] = mail.outbox
    assert sent.to == ["ada@aspen.example"]
    assert "renew" in sent.subject.lower()

    client.post(bulk_url(*selected))  # pressed again
    reminders.send_renewal_reminders()  # and the daily job runs after it
    assert len(mail.outbox) == 1
    assert RenewalReminder.objects.filter(member=renewals["due"]).count() == 1
    assert not RenewalReminder.objects.exclude(member=renewals["due"]).exists()


def test_select_all_means_every_member_a_reminder_could_go_to(client, renewals):
    client.force_login(staff())
    page = client.get(f"{BULK_SEND}?id=all&next={MEMBERS}")
    text = " ".join(BeautifulSoup(page.content, "html.parser").get_text(" ", strip=True).split())
    assert "A reminder goes to 1 member Aspen Books" in text
    assert "Dogwood" not in text and "Elm Electric" not in text


def test_only_staff_who_may_change_members_send_reminders(client, renewals):
    editor = UserFactory()
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    page = client.get(bulk_url(renewals["due"]))
    assert page.status_code in (302, 403)  # Wagtail sends them back to the admin home
    assert b"Aspen Books" not in page.content
    assert client.post(bulk_url(renewals["due"])).status_code in (302, 403)
    assert mail.outbox == []
    assert not RenewalReminder.objects.exists()


def test_skipped_reminders_are_counted_on_the_admin_home_and_listed(
    client, renewals, _staff_only_contact
):
    client.force_login(staff())
    home = BeautifulSoup(client.get("/admin/").content, "html.parser")
    [link] = [
        link
        for link in home.select("#todays-work-section .todays-work a")
        if "reminders not sent" in link.get_text()
    ]
    assert link.get_text(" ", strip=True).startswith("2 ")
    listed = rows(client, link["href"].split("?", 1)[1])
    assert set(listed) == {"Birch Barbers", "Cedar Cafe"}

    # A billing contact with an e-mail is someone to send to: no longer skipped.
    MemberContactFactory(
        member=renewals["skipped"],
        user=UserFactory(username="bo", email="bo@birch.example"),
        role=MemberContact.Role.BILLING,
    )
    assert set(rows(client, "reminder_skipped=true")) == {"Cedar Cafe"}


def test_expiring_soon_lists_every_renewal_and_says_how_each_renews(client, renewals):
    client.force_login(staff())
    RenewalReminder.objects.create(
        member=renewals["due"], stage=-30, period_end=renewals["due"].paid_through
    )
    expiring = rows(client, "expiring_soon=true")
    assert set(expiring) == {"Aspen Books", "Birch Barbers", "Cedar Cafe", "Elm Electric"}
    assert "Automatically" in expiring["Elm Electric"]
    assert "By hand" in expiring["Birch Barbers"]
    assert expiring["Aspen Books"][-1]  # the last reminder, "just now"
    assert expiring["Birch Barbers"][-1] == ""  # none sent
    # The office's own list: only those nobody's card will renew.
    assert set(rows(client, "renewal_due=true")) == {"Aspen Books", "Birch Barbers", "Cedar Cafe"}


def test_the_sql_rule_is_the_jobs_rule_for_every_member_and_day(site_tree):
    """`members_due` (lists, counts, bulk send) and `due_reminder` (the e-mail itself) agree
    for members in every state, on every day of a reminder season."""
    stages = [-30, -7, 0, 14]
    start = datetime.date(2026, 1, 1)
    members = []
    for offset, status, card, no_end_date, sent, contact in itertools.product(
        (-20, -3, 0, 4, 29, 31),
        (Member.Status.ACTIVE, Member.Status.PAST_DUE, Member.Status.LAPSED),
        (False, True),
        (False, True),
        ((), (-30,), (-7, 0)),
        (True, False),
    ):
        if no_end_date and (card or sent):
            continue
        member = MemberFactory(
            paid_through=start + datetime.timedelta(days=offset + 30),
            status=status,
            auto_renew=card,
            stripe_subscription_id="sub_x" if card else "",
            no_end_date=no_end_date,
        )
        for stage in sent:
            RenewalReminder.objects.create(
                member=member, stage=stage, period_end=member.paid_through
            )
        if contact:
            with_contact(member, f"m{member.pk}@example.org")
        members.append(member)

    for day in (start + datetime.timedelta(days=n) for n in range(0, 100, 4)):
        candidates = set(reminders.reminder_candidates(day, stages).values_list("pk", flat=True))
        expected = {
            member.pk
            for member in members
            if member.pk in candidates and reminders.due_reminder(member, day, stages) is not None
        }
        due = dict(reminders.members_due(day, stages).values_list("pk", "due_stage"))
        assert set(due) == expected, day
        for member in members:
            if member.pk in due:
                assert due[member.pk] == reminders.due_stage(member.paid_through, day, stages)
        skipped = set(
            reminders.members_due(day, stages)
            .filter(~reminders.has_reminder_address())
            .values_list("pk", flat=True)
        )
        assert skipped == {
            member.pk for member in members if member.pk in due and not member.billing_emails()
        }
