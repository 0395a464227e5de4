"""The renewal pay link `/join/renew/?token=…` and the billing-portal redirect (issue #4)."""

import datetime
import time
from urllib.parse import urlencode

import pytest
from django.core import mail, signing
from django.utils import timezone

from membership import stripe_gateway
from membership.checkout import RENEWAL
from membership.dues import add_years, from_timestamp
from membership.models import Member, Payment
from membership.stripe_prices import sync_level_prices
from membership.tokens import RENEW_MAX_AGE, RENEW_SALT, renewal_token
from tests.factories import MemberContactFactory, MemberFactory, UserFactory
from tests.membership.helpers import WEBHOOK_SECRET, member_paying_by_hand
from tests.stripe_double import post_event

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PAID_THROUGH = TODAY + datetime.timedelta(days=20)


@pytest.fixture
def member(join_page, levels):
    return member_paying_by_hand(levels["community"], paid_through=PAID_THROUGH)


def renewal_path(join_page, token: str) -> str:
    return f"{join_page.url}{join_page.reverse_subpage('renew_view')}?{urlencode({'token': token})}"


def open_renewal(client, join_page, token: str, data: dict | None = None):
    """GET (or POST `data` to) the renewal page, as the e-mailed link opens it."""
    path = renewal_path(join_page, token)
    return client.get(path) if data is None else client.post(path, data)


def session_requests(fake) -> list:
    return [r for r in fake.requests if r.method == "POST" and r.path == "/v1/checkout/sessions"]


def pay(client, join_page, member, fake, data=None) -> str:
    """The member posts the renewal form, pays at Checkout and comes back; the session id."""
    response = open_renewal(client, join_page, renewal_token(member), data or {})
    assert response.status_code == 303, response.content
    (session_id,) = [
        sid for sid, session in fake.checkout_sessions.items() if session["url"] == response.url
    ]
    fake.complete_checkout(session_id)
    thanks = client.get(f"/join/thanks/?session_id={session_id}")
    assert thanks.status_code == 200
    return session_id


# The link ----------------------------------------------------------------------------------------


def test_a_token_that_is_not_signed_is_404(client, member):
    assert client.get("/join/renew/?token=not-a-token").status_code == 404
    assert client.get("/join/renew/").status_code == 404


class _PastSigner(signing.TimestampSigner):
    """Signs as if it were a day past the renewal link's lifetime ago."""

    def timestamp(self):
        return signing.b62_encode(int(time.time()) - RENEW_MAX_AGE - 86_400)


def expired_token(member) -> str:
    token = _PastSigner(salt=RENEW_SALT).sign_object(member.pk)
    assert signing.loads(token, salt=RENEW_SALT) == member.pk  # genuine, only too old
    return token


def tampered_token(member) -> str:
    token = renewal_token(member)
    return token[:-1] + ("A" if token[-1] != "A" else "B")


@pytest.mark.parametrize(
    "forge",
    [
        lambda member: signing.dumps(member.pk, salt="membership.join.resume"),  # other salt
        lambda member: signing.dumps(member.pk, salt=RENEW_SALT, key="not-our-secret-key"),
        tampered_token,
        lambda member: signing.dumps(member.pk + 1000, salt=RENEW_SALT),  # no such member
        expired_token,
    ],
    ids=["other-salt", "other-key", "tampered", "unknown-member", "expired"],
)
def test_forged_expired_or_unknown_tokens_are_404(client, join_page, member, forge):
    assert open_renewal(client, join_page, forge(member)).status_code == 404


def test_a_cancelled_membership_cannot_be_renewed(client, join_page, member):
    Member.objects.filter(pk=member.pk).update(status=Member.Status.CANCELLED)

    assert open_renewal(client, join_page, renewal_token(member)).status_code == 404


def test_the_page_shows_the_member_and_the_dues(client, join_page, member, fake_stripe):
    response = open_renewal(client, join_page, renewal_token(member))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Riverbend Bakery" in html
    assert "Community level, 195.00 USD a year" in html
    assert f"Dues are paid through {PAID_THROUGH:%-d %B %Y}." in html
    assert "Pay 195.00 USD" in html
    # 20 paid days are left: automatic renewal would first charge when they run out.
    assert "Renew automatically every year" in html
    assert f"on {PAID_THROUGH:%-d %B %Y}, when your paid year ends" in html
    assert fake_stripe.checkout_sessions == {}  # looking costs nothing


def test_when_the_year_is_nearly_over_auto_renew_charges_today(
    client, join_page, member, fake_stripe
):
    Member.objects.filter(pk=member.pk).update(paid_through=TODAY + datetime.timedelta(days=2))

    html = open_renewal(client, join_page, renewal_token(member)).content.decode()

    assert "charges your card today" in html


def test_a_member_renewing_by_subscription_is_not_asked_to_pay(
    client, join_page, member, fake_stripe
):
    Member.objects.filter(pk=member.pk).update(auto_renew=True, stripe_subscription_id="sub_x")

    html = open_renewal(client, join_page, renewal_token(member)).content.decode()
    response = open_renewal(client, join_page, renewal_token(member), {"choice": "auto"})

    assert "renews automatically by card" in html and "Pay 195.00" not in html
    assert response.status_code == 200
    assert fake_stripe.checkout_sessions == {}


def test_switching_to_auto_renew_early_keeps_every_paid_day(client, join_page, member, fake_stripe):
    pay(client, join_page, member, fake_stripe, {"choice": "auto"})

    (create,) = session_requests(fake_stripe)
    trial_end = int(create.params["subscription_data"]["trial_end"])
    assert timezone.localdate(from_timestamp(trial_end)) == PAID_THROUGH
    member.refresh_from_db()
    assert member.auto_renew and member.stripe_subscription_id
    assert member.paid_through == PAID_THROUGH  # nothing paid, nothing extended
    assert Payment.objects.count() == 0 and mail.outbox == []

    # The paid year ends: Stripe charges the first year of the subscription.
    fake_stripe.now = trial_end
    for event in fake_stripe.renew(member.stripe_subscription_id):
        assert post_event(client, event, WEBHOOK_SECRET).status_code == 200

    member.refresh_from_db()
    payment = Payment.objects.get()
    assert payment.amount == 195 and payment.period_start == PAID_THROUGH
    assert member.paid_through == add_years(PAID_THROUGH)
    assert member.status == Member.Status.ACTIVE


def test_without_stripe_the_page_explains_paying_offline(client, join_page, member):
    response = open_renewal(client, join_page, renewal_token(member), {"choice": "auto"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Riverbend Bakery" in html and "cheque or bank transfer" in html
    assert "<form" not in html.split("<main", 1)[1].split("</main>", 1)[0]
    assert Payment.objects.count() == 0


# Paying ------------------------------------------------------------------------------------------


def test_paying_once_records_one_year_from_the_old_paid_through(
    client, join_page, member, fake_stripe
):
    response = open_renewal(client, join_page, renewal_token(member), {})

    assert response.status_code == 303
    (create,) = session_requests(fake_stripe)
    level = member.level
    level.refresh_from_db()
    assert create.params["mode"] == "payment"
    assert create.params["metadata"] == {
        "purpose": RENEWAL,
        "member_id": str(member.pk),
        "level": "community",
    }
    assert create.params["line_items"] == [
        {"price": level.stripe_one_time_price_id, "quantity": "1"}
    ]
    assert create.params["success_url"].endswith("/join/thanks/?session_id={CHECKOUT_SESSION_ID}")
    (session_id,) = fake_stripe.checkout_sessions
    assert response.url == fake_stripe.checkout_sessions[session_id]["url"]
    assert Payment.objects.count() == 0  # nothing until Stripe says it is paid

    fake_stripe.complete_checkout(session_id)
    thanks = client.get(f"/join/thanks/?session_id={session_id}")

    assert thanks.status_code == 200
    member.refresh_from_db()
    payment = Payment.objects.get()
    assert member.paid_through == add_years(PAID_THROUGH)
    assert (payment.period_start, payment.period_end) == (PAID_THROUGH, add_years(PAID_THROUGH))
    assert (payment.member, payment.method, payment.amount) == (member, "stripe", 195)
    assert payment.stripe_checkout_session_id == session_id
    assert member.status == Member.Status.ACTIVE and member.auto_renew is False
    (receipt,) = mail.outbox
    assert receipt.subject == "Payment received — thank you"
    assert receipt.to == ["rosa@riverbend.example"]
    assert f"paid through {add_years(PAID_THROUGH):%-d %B %Y}" in receipt.body

    again = client.get(f"/join/thanks/?session_id={session_id}")

    assert again.status_code == 200
    member.refresh_from_db()
    assert member.paid_through == add_years(PAID_THROUGH)
    assert Payment.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_lapsed_member_paying_is_active_again_from_today(client, join_page, member, fake_stripe):
    Member.objects.filter(pk=member.pk).update(
        status=Member.Status.LAPSED, paid_through=TODAY - datetime.timedelta(days=90)
    )

    pay(client, join_page, member, fake_stripe)

    member.refresh_from_db()
    assert member.status == Member.Status.ACTIVE
    assert member.paid_through == add_years(TODAY)
    assert member.in_good_standing()


def test_paying_with_auto_renew_starts_a_subscription(client, join_page, member, fake_stripe):
    Member.objects.filter(pk=member.pk).update(paid_through=TODAY + datetime.timedelta(days=1))
    session_id = pay(client, join_page, member, fake_stripe, {"choice": "auto"})

    (create,) = session_requests(fake_stripe)
    member.level.refresh_from_db()
    assert create.params["mode"] == "subscription"
    assert create.params["line_items"] == [{"price": member.level.stripe_price_id, "quantity": "1"}]
    assert create.params["subscription_data"]["metadata"]["purpose"] == RENEWAL
    assert create.params["metadata"]["member_id"] == str(member.pk)
    member.refresh_from_db()
    subscription_id = fake_stripe.checkout_sessions[session_id]["subscription"]
    assert subscription_id and member.stripe_subscription_id == subscription_id
    assert member.auto_renew is True and member.cancel_at_period_end is False
    assert member.stripe_customer_id == fake_stripe.subscriptions[subscription_id]["customer"]
    payment = Payment.objects.get()
    assert payment.stripe_invoice_id == fake_stripe.checkout_sessions[session_id]["invoice"]
    assert member.paid_through >= add_years(TODAY)
    assert len(mail.outbox) == 1


def test_an_existing_customer_pays_as_that_customer(client, join_page, member, fake_stripe):
    customer = stripe_gateway.stripe_client().v1.customers.create(
        params={"email": "rosa@riverbend.example"}
    )
    Member.objects.filter(pk=member.pk).update(stripe_customer_id=customer.id)

    pay(client, join_page, member, fake_stripe)

    (create,) = session_requests(fake_stripe)
    assert create.params["customer"] == customer.id
    member.refresh_from_db()
    assert member.stripe_customer_id == customer.id
    assert len(fake_stripe.customers) == 1


def test_paying_once_by_card_gives_the_member_a_stripe_customer(
    client, join_page, member, fake_stripe
):
    pay(client, join_page, member, fake_stripe)

    member.refresh_from_db()
    assert member.stripe_customer_id in fake_stripe.customers
    assert fake_stripe.customers[member.stripe_customer_id]["email"] == "rosa@riverbend.example"


def test_a_stripe_error_shows_a_503_page_and_records_nothing(
    client, join_page, member, fake_stripe
):
    sync_level_prices(member.level)
    fake_stripe.fail("POST", "/v1/checkout/sessions", status=500)

    response = open_renewal(client, join_page, renewal_token(member), {})

    assert response.status_code == 503
    html = response.content.decode()
    assert "We could not reach our payment provider" in html
    assert "Riverbend Bakery" in html  # the form is still there to try again
    assert fake_stripe.checkout_sessions == {}
    assert Payment.objects.count() == 0
    member.refresh_from_db()
    assert member.paid_through == PAID_THROUGH
    assert mail.outbox == []


# Billing portal ----------------------------------------------------------------------------------

PORTAL = "/account/billing/"


def portal_requests(fake) -> list:
    return [
        r for r in fake.requests if r.method == "POST" and r.path == "/v1/billing_portal/sessions"
    ]


def customer_for(member, email: str) -> str:
    customer = stripe_gateway.stripe_client().v1.customers.create(params={"email": email})
    Member.objects.filter(pk=member.pk).update(stripe_customer_id=customer.id)
    return customer.id


@pytest.fixture
def two_members(fake_stripe, levels):
    """Two paying members, each with a Stripe customer and a contact who logs in."""
    members = {}
    for name in ("aspen", "birch"):
        member = MemberFactory(name=name.title(), level=levels["community"])
        user = UserFactory(username=name, email=f"{name}@example.org")
        MemberContactFactory(member=member, user=user)
        members[name] = (member, user, customer_for(member, f"{name}@example.org"))
    return members


def test_anonymous_visitors_are_sent_to_log_in(client, fake_stripe):
    response = client.get(PORTAL)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={PORTAL}"
    assert portal_requests(fake_stripe) == []


def test_a_contact_is_sent_to_their_members_portal(client, two_members, fake_stripe):
    _member, user, customer_id = two_members["aspen"]
    client.force_login(user)

    response = client.get(PORTAL)

    assert response.status_code == 303
    (portal,) = fake_stripe.portal_sessions.values()
    assert response["Location"] == portal["url"]
    assert portal["customer"] == customer_id
    (request,) = portal_requests(fake_stripe)
    assert request.params["customer"] == customer_id
    assert request.params["return_url"] == "http://testserver/account/"


def test_another_members_portal_cannot_be_reached(client, two_members, fake_stripe):
    aspen, _aspen_user, aspen_customer = two_members["aspen"]
    _birch, birch_user, birch_customer = two_members["birch"]
    client.force_login(birch_user)

    response = client.get(PORTAL, {"member": aspen.pk})

    if response.status_code == 303:
        assert [r.params["customer"] for r in portal_requests(fake_stripe)] == [birch_customer]
    else:
        assert response.status_code == 404
        assert portal_requests(fake_stripe) == []
    assert aspen_customer not in {r.params.get("customer") for r in fake_stripe.requests}


def test_a_contact_without_card_payments_cannot_reach_another_members_portal(
    client, two_members, levels, fake_stripe
):
    aspen, _user, _customer = two_members["aspen"]
    offline = MemberFactory(name="Cedar", level=levels["community"])
    user = UserFactory(username="cedar")
    MemberContactFactory(member=offline, user=user)
    client.force_login(user)

    response = client.get(PORTAL, {"member": aspen.pk})

    assert response.status_code == 404
    assert "No card payments on file" in response.text
    assert portal_requests(fake_stripe) == []


def test_a_contact_of_two_members_chooses_with_the_member_parameter(
    client, two_members, fake_stripe
):
    _aspen, user, aspen_customer = two_members["aspen"]
    birch, _birch_user, birch_customer = two_members["birch"]
    MemberContactFactory(member=birch, user=user)
    client.force_login(user)

    assert client.get(PORTAL).status_code == 303  # the first by name
    assert client.get(PORTAL, {"member": birch.pk}).status_code == 303
    assert client.get(PORTAL).status_code == 303  # the choice sticks for the session

    assert [r.params["customer"] for r in portal_requests(fake_stripe)] == [
        aspen_customer,
        birch_customer,
        birch_customer,
    ]


def test_a_user_who_represents_no_member_gets_the_account_help_page(client, fake_stripe):
    client.force_login(UserFactory(username="visitor"))

    response = client.get(PORTAL)

    assert response.status_code == 200
    assert "represent a member business yet" in response.text
    assert fake_stripe.requests == []


def test_no_billing_page_when_stripe_is_off(client, levels):
    user = UserFactory(username="visitor")
    member = MemberFactory(level=levels["community"], stripe_customer_id="cus_elsewhere")
    MemberContactFactory(member=member, user=user)
    client.force_login(user)

    response = client.get(PORTAL)

    assert response.status_code == 404
    assert "No card payments on file" in response.text


def test_a_stripe_error_at_the_portal_gives_a_friendly_page(client, two_members, fake_stripe):
    _member, user, _customer_id = two_members["aspen"]
    client.force_login(user)
    fake_stripe.fail("POST", "/v1/billing_portal/sessions", status=500)

    response = client.get(PORTAL)

    assert response.status_code == 503
    assert "Billing is unavailable for a moment" in response.content.decode()
