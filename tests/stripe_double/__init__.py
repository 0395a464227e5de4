"""A local Stripe double that the real `stripe` library talks to.

`FakeStripe` is a `stripe.HTTPClient`: hand it to `stripe.StripeClient(..., http_client=fake)` (or
set `membership.stripe_gateway.HTTP_CLIENT = fake`) and the library encodes every request and
decodes every answer exactly as it would against api.stripe.com, while the state lives in memory
here. No network access, ever.

Every object starts as a deep copy of Stripe's published example for its resource (fixtures.py)
with the fields that matter overwritten, so objects carry all the real keys. The double serves
the API calls the portal (membership/) and its tests make: products, prices, customers, Checkout
Sessions, subscriptions, invoice payments, payment intents, charges, refunds, billing portal
sessions; anything else answers 404, an unknown URL.

Simulations (`complete_checkout`, `renew`, `fail_renewal`, `pay_invoice`, `refund_in_dashboard`,
...) do what Stripe does when a customer pays, a billing cycle turns over or staff act in
Stripe's dashboard; they return the events Stripe would send, in order, and keep them in
`fake.events` too. `sign_payload` / `post_event` deliver them to a webhook
view exactly as Stripe would sign them.

Layout: wire.py (form encoding, errors, parameter rules), fixtures.py, core.py (the HTTPClient:
routing, auth, idempotency, injected failures, lists, expansion), events.py, and one mixin per
resource, composed here: each brings its stores, routes and simulations, so a resource's rules
read in one file.
"""

from .billing_portal import BillingPortal
from .checkout import Checkout
from .customers import Customers
from .events import Events, event_payload, post_event, sign_payload
from .fixtures import fixture
from .invoices import Invoices
from .payment_intents import PaymentIntents
from .prices import Prices
from .products import Products
from .refunds import Refunds
from .subscriptions import Subscriptions, add_interval
from .wire import decode_form

__all__ = [
    "FakeStripe",
    "add_interval",
    "decode_form",
    "event_payload",
    "fixture",
    "post_event",
    "sign_payload",
]


class FakeStripe(
    Products,
    Prices,
    Customers,
    Checkout,
    Subscriptions,
    Invoices,
    PaymentIntents,
    Refunds,
    BillingPortal,
    Events,
):
    """An in-memory Stripe for the real library (see the package docstring and StripeCore).

    `FakeStripe(now=...)` starts the clock at a given unix time (default: the real time).
    """
