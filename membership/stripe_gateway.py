"""The one place that builds a Stripe API client from settings.

Everything that talks to Stripe calls `stripe_client()`; it returns None when no secret key is
configured (the embedded default), and callers then take their offline path. Tests replace only
the HTTP transport (`HTTP_CLIENT`) with a local double, so the real `stripe` library encodes
every request and decodes every answer.
"""

import stripe
from django.conf import settings

# A `stripe.HTTPClient` to use instead of the library's default (tests: a local Stripe double).
HTTP_CLIENT: stripe.HTTPClient | None = None

# Stripe API version this code is written against (the stripe library's pinned default).
API_VERSION = stripe.api_version


def stripe_enabled() -> bool:
    return bool(settings.STRIPE_SECRET_KEY)


def stripe_client() -> stripe.StripeClient | None:
    if not stripe_enabled():
        return None
    base_addresses = {"api": settings.STRIPE_API_BASE} if settings.STRIPE_API_BASE else None
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses=base_addresses,
        http_client=HTTP_CLIENT,
        max_network_retries=2,
    )
