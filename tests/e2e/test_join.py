"""Applying to join in a real browser: the invoiced path and the Stripe Checkout round trip."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail

from membership.models import APPLICANT_FIELDS, Application, Member, Payment
from tests.e2e.helpers import E2E_DB
from tests.membership.helpers import STAFF_INBOX, application_data

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
Page, expect = playwright.Page, playwright.expect

pytestmark = E2E_DB

# The join form's free-text fields (the choices are picked separately).
TEXT_FIELDS = tuple(
    name for name in APPLICANT_FIELDS if name not in {"primary_category", "level", "auto_renew"}
)


@pytest.fixture(autouse=True)
def _staff_inbox(settings):
    settings.STAFF_NOTIFICATION_EMAILS = [STAFF_INBOX]


def fill_application(page: Page, level, **overrides) -> dict:
    """Type an application into the form the way a person would; returns what was typed."""
    data = application_data(level, **overrides)
    for name in TEXT_FIELDS:
        page.locator(f"#id_{name}").fill(data.get(name, ""))
    page.get_by_role("radio", name=re.compile(rf"^{level.name} ")).check()
    return data


def expect_form_holds(page: Page, data: dict, *, except_: tuple[str, ...] = ()) -> None:
    for name in TEXT_FIELDS:
        if name not in except_:
            expect(page.locator(f"#id_{name}")).to_have_value(data.get(name, ""))


def test_invoiced_application_with_a_mistake_then_fixed(page, join_page, levels):
    page.goto("/join/")
    levels_section = page.get_by_role("region", name="Membership levels")
    expect(levels_section.get_by_role("heading", level=3)).to_have_text(["Community", "Leadership"])
    expect(levels_section).to_contain_text("195.00 USD")
    expect(levels_section).to_contain_text("995.00 USD")
    expect(page.locator("#apply .notice--info")).to_contain_text(re.compile("invoice", re.I))
    expect(page.get_by_label(re.compile("renew", re.I))).to_have_count(0)  # Stripe only

    typed = fill_application(page, levels["leadership"], email="rosa@riverbend")
    page.get_by_role("button", name="Send application").click()

    page.wait_for_load_state()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_be_in_viewport()
    # Each error in the summary is a link that takes the keyboard to its field.
    summary.get_by_role("link", name=re.compile("Enter a valid email address")).click()
    expect(page.locator("#id_email")).to_be_focused()
    email = page.locator("#id_email")
    expect(email).to_have_attribute("aria-invalid", "true")
    error_ids = (email.get_attribute("aria-describedby") or "").split()
    assert error_ids, "the e-mail field does not point to its error message"
    described_by = " ".join(page.locator(f"#{i}").inner_text() for i in error_ids)
    assert "Enter a valid email address." in described_by
    expect_form_holds(page, typed)
    expect(page.get_by_role("radio", name=re.compile(r"^Leadership "))).to_be_checked()
    assert Application.objects.count() == 0

    email.fill("Rosa@Riverbend.example")
    page.get_by_role("button", name="Send application").click()

    page.wait_for_url(re.compile(r"/join/thanks/(#apply)?$"))  # no token in the URL
    expect(page.get_by_role("status")).to_contain_text("We have received your application.")
    expect(page.get_by_role("status")).to_contain_text("rosa@riverbend.example")
    application = Application.objects.get()
    assert application.status == Application.Status.SUBMITTED
    assert application.organisation_name == "Riverbend Bakery"
    assert application.level == levels["leadership"]
    assert application.email == "rosa@riverbend.example"
    assert Member.objects.count() == 0
    assert sorted((m.subject, tuple(m.to)) for m in mail.outbox) == [
        ("New application: Riverbend Bakery", (STAFF_INBOX,)),
        ("We have received your application", ("rosa@riverbend.example",)),
    ]


def test_focus_moves_to_the_error_summary(page, join_page, levels):
    page.goto("/join/")
    fill_application(page, levels["community"], email="not-an-address")
    page.get_by_role("button", name="Send application").click()
    page.wait_for_load_state()
    expect(page.locator("[data-error-summary]")).to_be_focused()


def checkout_session_id(url: str) -> str:
    session_id = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
    assert session_id.startswith("cs_test_"), url
    return session_id


def play_stripe_checkout(page: Page, fake_stripe, *, pay: bool) -> list[str]:
    """Stand in for Stripe's hosted Checkout page: the customer pays (or cancels) and Stripe
    redirects back to the session's success_url (or cancel_url). Returns the sessions seen."""
    seen = []

    def hosted_checkout(route):
        session_id = checkout_session_id(route.request.url)
        seen.append(session_id)
        session = fake_stripe.checkout_sessions[session_id]
        if pay:
            fake_stripe.complete_checkout(session_id)
            location = session["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id)
        else:
            location = session["cancel_url"]
        route.fulfill(status=303, headers={"Location": location})

    page.route("https://checkout.stripe.test/**", hosted_checkout)
    return seen


def test_paying_with_stripe_checkout_makes_an_active_member(page, join_page, levels, fake_stripe):
    sessions = play_stripe_checkout(page, fake_stripe, pay=True)
    page.goto("/join/")
    expect(page.locator("#apply")).to_contain_text("securely with Stripe")
    fill_application(page, levels["community"])
    auto_renew = page.get_by_role("checkbox", name=re.compile("renew", re.I))
    expect(auto_renew).to_be_visible()
    auto_renew.check()

    page.get_by_role("button", name="Continue to payment").click()

    page.wait_for_url(re.compile(r"/join/thanks/\?session_id=cs_test_"))
    assert len(sessions) == 1
    assert parse_qs(urlsplit(page.url).query)["session_id"] == sessions
    expect(page.get_by_role("status")).to_contain_text("Welcome to the chamber, Riverbend Bakery!")
    expect(page.get_by_role("status")).to_contain_text("your membership is active until")
    member = Member.objects.get()
    assert member.status == Member.Status.ACTIVE
    assert member.level == levels["community"]
    assert member.in_good_standing()
    assert member.auto_renew is True and member.stripe_subscription_id.startswith("sub_")
    payment = Payment.objects.get(member=member)
    assert payment.method == Payment.Method.STRIPE and payment.amount == 195
    application = Application.objects.get()
    assert application.status == Application.Status.PAID
    assert application.stripe_checkout_session_id == sessions[0]
    assert sorted(m.subject for m in mail.outbox) == [
        "New member: Riverbend Bakery (Community)",
        "Welcome to Chamber of Commerce",
    ]

    page.reload()  # the thanks page again (or the webhook) changes nothing
    expect(page.get_by_role("status")).to_contain_text("Welcome to the chamber")
    assert Member.objects.count() == 1 and Payment.objects.count() == 1


def test_cancelling_at_stripe_brings_back_the_form_as_typed(page, join_page, levels, fake_stripe):
    sessions = play_stripe_checkout(page, fake_stripe, pay=False)
    page.goto("/join/")
    # (The e-mail comes back as saved: lower-cased.)
    typed = fill_application(
        page, levels["leadership"], email="rosa@riverbend.example", message="Back soon."
    )
    page.get_by_role("checkbox", name=re.compile("renew", re.I)).uncheck()

    page.get_by_role("button", name="Continue to payment").click()

    page.wait_for_url(re.compile(r"/join/\?resume=.+#apply$"))
    assert len(sessions) == 1
    expect_form_holds(page, typed)
    expect(page.get_by_role("radio", name=re.compile(r"^Leadership "))).to_be_checked()
    expect(page.get_by_role("checkbox", name=re.compile("renew", re.I))).not_to_be_checked()
    expect(page.get_by_role("button", name="Continue to payment")).to_be_visible()
    assert Member.objects.count() == 0 and Payment.objects.count() == 0
    application = Application.objects.get()
    assert application.status == Application.Status.AWAITING_PAYMENT
    assert mail.outbox == []
