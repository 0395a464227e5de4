"""Logging in: by e-mail in any case, remember-me, session rotation, django-axes lockouts by
username *and* address, the password-reset path out of a lockout, reset tokens."""

import re

import pytest
from axes.models import AccessAttempt
from bs4 import BeautifulSoup
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client

from tests.factories import UserFactory

LOGIN = "/accounts/login/"
PASSWORD = "a long passphrase"  # UserFactory's
HOME_IP = "198.51.100.7"
ATTACKER_IP = "203.0.113.66"


@pytest.fixture
def ada(site_tree):
    return UserFactory(username="ada@aspen.example", email="ada@aspen.example")


def log_in(client, username, password=PASSWORD, ip=HOME_IP, **extra):
    return client.post(LOGIN, {"username": username, "password": password, **extra}, REMOTE_ADDR=ip)


def logged_in_as(client):
    return client.session.get(SESSION_KEY)


def fail(client, username, times, ip):
    for _ in range(times):
        response = log_in(client, username, "wrong password", ip=ip)
        assert response.status_code in (200, 429)


@pytest.mark.parametrize("typed", ["ada@aspen.example", "Ada@Aspen.Example", " ADA@ASPEN.EXAMPLE "])
def test_members_log_in_with_their_email_in_any_case(client, ada, typed):
    response = log_in(client, typed)

    assert response.status_code == 302
    assert response["Location"] == "/account/"
    assert logged_in_as(client) == str(ada.pk)


def test_staff_still_log_in_with_a_username(client, site_tree):
    staff = UserFactory(username="sam", email="sam@example.org", is_staff=True)

    log_in(client, "sam")

    assert logged_in_as(client) == str(staff.pk)


def test_an_ambiguous_email_logs_nobody_in(client, site_tree):
    UserFactory(username="one", email="shared@example.org")
    UserFactory(username="two", email="Shared@example.org")

    response = log_in(client, "shared@example.org")

    assert response.status_code == 200
    assert logged_in_as(client) is None


def test_a_wrong_password_keeps_the_email_and_explains(client, ada):
    response = log_in(client, "ada@aspen.example", "not it at all")

    assert response.status_code == 200
    assert 'value="ada@aspen.example"' in response.text
    assert "don&#x27;t match an account" in response.text
    assert logged_in_as(client) is None


def test_the_session_key_is_rotated_at_login(client, ada):
    client.get(LOGIN)
    session = client.session
    session["before_login"] = True
    session.save()
    before = session.session_key

    log_in(client, "ada@aspen.example")

    assert client.session.session_key != before
    assert logged_in_as(client) == str(ada.pk)


def test_remember_me_is_off_by_default(client, ada):
    page = client.get(LOGIN).text
    assert 'name="remember_me"' in page
    assert not re.search(r'name="remember_me"[^>]*checked', page)

    log_in(client, "ada@aspen.example")

    assert client.session.get_expire_at_browser_close()


def test_remember_me_keeps_the_login_for_two_weeks(client, ada):
    log_in(client, "ada@aspen.example", remember_me="on")

    assert not client.session.get_expire_at_browser_close()
    assert client.session.get_expiry_age() == 14 * 24 * 3600


def test_logout_needs_a_post(client, ada):
    client.force_login(ada)

    assert client.get("/accounts/logout/").status_code == 200
    assert logged_in_as(client) == str(ada.pk)
    client.post("/accounts/logout/")
    assert logged_in_as(client) is None


def test_a_get_to_logout_shows_a_page_with_a_log_out_button(ada, site_tree):
    """Issue #22: a bookmarked or typed /accounts/logout/ showed a blank 405 page."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(ada)

    response = client.get("/accounts/logout/", {"next": "/directory/"})

    assert response.status_code == 200
    assert logged_in_as(client) == str(ada.pk)
    page = BeautifulSoup(response.text, "html.parser")
    assert page.find("a", class_="skip-link")  # the site's own page, with its header
    assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert page.h1.get_text() == "Log out"
    (form,) = page.main.find_all("form")
    assert (form["method"], form["action"]) == ("post", "/accounts/logout/")
    assert form.button.get_text() == "Log out"
    fields = {field["name"]: field["value"] for field in form.find_all("input")}
    assert fields["next"] == "/directory/"
    # The form is what logs out, with its CSRF token; a post without one is refused.
    assert client.post("/accounts/logout/").status_code == 403
    assert logged_in_as(client) == str(ada.pk)
    response = client.post("/accounts/logout/", fields)
    assert response.status_code == 302 and response["Location"] == "/directory/"
    assert logged_in_as(client) is None

    # Logged out: nothing to do, and a way on.
    again = BeautifulSoup(client.get("/accounts/logout/").text, "html.parser")
    assert "You are not logged in" in again.main.get_text()
    assert again.main.find("form") is None


def test_logout_page_drops_a_next_address_on_another_site(client, ada, site_tree):
    client.force_login(ada)
    response = client.get("/accounts/logout/", {"next": "https://evil.example/"})
    assert response.status_code == 200
    assert "evil.example" not in response.text


# django-axes --------------------------------------------------------------------------------------


def test_five_failures_lock_the_account_from_that_address_only(client, ada, settings):
    fail(client, "ada@aspen.example", settings.AXES_FAILURE_LIMIT, ATTACKER_IP)

    locked = log_in(client, "ada@aspen.example", ip=ATTACKER_IP)  # even the right password

    assert locked.status_code == 429
    assert "Too many log-in attempts" in locked.text
    assert "15 minutes" in locked.text
    assert "/accounts/password_reset/" in locked.text
    assert logged_in_as(client) is None

    # The member, from home, is not locked out by the attacker.
    assert log_in(client, "ada@aspen.example", ip=HOME_IP).status_code == 302
    assert logged_in_as(client) == str(ada.pk)


def test_a_lockout_does_not_spill_onto_other_accounts_from_the_same_address(client, ada, settings):
    ben = UserFactory(username="ben@birch.example", email="ben@birch.example")
    fail(client, "ada@aspen.example", settings.AXES_FAILURE_LIMIT, ATTACKER_IP)

    assert log_in(client, "ben@birch.example", ip=ATTACKER_IP).status_code == 302
    assert logged_in_as(client) == str(ben.pk)


def test_changing_the_case_of_the_email_counts_against_the_same_account(client, ada, settings):
    spellings = ["ada@aspen.example", "ADA@aspen.example", "Ada@Aspen.example"]
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, spellings[attempt % 3], "wrong", ip=ATTACKER_IP)

    assert log_in(client, "ada@aspen.example", ip=ATTACKER_IP).status_code == 429
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {"ada@aspen.example"}


def test_the_wagtail_admin_login_is_protected_too(client, site_tree, settings):
    UserFactory(username="admin", email="admin@example.org", is_staff=True, is_superuser=True)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/admin/login/", {"username": "admin", "password": "guess"}, REMOTE_ADDR=ATTACKER_IP
        )

    response = client.post(
        "/admin/login/", {"username": "admin", "password": PASSWORD}, REMOTE_ADDR=ATTACKER_IP
    )

    assert response.status_code == 429
    assert logged_in_as(client) is None


def reset_link(email_message) -> str:
    return re.search(r"http://testserver(/accounts/reset/\S+/)", email_message.body).group(1)


def test_a_password_reset_lifts_the_lockout(client, ada, settings):
    fail(client, "ada@aspen.example", settings.AXES_FAILURE_LIMIT, HOME_IP)
    assert log_in(client, "ada@aspen.example", ip=HOME_IP).status_code == 429

    client.post("/accounts/password_reset/", {"email": "ADA@aspen.example"}, REMOTE_ADDR=HOME_IP)
    (message,) = mail.outbox
    form_url = client.get(reset_link(message), follow=True).redirect_chain[-1][0]
    new_password = "river stones and oak leaves"
    done = client.post(form_url, {"new_password1": new_password, "new_password2": new_password})

    assert done.status_code == 302
    assert log_in(client, "ada@aspen.example", new_password, ip=HOME_IP).status_code == 302
    assert logged_in_as(client) == str(ada.pk)


# Password reset -----------------------------------------------------------------------------------


def test_the_reset_email_has_text_and_html_parts(client, ada):
    client.post("/accounts/password_reset/", {"email": "ada@aspen.example"})

    (message,) = mail.outbox
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert reset_link(message) in html
    assert reset_link(message) in message.body


def test_reset_requests_are_rate_limited_per_address(client, ada, settings):
    settings.PASSWORD_RESET_RATE_LIMIT_PER_HOUR = 2
    for _ in range(2):
        client.post("/accounts/password_reset/", {"email": "ada@aspen.example"})

    response = client.post("/accounts/password_reset/", {"email": "ada@aspen.example"})

    assert response.status_code == 429
    assert "try again" in response.text
    assert len(mail.outbox) == 2


def test_a_tampered_reset_link_is_refused(client, ada):
    client.post("/accounts/password_reset/", {"email": "ada@aspen.example"})
    link = reset_link(mail.outbox[0])
    tampered = link[:-3] + ("x" if link[-3] != "x" else "y") + link[-2:]

    response = client.get(tampered, follow=True)

    assert "This link has expired" in response.text
    assert 'name="new_password1"' not in response.text


def test_an_expired_reset_link_is_refused(client, ada, settings):
    client.post("/accounts/password_reset/", {"email": "ada@aspen.example"})
    link = reset_link(mail.outbox[0])
    settings.PASSWORD_RESET_TIMEOUT = -1  # every token is now older than the timeout

    response = client.get(link, follow=True)

    assert "This link has expired" in response.text


def test_a_used_reset_link_does_not_work_twice(client, ada):
    client.post("/accounts/password_reset/", {"email": "ada@aspen.example"})
    link = reset_link(mail.outbox[0])
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    new_password = "river stones and oak leaves"
    client.post(form_url, {"new_password1": new_password, "new_password2": new_password})
    client.logout()

    response = client.get(link, follow=True)

    assert "This link has expired" in response.text


@pytest.mark.parametrize(
    ("password", "error"),
    [("short one", "at least 10 characters"), ("password123", "too common")],
)
def test_weak_new_passwords_are_refused(client, ada, password, error):
    client.post("/accounts/password_reset/", {"email": "ada@aspen.example"})
    form_url = client.get(reset_link(mail.outbox[0]), follow=True).redirect_chain[-1][0]

    response = client.post(form_url, {"new_password1": password, "new_password2": password})

    assert response.status_code == 200
    assert error in response.text


def test_a_member_changes_their_password(client, ada):
    assert client.get("/accounts/password_change/").status_code == 302  # log in first
    client.force_login(ada)
    new_password = "river stones and oak leaves"

    response = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )

    assert response.status_code == 302
    assert logged_in_as(client) == str(ada.pk)  # the session survives its own password change
    ada.refresh_from_db()
    assert ada.check_password(new_password)


def test_behind_a_proxy_a_lockout_holds_the_attackers_address_only(client, ada, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            LOGIN,
            {"username": "ada@aspen.example", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=ATTACKER_IP,
            **proxy,
        )
    locked = client.post(
        LOGIN,
        {"username": "ada@aspen.example", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR=f"{HOME_IP}, {ATTACKER_IP}",  # a forged entry doesn't help
        **proxy,
    )
    assert locked.status_code == 429
    at_home = client.post(
        LOGIN,
        {"username": "ada@aspen.example", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR=HOME_IP,  # same proxy, another visitor: not locked out
        **proxy,
    )
    assert at_home.status_code == 302
    assert logged_in_as(client) is not None


def test_the_admin_password_reset_goes_through_the_one_limited_view(client, ada):
    """Issue #23: POST /admin/password_reset/ sent a reset e-mail every time, past every limit."""
    for _ in range(15):
        response = client.post("/admin/password_reset/", {"email": "ada@aspen.example"})
        assert response.status_code == 302
        assert response["Location"] == "/accounts/password_reset/"
    assert mail.outbox == []
    login_page = client.get("/admin/login/")
    assert "/admin/password_reset/" in login_page.text  # the link staff follow still works
    assert client.get("/admin/password_reset/", follow=True).status_code == 200


def test_one_address_gets_at_most_three_reset_emails_an_hour_from_any_number_of_clients(
    client, ada
):
    for number in range(12):
        response = client.post(
            "/accounts/password_reset/",
            {"email": "ADA@aspen.example"},
            REMOTE_ADDR=f"198.51.100.{number}",
        )
        assert response.status_code == 302  # the same answer whether sent or held back
    assert len(mail.outbox) == 3
