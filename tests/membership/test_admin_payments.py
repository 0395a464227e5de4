"""Staff actions in the admin (issue #4): applications, offline payments, level changes, and
the read-only payment, Stripe event and renewal reminder listings."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
import stripe
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django.utils import timezone
from wagtail.models import ModelLogEntry
from wagtail.test.utils.form_data import rich_text

from directory.models import Business
from membership import stripe_prices
from membership.dues import add_years
from membership.models import (
    Application,
    Member,
    MemberContact,
    MembershipLevel,
    Payment,
    RenewalReminder,
    StripeEvent,
)
from tests.factories import (
    ApplicationFactory,
    EnhancedLevelFactory,
    MemberContactFactory,
    MemberFactory,
    MembershipLevelFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ADMIN = "/admin/"
SNIPPETS = "/admin/snippets/membership/"
APPLICATION_URL = SNIPPETS + "application/"
PAYMENT_URL = SNIPPETS + "payment/"
EVENT_URL = SNIPPETS + "stripeevent/"
REMINDER_URL = SNIPPETS + "renewalreminder/"
MEMBER_URL = SNIPPETS + "member/"
LEVEL_URL = SNIPPETS + "membershiplevel/"
TODAY = timezone.localdate()


def row_titles(response) -> set[str]:
    assert response.status_code == 200
    soup = BeautifulSoup(response.text, "html.parser")
    return {cell.get_text(strip=True) for cell in soup.select("tbody td.title .title-wrapper")}


def shown_messages(response) -> list[str]:
    return [str(message).strip() for message in response.context["messages"]]


def follow_messages(client, response) -> list[str]:
    """The messages shown on the page a redirect leads to."""
    assert response.status_code == 302, response.status_code
    return shown_messages(client.get(response["Location"]))


def entries(instance, action) -> list[ModelLogEntry]:
    return list(
        ModelLogEntry.objects.filter(
            object_id=str(instance.pk),
            content_type__model=instance._meta.model_name,
            action=action,
        )
    )


def make_payment(member, **fields) -> Payment:
    defaults = {
        "amount": Decimal("195.00"),
        "method": Payment.Method.STRIPE,
        "paid_on": TODAY,
        "period_start": TODAY,
        "period_end": add_years(TODAY),
    }
    return Payment.objects.create(member=member, **{**defaults, **fields})


def make_event(**fields) -> StripeEvent:
    defaults = {
        "stripe_id": "evt_1",
        "type": "invoice.paid",
        "created": timezone.now(),
        "payload": {"id": "evt_1", "type": "invoice.paid"},
    }
    return StripeEvent.objects.create(**{**defaults, **fields})


# Listings and inspect views ------------------------------------------------------------------


@pytest.fixture
def records(site_tree):
    leadership = EnhancedLevelFactory()
    aspen = MemberFactory(name="Aspen Books")
    beech = MemberFactory(name="Beech Florist", level=leadership)
    return {
        "leadership": leadership,
        "aspen": aspen,
        "beech": beech,
        "submitted": ApplicationFactory(
            organisation_name="Cedar Cafe",
            first_name="Cy",
            last_name="Cedar",
            email="cy@cedar.example",
        ),
        "rejected": ApplicationFactory(
            organisation_name="Damson Deli",
            email="dee@damson.example",
            level=leadership,
            status=Application.Status.REJECTED,
        ),
        "cheque": make_payment(
            aspen, method=Payment.Method.CHEQUE, reference="CHQ-1001", paid_on=TODAY
        ),
        "card": make_payment(
            beech,
            amount=Decimal("995.00"),
            stripe_invoice_id="in_beech",
            paid_on=TODAY - datetime.timedelta(days=40),
        ),
        "event": make_event(),
        "failed_event": make_event(
            stripe_id="evt_2",
            type="customer.subscription.updated",
            processed_at=timezone.now(),
            error="Boom",
        ),
        "reminder": RenewalReminder.objects.create(
            member=beech, stage=-30, period_end=TODAY + datetime.timedelta(days=30)
        ),
    }


def test_listings_show_their_rows(staff_client, records):
    assert row_titles(staff_client.get(APPLICATION_URL)) == {"Cedar Cafe", "Damson Deli"}
    assert row_titles(staff_client.get(PAYMENT_URL)) == {"Aspen Books", "Beech Florist"}
    assert row_titles(staff_client.get(EVENT_URL)) == {
        "invoice.paid",
        "customer.subscription.updated",
    }
    assert row_titles(staff_client.get(REMINDER_URL)) == {"Beech Florist"}
    listing = staff_client.get(PAYMENT_URL).text
    assert "CHQ-1001" in listing and "in_beech" in listing
    assert "cy@cedar.example" in staff_client.get(APPLICATION_URL).text


@pytest.mark.parametrize(
    ("url", "params", "expected"),
    [
        (APPLICATION_URL, {"status": "submitted"}, {"Cedar Cafe"}),
        (APPLICATION_URL, {"q": "damson.example"}, {"Damson Deli"}),
        (APPLICATION_URL, {"q": "cedar"}, {"Cedar Cafe"}),
        (PAYMENT_URL, {"method": "cheque"}, {"Aspen Books"}),
        (PAYMENT_URL, {"q": "in_beech"}, {"Beech Florist"}),
        (PAYMENT_URL, {"q": "CHQ-1001"}, {"Aspen Books"}),
        (
            PAYMENT_URL,
            {"paid_on_after": (TODAY - datetime.timedelta(days=7)).isoformat()},
            {"Aspen Books"},
        ),
        (EVENT_URL, {"type": "invoice.paid"}, {"invoice.paid"}),
        (EVENT_URL, {"processed": "true"}, {"customer.subscription.updated"}),
        (EVENT_URL, {"processed": "false"}, {"invoice.paid"}),
        (EVENT_URL, {"q": "evt_2"}, {"customer.subscription.updated"}),
        (REMINDER_URL, {"q": "beech"}, {"Beech Florist"}),
    ],
)
def test_listings_filter_and_search(staff_client, records, url, params, expected):
    assert row_titles(staff_client.get(url, params)) == expected


def test_application_listing_filters_by_level(staff_client, records):
    response = staff_client.get(APPLICATION_URL, {"level": records["leadership"].pk})
    assert row_titles(response) == {"Damson Deli"}


def csv_rows(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_applications_and_payments_export(staff_client, records):
    ApplicationFactory(organisation_name="=HYPERLINK(1)")
    rows = {
        row["Organisation name"]: row
        for row in csv_rows(staff_client.get(APPLICATION_URL, {"export": "csv"}))
    }
    assert set(rows) == {"Cedar Cafe", "Damson Deli", "'=HYPERLINK(1)"}
    assert rows["Damson Deli"]["Status"] == "Rejected"
    assert rows["Cedar Cafe"]["E-mail"] == "cy@cedar.example"

    payments = {
        row["Member"]: row for row in csv_rows(staff_client.get(PAYMENT_URL, {"export": "csv"}))
    }
    assert payments["Aspen Books"]["Method"] == "Cheque"
    assert payments["Beech Florist"]["Stripe invoice id"] == "in_beech"
    for url in (APPLICATION_URL, PAYMENT_URL):
        xlsx = staff_client.get(url, {"export": "xlsx"})
        assert b"".join(xlsx.streaming_content)[:2] == b"PK"


def test_inspect_views_show_every_field(staff_client, records):
    application = records["submitted"]
    page = staff_client.get(APPLICATION_URL + f"inspect/{application.pk}/")
    assert page.status_code == 200
    for text in ("Cedar Cafe", "cy@cedar.example", "4 Mill Lane", "97999", "Submitted (to be"):
        assert text in page.text
    assert f"approve/{application.pk}/" in page.text
    assert f"reject/{application.pk}/" in page.text

    page = staff_client.get(PAYMENT_URL + f"inspect/{records['cheque'].pk}/")
    assert page.status_code == 200
    assert "CHQ-1001" in page.text and "Cheque" in page.text

    page = staff_client.get(REMINDER_URL + f"inspect/{records['reminder'].pk}/")
    assert page.status_code == 200
    assert "Beech Florist" in page.text

    page = staff_client.get(EVENT_URL + f"inspect/{records['failed_event'].pk}/")
    assert page.status_code == 200
    assert "Boom" in page.text and "evt_2" in page.text


def test_decided_application_offers_no_decision(staff_client, records):
    rejected = records["rejected"]
    page = staff_client.get(APPLICATION_URL + f"inspect/{rejected.pk}/")
    assert f"approve/{rejected.pk}/" not in page.text
    response = staff_client.get(APPLICATION_URL + f"approve/{rejected.pk}/")
    assert "This application is already Rejected." in follow_messages(staff_client, response)


def test_stripe_event_payload_is_pretty_printed_and_escaped(staff_client, site_tree):
    event = make_event(
        payload={
            "id": "evt_1",
            "data": {"object": {"description": "<script>alert(1)</script>"}},
        }
    )
    page = staff_client.get(EVENT_URL + f"inspect/{event.pk}/")
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    soup = BeautifulSoup(page.text, "html.parser")
    payload = next(pre.get_text() for pre in soup.select("pre") if "evt_1" in pre.get_text())
    assert '\n  "data": {\n' in payload


@pytest.mark.parametrize(
    "url",
    [
        PAYMENT_URL + "add/",
        APPLICATION_URL + "add/",
        EVENT_URL + "add/",
        REMINDER_URL + "add/",
    ],
)
def test_records_cannot_be_added_in_the_admin(staff_client, site_tree, url):
    response = staff_client.get(url)
    assert response.status_code == 302
    assert response["Location"] == ADMIN


def test_records_cannot_be_edited_or_deleted_in_the_admin(staff_client, records):
    targets = [
        (APPLICATION_URL, records["submitted"]),
        (PAYMENT_URL, records["cheque"]),
        (EVENT_URL, records["event"]),
        (REMINDER_URL, records["reminder"]),
    ]
    for url, instance in targets:
        for view in ("edit", "delete", "copy"):
            response = staff_client.get(url + f"{view}/{instance.pk}/")
            assert response.status_code in (302, 404), (url, view)
            if response.status_code == 302:
                assert response["Location"] == ADMIN
        response = staff_client.post(url + f"delete/{instance.pk}/")
        assert type(instance).objects.filter(pk=instance.pk).exists()
    listing = staff_client.get(PAYMENT_URL).text
    assert PAYMENT_URL + "add/" not in listing
    assert PAYMENT_URL + "edit/" not in listing


# Applications ------------------------------------------------------------------------------


def test_approve_creates_a_pending_member_and_emails_the_applicant(staff_client, site_tree):
    application = ApplicationFactory(
        organisation_name="Riverbend Bakery", email="rosa@riverbend.example"
    )
    url = APPLICATION_URL + f"approve/{application.pk}/"
    page = staff_client.get(url)
    assert page.status_code == 200
    assert "Riverbend Bakery" in page.text and 'name="note"' in page.text

    response = staff_client.post(url, {"note": "See you at the breakfast."})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED
    assert application.decision_note == "See you at the breakfast."
    assert application.decided_by is not None
    member = application.member
    assert member.name == "Riverbend Bakery"
    assert member.status == Member.Status.PENDING
    contact = MemberContact.objects.get(member=member)
    assert contact.role == MemberContact.Role.PRIMARY
    assert contact.user.email == "rosa@riverbend.example"
    listing = Business.objects.get(member=member)
    assert not listing.live
    assert [message.to for message in mail.outbox] == [["rosa@riverbend.example"]]
    assert "See you at the breakfast." in mail.outbox[0].body
    assert len(entries(application, "membership.application_approved")) == 1

    page = staff_client.get(response["Location"])
    assert any("approved" in text for text in shown_messages(page))
    assert f"record-payment/{member.pk}/" in page.text  # the first payment is one click away
    history = staff_client.get(APPLICATION_URL + f"history/{application.pk}/")
    assert history.status_code == 200
    assert "Application approved" in history.text


def test_a_second_approval_is_refused_and_changes_nothing(staff_client, site_tree):
    application = ApplicationFactory()
    url = APPLICATION_URL + f"approve/{application.pk}/"
    staff_client.post(url, {"note": ""})
    mail.outbox.clear()
    members = Member.objects.count()

    response = staff_client.post(url, {"note": "again"})
    assert "This application is already Approved." in follow_messages(staff_client, response)
    application.refresh_from_db()
    assert application.decision_note == ""
    assert Member.objects.count() == members
    assert mail.outbox == []
    assert len(entries(application, "membership.application_approved")) == 1


def test_reject_emails_the_applicant(staff_client, site_tree):
    application = ApplicationFactory(email="no@thanks.example")
    url = APPLICATION_URL + f"reject/{application.pk}/"
    assert staff_client.get(url).status_code == 200
    response = staff_client.post(url, {"note": "Outside our county."})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.REJECTED
    assert application.member is None
    assert [message.to for message in mail.outbox] == [["no@thanks.example"]]
    assert "Outside our county." in mail.outbox[0].body
    assert len(entries(application, "membership.application_rejected")) == 1

    response = staff_client.post(APPLICATION_URL + f"approve/{application.pk}/", {"note": ""})
    assert "This application is already Rejected." in follow_messages(staff_client, response)
    assert not Member.objects.exists()


def test_actions_need_the_csrf_token(site_tree, admin_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    application = ApplicationFactory()
    member = MemberFactory()
    assert 'name="csrfmiddlewaretoken"' in client.get(record_url(member)).text
    urls = [APPLICATION_URL + f"approve/{application.pk}/", record_url(member)]
    for url in urls:
        assert client.post(url, payment_form(note="")).status_code == 403
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert not Payment.objects.exists()


def test_decisions_need_a_post(staff_client, site_tree):
    application = ApplicationFactory()
    staff_client.get(APPLICATION_URL + f"approve/{application.pk}/")
    staff_client.get(APPLICATION_URL + f"reject/{application.pk}/")
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


# Offline payments ----------------------------------------------------------------------------


def record_url(member) -> str:
    return MEMBER_URL + f"record-payment/{member.pk}/"


def payment_form(**changes) -> dict[str, str]:
    return {
        "amount": "195.00",
        "method": "cheque",
        "paid_on": TODAY.isoformat(),
        "reference": "CHQ-2042",
        **changes,
    }


def test_record_payment_form_defaults_to_the_level_dues(staff_client, site_tree):
    member = MemberFactory(level=EnhancedLevelFactory(annual_dues=995))
    page = staff_client.get(record_url(member))
    assert page.status_code == 200
    form = page.context["form"]
    assert form["amount"].value() == Decimal("995.00")
    assert form["paid_on"].value() == TODAY
    methods = [value for value, label in form.fields["method"].choices]
    assert "stripe" not in methods
    assert {"cheque", "bank_transfer", "cash", "waived"} <= set(methods)


def test_record_payment_extends_a_future_paid_through_by_one_year(staff_client, site_tree):
    paid_through = TODAY + datetime.timedelta(days=200)
    member = MemberFactory(status=Member.Status.ACTIVE, paid_through=paid_through)
    response = staff_client.post(record_url(member), payment_form())
    member.refresh_from_db()
    assert member.paid_through == add_years(paid_through)
    assert member.status == Member.Status.ACTIVE
    payment = Payment.objects.get(member=member)
    assert payment.amount == Decimal("195.00")
    assert payment.method == Payment.Method.CHEQUE
    assert payment.reference == "CHQ-2042"
    assert payment.period_start == paid_through
    assert payment.recorded_by is not None
    assert len(entries(member, "membership.payment_recorded")) == 1
    assert entries(member, "membership.status_changed") == []
    messages = follow_messages(staff_client, response)
    assert any("paid through" in text for text in messages)


def test_record_payment_on_a_lapsed_member_starts_today(staff_client, site_tree):
    member = MemberFactory(
        status=Member.Status.LAPSED, paid_through=TODAY - datetime.timedelta(days=400)
    )
    assert not member.in_good_standing()
    response = staff_client.post(record_url(member), payment_form(method="bank_transfer"))
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.paid_through == add_years(TODAY)
    assert member.status == Member.Status.ACTIVE
    assert member.in_good_standing()
    assert Payment.objects.filter(member=member).count() == 1
    assert len(entries(member, "membership.payment_recorded")) == 1
    [status_change] = entries(member, "membership.status_changed")
    assert status_change.data["from"] == "lapsed" and status_change.data["to"] == "active"

    # The member's history reads as sentences.
    history = staff_client.get(MEMBER_URL + f"history/{member.pk}/")
    assert history.status_code == 200
    assert "Status changed from Lapsed to Active" in history.text
    assert "Payment of 195.00 USD recorded (Bank transfer)" in history.text


def test_recording_a_payment_e_mails_a_receipt_unless_staff_untick_it(staff_client, site_tree):
    """Issue #18: a cheque was recorded and nobody was told."""
    member = MemberFactory(name="Riverbend Bakery")
    MemberContactFactory(member=member, user=UserFactory(email="rosa@riverbend.example"))
    page = staff_client.get(record_url(member))
    assert page.context["form"]["send_receipt"].value() is True  # ticked by default

    response = staff_client.post(record_url(member), payment_form(send_receipt="on"))
    assert response.status_code == 302
    [receipt] = [m for m in mail.outbox if m.to == ["rosa@riverbend.example"]]
    assert "195.00" in receipt.body
    assert any(
        "Receipt e-mailed to rosa@riverbend.example" in text
        for text in follow_messages(staff_client, response)
    )

    mail.outbox.clear()
    staff_client.post(record_url(member), payment_form())  # unticked
    assert mail.outbox == []
    assert Payment.objects.filter(member=member).count() == 2


def test_a_member_without_contacts_gets_no_receipt_and_staff_are_told(staff_client, site_tree):
    member = MemberFactory()
    response = staff_client.post(record_url(member), payment_form(send_receipt="on"))
    assert mail.outbox == []
    assert any(
        "No receipt was e-mailed" in text for text in follow_messages(staff_client, response)
    )


def test_staff_open_and_print_any_payments_receipt(staff_client, site_tree, client):
    member = MemberFactory(name="Riverbend <Bakery>")
    staff_client.post(record_url(member), payment_form())
    payment = Payment.objects.get(member=member)
    inspect = staff_client.get(PAYMENT_URL + f"inspect/{payment.pk}/")
    receipt_url = PAYMENT_URL + f"receipt/{payment.pk}/"
    assert f'href="{receipt_url}"' in inspect.text
    receipt = staff_client.get(receipt_url)
    assert receipt.status_code == 200
    text = receipt.text
    assert f"R-{payment.paid_on.year}-{payment.pk:06d}" in text
    assert "Riverbend &lt;Bakery&gt;" in text
    assert "CHQ-2042" in text and "195.00 USD" in text
    assert "data-print" in text
    assert staff_client.get(PAYMENT_URL + "receipt/999999/").status_code == 404

    editor = UserFactory()
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    assert client.get(receipt_url).status_code in (302, 403)


@pytest.mark.parametrize("amount", ["-5", "abc", ""])
def test_an_invalid_payment_keeps_what_was_typed(staff_client, site_tree, amount):
    member = MemberFactory()
    response = staff_client.post(
        record_url(member), payment_form(amount=amount, reference="Typed ref 77")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["amount"]
    assert 'value="Typed ref 77"' in response.text
    assert not Payment.objects.exists()
    assert entries(member, "membership.payment_recorded") == []


def test_a_payment_cannot_be_dated_in_the_future(staff_client, site_tree):
    member = MemberFactory()
    tomorrow = (TODAY + datetime.timedelta(days=1)).isoformat()
    response = staff_client.post(record_url(member), payment_form(paid_on=tomorrow))
    assert response.status_code == 200
    assert response.context["form"].errors["paid_on"]
    assert not Payment.objects.exists()


def test_member_pages_link_to_the_staff_actions(staff_client, site_tree):
    member = MemberFactory(name="Aspen Books")
    pages = [MEMBER_URL, MEMBER_URL + f"edit/{member.pk}/", MEMBER_URL + f"inspect/{member.pk}/"]
    for url in pages:
        page = staff_client.get(url)
        assert page.status_code == 200
        assert record_url(member) in page.text, url
        assert MEMBER_URL + f"change-level/{member.pk}/" in page.text, url


# Levels ---------------------------------------------------------------------------------------


def test_change_level_writes_the_audit_log(staff_client, site_tree):
    member = MemberFactory(level=MembershipLevelFactory(name="Community"))
    leadership = EnhancedLevelFactory()
    url = MEMBER_URL + f"change-level/{member.pk}/"
    page = staff_client.get(url)
    assert page.status_code == 200
    assert "Stripe subscription" not in page.text

    response = staff_client.post(url, {"level": str(leadership.pk)})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.level == leadership
    [entry] = entries(member, "membership.level_changed")
    assert entry.data == {"from": "Community", "to": "Leadership", "reason": "changed by staff"}
    history = staff_client.get(MEMBER_URL + f"history/{member.pk}/")
    assert "Level changed from Community to Leadership (changed by staff)" in history.text


def test_change_level_explains_a_stripe_subscription(staff_client, site_tree):
    member = MemberFactory(stripe_subscription_id="sub_123")
    page = staff_client.get(MEMBER_URL + f"change-level/{member.pk}/")
    assert "Stripe subscription" in page.text
    assert "next renewal" in page.text


def test_editing_a_status_in_the_member_form_is_logged(staff_client, site_tree):
    member = MemberFactory(status=Member.Status.ACTIVE)
    response = staff_client.post(
        MEMBER_URL + f"edit/{member.pk}/",
        {
            "name": member.name,
            "level": str(member.level_id),
            "status": Member.Status.CANCELLED,
            "paid_through": member.paid_through.isoformat(),
            "joined_on": member.joined_on.isoformat(),
            "auto_renew": "on",
        },
    )
    assert response.status_code == 302
    [entry] = entries(member, "membership.status_changed")
    assert entry.data == {"from": "active", "to": "cancelled", "reason": "edited by staff"}


def level_form(level, **changes) -> dict[str, str]:
    return {
        "name": level.name,
        "slug": level.slug,
        "annual_dues": "250.00",
        "currency": "usd",
        "benefits": rich_text("<p>Benefits</p>"),
        "deals_allowed": "0",
        "events_allowed": "0",
        "jobs_allowed": "0",
        "sort_order": "0",
        "active": "on",
        **changes,
    }


@pytest.fixture
def sync_calls(monkeypatch) -> list:
    calls = []
    monkeypatch.setattr(stripe_prices, "sync_level_prices", lambda level: calls.append(level))
    return calls


def test_level_save_with_stripe_off_does_not_call_stripe(staff_client, site_tree, sync_calls):
    level = MembershipLevelFactory(stripe_price_id="price_kept")
    page = staff_client.get(LEVEL_URL + f"edit/{level.pk}/")
    assert "price_kept" in page.text  # shown read-only in the Stripe panel
    response = staff_client.post(
        LEVEL_URL + f"edit/{level.pk}/", level_form(level, stripe_price_id="price_forged")
    )
    assert response.status_code == 302
    level.refresh_from_db()
    assert level.annual_dues == 250
    assert level.stripe_price_id == "price_kept"
    assert sync_calls == []


def test_level_save_with_stripe_on_syncs_prices(staff_client, site_tree, sync_calls, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_chamber"
    response = staff_client.post(
        LEVEL_URL + "add/", level_form(MembershipLevel(name="Patron", slug="patron"))
    )
    assert response.status_code == 302
    level = MembershipLevel.objects.get(slug="patron")
    assert sync_calls == [level]
    level = MembershipLevelFactory()
    staff_client.post(LEVEL_URL + f"edit/{level.pk}/", level_form(level))
    assert sync_calls[-1] == level


def test_a_stripe_failure_warns_but_keeps_the_level(staff_client, site_tree, monkeypatch, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_chamber"

    def fail(level):
        raise stripe.APIConnectionError("Stripe is unreachable")

    monkeypatch.setattr(stripe_prices, "sync_level_prices", fail)
    level = MembershipLevelFactory()
    response = staff_client.post(LEVEL_URL + f"edit/{level.pk}/", level_form(level))
    level.refresh_from_db()
    assert level.annual_dues == 250
    messages = follow_messages(staff_client, response)
    assert any(
        "Stripe prices could not be updated: Stripe is unreachable" in text
        and "manage.py sync_stripe" in text
        for text in messages
    )


# Permissions ---------------------------------------------------------------------------------


def staff_views(records) -> list[tuple[str, str]]:
    application = records["submitted"]
    member = records["aspen"]
    return [
        ("get", APPLICATION_URL),
        ("get", APPLICATION_URL + f"inspect/{application.pk}/"),
        ("post", APPLICATION_URL + f"approve/{application.pk}/"),
        ("post", APPLICATION_URL + f"reject/{application.pk}/"),
        ("get", PAYMENT_URL),
        ("get", PAYMENT_URL + f"inspect/{records['cheque'].pk}/"),
        ("get", EVENT_URL),
        ("get", EVENT_URL + f"inspect/{records['event'].pk}/"),
        ("get", REMINDER_URL),
        ("get", REMINDER_URL + f"inspect/{records['reminder'].pk}/"),
        ("get", record_url(member)),
        ("post", record_url(member)),
        ("get", MEMBER_URL + f"change-level/{member.pk}/"),
        ("post", MEMBER_URL + f"change-level/{member.pk}/"),
    ]


def assert_nothing_changed(records):
    assert Application.objects.get(pk=records["submitted"].pk).status == "submitted"
    assert Payment.objects.count() == 2
    assert Member.objects.get(pk=records["aspen"].pk).level == records["aspen"].level
    assert mail.outbox == []


def test_a_logged_in_non_staff_user_is_sent_away(client, records):
    client.force_login(UserFactory(username="visitor"))
    for method, url in staff_views(records):
        response = getattr(client, method)(url, payment_form(level=str(records["leadership"].pk)))
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/"), url
    assert_nothing_changed(records)


def test_an_editor_without_membership_permissions_is_denied(client, records):
    editor = UserFactory(username="editor")
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    for method, url in staff_views(records):
        response = getattr(client, method)(url, payment_form(level=str(records["leadership"].pk)))
        assert response.status_code == 302, url
        assert response["Location"] == ADMIN, url
    assert_nothing_changed(records)


def test_the_membership_menu_lists_the_new_sections(staff_client, site_tree):
    page = staff_client.get(ADMIN)
    for label in ("Applications", "Payments", "Stripe events", "Renewal reminders"):
        assert label in page.text
