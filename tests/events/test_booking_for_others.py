"""Several places in one booking, each with its attendee's name: confirmed, held, paid (one
Checkout for all), waitlisted and refunded together or one by one, and never split by a full
event (events.services.registration_create, events.checkout)."""

import random
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from events.models import Registration
from tests.events.conftest import GOOD_STANDING, client_for
from tests.events.test_cancellations import refunds_of, registration_url
from tests.events.test_paid_tickets import deliver, expired_event
from tests.mail import committed

pytestmark = pytest.mark.django_db

BOOKER = {"name": "Gita Guest", "email": "gita@guest.example", "organisation": "Riverside Bikes"}


def book(client, event, guests=(), rows=None, **values):
    """Post the registration form with the guest rows as the page renders them: `guests` is a
    list of (name, e-mail) filling the first rows, the rest left blank."""
    rows = event.places_per_order - 1 if rows is None else rows
    data = {"ticket": event.ticket_types.get().pk, **BOOKER, **values}
    data.update({"guests-TOTAL_FORMS": rows, "guests-INITIAL_FORMS": 0})
    for index in range(rows):
        name, email = guests[index] if index < len(guests) else ("", "")
        data[f"guests-{index}-name"] = name
        data[f"guests-{index}-email"] = email
    return client.post(f"{event.url}register/", data)


def booking():
    booker = Registration.objects.get(booked_by=None, email=BOOKER["email"])
    return booker, list(booker.party.order_by("pk"))


def to(address):
    return [message for message in mail.outbox if message.to == [address]]


def test_the_form_offers_a_row_per_extra_place_and_none_when_one_place_is_allowed(
    client, event_factory
):
    mixer = event_factory("Mixer", places_per_order=4)
    solo = event_factory("Masterclass", places_per_order=1)

    page = client.get(mixer.url).text
    assert page.count("<legend>Guest ") == 3
    assert 'name="guests-TOTAL_FORMS" value="3"' in page
    assert "Booking for others too? (up to 3 more)" in page
    assert "guests-TOTAL_FORMS" not in client.get(solo.url).text


def test_a_free_booking_confirms_every_place_and_mails_the_booker_and_guests_with_an_address(
    client, event_factory
):
    mixer = event_factory("Mixer", capacity=20)

    with committed():
        response = book(client, mixer, [("Ana Ames", "ana@guest.example"), ("Bo Byrd", "")])

    booker, party = booking()
    assert response.status_code == 303
    assert response["Location"] == registration_url(booker)
    assert [guest.name for guest in party] == ["Ana Ames", "Bo Byrd"]
    assert {r.status for r in [booker, *party]} == {Registration.Status.CONFIRMED}
    assert all(guest.organisation == "Riverside Bikes" for guest in party)
    assert client.get(mixer.url).context["seats_left"] == 17
    [to_booker] = to("gita@guest.example")
    assert "You booked 3 places: for you and for Ana Ames, Bo Byrd." in to_booker.body
    [to_ana] = to("ana@guest.example")
    assert to_ana.body.startswith("Hello Ana Ames,")
    assert to_ana.attachments[0][0] == "event.ics"
    assert len(mail.outbox) == 2  # Bo gave no address: the booker's e-mail covers him


def test_a_paid_booking_is_one_checkout_for_all_places_confirmed_once(
    client, event_factory, fake_stripe
):
    gala = event_factory("Gala", prices=(95, 125), capacity=50)

    response = book(client, gala, [("Ana Ames", "ana@guest.example"), ("Bo Byrd", "")])

    booker, party = booking()
    session = fake_stripe.checkout_sessions[booker.stripe_checkout_session_id]
    assert response["Location"] == session["url"]
    assert session["amount_total"] == 3 * 12500
    assert session["metadata"] == {
        "purpose": "event_registration",
        "registration_id": str(booker.pk),
        "places": "3",
    }
    assert {g.stripe_checkout_session_id for g in party} == {session["id"]}
    assert {r.status for r in [booker, *party]} == {Registration.Status.HELD}

    events = fake_stripe.complete_checkout(session["id"]) * 3
    random.Random(7).shuffle(events)
    deliver(client, events)

    booker, party = booking()
    assert Registration.objects.count() == 3
    assert {r.status for r in [booker, *party]} == {Registration.Status.CONFIRMED}
    assert len({r.stripe_payment_intent_id for r in [booker, *party]}) == 1
    assert all(r.price == Decimal("125.00") for r in [booker, *party])
    confirmations = [m for m in mail.outbox if m.subject.startswith("You're registered")]
    assert sorted(m.to[0] for m in confirmations) == ["ana@guest.example", "gita@guest.example"]


def test_a_member_books_colleagues_at_the_member_price(client, event_factory, fake_stripe, person):
    gala = event_factory("Gala", prices=(95, 125), capacity=50)
    user = person(GOOD_STANDING)

    book(client_for(client, user), gala, [("Colleague One", "")], email=user.email)

    booker = Registration.objects.get(booked_by=None)
    session = fake_stripe.checkout_sessions[booker.stripe_checkout_session_id]
    assert session["amount_total"] == 2 * 9500
    assert booker.party.get().member == booker.member is not None


def test_an_expired_checkout_gives_back_every_seat_of_the_booking(
    client, event_factory, fake_stripe
):
    gala = event_factory("Gala", prices=(95, 125), capacity=3)
    book(client, gala, [("Ana Ames", ""), ("Bo Byrd", "")])
    booker, _party = booking()
    assert client.get(gala.url).context["seats_left"] == 0

    deliver(client, [expired_event(fake_stripe, booker.stripe_checkout_session_id)] * 2)

    assert set(Registration.objects.values_list("status", flat=True)) == {"expired"}
    assert client.get(gala.url).context["seats_left"] == 3


def test_a_booking_larger_than_the_seats_left_is_refused_whole_and_keeps_what_was_typed(
    client, event_factory
):
    mixer = event_factory("Mixer", capacity=3)
    book(client, mixer, email="first@guest.example", rows=0)
    book(client, mixer, email="second@guest.example", rows=0)

    response = book(client, mixer, [("Ana Ames", "ana@guest.example"), ("Bo Byrd", "")])

    assert response.status_code == 409
    assert "Only 1 place left: book fewer places" in response.text
    assert 'value="Ana Ames"' in response.text and 'value="ana@guest.example"' in response.text
    assert '<details class="guest-places" open>' in response.text
    assert Registration.objects.count() == 2


def test_a_full_event_waitlists_the_whole_booking_and_a_guest_s_offer_goes_to_the_booker(
    client, event_factory, fake_stripe
):
    gala = event_factory("Gala", prices=(95, 125), capacity=1)
    book(client, gala, email="first@guest.example", rows=0)
    first = Registration.objects.get()
    deliver(client, fake_stripe.complete_checkout(first.stripe_checkout_session_id))
    mail.outbox.clear()

    book(client, gala, [("Bo Byrd", "")])
    booker, [bo] = booking()
    assert booker.status == bo.status == Registration.Status.WAITLISTED
    [waitlisted] = to("gita@guest.example")
    assert "You booked 2 places: for you and for Bo Byrd." in waitlisted.body

    # Gita gives up her own place on the waitlist; when a seat opens, Bo is next, and the
    # offer to pay for his place goes to Gita, who booked it.
    client.post(registration_url(booker) + "cancel/")
    mail.outbox.clear()
    with committed():
        client.post(registration_url(first) + "cancel/")

    bo.refresh_from_db()
    assert bo.status == Registration.Status.HELD
    [offer] = to("gita@guest.example")
    assert offer.body.startswith("Hello Gita Guest,")
    assert "This is about the place you booked for Bo Byrd." in offer.body
    # Paying for the offered place is a Checkout for that place alone.
    response = client.post(registration_url(bo) + "pay/")
    session = fake_stripe.checkout_sessions[
        Registration.objects.get(pk=bo.pk).stripe_checkout_session_id
    ]
    assert response["Location"] == session["url"]
    assert session["amount_total"] == 12500


def test_the_booker_cancels_one_guest_s_place_with_a_refund_of_that_place_alone(
    client, event_factory, fake_stripe
):
    gala = event_factory("Gala", prices=(95, 125), capacity=50)
    book(client, gala, [("Ana Ames", "ana@guest.example"), ("Bo Byrd", "")])
    booker, _ = booking()
    deliver(client, fake_stripe.complete_checkout(booker.stripe_checkout_session_id))
    booker, [_ana, bo] = booking()

    page = client.get(registration_url(booker)).text
    assert "Places you booked for others" in page
    assert "Cancel the place of Bo Byrd (refund of 125.00 USD)" in page
    assert "Booked by</dt><dd>Gita Guest" in client.get(registration_url(bo)).text

    with committed():
        response = client.post(registration_url(bo) + "cancel/", {"back": "booking"})
        client.post(registration_url(bo) + "cancel/", {"back": "booking"})  # a double click

    assert response["Location"] == registration_url(booker) + f"#place-{bo.pk}"
    bo.refresh_from_db()
    assert bo.status == Registration.Status.CANCELLED
    [refund] = refunds_of(fake_stripe, bo)
    assert refund["amount"] == 12500  # one place of the three paid together
    assert Registration.objects.filter(status="confirmed").count() == 2
    assert (
        "The place of Bo Byrd is cancelled. We have refunded 125.00 USD."
        in client.get(response["Location"]).text
    )


def test_cancelling_the_event_refunds_each_place_of_a_shared_payment(
    client, event_factory, fake_stripe, admin_user
):
    gala = event_factory("Gala", prices=(95, 125), capacity=50)
    book(client, gala, [("Ana Ames", ""), ("Bo Byrd", "")])
    booker, _ = booking()
    deliver(client, fake_stripe.complete_checkout(booker.stripe_checkout_session_id))
    client.force_login(admin_user)

    url = reverse("wagtailsnippets_events_registration:cancel_event", args=(gala.pk,))
    client.post(url, {"confirm": "on"})

    refunds = list(fake_stripe.refunds.values())
    assert sorted(r["amount"] for r in refunds) == [12500, 12500, 12500]
    assert set(Registration.objects.values_list("status", flat=True)) == {"cancelled"}
    charge = fake_stripe.charges[refunds[0]["charge"]]
    assert charge["refunded"] is True


@pytest.mark.parametrize(
    ("guests", "message"),
    [
        ([("", "ana@guest.example")], "Give the name of the person coming."),
        ([("Ana Ames", "not-an-address")], "Enter a valid email address."),
        ([("Ana", "ana@guest.example"), ("Ana 2", "ANA@guest.example")], "their own e-mail"),
        ([("Gita again", "gita@guest.example")], "their own e-mail"),
    ],
)
def test_guest_rows_with_errors_are_refused_with_the_errors_listed(
    client, event_factory, guests, message
):
    mixer = event_factory("Mixer")

    response = book(client, mixer, guests)

    assert response.status_code == 400
    assert message in response.text
    summary = response.text.split('id="register-errors"')[1].split("</div>")[0]
    assert "Guest " in summary and 'href="#id_guests-' in summary
    assert Registration.objects.count() == 0


def test_more_places_than_the_event_allows_are_refused(client, event_factory):
    mixer = event_factory("Mixer", places_per_order=2)

    response = book(client, mixer, [("Ana", ""), ("Bo", ""), ("Cy", "")], rows=3)

    assert response.status_code == 400
    assert Registration.objects.count() == 0


def test_a_guest_already_registered_is_refused_by_name(client, event_factory):
    mixer = event_factory("Mixer")
    book(client, mixer, email="ana@guest.example", name="Ana Ames", rows=0)

    response = book(client, mixer, [("Ana Ames", "ana@guest.example")])

    assert response.status_code == 409
    assert "Ana Ames is already registered for this event." in response.text
    assert Registration.objects.count() == 1


def test_a_booker_already_registered_is_told_how_to_bring_others(client, event_factory):
    mixer = event_factory("Mixer")
    book(client, mixer, rows=0)

    response = book(client, mixer, [("Bo Byrd", "")])

    assert response.status_code == 409
    assert "You are already registered with this e-mail address." in response.text
    assert 'value="Bo Byrd"' in response.text
    assert Registration.objects.count() == 1


def test_a_post_without_guest_rows_books_one_place(client, event_factory):
    mixer = event_factory("Mixer")

    response = client.post(
        f"{mixer.url}register/", {"ticket": mixer.ticket_types.get().pk, **BOOKER}
    )

    assert response.status_code == 303
    assert Registration.objects.get().booked_by is None


def test_staff_find_a_guest_at_the_door_by_who_booked_and_see_it_in_the_export(
    client, event_factory, admin_user
):
    mixer = event_factory("Mixer")
    book(client, mixer, [("Bo Byrd", "")])
    client.force_login(admin_user)

    check_in = reverse("wagtailsnippets_events_registration:check_in", args=(mixer.pk,))
    page = client.get(check_in, {"q": "Gita"}).text
    assert "Bo Byrd" in page and "Booked by Gita Guest" in page

    export = (
        client.get(reverse("wagtailsnippets_events_registration:list"), {"export": "csv"})
        .getvalue()
        .decode()
    )
    header, *rows = export.splitlines()
    assert "Booked by" in header
    assert any(row.startswith(f"{mixer.title},Bo Byrd,,Gita Guest,") for row in rows), rows
