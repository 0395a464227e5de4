"""Voiding and adjusting payments (issue #18, item 4): the original stays, the correction is a
linked row with a reason, paid-through is recomputed from the payments that still count, the
member's standing and status follow, everything is logged and shown on the payment's page and
receipt; nobody may delete a payment."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group, Permission
from django.db import IntegrityError, transaction
from wagtail.models import ModelLogEntry

from membership import dashboard, dues
from membership.corrections import CorrectionError, payment_adjust, payment_void
from membership.models import Member, Payment
from tests.factories import MemberContactFactory, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
TODAY = datetime.date(2026, 3, 10)
SNIPPETS = "/admin/snippets/membership/"
PAYMENT_URL = SNIPPETS + "payment/"
MEMBER_URL = SNIPPETS + "member/"


@pytest.fixture(autouse=True)
def frozen_clock():
    """Mid-afternoon in the chamber's zone, so that no date here turns over during a test."""
    with time_machine.travel(datetime.datetime(2026, 3, 10, 15, 0, tzinfo=NEW_YORK), tick=False):
        yield


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def url(name: str, payment: Payment) -> str:
    return PAYMENT_URL + f"{name}/{payment.pk}/"


def entries(instance, action) -> list[ModelLogEntry]:
    return list(
        ModelLogEntry.objects.filter(
            object_id=str(instance.pk),
            content_type__model=instance._meta.model_name,
            action=action,
        ).order_by("pk")
    )


def messages_after(client, response) -> list[str]:
    assert response.status_code == 302, response.status_code
    page = client.get(response["Location"])
    return [str(message) for message in page.context["messages"]]


def staff_user(*permissions: str, username: str = "pat"):
    """A member of "Chamber staff" with `permissions` added (e.g. "change_payment")."""
    user = UserFactory(username=username)
    user.groups.add(Group.objects.get(name="Chamber staff"))
    for codename in permissions:
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label="membership", codename=codename)
        )
    return user


@pytest.fixture
def treasurer(client, site_tree):
    """The test client, logged in as staff who may correct payments (`change_payment`)."""
    client.force_login(staff_user("change_payment"))
    return client


def record(member, *, amount="195.00", method="cheque", reference="CHQ-1") -> Payment:
    """An offline payment, recorded as staff do (a year from the later of today and the
    paid-through date)."""
    return dues.record_offline_payment(
        member, amount=Decimal(amount), method=method, paid_on=TODAY, reference=reference
    )


def original_fields(payment: Payment) -> dict:
    payment.refresh_from_db()
    return {
        field: getattr(payment, field)
        for field in ("kind", "amount", "method", "paid_on", "period_start", "period_end")
    }


# Void ------------------------------------------------------------------------------------------


def test_void_keeps_the_original_and_moves_paid_through_back(treasurer):
    member = MemberFactory(name="Aspen Books", paid_through=days(100))
    first, second = record(member), record(member, reference="CHQ-2")
    member.refresh_from_db()
    assert member.paid_through == dues.add_years(dues.add_years(days(100)))
    before = original_fields(second)

    page = treasurer.get(url("void", second))
    assert page.status_code == 200
    assert "moves from" in page.text  # the form says what voiding will do to the date
    response = treasurer.post(url("void", second), {"reason": "Cheque bounced (NSF)"})

    assert original_fields(second) == before  # the original row is untouched
    void = Payment.objects.get(kind=Payment.Kind.VOID)
    assert void.corrects == second
    assert void.amount == Decimal("-195.00")
    assert void.reason == "Cheque bounced (NSF)"
    assert void.recorded_by is not None
    member.refresh_from_db()
    assert member.paid_through == first.period_end == dues.add_years(days(100))
    assert member.status == Member.Status.ACTIVE
    assert Payment.objects.filter(member=member).count() == 3
    assert any("Payment voided" in text for text in messages_after(treasurer, response))
    [on_member] = entries(member, "membership.payment_voided")
    [on_payment] = entries(second, "membership.payment_voided")
    assert on_member.data == on_payment.data
    assert on_member.data["reason"] == "Cheque bounced (NSF)"
    assert on_member.data["paid_through_to"] == first.period_end.isoformat()

    # Voiding the first too: back to the date typed before any payment was recorded.
    treasurer.post(url("void", first), {"reason": "Recorded on the wrong member"})
    member.refresh_from_db()
    assert member.paid_through == days(100)
    assert member.in_good_standing()


def test_voiding_a_new_members_only_payment_makes_it_pending_again(treasurer):
    member = MemberFactory(status=Member.Status.PENDING, paid_through=None)
    payment = record(member)
    member.refresh_from_db()
    assert (member.status, member.in_good_standing()) == (Member.Status.ACTIVE, True)

    treasurer.post(url("void", payment), {"reason": "Cheque bounced"})

    member.refresh_from_db()
    assert member.paid_through is None
    assert member.status == Member.Status.PENDING
    assert not member.in_good_standing()
    [change] = entries(member, "membership.status_changed")[-1:]
    assert (change.data["from"], change.data["to"]) == ("active", "pending")


def test_voiding_the_payment_that_renewed_a_lapsed_member_lapses_it_again(treasurer):
    member = MemberFactory(status=Member.Status.LAPSED, paid_through=days(-400))
    payment = record(member)
    member.refresh_from_db()
    assert member.status == Member.Status.ACTIVE

    treasurer.post(url("void", payment), {"reason": "Cheque bounced"})

    member.refresh_from_db()
    assert member.paid_through == days(-400)
    assert member.status == Member.Status.LAPSED
    assert not member.in_good_standing()


def test_a_paid_through_date_set_by_hand_is_kept_and_staff_are_told(treasurer):
    member = MemberFactory(paid_through=days(100))
    payment = record(member)
    Member.objects.filter(pk=member.pk).update(paid_through=datetime.date(2030, 12, 31))

    response = treasurer.post(url("void", payment), {"reason": "Bounced"})

    member.refresh_from_db()
    assert member.paid_through == datetime.date(2030, 12, 31)
    assert any("set by hand" in text for text in messages_after(treasurer, response))
    [entry] = entries(member, "membership.payment_voided")
    assert entry.data["paid_through_kept"] is True


def test_a_correction_needs_a_reason(treasurer):
    payment = record(MemberFactory())
    for reason in ("", "   "):
        response = treasurer.post(url("void", payment), {"reason": reason})
        assert response.status_code == 200
        assert response.context["form"].errors["reason"]
    with pytest.raises(CorrectionError):
        payment_void(payment=payment, reason=" ")
    assert not Payment.objects.exclude(kind=Payment.Kind.PAYMENT).exists()


def test_a_payment_is_voided_once(treasurer):
    payment = record(MemberFactory())
    treasurer.post(url("void", payment), {"reason": "Bounced"})
    response = treasurer.post(url("void", payment), {"reason": "Again"})
    assert any("already void" in text for text in messages_after(treasurer, response))
    assert Payment.objects.filter(kind=Payment.Kind.VOID).count() == 1
    with transaction.atomic(), pytest.raises(IntegrityError):  # and the database says so too
        Payment.objects.create(
            member=payment.member,
            kind=Payment.Kind.VOID,
            corrects=payment,
            amount=0,
            method=payment.method,
            paid_on=TODAY,
            period_start=payment.period_start,
            period_end=payment.period_end,
            reason="A second void",
        )


def test_the_database_refuses_a_correction_without_a_reason_or_original(site_tree):
    payment = record(MemberFactory())
    rows = [
        {"kind": Payment.Kind.VOID, "corrects": payment, "amount": -1, "reason": ""},
        {"kind": Payment.Kind.ADJUSTMENT, "corrects": None, "amount": 5, "reason": "Why"},
        {"kind": Payment.Kind.REFUND, "corrects": payment, "amount": 5, "reason": "Why"},
        {"kind": Payment.Kind.PAYMENT, "corrects": None, "amount": -5, "reason": ""},
    ]
    for row in rows:
        with transaction.atomic(), pytest.raises(IntegrityError):
            Payment.objects.create(
                member=payment.member,
                method=payment.method,
                paid_on=TODAY,
                period_start=payment.period_start,
                period_end=payment.period_end,
                **row,
            )


def test_card_payments_and_corrections_are_not_voided_or_adjusted(treasurer):
    member = MemberFactory()
    card = Payment.objects.create(
        member=member,
        amount=Decimal("195.00"),
        method=Payment.Method.STRIPE,
        paid_on=TODAY,
        period_start=TODAY,
        period_end=days(365),
        stripe_invoice_id="in_1",
    )
    cheque = record(member)
    void = payment_void(payment=cheque, reason="Bounced").row
    for payment, text in ((card, "refunding it through Stripe"), (void, "not a void")):
        for name in ("void", "adjust"):
            response = treasurer.post(url(name, payment), {"reason": "x", "amount": "1"})
            assert any(text in message for message in messages_after(treasurer, response))
    assert Payment.objects.count() == 3


# Adjust ----------------------------------------------------------------------------------------


def test_adjust_corrects_the_amount_and_the_period(treasurer):
    member = MemberFactory(paid_through=days(100))
    payment = record(member)
    before = original_fields(payment)
    page = treasurer.get(url("adjust", payment))
    assert page.context["form"]["amount"].value() == Decimal("195.00")
    assert page.context["form"]["period_end"].value() == payment.period_end

    six_months = datetime.date(2027, 12, 18)
    response = treasurer.post(
        url("adjust", payment),
        {"amount": "150.00", "period_end": six_months.isoformat(), "reason": "Half-year rate"},
    )

    assert response.status_code == 302
    assert original_fields(payment) == before
    adjustment = Payment.objects.get(kind=Payment.Kind.ADJUSTMENT)
    assert (adjustment.amount, adjustment.period_end) == (Decimal("-45.00"), six_months)
    member.refresh_from_db()
    assert member.paid_through == six_months
    effect = Payment.objects.get(pk=payment.pk).effect()
    assert (effect.net_amount, effect.period_end, effect.counts) == (
        Decimal("150.00"),
        six_months,
        True,
    )
    assert len(entries(payment, "membership.payment_adjusted")) == 1

    # Back to the full year: the latest adjustment's period wins; the amounts add up.
    payment_adjust(
        payment=payment, amount=Decimal("195.00"), period_end=before["period_end"], reason="Oops"
    )
    member.refresh_from_db()
    assert member.paid_through == before["period_end"]
    assert Payment.objects.get(pk=payment.pk).effect().net_amount == Decimal("195.00")


def test_an_adjustment_that_changes_nothing_or_ends_before_the_start_is_refused(treasurer):
    payment = record(MemberFactory())
    unchanged = {"amount": "195.00", "period_end": payment.period_end.isoformat(), "reason": "x"}
    response = treasurer.post(url("adjust", payment), unchanged)
    assert response.status_code == 200
    assert "Nothing to adjust" in response.text
    too_early = {**unchanged, "period_end": payment.period_start.isoformat()}
    response = treasurer.post(url("adjust", payment), too_early)
    assert response.context["form"].errors["period_end"]
    assert not Payment.objects.filter(kind=Payment.Kind.ADJUSTMENT).exists()


def test_adjusting_a_past_due_members_period_forward_makes_it_active(treasurer):
    member = MemberFactory(status=Member.Status.ACTIVE, paid_through=days(-400))
    payment = record(member)  # a year from today
    Member.objects.filter(pk=member.pk).update(status=Member.Status.PAST_DUE)
    payment_adjust(
        payment=payment,
        amount=Decimal("390.00"),
        period_end=dues.add_years(payment.period_end),
        reason="The cheque paid two years",
    )
    member.refresh_from_db()
    assert member.paid_through == dues.add_years(payment.period_end)
    assert member.status == Member.Status.ACTIVE


# What staff and members see -------------------------------------------------------------------


def test_the_payments_page_and_history_show_the_correction(treasurer):
    member = MemberFactory(name="Aspen Books")
    payment = record(member)
    treasurer.post(url("void", payment), {"reason": "Cheque bounced"})
    void = Payment.objects.get(kind=Payment.Kind.VOID)

    page = treasurer.get(url("inspect", payment))
    assert page.status_code == 200
    soup = BeautifulSoup(page.text, "html.parser")
    table = soup.select_one("table.listing")
    assert "Cheque bounced" in table.get_text() and "-195.00" in table.get_text()
    assert "Voided" in page.text
    assert url("void", payment) not in page.text  # nothing left to do to it
    correction_page = treasurer.get(url("inspect", void))
    assert url("inspect", payment) in correction_page.text

    listing = treasurer.get(PAYMENT_URL, {"kind": "void"})
    assert listing.status_code == 200
    listed = BeautifulSoup(listing.text, "html.parser")
    rows = [row for row in listed.select("tbody tr") if not row.find_parent(id="payment-totals")]
    assert len(rows) == 1 and "-195.00" in rows[0].get_text()
    totals = listed.select_one("#payment-totals tbody tr").get_text(" ", strip=True)
    assert totals == "Cheque USD 1 0.00 -195.00 -195.00"  # the void alone, on its own date

    history = treasurer.get(url("history", payment))
    assert f"Payment #{payment.pk} voided: -195.00 USD" in history.text
    assert "(Cheque bounced)" in history.text
    member_history = treasurer.get(MEMBER_URL + f"history/{member.pk}/")
    assert f"Payment #{payment.pk} voided" in member_history.text


def test_a_voided_receipt_says_void_to_staff_and_to_the_member(treasurer, client):
    member = MemberFactory(name="Aspen Books")
    contact = MemberContactFactory(member=member, user=UserFactory(username="ada"))
    payment = record(member)
    kept = record(member, reference="CHQ-2")
    treasurer.post(url("void", payment), {"reason": "Cheque bounced"})
    void = Payment.objects.get(kind=Payment.Kind.VOID)

    receipt = treasurer.get(url("receipt", payment))
    assert "VOID" in receipt.text and "-195.00 USD" in receipt.text
    # A correction's receipt is the receipt of the payment it corrects.
    assert treasurer.get(url("receipt", void)).context["payment"].pk == payment.pk
    assert "VOID" not in treasurer.get(url("receipt", kept)).text

    client.force_login(contact.user)
    listing = client.get("/account/receipts/")
    shown = {row.pk for row in listing.context["page_obj"]}
    assert shown == {payment.pk, kept.pk}  # the void is a line on its payment's receipt
    assert "Voided" in listing.text
    member_receipt = client.get(f"/account/receipts/{payment.pk}/")
    assert "VOID" in member_receipt.text
    assert "Cheque bounced" not in member_receipt.text  # staff's note stays in the office
    assert client.get(f"/account/receipts/{void.pk}/").status_code == 404


def test_dues_totals_net_out_corrections(site_tree):
    payment = record(MemberFactory())
    record(MemberFactory())
    assert dashboard.dues_since(TODAY) == "390.00 USD"
    payment_void(payment=payment, reason="Bounced")
    assert dashboard.dues_since(TODAY) == "195.00 USD"


# Who may --------------------------------------------------------------------------------------


def test_only_staff_who_may_change_payments_correct_them(client, site_tree):
    payment = record(MemberFactory())
    form = {"reason": "Bounced", "amount": "1.00", "period_end": "2030-01-01"}
    actions = [url(name, payment) for name in ("void", "adjust", "refund")]

    for method in ("get", "post"):  # anonymous: to the log-in page
        for action in actions:
            response = getattr(client, method)(action, form)
            assert response["Location"].startswith("/admin/login/"), action

    editor = UserFactory(username="eddie")
    editor.groups.add(Group.objects.get(name="Editors"))
    office = UserFactory(username="sam")  # records payments, may not correct them
    office.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        *Permission.objects.filter(
            content_type__app_label="membership", codename__in=["view_payment", "add_payment"]
        ),
    )
    for user in (editor, office):
        client.force_login(user)
        for method in ("get", "post"):
            for action in actions:
                response = getattr(client, method)(action, form)
                assert (response.status_code, response["Location"]) == (302, "/admin/"), action
    page = client.get(url("inspect", payment))  # office staff: no buttons either
    assert page.status_code == 200
    assert url("void", payment) not in page.text
    assert not Payment.objects.exclude(kind=Payment.Kind.PAYMENT).exists()

    client.force_login(staff_user("change_payment", username="tess"))
    assert url("void", payment) in client.get(url("inspect", payment)).text
    assert client.post(url("void", payment), form).status_code == 302
    assert Payment.objects.filter(kind=Payment.Kind.VOID).count() == 1


def test_nobody_may_delete_a_payment(client, site_tree, admin_user):
    payment = record(MemberFactory())
    payment_void(payment=payment, reason="Bounced")
    with_delete = staff_user("change_payment", "delete_payment", username="del")
    for user in (admin_user, with_delete):
        client.force_login(user)
        for target in Payment.objects.all():
            assert client.get(url("delete", target)).status_code in (302, 404)
            client.post(url("delete", target))
            assert url("delete", target) not in client.get(url("inspect", target)).text
    assert Payment.objects.count() == 2
    # No group setup_site makes or keeps may delete payments.
    assert not Group.objects.filter(permissions__codename="delete_payment").exists()
