"""Cancelling paid places and whole events, with refunds through Stripe's API (the local
double), and paid places offered from the waitlist with a window to pay (events.services,
events.refunds)."""

import datetime
import io

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from events.models import EventPage, Registration
from events.services import PAYMENT_WINDOW
from tests.events.test_paid_tickets import buy, deliver, expired_event
from tests.mail import committed

pytestmark = pytest.mark.django_db


@pytest.fixture
def breakfast(event_factory):
    """A paid breakfast in a week, one seat, refunds until 48 hours before."""
    return event_factory("Policy breakfast", prices=(25, 40), capacity=1)


def paid_registration(client, fake_stripe, event, email="gita@guest.example"):
    buy(client, event, email=email)
    registration = Registration.objects.get(email=email)
    deliver(client, fake_stripe.complete_checkout(registration.stripe_checkout_session_id))
    registration.refresh_from_db()
    assert registration.confirmed and registration.stripe_payment_intent_id
    return registration


def registration_url(registration) -> str:
    return f"{registration.event.url}registration/{registration.token}/"


def subjects() -> list[str]:
    return [message.subject for message in mail.outbox]


def refunds_of(fake_stripe, registration) -> list[dict]:
    return [
        refund
        for refund in fake_stripe.refunds.values()
        if refund["payment_intent"] == registration.stripe_payment_intent_id
    ]


def test_an_attendee_cancels_a_paid_place_in_time_and_is_refunded_once(
    client, breakfast, fake_stripe
):
    gita = paid_registration(client, fake_stripe, breakfast)
    page = client.get(registration_url(gita)).text
    assert "Cancel my place (full refund of 40.00 USD)" in page
    mail.outbox.clear()

    with committed():
        response = client.post(registration_url(gita) + "cancel/")
        client.post(registration_url(gita) + "cancel/")  # a double click

    assert response.status_code == 303
    gita.refresh_from_db()
    assert gita.status == Registration.Status.CANCELLED
    [refund] = refunds_of(fake_stripe, gita)
    assert refund["amount"] == 4000
    assert refund["metadata"]["chamber_event_registration"] == str(gita.pk)
    assert gita.stripe_refund_id == refund["id"] and gita.refunded_at
    assert subjects() == ["Cancelled: your place at Policy breakfast"]
    assert "refunded 40.00 USD" in mail.outbox[0].body
    assert "We refunded 40.00 USD" in client.get(registration_url(gita)).text


def test_after_the_refund_window_the_attendee_cannot_cancel_a_paid_place(
    client, breakfast, fake_stripe
):
    gita = paid_registration(client, fake_stripe, breakfast)
    late = breakfast.starts_at - datetime.timedelta(hours=47)

    with time_machine.travel(late, tick=False):
        page = client.get(registration_url(gita)).text
        response = client.post(registration_url(gita) + "cancel/", follow=True)

    assert "Cancel my place" not in page
    assert "please write to the chamber office" in page
    assert "until 48 hours before the start" in response.text
    gita.refresh_from_db()
    assert gita.status == Registration.Status.CONFIRMED
    assert refunds_of(fake_stripe, gita) == []


def test_a_refund_stripe_refuses_changes_nothing(client, breakfast, fake_stripe):
    gita = paid_registration(client, fake_stripe, breakfast)
    fake_stripe.fail("POST", "/v1/refunds", status=402, error_type="invalid_request_error")

    response = client.post(registration_url(gita) + "cancel/", follow=True)

    assert "nothing was changed" in response.text
    gita.refresh_from_db()
    assert gita.status == Registration.Status.CONFIRMED and not gita.stripe_refund_id


def test_a_freed_paid_seat_is_offered_to_the_next_person_with_a_window_to_pay(
    client, breakfast, fake_stripe
):
    gita = paid_registration(client, fake_stripe, breakfast)
    buy(client, breakfast, email="wanda@wait.example", name="Wanda")
    buy(client, breakfast, email="xavier@wait.example", name="Xavier")
    wanda = Registration.objects.get(email="wanda@wait.example")
    assert wanda.status == Registration.Status.WAITLISTED
    mail.outbox.clear()

    now = timezone.now()
    with committed(), time_machine.travel(now, tick=False):
        client.post(registration_url(gita) + "cancel/")

    wanda.refresh_from_db()
    assert wanda.status == Registration.Status.HELD
    assert wanda.hold_expires_at == now + PAYMENT_WINDOW
    assert "A place has opened up: Policy breakfast" in subjects()
    assert Registration.objects.get(email="xavier@wait.example").status == "waitlisted"
    # The seat is Wanda's: nobody else gets it while she may pay.
    assert client.get(breakfast.url).context["seats_left"] == 0

    # Wanda pays from her registration page.
    page = client.get(registration_url(wanda)).text
    assert "A place has opened up for you." in page
    response = client.post(registration_url(wanda) + "pay/")
    wanda.refresh_from_db()
    session = fake_stripe.checkout_sessions[wanda.stripe_checkout_session_id]
    assert response["Location"] == session["url"] and session["amount_total"] == 4000
    deliver(client, fake_stripe.complete_checkout(wanda.stripe_checkout_session_id))
    wanda.refresh_from_db()
    assert wanda.status == Registration.Status.CONFIRMED


def test_an_unpaid_offer_passes_to_the_next_person_when_its_window_ends(
    client, breakfast, fake_stripe
):
    gita = paid_registration(client, fake_stripe, breakfast)
    buy(client, breakfast, email="wanda@wait.example", name="Wanda")
    buy(client, breakfast, email="xavier@wait.example", name="Xavier")
    client.post(registration_url(gita) + "cancel/")
    wanda = Registration.objects.get(email="wanda@wait.example")
    # She starts paying, then gives up: the session's expiry keeps her window open.
    client.post(registration_url(wanda) + "pay/")
    wanda.refresh_from_db()
    deliver(client, [expired_event(fake_stripe, wanda.stripe_checkout_session_id)])
    wanda.refresh_from_db()
    assert wanda.status == Registration.Status.HELD

    with time_machine.travel(wanda.hold_expires_at + datetime.timedelta(minutes=1)):
        with committed():
            call_command("promote_waitlists", stdout=io.StringIO())
        response = client.post(registration_url(wanda) + "pay/", follow=True)

    wanda.refresh_from_db()
    assert wanda.status == Registration.Status.EXPIRED
    assert "no longer held for you" in response.text
    xavier = Registration.objects.get(email="xavier@wait.example")
    assert xavier.status == Registration.Status.HELD


# -- staff cancel the event ------------------------------------------------------------------


def staff(group: str):
    user = get_user_model().objects.create_user(
        group.split()[0].lower(), f"{group.split()[0].lower()}@example.org", "a long passphrase"
    )
    user.groups.add(Group.objects.get(name=group))
    return user


def test_staff_cancel_an_event_refund_everyone_and_tell_them(client, event_factory, fake_stripe):
    gala = event_factory("Gala", prices=(80, 100), capacity=2)
    paid = paid_registration(client, fake_stripe, gala, email="paid@guest.example")
    buy(client, gala, email="held@guest.example")  # at Checkout now
    buy(client, gala, email="waiting@guest.example")
    office = staff("Chamber staff")
    client.force_login(office)
    cancel_url = f"/admin/snippets/events/registration/cancel-event/{gala.pk}/"

    edit = client.get(f"/admin/pages/{gala.pk}/edit/").text
    assert cancel_url in edit
    summary = client.get(cancel_url).text
    assert "3 people registered" in summary and "1 paid place will be refunded" in summary
    mail.outbox.clear()
    with committed():
        response = client.post(cancel_url)

    assert response.status_code == 302
    gala = EventPage.objects.get(pk=gala.pk)
    assert gala.status == EventPage.Status.CANCELLED and gala.live
    assert not gala.has_unpublished_changes
    assert set(Registration.objects.values_list("status", flat=True)) == {"cancelled"}
    [refund] = refunds_of(fake_stripe, paid)
    assert refund["amount"] == 10000
    assert sorted(message.to[0] for message in mail.outbox) == [
        "held@guest.example",
        "paid@guest.example",
        "waiting@guest.example",
    ]
    assert set(subjects()) == {"Cancelled: Gala"}
    client.logout()
    assert "Gala is cancelled" in client.get(f"{gala.url}registration/{paid.token}/").text


def test_a_failed_refund_keeps_that_person_registered_until_cancelled_again(
    client, event_factory, fake_stripe
):
    gala = event_factory("Gala", prices=(80, 100))
    paid = paid_registration(client, fake_stripe, gala, email="paid@guest.example")
    client.force_login(staff("Chamber staff"))
    cancel_url = f"/admin/snippets/events/registration/cancel-event/{gala.pk}/"
    fake_stripe.fail("POST", "/v1/refunds", status=500, should_retry=False)

    response = client.post(cancel_url, follow=True)

    assert "was not refunded" in response.text
    paid.refresh_from_db()
    assert paid.status == Registration.Status.CONFIRMED
    fake_stripe.clear_failures()
    client.post(cancel_url)
    paid.refresh_from_db()
    assert paid.status == Registration.Status.CANCELLED and paid.stripe_refund_id
    assert len(refunds_of(fake_stripe, paid)) == 1


@pytest.mark.parametrize("group", ["Editors", "Membership staff"])
def test_cancelling_an_event_needs_both_publishing_and_registrations(client, event_factory, group):
    gala = event_factory("Gala", prices=(80, 100))
    client.force_login(staff(group))
    cancel_url = f"/admin/snippets/events/registration/cancel-event/{gala.pk}/"

    assert client.get(cancel_url).status_code in (302, 403)
    client.post(cancel_url)

    assert EventPage.objects.get(pk=gala.pk).status == EventPage.Status.SCHEDULED
