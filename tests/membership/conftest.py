import pytest
from django.test import Client, TestCase

from membership import stripe_gateway
from membership.models import JoinPage, Member
from tests.factories import (
    CategoryFactory,
    EnhancedLevelFactory,
    MemberContactFactory,
    MemberFactory,
    MembershipLevelFactory,
    UserFactory,
)
from tests.stripe_double import FakeStripe

WEBHOOK_SECRET = "whsec_test_chamber"


STAFF_INBOX = "office@chamber.example"


@pytest.fixture(autouse=True)
def _staff_inbox(settings):
    settings.STAFF_NOTIFICATION_EMAILS = [STAFF_INBOX]


@pytest.fixture(autouse=True)
def _requests_commit(monkeypatch):
    """Each test-client request ends like a real one: its on-commit work (e-mails) runs.

    pytest-django wraps a test in a transaction that never commits; this runs the callbacks
    that a request's committed transactions registered (rolled-back ones are dropped, as in
    production).
    """
    original = Client.request

    def request(self, **kwargs):
        with TestCase.captureOnCommitCallbacks(execute=True):
            return original(self, **kwargs)

    monkeypatch.setattr(Client, "request", request)


@pytest.fixture
def join_page(site_tree) -> JoinPage:
    return JoinPage.objects.get()


@pytest.fixture
def levels(db):
    return {
        "community": MembershipLevelFactory(name="Community", annual_dues=195),
        "leadership": EnhancedLevelFactory(name="Leadership", annual_dues=995),
    }


@pytest.fixture
def bakeries(db):
    return CategoryFactory(name="Bakeries", slug="bakeries")


@pytest.fixture
def fake_stripe(settings, monkeypatch) -> FakeStripe:
    """Stripe switched on, with the real `stripe` library talking to a local double."""
    settings.STRIPE_SECRET_KEY = "sk_test_chamber"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    fake = FakeStripe()
    monkeypatch.setattr(stripe_gateway, "HTTP_CLIENT", fake)
    return fake


def application_data(level, **overrides) -> dict:
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
