"""/account/: standing in words, paying and renewing, auto-renewal, billing portal, choosing a
member, level-change requests and who may do which."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone
from wagtail.models import ModelLogEntry

from membership.account.actions import LEVEL_CHANGE_REQUESTED
from membership.account.status import standing
from membership.models import Member, MemberContact, Payment
from tests.factories import MemberContactFactory, MemberFactory, UserFactory
from tests.membership.helpers import STAFF_INBOX, WEBHOOK_SECRET
from tests.stripe_double import post_event

TODAY = timezone.localdate()
DASHBOARD = "/account/"


def day(value: datetime.date) -> str:
    return f"{value:%-d %B %Y}"


def main_html(response) -> str:
    return response.text.split("<main", 1)[1].split("</main>", 1)[0]


def contact(member, role, username):
    user = UserFactory(username=username, email=f"{username}@example.org")
    MemberContactFactory(member=member, user=user, role=role)
    return user


# Standing in words --------------------------------------------------------------------------------


def member_in(state: str, levels) -> Member:
    paid_through = TODAY + datetime.timedelta(days=200)
    fields = {"level": levels["community"], "paid_through": paid_through}
    fields.update(
        {
            "active": {"status": Member.Status.ACTIVE},
            "due_soon": {
                "status": Member.Status.ACTIVE,
                "paid_through": TODAY + datetime.timedelta(days=20),
            },
            "auto": {
                "status": Member.Status.ACTIVE,
                "auto_renew": True,
                "stripe_subscription_id": "sub_1",
            },
            "cancelling": {
                "status": Member.Status.ACTIVE,
                "auto_renew": False,
                "cancel_at_period_end": True,
                "stripe_subscription_id": "sub_1",
            },
            "card_failed": {
                "status": Member.Status.PAST_DUE,
                "auto_renew": True,
                "stripe_subscription_id": "sub_1",
                "paid_through": TODAY - datetime.timedelta(days=3),
            },
            "overdue": {
                "status": Member.Status.PAST_DUE,
                "paid_through": TODAY - datetime.timedelta(days=3),
            },
            "lapsed": {
                "status": Member.Status.LAPSED,
                "paid_through": datetime.date(2025, 3, 31),
            },
            "pending": {"status": Member.Status.PENDING, "paid_through": None},
            # Still "active" in the database: no job has run since the dues ran out.
            "active_in_grace": {
                "status": Member.Status.ACTIVE,
                "paid_through": TODAY - datetime.timedelta(days=3),
            },
            "active_but_lapsed": {
                "status": Member.Status.ACTIVE,
                "paid_through": datetime.date(2025, 3, 31),
            },
            "subscription_ended_in_grace": {
                "status": Member.Status.LAPSED,
                "paid_through": TODAY - datetime.timedelta(days=3),
            },
            "honorary": {"status": Member.Status.ACTIVE, "paid_through": None, "no_end_date": True},
            "cancelled": {"status": Member.Status.CANCELLED},
        }[state]
    )
    return MemberFactory(**fields)


@pytest.mark.parametrize(
    ("state", "headline", "tone", "action"),
    [
        ("active", "Active until {paid_through}", "good", ""),
        ("due_soon", "Active until {paid_through}", "warning", "renew"),
        ("auto", "Active until {paid_through}", "good", ""),
        ("cancelling", "Active until {paid_through}", "good", ""),
        ("card_failed", "Payment failed — update your card", "bad", "update_card"),
        ("overdue", "Dues are overdue", "bad", "renew"),
        ("lapsed", "Lapsed on 1 May 2025", "bad", "renew"),  # 31 March + 30 days' grace
        ("pending", "Awaiting confirmation", "warning", "contact"),
        ("cancelled", "Cancelled", "bad", "contact"),
        ("active_in_grace", "Dues are overdue", "bad", "renew"),
        ("active_but_lapsed", "Lapsed on 1 May 2025", "bad", "renew"),
        ("subscription_ended_in_grace", "Membership ended", "bad", "renew"),
        ("honorary", "Active", "good", ""),
    ],
)
def test_standing_in_words(levels, site_tree, state, headline, tone, action):
    member = member_in(state, levels)

    words = standing(member, today=TODAY)

    expected = headline.format(paid_through=day(member.paid_through or TODAY))
    assert (words.headline, words.tone, words.action) == (expected, tone, action)


def test_auto_renewal_and_grace_are_explained(levels, site_tree):
    auto = standing(member_in("auto", levels), today=TODAY)
    cancelling = standing(member_in("cancelling", levels), today=TODAY)
    failed_member = member_in("card_failed", levels)
    failed = standing(failed_member, today=TODAY)

    assert auto.detail.startswith("Renews automatically by card on ")
    assert "Automatic renewal is off" in cancelling.detail
    grace_end = failed_member.paid_through + datetime.timedelta(days=30)
    assert f"You keep member benefits until {day(grace_end)}." in failed.detail


def test_the_dashboard_shows_the_standing_level_and_role(client, member_a):
    client.force_login(member_a.user)

    response = client.get(DASHBOARD)

    assert response.status_code == 200
    html = main_html(response)
    assert f"Active until {day(member_a.paid_through)}" in html
    assert "Leadership — 995.00 USD a year" in html
    assert "Primary contact" in html
    assert response["Cache-Control"].startswith("max-age=0")
    assert "no-store" in response["Cache-Control"] or "private" in response["Cache-Control"]


def test_anonymous_visitors_are_sent_to_log_in(client, site_tree):
    response = client.get(DASHBOARD)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/account/"


def test_a_user_without_a_member_gets_help_not_an_error(client, site_tree):
    client.force_login(UserFactory(username="walk-in"))

    response = client.get(DASHBOARD)

    assert response.status_code == 200
    assert "represent a member business yet" in response.text
    assert "Join the chamber" in response.text


# Without Stripe -----------------------------------------------------------------------------------


def test_without_stripe_the_dashboard_says_how_to_pay_offline(client, member_a, site_tree):
    from chamber.models import ChamberSettings

    chamber = ChamberSettings.for_site(site_tree.site)
    chamber.dues_payment_instructions = "Cheques to Riverside Chamber, 1 Main St.\nIBAN <none>"
    chamber.save()
    client.force_login(member_a.user)

    html = main_html(client.get(DASHBOARD))

    assert "Cheques to Riverside Chamber, 1 Main St.<br>IBAN &lt;none&gt;" in html
    assert 'action="/account/pay/"' not in html
    response = client.post("/account/pay/", {"choice": "once"})
    assert response.status_code == 303 and Payment.objects.count() == 0


# Paying with Stripe -------------------------------------------------------------------------------


def session_requests(fake) -> list:
    return [r for r in fake.requests if r.method == "POST" and r.path == "/v1/checkout/sessions"]


def pay_at_checkout(client, fake, choice: str) -> str:
    response = client.post("/account/pay/", {"choice": choice})
    assert response.status_code == 303, response.content
    (session_id,) = [s for s, data in fake.checkout_sessions.items() if data["url"] == response.url]
    fake.complete_checkout(session_id)
    return session_id


def test_paying_one_year_from_the_dashboard(client, member_a, fake_stripe):
    Member.objects.filter(pk=member_a.pk).update(paid_through=TODAY + datetime.timedelta(days=20))
    client.force_login(member_a.user)
    assert 'action="/account/pay/"' in main_html(client.get(DASHBOARD))

    session_id = pay_at_checkout(client, fake_stripe, "once")
    back = client.get(f"/account/paid/?session_id={session_id}", follow=True)

    (create,) = session_requests(fake_stripe)
    assert create.params["mode"] == "payment"
    assert create.params["metadata"]["member_id"] == str(member_a.pk)
    assert create.params["success_url"] == (
        "http://testserver/account/paid/?session_id={CHECKOUT_SESSION_ID}"
    )
    assert create.params["cancel_url"] == "http://testserver/account/"
    assert "your payment has been received" in back.text
    payment = Payment.objects.get()
    assert (payment.member_id, payment.amount) == (member_a.pk, 995)
    member_a.refresh_from_db()
    assert member_a.paid_through == TODAY + datetime.timedelta(days=20 + 365)
    # Back again (reload) or the webhook: still one payment.
    client.get(f"/account/paid/?session_id={session_id}")
    assert Payment.objects.count() == 1


def test_choosing_auto_renewal_starts_a_subscription_after_the_paid_year(
    client, member_a, fake_stripe
):
    client.force_login(member_a.user)

    session_id = pay_at_checkout(client, fake_stripe, "auto")
    client.get(f"/account/paid/?session_id={session_id}")

    (create,) = session_requests(fake_stripe)
    assert create.params["mode"] == "subscription"
    trial_end = int(create.params["subscription_data"]["trial_end"])
    assert timezone.localdate(datetime.datetime.fromtimestamp(trial_end, tz=datetime.UTC)) == (
        member_a.paid_through
    )
    member_a.refresh_from_db()
    assert member_a.auto_renew and member_a.stripe_subscription_id
    assert Payment.objects.count() == 0  # nothing charged until the paid year ends
    assert "Renews automatically by card" in main_html(client.get(DASHBOARD))


def test_someone_elses_checkout_session_records_nothing_for_me(
    client, member_a, member_b, fake_stripe
):
    client.force_login(member_b.user)
    session_id = pay_at_checkout(client, fake_stripe, "once")
    client.force_login(member_a.user)

    response = client.get(f"/account/paid/?session_id={session_id}", follow=True)

    assert "being confirmed" in response.text
    assert Payment.objects.get().member_id == member_b.pk  # Birch's payment, recorded for Birch


def test_a_stripe_outage_at_checkout_loses_nothing(client, member_a, fake_stripe):
    client.force_login(member_a.user)
    fake_stripe.fail("POST", "/v1/checkout/sessions", status=500)

    response = client.post("/account/pay/", {"choice": "once"}, follow=True)

    assert "couldn&#x27;t reach our card processor" in response.text
    assert Payment.objects.count() == 0


def test_a_bad_choice_pays_nothing(client, member_a, fake_stripe):
    client.force_login(member_a.user)

    response = client.post("/account/pay/", {"choice": "free"}, follow=True)

    assert "Choose how you would like to pay" in response.text
    assert session_requests(fake_stripe) == []


def test_a_member_on_auto_renewal_is_not_asked_to_pay(client, member_a, fake_stripe):
    Member.objects.filter(pk=member_a.pk).update(auto_renew=True, stripe_subscription_id="sub_1")
    client.force_login(member_a.user)

    html = main_html(client.get(DASHBOARD))
    response = client.post("/account/pay/", {"choice": "once"})

    assert 'action="/account/pay/"' not in html
    assert "Switch automatic renewal off" in html
    assert response.status_code == 303 and session_requests(fake_stripe) == []


# Auto-renewal -------------------------------------------------------------------------------------


@pytest.fixture
def subscriber(client, member_a, fake_stripe):
    """Aspen, renewing by a real (double) Stripe subscription started from the dashboard."""
    client.force_login(member_a.user)
    session_id = pay_at_checkout(client, fake_stripe, "auto")
    client.get(f"/account/paid/?session_id={session_id}")
    member_a.refresh_from_db()
    return member_a


def test_switching_auto_renewal_off_and_back_on(client, subscriber, fake_stripe):
    subscription_id = subscriber.stripe_subscription_id

    client.post("/account/auto-renew/", {"auto_renew": "off"})
    subscriber.refresh_from_db()
    assert fake_stripe.subscriptions[subscription_id]["cancel_at_period_end"] is True
    assert subscriber.cancel_at_period_end and not subscriber.auto_renew
    assert "Switch automatic renewal back on" in main_html(client.get(DASHBOARD))

    # Stripe confirms by webhook; the state stays the same.
    for event in fake_stripe.events_of("customer.subscription.updated"):
        assert post_event(client, event, WEBHOOK_SECRET).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.cancel_at_period_end

    client.post("/account/auto-renew/", {"auto_renew": "on"})
    subscriber.refresh_from_db()
    assert fake_stripe.subscriptions[subscription_id]["cancel_at_period_end"] is False
    assert subscriber.auto_renew and not subscriber.cancel_at_period_end


def test_switching_auto_renewal_on_without_a_subscription_goes_to_checkout(
    client, member_a, fake_stripe
):
    client.force_login(member_a.user)

    response = client.post("/account/auto-renew/", {"auto_renew": "on"})

    assert response.status_code == 303
    (create,) = session_requests(fake_stripe)
    assert create.params["mode"] == "subscription"
    member_a.refresh_from_db()
    assert not member_a.auto_renew  # until Stripe says the subscription exists


def test_the_billing_portal_returns_to_the_account(client, subscriber, fake_stripe):
    response = client.get("/account/billing/")

    assert response.status_code == 303
    (portal,) = fake_stripe.portal_sessions.values()
    assert portal["customer"] == subscriber.stripe_customer_id
    assert portal["return_url"] == "http://testserver/account/"


# Roles --------------------------------------------------------------------------------------------


def test_a_billing_contact_pays_but_cannot_manage(client, member_a, fake_stripe):
    client.force_login(contact(member_a, MemberContact.Role.BILLING, "bill"))

    html = main_html(client.get(DASHBOARD))

    assert 'action="/account/pay/"' in html or "Dues and billing" in html
    assert "Ask for a different level" not in html
    assert client.post("/account/pay/", {"choice": "once"}).status_code == 303
    assert client.get("/account/level/").status_code == 403


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/account/pay/"),
        ("get", "/account/paid/"),
        ("post", "/account/auto-renew/"),
        ("get", "/account/billing/"),
        ("get", "/account/level/"),
    ],
)
def test_a_staff_role_contact_cannot_touch_dues(client, member_a, fake_stripe, method, path):
    client.force_login(contact(member_a, MemberContact.Role.STAFF, "stella"))

    response = getattr(client, method)(path, {"choice": "once", "auto_renew": "off"})

    assert response.status_code == 403
    assert "primary" in response.text
    assert session_requests(fake_stripe) == []
    member_a.refresh_from_db()
    assert member_a.auto_renew is False


def test_a_staff_role_contact_sees_no_dues_on_the_dashboard(client, member_a):
    client.force_login(contact(member_a, MemberContact.Role.STAFF, "stella"))

    html = main_html(client.get(DASHBOARD))

    assert "Dues and billing" not in html
    assert "/account/receipts/" not in html


# Several members ----------------------------------------------------------------------------------


def test_a_contact_of_two_members_switches_between_them(client, member_a, member_b):
    MemberContactFactory(member=member_b, user=member_a.user, role=MemberContact.Role.BILLING)
    client.force_login(member_a.user)

    first = main_html(client.get(DASHBOARD))
    client.post("/account/switch/", {"member": member_b.pk})
    second = main_html(client.get(DASHBOARD))

    assert 'name="member"' in first and "Aspen Bakery" in first
    assert '<p class="account__member">Birch Books</p>' in second
    assert "Billing contact" in second


def test_switching_to_a_member_you_do_not_represent_changes_nothing(client, member_a, member_b):
    client.force_login(member_a.user)

    response = client.post("/account/switch/", {"member": member_b.pk}, follow=True)

    assert "You don&#x27;t represent that member." in response.text
    assert '<p class="account__member">Aspen Bakery</p>' in response.text
    assert client.get(DASHBOARD, {"member": member_b.pk}).context["member"] == member_a


# Level change -------------------------------------------------------------------------------------


def test_a_primary_contact_asks_for_another_level(client, member_a):
    client.force_login(member_a.user)
    form = client.get("/account/level/")
    assert "Community — 195.00 USD a year" in form.text
    community = form.context["form"].fields["level"].queryset.get()

    response = client.post(
        "/account/level/", {"level": community.pk, "message": "Quieter year <b>ahead</b>"}
    )

    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == [STAFF_INBOX]
    assert "Aspen Bakery → Community" in message.subject
    assert "Quieter year <b>ahead</b>" in message.body
    html = message.alternatives[0][0]
    assert "Quieter year &lt;b&gt;ahead&lt;/b&gt;" in html
    entry = ModelLogEntry.objects.get(action=LEVEL_CHANGE_REQUESTED)
    assert entry.data == {"from": "Leadership", "to": "Community"}
    member_a.refresh_from_db()
    assert member_a.level.name == "Leadership"  # staff make the change


def test_a_level_request_without_a_level_keeps_the_message(client, member_a):
    client.force_login(member_a.user)

    response = client.post("/account/level/", {"message": "Please call me"})

    assert response.status_code == 400
    assert "Please call me" in response.text
    assert 'role="alert"' in response.text
    assert mail.outbox == []


def test_level_change_requests_are_limited_and_email_the_staff_once(client, member_a):
    client.force_login(member_a.user)
    community = client.get("/account/level/").context["form"].fields["level"].queryset.get()
    statuses = [
        client.post("/account/level/", {"level": community.pk, "message": f"Try {n}"}).status_code
        for n in range(4)
    ]
    assert statuses == [302, 302, 302, 429]
    assert len(mail.outbox) == 1
