"""`stripe_reconcile` (membership/reconcile.py) for what fell out of Stripe's event window: the
events are gone (Stripe keeps 30 days; here they are removed from the double), so the paid
invoice, the paid Checkout Session and the subscription's state are read directly. The whole
history with missed webhooks is in tests/membership/test_replay.py."""

import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from chamber.models import JobHeartbeat
from membership.models import Application, Member, Payment
from membership.reconcile import reconcile
from tests.mail import committed
from tests.membership.helpers import WEBHOOK_SECRET, application_data
from tests.stripe_double import post_event

pytestmark = pytest.mark.django_db


def deliver(client, events):
    for event in events:
        assert post_event(client, event, WEBHOOK_SECRET).status_code == 200


def forget(fake, events):
    """Stripe no longer lists these events (older than its 30 days)."""
    ids = {event["id"] for event in events}
    fake.events[:] = [event for event in fake.events if event["id"] not in ids]


@pytest.fixture
def subscriber(client, join_page, levels, fake_stripe):
    client.post(join_page.url, application_data(levels["community"]))
    application = Application.objects.get()
    deliver(client, fake_stripe.complete_checkout(application.stripe_checkout_session_id))
    mail.outbox.clear()
    return Member.objects.get()


def test_a_paid_invoice_no_event_announced_is_recorded_once(client, subscriber, fake_stripe):
    before = subscriber.paid_through
    fake_stripe.advance(days=366)
    renewal = fake_stripe.renew(subscriber.stripe_subscription_id)
    forget(fake_stripe, renewal)  # none of the renewal's webhooks, and no events to read

    with committed():
        result = reconcile(since_days=400)

    subscriber.refresh_from_db()
    assert subscriber.paid_through > before
    assert Payment.objects.filter(member=subscriber).count() == 2
    assert any(line.startswith("invoice ") for line in result.changes)
    assert [m.subject for m in mail.outbox] == ["Payment received — thank you"]
    assert reconcile(since_days=400).changes == []
    assert Payment.objects.filter(member=subscriber).count() == 2


def test_a_paid_checkout_no_event_announced_makes_the_member(
    client, join_page, levels, fake_stripe
):
    client.post(join_page.url, application_data(levels["community"], auto_renew=None))
    application = Application.objects.get()
    forget(fake_stripe, fake_stripe.complete_checkout(application.stripe_checkout_session_id))
    assert not Member.objects.exists()

    result = reconcile()

    member = Member.objects.get()
    assert member.in_good_standing()
    assert Payment.objects.filter(member=member).count() == 1
    assert result.changes == [f"application {application.pk}: member created"]
    assert reconcile().changes == []


def test_an_ended_subscription_no_event_announced_stops_auto_renewal(
    client, subscriber, fake_stripe
):
    forget(fake_stripe, fake_stripe.cancel_now(subscriber.stripe_subscription_id))

    reconcile()

    subscriber.refresh_from_db()
    assert not subscriber.auto_renew
    assert subscriber.status == Member.Status.ACTIVE  # the paid year is kept
    assert reconcile().changes == []


def test_a_dry_run_reports_and_changes_nothing(client, subscriber, fake_stripe):
    fake_stripe.advance(days=366)
    fake_stripe.renew(subscriber.stripe_subscription_id)  # its webhooks never arrive
    paid_through = subscriber.paid_through

    out = io.StringIO()
    call_command("stripe_reconcile", "--since", "400", "--dry-run", stdout=out)

    subscriber.refresh_from_db()
    assert subscriber.paid_through == paid_through
    assert "would change" in out.getvalue()
    assert "invoice.paid) not yet processed" in out.getvalue()
    assert Payment.objects.filter(member=subscriber).count() == 1


def test_the_command_applies_reports_and_records_its_run(client, subscriber, fake_stripe):
    fake_stripe.advance(days=366)
    fake_stripe.renew(subscriber.stripe_subscription_id)
    out = io.StringIO()

    call_command("stripe_reconcile", "--since", "400", stdout=out)
    call_command("stripe_reconcile", "--since", "400", stdout=out)

    first, second = out.getvalue().split("event(s) read; ")[1:]
    assert first.startswith(("1 thing", "2 thing", "3 thing", "4 thing")) and "changed" in first
    assert second.startswith("0 thing(s) changed.")
    assert JobHeartbeat.objects.get(name="stripe_reconcile").succeeded


def test_without_stripe_the_command_says_so(site_tree):
    with pytest.raises(CommandError, match="Stripe is not configured"):
        call_command("stripe_reconcile")
    with pytest.raises(CommandError, match="at least 1 day"):
        call_command("stripe_reconcile", "--since", "0")
