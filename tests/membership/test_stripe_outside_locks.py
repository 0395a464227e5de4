"""No Stripe call waits on the network while our transaction holds locks: Stripe is called
first, then rows are locked and written (DESIGN.md, "Payments"). Run with real transactions,
so `in_atomic_block` at each request to the Stripe double says whether one was open."""

from urllib.parse import urlsplit

import pytest
from django.db import connection

from membership.models import Application, Member, MemberContact
from tests.membership.helpers import WEBHOOK_SECRET, application_data
from tests.stripe_double import post_event

# serialized_rollback: the tree root and site that migrations made survive the flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def stripe_calls(fake_stripe, monkeypatch):
    """(method, path, inside a transaction) of every request the app makes to Stripe."""
    calls = []
    original = fake_stripe.request

    def request(method, url, *args, **kwargs):
        calls.append((method, urlsplit(url).path, connection.in_atomic_block))
        return original(method, url, *args, **kwargs)

    monkeypatch.setattr(fake_stripe, "request", request)
    return calls


def join_and_pay(client, fake_stripe, level):
    """An applicant pays at Checkout; returns the events Stripe sends about it."""
    response = client.post("/join/", application_data(level))
    assert response.status_code == 303
    session_id = Application.objects.latest("pk").stripe_checkout_session_id
    return fake_stripe.complete_checkout(session_id)


def deliver(client, events):
    for event in events:
        assert post_event(client, event, WEBHOOK_SECRET).status_code == 200


def assert_none_inside_a_transaction(calls, *, expected_paths):
    assert calls, "no Stripe call was made"
    assert {path.split("/")[2] for _method, path, _inside in calls} >= expected_paths
    inside = [(method, path) for method, path, inside in calls if inside]
    assert inside == []


def test_webhooks_read_stripe_before_locking_anything(
    client, join_page, levels, fake_stripe, stripe_calls
):
    events = join_and_pay(client, fake_stripe, levels["community"])
    stripe_calls.clear()
    # Out of order: the paid invoice comes before the checkout's own event, so processing it
    # fulfils the checkout first, reading the subscription and the session from Stripe.
    paid = [event for event in events if event["type"] == "invoice.paid"]
    assert paid
    deliver(client, [*paid, *events])
    assert Member.objects.get().status == Member.Status.ACTIVE
    assert_none_inside_a_transaction(stripe_calls, expected_paths={"subscriptions", "checkout"})


@pytest.fixture
def subscriber(client, join_page, levels, fake_stripe):
    events = join_and_pay(client, fake_stripe, levels["community"])
    deliver(client, events)
    member = Member.objects.get()
    assert member.stripe_subscription_id
    return member


def test_switching_auto_renewal_off_calls_stripe_before_locking_the_member(
    client, subscriber, stripe_calls
):
    contact = MemberContact.objects.get(member=subscriber)
    client.force_login(contact.user)
    stripe_calls.clear()
    response = client.post("/account/auto-renew/", {"auto_renew": "off"})
    assert response.status_code == 303
    subscriber.refresh_from_db()
    assert subscriber.cancel_at_period_end and not subscriber.auto_renew
    assert_none_inside_a_transaction(stripe_calls, expected_paths={"subscriptions"})


def test_a_staff_level_change_calls_stripe_before_locking_the_member(
    client, subscriber, levels, stripe_calls, django_user_model
):
    client.force_login(django_user_model.objects.create_superuser("admin", "a@example.org", "pw"))
    leadership = levels["leadership"]
    stripe_calls.clear()
    url = f"/admin/snippets/membership/member/change-level/{subscriber.pk}/"
    response = client.post(url, {"level": leadership.pk})
    assert response.status_code == 302
    subscriber.refresh_from_db()
    assert subscriber.level == leadership
    assert_none_inside_a_transaction(stripe_calls, expected_paths={"prices", "subscriptions"})
