"""Issue #18, item 2: the member record, one admin page with everything about a member (its
standing in words, contacts and their log-in, payments and receipts, reminders sent and
skipped, listings and deals with their review state, the application and the log), with the
actions staff take from it, each behind its permission, in a fixed number of queries."""

import datetime
import re
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.formats import date_format
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

from membership import dues
from membership.corrections import payment_void
from membership.models import (
    Application,
    ContactInvitation,
    Member,
    MemberContact,
    Payment,
    RenewalReminder,
)
from tests.factories import (
    ApplicationFactory,
    BusinessFactory,
    DealFactory,
    JobPostingFactory,
    MemberContactFactory,
    MemberFactory,
    MembershipLevelFactory,
    UserFactory,
)
from tests.mail import committed

pytestmark = pytest.mark.django_db

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
# A Tuesday afternoon at the office; Riverbend's dues run out on 31 March.
NOW = datetime.datetime(2026, 3, 10, 15, 0, tzinfo=NEW_YORK)
TODAY = NOW.date()
PAID_THROUGH = datetime.date(2026, 3, 31)
DAY = datetime.timedelta(days=1)


def record_url(member) -> str:
    return reverse("wagtailsnippets_membership_member:inspect", args=[member.pk])


def staff(group="Chamber staff"):
    user = UserFactory(first_name="Sam", last_name="Office")
    user.groups.add(Group.objects.get(name=group))
    return user


def directory_moderator():
    """Staff who look after listings and deals only: they may see members (to find whose
    listing it is), not their money or contacts."""
    group, _ = Group.objects.get_or_create(name="Directory moderators (test)")
    codenames = [
        "access_admin",
        "view_member",
        "add_business",
        "change_business",
        "publish_business",
        "add_deal",
        "change_deal",
        "publish_deal",
    ]
    group.permissions.set(Permission.objects.filter(codename__in=codenames))
    user = UserFactory()
    user.groups.add(group)
    return user


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def riverbend(site_tree, frozen):
    """A member with one of everything the record shows. Built as if committed, so that the
    e-mails it causes (the deal is live) are out of the way of the ones a test looks for."""
    with committed():
        member = build_riverbend()
    mail.outbox.clear()
    return member


def build_riverbend():
    level = MembershipLevelFactory(name="Business", annual_dues=395)
    member = MemberFactory(
        name="Riverbend Bakery",
        level=level,
        status=Member.Status.ACTIVE,
        paid_through=PAID_THROUGH,
        auto_renew=False,
        joined_on=datetime.date(2024, 3, 25),
    )
    rosa = UserFactory(username="rosa", first_name="Rosa", last_name="Baker")
    rosa.email = "rosa@riverbend.example"
    rosa.last_login = datetime.datetime(2026, 2, 1, 9, 30, tzinfo=NEW_YORK)
    rosa.save()
    pat = UserFactory(username="pat", first_name="Pat", last_name="Ledger")
    pat.email = "pat@riverbend.example"
    pat.set_unusable_password()
    pat.save()
    MemberContactFactory(member=member, user=rosa, role=MemberContact.Role.PRIMARY)
    MemberContactFactory(member=member, user=pat, role=MemberContact.Role.BILLING)
    ContactInvitation.objects.create(
        member=member,
        email="baker2@riverbend.example",
        role=MemberContact.Role.STAFF,
        invited_by=rosa,
        expires_at=NOW + 5 * DAY,
    )
    for paid_on, start in (
        (datetime.date(2024, 3, 25), datetime.date(2024, 4, 1)),
        (datetime.date(2025, 3, 20), datetime.date(2025, 4, 1)),
    ):
        Payment.objects.create(
            member=member,
            amount=Decimal("395.00"),
            method=Payment.Method.CHEQUE,
            paid_on=paid_on,
            period_start=start,
            period_end=start.replace(year=start.year + 1) - DAY,
            reference=f"Cheque {paid_on:%Y}",
        )
    for stage in (-30, -7):
        RenewalReminder.objects.create(
            member=member,
            stage=stage,
            period_end=datetime.date(2025, 3, 31),
            sent_to="rosa@riverbend.example",
        )
    ApplicationFactory(
        organisation_name="Riverbend Bakery",
        email="rosa@riverbend.example",
        level=level,
        status=Application.Status.APPROVED,
        member=member,
    )
    listing = BusinessFactory(member=member, name="Riverbend Bakery")
    listing.summary = "Now with gluten-free loaves"
    listing.save_revision()  # waiting for review
    BusinessFactory(member=member, name="Riverbend Bakery (Lakeview)", live=False)
    DealFactory(business=listing, title="10% off sourdough", publish=True)
    dues.log_changes(
        member,
        Member.Status.PENDING,
        level,
        reason="first payment recorded",
        user=None,
        previous_no_end_date=False,
    )
    return member


def page(client, user, member):
    client.force_login(user)
    response = client.get(record_url(member))
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def links(element, text: str) -> list:
    """The links in `element` whose text (screen-reader words included) starts with `text`."""
    return [
        link
        for link in element.find_all("a")
        if " ".join(link.get_text(" ", strip=True).split()).startswith(text)
    ]


def text_of(soup, section) -> str:
    found = soup.find(id=f"{section}-section")
    return " ".join(found.get_text(" ", strip=True).split()) if found else ""


def test_the_record_shows_every_section_of_a_known_member(client, riverbend):
    soup = page(client, staff(), riverbend)
    summary = text_of(soup, "membership")
    assert f"In good standing until {date_format(PAID_THROUGH + 30 * DAY)}" in summary
    assert "Pays by hand" in summary
    assert "Business (395.00 USD a year)" in summary
    assert date_format(PAID_THROUGH) in summary
    assert "9999" not in soup.get_text()

    contacts = text_of(soup, "contacts")
    assert "Rosa Baker rosa@riverbend.example Primary contact" in contacts
    assert f"Last logged in {date_format(datetime.date(2026, 2, 1))}" in contacts
    assert "Pat Ledger pat@riverbend.example Billing contact" in contacts
    assert "No password yet" in contacts
    assert "baker2@riverbend.example" in contacts  # invited, not yet answered

    payments = soup.find(id="payments-section")
    receipts = [link["href"] for link in links(payments, "Receipt")]
    assert len(receipts) == 2
    for href in receipts:
        assert client.get(href).status_code == 200
    assert "Cheque 2025" in text_of(soup, "payments")

    reminders = text_of(soup, "reminders")
    assert "Due now: the reminder 30 days before the paid-through date" in reminders
    assert "7 days before the paid-through date" in reminders  # sent last year
    assert date_format(datetime.date(2025, 3, 31)) in reminders

    listings = text_of(soup, "listings")
    assert "Riverbend Bakery Riverside Published; changes awaiting review" in listings
    assert "Riverbend Bakery (Lakeview) Riverside Draft: not published" in listings
    assert "10% off sourdough" in text_of(soup, "deals")
    assert "Published" in text_of(soup, "deals")

    application = soup.find(id="application-section")
    link = application.find("a")["href"]
    assert client.get(link).status_code == 200
    assert "Approved" in application.get_text()

    assert "Status changed from Pending to Active" in text_of(soup, "log")


def test_the_record_words_standing_without_dates_in_the_year_9999(client, site_tree, frozen):
    user = staff()
    cases = {
        "In good standing, with no end date": MemberFactory(no_end_date=True, paid_through=None),
        f"Lapsed since {date_format(TODAY - 9 * DAY)}": MemberFactory(
            status=Member.Status.LAPSED, paid_through=TODAY - 40 * DAY
        ),
        f"Active, renews automatically on {date_format(TODAY + 100 * DAY)}": MemberFactory(
            auto_renew=True, stripe_subscription_id="sub_1", paid_through=TODAY + 100 * DAY
        ),
        f"Past due since {date_format(TODAY - 4 * DAY)}": MemberFactory(
            paid_through=TODAY - 5 * DAY
        ),
        "Pending: not in good standing": MemberFactory(
            status=Member.Status.PENDING, paid_through=None
        ),
    }
    for words, member in cases.items():
        soup = page(client, user, member)
        assert words in text_of(soup, "membership"), words
        assert "9999" not in soup.get_text()


def test_the_members_name_in_the_list_opens_its_record(client, riverbend):
    client.force_login(staff())
    listing = BeautifulSoup(
        client.get(reverse("wagtailsnippets_membership_member:list")).content, "html.parser"
    )
    [title] = [cell for cell in listing.select("td.title") if "Riverbend" in cell.get_text()]
    assert title.find("a")["href"] == record_url(riverbend)


def test_the_edit_form_links_to_the_record(client, riverbend):
    client.force_login(staff())
    edit = client.get(reverse("wagtailsnippets_membership_member:edit", args=[riverbend.pk]))
    soup = BeautifulSoup(edit.content, "html.parser")
    assert [link["href"] for link in links(soup, "Member record")] == [record_url(riverbend)]


def test_recording_a_payment_from_the_record_comes_back_to_it(client, riverbend):
    soup = page(client, staff(), riverbend)
    [button] = links(soup.find(id="payments-section"), "Record payment")
    response = client.post(
        button["href"],
        {
            "amount": "395.00",
            "method": "cheque",
            "paid_on": "2026-03-09",
            "reference": "Cheque 2026",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == record_url(riverbend)
    soup = page(client, staff(), riverbend)
    assert "Cheque 2026" in text_of(soup, "payments")
    assert f"In good standing until {date_format(PAID_THROUGH.replace(year=2027) + 30 * DAY)}" in (
        text_of(soup, "membership")
    )
    assert "Payment of 395.00 USD recorded (Cheque)" in text_of(soup, "log")
    assert len(links(soup.find(id="payments-section"), "Receipt")) == 3


def test_a_member_due_a_reminder_without_an_e_mail_shows_it_was_skipped(client, site_tree, frozen):
    member = MemberFactory(paid_through=TODAY + 5 * DAY, auto_renew=False)
    reminders = text_of(page(client, staff(), member), "reminders")
    assert "Not sent: the reminder 7 days before the paid-through date is due since" in reminders


def test_the_record_says_when_the_next_reminder_goes_or_why_none_will(client, site_tree, frozen):
    user = staff()
    later = MemberFactory(paid_through=TODAY + 90 * DAY, auto_renew=False)
    reminders = text_of(page(client, user, later), "reminders")
    assert (
        f"Next reminder: {date_format(TODAY + 60 * DAY)}, 30 days before the paid-through date"
        in reminders
    )
    card = MemberFactory(paid_through=TODAY + 5 * DAY, auto_renew=True, stripe_subscription_id="s")
    assert "The card subscription renews it" in text_of(page(client, user, card), "reminders")


def test_users_without_membership_permissions_cannot_open_the_record(client, riverbend):
    editor = staff("Editors")
    client.force_login(editor)
    response = client.get(record_url(riverbend))
    assert response.status_code in (302, 403)
    assert b"Riverbend" not in response.content


def test_directory_staff_see_listings_but_not_payments_or_contacts(client, riverbend):
    soup = page(client, directory_moderator(), riverbend)
    assert "Riverbend Bakery (Lakeview)" in text_of(soup, "listings")
    assert "10% off sourdough" in text_of(soup, "deals")
    for hidden in ("payments", "contacts", "reminders", "application", "log"):
        assert soup.find(id=f"{hidden}-section") is None, hidden
    assert "395.00" not in soup.get_text().replace("395.00 USD a year", "")
    assert "rosa@riverbend.example" not in soup.get_text()
    assert "Record payment" not in soup.get_text()


def test_the_record_costs_the_same_queries_however_much_the_member_has(client, riverbend):
    client.force_login(staff())
    url = record_url(riverbend)
    client.get(url)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    before = queries()
    # Session, user, permissions, the member, one query per section (two for payments: their
    # corrections in one prefetch), Wagtail's menu.
    assert before == 23
    for year in range(2015, 2024):
        Payment.objects.create(
            member=riverbend,
            amount=Decimal("395.00"),
            method=Payment.Method.BANK_TRANSFER,
            paid_on=datetime.date(year, 3, 1),
            period_start=datetime.date(year, 4, 1),
            period_end=datetime.date(year + 1, 3, 31),
        )
        RenewalReminder.objects.create(
            member=riverbend, stage=-30, period_end=datetime.date(year, 3, 31)
        )
    for _ in range(4):
        MemberContactFactory(member=riverbend, role=MemberContact.Role.STAFF)
        listing = BusinessFactory(member=riverbend)
        DealFactory(business=listing)
        JobPostingFactory(business=listing)
        log(instance=riverbend, action=dues.LEVEL_CHANGED, data={"from": "A", "to": "B"})
    assert queries() == before


def test_staff_resend_the_set_password_link_and_it_is_logged(client, riverbend):
    pat = MemberContact.objects.get(member=riverbend, user__username="pat")
    soup = page(client, staff(), riverbend)
    [link] = links(soup.find(id="contacts-section"), "Send set-password link to Pat")
    url = link["href"]
    assert url == reverse(
        "wagtailsnippets_membership_membercontact:send_password_link", args=[pat.pk]
    )
    assert "has not set a password yet" in client.get(url).content.decode()

    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == record_url(riverbend)
    [sent] = mail.outbox
    assert sent.to == ["pat@riverbend.example"]
    assert re.search(r"https?://\S+/accounts/reset/\S+/", sent.body)
    entry = ModelLogEntry.objects.for_instance(riverbend).get(
        action="membership.password_link_sent"
    )
    assert entry.data["email"] == "pat@riverbend.example"
    assert "Set-password link sent to pat@riverbend.example" in text_of(
        page(client, staff(), riverbend), "log"
    )


def test_the_set_password_link_sets_a_password_that_logs_in(client, riverbend):
    pat = MemberContact.objects.get(member=riverbend, user__username="pat")
    client.force_login(staff())
    client.post(
        reverse("wagtailsnippets_membership_membercontact:send_password_link", args=[pat.pk])
    )
    client.logout()
    [sent] = mail.outbox
    path = "/" + re.search(r"https?://[^/\s]+/(accounts/reset/\S+/)", sent.body).group(1)
    form = client.get(path, follow=True)
    assert form.status_code == 200
    response = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a new long passphrase", "new_password2": "a new long passphrase"},
    )
    assert response.status_code == 302
    pat.user.refresh_from_db()
    assert pat.user.check_password("a new long passphrase")


def test_only_contact_staff_may_send_the_link(client, riverbend):
    pat = MemberContact.objects.get(member=riverbend, user__username="pat")
    url = reverse("wagtailsnippets_membership_membercontact:send_password_link", args=[pat.pk])
    for user in (staff("Editors"), directory_moderator()):
        client.force_login(user)
        assert client.get(url).status_code in (302, 403)
        client.post(url)
    assert mail.outbox == []
    assert not ModelLogEntry.objects.filter(action="membership.password_link_sent").exists()


def test_a_voided_payment_shows_on_the_record_as_voided_and_its_correction_is_logged(
    client, riverbend
):
    """Corrections (#18 item 4) are shown on the member record: the payment's state in the
    payments table, the void in the member's log; the correction row itself is not listed as
    money received."""
    cheque = riverbend.payments.get(reference="Cheque 2025")
    payment_void(payment=cheque, reason="Cheque bounced.")
    soup = page(client, UserFactory(is_superuser=True), riverbend)
    rows = soup.find(id="payments-section").select("tbody tr")
    assert len(rows) == 2  # the two cheques; the void is not a third payment
    states = {
        row.select("td")[4].get_text(strip=True): row.select("td")[5].get_text(strip=True)
        for row in rows
    }
    assert states == {"Cheque 2025": "Voided", "Cheque 2024": "Received"}
    assert "voided" in text_of(soup, "log")
