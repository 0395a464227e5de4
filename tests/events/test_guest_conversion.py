"""Guests on the way to membership: the follow-up e-mail after an event with a join link that
fills in the application, the application recording the registration it came from, and the
"Event guests to members" report (events/follow_ups.py, events/reports.py)."""

import csv
import io
import re
from html import unescape

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command

from events.models import Registration
from membership.applications import approve_application
from membership.models import Application
from tests.events.conftest import local
from tests.factories import MemberContactFactory, MemberFactory, UserFactory
from tests.mail import committed
from tests.membership.helpers import application_data

pytestmark = pytest.mark.django_db

NOW = local(2027, 3, 20, 9, 0)
JOIN_LINK = re.compile(r"https?://\S+/join/\?ref=[^\s#]+#apply")


def follow_up():
    """Run the command as cron does: its transactions commit, so the queued mail goes."""
    with committed():
        call_command("send_guest_follow_ups", stdout=io.StringIO())


def guest(event, email, name="Grace Hopper", **values):
    values.setdefault("status", Registration.Status.CONFIRMED)
    return Registration.objects.create(
        event=event, name=name, email=email, organisation="Cobol Consulting", **values
    )


@pytest.fixture
def mixer(event_factory, join_page):
    """A mixer that ended two days before NOW."""
    return event_factory("Harbour mixer", starts_at=local(2027, 3, 17, 18), kind="mixer")


@time_machine.travel(NOW, tick=False)
def test_guests_get_one_follow_up_with_a_join_link(mixer, event_factory, community):
    grace = guest(mixer, "grace@cobol.example", interested_in_membership=True)
    member = MemberFactory(level=community)
    guest(mixer, "ada@member.example", name="Ada", member=member)  # came as a member
    contact = MemberContactFactory(member=member, user=UserFactory(email="carl@member.example"))
    guest(mixer, contact.user.email, name="Carl")  # represents a member, came as a guest
    guest(mixer, "wanda@x.example", name="Wanda", status=Registration.Status.WAITLISTED)
    guest(mixer, "cancelled@x.example", status=Registration.Status.CANCELLED)
    old = event_factory("Old lunch", starts_at=local(2027, 2, 20, 12), kind="lunch")
    guest(old, "old@x.example")  # more than two weeks ago
    recent = event_factory("Last night", starts_at=local(2027, 3, 19, 18), kind="mixer")
    guest(recent, "recent@x.example")  # not a day yet

    follow_up()
    follow_up()

    [message] = mail.outbox
    assert message.to == ["grace@cobol.example"]
    assert message.subject == "Thank you for coming to Harbour mixer"
    assert JOIN_LINK.search(message.body)
    grace.refresh_from_db()
    assert grace.followed_up_at == NOW


@time_machine.travel(NOW, tick=False)
def test_someone_who_already_applied_is_not_followed_up(mixer, community):
    guest(mixer, "grace@cobol.example")
    Application.objects.create(
        **{
            k: v
            for k, v in application_data(community).items()
            if k in {"organisation_name", "first_name", "last_name", "street", "city", "postcode"}
        },
        email="GRACE@cobol.example",
        level=community,
    )
    follow_up()
    assert mail.outbox == []


@time_machine.travel(NOW, tick=False)
def test_the_join_link_fills_in_the_form_and_the_application_records_the_guest(
    client, mixer, community
):
    grace = guest(mixer, "grace@cobol.example")
    follow_up()
    link = JOIN_LINK.search(mail.outbox[0].body).group(0)
    path = link.split("testserver", 1)[-1].split("#")[0] if "testserver" in link else link
    path = "/join/" + path.split("/join/", 1)[1]

    form = client.get(path).context["form"]
    assert form.initial["first_name"] == "Grace"
    assert form.initial["last_name"] == "Hopper"
    assert form.initial["email"] == "grace@cobol.example"
    assert form.initial["organisation_name"] == "Cobol Consulting"

    # The applicant may change anything (here: another address); the link still counts.
    response = client.post("/join/", application_data(community, email="g.hopper@cobol.example"))
    assert response.status_code == 303
    application = Application.objects.get()
    assert application.source == f"events.registration:{grace.pk}"
    grace.refresh_from_db()
    assert grace.application == application


def test_a_tampered_link_fills_in_nothing_and_records_nothing(client, join_page, community):
    response = client.get("/join/?ref=not-a-token")
    assert response.status_code == 200
    assert not response.context["form"].initial.get("email")
    client.post("/join/", application_data(community))
    assert Application.objects.get().source == ""


def test_a_guest_who_applies_on_their_own_is_recorded_by_e_mail(client, mixer, community):
    first = guest(mixer, "rosa@riverbend.example", name="Rosa Baker")
    later = guest(mixer, "ROSA@riverbend.example", name="Rosa Baker")
    client.post("/join/", application_data(community))  # Rosa@Riverbend.example
    application = Application.objects.get()
    assert application.source == ""
    assert Registration.objects.get(pk=later.pk).application == application
    assert Registration.objects.get(pk=first.pk).application is None


# -- the report ------------------------------------------------------------------------------


@pytest.fixture
def report_fixture(event_factory, join_page, community, admin_user):
    """Two events in March and one in April 2027, with known guests:
    mixer (Mar): 4 guests, 3 interested, 2 followed up, 2 applied, 1 became a member; 1 member
    breakfast (Mar): 1 guest, nobody else;  workshop (Apr): 2 guests, 1 applied.
    """
    mixer = event_factory("Harbour mixer", starts_at=local(2027, 3, 10, 18))
    breakfast = event_factory("Budget breakfast", starts_at=local(2027, 3, 24, 7, 30))
    workshop = event_factory("Pricing workshop", starts_at=local(2027, 4, 7, 13), kind="workshop")

    def applied(registration, *, approve=False):
        application = Application.objects.create(
            organisation_name=registration.organisation,
            first_name="A",
            last_name="B",
            email=registration.email,
            street="1 Main Street",
            city="Riverside",
            postcode="97999",
            level=community,
        )
        if approve:
            approve_application(application, user=admin_user)
        return application

    g = [guest(mixer, f"g{n}@x.example", interested_in_membership=n < 3) for n in range(4)]
    Registration.objects.filter(pk__in=[g[0].pk, g[1].pk]).update(followed_up_at=NOW)
    applied(g[0], approve=True)
    applied(g[1])
    guest(mixer, "m@member.example", member=MemberFactory(level=community))
    guest(breakfast, "b@x.example")
    w = [guest(workshop, f"w{n}@x.example") for n in range(2)]
    applied(w[0])
    return {"mixer": mixer, "breakfast": breakfast, "workshop": workshop}


def row_numbers(html: str, title: str) -> list[str]:
    row = re.search(rf"{title}.*?</tr>", html, re.S).group(0)
    return [unescape(cell).strip() for cell in re.findall(r"<td[^>]*>\s*([^<]*?)\s*</td>", row)]


@time_machine.travel(local(2027, 5, 1, 9), tick=False)
def test_the_report_counts_guests_applications_and_members(client, admin_user, report_fixture):
    client.force_login(admin_user)
    response = client.get("/admin/reports/event-guests/")
    assert response.status_code == 200
    html = response.content.decode()

    # Per event: guests, interested, followed up, applied, became members, conversion.
    assert row_numbers(html, "Harbour mixer")[-6:] == ["4", "3", "2", "2", "1", "25%"]
    assert row_numbers(html, "Budget breakfast")[-6:] == ["1", "0", "0", "0", "0", "0%"]
    assert row_numbers(html, "Pricing workshop")[-6:] == ["2", "0", "0", "1", "0", "0%"]
    # Month by month: March has two events and five guests.
    assert row_numbers(html, "March 2027") == ["2", "5", "3", "2", "2", "1", "20%"]
    assert row_numbers(html, "April 2027") == ["1", "2", "0", "0", "1", "0", "0%"]

    filtered = client.get("/admin/reports/event-guests/?kind=workshop").content.decode()
    assert "Pricing workshop" in filtered and "Harbour mixer" not in filtered
    assert "March 2027" not in filtered


@time_machine.travel(local(2027, 5, 1, 9), tick=False)
def test_the_report_exports_as_csv(client, admin_user, report_fixture):
    client.force_login(admin_user)
    response = client.get("/admin/reports/event-guests/?export=csv")
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    mixer = next(row for row in rows if row["Event"] == "Harbour mixer")
    assert (mixer["Guests"], mixer["Applied"], mixer["Became members"]) == ("4", "2", "1")
    assert mixer["Guests who became members"] == "25%"


def test_the_report_needs_the_registrations_permission(client, site_tree, report_fixture):
    editor = get_user_model().objects.create_user("ed", "ed@example.org", "a long passphrase")
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    assert client.get("/admin/reports/event-guests/").status_code in (302, 403)
    staff = get_user_model().objects.create_user("sam", "sam@example.org", "a long passphrase")
    staff.groups.add(Group.objects.get(name="Membership staff"))
    client.force_login(staff)
    assert client.get("/admin/reports/event-guests/").status_code == 200


# -- attendance and revenue ------------------------------------------------------------------


@time_machine.travel(local(2027, 5, 1, 9), tick=False)
def test_attendance_and_revenue_per_event(client, admin_user, event_factory):
    gala = event_factory("Spring gala", starts_at=local(2027, 4, 20, 19), prices=(80, 100))
    guest(gala, "a@x.example", price=100, stripe_payment_intent_id="pi_a")
    guest(gala, "b@x.example", price=80, checked_in_at=local(2027, 4, 20, 19, 5))
    guest(
        gala,
        "c@x.example",
        price=100,
        stripe_payment_intent_id="pi_c",
        status=Registration.Status.CANCELLED,
        stripe_refund_id="re_c",
        refunded_at=local(2027, 4, 1, 9),
    )
    guest(gala, "d@x.example", status=Registration.Status.WAITLISTED, price=100)
    event_factory("Free mixer", starts_at=local(2027, 4, 22, 18))
    client.force_login(admin_user)

    html = client.get("/admin/reports/events/").content.decode()

    # Status, capacity, registered, arrived, waitlist, paid places, revenue, refunded, currency
    cells = row_numbers(html, "Spring gala")
    assert cells[-9:] == ["Scheduled", "No limit", "2", "1", "1", "2", "180.00", "100.00", "USD"]
    response = client.get("/admin/reports/events/?export=csv")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    rows = {row["Event"]: row for row in csv.DictReader(io.StringIO(content.decode("utf-8-sig")))}
    assert (rows["Spring gala"]["Revenue"], rows["Free mixer"]["Revenue"]) == ("180.00", "0.00")


@time_machine.travel(local(2027, 5, 1, 9), tick=False)
def test_event_reports_defuse_formulas_in_csv(client, admin_user, event_factory):
    event_factory("=HYPERLINK(1)", starts_at=local(2027, 4, 20, 19))
    client.force_login(admin_user)
    for url in ("/admin/reports/events/?export=csv", "/admin/reports/event-guests/?export=csv"):
        response = client.get(url)
        content = b"".join(response.streaming_content) if response.streaming else response.content
        [row] = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
        assert row["Event"] == "'=HYPERLINK(1)", url
