"""A level's new price and its existing subscribers (issue #18, item 6): the admin explains what
happens to them and offers to move them to the new price from their next renewal; each
subscription is updated once with `proration_behavior="none"`, a second run calls Stripe for
nobody, and failures are listed and tried again. Through the Stripe double only."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.test import Client
from wagtail.models import ModelLogEntry
from wagtail.test.utils.form_data import rich_text

from membership.models import Application, Member, MembershipLevel, SubscriberPriceMove
from membership.price_moves import SUBSCRIBERS_MOVED, SUBSCRIPTION_PRICE_MOVED
from tests.factories import UserFactory
from tests.membership.helpers import WEBHOOK_SECRET, application_data
from tests.stripe_double import post_event

pytestmark = pytest.mark.django_db

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
LEVEL_URL = "/admin/snippets/membership/membershiplevel/"
Outcome = SubscriberPriceMove.Outcome


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(datetime.datetime(2026, 3, 10, 15, 0, tzinfo=NEW_YORK), tick=False):
        yield


def deliver(events) -> None:
    webhook = Client()
    for event in events:
        response = post_event(webhook, event, WEBHOOK_SECRET)
        assert response.status_code == 200, response.content


def subscribe(fake, level, name: str, email: str) -> Member:
    """An applicant joins at `level` with automatic renewal and pays at Checkout."""
    response = Client().post("/join/", application_data(level, organisation_name=name, email=email))
    assert response.status_code == 303
    application = Application.objects.get(email=email)
    deliver(fake.complete_checkout(application.stripe_checkout_session_id))
    member = Member.objects.get(name=name)
    assert member.auto_renew and member.stripe_subscription_id
    return member


def subscription_price(fake, member) -> str:
    return fake.subscriptions[member.stripe_subscription_id]["items"]["data"][0]["price"]["id"]


def subscription_posts(fake) -> list:
    return [
        r for r in fake.requests if r.method == "POST" and r.path.startswith("/v1/subscriptions/")
    ]


def move_url(level) -> str:
    return LEVEL_URL + f"move-subscribers/{level.pk}/"


def raise_dues(client, level, dues: str):
    """Staff change the level's dues in the admin (new Stripe prices are made on save)."""
    form = {
        "name": level.name,
        "slug": level.slug,
        "annual_dues": dues,
        "currency": "usd",
        "benefits": rich_text("<p>Benefits</p>"),
        "deals_allowed": "0",
        "events_allowed": "0",
        "jobs_allowed": "0",
        "sort_order": "0",
        "active": "on",
    }
    response = client.post(LEVEL_URL + f"edit/{level.pk}/", form)
    assert response.status_code == 302, response.context["form"].errors
    level.refresh_from_db()
    return response


@pytest.fixture
def subscribers(fake_stripe, site_tree, levels):
    level = levels["community"]
    return [
        subscribe(fake_stripe, level, "Aspen Books", "ada@aspen.example"),
        subscribe(fake_stripe, level, "Birch Cafe", "ben@birch.example"),
    ]


@pytest.fixture
def staff(client, admin_user):
    client.force_login(admin_user)
    return client


def test_subscribers_move_to_the_new_price_once_without_proration(staff, fake_stripe, subscribers):
    level = subscribers[0].level
    old_price = level.stripe_price_id
    response = raise_dues(staff, level, "250.00")
    new_price = level.stripe_price_id
    assert new_price != old_price
    page = staff.get(response["Location"])
    notes = " ".join(str(message) for message in page.context["messages"])
    assert "2 members renew automatically and keep the old price until moved" in notes
    assert move_url(level) in page.text  # the offer, as a button on the message
    assert move_url(level) in staff.get(LEVEL_URL + f"edit/{level.pk}/").text

    form_page = staff.get(move_url(level))
    assert form_page.status_code == 200
    assert "no proration" in form_page.text
    assert dict(form_page.context["summary"])["Still to move"] == 2
    posts_before = len(subscription_posts(fake_stripe))

    response = staff.post(move_url(level))

    assert response.status_code == 302 and response["Location"] == move_url(level)
    updates = subscription_posts(fake_stripe)[posts_before:]
    assert sorted(r.path for r in updates) == sorted(
        f"/v1/subscriptions/{m.stripe_subscription_id}" for m in subscribers
    )
    for request in updates:
        assert request.params["proration_behavior"] == "none"
        assert request.params["items"][0]["price"] == new_price
        assert request.idempotency_key
    assert fake_stripe.prorations == []
    for member in subscribers:
        assert subscription_price(fake_stripe, member) == new_price
    moves = SubscriberPriceMove.objects.order_by("member__name")
    assert [(m.member.name, m.outcome, m.from_price_id) for m in moves] == [
        ("Aspen Books", Outcome.MOVED, old_price),
        ("Birch Cafe", Outcome.MOVED, old_price),
    ]
    messages = [str(m) for m in staff.get(response["Location"]).context["messages"]]
    assert any("2 moved, 0 already at the price, 0 failed; 0 still to move" in m for m in messages)

    # Stripe reports the change; the members keep their level, and the next renewal charges
    # the new amount.
    deliver(fake_stripe.events_of("customer.subscription.updated")[-2:])
    for member in subscribers:
        member.refresh_from_db()
        assert member.level == level
    fake_stripe.advance(days=366)
    renewal = fake_stripe.renew(subscribers[0].stripe_subscription_id)
    (paid,) = [e for e in renewal if e["type"] == "invoice.paid"]
    assert paid["data"]["object"]["amount_paid"] == 25000

    # Running it again asks Stripe nothing and changes nothing.
    requests_before = len(fake_stripe.requests)
    staff.post(move_url(level))
    assert len(fake_stripe.requests) == requests_before
    assert SubscriberPriceMove.objects.count() == 2
    history = staff.get(f"/admin/snippets/membership/member/history/{subscribers[0].pk}/")
    assert "Subscription moved to the Community level&#x27;s current price" in history.text
    assert ModelLogEntry.objects.filter(action=SUBSCRIPTION_PRICE_MOVED).count() == 2
    assert ModelLogEntry.objects.filter(action=SUBSCRIBERS_MOVED).count() == 1


def test_failures_are_listed_and_tried_again(staff, fake_stripe, subscribers):
    aspen, birch = subscribers
    level = aspen.level
    raise_dues(staff, level, "250.00")
    fake_stripe.fail(
        "POST",
        f"/v1/subscriptions/{birch.stripe_subscription_id}",
        status=402,
        error_type="card_error",
        message="The customer's card was declined.",
        times=1,
    )

    staff.post(move_url(level))

    assert SubscriberPriceMove.objects.get(member=aspen).outcome == Outcome.MOVED
    failed = SubscriberPriceMove.objects.get(member=birch)
    assert failed.outcome == Outcome.FAILED
    assert failed.error == "The customer's card was declined."
    page = staff.get(move_url(level))
    summary = dict(page.context["summary"])
    assert summary["Still to move"] == 1
    assert (
        "Birch Cafe: The customer's card was declined." in summary["Failed (tried again next time)"]
    )

    staff.post(move_url(level))  # only Birch Cafe is asked about again
    failed.refresh_from_db()
    assert failed.outcome == Outcome.MOVED and failed.error == ""
    assert subscription_price(fake_stripe, birch) == level.stripe_price_id
    assert fake_stripe.prorations == []


def test_a_subscriber_already_at_the_price_is_left_alone(staff, fake_stripe, subscribers):
    level = subscribers[0].level
    raise_dues(staff, level, "250.00")
    newcomer = subscribe(fake_stripe, level, "Cedar Deli", "cy@cedar.example")
    assert subscription_price(fake_stripe, newcomer) == level.stripe_price_id
    posts_before = len(subscription_posts(fake_stripe))

    staff.post(move_url(level))

    updated = {r.path for r in subscription_posts(fake_stripe)[posts_before:]}
    assert f"/v1/subscriptions/{newcomer.stripe_subscription_id}" not in updated
    assert len(updated) == 2
    assert SubscriberPriceMove.objects.get(member=newcomer).outcome == Outcome.UNCHANGED


def test_only_staff_who_may_change_levels_move_subscribers(
    client, fake_stripe, subscribers, admin_user
):
    level = subscribers[0].level
    client.force_login(admin_user)
    raise_dues(client, level, "250.00")
    editor = UserFactory(username="eddie")
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    posts_before = len(subscription_posts(fake_stripe))
    for method in ("get", "post"):
        response = getattr(client, method)(move_url(level))
        assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert len(subscription_posts(fake_stripe)) == posts_before
    assert not SubscriberPriceMove.objects.exists()


def test_without_stripe_there_is_nothing_to_move(staff, site_tree, settings):
    settings.STRIPE_SECRET_KEY = ""
    level = MembershipLevel.objects.create(
        name="Patron", slug="patron", annual_dues=500, stripe_price_id="price_old"
    )
    response = staff.post(move_url(level))
    assert response.status_code == 302
    page = staff.get(response["Location"])
    assert any("Stripe is not configured" in str(m) for m in page.context["messages"])
    assert move_url(level) not in page.text
    assert not SubscriberPriceMove.objects.exists()
