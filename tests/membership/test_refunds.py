"""Refunding card payments (issue #18, item 4): staff refund through the Stripe API (a refund
object at Stripe, then a linked refund row, paid-through recomputed, logged); a refund made in
Stripe's dashboard is recorded the same way from its webhooks, once, in whatever order and
however often they arrive; a Stripe failure shows and writes nothing. Through the Stripe
double only."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from wagtail.models import ModelLogEntry

from membership.checkout import fulfil_checkout_session, start_renewal_checkout
from membership.dues import add_years, record_offline_payment
from membership.models import Application, Member, Payment, StripeEvent
from tests.membership.helpers import WEBHOOK_SECRET, application_data, member_paying_by_hand
from tests.stripe_double import post_event

pytestmark = pytest.mark.django_db

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
TODAY = datetime.date(2026, 3, 10)
PAID_THROUGH = TODAY + datetime.timedelta(days=20)
PAYMENT_URL = "/admin/snippets/membership/payment/"


@pytest.fixture(autouse=True)
def frozen_clock():
    """Mid-afternoon in the chamber's zone: the double's clock and the site's agree, and no
    date turns over during a test."""
    with time_machine.travel(datetime.datetime(2026, 3, 10, 15, 0, tzinfo=NEW_YORK), tick=False):
        yield


@pytest.fixture
def staff(client, admin_user):
    client.force_login(admin_user)
    return client


def url(name: str, payment: Payment) -> str:
    return PAYMENT_URL + f"{name}/{payment.pk}/"


def deliver(events) -> list[str]:
    """Post each event to the webhook as Stripe would (a fresh client, no session); their
    results."""
    webhook = Client()
    results = []
    for event in events:
        response = post_event(webhook, event, WEBHOOK_SECRET)
        assert response.status_code == 200, response.content
        results.append(response.json()["result"])
    return results


def refund_rows(payment: Payment) -> list[Payment]:
    return list(payment.corrections.filter(kind=Payment.Kind.REFUND).order_by("pk"))


def refund_requests(fake) -> list:
    return [r for r in fake.requests if r.method == "POST" and r.path == "/v1/refunds"]


def log_entries(action: str) -> int:
    return ModelLogEntry.objects.filter(action=action).count()


@pytest.fixture
def card_payment(fake_stripe, site_tree, levels):
    """Riverbend Bakery, paid through PAID_THROUGH, renews for a year by card at Checkout (a
    one-time payment: the payment names its PaymentIntent)."""
    member = member_paying_by_hand(levels["community"], paid_through=PAID_THROUGH)
    start_renewal_checkout(
        member, auto_renew=False, success_url="https://x.test/ok", cancel_url="https://x.test/no"
    )
    (session_id,) = fake_stripe.checkout_sessions
    fake_stripe.complete_checkout(session_id)
    fulfil_checkout_session(session_id)
    payment = Payment.objects.get(member=member)
    assert payment.stripe_payment_intent_id
    member.refresh_from_db()
    assert member.paid_through == add_years(PAID_THROUGH)
    return payment


def test_staff_refund_a_card_payment_through_stripe(staff, fake_stripe, card_payment):
    member = card_payment.member
    page = staff.get(url("refund", card_payment))
    assert page.status_code == 200
    assert page.context["form"]["amount"].value() == Decimal("195.00")
    assert "moves from" in page.text  # what a full refund does to the paid-through date

    response = staff.post(
        url("refund", card_payment),
        {"amount": "195.00", "stripe_reason": "requested_by_customer", "reason": "Moved away"},
    )

    assert response.status_code == 302
    (refund,) = fake_stripe.refunds.values()
    assert refund["payment_intent"] == card_payment.stripe_payment_intent_id
    assert (refund["amount"], refund["status"]) == (19500, "succeeded")
    assert refund["reason"] == "requested_by_customer"
    assert refund["metadata"]["chamber_reason"] == "Moved away"
    (request,) = refund_requests(fake_stripe)
    assert request.idempotency_key
    charge = fake_stripe.charges[refund["charge"]]
    assert (charge["amount_refunded"], charge["refunded"]) == (19500, True)

    (row,) = refund_rows(card_payment)
    assert row.stripe_refund_id == refund["id"]
    assert (row.amount, row.reason, row.method) == (Decimal("-195.00"), "Moved away", "stripe")
    assert row.recorded_by is not None
    original = Payment.objects.get(pk=card_payment.pk)
    assert (original.amount, original.kind) == (Decimal("195.00"), Payment.Kind.PAYMENT)
    member.refresh_from_db()
    assert member.paid_through == PAID_THROUGH  # the refunded year no longer counts
    assert log_entries("membership.payment_refunded") == 2  # the member's and the payment's
    assert "Refunded" in staff.get(url("inspect", card_payment)).text

    # Stripe then reports the refund, twice: nothing more is recorded.
    events = fake_stripe.events_of("refund.created", "charge.refunded")
    assert deliver(events + events) == ["refunds already recorded"] * 2 + ["duplicate"] * 2
    assert len(refund_rows(card_payment)) == 1
    assert log_entries("membership.payment_refunded") == 2


def test_a_partial_refund_keeps_the_period_until_the_rest_is_refunded(
    staff, fake_stripe, card_payment
):
    member = card_payment.member
    staff.post(url("refund", card_payment), {"amount": "45.00", "reason": "Student discount"})
    member.refresh_from_db()
    assert member.paid_through == add_years(PAID_THROUGH)
    assert Payment.objects.get(pk=card_payment.pk).state_label() == "Partly refunded"
    page = staff.get(url("refund", card_payment))
    assert page.context["form"]["amount"].value() == Decimal("150.00")

    too_much = staff.post(url("refund", card_payment), {"amount": "150.01", "reason": "All"})
    assert too_much.status_code == 200
    assert too_much.context["form"].errors["amount"]
    staff.post(url("refund", card_payment), {"amount": "150.00", "reason": "Leaving after all"})

    assert [r["amount"] for r in fake_stripe.refunds.values()] == [4500, 15000]
    assert [row.amount for row in refund_rows(card_payment)] == [Decimal("-45.00"), -150]
    member.refresh_from_db()
    assert member.paid_through == PAID_THROUGH
    # Nothing is left to refund: the action is gone.
    response = staff.get(url("refund", card_payment))
    assert response.status_code == 302
    assert len(fake_stripe.refunds) == 2


def test_a_stripe_failure_is_shown_and_nothing_is_written(staff, fake_stripe, card_payment):
    fake_stripe.fail(
        "POST",
        "/v1/refunds",
        status=400,
        error_type="invalid_request_error",
        message="This charge is disputed and cannot be refunded.",
    )
    logs_before = ModelLogEntry.objects.count()

    response = staff.post(url("refund", card_payment), {"amount": "195.00", "reason": "Leaving"})

    assert response.status_code == 200
    shown = [str(message) for message in response.context["messages"]]
    assert any(
        "Stripe did not make the refund, and nothing was recorded" in text and "disputed" in text
        for text in shown
    )
    assert response.context["form"]["reason"].value() == "Leaving"  # kept for another try
    assert fake_stripe.refunds == {}
    assert Payment.objects.count() == 1
    assert ModelLogEntry.objects.count() == logs_before
    card_payment.member.refresh_from_db()
    assert card_payment.member.paid_through == add_years(PAID_THROUGH)


def test_a_refund_in_stripes_dashboard_is_recorded_once_in_any_order(fake_stripe, card_payment):
    events = fake_stripe.refund_in_dashboard(card_payment.stripe_payment_intent_id, 5000)
    assert [e["type"] for e in events] == ["refund.created", "charge.refunded"]

    results = deliver([events[1], events[0], events[1], events[0]])

    assert results == [
        "1 refund(s) recorded, 0 failed refund(s) undone",  # charge.refunded: as Stripe lists it
        "refunds already recorded",  # refund.created
        "duplicate",
        "duplicate",
    ]
    (row,) = refund_rows(card_payment)
    assert row.amount == Decimal("-50.00")
    assert row.reason == "Refunded in Stripe (requested_by_customer)"
    assert row.recorded_by is None
    assert row.paid_on == TODAY
    assert StripeEvent.objects.filter(type__in=["refund.created", "charge.refunded"]).count() == 2


def test_a_pending_refund_is_recorded_once_when_its_events_cross(fake_stripe, card_payment):
    created = fake_stripe.refund_in_dashboard(card_payment.stripe_payment_intent_id, pending=True)
    (refund_id,) = fake_stripe.refunds
    updated = fake_stripe.settle_refund(refund_id)
    assert [e["type"] for e in updated] == ["refund.updated"]

    deliver(updated + created + updated)

    (row,) = refund_rows(card_payment)
    assert row.stripe_refund_id == refund_id and row.amount == Decimal("-195.00")
    card_payment.member.refresh_from_db()
    assert card_payment.member.paid_through == PAID_THROUGH


def test_a_subscription_payment_is_refunded_through_its_invoice_payment(
    client, fake_stripe, site_tree, levels, admin_user
):
    response = client.post("/join/", application_data(levels["community"]))  # auto-renew
    assert response.status_code == 303
    application = Application.objects.get()
    deliver(fake_stripe.complete_checkout(application.stripe_checkout_session_id))
    member = Member.objects.get()
    payment = Payment.objects.get(member=member)
    assert payment.stripe_invoice_id and not payment.stripe_payment_intent_id
    (invoice_payment,) = fake_stripe.invoice_payments.values()
    intent_id = invoice_payment["payment"]["payment_intent"]

    client.force_login(admin_user)
    client.post(url("refund", payment), {"amount": "95.00", "reason": "Goodwill"})
    (refund,) = fake_stripe.refunds.values()
    assert (refund["payment_intent"], refund["amount"]) == (intent_id, 9500)

    # The rest, refunded in Stripe's dashboard, is found through the invoice as well.
    deliver(fake_stripe.refund_in_dashboard(intent_id))
    assert [row.amount for row in refund_rows(payment)] == [Decimal("-95.00"), -100]
    member.refresh_from_db()
    assert member.paid_through is None  # its only payment, refunded in full
    assert member.status == Member.Status.PENDING


def test_offline_payments_are_not_refunded_through_stripe(staff, fake_stripe, site_tree, levels):
    member = member_paying_by_hand(levels["community"], paid_through=PAID_THROUGH)
    cheque = record_offline_payment(
        member, amount=Decimal("195.00"), method="cheque", paid_on=TODAY
    )
    response = staff.post(url("refund", cheque), {"amount": "195.00", "reason": "x"})
    assert response.status_code == 302
    page = staff.get(response["Location"])
    assert any("void or adjust" in str(message) for message in page.context["messages"])
    assert fake_stripe.requests == []
    assert Payment.objects.count() == 1


def test_a_recorded_refund_that_fails_at_stripe_is_undone_once(fake_stripe, card_payment):
    member = card_payment.member
    created = fake_stripe.refund_in_dashboard(card_payment.stripe_payment_intent_id, pending=True)
    deliver(created)
    member.refresh_from_db()
    assert member.paid_through == PAID_THROUGH  # refunded in full: the year stopped counting
    (refund_id,) = fake_stripe.refunds
    failed = fake_stripe.settle_refund(refund_id, succeed=False)

    results = deliver(failed + created)  # the refund's first events again, too

    assert results == [
        "0 refund(s) recorded, 1 failed refund(s) undone",  # refund.updated (failed)
        "refunds already recorded",  # refund.failed
        "duplicate",
        "duplicate",
    ]
    (undone,) = card_payment.corrections.filter(kind=Payment.Kind.ADJUSTMENT)
    assert (undone.amount, undone.stripe_refund_id) == (Decimal("195.00"), refund_id)
    assert "failed" in undone.reason
    effect = Payment.objects.get(pk=card_payment.pk).effect()
    assert (effect.net_amount, effect.refunded, effect.counts) == (Decimal("195.00"), 0, True)
    member.refresh_from_db()
    assert member.paid_through == add_years(PAID_THROUGH)  # the year counts again


def test_a_refund_that_failed_before_it_was_recorded_records_nothing(fake_stripe, card_payment):
    fake_stripe.refund_in_dashboard(card_payment.stripe_payment_intent_id, pending=True)
    (refund_id,) = fake_stripe.refunds
    deliver(fake_stripe.settle_refund(refund_id, succeed=False))
    assert card_payment.corrections.count() == 0
