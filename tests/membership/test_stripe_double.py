"""The local Stripe double, driven through the real `stripe` library (no database needed)."""

import datetime
import json
import time

import pytest
import stripe

from membership import stripe_gateway
from tests.stripe_double import (
    FakeStripe,
    add_interval,
    decode_form,
    event_payload,
    fixture,
    post_event,
    sign_payload,
)

NOW = int(datetime.datetime(2026, 3, 1, 12, tzinfo=datetime.UTC).timestamp())
SECRET = "whsec_test_secret"


@pytest.fixture
def fake():
    return FakeStripe(now=NOW)


@pytest.fixture
def client(fake):
    return stripe.StripeClient("sk_test_x", http_client=fake, max_network_retries=2)


@pytest.fixture
def yearly(client):
    product = client.v1.products.create(params={"name": "Business membership"})
    return client.v1.prices.create(
        params={
            "product": product.id,
            "unit_amount": 25000,
            "currency": "usd",
            "recurring": {"interval": "year"},
            "lookup_key": "business_yearly",
        }
    )


def types(events):
    return [e["type"] for e in events]


def subscription_checkout(client, fake, price, **extra):
    session = client.v1.checkout.sessions.create(
        params={
            "mode": "subscription",
            "line_items": [{"price": price.id, "quantity": 1}],
            "customer_email": "owner@bakery.example",
            "client_reference_id": "application-3",
            "metadata": {"application_id": 3},
            "subscription_data": {"metadata": {"application_id": 3}},
            "success_url": "https://portal.example/thanks?session={CHECKOUT_SESSION_ID}",
            "cancel_url": "https://portal.example/join",
            **extra,
        }
    )
    return session, fake.complete_checkout(session.id)


# --- wire format and helpers --------------------------------------------------------------


def test_decode_form_builds_nested_dicts_and_lists():
    body = (
        "line_items[0][price]=price_1&line_items[0][quantity]=2&line_items[1][price]=price_2"
        "&recurring[interval]=year&metadata[application_id]=3&metadata[7]=x"
        "&expand[]=subscription&expand[]=invoice&lookup_keys[0]=a&lookup_keys[1]=b&unset="
    )
    assert decode_form(body) == {
        "line_items": [{"price": "price_1", "quantity": "2"}, {"price": "price_2"}],
        "recurring": {"interval": "year"},
        "metadata": {"application_id": "3", "7": "x"},
        "expand": ["subscription", "invoice"],
        "lookup_keys": ["a", "b"],
        "unset": "",
    }


def test_add_interval_follows_the_calendar():
    def ts(*args):
        return int(datetime.datetime(*args, tzinfo=datetime.UTC).timestamp())

    assert add_interval(ts(2024, 2, 29), "year") == ts(2025, 2, 28)
    assert add_interval(ts(2025, 3, 1), "year") - ts(2025, 3, 1) == 365 * 86400
    assert add_interval(ts(2027, 3, 1), "year") - ts(2027, 3, 1) == 366 * 86400
    assert add_interval(ts(2026, 1, 31), "month") == ts(2026, 2, 28)
    assert add_interval(ts(2026, 1, 31), "month", 2) == ts(2026, 3, 31)


def test_objects_carry_exactly_the_keys_of_stripes_examples(client, fake, yearly):
    _, events = subscription_checkout(client, fake, yearly)
    portal = client.v1.billing_portal.sessions.create(
        params={"customer": events[0]["data"]["object"]["id"], "return_url": "https://x/"}
    )
    stores = {
        "product": fake.products,
        "price": fake.prices,
        "customer": fake.customers,
        "checkout.session": fake.checkout_sessions,
        "subscription": fake.subscriptions,
        "invoice": fake.invoices,
        "billing_portal.session": fake.portal_sessions,
    }
    for kind, store in stores.items():
        assert store, kind
        for obj in store.values():
            assert set(obj) == set(fixture(kind)), kind
            assert obj["object"] == kind
    invoice = next(iter(fake.invoices.values()))
    assert set(invoice["lines"]["data"][0]) == set(fixture("line_item"))
    item = next(iter(fake.subscriptions.values()))["items"]["data"][0]
    assert set(item) == set(fixture("subscription_item"))
    assert set(fake.events[0]) == set(fixture("event"))
    assert portal.url == f"https://billing.stripe.test/p/session/{portal.id}"
    assert portal.id.startswith("bps_")


# --- products and prices --------------------------------------------------------------------


def test_products_create_retrieve_update(client, fake):
    product = client.v1.products.create(
        params={"name": "Gold", "description": "Gold tier", "metadata": {"tier": "gold"}}
    )
    assert product.id.startswith("prod_")
    assert (product.object, product.active, product.metadata["tier"]) == ("product", True, "gold")

    fake.advance(days=1)
    updated = client.v1.products.update(
        product.id, params={"name": "Gold plus", "metadata": {"tier": "", "level": 2}}
    )
    assert updated.name == "Gold plus"
    assert updated.metadata.to_dict() == {"level": "2"}
    assert updated.updated == NOW + 86400
    assert client.v1.products.retrieve(product.id).name == "Gold plus"
    assert types(fake.events) == ["product.created", "product.updated"]
    assert fake.events[-1]["data"]["previous_attributes"] == {
        "name": "Gold",
        "metadata": {"tier": "gold", "level": None},
        "updated": NOW,
    }


def test_price_types_filters_and_lookup_key_transfer(client, fake, yearly):
    assert (yearly.type, yearly.recurring.interval, yearly.unit_amount) == (
        "recurring",
        "year",
        25000,
    )
    one_off = client.v1.prices.create(
        params={"product": yearly.product, "unit_amount": 5000, "currency": "USD"}
    )
    assert (one_off.type, one_off.recurring, one_off.currency) == ("one_time", None, "usd")

    found = client.v1.prices.list(params={"lookup_keys": ["business_yearly"]})
    assert [p.id for p in found.data] == [yearly.id]

    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        client.v1.prices.create(
            params={
                "product": yearly.product,
                "unit_amount": 30000,
                "currency": "usd",
                "recurring": {"interval": "year"},
                "lookup_key": "business_yearly",
            }
        )
    assert excinfo.value.param == "lookup_key"

    newer = client.v1.prices.create(
        params={
            "product": yearly.product,
            "unit_amount": 30000,
            "currency": "usd",
            "recurring": {"interval": "year"},
            "lookup_key": "business_yearly",
            "transfer_lookup_key": True,
        }
    )
    assert fake.prices[yearly.id]["lookup_key"] is None
    found = client.v1.prices.list(params={"lookup_keys": ["business_yearly"], "active": True})
    assert [p.id for p in found.data] == [newer.id]
    assert fake.events[-2]["type"] == "price.updated"  # the old price lost its key
    assert fake.events[-2]["data"]["previous_attributes"] == {"lookup_key": "business_yearly"}

    client.v1.prices.update(yearly.id, params={"active": False, "nickname": "2025 rate"})
    listed = client.v1.prices.list(params={"product": yearly.product, "active": False})
    assert [(p.id, p.nickname) for p in listed.data] == [(yearly.id, "2025 rate")]


def test_prices_are_immutable_and_unknown_parameters_are_rejected(client, fake, yearly):
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        client.v1.prices.update(yearly.id, params={"unit_amount": 1})  # type: ignore[typeddict-unknown-key]
    assert excinfo.value.http_status == 400
    assert excinfo.value.param == "unit_amount"
    assert excinfo.value.code == "parameter_unknown"
    assert fake.prices[yearly.id]["unit_amount"] == 25000


def test_unknown_object_route_and_key(client, fake):
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        client.v1.products.retrieve("prod_missing")
    error = excinfo.value
    assert (error.http_status, error.code, error.param) == (404, "resource_missing", "id")
    assert "No such product: 'prod_missing'" in error.user_message

    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        client.v1.checkout.sessions.retrieve("cs_test_missing")
    assert "No such checkout.session" in excinfo.value.user_message

    body, status, _ = fake.request(
        "get", "https://api.stripe.com/v1/nowhere", {"Authorization": "Bearer sk_test_x"}
    )
    assert status == 404
    assert json.loads(body)["error"]["type"] == "invalid_request_error"

    for key in ("sk_live_real", "pk_test_publishable"):
        bad = stripe.StripeClient(key, http_client=fake)
        with pytest.raises(stripe.AuthenticationError):
            bad.v1.prices.list()
    assert fake.requests[-1].status == 401


def test_lists_page_newest_first(client, yearly):
    for amount in range(1, 12):
        client.v1.prices.create(
            params={"product": yearly.product, "unit_amount": amount, "currency": "usd"}
        )
    page = client.v1.prices.list(params={"limit": 10})
    assert (len(page.data), page.has_more) == (10, True)
    assert page.data[0].unit_amount == 11
    assert len(list(page.auto_paging_iter())) == 12


# --- idempotency, failures, retries ---------------------------------------------------------


def test_idempotency_replays_and_conflicts(client, fake, yearly):
    params = {"mode": "subscription", "line_items": [{"price": yearly.id, "quantity": 1}]}
    first = client.v1.checkout.sessions.create(params=params, options={"idempotency_key": "k1"})
    again = client.v1.checkout.sessions.create(params=params, options={"idempotency_key": "k1"})
    assert again.id == first.id
    assert len(fake.checkout_sessions) == 1
    assert fake.requests[-1].replayed
    assert fake.requests[-1].idempotency_key == "k1"
    assert again.last_response.headers["Idempotent-Replayed"] == "true"

    changed = {**params, "customer_email": "someone@example.com"}
    with pytest.raises(stripe.IdempotencyError):
        client.v1.checkout.sessions.create(params=changed, options={"idempotency_key": "k1"})
    assert len(fake.checkout_sessions) == 1

    fake.advance(days=2)  # Stripe forgets keys after 24 hours
    later = client.v1.checkout.sessions.create(params=changed, options={"idempotency_key": "k1"})
    assert later.id != first.id


def test_injected_server_errors_raise_quickly_after_the_librarys_retries(client, fake):
    fake.fail("POST", "/v1/products")
    started = time.monotonic()
    with pytest.raises(stripe.APIError):
        client.v1.products.create(params={"name": "Gold"})
    assert time.monotonic() - started < 1
    attempts = [r for r in fake.requests if r.path == "/v1/products"]
    assert len(attempts) == 3  # the first try and max_network_retries=2
    assert len({r.idempotency_key for r in attempts}) == 1  # retries reuse the key
    assert len(fake.retry_sleeps) == 2
    assert not fake.products

    fake.clear_failures()
    fake.fail("POST", "/v1/products", times=1)
    assert client.v1.products.create(params={"name": "Gold"}).name == "Gold"
    assert len(fake.products) == 1

    fake.fail("GET", "/v1/prices", status=503, should_retry=False)
    before = len(fake.requests)
    with pytest.raises(stripe.APIError):
        client.v1.prices.list()
    assert len(fake.requests) == before + 1  # Stripe-Should-Retry: false


def test_injected_client_errors(client, fake):
    fake.fail("POST", "/v1/checkout/sessions", 402, "card_error", times=1, code="card_declined")
    with pytest.raises(stripe.CardError) as excinfo:
        client.v1.checkout.sessions.create(params={"mode": "payment"})
    assert excinfo.value.code == "card_declined"

    fake.fail("*", "/v1/", 429, "rate_limit_error", times=1)
    with pytest.raises(stripe.RateLimitError):
        client.v1.customers.create()


# --- checkout: subscription mode ------------------------------------------------------------


def test_subscription_checkout_creates_customer_subscription_and_paid_invoice(client, fake, yearly):
    session, events = subscription_checkout(client, fake, yearly)
    assert session.id.startswith("cs_test_")
    assert session.url == f"https://checkout.stripe.test/c/pay/{session.id}"
    assert (session.status, session.payment_status, session.amount_total) == (
        "open",
        "unpaid",
        25000,
    )

    assert types(events) == [
        "customer.created",
        "customer.subscription.created",
        "invoice.created",
        "invoice.finalized",
        "invoice.paid",
        "invoice.payment_succeeded",
        "checkout.session.completed",
    ]
    assert events == fake.events[-7:]
    for event in events:
        assert event["id"].startswith("evt_")
        assert event["object"] == "event"
        assert event["api_version"] == stripe.api_version
        assert event["created"] == NOW
        assert event["livemode"] is False
    assert events[2]["data"]["object"]["status"] == "draft"  # snapshots, not live objects
    assert events[3]["data"]["object"]["status"] == "open"

    completed = client.v1.checkout.sessions.retrieve(
        session.id, params={"expand": ["subscription", "invoice", "customer"]}
    )
    assert (completed.status, completed.payment_status, completed.url) == ("complete", "paid", None)
    assert completed.customer.email == "owner@bakery.example"
    assert completed.customer_details.email == "owner@bakery.example"
    assert completed.client_reference_id == "application-3"
    assert completed.metadata["application_id"] == "3"

    subscription = completed.subscription
    assert isinstance(subscription, stripe.Subscription)
    assert subscription.status == "active"
    assert subscription.metadata.to_dict() == {"application_id": "3"}
    assert subscription.customer == completed.customer.id
    item = subscription["items"].data[0]
    assert item.price.id == yearly.id
    assert item.current_period_start == NOW
    assert item.current_period_end == add_interval(NOW, "year")

    invoice = completed.invoice
    assert (invoice.status, invoice.billing_reason) == ("paid", "subscription_create")
    assert (invoice.amount_paid, invoice.amount_remaining) == (25000, 0)
    assert invoice.status_transitions.paid_at == NOW
    assert invoice.parent.type == "subscription_details"
    assert invoice.parent.subscription_details.subscription == subscription.id
    assert invoice.subscription == subscription.id
    assert subscription.latest_invoice == invoice.id
    line = invoice.lines.data[0]
    assert (line.period.start, line.period.end) == (NOW, item.current_period_end)
    assert line.pricing.price_details.price == yearly.id
    assert line.metadata.to_dict() == {"application_id": "3"}

    # Unexpanded, the references stay ids.
    assert client.v1.checkout.sessions.retrieve(session.id).subscription == subscription.id
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.checkout.sessions.retrieve(session.id, params={"expand": ["success_url"]})
    with pytest.raises(ValueError, match="not open"):
        fake.complete_checkout(session.id)


def test_checkout_rejects_what_stripe_rejects(client, yearly):
    with pytest.raises(stripe.InvalidRequestError, match="recurring price"):
        client.v1.checkout.sessions.create(
            params={"mode": "payment", "line_items": [{"price": yearly.id, "quantity": 1}]}
        )
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        client.v1.checkout.sessions.create(
            params={"mode": "subscription", "line_items": [{"price": "price_nope"}]}
        )
    assert excinfo.value.param == "line_items[0][price]"


def test_renewal_and_failed_renewal_event_sequences(client, fake, yearly):
    session, _ = subscription_checkout(client, fake, yearly)
    sub_id = fake.checkout_sessions[session.id]["subscription"]
    first_end = fake.subscriptions[sub_id]["items"]["data"][0]["current_period_end"]

    fake.now = first_end
    events = fake.renew(sub_id)
    assert types(events) == [
        "invoice.created",
        "customer.subscription.updated",
        "invoice.finalized",
        "invoice.paid",
        "invoice.payment_succeeded",
    ]
    updated = events[1]["data"]
    item = updated["object"]["items"]["data"][0]
    assert (item["current_period_start"], item["current_period_end"]) == (
        first_end,
        add_interval(NOW, "year", 2),
    )
    previous_item = updated["previous_attributes"]["items"]["data"][0]
    assert previous_item["current_period_end"] == first_end
    invoice = events[-1]["data"]["object"]
    assert (invoice["billing_reason"], invoice["status"]) == ("subscription_cycle", "paid")
    assert invoice["lines"]["data"][0]["period"] == {
        "start": first_end,
        "end": item["current_period_end"],
    }
    assert (invoice["period_start"], invoice["period_end"]) == (NOW, first_end)  # Stripe quirk
    assert invoice["number"].endswith("-0002")

    fake.now = item["current_period_end"]
    events = fake.fail_renewal(sub_id)
    assert types(events) == [
        "invoice.created",
        "customer.subscription.updated",
        "invoice.finalized",
        "invoice.payment_failed",
        "customer.subscription.updated",
    ]
    failed = events[3]["data"]["object"]
    assert (failed["status"], failed["attempt_count"], failed["attempted"]) == ("open", 1, True)
    assert failed["next_payment_attempt"] > fake.now
    assert events[-1]["data"]["object"]["status"] == "past_due"
    assert events[-1]["data"]["previous_attributes"] == {"status": "active"}

    events = fake.pay_invoice(failed["id"])
    assert types(events) == [
        "invoice.paid",
        "invoice.payment_succeeded",
        "customer.subscription.updated",
    ]
    assert client.v1.subscriptions.retrieve(sub_id).status == "active"
    assert fake.invoices[failed["id"]]["status"] == "paid"


def test_cancellation_and_price_change(client, fake, yearly):
    session, _ = subscription_checkout(client, fake, yearly)
    sub_id = fake.checkout_sessions[session.id]["subscription"]
    period_end = fake.subscriptions[sub_id]["items"]["data"][0]["current_period_end"]

    (event,) = fake.cancel_at_period_end(sub_id)
    assert event["type"] == "customer.subscription.updated"
    assert event["data"]["object"]["cancel_at"] == period_end
    assert event["data"]["previous_attributes"]["cancel_at_period_end"] is False
    (event,) = fake.cancel_at_period_end(sub_id, value=False)
    assert event["data"]["object"]["cancel_at_period_end"] is False

    # Through the API, as the portal's own code would: the event names the request.
    sub = client.v1.subscriptions.update(
        sub_id, params={"cancel_at_period_end": True}, options={"idempotency_key": "cancel-1"}
    )
    assert sub.cancel_at_period_end is True
    assert fake.events[-1]["request"]["idempotency_key"] == "cancel-1"
    fake.now = period_end
    (event,) = fake.renew(sub_id)  # the period ends: canceled instead of renewed
    assert event["type"] == "customer.subscription.deleted"
    assert event["data"]["object"]["ended_at"] == period_end

    session, _ = subscription_checkout(client, fake, yearly)
    sub_id = fake.checkout_sessions[session.id]["subscription"]
    monthly = client.v1.prices.create(
        params={
            "product": yearly.product,
            "unit_amount": 2500,
            "currency": "usd",
            "recurring": {"interval": "month"},
        }
    )
    item_id = fake.subscriptions[sub_id]["items"]["data"][0]["id"]
    sub = client.v1.subscriptions.update(
        sub_id, params={"items": [{"id": item_id, "price": monthly.id}]}
    )
    assert sub["items"].data[0].price.id == monthly.id
    previous = fake.events[-1]["data"]["previous_attributes"]
    assert previous["items"]["data"][0]["price"]["id"] == yearly.id
    (event,) = fake.change_price(sub_id, yearly.id)
    assert event["data"]["object"]["items"]["data"][0]["price"]["id"] == yearly.id

    (event,) = fake.cancel_now(sub_id)
    assert event["type"] == "customer.subscription.deleted"
    canceled = event["data"]["object"]
    assert canceled["status"] == "canceled"
    assert canceled["ended_at"] == canceled["canceled_at"] == fake.now
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.subscriptions.update(sub_id, params={"cancel_at_period_end": True})


# --- checkout: payment mode and delayed payments --------------------------------------------


def test_payment_mode_checkout(client, fake, yearly):
    fee = client.v1.prices.create(
        params={"product": yearly.product, "unit_amount": 4000, "currency": "usd"}
    )
    session = client.v1.checkout.sessions.create(
        params={
            "mode": "payment",
            "line_items": [{"price": fee.id, "quantity": 2}],
            "customer_email": "guest@example.com",
            "payment_intent_data": {"metadata": {"order": "7"}},
        }
    )
    assert session.amount_total == 8000
    events = fake.complete_checkout(session.id)
    assert types(events) == [
        "payment_intent.created",
        "payment_intent.succeeded",
        "checkout.session.completed",
    ]
    done = client.v1.checkout.sessions.retrieve(session.id, params={"expand": ["payment_intent"]})
    assert (done.status, done.payment_status) == ("complete", "paid")
    assert done.customer is None  # a guest, as on Stripe (customer_creation=if_required)
    assert done.customer_details.email == "guest@example.com"
    intent = done.payment_intent
    assert (intent.status, intent.amount, intent.amount_received) == ("succeeded", 8000, 8000)
    assert intent.metadata["order"] == "7"

    session = client.v1.checkout.sessions.create(
        params={
            "mode": "payment",
            "line_items": [{"price": fee.id}],
            "customer_email": "buyer@example.com",
            "customer_creation": "always",
        }
    )
    events = fake.complete_checkout(session.id)
    assert types(events)[0] == "customer.created"
    assert events[-1]["data"]["object"]["customer"] == events[0]["data"]["object"]["id"]


def test_delayed_payments_settle_later(client, fake, yearly):
    fee = client.v1.prices.create(
        params={"product": yearly.product, "unit_amount": 4000, "currency": "usd"}
    )
    session = client.v1.checkout.sessions.create(
        params={"mode": "payment", "line_items": [{"price": fee.id}]}
    )
    events = fake.complete_checkout(session.id, async_payment=True)
    assert events[-1]["type"] == "checkout.session.completed"
    assert events[-1]["data"]["object"]["payment_status"] == "unpaid"
    events = fake.settle_async(session.id)
    assert types(events) == [
        "payment_intent.succeeded",
        "checkout.session.async_payment_succeeded",
    ]
    assert client.v1.checkout.sessions.retrieve(session.id).payment_status == "paid"

    session, _ = subscription_checkout(client, fake, yearly)  # a paid one, for contrast
    session = client.v1.checkout.sessions.create(
        params={"mode": "subscription", "line_items": [{"price": yearly.id}]}
    )
    events = fake.complete_checkout(session.id, async_payment=True, email="slow@example.com")
    assert types(events)[-2:] == ["invoice.finalized", "checkout.session.completed"]
    events = fake.settle_async(session.id, succeed=False)
    assert types(events) == [
        "invoice.payment_failed",
        "customer.subscription.updated",
        "checkout.session.async_payment_failed",
    ]
    assert fake.checkout_sessions[session.id]["payment_status"] == "unpaid"


# --- webhooks -------------------------------------------------------------------------------


def test_signed_payloads_pass_the_librarys_verification(client, fake, yearly):
    _, events = subscription_checkout(client, fake, yearly)
    payload = event_payload(events[-1])
    header = sign_payload(payload, SECRET)
    assert header.startswith("t=")
    event = stripe.Webhook.construct_event(payload, header, SECRET, tolerance=300)
    assert event.type == "checkout.session.completed"
    assert event.data.object.id == events[-1]["data"]["object"]["id"]

    timestamp = int(time.time())
    expected = stripe.WebhookSignature.generate_signature_header(
        payload.decode(), SECRET, timestamp
    )
    assert sign_payload(payload, SECRET, timestamp) == expected

    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(payload.replace(b"complete", b"expired"), header, SECRET)
    stale = sign_payload(payload, SECRET, timestamp=int(time.time()) - 600)
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(payload, stale, SECRET, tolerance=300)
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(payload, sign_payload(payload, "whsec_other"), SECRET)


def test_post_event_sends_the_signed_bytes():
    calls = []

    class RecordingClient:
        def post(self, url, **kwargs):
            calls.append((url, kwargs))
            return "response"

    event = {"id": "evt_1", "object": "event", "type": "invoice.paid"}
    assert post_event(RecordingClient(), event, SECRET) == "response"
    url, kwargs = calls[0]
    assert url == "/stripe/webhook/"
    assert kwargs["content_type"] == "application/json"
    assert kwargs["data"] == event_payload(event)
    stripe.WebhookSignature.verify_header(
        kwargs["data"], kwargs["HTTP_STRIPE_SIGNATURE"], SECRET, tolerance=300
    )
    post_event(RecordingClient(), event, SECRET, url="/other/", signature="t=1,v1=bad")
    assert calls[1][0] == "/other/"
    assert calls[1][1]["HTTP_STRIPE_SIGNATURE"] == "t=1,v1=bad"


# --- the production entry point -------------------------------------------------------------


def test_stripe_gateway_uses_the_double(settings, monkeypatch, fake):
    settings.STRIPE_SECRET_KEY = "sk_test_from_settings"
    settings.STRIPE_API_BASE = "http://stripe.invalid:12111"
    monkeypatch.setattr(stripe_gateway, "HTTP_CLIENT", fake)
    client = stripe_gateway.stripe_client()
    client.v1.customers.create(params={"email": "a@example.com"})
    request = fake.requests[-1]
    assert (request.method, request.path, request.params) == (
        "POST",
        "/v1/customers",
        {"email": "a@example.com"},
    )
    assert request.headers["Authorization"] == "Bearer sk_test_from_settings"
    assert request.headers["Stripe-Version"] == stripe_gateway.API_VERSION


def test_a_trial_charges_nothing_until_it_ends(client, fake, yearly):
    trial_end = NOW + 20 * 86_400
    session, _ = subscription_checkout(
        client,
        fake,
        yearly,
        subscription_data={"metadata": {"application_id": 3}, "trial_end": trial_end},
    )

    completed = client.v1.checkout.sessions.retrieve(
        session.id, params={"expand": ["subscription", "invoice"]}
    )
    assert completed.payment_status == "no_payment_required"
    assert completed.subscription.status == "trialing"
    assert completed.subscription["items"].data[0].current_period_end == trial_end
    assert completed.invoice.amount_paid == 0
    assert completed.invoice.lines.data[0].amount == 0

    fake.now = trial_end
    renewal = fake.renew(completed.subscription.id)

    paid = next(e for e in renewal if e["type"] == "invoice.paid")["data"]["object"]
    assert paid["amount_paid"] == 25000
    assert paid["lines"]["data"][0]["period"]["start"] == trial_end
    assert fake.subscriptions[completed.subscription.id]["status"] == "active"


def test_a_trial_must_end_at_least_48_hours_ahead(client, fake, yearly):
    with pytest.raises(stripe.InvalidRequestError, match="48 hours"):
        subscription_checkout(client, fake, yearly, subscription_data={"trial_end": NOW + 3600})


# --- invoice payments, charges and refunds --------------------------------------------------


def test_a_paid_invoice_names_its_payment_intent_and_charge(client, fake, yearly):
    session, _ = subscription_checkout(client, fake, yearly)
    invoice_id = fake.checkout_sessions[session.id]["invoice"]
    (row,) = client.v1.invoice_payments.list(params={"invoice": invoice_id}).data
    assert (row.status, row.amount_paid, row.invoice) == ("paid", 25000, invoice_id)
    assert row.payment.type == "payment_intent"
    intent = client.v1.payment_intents.retrieve(row.payment.payment_intent)
    assert (intent.status, intent.amount_received) == ("succeeded", 25000)
    charge = client.v1.charges.retrieve(intent.latest_charge)
    assert (charge.amount, charge.amount_refunded, charge.refunded) == (25000, 0, False)
    assert charge.payment_intent == intent.id
    by_intent = client.v1.invoice_payments.list(
        params={"payment": {"type": "payment_intent", "payment_intent": intent.id}}
    )
    assert [r.id for r in by_intent.data] == [row.id]
    assert set(fake.invoice_payments[row.id]) == set(fixture("invoice_payment"))
    assert set(fake.charges[charge.id]) == set(fixture("charge"))
    assert set(fake.payment_intents[intent.id]) == set(fixture("payment_intent"))


def test_refunds_through_the_api(client, fake, yearly):
    subscription_checkout(client, fake, yearly)
    (row,) = fake.invoice_payments.values()
    intent_id = row["payment"]["payment_intent"]

    refund = client.v1.refunds.create(
        params={"payment_intent": intent_id, "amount": 5000, "reason": "requested_by_customer"},
        options={"idempotency_key": "refund-1"},
    )
    assert (refund.amount, refund.status, refund.payment_intent) == (5000, "succeeded", intent_id)
    assert set(fake.refunds[refund.id]) == set(fixture("refund"))
    assert types(fake.events[-2:]) == ["refund.created", "charge.refunded"]
    refunded = fake.events[-1]["data"]
    assert refunded["object"]["amount_refunded"] == 5000
    assert refunded["previous_attributes"]["amount_refunded"] == 0
    again = client.v1.refunds.create(
        params={"payment_intent": intent_id, "amount": 5000, "reason": "requested_by_customer"},
        options={"idempotency_key": "refund-1"},
    )
    assert again.id == refund.id and len(fake.refunds) == 1  # replayed, not refunded twice

    with pytest.raises(stripe.InvalidRequestError, match="greater than unrefunded") as error:
        client.v1.refunds.create(params={"charge": refund.charge, "amount": 20001})
    assert error.value.code == "amount_too_large"
    rest = client.v1.refunds.create(params={"charge": refund.charge})  # all that is left
    assert rest.amount == 20000
    assert client.v1.charges.retrieve(refund.charge).refunded is True
    with pytest.raises(stripe.InvalidRequestError) as error:
        client.v1.refunds.create(params={"payment_intent": intent_id})
    assert error.value.code == "charge_already_refunded"
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.refunds.create(params={"payment_intent": intent_id, "reason": "changed_mind"})
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.refunds.create(params={})
    listed = client.v1.refunds.list(params={"payment_intent": intent_id})
    assert [r.id for r in listed.data] == [rest.id, refund.id]  # newest first
    assert client.v1.refunds.retrieve(refund.id).amount == 5000


def test_refunds_in_the_dashboard_and_pending_refunds(client, fake, yearly):
    subscription_checkout(client, fake, yearly)
    (row,) = fake.invoice_payments.values()
    intent_id = row["payment"]["payment_intent"]

    events = fake.refund_in_dashboard(intent_id, 1000, pending=True)
    assert types(events) == ["refund.created", "charge.refunded"]
    refund = events[0]["data"]["object"]
    assert refund["status"] == "pending" and events[0]["request"]["id"] is None
    (updated,) = fake.settle_refund(refund["id"])
    assert updated["type"] == "refund.updated"
    assert updated["data"]["object"]["status"] == "succeeded"
    assert updated["data"]["previous_attributes"] == {"status": "pending"}

    fake.refund_in_dashboard(intent_id, 2000, pending=True)
    failing = next(r for r in fake.refunds.values() if r["status"] == "pending")
    events = fake.settle_refund(failing["id"], succeed=False)
    assert types(events) == ["refund.updated", "refund.failed"]
    charge = fake.charges[refund["charge"]]
    assert charge["amount_refunded"] == 1000  # the failed refund's money is back on the charge
    with pytest.raises(ValueError, match="Cannot refund"):
        fake.refund_in_dashboard(intent_id, 25000)


def test_price_changes_prorate_unless_told_not_to(client, fake, yearly):
    session, _ = subscription_checkout(client, fake, yearly)
    sub_id = fake.checkout_sessions[session.id]["subscription"]
    item_id = fake.subscriptions[sub_id]["items"]["data"][0]["id"]
    dearer = client.v1.prices.create(
        params={
            "product": yearly.product,
            "unit_amount": 30000,
            "currency": "usd",
            "recurring": {"interval": "year"},
        }
    )
    client.v1.subscriptions.update(
        sub_id,
        params={"items": [{"id": item_id, "price": dearer.id}], "proration_behavior": "none"},
    )
    assert fake.prorations == []
    client.v1.subscriptions.update(sub_id, params={"items": [{"id": item_id, "price": yearly.id}]})
    assert fake.prorations == [
        {
            "subscription": sub_id,
            "item": item_id,
            "from": dearer.id,
            "to": yearly.id,
            "behavior": "create_prorations",
        }
    ]
    with pytest.raises(stripe.InvalidRequestError, match="proration_behavior"):
        client.v1.subscriptions.update(sub_id, params={"proration_behavior": "sometimes"})
