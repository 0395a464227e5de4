"""Whatever a holder of the webhook secret signs, /stripe/webhook/ answers 200 or 400, never a
5xx, and stores nothing it rejects (issue #23). Bodies are random JSON: random values, and
event-shaped objects with random ids, types (never one the portal handles, whose objects are
read from Stripe), creation times and nested data."""

import json

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from membership.models import StripeEvent
from membership.webhooks import HANDLERS
from tests.membership.helpers import WEBHOOK_SECRET
from tests.stripe_double import post_event

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
DEEP_FUZZ = settings(FUZZ, max_examples=5_000)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
)
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=25,
)
event_like = st.fixed_dictionaries(
    {
        "id": st.one_of(st.text(max_size=300), values),
        "type": st.one_of(st.text(max_size=120).filter(lambda t: t not in HANDLERS), values),
        "data": st.one_of(values, st.fixed_dictionaries({"object": values})),
    },
    optional={"created": st.one_of(st.integers(min_value=-(2**40), max_value=2**70), values)},
)
bodies = st.one_of(values, event_like).map(json.dumps)


def check(client, body: str) -> None:
    before = StripeEvent.objects.count()
    with transaction.atomic():  # as the request's own transaction would be
        response = post_event(client, body, WEBHOOK_SECRET)
    assert response.status_code in (200, 400), (response.status_code, body)
    if response.status_code == 400:
        assert StripeEvent.objects.count() == before


@FUZZ
@given(body=bodies)
def test_random_signed_bodies(client, fake_stripe, body):
    check(client, body)


@pytest.mark.slow
@DEEP_FUZZ
@given(body=bodies)
def test_random_signed_bodies_deeply(client, fake_stripe, body):
    check(client, body)
