""" "Contact this business": a visitor writes to a listing through the site, which e-mails the
listing's address without ever showing it; bots, floods and switched-off or hidden listings
send nothing. Test client, real database, the site's own mail queue (delivered to
`mail.outbox` after each request's commit)."""

import datetime
import html
import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from wagtail.models import ModelLogEntry

from directory.actions import LISTING_CONTACT_FORM_SWITCHED
from directory.models import Business, ContactMessage
from directory.models.contact import KEPT_FOR
from tests.admin_actions import staff_publish
from tests.directory.account.test_listings import edit_url, form_data, submit
from tests.factories import BusinessFactory, MemberFactory

pytestmark = pytest.mark.django_db

SECRET = "orders@hidden-bakery.example"
VISITOR = {"name": "Rosa Diaz", "email": "rosa@example.net", "message": "Do you bake rye?"}
SENT = "Thank you: your message was sent to"
PAYLOAD = "<script>alert(1)</script>"


def page_url(business) -> str:
    return f"/directory/{business.slug}/"


def contact_url(business) -> str:
    return f"/directory/{business.slug}/contact/"


def send(client, business, *, address="203.0.113.7", **typed):
    data = {**VISITOR, "website_url": "", **typed}
    return client.post(contact_url(business), data, REMOTE_ADDR=address)


def typed_values_kept(response, typed: dict) -> None:
    text = html.unescape(response.text)
    assert f'value="{typed["name"]}"' in text
    assert f'value="{typed["email"]}"' in text
    assert f">\n{typed['message']}</textarea>" in text


@pytest.fixture
def bakery(directory):
    """A public listing whose address only logged-in members may see."""
    return BusinessFactory(name="Hidden Bakery", email=SECRET, email_visibility="members")


# -- sending -------------------------------------------------------------------------------


def test_visitor_writes_to_the_listing_without_seeing_its_address(client, bakery):
    listing = client.get(page_url(bakery))
    assert listing.status_code == 200
    assert 'id="contact-form"' in listing.text
    assert f'action="{contact_url(bakery)}#form-errors"' in listing.text
    assert SECRET not in listing.text

    response = send(client, bakery)
    assert response.status_code == 303
    assert response["Location"] == f"{page_url(bakery)}#messages"

    [message] = mail.outbox
    assert message.to == [SECRET]
    assert message.reply_to == ["Rosa Diaz <rosa@example.net>"]
    assert "Hidden Bakery" in message.subject
    assert "> Do you bake rye?" in message.body
    assert "Do you bake rye?" in message.alternatives[0][0]

    after = client.get(response["Location"])
    assert SECRET not in after.text
    assert '<ul class="messages" role="status" id="messages" tabindex="-1">' in after.text
    assert f"{SENT} Hidden Bakery. They will answer you at rosa@example.net." in after.text


def test_the_address_never_shows_on_error_or_limit_pages(client, bakery, settings):
    settings.CONTACT_RATE_LIMIT_PER_HOUR = 1
    assert SECRET not in send(client, bakery, email="not-an-address").text
    assert send(client, bakery).status_code == 303
    limited = send(client, bakery)
    assert limited.status_code == 429
    assert SECRET not in limited.text


def test_everything_typed_is_escaped_in_both_parts_of_the_email(client, bakery):
    response = send(client, bakery, name=f"Eve {PAYLOAD}", message=f"Hi {PAYLOAD}\n& bye")
    assert response.status_code == 303
    [message] = mail.outbox
    html_part = message.alternatives[0][0]
    assert "<script>" not in html_part
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html_part
    assert "Hi &lt;script&gt;alert(1)&lt;/script&gt;<br>&amp; bye" in html_part
    # Plain text stays as typed (no HTML entities), every line of theirs marked as theirs.
    assert f"> Hi {PAYLOAD}\n> & bye" in message.body
    assert "&lt;" not in message.body
    thanks = client.get(response["Location"])
    assert "<script>alert" not in thanks.text


def test_a_name_cannot_break_into_the_headers(client, bakery):
    response = send(client, bakery, name="Rosa\r\nBcc: everyone@example.org")
    assert response.status_code == 303
    [message] = mail.outbox
    assert message.bcc == []
    assert message.reply_to == ['"Rosa Bcc: everyone@example.org" <rosa@example.net>']


def test_a_logged_in_visitor_finds_their_name_and_address_filled_in(client, bakery, member_a):
    member_a.user.first_name, member_a.user.last_name = "Ada", "Aspen"
    member_a.user.save()
    client.force_login(member_a.user)
    response = client.get(page_url(bakery))
    assert 'value="Ada Aspen"' in response.text
    assert 'value="ada@aspen.example"' in response.text


def test_get_of_the_form_address_goes_to_the_listing(client, bakery):
    response = client.get(contact_url(bakery))
    assert response.status_code == 302
    assert response["Location"] == f"{page_url(bakery)}#contact-form"


# -- mistakes ------------------------------------------------------------------------------


def test_mistakes_come_back_with_errors_linked_and_what_was_typed(client, bakery):
    typed = {"name": "Rosa <Diaz>", "email": "rosa@", "message": "Line one\nLine & two"}
    response = send(client, bakery, **typed)
    assert response.status_code == 400
    assert mail.outbox == []
    assert not ContactMessage.objects.exists()
    summary = re.search(r'<div class="form-errors[^"]*" role="alert".*?</div>', response.text, re.S)
    assert summary, "no error summary"
    assert '<a href="#id_email">Your e-mail address: Enter a valid email address.</a>' in (
        summary.group(0)
    )
    assert 'aria-invalid="true" aria-describedby="id_email_helptext id_email_error"' in (
        response.text
    )
    assert 'value="Rosa &lt;Diaz&gt;"' in response.text
    typed_values_kept(response, typed)


def test_overlong_input_is_refused_not_a_server_error(client, bakery):
    long_address = "r" * 64 + "@" + ".".join(["a" * 60] * 4) + ".net"  # valid, 310 characters
    response = send(client, bakery, name="R" * 101, email=long_address, message="m" * 5001)
    assert response.status_code == 400
    errors = response.context["contact_form"].errors
    assert set(errors) == {"name", "email", "message"}
    assert mail.outbox == []


def test_a_message_of_only_blank_lines_is_refused(client, bakery):
    response = send(client, bakery, message="  \n\t\n ")
    assert response.status_code == 400
    assert mail.outbox == []


def test_the_form_is_csrf_protected(bakery):
    browser = Client(enforce_csrf_checks=True)
    assert browser.post(contact_url(bakery), {**VISITOR}).status_code == 403
    page = browser.get(page_url(bakery))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = browser.post(contact_url(bakery), {**VISITOR, "csrfmiddlewaretoken": token})
    assert response.status_code == 303
    assert len(mail.outbox) == 1


# -- bots and floods -----------------------------------------------------------------------


def test_a_bot_filling_the_honeypot_gets_the_same_answer_and_sends_nothing(client, bakery):
    response = send(client, bakery, website_url="https://spam.example/")
    assert response.status_code == 303
    assert response["Location"] == f"{page_url(bakery)}#messages"
    assert SENT in client.get(response["Location"]).text
    assert mail.outbox == []
    assert not ContactMessage.objects.exists()


def test_the_honeypot_is_hidden_from_people(client, bakery):
    response = client.get(page_url(bakery))
    hidden = re.search(
        r'<div class="visually-hidden" aria-hidden="true">(.*?)</div>',
        response.text,
        re.S,
    )
    assert 'name="website_url"' in hidden.group(1)
    assert 'tabindex="-1"' in hidden.group(1)


def test_one_address_may_send_a_few_messages_an_hour(client, bakery, directory, settings):
    settings.CONTACT_RATE_LIMIT_PER_HOUR = 2
    other = BusinessFactory(name="Other Shop")
    assert send(client, bakery).status_code == 303
    assert send(client, other).status_code == 303
    typed = {"name": "Rosa", "email": "rosa@example.net", "message": "Third & last <3"}
    limited = send(client, bakery, **typed)
    assert limited.status_code == 429
    assert "You have sent several messages in the last hour." in limited.text
    typed_values_kept(limited, typed)
    assert len(mail.outbox) == 2
    assert ContactMessage.objects.count() == 2
    # Another address is not held back; mistakes never counted.
    assert send(client, bakery, address="198.51.100.9").status_code == 303
    assert send(client, bakery, address="198.51.100.20", email="x").status_code == 400
    assert send(client, bakery, address="198.51.100.20").status_code == 303


def test_the_limit_per_address_holds_for_bots_too(client, bakery, settings):
    settings.CONTACT_RATE_LIMIT_PER_HOUR = 1
    assert send(client, bakery, website_url="spam").status_code == 303
    assert send(client, bakery).status_code == 429
    assert mail.outbox == []


def test_a_listing_receives_a_limited_number_of_messages_a_day(client, bakery, settings):
    settings.CONTACT_LISTING_LIMIT_PER_DAY = 2
    assert send(client, bakery, address="192.0.2.1").status_code == 303
    assert send(client, bakery, address="192.0.2.2").status_code == 303
    typed = {"name": "Third", "email": "third@example.net", "message": "Are you open?"}
    limited = send(client, bakery, address="192.0.2.3", **typed)
    assert limited.status_code == 429
    assert "Hidden Bakery has received a lot of messages today." in limited.text
    typed_values_kept(limited, typed)
    assert [m.to for m in mail.outbox] == [[SECRET], [SECRET]]
    other = BusinessFactory(name="Other Shop")
    assert send(client, other, address="192.0.2.3").status_code == 303


# -- which listings take messages ----------------------------------------------------------


def test_a_member_who_switched_the_form_off_gets_no_form_and_no_messages(client, directory):
    quiet = BusinessFactory(name="Quiet Shop", accepts_messages=False)
    response = client.get(page_url(quiet))
    assert response.status_code == 200
    assert 'id="contact-form"' not in response.text
    # Without a form, the page carries no CSRF token and stays cacheable.
    assert response["Cache-Control"] == "public, max-age=0"
    assert send(client, quiet).status_code == 404
    assert mail.outbox == []


def test_a_listing_without_an_email_address_has_no_form(client, directory):
    no_email = BusinessFactory(name="Phone Only", email="")
    assert 'id="contact-form"' not in client.get(page_url(no_email)).text
    assert send(client, no_email).status_code == 404


def test_a_page_with_the_form_is_private_to_its_visitor(client, bakery):
    response = client.get(page_url(bakery))
    assert "private" in response["Cache-Control"]


@pytest.mark.parametrize("kind", ["lapsed", "draft"])
def test_listings_not_public_take_no_messages(client, listings, kind):
    hidden = listings[kind]
    assert client.get(page_url(hidden)).status_code == 404
    assert send(client, hidden).status_code == 404
    assert client.get(contact_url(hidden)).status_code == 404
    assert mail.outbox == []


def test_an_unknown_listing_is_a_404(client, directory):
    assert client.post("/directory/no-such-shop/contact/", VISITOR).status_code == 404


def test_the_admin_preview_shows_no_form(bakery):
    context = bakery.get_preview_context(None, "")
    assert "contact_form" not in context


# -- the log -------------------------------------------------------------------------------


def test_each_message_is_logged_without_its_text(client, bakery):
    send(client, bakery, address="203.0.113.7")
    send(client, bakery, address="203.0.113.7", name="Rosa again", message="DO you  bake RYE?")
    send(client, bakery, address="198.51.100.1", message="Something else")
    first, second, third = ContactMessage.objects.order_by("pk")
    assert (first.business, first.sender_name, first.sender_email) == (
        bakery,
        "Rosa Diaz",
        "rosa@example.net",
    )
    assert first.sent_at is not None
    assert first.message_length == len("Do you bake rye?")
    # The same address and the same text (case and spacing aside) hash alike; nothing readable.
    assert first.ip_hash == second.ip_hash != third.ip_hash
    assert "203.0.113.7" not in first.ip_hash
    assert first.message_digest == second.message_digest != third.message_digest
    stored = " ".join(str(value) for value in vars(first).values())
    assert "rye" not in stored.lower()


def test_old_log_entries_go_when_a_new_message_comes(client, bakery):
    old = ContactMessage.objects.create(
        business=bakery,
        sender_name="Old",
        sender_email="old@example.net",
        message_digest="x",
        message_length=1,
    )
    ContactMessage.objects.filter(pk=old.pk).update(
        sent_at=timezone.now() - KEPT_FOR - datetime.timedelta(days=1)
    )
    send(client, bakery)
    assert list(ContactMessage.objects.values_list("sender_name", flat=True)) == ["Rosa Diaz"]


def test_staff_read_the_log_in_the_admin_but_cannot_change_it(staff_client, bakery):
    send(Client(), bakery)
    response = staff_client.get("/admin/snippets/directory/contactmessage/")
    assert response.status_code == 200
    assert "Rosa Diaz" in response.text
    assert "Hidden Bakery" in response.text
    assert staff_client.get("/admin/snippets/directory/contactmessage/add/").status_code in (
        302,
        403,
    )


# -- the member's side ---------------------------------------------------------------------


def test_the_account_overview_counts_messages_of_the_last_30_days(ada, member_a, client):
    listing = member_a.business
    listing.email = SECRET
    listing.save()
    visitor = Client()
    for number in range(3):
        send(visitor, listing, address=f"192.0.2.{number}")
    ContactMessage.objects.filter(pk=ContactMessage.objects.order_by("pk").first().pk).update(
        sent_at=timezone.now() - datetime.timedelta(days=31)
    )
    other = MemberFactory()
    send(visitor, BusinessFactory(member=other, name="Not Ada's"), address="192.0.2.9")

    response = ada.get("/account/")
    assert response.status_code == 200
    assert "2 messages through the contact form in the last 30 days" in response.text


def test_the_overview_says_when_the_form_is_off(ada, member_a):
    Business.objects.filter(pk=member_a.business.pk).update(accepts_messages=False)
    assert "Contact form off" in ada.get("/account/").text


def test_a_member_switches_the_form_off_at_once_without_review(ada, member_a, client):
    listing = member_a.business
    public = Client()
    assert 'id="contact-form"' in public.get(page_url(listing)).text
    data = form_data(ada, listing)
    assert data["accepts_messages"] == ["on"]
    del data["accepts_messages"]
    response = ada.post(edit_url(listing), data)
    assert response.status_code == 303
    notices = [str(m) for m in ada.get(response.url).context["messages"]]
    assert notices == ["The contact form on Aspen Bakery is now off."]

    row = Business.objects.get(pk=listing.pk)
    assert row.accepts_messages is False
    assert not row.has_unpublished_changes  # nothing waits for the office
    assert ModelLogEntry.objects.filter(action=LISTING_CONTACT_FORM_SWITCHED).count() == 1
    assert 'id="contact-form"' not in public.get(page_url(listing)).text
    assert send(public, listing).status_code == 404
    # The edit form shows it off, and staff editing the listing start from "off" too.
    assert "accepts_messages" not in form_data(ada, listing)


@pytest.mark.parametrize("draft", ["draft before", "draft after", "no draft"])
def test_staff_publishing_keeps_the_members_switch(ada, member_a, staff_user, draft):
    """Whatever staff publish next (a draft the member sent before or after switching, or the
    listing as it is) starts from the switch as the member left it."""
    listing = member_a.business
    if draft == "draft before":
        submit(ada, listing, summary="Rye and spelt.")
    data = form_data(ada, listing)
    del data["accepts_messages"]
    ada.post(edit_url(listing), data)
    if draft == "draft after":
        submit(ada, listing, summary="Rye and spelt.")
    staff_publish(Client(), staff_user, listing)
    row = Business.objects.get(pk=listing.pk)
    assert row.accepts_messages is False
    if draft != "no draft":
        assert row.summary == "Rye and spelt."


def test_switching_and_editing_together(ada, member_a):
    listing = member_a.business
    data = form_data(ada, listing, summary="Rye and spelt.")
    del data["accepts_messages"]
    response = ada.post(edit_url(listing), data)
    notices = [str(m) for m in ada.get(response.url).context["messages"]]
    assert notices[0] == "The contact form on Aspen Bakery is now off."
    assert "waiting for the chamber office" in notices[1]
    row = Business.objects.get(pk=listing.pk)
    assert row.accepts_messages is False
    assert row.summary != "Rye and spelt."  # the text waits for review; the switch did not
    assert row.get_latest_revision_as_object().summary == "Rye and spelt."
    assert row.get_latest_revision_as_object().accepts_messages is False


def test_staff_switch_the_form_in_the_admin(staff_client, bakery):
    response = staff_client.get(f"/admin/snippets/directory/business/edit/{bakery.pk}/")
    assert response.status_code == 200
    assert 'name="accepts_messages"' in response.text
