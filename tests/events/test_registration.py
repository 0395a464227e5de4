"""Registering for an event: member, non-member and lapsed prices, guests, members-only events,
the registration window, capacity and the waitlist, the confirmation e-mail with its .ics, and
the online link shown to registered attendees only."""

from decimal import Decimal

import icalendar
import pytest
from django.core import mail
from django.utils import timezone

from events.models import Registration
from tests.events.conftest import ANONYMOUS, DAY, GOOD_STANDING, LAPSED, NO_MEMBER, client_for

pytestmark = pytest.mark.django_db

ONLINE = "https://meet.example.org/secret-room"


def guest_data(event, **values) -> dict:
    return {
        "ticket": event.ticket_types.filter(comp=False).first().pk,
        "name": "Gita Guest",
        "email": "gita@guest.example",
        "organisation": "Guest Consulting",
        **values,
    }


def register(client, event, **values):
    return client.post(f"{event.url}register/", guest_data(event, **values))


@pytest.mark.parametrize(
    ("kind", "price", "member_rate"),
    [
        (ANONYMOUS, Decimal("40.00"), False),
        (NO_MEMBER, Decimal("40.00"), False),
        (LAPSED, Decimal("40.00"), False),
        (GOOD_STANDING, Decimal("25.00"), True),
    ],
)
def test_each_kind_of_visitor_is_offered_their_price(
    client, event_factory, person, kind, price, member_rate
):
    event = event_factory("Policy breakfast", prices=(25, 40))
    response = client_for(client, person(kind)).get(event.url)

    [offer] = response.context["offers"]
    assert offer.price == price
    assert response.context["rate"].member_rate is member_rate


def test_a_lapsed_member_is_told_why_they_pay_the_non_member_price(client, event_factory, person):
    event = event_factory("Policy breakfast", prices=(25, 40))

    response = client_for(client, person(LAPSED)).get(event.url)

    assert "You pay the non-member price" in response.text
    assert "Lapsed Co is not in good standing" in response.text


def test_a_member_registers_at_the_member_price(client, event_factory, person, settings):
    settings.STRIPE_SECRET_KEY = ""  # no online payment: a paid ticket is paid at the door
    event = event_factory("Policy breakfast", prices=(25, 40))
    user = person(GOOD_STANDING)

    response = register(client_for(client, user), event, email=user.email)

    registration = Registration.objects.get()
    assert response.status_code == 303
    assert (registration.price, registration.member.name) == (Decimal("25.00"), "Good Standing Co")
    assert registration.user == user
    assert registration.status == Registration.Status.CONFIRMED


def test_a_guest_registers_for_a_free_event_and_gets_an_ics(client, event_factory):
    event = event_factory("Coffee mixer", online_url=ONLINE)

    response = register(client, event, interested_in_membership="on")

    registration = Registration.objects.get()
    assert response.status_code == 303
    assert response["Location"] == f"{event.url}registration/{registration.token}/"
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.interested_in_membership
    assert (registration.organisation, registration.user, registration.member) == (
        "Guest Consulting",
        None,
        None,
    )
    [message] = mail.outbox
    assert message.to == ["gita@guest.example"]
    assert "You're registered: Coffee mixer" in message.subject
    [(filename, content, mimetype)] = message.attachments
    assert (filename, mimetype) == ("event.ics", "text/calendar")
    [vevent] = icalendar.Calendar.from_ical(content).walk("VEVENT")
    assert str(vevent["summary"]) == "Coffee mixer"
    assert vevent.decoded("dtstart") == event.starts_at
    assert ONLINE in str(vevent["description"])  # the attendee's own calendar entry


def test_registering_twice_with_one_address_keeps_one_registration(client, event_factory):
    event = event_factory("Coffee mixer")

    register(client, event)
    second = register(client, event, email="GITA@guest.example")

    assert Registration.objects.count() == 1
    assert second.status_code == 303
    assert len(mail.outbox) == 1


def test_invalid_form_is_sent_back_with_errors(client, event_factory):
    event = event_factory("Coffee mixer")

    response = register(client, event, email="not-an-address", name="")

    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert not Registration.objects.exists()


def test_a_ticket_of_another_event_or_a_comp_ticket_is_refused(client, event_factory):
    from events.models import TicketType

    event = event_factory("Coffee mixer")
    other = event_factory("Gala", prices=(90, 120))
    comp = TicketType.objects.create(event=event, name="Speaker", comp=True)

    for ticket in (other.ticket_types.get().pk, comp.pk):
        response = register(client, event, ticket=ticket)
        assert response.status_code == 400

    assert not Registration.objects.exists()


@pytest.mark.parametrize(
    ("kind", "allowed"),
    [(ANONYMOUS, False), (NO_MEMBER, False), (LAPSED, False), (GOOD_STANDING, True)],
)
def test_members_only_events_take_members_in_good_standing_only(
    client, event_factory, person, kind, allowed
):
    event = event_factory("CEO roundtable", members_only=True)

    page = client_for(client, person(kind)).get(event.url)
    response = register(client, event)

    assert ('name="email"' in page.text) is allowed
    assert response.status_code == (303 if allowed else 409)
    assert Registration.objects.exists() is allowed


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"status": "cancelled"}, "This event is cancelled."),
        ({"registration_opens_at": timezone.now() + DAY}, "Registration is not open yet."),
        ({"registration_closes_at": timezone.now() - DAY}, "Registration has closed."),
        ({"days": -1}, "Registration has closed."),
    ],
)
def test_registration_only_while_open(client, event_factory, values, message):
    event = event_factory("Coffee mixer", **values)

    response = register(client, event)

    assert response.status_code == 409
    assert message in response.text
    assert not Registration.objects.exists()


def test_a_full_event_puts_people_on_the_waitlist(client, event_factory):
    event = event_factory("Coffee mixer", capacity=2)

    for number in range(3):
        register(client, event, email=f"person{number}@guest.example")

    statuses = list(Registration.objects.values_list("status", flat=True))
    assert statuses == ["confirmed", "confirmed", "waitlisted"]
    assert [message.subject for message in mail.outbox][-1].startswith("You're on the waitlist")
    assert "This event is full" in client.get(event.url).text


def test_online_link_is_shown_to_registered_attendees_only(client, event_factory, person):
    event = event_factory("Webinar", online_url=ONLINE)
    user = person(NO_MEMBER)
    client.force_login(user)

    before = client.get(event.url)
    response = register(client, event, email=user.email)
    after = client.get(event.url)
    registration_page = client.get(response["Location"])
    client.logout()
    anonymous = client.get(event.url)

    assert ONLINE not in before.text
    assert ONLINE in after.text
    assert ONLINE in registration_page.text
    assert ONLINE not in anonymous.text
    assert "shown to registered attendees" in anonymous.text
    ics = client.get(f"/events/{event.slug}/event.ics")
    assert ONLINE.encode() not in ics.content


def test_waitlisted_people_do_not_see_the_online_link(client, event_factory):
    event = event_factory("Webinar", online_url=ONLINE, capacity=0)

    response = register(client, event)

    assert Registration.objects.get().status == Registration.Status.WAITLISTED
    assert ONLINE not in client.get(response["Location"]).text


def test_an_unknown_registration_token_is_not_found(client, event_factory):
    event = event_factory("Coffee mixer")

    assert client.get(f"{event.url}registration/nope/").status_code == 404


def test_registering_by_get_goes_back_to_the_event(client, event_factory):
    event = event_factory("Coffee mixer")

    response = client.get(f"{event.url}register/")

    assert (response.status_code, response["Location"]) == (302, event.url)


# -- cancelling, and the waitlist moving up ----------------------------------------------------


def test_cancelling_a_free_place_gives_it_to_the_first_on_the_waitlist(client, event_factory):
    event = event_factory("Coffee mixer", capacity=1)
    for name in ("first", "second", "third"):
        register(client, event, email=f"{name}@guest.example")
    first, second, third = Registration.objects.order_by("pk")
    mail.outbox.clear()

    response = client.post(f"{event.url}registration/{first.token}/cancel/")

    for registration in (first, second, third):
        registration.refresh_from_db()
    assert response.status_code == 303
    assert (first.status, second.status, third.status) == ("cancelled", "confirmed", "waitlisted")
    cancelled, promoted = mail.outbox
    assert cancelled.to == ["first@guest.example"]
    assert cancelled.subject == "Cancelled: your place at Coffee mixer"
    assert promoted.to == ["second@guest.example"]
    assert promoted.subject.startswith("You're registered")


def test_a_place_to_pay_at_the_door_is_cancelled_without_a_refund(client, event_factory, settings):
    """Without online payment a paid place is paid at the door: nothing to refund (paid
    online places: tests/events/test_cancellations.py)."""
    settings.STRIPE_SECRET_KEY = ""
    event = event_factory("Gala", prices=(90, 120))
    register(client, event)
    registration = Registration.objects.get()
    assert (
        "Please pay 120.00 USD at the door"
        in client.get(f"{event.url}registration/{registration.token}/").text
    )

    response = client.post(f"{event.url}registration/{registration.token}/cancel/", follow=True)

    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED
    assert not registration.stripe_refund_id
    assert "We have refunded" not in response.text


def test_cancelling_needs_a_post_and_the_right_token(client, event_factory):
    event = event_factory("Coffee mixer")
    register(client, event)
    registration = Registration.objects.get()

    assert client.get(f"{event.url}registration/{registration.token}/cancel/").status_code == 405
    assert client.post(f"{event.url}registration/wrong/cancel/").status_code == 404
    registration.refresh_from_db()
    assert registration.confirmed
