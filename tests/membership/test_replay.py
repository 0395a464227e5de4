"""Replay: one recorded history of Stripe events, delivered three ways, gives one final state.

Five members join (subscriptions and a one-time payment), renew, fail and then pay, cancel, and
change level; Stripe's events for all of it are recorded once. They are then delivered (1) in
order, once; (2) each ten times, shuffled; (3) in order, each by two threads at the same moment
(PostgreSQL: real concurrent transactions). After each run the database must hold the same
members, payments (exactly one per invoice or checkout), contacts and listings, and each member
must have had exactly one welcome e-mail.
"""

import random
import threading
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.test import Client

from directory.models import Business
from membership.models import Application, Member, MemberContact, Payment, StripeEvent
from membership.reconcile import reconcile
from membership.stripe_prices import sync_level_prices
from tests.membership.helpers import WEBHOOK_SECRET, application_data
from tests.stripe_double import post_event

# serialized_rollback: Wagtail's root page and default Site (migration data) survive the flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _apply(client, level, name, email, *, auto_renew=True) -> Application:
    data = application_data(
        level, organisation_name=name, email=email, auto_renew="on" if auto_renew else None
    )
    response = client.post("/join/", data, REMOTE_ADDR=f"10.0.0.{len(name)}")
    assert response.status_code == 303, response.content
    return Application.objects.get(organisation_name=name)


def record_history(client, fake, levels) -> list[dict]:
    """Everything that happens at Stripe over a year and a bit, as the events it sends."""
    community, leadership = levels["community"], levels["leadership"]
    sync_level_prices(leadership)
    events = []
    joins = {
        "Anchor Hardware": (community, True),
        "Bluebird Cafe": (community, True),
        "Cedar Books": (community, False),  # one-time payment
        "Dockside Marine": (leadership, True),
        "Elm Street Dental": (community, True),
    }
    applications = {}
    for name, (level, auto_renew) in joins.items():
        email = f"owner@{name.split()[0].lower()}.example"
        applications[name] = _apply(client, level, name, email, auto_renew=auto_renew)
        events += fake.complete_checkout(applications[name].stripe_checkout_session_id)
        fake.advance(hours=3)

    def subscription(name):
        session = fake.checkout_sessions[applications[name].stripe_checkout_session_id]
        return session["subscription"]

    fake.advance(days=20)
    events += fake.change_price(subscription("Elm Street Dental"), leadership.stripe_price_id)
    fake.advance(days=30)
    events += fake.cancel_at_period_end(subscription("Dockside Marine"))
    fake.advance(days=316)  # the year turns over
    events += fake.renew(subscription("Anchor Hardware"))
    events += fake.fail_renewal(subscription("Bluebird Cafe"))
    events += fake.renew(subscription("Dockside Marine"))  # cancels at period end
    failed_invoice = next(
        e["data"]["object"]["id"] for e in reversed(events) if e["type"] == "invoice.payment_failed"
    )
    fake.advance(days=3)
    events += fake.pay_invoice(failed_invoice)
    return events


def state() -> dict:
    """The database's money and membership state, without ids that differ between runs."""
    members = {
        m.name: (
            m.status,
            m.level.slug,
            m.paid_through,
            m.auto_renew,
            m.cancel_at_period_end,
            m.stripe_customer_id,
            m.stripe_subscription_id,
            m.good_standing_until,
        )
        for m in Member.objects.select_related("level")
    }
    payments = sorted(
        (
            p.member.name,
            str(p.amount),
            p.currency,
            p.paid_on,
            p.period_start,
            p.period_end,
            p.stripe_invoice_id,
            p.stripe_checkout_session_id,
        )
        for p in Payment.objects.select_related("member")
    )
    contacts = sorted(
        (c.member.name, c.user.email, c.role)
        for c in MemberContact.objects.select_related("member", "user")
    )
    listings = sorted(Business.objects.values_list("member__name", "name", "live"))
    applications = sorted(Application.objects.values_list("organisation_name", "status"))
    welcomes = Counter(
        tuple(message.to) for message in mail.outbox if message.subject.startswith("Welcome")
    )
    return {
        "members": members,
        "payments": payments,
        "contacts": contacts,
        "listings": listings,
        "applications": applications,
        "welcomes": sorted(welcomes.items()),
    }


def reset() -> None:
    """Back to the moment before any event arrived (applications submitted, nothing paid)."""
    Payment.objects.all().delete()
    Business.objects.all().delete()
    Application.objects.update(status=Application.Status.AWAITING_PAYMENT, member=None)
    Member.objects.all().delete()
    get_user_model().objects.filter(is_staff=False).delete()
    StripeEvent.objects.all().delete()
    mail.outbox.clear()


def deliver(client, event) -> None:
    response = post_event(client, event, WEBHOOK_SECRET)
    assert response.status_code == 200, response.content


def deliver_twice_at_once(event) -> None:
    barrier = threading.Barrier(2)
    statuses = []

    def worker():
        try:
            barrier.wait()
            statuses.append(post_event(Client(), event, WEBHOOK_SECRET).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200, 200]


def test_replayed_history_gives_the_same_state_however_it_arrives(
    client, join_page, levels, fake_stripe, settings
):
    settings.JOIN_RATE_LIMIT_PER_HOUR = 0
    events = record_history(client, fake_stripe, levels)
    assert len(events) >= 20
    assert len({e["id"] for e in events}) == len(events)

    for event in events:
        deliver(client, event)
    in_order = state()

    # What the history must produce.
    members = in_order["members"]
    assert set(members) == {
        "Anchor Hardware",
        "Bluebird Cafe",
        "Cedar Books",
        "Dockside Marine",
        "Elm Street Dental",
    }
    assert members["Bluebird Cafe"][0] == Member.Status.ACTIVE  # failed, then paid
    assert members["Elm Street Dental"][1] == "leadership"  # upgraded
    assert members["Dockside Marine"][3] is False  # cancelled at period end
    assert members["Cedar Books"][3] is False and members["Cedar Books"][6] == ""
    payments_per_member = Counter(p[0] for p in in_order["payments"])
    assert payments_per_member == {
        "Anchor Hardware": 2,
        "Bluebird Cafe": 2,
        "Cedar Books": 1,
        "Dockside Marine": 1,
        "Elm Street Dental": 1,
    }
    invoices = [p[6] for p in in_order["payments"] if p[6]]
    assert len(invoices) == len(set(invoices))
    assert [count for _, count in in_order["welcomes"]] == [1] * 5

    reset()
    shuffled = [event for event in events for _ in range(10)]
    random.Random(20261126).shuffle(shuffled)
    for event in shuffled:
        deliver(client, event)
    assert state() == in_order
    assert StripeEvent.objects.count() == len(events)

    # Concurrent deliveries need real concurrent transactions: PostgreSQL (SQLite has one
    # writer at a time, so there is nothing to race there).
    if connection.vendor == "postgresql":
        reset()
        for event in events:
            deliver_twice_at_once(event)
        assert state() == in_order
        assert StripeEvent.objects.filter(processed_at__isnull=False).count() == len(events)


def test_webhooks_missed_for_days_are_made_good_by_reconciliation(
    client, join_page, levels, fake_stripe, settings
):
    """Issue #25: three webhooks never arrive (a one-time join's checkout.session.completed,
    a renewal's invoice.paid, a subscription's deletion); `stripe_reconcile` brings the
    database to the state the full delivery gives, and running it again changes nothing."""
    settings.JOIN_RATE_LIMIT_PER_HOUR = 0
    events = record_history(client, fake_stripe, levels)
    for event in events:
        deliver(client, event)
    in_order = state()

    def first(type_, **match):
        return next(
            e
            for e in events
            if e["type"] == type_
            and all(e["data"]["object"].get(key) == value for key, value in match.items())
        )

    missed = {
        first("checkout.session.completed", mode="payment")["id"],  # Cedar Books joins
        first("invoice.paid", billing_reason="subscription_cycle")["id"],  # Anchor renews
        first("customer.subscription.deleted")["id"],  # Dockside's subscription ends
    }
    reset()
    for event in events:
        if event["id"] not in missed:
            deliver(client, event)
    gapped = state()
    assert "Cedar Books" not in gapped["members"]
    assert gapped["members"]["Anchor Hardware"][2] < in_order["members"]["Anchor Hardware"][2]

    dry = reconcile(since_days=30, dry_run=True)
    assert state() == gapped
    assert len(dry.changes) >= 3

    done = reconcile(since_days=30)
    assert state() == in_order
    assert sum(1 for line in done.changes if line.startswith("event ")) == 3
    assert reconcile(since_days=30).changes == []
    assert state() == in_order
