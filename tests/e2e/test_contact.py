""" "Contact this business" in a real browser on a phone (390 px), with and without JavaScript:
a mistake comes back with the summary focused and what was typed, then the message goes and the
thanks has the focus."""

import pytest
from django.core import mail

from directory.models import ContactMessage
from tests.e2e.helpers import E2E_DB
from tests.factories import BusinessFactory

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = playwright.expect

pytestmark = E2E_DB

PHONE = {"width": 390, "height": 844}
SECRET = "orders@hidden-bakery.example"


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_sending_a_message_from_a_phone(new_page, directory, javascript):
    business = BusinessFactory(name="Hidden Bakery", email=SECRET, email_visibility="members")
    page = new_page(viewport=PHONE, java_script_enabled=javascript)
    page.goto(f"/directory/{business.slug}/")
    assert SECRET not in page.content()
    form = page.get_by_role("region", name="Send Hidden Bakery a message")
    expect(form).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    form.get_by_label("Your name").fill("Rosa Diaz")
    form.get_by_label("Your e-mail address").fill("rosa@")  # a mistake
    form.get_by_label("Message").fill("Do you bake rye?\nOn Sundays too?")
    form.get_by_role("button", name="Send message").click()

    summary = page.locator("#form-errors")
    expect(summary).to_be_visible()
    expect(
        summary.get_by_role("link", name="Your e-mail address: Enter a valid email address.")
    ).to_be_visible()
    expect(summary).to_be_focused()
    expect(form.get_by_label("Your name")).to_have_value("Rosa Diaz")
    expect(form.get_by_label("Message")).to_have_value("Do you bake rye?\nOn Sundays too?")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert mail.outbox == []

    form.get_by_label("Your e-mail address").fill("rosa@example.net")
    form.get_by_role("button", name="Send message").click()

    thanks = page.locator("#messages")
    expect(thanks).to_contain_text("Thank you: your message was sent to Hidden Bakery.")
    expect(thanks).to_be_focused()
    assert page.url.endswith(f"/directory/{business.slug}/#messages")
    assert SECRET not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    [message] = mail.outbox
    assert message.to == [SECRET]
    assert message.reply_to == ["Rosa Diaz <rosa@example.net>"]
    assert "> Do you bake rye?\n> On Sundays too?" in message.body
    assert ContactMessage.objects.get().sender_email == "rosa@example.net"
