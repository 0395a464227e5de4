"""What membership's tests share besides fixtures: the webhook secret and the staff inbox the
tests configure, a filled-in join form, a member who pays by hand and a card payment."""

import datetime
from decimal import Decimal

from django.utils import timezone

from membership.models import Member, Payment
from tests.factories import MemberContactFactory, MemberFactory, UserFactory

# Set by the `fake_stripe` fixture (tests/conftest.py): webhook tests sign with it.
WEBHOOK_SECRET = "whsec_test_chamber"
# Where staff notifications go in membership's tests (tests/membership/conftest.py).
STAFF_INBOX = "office@chamber.example"


def application_data(level, **overrides) -> dict:
    """The join form as an applicant fills it in; an override of None leaves a field out."""
    data = {
        "organisation_name": "Riverbend Bakery",
        "first_name": "Rosa",
        "last_name": "Baker",
        "email": "Rosa@Riverbend.example",
        "phone": "(555) 010-2000",
        "website": "https://riverbend.example/",
        "street": "4 Mill Lane",
        "city": "Riverside",
        "region": "OR",
        "postcode": "97999",
        "country": "United States",
        "level": str(level.pk),
        "auto_renew": "on",
        "message": "We bake.",
        "website_url": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def member_paying_by_hand(level, *, paid_through) -> Member:
    """An active member not on auto-renew, with one primary contact (rosa@riverbend.example)."""
    member = MemberFactory(
        name="Riverbend Bakery",
        level=level,
        status=Member.Status.ACTIVE,
        auto_renew=False,
        paid_through=paid_through,
    )
    MemberContactFactory(
        member=member, user=UserFactory(username="rosa", email="rosa@riverbend.example")
    )
    return member


def card_payment(member, *, invoice_id: str) -> Payment:
    """A year of `member`'s Leadership dues (995.00) paid by card today, as Stripe's invoice
    `invoice_id` records it."""
    today = timezone.localdate()
    return Payment.objects.create(
        member=member,
        amount=Decimal("995.00"),
        method=Payment.Method.STRIPE,
        paid_on=today,
        period_start=today,
        period_end=today + datetime.timedelta(days=365),
        stripe_invoice_id=invoice_id,
    )
