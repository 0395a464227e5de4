"""Paid tickets through Stripe Checkout (the local double), fulfilled by membership's webhook
machinery: a seat held during Checkout, confirmed once however often and in whatever order
the events arrive, released when the session expires (or its hold runs out by the clock)."""

import datetime
import random
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from events.models import Registration
from membership.models import StripeEvent
from tests.events.conftest import GOOD_STANDING, client_for
from tests.membership.helpers import WEBHOOK_SECRET
from tests.stripe_double import post_event

pytestmark = pytest.mark.django_db


def deliver(client, events):
    for event in events:
        response = post_event(client, event, WEBHOOK_SECRET)
        assert response.status_code == 200, response.content


def buy(client, event, **values):
    data = {
        "ticket": event.ticket_types.get().pk,
        "name": "Gita Guest",
        "email": "gita@guest.example",
        **values,
    }
    return client.post(f"{event.url}register/", data)


@pytest.fixture
def breakfast(event_factory):
    return event_factory("Policy breakfast", prices=(25, 40), capacity=10)


def confirmations():
    return [message for message in mail.outbox if message.subject.startswith("You're registered")]


def test_a_paid_ticket_holds_a_seat_and_goes_to_checkout(client, breakfast, fake_stripe):
    response = buy(client, breakfast)

    registration = Registration.objects.get()
    session = fake_stripe.checkout_sessions[registration.stripe_checkout_session_id]
    assert response.status_code == 303
    assert response["Location"] == session["url"]
    assert registration.status == Registration.Status.HELD
    assert session["mode"] == "payment"
    assert session["amount_total"] == 4000  # the non-member price, in cents
    assert session["metadata"] == {
        "purpose": "event_registration",
        "registration_id": str(registration.pk),
    }
    assert session["customer_email"] == "gita@guest.example"
    assert client.get(breakfast.url).context["seats_left"] == 9
    assert confirmations() == []


def test_a_member_pays_the_member_price_at_checkout(client, breakfast, fake_stripe, person):
    user = person(GOOD_STANDING)

    buy(client_for(client, user), breakfast, email=user.email)

    registration = Registration.objects.get()
    session = fake_stripe.checkout_sessions[registration.stripe_checkout_session_id]
    assert session["amount_total"] == 2500
    assert registration.price == Decimal("25.00")


def test_the_webhook_confirms_the_registration_once(client, breakfast, fake_stripe):
    buy(client, breakfast)
    registration = Registration.objects.get()
    events = fake_stripe.complete_checkout(registration.stripe_checkout_session_id)

    deliver(client, events)
    deliver(client, events)  # Stripe delivers again

    registration.refresh_from_db()
    assert Registration.objects.count() == 1
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.stripe_payment_intent_id.startswith("pi_")
    assert len(confirmations()) == 1
    completed = StripeEvent.objects.get(type="checkout.session.completed")
    assert completed.result == "event registration confirmed"


def test_shuffled_and_duplicated_deliveries_confirm_once(client, event_factory, fake_stripe):
    event = event_factory("Gala", prices=(95, 125), capacity=50)
    all_events = []
    for number in range(4):
        buy(client, event, email=f"buyer{number}@guest.example")
    for registration in Registration.objects.all():
        all_events += fake_stripe.complete_checkout(registration.stripe_checkout_session_id)
    deliveries = all_events * 2
    random.Random(20).shuffle(deliveries)

    deliver(client, deliveries)

    assert Registration.objects.count() == 4
    assert set(Registration.objects.values_list("status", flat=True)) == {"confirmed"}
    assert len(confirmations()) == 4


def test_returning_from_checkout_confirms_before_the_webhook(client, breakfast, fake_stripe):
    buy(client, breakfast)
    registration = Registration.objects.get()
    events = fake_stripe.complete_checkout(registration.stripe_checkout_session_id)

    page = client.get(
        f"{breakfast.url}registration/{registration.token}/",
        {"session_id": registration.stripe_checkout_session_id},
    )
    deliver(client, events)

    assert "You're registered for Policy breakfast" in page.text
    assert len(confirmations()) == 1
    completed = StripeEvent.objects.get(type="checkout.session.completed")
    assert completed.result == "registration already confirmed"


def test_another_session_id_on_the_return_page_is_ignored(client, breakfast, fake_stripe):
    buy(client, breakfast, email="one@guest.example")
    buy(client, breakfast, email="two@guest.example")
    first, second = Registration.objects.all()
    fake_stripe.complete_checkout(second.stripe_checkout_session_id)

    client.get(
        f"{breakfast.url}registration/{first.token}/",
        {"session_id": second.stripe_checkout_session_id},
    )

    first.refresh_from_db()
    assert first.status == Registration.Status.HELD


def expired_event(fake_stripe, session_id):
    session = fake_stripe.checkout_sessions[session_id]
    session.update(status="expired", url=None)
    return fake_stripe.event("checkout.session.expired", session)


def test_an_expired_session_releases_its_seat(client, event_factory, fake_stripe):
    event = event_factory("Roundtable", prices=(20, 20), capacity=1)
    buy(client, event, email="first@guest.example")
    held = Registration.objects.get()

    buy(client, event, email="second@guest.example")
    assert Registration.objects.get(email="second@guest.example").status == "waitlisted"

    deliver(client, [expired_event(fake_stripe, held.stripe_checkout_session_id)] * 2)
    buy(client, event, email="third@guest.example")

    held.refresh_from_db()
    assert held.status == Registration.Status.EXPIRED
    assert Registration.objects.get(email="third@guest.example").status == "held"
    assert StripeEvent.objects.get(type="checkout.session.expired").result == "seat released"


def test_a_hold_runs_out_by_the_clock_even_without_the_webhook(client, event_factory, fake_stripe):
    event = event_factory("Roundtable", prices=(20, 20), capacity=1)
    buy(client, event, email="first@guest.example")

    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=36)):
        buy(client, event, email="second@guest.example")

    assert Registration.objects.get(email="second@guest.example").status == "held"


def test_stripe_unreachable_releases_the_hold(client, breakfast, fake_stripe):
    fake_stripe.fail("POST", "/v1/checkout/sessions", status=500)

    response = buy(client, breakfast)

    assert response.status_code == 303
    assert response["Location"] == breakfast.url
    assert Registration.objects.get().status == Registration.Status.EXPIRED
    assert client.get(breakfast.url).context["seats_left"] == 10


def test_without_stripe_a_paid_ticket_is_paid_at_the_door(client, breakfast, settings):
    settings.STRIPE_SECRET_KEY = ""

    buy(client, breakfast)

    registration = Registration.objects.get()
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.price == Decimal("40.00")
    assert len(confirmations()) == 1
