"""The join page: levels, the application form, and both payment paths."""

import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from chamber.models import ChamberSettings
from directory.models import Business
from membership.applications import reject_application
from membership.models import Application, Member, MemberContact, Payment
from tests.factories import (
    ApplicationFactory,
    MemberContactFactory,
    MemberFactory,
    UserFactory,
)
from tests.mail import committed
from tests.membership.helpers import application_data

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def test_join_page_shows_active_levels_and_an_accessible_form(client, join_page, levels):
    levels["community"].benefits = "<ul><li>Directory listing</li></ul>"
    levels["community"].save()
    retired = levels["leadership"]
    retired.active = False
    retired.save()

    response = client.get("/join/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Community" in html and "195.00 USD" in html and "Directory listing" in html
    assert "Leadership" not in html
    for field in ("organisation_name", "first_name", "last_name", "email", "street", "level"):
        assert f'for="id_{field}' in html or f'id="id_{field}' in html
    assert "<legend>Your organisation</legend>" in html
    # Without Stripe the applicant is told how paying works.
    assert "invoice" in html and "Send application" in html


def test_offline_application_is_saved_and_acknowledged(client, join_page, levels, bakeries):
    response = client.post(
        "/join/", application_data(levels["community"], primary_category=str(bakeries.pk))
    )

    assert response.status_code == 303
    application = Application.objects.get()
    assert application.status == Application.Status.SUBMITTED
    assert application.email == "rosa@riverbend.example"  # normalised
    assert application.primary_category == bakeries
    assert application.submitted_from == "127.0.0.1"
    assert application.auto_renew is False  # invoiced members renew by hand
    assert Member.objects.count() == 0  # staff approve first
    thanks = client.get(response["Location"])
    assert "we have received your application" in thanks.content.decode().lower()
    main = thanks.content.decode().split("<main", 1)[1].split("</main>", 1)[0]
    assert "Thank you" in main.split("</header>", 1)[0]  # the heading says it
    assert "Thank you" not in main.split("</header>", 1)[1]  # and the notice not again
    subjects = sorted(message.subject for message in mail.outbox)
    assert subjects == ["New application: Riverbend Bakery", "We have received your application"]
    applicant_mail = next(m for m in mail.outbox if m.to == ["rosa@riverbend.example"])
    assert applicant_mail.alternatives[0][1] == "text/html"


def test_email_subjects_are_plain_text_not_html(client, join_page, levels, admin_user):
    """Issue #22: subjects read "New application: Smith &amp; Sons"."""
    chamber = ChamberSettings.for_site(join_page.get_site())
    chamber.name = "Riverside Chamber of Commerce & Industry"
    chamber.save()
    organisation = 'Smith & Sons <Bakers> "Est. 1901"'
    response = client.post(
        "/join/", application_data(levels["community"], organisation_name=organisation)
    )
    assert response.status_code == 303
    subjects = sorted(message.subject for message in mail.outbox)
    assert subjects == [f"New application: {organisation}", "We have received your application"]

    mail.outbox.clear()
    with committed():
        reject_application(Application.objects.get(), user=admin_user)
    (rejected,) = mail.outbox
    assert rejected.subject == "Your application to Riverside Chamber of Commerce & Industry"
    # The HTML part escapes as HTML must.
    assert "Smith &amp; Sons &lt;Bakers&gt;" in rejected.alternatives[0][0]


def test_errors_keep_what_was_typed(client, join_page, levels):
    response = client.post(
        "/join/", application_data(levels["community"], email="not-an-address", city="")
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert Application.objects.count() == 0
    assert 'value="Riverbend Bakery"' in html and 'value="4 Mill Lane"' in html
    assert "Enter a valid email address." in html
    # The summary lists each error with a link to its field.
    summary = html.split("data-error-summary", 1)[1].split("</div>", 1)[0]
    assert "There is a problem" in summary
    assert '<a href="#id_email">E-mail: Enter a valid email address.</a>' in summary
    assert '<a href="#id_city">City: This field is required.</a>' in summary
    assert summary.count("<li>") == 2


def test_the_error_summary_links_a_radio_group_to_its_first_option(client, join_page, levels):
    data = application_data(levels["community"])
    del data["level"]
    html = client.post("/join/", data).content.decode()
    summary = html.split("data-error-summary", 1)[1].split("</div>", 1)[0]
    assert 'href="#id_level_0"' in summary
    assert 'id="id_level_0"' in html


def test_level_cards_sell_the_levels_and_choose_one_in_the_form(client, join_page, levels):
    html = client.get("/join/").content.decode()
    cards = html.split('class="level-cards', 1)[1].split("</ul>\n", 1)[0]
    leadership = levels["leadership"]
    assert f"Choose {leadership.name}" in html
    assert f'href="?level={leadership.slug}#apply"' in html
    assert "level-card__amount" in cards
    assert "Up to 5 member-to-member deals" in html  # from the level's own allowance
    assert "level-card--chosen" not in html

    chosen = client.get(f"/join/?level={leadership.slug}").content.decode()
    assert "level-card--chosen" in chosen
    radio = re.search(rf'<input[^>]+value="{leadership.pk}"[^>]*>', chosen).group(0)
    assert "checked" in radio
    # An unknown level is ignored, not an error.
    unknown = client.get("/join/?level=<script>")
    assert unknown.status_code == 200
    assert "checked" not in unknown.content.decode().split('id="apply"', 1)[1]


def test_the_join_form_marks_optional_fields_and_names_no_dashes(client, join_page, levels):
    html = client.get("/join/").content.decode()
    assert "All fields are required unless marked (optional)." in html
    assert re.search(r'<label for="id_website">Website \(optional\)', html)
    assert re.search(r'<label for="id_phone">Phone \(optional\)', html)
    assert not re.search(r'<label for="id_email">[^<]*optional', html)
    assert "---------" not in html
    assert "Choose a category" in html


def test_honeypot_stores_and_sends_nothing(client, join_page, levels):
    response = client.post(
        "/join/", application_data(levels["community"], website_url="http://spam.example/")
    )

    assert response.status_code == 303
    assert Application.objects.count() == 0
    assert mail.outbox == []


def test_rate_limit_per_address(client, join_page, levels, settings):
    settings.JOIN_RATE_LIMIT_PER_HOUR = 2
    for number in range(2):
        data = application_data(
            levels["community"],
            organisation_name=f"Shop {number}",
            email=f"owner{number}@example.org",
        )
        assert client.post("/join/", data).status_code == 303

    response = client.post("/join/", application_data(levels["community"], email="x@example.org"))

    assert response.status_code == 429
    assert "several applications from your network" in response.content.decode()
    assert 'value="x@example.org"' in response.content.decode()
    assert Application.objects.count() == 2
    other_address = client.post(
        "/join/",
        application_data(levels["community"], email="y@example.org"),
        REMOTE_ADDR="10.0.0.9",
    )
    assert other_address.status_code == 303


def test_a_members_address_gets_the_same_answer_and_its_holder_an_email(client, join_page, levels):
    """Issue #23: the form said "This e-mail address already belongs to a member" to anyone.
    Now everyone gets the thanks page; the address's holder is told how to log in."""
    member = MemberFactory(name="Riverbend Bakery", level=levels["community"])
    MemberContactFactory(member=member, user=UserFactory(email="rosa@riverbend.example"))
    stranger = client.post("/join/", application_data(levels["community"], email="new@x.example"))
    mail.outbox.clear()

    response = client.post("/join/", application_data(levels["community"]))

    assert response.status_code == 303 and stranger.status_code == 303
    assert response["Location"] == stranger["Location"] == "/join/thanks/"
    assert (
        "We have sent a confirmation to rosa@riverbend.example" in client.get("/join/thanks/").text
    )
    assert Application.objects.filter(email__iexact="rosa@riverbend.example").count() == 0
    (message,) = mail.outbox
    assert message.to == ["rosa@riverbend.example"]
    assert "already belongs to a member" in message.body and "/accounts/login/" in message.body


def test_an_email_only_post_reveals_nothing_and_counts_toward_the_limit(
    client, join_page, levels, settings
):
    settings.JOIN_RATE_LIMIT_PER_HOUR = 3
    MemberContactFactory(user=UserFactory(email="rosa@riverbend.example"))
    for _ in range(3):
        response = client.post("/join/", {"email": "rosa@riverbend.example"})
        assert response.status_code == 200
        assert "belongs to a member" not in response.text
    limited = client.post("/join/", application_data(levels["community"], email="x@y.example"))
    assert limited.status_code == 429
    assert 'value="Riverbend Bakery"' in limited.text  # what was typed is kept
    assert Application.objects.count() == 0


def test_one_open_application_per_address(client, join_page, levels, settings):
    """Sent again (or by a double click), the application is updated, not repeated."""
    settings.JOIN_RATE_LIMIT_PER_HOUR = 0
    client.post("/join/", application_data(levels["community"]))
    client.post(
        "/join/",
        application_data(levels["community"], email="ROSA@riverbend.example", phone="555 0199"),
    )
    (application,) = Application.objects.all()
    assert application.phone == "555 0199"
    assert len(mail.outbox) == 2  # the applicant's and the staff's, once


def test_approving_refuses_a_second_member_for_the_same_contact_or_name(staff_client, levels):
    member = MemberFactory(name="Riverbend Bakery", level=levels["community"])
    MemberContactFactory(member=member, user=UserFactory(email="rosa@riverbend.example"))
    same_contact = ApplicationFactory(
        organisation_name="Other Name", email="rosa@riverbend.example"
    )
    same_name = ApplicationFactory(organisation_name="riverbend bakery", email="new@x.example")

    for application in (same_contact, same_name):
        url = f"/admin/snippets/membership/application/approve/{application.pk}/"
        response = staff_client.post(url, {"note": ""}, follow=True)
        assert "is already" in response.text
        application.refresh_from_db()
        assert application.status == Application.Status.SUBMITTED
    assert Member.objects.count() == 1


def test_no_link_shows_or_refills_an_applicants_details(client, join_page, levels):
    """Issue #23: one token served the thanks page and refilled the form with the applicant's
    details for two days. The thanks page now reads the session, once, and resuming the form
    after Stripe needs the browser session that went there."""
    response = client.post("/join/", application_data(levels["community"]))
    assert response["Location"] == "/join/thanks/"
    assert "rosa@riverbend.example" in client.get("/join/thanks/").text
    assert "rosa@riverbend.example" not in client.get("/join/thanks/").text  # once
    other_browser = Client()
    assert "Riverbend" not in other_browser.get("/join/?resume=1").text


# With Stripe ------------------------------------------------------------------------------------


def _checkout_request(fake):
    """The last Checkout Session the site asked for."""
    return [r for r in fake.requests if r.method == "POST" and r.path == "/v1/checkout/sessions"][
        -1
    ]


@pytest.mark.parametrize(("auto_renew", "mode"), [("on", "subscription"), (None, "payment")])
def test_application_goes_to_stripe_checkout(
    client, join_page, levels, fake_stripe, auto_renew, mode
):
    response = client.post("/join/", application_data(levels["community"], auto_renew=auto_renew))

    application = Application.objects.get()
    assert response.status_code == 303
    assert response["Location"].startswith("https://checkout.stripe.test/")
    assert application.status == Application.Status.AWAITING_PAYMENT
    assert application.stripe_checkout_session_id.startswith("cs_test_")
    sent = _checkout_request(fake_stripe)
    assert sent.params["mode"] == mode
    assert sent.params["client_reference_id"] == str(application.pk)
    assert sent.params["customer_email"] == "rosa@riverbend.example"
    assert sent.params["metadata"]["application_id"] == str(application.pk)
    assert sent.params["success_url"].endswith("/join/thanks/?session_id={CHECKOUT_SESSION_ID}")
    assert sent.params["cancel_url"].endswith("/join/?resume=1#apply")  # no token in it
    assert sent.idempotency_key == f"chamber-application-{application.pk}-checkout-1"
    price = sent.params["line_items"][0]["price"]
    level = levels["community"]
    level.refresh_from_db()
    assert price == (
        level.stripe_price_id if mode == "subscription" else level.stripe_one_time_price_id
    )


def test_stripe_error_keeps_the_application_and_offers_a_retry(
    client, join_page, levels, fake_stripe
):
    fake_stripe.fail("POST", "/v1/checkout/sessions", status=500)

    response = client.post("/join/", application_data(levels["community"]))

    assert response.status_code == 503
    assert "We saved your application" in response.content.decode()
    application = Application.objects.get()
    assert application.status == Application.Status.SUBMITTED
    token = response.context["token"]

    fake_stripe.clear_failures()
    retry = client.post("/join/retry/", {"token": token})

    assert retry.status_code == 303
    assert retry["Location"].startswith("https://checkout.stripe.test/")
    application.refresh_from_db()
    assert application.status == Application.Status.AWAITING_PAYMENT
    assert Application.objects.count() == 1
    assert _checkout_request(fake_stripe).idempotency_key.endswith("-checkout-2")


def test_retry_with_a_forged_token_goes_back_to_the_form(client, join_page, levels, fake_stripe):
    response = client.post("/join/retry/", {"token": "1:forged"})
    assert response.status_code == 303
    assert response["Location"] == "/join/"


def test_cancelling_at_stripe_brings_back_what_was_typed(client, join_page, levels, fake_stripe):
    client.post("/join/", application_data(levels["community"]))
    cancel_url = _checkout_request(fake_stripe).params["cancel_url"]

    response = client.get(cancel_url.replace("http://testserver", ""))

    html = response.content.decode()
    assert 'value="Riverbend Bakery"' in html and 'value="4 Mill Lane"' in html


def _paid_session(client, level, fake_stripe, **overrides):
    client.post("/join/", application_data(level, **overrides))
    application = Application.objects.latest("pk")
    fake_stripe.complete_checkout(application.stripe_checkout_session_id)
    return application


def test_thanks_page_fulfils_a_paid_subscription_once(client, join_page, levels, fake_stripe):
    application = _paid_session(client, levels["leadership"], fake_stripe)
    url = f"/join/thanks/?session_id={application.stripe_checkout_session_id}"

    response = client.get(url)

    assert response.status_code == 200
    assert "Welcome to the chamber, Riverbend Bakery!" in response.content.decode()
    member = Member.objects.get()
    assert member.status == Member.Status.ACTIVE
    assert member.level == levels["leadership"]
    assert member.auto_renew is True
    assert member.stripe_customer_id.startswith("cus_")
    assert member.stripe_subscription_id.startswith("sub_")
    assert TODAY + datetime.timedelta(days=364) <= member.paid_through
    assert member.paid_through <= TODAY + datetime.timedelta(days=367)
    assert member.in_good_standing()
    payment = Payment.objects.get()
    assert payment.amount == 995 and payment.method == Payment.Method.STRIPE
    assert payment.stripe_invoice_id.startswith("in_")
    contact = MemberContact.objects.get()
    assert contact.role == MemberContact.Role.PRIMARY
    assert contact.user.email == "rosa@riverbend.example"
    assert not contact.user.has_usable_password()
    listing = Business.objects.get()
    assert listing.member == member and listing.city == "Riverside"
    assert not listing.live  # new listings need staff approval by default
    application.refresh_from_db()
    assert application.status == Application.Status.PAID and application.member == member
    subjects = sorted(message.subject for message in mail.outbox)
    assert subjects == [
        "New member: Riverbend Bakery (Leadership)",
        "Welcome to Chamber of Commerce",
    ]
    welcome = next(m for m in mail.outbox if m.subject.startswith("Welcome"))
    assert "/accounts/reset/" in welcome.body

    mail.outbox.clear()
    again = client.get(url)

    assert again.status_code == 200
    assert Member.objects.count() == 1 and Payment.objects.count() == 1
    assert Business.objects.count() == 1
    assert mail.outbox == []


def test_one_time_payment_buys_one_year(client, join_page, levels, fake_stripe):
    application = _paid_session(client, levels["community"], fake_stripe, auto_renew=None)

    client.get(f"/join/thanks/?session_id={application.stripe_checkout_session_id}")

    member = Member.objects.get()
    assert member.auto_renew is False and member.stripe_subscription_id == ""
    payment = Payment.objects.get()
    assert payment.period_start == payment.paid_on
    assert member.paid_through == payment.period_end
    assert payment.period_end == payment.period_start.replace(year=payment.period_start.year + 1)


def test_listing_is_published_at_once_when_settings_say_so(
    client, join_page, levels, fake_stripe, site_tree
):
    from chamber.models import ChamberSettings

    chamber = ChamberSettings.for_site(site_tree.site)
    chamber.new_listings_need_approval = False
    chamber.save()
    application = _paid_session(client, levels["community"], fake_stripe)

    client.get(f"/join/thanks/?session_id={application.stripe_checkout_session_id}")

    assert Business.objects.get().live
    assert client.get(f"/directory/{Business.objects.get().slug}/").status_code == 200


def test_thanks_before_payment_says_so_and_changes_nothing(client, join_page, levels, fake_stripe):
    client.post("/join/", application_data(levels["community"]))
    session_id = Application.objects.get().stripe_checkout_session_id

    response = client.get(f"/join/thanks/?session_id={session_id}")

    assert response.status_code == 200
    assert Member.objects.count() == 0
    assert "There is no need to pay again" in response.content.decode()


@pytest.mark.parametrize("session_id", ["cs_test_nope", "../../v1/customers", "x" * 300])
def test_thanks_with_an_unknown_or_malformed_session_is_not_found(
    client, join_page, fake_stripe, session_id
):
    assert client.get("/join/thanks/", {"session_id": session_id}).status_code == 404
    assert all(r.path.startswith("/v1/checkout/sessions/cs_") for r in fake_stripe.requests)


def test_an_application_without_a_client_address_is_still_saved(client, join_page, levels):
    response = client.post("/join/", application_data(levels["community"]), REMOTE_ADDR="")

    assert response.status_code == 303
    assert Application.objects.get().submitted_from is None


def test_behind_a_proxy_each_visitor_has_their_own_join_limit(client, settings, join_page, levels):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.JOIN_RATE_LIMIT_PER_HOUR = 1

    def join(email: str, forwarded: str):
        data = application_data(levels["community"], email=email, organisation_name=email)
        return client.post("/join/", data, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)

    assert join("a@example.org", "203.0.113.7").status_code == 303
    # Another visitor through the same proxy is not limited by the first one ...
    assert join("b@example.org", "203.0.113.8").status_code == 303
    # ... and the first can't get round the limit by forging an address on the left.
    assert join("c@example.org", "198.51.100.1, 203.0.113.7").status_code == 429
    submitted = dict(Application.objects.values_list("email", "submitted_from"))
    assert submitted == {"a@example.org": "203.0.113.7", "b@example.org": "203.0.113.8"}


def test_a_form_sent_back_names_its_error_summary_as_the_fragment_it_posts_to(
    client, join_page, levels
):
    """The form posts to /join/#apply. Chromium clears focus when it scrolls to a fragment that
    cannot take focus (sometimes after the load event, so after site.js focused the summary):
    with errors, #apply is the focusable summary itself, and no other element has that id."""
    data = application_data(levels["community"])
    data["email"] = "not-an-address"
    html = client.post("/join/", data).content.decode()
    assert 'action="/join/#apply"' in html
    assert html.count('id="apply"') == 1
    assert re.search(r'role="alert" tabindex="-1" id="apply" data-error-summary', html)
    assert client.get("/join/").content.decode().count('id="apply"') == 1
